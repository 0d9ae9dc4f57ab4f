//! A reader of GNU gettext PO catalogs that keeps where each entry is
//! (polib keeps no line numbers, and panics on some malformed lines): what
//! `check` points at, and what a translated site reads its units from.

/// One entry of a PO catalog, with where it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PoEntry {
    pub msgctxt: Option<String>,
    pub msgid: String,
    /// `None` for a plural entry (`msgstr[N]`), which no unit makes.
    pub msgstr: Option<String>,
    pub fuzzy: bool,
    /// 1-based lines of the keywords (0: absent).
    pub msgctxt_line: usize,
    pub msgid_line: usize,
    pub msgstr_line: usize,
}

/// Why a PO text could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// The field a string line adds to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Ctxt,
    Id,
    IdPlural,
    Str,
    StrPlural,
}

/// The entries of a PO text (GNU gettext's format: `#` comments, `#,`
/// flags, keywords each followed by a quoted string, continued by further
/// `"…"` lines), without the obsolete `#~` ones. The first entry must be
/// the header (`msgid ""`), as polib requires. Escapes are the ones polib
/// reads (`\\ \" \n \r \t`), so a catalog this accepts is one `i18n
/// update` can read.
pub fn read_po(text: &str) -> Result<Vec<PoEntry>, PoError> {
    let mut entries: Vec<PoEntry> = Vec::new();
    let mut cur = PoEntry::default();
    let mut field: Option<Field> = None;
    let mut fuzzy = false;
    // Whether the entry being read has any keyword yet.
    let mut started = false;
    let err = |line: usize, col: usize, message: String| PoError { line, col, message };
    let finish = |entries: &mut Vec<PoEntry>,
                  cur: &mut PoEntry,
                  started: &mut bool,
                  fuzzy: &mut bool|
     -> Result<(), PoError> {
        if *started {
            if cur.msgid_line == 0 {
                let line = cur.msgctxt_line.max(cur.msgstr_line);
                return Err(err(line, 1, "an entry without `msgid`".into()));
            }
            if cur.msgstr_line == 0 {
                return Err(err(cur.msgid_line, 1, "an entry without `msgstr`".into()));
            }
            cur.fuzzy = *fuzzy;
            entries.push(std::mem::take(cur));
        }
        *started = false;
        *fuzzy = false;
        Ok(())
    };
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        // Indentation is allowed (GNU tools read it), and counted in columns.
        let line = raw.trim();
        let indent = raw[..raw.len() - raw.trim_start().len()].chars().count();
        let err = |line: usize, col: usize, message: String| err(line, col + indent, message);
        if line.is_empty() {
            finish(&mut entries, &mut cur, &mut started, &mut fuzzy)?;
            field = None;
            continue;
        }
        if line.starts_with("#~") {
            // Obsolete: the translator's archive, not part of the catalog.
            field = None;
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            // A comment after a msgstr starts the next entry (GNU tools do
            // not need the blank line).
            if cur.msgstr_line != 0 {
                finish(&mut entries, &mut cur, &mut started, &mut fuzzy)?;
            }
            if let Some(flags) = comment.strip_prefix(',') {
                fuzzy |= flags.split(',').any(|f| f.trim() == "fuzzy");
            }
            field = None;
            continue;
        }
        if line.starts_with('"') {
            let Some(f) = field else {
                return Err(err(n, 1, "a string that continues no keyword".into()));
            };
            let s = string(line).map_err(|(col, m)| err(n, col, m))?;
            match f {
                Field::Ctxt => cur.msgctxt.get_or_insert_default().push_str(&s),
                Field::Id => cur.msgid.push_str(&s),
                Field::Str => cur.msgstr.get_or_insert_default().push_str(&s),
                Field::IdPlural | Field::StrPlural => {}
            }
            continue;
        }
        let (keyword, rest) = line.split_once([' ', '\t']).unwrap_or((line, ""));
        let rest_col = keyword.chars().count() + 2;
        let f = match keyword {
            "msgctxt" => Field::Ctxt,
            "msgid" => Field::Id,
            "msgid_plural" => Field::IdPlural,
            "msgstr" => Field::Str,
            k if k.starts_with("msgstr[")
                && k.ends_with(']')
                && k[7..k.len() - 1].parse::<usize>().is_ok() =>
            {
                Field::StrPlural
            }
            _ => {
                return Err(err(
                    n,
                    1,
                    format!(
                        "expected `msgctxt`, `msgid`, `msgstr`, a `\"…\"` string or a `#` comment, found `{}`",
                        line.chars().take(40).collect::<String>()
                    ),
                ));
            }
        };
        // A new msgctxt or msgid after a msgstr: the next entry.
        if matches!(f, Field::Ctxt | Field::Id) && cur.msgstr_line != 0 {
            finish(&mut entries, &mut cur, &mut started, &mut fuzzy)?;
        }
        let lead = rest.len() - rest.trim_start().len();
        let s =
            string(rest.trim_start()).map_err(|(col, m)| err(n, rest_col + lead + col - 1, m))?;
        let twice = |what: &str| err(n, 1, format!("`{what}` twice in one entry"));
        match f {
            Field::Ctxt => {
                if cur.msgctxt_line != 0 || cur.msgid_line != 0 {
                    return Err(if cur.msgctxt_line != 0 {
                        twice("msgctxt")
                    } else {
                        err(n, 1, "`msgctxt` after `msgid`".into())
                    });
                }
                cur.msgctxt = Some(s);
                cur.msgctxt_line = n;
            }
            Field::Id => {
                if cur.msgid_line != 0 {
                    return Err(twice("msgid"));
                }
                cur.msgid = s;
                cur.msgid_line = n;
            }
            Field::IdPlural => {}
            Field::Str | Field::StrPlural => {
                if cur.msgid_line == 0 {
                    return Err(err(n, 1, "`msgstr` before `msgid`".into()));
                }
                if f == Field::Str {
                    if cur.msgstr_line != 0 {
                        return Err(twice("msgstr"));
                    }
                    cur.msgstr = Some(s);
                }
                if cur.msgstr_line == 0 {
                    cur.msgstr_line = n;
                }
            }
        }
        started = true;
        field = Some(f);
    }
    finish(&mut entries, &mut cur, &mut started, &mut fuzzy)?;
    if let Some(first) = entries.first()
        && !(first.msgctxt.is_none() && first.msgid.is_empty())
    {
        let line = if first.msgctxt_line != 0 {
            first.msgctxt_line
        } else {
            first.msgid_line
        };
        return Err(err(
            line,
            1,
            "the first entry is not the header (`msgid \"\"`, whose `msgstr` holds `Content-Type: text/plain; charset=UTF-8`): start catalogs from `po/messages.pot` (`msginit`)".into(),
        ));
    }
    Ok(entries)
}

