//! Translation problems `check` reports (issue 14): a translation in a
//! `po/<lang>.po` whose rule references, footnotes, inline code, math,
//! link targets or HTML tags differ from its source unit, at the `.po`
//! file's `LINE:COL` (the entry's `msgstr` line).
//!
//! Severity, and why:
//!
//! - **error**: a reference `[?](#id)` / `[text](#id)`, a footnote
//!   `[^label]`, an inline code span or a formula (`\\( … \\)`,
//!   `\\[ … \\]`) that the translation drops, adds or repeats a different
//!   number of times. A lost reference is a lost link (and the "Referenced
//!   by" lists of the translated site go wrong); footnotes carry the eval
//!   prompts; code and math are literal and mean what they say in every
//!   language.
//! - **warning**: an external link target or an HTML tag (`<settings>`)
//!   that differs: a translator may rightly point at a page in their own
//!   language, and tags in prose are shown as text anyway. Emphasis is not
//!   compared at all: languages stress words differently.
//! - A **stale** translation (entry marked `fuzzy`, or made for another
//!   source text than the unit has now) is linted too, since the site shows
//!   it with a notice, but every difference is a warning: the source moved,
//!   so some differences are expected until the translator catches up.
//! - An entry whose `msgctxt` names no unit of the spec: a warning
//!   suggesting `specbook i18n update` (which makes it obsolete). Obsolete
//!   `#~` entries are the translator's archive and are not read.
//! - A catalog that is not well-formed PO: an error at the line (polib,
//!   which `i18n update` and `status` use, cannot read it, and keeps no
//!   line numbers, so the catalog is read here by a small reader of its
//!   own that knows where each entry is).
//!
//! References and footnotes are found by the same scanner the linker uses
//! (`parse::inline::scan`), math by the renderer's `split_math`; the rest
//! from one pulldown-cmark pass with the prose options.

use std::collections::HashMap;
use std::sync::LazyLock;

use pulldown_cmark::{Event, Parser, Tag};
use regex::Regex;

use super::Unit;
use super::po::read_po;
use crate::diag::{Diagnostics, Location, Severity};
use crate::model::SourceFile;
use crate::parse::inline::{markdown_options, scan};
use crate::render::math::{Piece, split_math};

/// Lints every catalog against `units` (the linked spec's), into `diags`.
pub fn lint_catalogs(catalogs: &[SourceFile], units: &[Unit], diags: &mut Diagnostics) {
    let by_context: HashMap<&str, &Unit> = units.iter().map(|u| (u.context.as_str(), u)).collect();
    for catalog in catalogs {
        lint_catalog(catalog, &by_context, diags);
    }
}

fn lint_catalog(catalog: &SourceFile, units: &HashMap<&str, &Unit>, diags: &mut Diagnostics) {
    let text = catalog.text.as_str();
    // Split once: a catalog not updated in a while may have a warning on
    // most of its thousands of entries.
    let lines: Vec<&str> = text.lines().collect();
    let line_text = |line: usize| lines.get(line.wrapping_sub(1)).copied();
    let at = |line: usize, col: usize| Location {
        file: catalog.path.clone(),
        line,
        col,
    };
    let entries = match read_po(text) {
        Ok(entries) => entries,
        Err(e) => {
            diags.error_at(
                &at(e.line, e.col),
                line_text(e.line),
                format!("not a well-formed PO catalog: {}", e.message),
            );
            return;
        }
    };
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        let Some(ctxt) = e.msgctxt.as_deref() else {
            // The header: the first entry, with an empty msgid.
            if !(i == 0 && e.msgid.is_empty()) {
                diags.warning_at(
                    &at(e.msgid_line, 1),
                    line_text(e.msgid_line),
                    "catalog entry without a `msgctxt` matches no unit of the spec: every unit's entry has one (run `specbook i18n update`)",
                );
            }
            continue;
        };
        if let Some(first) = seen.insert(ctxt, e.msgctxt_line) {
            // gettext's msgfmt refuses a catalog with duplicates, and polib
            // keeps one of them silently.
            diags.error_at(
                &at(e.msgctxt_line, 1),
                line_text(e.msgctxt_line),
                format!("a second entry for `{ctxt}` (the first is at line {first})"),
            );
            continue;
        }
        let Some(unit) = units.get(ctxt) else {
            diags.warning_at(
                &at(e.msgctxt_line, 1),
                line_text(e.msgctxt_line),
                format!(
                    "catalog entry `{ctxt}` matches no unit of the spec (a rule renamed or removed?): run `specbook i18n update` to make it obsolete"
                ),
            );
            continue;
        };
        let Some(msgstr) = e.msgstr.as_deref().filter(|s| !s.trim().is_empty()) else {
            continue;
        };
        let stale = if e.fuzzy {
            Some("fuzzy translation")
        } else if e.msgid.trim() != unit.text {
            Some("outdated translation")
        } else {
            None
        };
        for d in differences(&unit.text, msgstr) {
            let severity = if stale.is_some() {
                Severity::Warning
            } else {
                d.severity
            };
            let message = format!(
                "{} of `{ctxt}` {}",
                stale.unwrap_or("translation"),
                d.message
            );
            let place = at(e.msgstr_line, 1);
            match severity {
                Severity::Error => diags.error_at(&place, line_text(e.msgstr_line), message),
                Severity::Warning => diags.warning_at(&place, line_text(e.msgstr_line), message),
            }
        }
    }
}

