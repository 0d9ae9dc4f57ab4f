//! The interface strings of a site (navigation, search, verdict labels,
//! banners…) in the edition's language: a built-in table per language,
//! overridable key by key by the project's own `strings/<lang>.toml`.
//! Templates read the table as `t` (`{{ t.search_placeholder }}`); the
//! page-building code through [`Strings::get`] / [`Strings::fill`]; the
//! built-in scripts get their strings written into them at build time
//! ([`localize_script`]), so a page loads no extra file or bytes for them.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;

use anyhow::{Result, anyhow};
use serde::Serialize;

/// Built-in tables: (language, TOML). English is the reference: every key
/// exists there, and a key missing from another table falls back to it.
const BUILTIN: &[(&str, &str)] = &[
    ("en", include_str!("strings/en.toml")),
    ("zh", include_str!("strings/zh.toml")),
];

/// Where a project's own strings live, under its root (the theme folder).
pub const STRINGS_DIR: &str = "strings";

type Table = BTreeMap<String, String>;

static TABLES: LazyLock<Vec<(&'static str, Table)>> = LazyLock::new(|| {
    BUILTIN
        .iter()
        .map(|(lang, text)| {
            // The built-in tables are part of the binary: a test parses
            // them, so this cannot fail in a released build.
            let table: Table = toml::from_str(text)
                .unwrap_or_else(|e| panic!("built-in strings `{lang}.toml`: {e}"));
            (*lang, table)
        })
        .collect()
});

fn builtin(lang: &str) -> Option<&'static Table> {
    TABLES.iter().find(|(l, _)| *l == lang).map(|(_, t)| t)
}

fn english() -> &'static Table {
    builtin("en").expect("the English table is built in")
}

/// The primary subtag of a BCP 47 tag, lower-cased: `zh-CN` → `zh`.
fn base_language(lang: &str) -> String {
    lang.split(['-', '_'])
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The interface strings of one edition.
#[derive(Debug, Clone)]
pub struct Strings {
    table: Table,
    /// A hash of `table`: what the serve cache compares fragments by.
    fingerprint: u64,
}

impl Serialize for Strings {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.table.serialize(s)
    }
}

