//! Markdown to HTML for prose, commentary, titles, notes and message
//! bodies: one pulldown-cmark pass whose events are rewritten on the way
//! (internal links resolved to their page, `[?]` titled, footnotes turned
//! into eval-prompt links, code highlighted, math typeset).
//!
//! # What may reach the page as markup
//!
//! Nothing a spec contains runs in the built site. Two kinds of text:
//!
//! * **Author prose** (section text, the preamble, `!!! meta` commentary)
//!   is markdown without raw HTML. The dialect's body text never holds any
//!   (FORMAT.md 8), and a spec is reviewed like code but read like a
//!   document: so raw HTML is *shown as text*, exactly as written, and
//!   `specbook check` warns with its `file:line:col`. HTML comments alone
//!   (`<!-- a note to other authors -->`) are dropped silently. An author
//!   who wants markup writes markdown; a theme that wants widgets writes
//!   templates.
//! * **Data** (message bodies, verdict notes, example titles, eval
//!   prompts, attributes, ids, footnote labels, headings, elision lines,
//!   `book.toml` values) quotes what someone typed or configured. Markdown
//!   in message bodies, notes and titles is rendered (the dialect relies on
//!   it), but raw HTML, comments included, is always shown as text, never
//!   dropped; everything else is escaped by the templates.
//!
//! In both, a link or image whose target is not on the allow-list of
//! [`safe_url`] (http, https, mailto, relative) is not written as a link:
//! its markdown source is shown as text. That covers inline links,
//! autolinks and reference definitions, since the parser resolves all three
//! to the same event (with character references already decoded).

mod lint;
mod message;
pub mod safe_url;
#[cfg(test)]
mod tests;

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Parser, Tag, TagEnd, html};

use super::highlight::highlight;
use super::typography::smarten;
use crate::model::Spec;
use crate::parse::inline::markdown_options;
use crate::site;

pub use lint::{ProseFinding, prose_findings};
pub use message::{decode_entities, message_plain_text, render_message_body};

/// How internal links are written on the page being rendered.
#[derive(Debug, Clone, Copy)]
pub enum LinkMode<'a> {
    /// Multi-page site; `base` is the prefix from this page to the root.
    Paged { base: &'a str },
    /// The single-page edition: every section is on this page.
    Single,
}

/// Resolves ids to titles and URLs for the page being rendered.
#[derive(Clone, Copy)]
pub struct Linker<'a> {
    pub spec: &'a Spec,
    pub mode: LinkMode<'a>,
    /// The site's interface strings (labels and titles the markup holds).
    pub strings: &'a super::strings::Strings,
}

impl<'a> Linker<'a> {
    pub fn base(&self) -> &'a str {
        match self.mode {
            LinkMode::Paged { base } => base,
            LinkMode::Single => "",
        }
    }

    /// URL of a section (or any anchor on a section's page) from this page.
    pub fn section_href(&self, id: &str) -> String {
        match (self.mode, self.spec.section_index.get(id)) {
            (LinkMode::Single, _) | (_, None) => format!("#{id}"),
            (LinkMode::Paged { base }, Some(&i)) => {
                format!("{base}{}", site::section_href(self.spec, i))
            }
        }
    }

    pub fn example_href(&self, section_id: &str, example_id: &str) -> String {
        match self.mode {
            LinkMode::Single => format!("#{example_id}"),
            LinkMode::Paged { base } => format!(
                "{base}{}",
                site::example_href(self.spec, section_id, example_id)
            ),
        }
    }

    pub fn eval_href(&self, label: &str) -> Option<String> {
        self.spec
            .eval_index
            .contains_key(label)
            .then(|| format!("{}{}", self.base(), site::eval_page(label)))
    }

    pub fn title(&self, id: &str) -> Option<&'a str> {
        self.spec.section(id).map(|s| s.title.as_str())
    }
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let _ = pulldown_cmark_escape::escape_html(&mut out, s);
    out
}

