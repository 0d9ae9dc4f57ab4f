//! What `specbook check` says about author prose that the renderer will
//! not draw as written: raw HTML (shown as text) and links whose target
//! is not on the allow-list (shown as their source). Same parser, same
//! options and same rules as the renderer, so the warnings and the page
//! agree.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::{Flavor, raw_html_as_text, refused_target};
use crate::parse::inline::markdown_options;

/// One thing to warn about, at a byte offset of the scanned text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProseFinding {
    pub offset: usize,
    pub message: String,
}

/// Longest piece of source quoted in a message.
const QUOTE_CHARS: usize = 60;

/// Raw HTML and refused link targets in a prose block, in order; at most
/// one raw-HTML finding per line (`<b>x</b>` is one problem, not two).
pub fn prose_findings(src: &str) -> Vec<ProseFinding> {
    let mut out = Vec::new();
    if !may_have_findings(src) {
        return out;
    }
    let mut block: Option<(usize, String)> = None;
    // End of the line of the last raw-HTML finding.
    let mut html_line_end = 0usize;
    let mut push_html = |out: &mut Vec<ProseFinding>, offset: usize, html: &str| {
        if offset < html_line_end {
            return;
        }
        html_line_end = src[offset..].find('\n').map_or(src.len(), |i| offset + i);
        out.push(ProseFinding {
            offset,
            message: format!(
                "raw HTML is shown as text, not rendered: `{}` (write markdown instead)",
                quote(html.lines().next().unwrap_or(""))
            ),
        });
    };
    for (event, range) in Parser::new_ext(src, markdown_options()).into_offset_iter() {
        if let Some((_, text)) = &mut block {
            match event {
                Event::Html(t) | Event::Text(t) => text.push_str(&t),
                Event::End(TagEnd::HtmlBlock) => {
                    let (start, text) = block.take().unwrap_or_default();
                    if raw_html_as_text(&text, Flavor::Prose).is_some() {
                        push_html(&mut out, start, &text);
                    }
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::HtmlBlock) => block = Some((range.start, String::new())),
            Event::Html(t) | Event::InlineHtml(t)
                if raw_html_as_text(&t, Flavor::Prose).is_some() =>
            {
                push_html(&mut out, range.start, &t);
            }
            Event::Start(tag) if refused_target(&tag) => {
                let (Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = &tag else {
                    continue;
                };
                out.push(ProseFinding {
                    offset: range.start,
                    message: format!(
                        "link target `{}` is shown as text, not as a link: only http, https, mailto and relative targets are allowed",
                        quote(dest_url)
                    ),
                });
            }
            _ => {}
        }
    }
    out
}

/// A cheap, conservative test run before the markdown parse (most prose
/// blocks have links, nearly all to `#id` or to the web): raw HTML and
/// autolinks need a `<`; an inline link or image needs `](`, a reference
/// definition `]:`, and the target after them decides. Only targets that
/// plainly start with `#`, `http://`, `https://` or `mailto:` are passed;
/// anything else (entities, escapes, control characters) is parsed.
fn may_have_findings(src: &str) -> bool {
    if src.contains('<') {
        return true;
    }
    let plainly_allowed = |rest: &str| {
        let rest = rest.trim_start_matches([' ', '\t', '\n', '\r']);
        rest.starts_with('#')
            || ["http://", "https://", "mailto:"].iter().any(|p| {
                rest.get(..p.len())
                    .is_some_and(|head| head.eq_ignore_ascii_case(p))
            })
    };
    ["](", "]:"].iter().any(|opener| {
        src.match_indices(opener)
            .any(|(i, _)| !plainly_allowed(&src[i + opener.len()..]))
    })
}

/// `s` shortened for a one-line message, control characters made visible.
fn quote(s: &str) -> String {
    let mut shown = String::new();
    for c in s.trim().chars() {
        if c.is_control() {
            shown.extend(c.escape_debug());
        } else {
            shown.push(c);
        }
    }
    match shown.char_indices().nth(QUOTE_CHARS) {
        Some((i, _)) => format!("{}…", &shown[..i]),
        None => shown,
    }
}