impl Strings {
    /// The built-in table of `lang` (`zh-CN` uses `zh`), English for a
    /// language without one; keys it lacks are English.
    pub fn builtin(lang: &str) -> Strings {
        let mut table = english().clone();
        if let Some(own) = builtin(&base_language(lang)) {
            table.extend(own.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        Strings::new(table)
    }

    fn new(table: Table) -> Strings {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        table.hash(&mut h);
        Strings {
            fingerprint: h.finish(),
            table,
        }
    }

    /// Tells tables apart (equal tables, equal fingerprints).
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// The built-in table of `lang` with the project's overrides:
    /// `<theme_dir>/strings/<base>.toml`, then `strings/<lang>.toml` when
    /// the language has a region or script (`zh.toml`, then `zh-TW.toml`).
    /// A file that does not parse, holds a value that is not a string or
    /// names a key no table has is an error naming the file.
    pub fn load(lang: &str, theme_dir: Option<&Path>) -> Result<Strings> {
        let mut strings = Strings::builtin(lang);
        let Some(dir) = theme_dir.map(|d| d.join(STRINGS_DIR)) else {
            return Ok(strings);
        };
        let base = base_language(lang);
        let mut names = vec![base.clone()];
        if lang.trim() != base && !lang.trim().is_empty() {
            names.push(lang.trim().to_owned());
        }
        for name in names {
            let path = dir.join(format!("{name}.toml"));
            if !path.is_file() {
                continue;
            }
            let shown = format!("{STRINGS_DIR}/{name}.toml");
            let text = std::fs::read_to_string(&path)
                .map_err(|e| anyhow!("{shown}: failed to read: {e}"))?;
            strings.apply(&shown, &text)?;
        }
        Ok(strings)
    }

    /// Overrides keys from the TOML `text` of the file `shown`.
    fn apply(&mut self, shown: &str, text: &str) -> Result<()> {
        let own: Table = toml::from_str(text).map_err(|e| anyhow!("{shown}: {e}"))?;
        let unknown: Vec<&str> = own
            .keys()
            .filter(|k| !english().contains_key(*k))
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            return Err(anyhow!(
                "{shown}: unknown key{} {} (the keys are those of specbook's built-in English table; see templates/README.md)",
                if unknown.len() == 1 { "" } else { "s" },
                unknown
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let mut table = std::mem::take(&mut self.table);
        table.extend(own);
        *self = Strings::new(table);
        Ok(())
    }

    /// The string `key`. Keys are those of the English table; an unknown
    /// one is a bug of the caller, shown as the key itself.
    pub fn get<'s>(&'s self, key: &'s str) -> &'s str {
        debug_assert!(self.table.contains_key(key), "no interface string `{key}`");
        self.table.get(key).map_or(key, String::as_str)
    }

    /// The string `key` with each `{name}` of `args` filled in.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        fill(self.get(key), args)
    }

    /// `key_one` or `key_other` by `n`, with `{n}` filled in (the
    /// languages built in need no more plural forms than these two).
    pub fn count(&self, key: &str, n: usize) -> String {
        let form = if n == 1 { "one" } else { "other" };
        self.fill(&format!("{key}_{form}"), &[("n", &n.to_string())])
    }
}

/// `template` with each `{name}` of `args` replaced by its value.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// The writing direction of a language (`<html dir>`): `rtl` for the
/// languages written right to left (by their script subtag when there is
/// one: `ku-Arab` is `rtl`, `az-Latn` `ltr`), else `ltr`.
pub fn direction(lang: &str) -> &'static str {
    const RTL_SCRIPTS: &[&str] = &[
        "arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "rohg", "mand", "samr",
    ];
    const RTL_LANGUAGES: &[&str] = &[
        "ar", "he", "iw", "fa", "ur", "yi", "ji", "ps", "dv", "ckb", "sd", "ug", "syr", "arc",
        "ku-arab",
    ];
    let lower = lang.trim().to_ascii_lowercase().replace('_', "-");
    let script = lower
        .split('-')
        .skip(1)
        .find(|s| s.len() == 4 && s.chars().all(|c| c.is_ascii_alphabetic()));
    let rtl = match script {
        Some(s) => RTL_SCRIPTS.contains(&s),
        None => RTL_LANGUAGES.contains(&base_language(&lower).as_str()),
    };
    if rtl { "rtl" } else { "ltr" }
}

/// A built-in script with its interface strings in `strings`' language.
/// The sources mark each string literal that holds an interface string
/// with its key: `/*t:key*/"Copied"`, or `/*h:key*/'<p>No example…</p>'`
/// where the literal is markup and the string is HTML-escaped in it. The
/// literal holds the English value (a test checks it); a build writes
/// the edition's value in its place and drops the mark. So the sources
/// run as they are (node runs `search.js` in the tests) and show
/// English, each language gets its own scripts, and no page carries a
/// table, or a byte more than its strings, for it.
/// A mark with an unknown key, no literal after it, or a literal without
/// the English value is left as it is (a test checks the built-in
/// scripts have none).
pub fn localize_script(src: &str, strings: &Strings) -> String {
    let mut out = String::with_capacity(src.len());
    let mut rest = src;
    while let Some(at) = rest.find("/*") {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        match marked_literal(from).and_then(|m| localized_literal(&m, strings)) {
            Some((lit, len)) => {
                out.push_str(&lit);
                rest = &from[len..];
            }
            None => {
                out.push_str("/*");
                rest = &from[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A marked literal: its key, whether the string is HTML-escaped in it,
/// its quote, its text as JavaScript reads it, and the length of mark and
/// literal in the source.
struct Marked<'s> {
    key: &'s str,
    html: bool,
    quote: char,
    text: String,
    len: usize,
}

/// At `s` (starting with `/*`): a mark and the literal after it.
fn marked_literal(s: &str) -> Option<Marked<'_>> {
    let html = match s.get(2..4)? {
        "t:" => false,
        "h:" => true,
        _ => return None,
    };
    let end = s.find("*/")?;
    let key = &s[4..end];
    if key.is_empty()
        || !key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return None;
    }
    let lit = &s[end + 2..];
    let quote = lit.chars().next().filter(|q| *q == '"' || *q == '\'')?;
    let mut text = String::new();
    let mut chars = lit.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '\n' | '\r' => return None,
            c if c == quote => {
                return Some(Marked {
                    key,
                    html,
                    quote,
                    text,
                    len: end + 2 + i + 1,
                });
            }
            '\\' => match chars.next()?.1 {
                'n' => text.push('\n'),
                't' => text.push('\t'),
                'r' => text.push('\r'),
                'u' => {
                    let hex: String = (0..4)
                        .filter_map(|_| chars.next().map(|(_, c)| c))
                        .collect();
                    text.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                }
                c => text.push(c),
            },
            c => text.push(c),
        }
    }
    None
}

/// The literal of `m` with the edition's string in place of the English
/// one, in the same quotes; its length in the source.
fn localized_literal(m: &Marked<'_>, strings: &Strings) -> Option<(String, usize)> {
    let english = english().get(m.key)?;
    let value = strings.table.get(m.key)?;
    let (english, value) = match m.html {
        true => (
            super::markdown::escape(english),
            super::markdown::escape(value),
        ),
        false => (english.clone(), value.clone()),
    };
    if m.text.matches(english.as_str()).count() != 1 {
        return None;
    }
    let text = m.text.replacen(english.as_str(), &value, 1);
    let mut lit = String::with_capacity(text.len() + 2);
    lit.push(m.quote);
    for c in text.chars() {
        match c {
            '\\' => lit.push_str("\\\\"),
            '\n' => lit.push_str("\\n"),
            '\r' => lit.push_str("\\r"),
            '\u{2028}' => lit.push_str("\\u2028"),
            '\u{2029}' => lit.push_str("\\u2029"),
            c if c == m.quote => {
                lit.push('\\');
                lit.push(c);
            }
            c if c.is_control() => lit.push_str(&format!("\\u{:04x}", c as u32)),
            c => lit.push(c),
        }
    }
    lit.push(m.quote);
    Some((lit, m.len))
}

/// The marked literals of a script source.
#[cfg(test)]
fn marks(src: &str) -> Vec<Marked<'_>> {
    let mut out = Vec::new();
    let mut rest = src;
    while let Some(at) = rest.find("/*") {
        let from = &rest[at..];
        match marked_literal(from) {
            Some(m) => {
                rest = &from[m.len..];
                out.push(m);
            }
            None => rest = &from[2..],
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_table_parses_and_has_every_english_key() {
        let en = english();
        assert!(en.len() > 100, "{}", en.len());
        for (lang, table) in TABLES.iter() {
            let missing: Vec<&String> = en.keys().filter(|k| !table.contains_key(*k)).collect();
            assert!(missing.is_empty(), "{lang}.toml lacks {missing:?}");
            let extra: Vec<&String> = table.keys().filter(|k| !en.contains_key(*k)).collect();
            assert!(
                extra.is_empty(),
                "{lang}.toml has keys English lacks: {extra:?}"
            );
            for (k, v) in table {
                // A placeholder of the English value is kept in every
                // translation, or the number or name would not be shown.
                for p in placeholders(&en[k]) {
                    assert!(v.contains(&p), "{lang}.toml `{k}` lacks {p}: {v}");
                }
            }
        }
    }

    fn placeholders(s: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut rest = s;
        while let Some(a) = rest.find('{') {
            let Some(b) = rest[a..].find('}') else { break };
            out.push(rest[a..a + b + 1].to_owned());
            rest = &rest[a + b + 1..];
        }
        out
    }

    #[test]
    fn a_language_uses_its_table_its_base_or_english() {
        assert_eq!(Strings::builtin("en").get("verdict_good"), "Compliant");
        assert_eq!(Strings::builtin("zh").get("verdict_good"), "合规");
        assert_eq!(Strings::builtin("zh-CN").get("verdict_good"), "合规");
        assert_eq!(Strings::builtin("ZH_tw").get("verdict_good"), "合规");
        assert_eq!(Strings::builtin("fr").get("verdict_good"), "Compliant");
        assert_eq!(Strings::builtin("").get("verdict_good"), "Compliant");
    }

    #[test]
    fn placeholders_and_plurals_are_filled_in() {
        let en = Strings::builtin("en");
        assert_eq!(
            en.fill("badge_authority_title", &[("level", "Root")]),
            "This section has Root authority"
        );
        assert_eq!(
            en.count("badge_extra", 1),
            "This section also includes 1 lower authority"
        );
        assert_eq!(
            en.count("badge_extra", 3),
            "This section also includes 3 lower authorities"
        );
        assert_eq!(Strings::builtin("zh").count("eval_count", 2), "2 条提示");
    }

    fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(STRINGS_DIR)).unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(STRINGS_DIR).join(name), text).unwrap();
        }
        dir
    }

    #[test]
    fn a_project_file_overrides_only_the_keys_it_names() {
        let dir = project(&[
            ("zh.toml", "search_placeholder = \"查找\"\n"),
            ("zh-TW.toml", "nav_examples = \"範例\"\n"),
            ("en.toml", "verdict_good = \"Good\"\n"),
        ]);
        let zh = Strings::load("zh", Some(dir.path())).unwrap();
        assert_eq!(zh.get("search_placeholder"), "查找");
        assert_eq!(zh.get("nav_examples"), "示例");
        assert_eq!(zh.get("verdict_good"), "合规");
        let tw = Strings::load("zh-TW", Some(dir.path())).unwrap();
        assert_eq!(tw.get("search_placeholder"), "查找");
        assert_eq!(tw.get("nav_examples"), "範例");
        let en = Strings::load("en", Some(dir.path())).unwrap();
        assert_eq!(en.get("verdict_good"), "Good");
        assert_eq!(en.get("verdict_bad"), "Violation");
        // A language without a table of its own: English, then its file.
        let dir = project(&[("fr.toml", "nav_examples = \"Exemples\"\n")]);
        let fr = Strings::load("fr", Some(dir.path())).unwrap();
        assert_eq!(fr.get("nav_examples"), "Exemples");
        assert_eq!(fr.get("nav_contents"), "Contents");
    }

    #[test]
    fn a_bad_project_file_is_an_error_naming_it() {
        let dir = project(&[("en.toml", "search_placeholder = \"unclosed\n")]);
        let e = Strings::load("en", Some(dir.path()))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("strings/en.toml: "), "{e}");
        let dir = project(&[(
            "en.toml",
            "serch_placeholder = \"Find\"\nnav_examples = \"X\"\n",
        )]);
        let e = Strings::load("en", Some(dir.path()))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("strings/en.toml: unknown key `serch_placeholder`"),
            "{e}"
        );
        let dir = project(&[("zh.toml", "nav_examples = 3\n")]);
        let e = Strings::load("zh-CN", Some(dir.path()))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("strings/zh.toml: "), "{e}");
    }

    #[test]
    fn right_to_left_languages_are_known_by_language_or_script() {
        for l in [
            "ar", "he", "fa-IR", "ur", "yi", "ps", "dv", "ku-Arab", "ckb",
        ] {
            assert_eq!(direction(l), "rtl", "{l}");
        }
        for l in [
            "en", "zh-CN", "ku", "ku-Latn", "az-Latn", "", "sr-Cyrl", "ar-Latn",
        ] {
            assert_eq!(direction(l), "ltr", "{l}");
        }
    }

    const SCRIPTS: &[(&str, &str)] = &[
        ("app.js", include_str!("../../static/app.js")),
        ("search.js", include_str!("../../static/search.js")),
        ("examples.js", include_str!("../../static/examples.js")),
        ("releases.js", include_str!("../../static/releases.js")),
    ];

    #[test]
    fn the_scripts_marked_strings_are_the_english_table() {
        let en = Strings::builtin("en");
        for (name, src) in SCRIPTS {
            let marks = marks(src);
            assert!(!marks.is_empty(), "{name} marks no string");
            for m in &marks {
                assert!(
                    localized_literal(m, &en).is_some(),
                    "{name}: `{}` is not a key, or its literal {:?} does not hold its English value once",
                    m.key,
                    m.text
                );
            }
            // Every mark is a well-formed one.
            let count = src.matches("/*t:").count() + src.matches("/*h:").count();
            assert_eq!(count, marks.len(), "{name}: a malformed mark");
            // English scripts are the sources, but for escapes such as
            // `\u2026`, written out.
            let out = localize_script(src, &en);
            assert!(!out.contains("/*t:") && !out.contains("/*h:"), "{name}");
        }
    }

    #[test]
    fn a_script_gets_the_editions_strings() {
        let src = "a(/*t:copied*/\"Copied\"); b.innerHTML = /*h:examples_none*/'<li class=\"x\">No example matches these filters.</li>'; /* c */ d(\"/*t:x\"); e(/*t:copied*/'Not it');";
        let zh = localize_script(src, &Strings::builtin("zh"));
        assert_eq!(
            zh,
            "a(\"已复制\"); b.innerHTML = '<li class=\"x\">没有符合这些筛选条件的示例。</li>'; /* c */ d(\"/*t:x\"); e(/*t:copied*/'Not it');"
        );
        let mut table = english().clone();
        table.insert("copied".into(), "<'ok'>\\".into());
        let en = Strings::new(table);
        let out = localize_script("/*t:copied*/'Copied' /*h:copied*/\"<b>Copied</b>\"", &en);
        assert_eq!(out, r#"'<\'ok\'>\\' "<b>&lt;&#39;ok&#39;&gt;\\</b>""#);
        // Escapes in the source are read as JavaScript reads them.
        let out = localize_script("/*t:loading*/\"Loading\\u2026\"", &Strings::builtin("zh"));
        assert_eq!(out, "\"正在加载…\"");
    }
}
