//! Message bodies (FORMAT.md 5.4, 5.5): tool calls and tool output as
//! code, `<untrusted>` and `<settings>` blocks, verbatim bodies, file cards,
//! math, and otherwise markdown rendered as data (see the parent module:
//! raw HTML shown as text, link targets on the allow-list).

use super::{Flavor, Linker, escape, render};
use crate::model::{Message, Role};
use crate::parse::inline::{Plain, plain_text_with};
use crate::render::math::{Piece, split_math, to_mathml, unescape_markdown};

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
    if msg.role == Role::Tool {
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
                "<div class=\"untrusted\"><div class=\"untrusted-label\">{}</div><pre>{}</pre></div>",
                escape(link.strings.get("untrusted_label")),
                escape(&decode_entities(body.trim_matches('\n')))
            )),
            Segment::Quoted(body) => out.push_str(&format!(
                "<pre class=\"quoted\">{QUOTE}\n{}\n{QUOTE}</pre>",
                escape(&decode_entities(body))
            )),
            Segment::Settings(body) => {
                out.push_str(&format!(
                    "<div class=\"settings\"><div class=\"settings-label\">{}</div><dl>",
                    escape(link.strings.get("settings_label"))
                ));
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

/// The text a reader reads in a message, drawn by its kind as
/// [`render_message_body`] draws it: tool calls, tool output and
/// `<untrusted>` blocks verbatim, settings as `key: value` lines, markdown
/// as plain text with its paragraphs, list items and code lines kept, math
/// as its TeX, entities decoded once.
pub fn message_plain_text(msg: &Message, title_of: &dyn Fn(&str) -> Option<String>) -> String {
    let text = msg.content.text.as_str();
    if msg.attr("recipient").is_some() || msg.role == Role::Tool {
        return decode_entities(text.trim_matches('\n'));
    }
    let how = Plain {
        lines: true,
        decode_code: true,
    };
    let mut parts = Vec::new();
    for segment in split_segments(text) {
        parts.push(match segment {
            Segment::Markdown(md) => {
                let md = md.trim_matches('\n');
                if is_verbatim(md) {
                    decode_entities(md)
                } else {
                    plain_text_with(md, title_of, how)
                }
            }
            Segment::Untrusted(body) => decode_entities(body.trim_matches('\n')),
            Segment::Quoted(body) => format!("{QUOTE}\n{}\n{QUOTE}", decode_entities(body)),
            Segment::Settings(body) => body
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| {
                    let (k, v) = l.split_once(':').unwrap_or((l, ""));
                    format!("{}: {}", k.trim(), v.trim())
                })
                .collect::<Vec<_>>()
                .join("\n"),
        });
    }
    parts.retain(|p| !p.trim().is_empty());
    parts.join("\n\n")
}

enum Segment<'a> {
    Markdown(&'a str),
    Untrusted(&'a str),
    Settings(&'a str),
    /// The lines between two `"""` lines (quoted text: an email, comments
    /// to process), kept verbatim with its delimiters.
    Quoted(&'a str),
}

/// The line that opens and closes a quoted block inside a message.
const QUOTE: &str = "\"\"\"";

/// Splits out `<untrusted>` and `<settings>` blocks (tags on their own
/// lines), then `\"\"\"` blocks from the markdown between them.
fn split_segments(text: &str) -> Vec<Segment<'_>> {
    split_tagged(text)
        .into_iter()
        .flat_map(|s| match s {
            Segment::Markdown(md) => split_quoted(md),
            other => vec![other],
        })
        .collect()
}

/// Splits `"""` blocks out of markdown: a line that is `"""` alone
/// (indented less than four spaces, outside a code fence) up to the next
/// such line. Without a closing line the text stays markdown.
fn split_quoted(md: &str) -> Vec<Segment<'_>> {
    let is_quote = |line: &str| {
        let t = line.trim_start_matches(' ');
        line.len() - t.len() < 4 && t.trim_end() == QUOTE
    };
    let mut out = Vec::new();
    let mut start = 0; // where the pending markdown begins
    let mut open: Option<(usize, usize)> = None; // (line start, body start)
    let mut fence: Option<&str> = None;
    let mut at = 0;
    for line in md.split_inclusive('\n') {
        let here = at;
        at += line.len();
        let bare = line.trim_end_matches(['\n', '\r']);
        if let Some((from, body)) = open {
            if is_quote(bare) {
                if !md[start..from].trim().is_empty() {
                    out.push(Segment::Markdown(&md[start..from]));
                }
                out.push(Segment::Quoted(
                    md[body..here].trim_end_matches(['\n', '\r']),
                ));
                start = at;
                open = None;
            }
            continue;
        }
        let t = bare.trim_start();
        if let Some(f) = fence {
            if t.starts_with(f) {
                fence = None;
            }
            continue;
        }
        if t.starts_with("```") {
            fence = Some("```");
        } else if t.starts_with("~~~") {
            fence = Some("~~~");
        } else if is_quote(bare) {
            open = Some((here, at));
        }
    }
    if !md[start..].trim().is_empty() {
        out.push(Segment::Markdown(&md[start..]));
    }
    out
}

/// Splits out `<untrusted>` and `<settings>` blocks (tags on their own lines).
fn split_tagged(text: &str) -> Vec<Segment<'_>> {
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
    // cannot touch, then are swapped back in. The placeholder characters
    // are taken out of the text itself, so only ours are swapped.
    let mut formulas = Vec::new();
    let mut src = String::with_capacity(md.len());
    for piece in split_math(md) {
        match piece {
            Piece::Text(t) => src.extend(t.chars().map(|c| match c {
                FORMULA_OPEN | FORMULA_CLOSE => char::REPLACEMENT_CHARACTER,
                c => c,
            })),
            Piece::Math { tex, display } => {
                src.push(FORMULA_OPEN);
                src.push_str(&formulas.len().to_string());
                src.push(FORMULA_CLOSE);
                formulas.push(to_mathml(&unescape_markdown(tex), display));
            }
        }
    }
    let html = render(&src, link, Flavor::Message);
    out.push_str(&put_back_formulas(&html, &formulas));
    out
}

/// Private-use characters marking formula `N` as `\u{E000}N\u{E001}`.
const FORMULA_OPEN: char = '\u{E000}';
const FORMULA_CLOSE: char = '\u{E001}';

/// Swaps each placeholder in `html` for its formula, but only in text: a
/// placeholder inside a tag (a link title, an image's alt text, written
/// from math the text put there) is dropped, since MathML in an attribute
/// would end it and write markup of its own.
fn put_back_formulas(html: &str, formulas: &[String]) -> String {
    if formulas.is_empty() {
        return html.to_owned();
    }
    let mut out =
        String::with_capacity(html.len() + formulas.iter().map(String::len).sum::<usize>());
    let mut in_tag = false;
    let mut rest = html;
    while let Some(at) = rest.find([FORMULA_OPEN, '<', '>']) {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        let c = from.chars().next().unwrap_or(FORMULA_OPEN);
        rest = &from[c.len_utf8()..];
        if c != FORMULA_OPEN {
            in_tag = c == '<';
            out.push(c);
            continue;
        }
        let Some(end) = rest.find(FORMULA_CLOSE) else {
            continue;
        };
        let formula = rest[..end]
            .parse::<usize>()
            .ok()
            .and_then(|i| formulas.get(i));
        rest = &rest[end + FORMULA_CLOSE.len_utf8()..];
        if let (Some(f), false) = (formula, in_tag) {
            out.push_str(f);
        }
    }
    out.push_str(rest);
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