/// One way a translation differs from its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub severity: Severity,
    /// What differs, to follow "translation of `CONTEXT`": "drops the
    /// reference to `#x`".
    pub message: String,
}

/// What a translation must keep of its source, each as a list (a multiset:
/// order may change with the language's word order, count may not).
#[derive(Debug, Default, PartialEq, Eq)]
struct Facts {
    references: Vec<String>,
    footnotes: Vec<String>,
    code: Vec<String>,
    math: Vec<String>,
    links: Vec<String>,
    tags: Vec<String>,
}

/// Kinds of facts: how each is named in a message, and its severity.
#[derive(Clone, Copy)]
enum Kind {
    Reference,
    Footnote,
    Code,
    Math,
    Link,
    Tag,
}

impl Kind {
    fn severity(self) -> Severity {
        match self {
            Kind::Reference | Kind::Footnote | Kind::Code | Kind::Math => Severity::Error,
            Kind::Link | Kind::Tag => Severity::Warning,
        }
    }

    fn name(self, item: &str) -> String {
        match self {
            Kind::Reference => format!("the reference to `#{item}`"),
            Kind::Footnote => format!("the footnote `[^{item}]`"),
            Kind::Code => format!("inline code `{item}`"),
            Kind::Math => format!("the formula `{item}`"),
            Kind::Link => format!("the link to `{item}`"),
            Kind::Tag => format!("the tag `{item}`"),
        }
    }
}

/// How `translation` differs from `source` (both markdown), in the order
/// references, footnotes, code, math, links, tags; each kind's items in
/// the order the source has them, then the ones only the translation has.
pub fn differences(source: &str, translation: &str) -> Vec<Difference> {
    let (s, t) = (facts(source), facts(translation));
    let mut out = Vec::new();
    for (kind, a, b) in [
        (Kind::Reference, &s.references, &t.references),
        (Kind::Footnote, &s.footnotes, &t.footnotes),
        (Kind::Code, &s.code, &t.code),
        (Kind::Math, &s.math, &t.math),
        (Kind::Link, &s.links, &t.links),
        (Kind::Tag, &s.tags, &t.tags),
    ] {
        let count = |list: &[String], item: &str| list.iter().filter(|x| *x == item).count();
        let mut done: Vec<&str> = Vec::new();
        for item in a.iter().chain(b) {
            if done.contains(&item.as_str()) {
                continue;
            }
            done.push(item);
            let (n, m) = (count(a, item), count(b, item));
            let what = kind.name(item);
            let message = match (n, m) {
                _ if n == m => continue,
                (_, 0) => format!("drops {what}"),
                (0, _) => format!("adds {what}, not in the source"),
                _ => format!("has {what} {}, the source {}", times(m), times(n)),
            };
            out.push(Difference {
                severity: kind.severity(),
                message,
            });
        }
    }
    out
}

fn times(n: usize) -> String {
    if n == 1 {
        "once".to_owned()
    } else {
        format!("{n} times")
    }
}

/// An HTML tag's name (opening or closing), after any comment is removed.
static TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<(/?)([A-Za-z][A-Za-z0-9_-]*)").unwrap());
static COMMENT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?s)<!--.*?-->").unwrap());

