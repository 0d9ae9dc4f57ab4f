//! Markdown to HTML for prose, commentary, titles, notes and message
//! bodies: one pulldown-cmark pass whose events are rewritten on the way
//! (internal links resolved to their page, `[?]` titled, footnotes turned
//! into eval-prompt links, code highlighted, math typeset).

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd, html};

use super::highlight::highlight;
use super::math::{Piece, split_math, to_mathml};
use super::typography::smarten;
use crate::model::{Message, Spec};
use crate::parse::inline::markdown_options;
use crate::site;

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

/// Whether raw HTML in the source is passed through (author prose) or
/// shown as text (conversation content, which quotes what someone typed).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flavor {
    Prose,
    Message,
}

/// Block-level HTML for body text and commentary.
pub fn render_prose(src: &str, link: &Linker<'_>) -> String {
    render(src, link, Flavor::Prose)
}

/// Inline HTML (no surrounding `<p>`) for titles and notes.
pub fn render_inline(src: &str, link: &Linker<'_>) -> String {
    let html = render(src, link, Flavor::Prose);
    let t = html.trim_end();
    match t.strip_prefix("<p>").and_then(|t| t.strip_suffix("</p>")) {
        Some(inner) if !inner.contains("<p>") => inner.to_owned(),
        _ => t.to_owned(),
    }
}