/// A quoted PO string, unescaped; on error, the 1-based column within
/// `s` and what is wrong.
fn string(s: &str) -> Result<String, (usize, String)> {
    let mut chars = s.char_indices();
    if chars.next().map(|(_, c)| c) != Some('"') {
        return Err((1, "expected a `\"…\"` string".into()));
    }
    let mut out = String::new();
    let col = |byte: usize| s[..byte].chars().count() + 1;
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => {
                let rest = &s[at + 1..];
                if !rest.trim().is_empty() {
                    let found = at + 1 + (rest.len() - rest.trim_start().len());
                    return Err((col(found), "text after the closing `\"`".into()));
                }
                return Ok(out);
            }
            '\\' => match chars.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                Some((_, 'r')) => out.push('\r'),
                Some((_, '"')) => out.push('"'),
                Some((_, '\\')) => out.push('\\'),
                Some((_, other)) => {
                    return Err((
                        col(at),
                        format!(
                            "unknown escape `\\{other}` (PO strings know `\\\\`, `\\\"`, `\\n`, `\\r`, `\\t`)"
                        ),
                    ));
                }
                // The opening quote is where to look.
                None => return Err((1, "a string without its closing `\"`".into())),
            },
            c => out.push(c),
        }
    }
    Err((1, "a string without its closing `\"`".into()))
}