/// Author prose, or one kind of data (see the module documentation).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flavor {
    /// Section text and commentary: HTML comments are dropped.
    Prose,
    /// Example titles and verdict notes.
    Data,
    /// Message bodies: data whose code also holds entities (FORMAT.md 5.5).
    Message,
}

/// Block-level HTML for body text and commentary.
pub fn render_prose(src: &str, link: &Linker<'_>) -> String {
    render(src, link, Flavor::Prose)
}

/// Inline HTML (no surrounding `<p>`) for titles and notes, which are data.
pub fn render_inline(src: &str, link: &Linker<'_>) -> String {
    let html = render(src, link, Flavor::Data);
    let t = html.trim_end();
    match t.strip_prefix("<p>").and_then(|t| t.strip_suffix("</p>")) {
        Some(inner) if !inner.contains("<p>") => inner.to_owned(),
        _ => t.to_owned(),
    }
}

fn render(src: &str, link: &Linker<'_>, flavor: Flavor) -> String {
    let events = rewrite(src, link, flavor);
    let mut out = String::with_capacity(src.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    out
}

/// Raw HTML as the reader will see it: `None` when it is dropped (a whole
/// comment in prose), else the text to show in its place.
fn raw_html_as_text(html: &str, flavor: Flavor) -> Option<&str> {
    (!(flavor == Flavor::Prose && is_comment(html))).then_some(html)
}

/// Whether `html` is one HTML comment and nothing else. Dropping it is safe
/// either way (nothing dropped reaches the page); this only decides that
/// text around or after a comment is never hidden.
fn is_comment(html: &str) -> bool {
    let t = html.trim();
    t.starts_with("<!--") && t.ends_with("-->") && t.find("-->") == Some(t.len() - 3)
}

/// A link or image target the page may not hold (see [`safe_url`]).
fn refused_target(tag: &Tag<'_>) -> bool {
    match tag {
        Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => !safe_url::is_allowed(dest_url),
        _ => false,
    }
}

/// The event rewrite shared by every flavour.
fn rewrite<'e>(src: &'e str, link: &Linker<'_>, flavor: Flavor) -> Vec<Event<'e>> {
    let mut out: Vec<Event<'e>> = Vec::new();
    // Pending internal link: its new href and the events inside it.
    let mut pending: Option<(String, Vec<Event<'e>>)> = None;
    let mut code: Option<(String, String)> = None;
    let mut html_block: Option<String> = None;
    // Depth inside a refused link or image, whose events are replaced by
    // its source text.
    let mut refused = 0usize;
    let parser = Parser::new_ext(src, markdown_options()).into_offset_iter();
    for (event, range) in parser {
        if refused > 0 {
            match event {
                Event::Start(Tag::Link { .. } | Tag::Image { .. }) => refused += 1,
                Event::End(TagEnd::Link | TagEnd::Image) => refused -= 1,
                _ => {}
            }
            continue;
        }
        if let Some((_, text)) = &mut code {
            match event {
                Event::Text(t) => text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let (lang, text) = code.take().unwrap_or_default();
                    out.push(Event::Html(code_block(&lang, &text, flavor).into()));
                }
                _ => {}
            }
            continue;
        }
        if let Some(block) = &mut html_block {
            match event {
                Event::Html(t) | Event::Text(t) => block.push_str(&t),
                Event::End(TagEnd::HtmlBlock) => {
                    let block = html_block.take().unwrap_or_default();
                    if let Some(text) = raw_html_as_text(&block, flavor) {
                        let text = text.trim_end().to_owned();
                        out.extend([
                            Event::Start(Tag::Paragraph),
                            Event::Text(text.into()),
                            Event::End(TagEnd::Paragraph),
                        ]);
                    }
                }
                _ => {}
            }
            continue;
        }
        let event = match event {
            Event::Start(Tag::HtmlBlock) => {
                html_block = Some(String::new());
                continue;
            }
            Event::Html(t) | Event::InlineHtml(t) => match raw_html_as_text(&t, flavor) {
                Some(_) => Event::Text(t),
                None => continue,
            },
            Event::Start(tag) if refused_target(&tag) => {
                refused = 1;
                Event::Text(source_text(src, range))
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_owned()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
                continue;
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) if dest_url.starts_with('#') => {
                let href = link.section_href(&dest_url[1..]);
                if pending.is_some() {
                    // Nested links cannot happen in CommonMark; keep going.
                    continue;
                }
                pending = Some((
                    href.clone(),
                    vec![Event::Start(Tag::Link {
                        link_type,
                        dest_url: href.into(),
                        title,
                        id,
                    })],
                ));
                continue;
            }
            Event::End(TagEnd::Link) if pending.is_some() => {
                let Some((href, mut inner)) = pending.take() else {
                    continue;
                };
                let label: String = inner
                    .iter()
                    .filter_map(|e| match e {
                        Event::Text(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                if label.trim() == "?" {
                    let id = href.rsplit('#').next().unwrap_or("");
                    let title = link.title(id).map(smarten).unwrap_or_else(|| id.to_owned());
                    out.push(Event::Html(
                        format!(
                            "<a href=\"{}\" class=\"xref\">{}</a>",
                            escape(&href),
                            escape(&title)
                        )
                        .into(),
                    ));
                } else {
                    inner.push(Event::End(TagEnd::Link));
                    out.extend(inner);
                }
                continue;
            }
            Event::FootnoteReference(label) => Event::Html(eval_ref(&label, link).into()),
            Event::Code(t) if flavor == Flavor::Message => Event::Code(decode_entities(&t).into()),
            other => other,
        };
        match &mut pending {
            Some((_, inner)) => inner.push(event),
            None => out.push(event),
        }
    }
    if let Some((_, inner)) = pending {
        out.extend(inner);
    }
    out
}

/// A construct's markdown source, shown as text in its place.
fn source_text(src: &str, range: Range<usize>) -> CowStr<'_> {
    CowStr::Borrowed(src.get(range).unwrap_or_default())
}

/// A footnote citation: a superscript mark (the label) linking to the
/// eval-prompt page, or a muted mark when the file does not exist. The
/// link holds a tip that says what the mark is ("Eval prompts LABEL · N
/// prompts"): hidden until the mark is hovered, focused or tapped, and
/// the link's accessible name meanwhile.
fn eval_ref(label: &str, link: &Linker<'_>) -> String {
    let label_e = escape(label);
    match link.eval_href(label) {
        Some(href) => {
            let n = link
                .spec
                .eval_index
                .get(label)
                .and_then(|&i| link.spec.evals.get(i))
                .map_or(0, |e| e.examples.len());

            // The tip that shows on hover, focus or tap is built by app.js
            // from the label and this title: on the single page of a large
            // spec, its markup written out per citation is a kilobyte of
            // gzip the reader pays before the first paint.
            format!(
                "<sup class=\"cite\"><a class=\"eval-ref\" href=\"{}\" title=\"{}\">{label_e}</a></sup>",
                escape(&href),
                escape(&link.strings.count("cite_title", n))
            )
        }
        None => format!(
            "<sup class=\"cite\"><span class=\"eval-ref missing\" title=\"{}\">{label_e}</span></sup>",
            escape(&link.strings.fill("cite_missing_title", &[("label", label)]))
        ),
    }
}

fn code_block(lang: &str, text: &str, flavor: Flavor) -> String {
    let text = if flavor == Flavor::Message {
        decode_entities(text)
    } else {
        text.to_owned()
    };
    let class = if lang.is_empty() {
        String::new()
    } else {
        format!(" class=\"language-{}\"", escape(lang))
    };
    let body = highlight(&text, lang).unwrap_or_else(|| escape(&text));
    format!("<pre class=\"code\"><code{class}>{body}</code></pre>\n")
}
