//! Inline facts of a markdown span: internal links (`[?](#id)`,
//! `[text](#id)`), footnote citations (`[^label]`), and the plain text a
//! reader reads. One pulldown-cmark pass each, with byte offsets so that
//! every finding maps back to `file:line:col`.

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

/// Markdown options shared by every stage that reads prose.
pub fn markdown_options() -> Options {
    Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TABLES
        | Options::ENABLE_OLD_FOOTNOTES
        | Options::ENABLE_SMART_PUNCTUATION
}

/// A link whose destination is `#id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternalLink {
    pub target: String,
    /// `[?](#id)`: the reader sees the target's title.
    pub auto: bool,
    /// Byte offset of the `[` in the scanned text.
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FootnoteRef {
    pub label: String,
    pub offset: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InlineFacts {
    pub links: Vec<InternalLink>,
    pub footnotes: Vec<FootnoteRef>,
}

/// Internal links and footnote citations of a markdown text.
pub fn scan(text: &str) -> InlineFacts {
    let mut facts = InlineFacts::default();
    let mut link: Option<(String, usize, String)> = None;
    for (event, range) in Parser::new_ext(text, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Link {
                dest_url,
                link_type,
                ..
            }) if dest_url.starts_with('#') && link_type == LinkType::Inline => {
                link = Some((dest_url[1..].to_owned(), range.start, String::new()));
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, label)) = &mut link {
                    label.push_str(&t);
                }
            }
            Event::End(TagEnd::Link) => {
                if let Some((target, offset, label)) = link.take() {
                    facts.links.push(InternalLink {
                        auto: label.trim() == "?",
                        target,
                        offset,
                    });
                }
            }
            Event::FootnoteReference(label) => {
                facts.footnotes.push(FootnoteRef {
                    label: label.to_string(),
                    offset: range.start,
                });
            }
            _ => {}
        }
    }
    facts
}

/// The text a reader reads: markup stripped, entities decoded, `[?](#id)`
/// replaced by `title_of(id)`, footnotes dropped, math as its TeX (without
/// delimiters), `---` and `--` as the dashes the page shows, whitespace
/// collapsed. Quotes stay as written (no smart punctuation): this is data,
/// not display.
pub fn plain_text(text: &str, title_of: &dyn Fn(&str) -> Option<String>) -> String {
    if reads_as_written(text) {
        return collapse_whitespace(text);
    }
    collapse_whitespace(&plain_text_with(text, title_of, Plain::default()))
}

/// Whether markdown reads `text` as exactly its words: one line with no
/// character that can start markup (emphasis, code, links, HTML,
/// entities, escapes, math, strikethrough, tables), no dash pair (made
/// a dash) and no start that opens a block (a heading, quote, list item,
/// rule). Most example titles and headings are such text, and a title is
/// made plain on every build and every `serve` save.
fn reads_as_written(text: &str) -> bool {
    let first = text.trim_start().chars().next();
    !text.contains([
        '\n', '\r', '\\', '`', '*', '_', '[', ']', '<', '>', '&', '!', '~', '$', '|',
    ]) && !text.contains("--")
        && !first.is_some_and(|c| "#>-+=".contains(c) || c.is_ascii_digit())
}

/// How [`plain_text_with`] reads a markdown text.
#[derive(Debug, Clone, Copy, Default)]
pub struct Plain {
    /// Keep the block structure as line breaks: a blank line between
    /// paragraphs, a line per list item or code line (for text drawn with
    /// `white-space: pre-wrap`).
    pub lines: bool,
    /// Decode entities inside code too: conversations write `&lt;` for `<`
    /// everywhere (FORMAT.md 5.5).
    pub decode_code: bool,
}

/// [`plain_text`] with the block structure optionally kept (`how.lines`)
/// and code decoded as conversations mean it (`how.decode_code`).
pub fn plain_text_with(
    text: &str,
    title_of: &dyn Fn(&str) -> Option<String>,
    how: Plain,
) -> String {
    let opts = markdown_options() - Options::ENABLE_SMART_PUNCTUATION;
    let src = math_as_code(text);
    let mut out = String::new();
    let mut auto_link: Option<(String, String)> = None;
    let mut in_code_block = false;
    // Lists being read: the next item's number (None: bullets).
    let mut lists: Vec<Option<u64>> = Vec::new();
    let decode = |t: &str| {
        if how.decode_code {
            crate::render::markdown::decode_entities(t)
        } else {
            t.to_owned()
        }
    };
    for event in Parser::new_ext(&src, opts) {
        let piece = match event {
            Event::Start(Tag::Link { dest_url, .. }) if dest_url.starts_with('#') => {
                auto_link = Some((dest_url[1..].to_owned(), String::new()));
                continue;
            }
            Event::End(TagEnd::Link) => {
                if let Some((id, label)) = auto_link.take() {
                    if label.trim() == "?" {
                        out.push_str(&title_of(&id).unwrap_or(label));
                    } else {
                        out.push_str(&label);
                    }
                }
                continue;
            }
            Event::Start(Tag::List(first)) => {
                lists.push(first);
                continue;
            }
            Event::End(TagEnd::List(_)) if !how.lines => {
                lists.pop();
                continue;
            }
            Event::Start(Tag::Item) if how.lines => {
                let indent = "   ".repeat(lists.len().saturating_sub(1));
                let line = if out.is_empty() || out.ends_with('\n') {
                    ""
                } else {
                    "\n"
                };
                match lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{line}{indent}{}. ", *n - 1)
                    }
                    _ => format!("{line}{indent}- "),
                }
            }
            Event::Start(Tag::CodeBlock(_)) => {
                in_code_block = true;
                continue;
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
                if how.lines {
                    "\n\n".to_owned()
                } else {
                    " ".to_owned()
                }
            }
            Event::Text(t) if in_code_block => decode(&t),
            // Most text has no dash pair: no pattern search set up for it.
            Event::Text(t) if !t.contains("--") => t.into_string(),
            Event::Text(t) => t.replace("---", "\u{2014}").replace("--", "\u{2013}"),
            Event::Code(t) => decode(&t),
            Event::Html(t) | Event::InlineHtml(t) => t.to_string(),
            Event::SoftBreak => " ".to_owned(),
            Event::HardBreak | Event::End(TagEnd::Item) if how.lines => "\n".to_owned(),
            Event::End(TagEnd::List(_)) => {
                lists.pop();
                if lists.is_empty() {
                    "\n\n".to_owned()
                } else {
                    "\n".to_owned()
                }
            }
            Event::End(TagEnd::Paragraph) if how.lines && !lists.is_empty() => "\n".to_owned(),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_)) if how.lines => "\n\n".to_owned(),
            Event::HardBreak
            | Event::End(TagEnd::Paragraph)
            | Event::End(TagEnd::Heading(_))
            | Event::End(TagEnd::Item) => " ".to_owned(),
            _ => continue,
        };
        match &mut auto_link {
            Some((_, label)) => label.push_str(&piece),
            None => out.push_str(&piece),
        }
    }
    if how.lines { tidy_lines(&out) } else { out }
}

