//! The CommonMark 0.31.2 suite through specbook's prose path: each example
//! becomes the body of a one-section spec, is parsed and linked like any
//! spec, and its blocks are rendered as a page renders them. After mapping
//! specbook's typography back (smart quotes, dashes, ellipses), the HTML
//! must equal the suite's, except for the deliberate differences listed in
//! `DIALECT_DIFFERENCES` (each with its reason) and raw HTML or a link
//! target off the allow-list, which prose shows as text with a warning
//! (checked: nothing of it reaches the page as markup).
//!
//! The suite comes from the npm package `commonmark-spec` (`.ci/run`
//! installs it: `npm install --prefix target/npm commonmark-spec@0.31.2`).

mod common;
#[path = "commonmark/normalize.rs"]
mod normalize;

use std::path::PathBuf;

use specbook::config::Config;
use specbook::diag::{Diagnostics, Severity};
use specbook::link::{SourceLines, link};
use specbook::model::{Block, SourceFile};
use specbook::parse::parse_file;
use specbook::render::markdown::{LinkMode, Linker, escape, render_prose};

/// Examples that differ on purpose: the dialect's own rules (FORMAT.md 2,
/// 3). Each is an error `check` reports, or a heading drawn differently.
const DIALECT_DIFFERENCES: &[(usize, &str)] = &[
    // Every heading is a section with an id; headings without `{#id}` get
    // one from their title, so equal titles are duplicate ids (an error).
    (62, "duplicate ids: six headings titled `foo`"),
    (68, "duplicate ids: three headings titled `foo`"),
    (72, "duplicate ids: two headings titled `foo`"),
    // Heading titles are plain text (the sidebar, spec.json and links use
    // them as written): no emphasis, escapes or links inside them.
    (
        66,
        "markup in a heading title: `*bar*` and `\\*baz\\*` shown as written",
    ),
    (
        76,
        "markup in a heading title: backslash-escaped `#` shown as written",
    ),
    (214, "markup in a heading title: `[Foo]` is not a link"),
    // A heading must have a title to be a section: empty ones are skipped
    // with a warning.
    (79, "empty headings are skipped"),
    // A code fence must be closed before the end of the file (an error),
    // where CommonMark closes it at the end of the document.
    (126, "unclosed fence: a lone ```"),
    (127, "unclosed fence: ````` with a shorter ``` inside"),
    (139, "unclosed fence: `~~~ ~~` does not close `~~~~~~`"),
    (237, "unclosed fence: the ``` after a block quote"),
    // `[text](#id)` links a section; an unknown id is an error.
    (501, "link to a missing section `#fragment`"),
    // HTML comments in prose are authors' notes: dropped from the page
    // (the dialect's verdict notes are comments too), never rendered.
    (179, "a comment spanning lines is dropped"),
    (183, "an indented comment is dropped"),
    (308, "the comment separating two lists is dropped"),
    (309, "the comment ending a list is dropped"),
    (625, "an inline comment with hyphens is dropped"),
    (626, "the inline comments `<!-->` and `<!--->` are dropped"),
];

fn suite_path() -> PathBuf {
    common::repo().join("target/npm/node_modules/commonmark-spec/spec.txt")
}

struct Example {
    number: usize,
    section: String,
    markdown: String,
    html: String,
}

/// The examples of `spec.txt`, read as the package's `index.js` reads them
/// (and with `→` standing for a tab, as the suite's runners read them).
fn examples(spec: &str) -> Vec<Example> {
    let fence = format!("{} example", "`".repeat(32));
    let close = "`".repeat(32);
    let spec = spec.split("\n<!-- END TESTS -->").next().unwrap_or(spec);
    let mut out = Vec::new();
    let mut section = String::new();
    let mut lines = spec.lines();
    while let Some(line) = lines.next() {
        if line == fence {
            let mut markdown = String::new();
            for l in lines.by_ref().take_while(|l| *l != ".") {
                markdown.push_str(l);
                markdown.push('\n');
            }
            let mut html = String::new();
            for l in lines.by_ref().take_while(|l| *l != close) {
                html.push_str(l);
                html.push('\n');
            }
            out.push(Example {
                number: out.len() + 1,
                section: section.clone(),
                markdown: markdown.replace('→', "\t"),
                html: html.replace('→', "\t"),
            });
        } else if line.starts_with('#') {
            section = line.trim_start_matches('#').trim().to_owned();
        }
    }
    out
}

