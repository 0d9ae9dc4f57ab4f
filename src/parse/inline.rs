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
/// replaced by `title_of(id)`, footnotes dropped, whitespace collapsed.
/// Quotes stay as written (no smart punctuation): this is data, not display.
pub fn plain_text(text: &str, title_of: &dyn Fn(&str) -> Option<String>) -> String {
    let opts = markdown_options() - Options::ENABLE_SMART_PUNCTUATION;
    let mut out = String::new();
    let mut auto_link: Option<(String, String)> = None;
    for event in Parser::new_ext(text, opts) {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) if dest_url.starts_with('#') => {
                auto_link = Some((dest_url[1..].to_owned(), String::new()));
            }
            Event::End(TagEnd::Link) => {
                if let Some((id, label)) = auto_link.take() {
                    if label.trim() == "?" {
                        out.push_str(&title_of(&id).unwrap_or(label));
                    } else {
                        out.push_str(&label);
                    }
                }
            }
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                match &mut auto_link {
                    Some((_, label)) => label.push_str(&t),
                    None => out.push_str(&t),
                }
            }
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph)
            | Event::End(TagEnd::Item) => out.push(' '),
            _ => {}
        }
    }
    collapse_whitespace(&out)
}

pub fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn plain_text_resolves_auto_titles() {
        let t = "request against the [?](#x) *section*, see [link](#y) &amp; `code`";
        let p = plain_text(t, &|id| (id == "x").then(|| "Respect creators".to_owned()));
        assert_eq!(
            p,
            "request against the Respect creators section, see link & code"
        );
    }
}