/// Math (`\\( \\)`, `\\[ \\]`) turned into code spans of its TeX, so
/// that the markdown pass keeps it as written and drops the delimiters.
fn math_as_code(text: &str) -> std::borrow::Cow<'_, str> {
    use crate::render::math::{Piece, split_math, unescape_markdown};
    if !text.contains("\\\\") {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    for piece in split_math(text) {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Math { tex, .. } => {
                let tex = unescape_markdown(tex).replace(['\n', '\r'], " ");
                let longest = tex.split(|c| c != '`').map(str::len).max().unwrap_or(0);
                let fence = "`".repeat(longest + 1);
                if out.ends_with('\\') {
                    // `\\\[` writes a backslash before the math: it must
                    // not escape the code span.
                    out.push(' ');
                }
                out.push_str(&format!("{fence} {} {fence}", tex.trim()));
            }
        }
    }
    out.into()
}

/// Lines without trailing whitespace (indentation kept: code), at most one
/// blank line in a row, none at either end.
fn tidy_lines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank = 0;
    for line in s.split('\n') {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out
}

pub fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcut of [`plain_text`] gives what the markdown pass does.
    #[test]
    fn text_read_as_written_is_what_markdown_reads() {
        let slow = |t: &str| collapse_whitespace(&plain_text_with(t, &|_| None, Plain::default()));
        let samples = [
            "A user asks for help with a résumé",
            "  spaced   out\twords ",
            "Quotes \"like\" these, and 'these'; colons: too",
            "1990 was a year",
            "- not a list?",
            "a -- b",
            "# title",
            "=== x",
            "x (y) {z} @w %v ^u",
            "",
        ];
        for t in samples {
            assert_eq!(plain_text(t, &|_| None), slow(t), "{t:?}");
        }
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let alphabet: Vec<char> = "ab 1.-#+=>:;(){}@%^'\",?é\t".chars().collect();
        for _ in 0..5000 {
            let len = (seed % 12) as usize;
            let t: String = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    alphabet[(seed % alphabet.len() as u64) as usize]
                })
                .collect();
            assert_eq!(plain_text(&t, &|_| None), slow(&t), "{t:?}");
        }
    }

    #[test]
    fn finds_links_and_footnotes_with_offsets() {
        let t = "See [?](#a) and [the b rule](#b), also `[?](#code)`.\nModel Spec[^8ep1]. [x](https://e.com)";
        let f = scan(t);
        assert_eq!(
            f.links,
            vec![
                InternalLink {
                    target: "a".into(),
                    auto: true,
                    offset: 4
                },
                InternalLink {
                    target: "b".into(),
                    auto: false,
                    offset: 16
                },
            ]
        );
        assert_eq!(
            f.footnotes,
            vec![FootnoteRef {
                label: "8ep1".into(),
                offset: 63
            }]
        );
        assert_eq!(&t[63..70], "[^8ep1]");
    }

    #[test]
    fn plain_text_reads_math_dashes_and_keeps_lines() {
        let none = |_: &str| None;
        assert_eq!(
            plain_text("so \\\\( h^2 \\\\) --- **yes** `a --- b`", &none),
            "so h^2 \u{2014} yes a --- b"
        );
        let how = Plain {
            lines: true,
            decode_code: true,
        };
        assert_eq!(
            plain_text_with(
                "Intro **here**:\n\n1. one\n2. `&lt;b&gt;`\n\n- x\n- y\n\n```\nif a:\n    b\n```\n\n\\\\[\n\\\\frac{a}{b}\n\\\\]",
                &none,
                how
            ),
            "Intro here:\n\n1. one\n2. <b>\n\n- x\n- y\n\nif a:\n    b\n\n\\frac{a}{b}"
        );
    }

    #[test]
    fn plain_text_resolves_auto_titles() {
        let t = "request against the [?](#x) *section*, see [link](#y) &amp; `code`";
        let p = plain_text(t, &|id| (id == "x").then(|| "Respect creators".to_owned()));
        assert_eq!(
            p,
            "request against the Respect creators section, see link & code"
        );
    }
}