/// A configuration for in-memory specs (from an empty single-file spec).
fn config(dir: &std::path::Path) -> Config {
    let file = dir.join("spec.md");
    std::fs::write(&file, "").unwrap();
    Config::discover(&file, &mut Diagnostics::new()).unwrap()
}

/// The example as the body of section `t`, rendered block by block as a
/// page renders it (sections the body starts drawn as plain headings), and
/// the errors `check` reports on it.
fn render(cfg: &Config, markdown: &str) -> Rendered {
    let file = SourceFile {
        path: "spec.md".into(),
        text: format!("# T {{#t}}\n\n{markdown}"),
    };
    let mut diags = Diagnostics::new();
    let parsed = parse_file(&file, &mut diags);
    let lines = SourceLines::new([&file]);
    let spec = link(cfg, vec![parsed], Vec::new(), &lines, &mut diags);
    let strings = specbook::render::strings::Strings::builtin("en");
    let linker = Linker {
        spec: &spec,
        mode: LinkMode::Single,
        strings: &strings,
    };
    let mut html = String::new();
    for (i, section) in spec.sections.iter().enumerate() {
        if i > 0 {
            let h = section.level;
            html.push_str(&format!("<h{h}>{}</h{h}>\n", escape(&section.title)));
        }
        for block in &section.blocks {
            match block {
                Block::Prose(span) => html.push_str(&render_prose(&span.text, &linker)),
                Block::Commentary(c) => html.push_str(&render_prose(&c.body.text, &linker)),
                Block::Example(_) => html.push_str("<!-- example -->"),
            }
        }
    }
    let sorted = diags.sorted();
    let errors = sorted
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.to_string())
        .collect();
    let shown_as_text = sorted.iter().any(|d| {
        d.severity == Severity::Warning
            && (d.message.starts_with("raw HTML is shown as text")
                || (d.message.starts_with("link target") && d.message.contains("shown as text")))
    });
    Rendered {
        html,
        errors,
        shown_as_text,
    }
}

/// One example through the prose path.
struct Rendered {
    html: String,
    /// Errors `check` reports.
    errors: Vec<String>,
    /// `check` warned that raw HTML or a refused link target is shown as
    /// text (the dialect's rule for author prose: README, "What a spec may
    /// contain").
    shown_as_text: bool,
}

/// Elements the prose path itself writes; raw HTML from the source must
/// never reach the page as any other element, nor as an attribute a
/// markdown construct does not make.
const MARKDOWN_ELEMENTS: &[&str] = &[
    "p",
    "em",
    "strong",
    "a",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "br",
    "img",
    "del",
    "span",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "sup",
    "div",
];
const MARKDOWN_ATTRIBUTES: &[&str] = &["href", "title", "src", "alt", "start", "class", "id"];

