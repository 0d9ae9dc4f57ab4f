//! `i18n update`: a translator's catalog brought up to a new template, as
//! GNU `msgmerge` does it, with entries matched by their context (the rule
//! id and the unit's place, stable across edits) rather than by text:
//!
//! - same context, same source text: the translation stays as it was;
//! - same context, changed source text: the old translation stays, marked
//!   `fuzzy` (the page then says the source changed since it was
//!   translated);
//! - a context the template no longer has: its translation is kept as an
//!   obsolete `#~` entry (untranslated ones are dropped), and comes back,
//!   fuzzy, if the unit does;
//! - a new context: an untranslated entry.
//!
//! The header (language, team, plural forms) and translator comments are
//! the translator's and are kept.

use std::collections::HashMap;

use anyhow::{Context, Result};
use polib::catalog::Catalog;
use polib::message::{Message, MessageFlags};

use super::catalog::to_po;

/// What a merge left in the catalog.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MergeStats {
    pub translated: usize,
    pub fuzzy: usize,
    pub untranslated: usize,
    pub obsolete: usize,
}

/// An entry of the old catalog.
struct Old {
    msgid: String,
    msgstr: String,
    fuzzy: bool,
    comments: String,
}

/// `old_po` (a `.po` file's text) merged with `template`: the new text and
/// its counts.
pub fn merge(template: &Catalog, old_po: &str) -> Result<(String, MergeStats)> {
    let old = polib::po_file::parse_from_reader(old_po.as_bytes())
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("failed to read the catalog")?;
    let obsolete_old = polib::po_file::parse_from_reader(obsolete_entries(old_po).as_bytes())
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("failed to read the catalog's obsolete entries")?;
    let by_context = |c: &Catalog| -> HashMap<String, Old> {
        c.messages()
            .filter(|m| m.is_singular())
            .map(|m| {
                (
                    m.msgctxt().unwrap_or_default().to_owned(),
                    Old {
                        msgid: m.msgid().to_owned(),
                        msgstr: m.msgstr().unwrap_or_default().to_owned(),
                        fuzzy: m.is_fuzzy(),
                        comments: m.translator_comments().to_owned(),
                    },
                )
            })
            .collect()
    };
    let mut current = by_context(&old);
    let mut obsolete = by_context(&obsolete_old);
    let mut out = Catalog::new(old.metadata.clone());
    let mut stats = MergeStats::default();
    for t in template.messages() {
        let ctxt = t.msgctxt().unwrap_or_default();
        let (msgstr, fuzzy, comments) = match (current.remove(ctxt), obsolete.remove(ctxt)) {
            (Some(o), _) => {
                let fuzzy = o.fuzzy || o.msgid != t.msgid();
                (o.msgstr, fuzzy, o.comments)
            }
            (None, Some(o)) => (o.msgstr, true, o.comments),
            (None, None) => (String::new(), false, String::new()),
        };
        let fuzzy = fuzzy && !msgstr.is_empty();
        match (msgstr.is_empty(), fuzzy) {
            (true, _) => stats.untranslated += 1,
            (false, true) => stats.fuzzy += 1,
            (false, false) => stats.translated += 1,
        }
        let mut flags = MessageFlags::new();
        if fuzzy {
            flags.add_flag("fuzzy");
        }
        let mut m = Message::build_singular();
        m.with_msgctxt(ctxt.to_owned())
            .with_msgid(t.msgid().to_owned())
            .with_msgstr(msgstr)
            .with_source(t.source().to_owned())
            .with_extracted_comments(t.extracted_comments().to_owned())
            .with_flags(flags);
        if !comments.is_empty() {
            m.with_translator_comments(comments);
        }
        out.append_or_update(m.done());
    }
    // What the template no longer has: translated entries become obsolete,
    // in the old file's order (current ones first, then earlier obsolete).
    let mut gone = Catalog::new(Default::default());
    for c in [&old, &obsolete_old] {
        for m in c.messages() {
            let ctxt = m.msgctxt().unwrap_or_default();
            let left = if std::ptr::eq(c, &old) {
                current.remove(ctxt)
            } else {
                obsolete.remove(ctxt)
            };
            if let Some(o) = left.filter(|o| !o.msgstr.is_empty()) {
                let mut flags = MessageFlags::new();
                if o.fuzzy {
                    flags.add_flag("fuzzy");
                }
                gone.append_or_update(
                    Message::build_singular()
                        .with_msgctxt(ctxt.to_owned())
                        .with_msgid(o.msgid)
                        .with_msgstr(o.msgstr)
                        .with_flags(flags)
                        .done(),
                );
                stats.obsolete += 1;
            }
        }
    }
    let mut text = to_po(&out)?;
    if stats.obsolete > 0 {
        text.push_str(&as_obsolete(&to_po(&gone)?));
    }
    Ok((text, stats))
}