fn facts(text: &str) -> Facts {
    let mut f = Facts::default();
    // Math first, masked out of the rest: TeX is not markdown (`a<b>c`
    // is not a tag, `[x](y)` inside a formula is not a link).
    let mut masked = String::with_capacity(text.len());
    for piece in split_math(text) {
        match piece {
            Piece::Text(t) => masked.push_str(t),
            Piece::Math { tex, display } => {
                let tex = tex.split_whitespace().collect::<Vec<_>>().join(" ");
                f.math.push(if display {
                    format!("\\\\[ {tex} \\\\]")
                } else {
                    format!("\\\\( {tex} \\\\)")
                });
                masked.push(' ');
            }
        }
    }
    let inline = scan(&masked);
    f.references = inline.links.into_iter().map(|l| l.target).collect();
    f.footnotes = inline.footnotes.into_iter().map(|n| n.label).collect();
    for event in Parser::new_ext(&masked, markdown_options()) {
        match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if !dest_url.starts_with('#') =>
            {
                f.links.push(dest_url.to_string());
            }
            Event::Code(code) => f.code.push(code.to_string()),
            Event::Html(html) | Event::InlineHtml(html) => {
                let html = COMMENT.replace_all(&html, "");
                for c in TAG.captures_iter(&html) {
                    f.tags
                        .push(format!("<{}{}>", &c[1], c[2].to_ascii_lowercase()));
                }
            }
            _ => {}
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\"Language: zh\\n\"\n\n";

    fn unit(context: &str, text: &str) -> Unit {
        Unit {
            context: context.into(),
            text: text.into(),
            source: "content/a.md:1".into(),
            kind: "paragraph",
        }
    }

    /// `check`'s lines for a catalog `po/zh.po` holding `po` against `units`.
    fn lint(po: &str, units: &[Unit]) -> Vec<String> {
        let mut diags = Diagnostics::new();
        let catalog = SourceFile {
            path: "po/zh.po".into(),
            text: po.into(),
        };
        lint_catalogs(&[catalog], units, &mut diags);
        diags.sorted().iter().map(ToString::to_string).collect()
    }

    fn messages(source: &str, translation: &str) -> Vec<String> {
        differences(source, translation)
            .into_iter()
            .map(|d| format!("{}: {}", d.severity.as_str(), d.message))
            .collect()
    }

    #[test]
    fn a_faithful_translation_keeps_everything_and_says_nothing() {
        let source = "Follow [?](#chain_of_command) and [the privacy rule](#privacy) first[^k3vm]. \
            Run `ls -la` when asked; the area is \\\\( \\pi r^2 \\\\). See [the docs](https://example.org/a) \
            and *never* **guess**.";
        // Word order changes, emphasis goes, the link text is translated.
        let zh = "先遵循[隐私规则](#privacy)和[?](#chain_of_command)[^k3vm]。面积是\\\\(\\pi   r^2\\\\)；\
            被要求时运行`ls -la`。参见[文档](https://example.org/a)，绝不猜测。";
        assert_eq!(messages(source, zh), Vec::<String>::new());
        let esc = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
        assert_eq!(
            lint(
                &format!(
                    "{HEADER}msgctxt \"a/p-1\"\nmsgid \"{}\"\nmsgstr \"{}\"\n",
                    esc(source),
                    esc(zh)
                ),
                &[unit("a/p-1", source)]
            ),
            Vec::<String>::new()
        );
    }

    #[test]
    fn each_kind_of_difference_is_named() {
        assert_eq!(
            messages("See [?](#a) and [?](#b).", "见[?](#a)和[?](#a)。"),
            [
                "error: has the reference to `#a` 2 times, the source once",
                "error: drops the reference to `#b`",
            ]
        );
        assert_eq!(
            messages("Cited.[^k3vm]", "引用。[^h5sn]"),
            [
                "error: drops the footnote `[^k3vm]`",
                "error: adds the footnote `[^h5sn]`, not in the source",
            ]
        );
        assert_eq!(
            messages("Type `yes`.", "输入`是`。"),
            [
                "error: drops inline code `yes`",
                "error: adds inline code `是`, not in the source",
            ]
        );
        assert_eq!(
            messages("Area \\\\( \\pi r^2 \\\\).", "面积\\\\( \\pi r \\\\)。"),
            [
                "error: drops the formula `\\\\( \\pi r^2 \\\\)`",
                "error: adds the formula `\\\\( \\pi r \\\\)`, not in the source",
            ]
        );
        assert_eq!(
            messages(
                "See [docs](https://e.org/en).",
                "见[文档](https://e.org/zh)。"
            ),
            [
                "warning: drops the link to `https://e.org/en`",
                "warning: adds the link to `https://e.org/zh`, not in the source",
            ]
        );
        assert_eq!(
            messages("Keep <settings> as is.", "保留设置。"),
            ["warning: drops the tag `<settings>`"]
        );
        // Emphasis, comments and the text of links are the translator's.
        assert_eq!(
            messages("*Do* it <!-- note -->[now](#a).", "立即[做](#a)。"),
            Vec::<String>::new()
        );
        // Math is not markdown: a `<b>` inside a formula is no tag.
        assert_eq!(
            messages("\\\\( a<b>c \\\\)", "\\\\( a<b>c \\\\)"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn diagnostics_point_at_the_msgstr_line_of_multi_line_entries() {
        let po = format!(
            "{HEADER}#. paragraph\n#: content/a.md:3\nmsgctxt \"\"\n\"rule_x/\"\n\"p-2\"\nmsgid \"\"\n\"See [?](#other_rule) \"\n\"now.\"\nmsgstr \"\"\n\"现在\"\n\"看。\"\n\n\
             #, fuzzy\nmsgctxt \"rule_x/p-3\"\nmsgid \"Use `x`.\"\nmsgstr \"用。\"\n\n\
             #~ msgctxt \"gone/p-1\"\n#~ msgid \"Gone.\"\n#~ msgstr \"去。\"\n\n\
             msgctxt \"renamed/p-1\"\nmsgid \"Old.\"\nmsgstr \"旧。\"\n\
             msgctxt \"rule_x/p-4\"\nmsgid \"Old `x`.\"\nmsgstr \"旧。\"\n"
        );
        let units = [
            unit("rule_x/p-2", "See [?](#other_rule) now."),
            unit("rule_x/p-3", "Use `x` now."),
            unit("rule_x/p-4", "New `x`."),
        ];
        assert_eq!(
            lint(&po, &units),
            [
                "po/zh.po:14:1: error: translation of `rule_x/p-2` drops the reference to `#other_rule`",
                "po/zh.po:21:1: warning: fuzzy translation of `rule_x/p-3` drops inline code `x`",
                "po/zh.po:27:1: warning: catalog entry `renamed/p-1` matches no unit of the spec (a rule renamed or removed?): run `specbook i18n update` to make it obsolete",
                "po/zh.po:32:1: warning: outdated translation of `rule_x/p-4` drops inline code `x`",
            ]
        );
    }

    #[test]
    fn untranslated_entries_and_the_header_are_quiet_duplicates_are_not() {
        let po = format!(
            "{HEADER}msgctxt \"a/p-1\"\nmsgid \"See [?](#b).\"\nmsgstr \"\"\n\nmsgctxt \"a/p-1\"\nmsgid \"See [?](#b).\"\nmsgstr \"\"\n"
        );
        assert_eq!(
            lint(&po, &[unit("a/p-1", "See [?](#b).")]),
            ["po/zh.po:10:1: error: a second entry for `a/p-1` (the first is at line 6)"]
        );
    }

    #[test]
    fn a_catalog_that_is_not_po_is_an_error_at_its_line() {
        let cases = [
            (
                format!("{HEADER}msgctxt \"a/p-1\"\nmsgid \"x\"\nmsgstr \"y\n"),
                "po/zh.po:8:8: error: not a well-formed PO catalog: a string without its closing `\"`",
            ),
            (
                format!("{HEADER}msgctxt \"a/p-1\"\nmsgid \"x\\q\"\nmsgstr \"y\"\n"),
                "po/zh.po:7:9: error: not a well-formed PO catalog: unknown escape `\\q` (PO strings know `\\\\`, `\\\"`, `\\n`, `\\r`, `\\t`)",
            ),
            (
                format!("{HEADER}msgid \"x\"\nmsgsrt \"y\"\n"),
                "po/zh.po:7:1: error: not a well-formed PO catalog: expected `msgctxt`, `msgid`, `msgstr`, a `\"…\"` string or a `#` comment, found `msgsrt \"y\"`",
            ),
            (
                "msgctxt \"a/p-1\"\nmsgid \"x\"\nmsgstr \"y\"\n".to_owned(),
                "po/zh.po:1:1: error: not a well-formed PO catalog: the first entry is not the header (`msgid \"\"`, whose `msgstr` holds `Content-Type: text/plain; charset=UTF-8`): start catalogs from `po/messages.pot` (`msginit`)",
            ),
            (
                format!("{HEADER}msgctxt \"a/p-1\"\nmsgid \"x\" \"z\"\nmsgstr \"y\"\n"),
                "po/zh.po:7:11: error: not a well-formed PO catalog: text after the closing `\"`",
            ),
        ];
        for (po, want) in cases {
            assert_eq!(lint(&po, &[]), [want]);
        }
    }

    #[test]
    fn the_reader_agrees_with_polib_on_what_update_writes() {
        let units = [
            unit("a/title", "A \"quoted\" title"),
            unit(
                "a/very/long/context/that/polib/folds/onto/the/next/line/as/gettext/does/p-1",
                "Line one\nline two\twith a tab and a backslash \\ [?](#b)",
            ),
        ];
        let po = crate::i18n::catalog::to_po(&crate::i18n::catalog::template("T", &units)).unwrap();
        let ours = read_po(&po).unwrap();
        let theirs = polib::po_file::parse_from_reader(po.as_bytes()).unwrap();
        let theirs: Vec<(Option<String>, String)> = theirs
            .messages()
            .map(|m| (m.msgctxt().map(str::to_owned), m.msgid().to_owned()))
            .collect();
        let ours: Vec<(Option<String>, String)> = ours[1..]
            .iter()
            .map(|e| (e.msgctxt.clone(), e.msgid.clone()))
            .collect();
        assert_eq!(ours, theirs);
        assert_eq!(ours[1].1, units[1].text);
    }
}