fn render(src: &str, link: &Linker<'_>, flavor: Flavor) -> String {
    let parser = Parser::new_ext(src, markdown_options());
    let events = rewrite(parser, link, flavor);
    let mut out = String::with_capacity(src.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    out
}

/// The event rewrite shared by every flavour.
fn rewrite<'e>(parser: Parser<'e>, link: &Linker<'_>, flavor: Flavor) -> Vec<Event<'e>> {
    let mut out: Vec<Event<'e>> = Vec::new();
    // Pending internal link: its new href and the events inside it.
    let mut pending: Option<(String, Vec<Event<'e>>)> = None;
    let mut code: Option<(String, String)> = None;
    for event in parser {
        if let Some((_, text)) = &mut code {
            match event {
                Event::Text(t) => text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let (lang, text) = code.take().unwrap();
                    out.push(Event::Html(code_block(&lang, &text, flavor).into()));
                }
                _ => {}
            }
            continue;
        }
        let event = match event {
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
                let (href, mut inner) = pending.take().unwrap();
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
            Event::Html(t) | Event::InlineHtml(t) if flavor == Flavor::Message => Event::Text(t),
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

/// A footnote citation: a small link to the eval-prompt page, or a muted
/// marker when the file does not exist.
fn eval_ref(label: &str, link: &Linker<'_>) -> String {
    let label_e = escape(label);
    match link.eval_href(label) {
        Some(href) => format!(
            "<a class=\"eval-ref\" href=\"{}\">{label_e}</a>",
            escape(&href)
        ),
        None => format!(
            "<span class=\"eval-ref missing\" title=\"Eval prompts {label_e} are not published\">{label_e}</span>"
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

/// The dialect writes entities inside conversations (`&lt;`, `&quot;`) and
/// means the characters, in code too (FORMAT.md 5.5).
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// The body of a message, drawn by its kind (FORMAT.md 5.4, 5.5).
pub fn render_message_body(msg: &Message, link: &Linker<'_>) -> String {
    let text = msg.content.text.as_str();
    if msg.attr("recipient").is_some() {
        return format!(
            "<pre class=\"tool-call\"><code>{}</code></pre>",
            escape(&decode_entities(text))
        );
    }
    if msg.role == "tool" {
        return format!(
            "<pre class=\"tool-output\">{}</pre>",
            escape(&decode_entities(text))
        );
    }
    let mut out = String::new();
    for segment in split_segments(text) {
        match segment {
            Segment::Markdown(md) => out.push_str(&render_message_markdown(md, link)),
            Segment::Untrusted(body) => out.push_str(&format!(
                "<div class=\"untrusted\"><div class=\"untrusted-label\">Untrusted content</div><pre>{}</pre></div>",
                escape(&decode_entities(body.trim_matches('\n')))
            )),
            Segment::Settings(body) => {
                out.push_str("<div class=\"settings\"><div class=\"settings-label\">Settings</div><dl>");
                for line in body.lines().filter(|l| !l.trim().is_empty()) {
                    let (k, v) = line.split_once(':').unwrap_or((line, ""));
                    out.push_str(&format!("<dt>{}</dt><dd>{}</dd>", escape(k.trim()), escape(v.trim())));
                }
                out.push_str("</dl></div>");
            }
        }
    }
    out
}

enum Segment<'a> {
    Markdown(&'a str),
    Untrusted(&'a str),
    Settings(&'a str),
}

/// Splits out `<untrusted>` and `<settings>` blocks (tags on their own lines).
fn split_segments(text: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    loop {
        let next = [
            ("<untrusted>", "</untrusted>"),
            ("<settings>", "</settings>"),
        ]
        .into_iter()
        .filter_map(|(o, c)| rest.find(o).map(|i| (i, o, c)))
        .min_by_key(|(i, _, _)| *i);
        let Some((start, open, close)) = next else {
            break;
        };
        let Some(end) = rest[start..].find(close) else {
            break;
        };
        if !rest[..start].trim().is_empty() {
            out.push(Segment::Markdown(&rest[..start]));
        }
        let body = &rest[start + open.len()..start + end];
        out.push(if open == "<untrusted>" {
            Segment::Untrusted(body)
        } else {
            Segment::Settings(body)
        });
        rest = &rest[start + end + close.len()..];
    }
    if !rest.trim().is_empty() {
        out.push(Segment::Markdown(rest));
    }
    out
}

fn render_message_markdown(md: &str, link: &Linker<'_>) -> String {
    let md = md.trim_matches('\n');
    if is_verbatim(md) {
        return format!(
            "<pre class=\"verbatim\">{}</pre>",
            escape(&decode_entities(md))
        );
    }
    let mut out = String::new();
    let (md, file_card) = file_card(md);
    out.push_str(&file_card);
    // Math first: typeset formulas become placeholders the markdown pass
    // cannot touch, then are swapped back in.
    let mut formulas = Vec::new();
    let mut src = String::with_capacity(md.len());
    for piece in split_math(md) {
        match piece {
            Piece::Text(t) => src.push_str(t),
            Piece::Math { tex, display } => {
                src.push_str(&format!("\u{E000}{}\u{E001}", formulas.len()));
                formulas.push(to_mathml(&unescape_markdown(tex), display));
            }
        }
    }
    let mut html = render(&src, link, Flavor::Message);
    for (i, f) in formulas.iter().enumerate() {
        html = html.replace(&format!("\u{E000}{i}\u{E001}"), f);
    }
    out.push_str(&html);
    out
}

/// Markdown backslash escapes inside math (`\\frac` → `\frac`, `\{` → `{`),
/// as the markdown pass before MathJax would have applied them.
fn unescape_markdown(tex: &str) -> String {
    let mut out = String::with_capacity(tex.len());
    let mut chars = tex.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(|n| n.is_ascii_punctuation()) {
            out.push(chars.next().unwrap());
        } else {
            out.push(c);
        }
    }
    out
}

/// A body of raw code (lines indented by four spaces outside any fence and
/// no list that would explain them) is drawn verbatim, as the official page
/// does (FORMAT.md 5.5).
fn is_verbatim(md: &str) -> bool {
    let mut in_fence = false;
    let mut indented = false;
    let mut has_list = false;
    for line in md.lines() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        let indent = line.len() - t.len();
        if indent < 4 && is_list_item(t) {
            has_list = true;
        }
        if indent >= 4 && !t.is_empty() {
            indented = true;
        }
    }
    indented && !has_list
}

fn is_list_item(t: &str) -> bool {
    t.starts_with("- ") || t.starts_with("* ") || t.starts_with("+ ") || {
        let digits = t.chars().take_while(char::is_ascii_digit).count();
        digits > 0 && t[digits..].starts_with(['.', ')'])
    }
}

/// `[file: name.pdf caption]` as the first line becomes a file card.
fn file_card(md: &str) -> (&str, String) {
    let first = md.lines().next().unwrap_or("");
    let Some(inner) = first
        .strip_prefix("[file:")
        .and_then(|r| r.trim_end().strip_suffix(']'))
    else {
        return (md, String::new());
    };
    let inner = inner.trim();
    let (name, caption) = inner.split_once(' ').unwrap_or((inner, ""));
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    let (kind, label) = match ext.as_str() {
        "pdf" => ("pdf", "PDF"),
        "csv" | "xlsx" | "xls" | "tsv" => ("csv", "Spreadsheet"),
        "png" | "jpg" | "jpeg" | "gif" | "webp" | "svg" => ("image", "Image"),
        _ => ("file", "File"),
    };
    let caption_html = if caption.is_empty() {
        String::new()
    } else {
        format!("<span class=\"file-caption\">({})</span>", escape(caption))
    };
    let card = format!(
        "<div class=\"file-card file-{kind}\"><span class=\"file-name\">{}</span><span class=\"file-type\">{label}</span>{caption_html}</div>",
        escape(name)
    );
    (md[first.len()..].trim_start_matches('\n'), card)
}