/// The `#~` entries of a PO text, as ordinary PO text with a header of
/// its own (their `#, fuzzy` flags kept).
fn obsolete_entries(po: &str) -> String {
    let lines: Vec<&str> = po.lines().collect();
    // polib wants a header entry before any other.
    let mut out =
        String::from("msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n\n");
    for (i, line) in lines.iter().enumerate() {
        if let Some(rest) = line.strip_prefix("#~ ") {
            out.push_str(rest);
            out.push('\n');
        } else if line.starts_with("#, ") && lines.get(i + 1).is_some_and(|n| n.starts_with("#~ "))
        {
            out.push_str(line);
            out.push('\n');
        } else if line.trim().is_empty() {
            out.push('\n');
        }
    }
    out
}

/// PO text (header first) as obsolete entries: the header dropped, every
/// line of an entry but its flags behind `#~ `.
fn as_obsolete(po: &str) -> String {
    let body = po.split_once("\n\n").map_or("", |(_, rest)| rest);
    let mut out = String::new();
    for line in body.lines() {
        if line.is_empty() || line.starts_with("#, ") {
            out.push_str(line);
        } else if !line.starts_with('#') {
            out.push_str("#~ ");
            out.push_str(line);
        } else {
            continue;
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Unit;
    use crate::i18n::catalog::template;

    fn unit(context: &str, text: &str) -> Unit {
        Unit {
            context: context.into(),
            text: text.into(),
            source: "spec.md:1".into(),
            kind: "paragraph",
        }
    }

    const HEADER: &str =
        "msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\nLanguage: zh\\n\"\n\n";

    #[test]
    fn a_unit_that_comes_back_revives_its_obsolete_translation_as_fuzzy() {
        let old = format!(
            "{HEADER}msgctxt \"a/p-1\"\nmsgid \"Kept.\"\nmsgstr \"留。\"\n\n#~ msgctxt \"b/p-1\"\n#~ msgid \"Back.\"\n#~ msgstr \"回。\"\n"
        );
        let t = template("T", &[unit("a/p-1", "Kept."), unit("b/p-1", "Back again.")]);
        let (text, stats) = merge(&t, &old).unwrap();
        assert_eq!(
            stats,
            MergeStats {
                translated: 1,
                fuzzy: 1,
                untranslated: 0,
                obsolete: 0
            }
        );
        assert!(
            text.contains("Language: zh"),
            "the translator's header stays"
        );
        assert!(
            text.contains("#, fuzzy\nmsgctxt \"b/p-1\"\nmsgid \"Back again.\"\nmsgstr \"回。\""),
            "{text}"
        );
        assert!(!text.contains("#~"), "{text}");
    }

    #[test]
    fn untranslated_units_that_go_are_dropped_translated_ones_kept() {
        let old = format!(
            "{HEADER}msgctxt \"a/p-1\"\nmsgid \"Gone.\"\nmsgstr \"去。\"\n\nmsgctxt \"a/p-2\"\nmsgid \"Never translated.\"\nmsgstr \"\"\n"
        );
        let (text, stats) = merge(&template("T", &[]), &old).unwrap();
        assert_eq!(stats.obsolete, 1);
        assert!(
            text.contains("#~ msgctxt \"a/p-1\"\n#~ msgid \"Gone.\"\n#~ msgstr \"去。\""),
            "{text}"
        );
        assert!(!text.contains("Never translated."), "{text}");
    }
}