/// The tags of `html` that the prose path would not write, if any.
fn foreign_markup(html: &str) -> Option<String> {
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if rest.starts_with("!--") {
            continue; // the example placeholder
        }
        let tag = rest.trim_start_matches('/');
        let name_len = tag
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(tag.len());
        let name = &tag[..name_len];
        if !MARKDOWN_ELEMENTS.contains(&name) {
            return Some(format!("<{}", &tag[..tag.len().min(40)]));
        }
        // Attributes: name="value" (the prose path always quotes values).
        let mut attrs = &tag[name_len..];
        loop {
            attrs = attrs.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
            if attrs.is_empty() || attrs.starts_with('>') {
                break;
            }
            let n = attrs.find(['=', ' ', '>']).unwrap_or(attrs.len());
            let attr = &attrs[..n];
            if !MARKDOWN_ATTRIBUTES.contains(&attr) {
                return Some(format!("<{name} {attr}=…>"));
            }
            attrs = &attrs[n..];
            if let Some(v) = attrs.strip_prefix("=\"") {
                let close = v.find('"').unwrap_or(v.len());
                let value = v[..close].to_ascii_lowercase();
                if matches!(attr, "href" | "src")
                    && ["javascript:", "vbscript:", "data:"]
                        .iter()
                        .any(|s| value.trim_start().starts_with(s))
                {
                    return Some(format!("<{name} {attr}=\"{value}\">"));
                }
                attrs = &v[(close + 1).min(v.len())..];
            }
        }
    }
    None
}

/// specbook's typography, mapped back to what the suite writes.
fn plain_typography(html: &str) -> String {
    html.replace(['‘', '’'], "'")
        .replace(['“', '”'], "&quot;")
        .replace('—', "---")
        .replace('–', "--")
        .replace('…', "...")
}

fn equivalent(actual: &str, expected: &str) -> bool {
    normalize::normalize(&plain_typography(actual))
        == normalize::normalize(&plain_typography(expected))
}

#[test]
#[ignore = "needs the npm package commonmark-spec 0.31.2 (`npm install --prefix target/npm commonmark-spec@0.31.2`; .ci/run installs it)"]
fn commonmark_suite_renders_through_the_prose_path() {
    let path = suite_path();
    let spec = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "the CommonMark suite is missing ({}: {e}): run `npm install --prefix target/npm commonmark-spec@0.31.2`",
            path.display()
        )
    });
    let examples = examples(&spec);
    assert_eq!(examples.len(), 652, "the 0.31.2 suite has 652 examples");
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path());
    let mut failed = Vec::new();
    let mut passed = 0;
    let mut as_text = 0;
    for ex in &examples {
        let Rendered {
            html,
            errors,
            shown_as_text,
        } = render(&cfg, &ex.markdown);
        if let Some(tag) = foreign_markup(&html) {
            failed.push(format!(
                "example {} ({}): the page holds markup the prose path does not write: {tag}\n--- markdown\n{}--- specbook\n{html}\n",
                ex.number, ex.section, ex.markdown
            ));
            continue;
        }
        let ok = errors.is_empty() && equivalent(&html, &ex.html);
        if !ok && errors.is_empty() && shown_as_text {
            // Raw HTML or a refused link target, shown as text with a
            // warning: the dialect's rule for author prose, checked above
            // (nothing of it reaches the page as markup).
            as_text += 1;
            continue;
        }
        let allowed = DIALECT_DIFFERENCES.iter().any(|(n, _)| *n == ex.number);
        match (ok, allowed) {
            (true, false) => passed += 1,
            (false, true) => {}
            (true, true) => failed.push(format!(
                "example {} ({}) is listed as a difference but now renders equivalently: drop it from the list",
                ex.number, ex.section
            )),
            (false, false) => failed.push(format!(
                "example {} ({}):\n--- errors\n{}\n--- markdown\n{}--- expected\n{}--- specbook\n{}\n--- normalised expected\n{}\n--- normalised specbook\n{}\n",
                ex.number,
                ex.section,
                errors.join("\n"),
                ex.markdown,
                ex.html,
                html,
                normalize::normalize(&plain_typography(&ex.html)),
                normalize::normalize(&plain_typography(&html)),
            )),
        }
    }
    eprintln!(
        "commonmark: {passed} of {} examples render equivalently; {as_text} show raw HTML or a refused link target as text, with a warning; {} listed differences",
        examples.len(),
        DIALECT_DIFFERENCES.len()
    );
    assert!(
        failed.is_empty(),
        "{} failures:\n{}",
        failed.len(),
        failed.join("\n")
    );
}
