//! The inside of a `~~~xml` conversation block (FORMAT.md 5.2, 5.3):
//! messages `<role attrs>` ... `</role>`, `<comparison>` groups, verdict
//! comments on assistant tags, and stray elision lines.

use std::sync::LazyLock;

use regex::Regex;

use super::text::col_of;
use crate::diag::{Diagnostics, Location};
use crate::model::{Item, Message, Role, Span, Verdict};

/// `<role a="b" c='d'>` optionally followed by `<!-- verdict -->` and,
/// rarely, by body text on the same line.
static OPEN_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^<([A-Za-z][\w-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*>"#).unwrap()
});
static ATTR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')"#).unwrap());
static CLOSE_TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^</([A-Za-z][\w-]*)\s*>$").unwrap());
static VERDICT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?s)([A-Za-z]+)(?:\[([^\]]*)\])?\s*(?:[:,]\s*(.*))?$").unwrap());

const COMPARISON: &str = "comparison";

struct OpenMessage {
    msg: Message,
    body: Vec<(usize, String)>,
    line: usize,
}

struct OpenComparison {
    index: usize,
    line: usize,
    messages: Vec<usize>,
}

struct ConversationParser<'a> {
    file: &'a str,
    diags: &'a mut Diagnostics,
    messages: Vec<Message>,
    items: Vec<Item>,
    open: Option<OpenMessage>,
    comparison: Option<OpenComparison>,
    comparisons_seen: usize,
}

/// Parses the lines between `~~~xml` and `~~~` (each with its 1-based
/// source line number).
pub(super) fn parse_conversation(
    file: &str,
    lines: &[(usize, &str)],
    diags: &mut Diagnostics,
) -> (Vec<Message>, Vec<Item>) {
    let mut p = ConversationParser {
        file,
        diags,
        messages: Vec::new(),
        items: Vec::new(),
        open: None,
        comparison: None,
        comparisons_seen: 0,
    };
    for &(n, text) in lines {
        p.line(n, text);
    }
    if let Some(open) = p.open.take() {
        let role = open.msg.role.clone();
        p.diags.error_at(
            &p.loc(open.line, 1),
            None,
            format!(
                "`<{role}>` is never closed (expected `</{role}>` before the end of the block)"
            ),
        );
        p.finish(open);
    }
    if let Some(c) = p.comparison.take() {
        p.diags
            .error_at(&p.loc(c.line, 1), None, "`<comparison>` is never closed");
        p.items.push(Item::Comparison {
            index: c.index,
            messages: c.messages,
        });
    }
    if let (true, Some(&(n, _))) = (p.messages.is_empty(), lines.first()) {
        p.diags
            .warning_at(&p.loc(n, 1), None, "conversation has no messages");
    }
    (p.messages, p.items)
}

/// The tag of a line that is `*` and a structural tag (a known role or
/// `comparison`, opening or closing, alone or with its verdict comment) at
/// the very start of the line.
fn stray_star(text: &str) -> Option<&str> {
    let tag = text.strip_prefix('*')?;
    let t = tag.trim_end();
    let caps = CLOSE_TAG.captures(t).or_else(|| OPEN_TAG.captures(t))?;
    let name = caps.get(1).map_or("", |m| m.as_str());
    // Only the tag, or the tag and its verdict comment: `*<user>* says`
    // is body text.
    let after = t
        .get(caps.get(0).map_or(0, |m| m.end())..)
        .unwrap_or("")
        .trim();
    let tag_only = after.is_empty() || (after.starts_with("<!--") && after.ends_with("-->"));
    (tag_only && (name == COMPARISON || Role::is_known_tag(name))).then_some(tag)
}

impl ConversationParser<'_> {
    fn loc(&self, line: usize, col: usize) -> Location {
        Location {
            file: self.file.to_owned(),
            line,
            col,
        }
    }

    fn line(&mut self, n: usize, text: &str) {
        if let Some(tag) = stray_star(text) {
            // FORMAT.md §11: older releases have `*</comparison>`,
            // `*<assistant> <!-- GOOD -->`; the official page reads the tag.
            self.diags.warning_at(
                &self.loc(n, 1),
                Some(text),
                "stray `*` before a conversation tag: read as the tag (remove the `*`)",
            );
            // A space where the `*` was keeps every later column exact.
            let shown = format!(" {tag}");
            return self.read_line(n, &shown, 0);
        }
        let indent = text.chars().take_while(|c| c.is_whitespace()).count();
        self.read_line(n, text, indent);
    }

    fn read_line(&mut self, n: usize, text: &str, indent: usize) {
        let t = text.trim();
        if let Some(open) = &mut self.open {
            let role = &open.msg.role;
            if t.strip_prefix("</").and_then(|r| r.strip_suffix('>')) == Some(role.as_str()) {
                let open = self.open.take().unwrap();
                self.finish(open);
                return;
            }
            // A structural tag inside a body means a missing close tag.
            let structural_close = CLOSE_TAG
                .captures(t)
                .map(|c| c[1].to_owned())
                .filter(|name| name == COMPARISON || Role::is_known_tag(name));
            let structural_open = OPEN_TAG
                .captures(t)
                .map(|c| c[1].to_owned())
                .filter(|name| (name == COMPARISON || Role::is_known_tag(name)) && indent == 0);
            if let Some(name) = structural_close {
                let opened = open.line;
                let role = role.clone();
                self.diags.error_at(
                    &self.loc(n, indent + 1),
                    Some(text),
                    format!("`</{name}>` closes `<{role}>` (opened at line {opened}); expected `</{role}>`"),
                );
                let open = self.open.take().unwrap();
                self.finish(open);
                if name == role.as_str() {
                    return;
                }
            } else if let Some(name) = structural_open {
                let opened = open.line;
                let role = role.clone();
                self.diags.error_at(
                    &self.loc(n, indent + 1),
                    Some(text),
                    format!("`<{name}>` starts inside `<{role}>` (opened at line {opened}): missing `</{role}>`"),
                );
                let open = self.open.take().unwrap();
                self.finish(open);
            } else {
                open.body.push((n, text.to_owned()));
                return;
            }
        }
        self.top_level(n, text, t, indent);
    }

    fn top_level(&mut self, n: usize, text: &str, t: &str, indent: usize) {
        if t.is_empty() {
            return;
        }
        let at = self.loc(n, indent + 1);
        if t == "<comparison>" {
            if let Some(c) = &self.comparison {
                let line = c.line;
                self.diags.error_at(
                    &at,
                    Some(text),
                    format!("`<comparison>` inside another `<comparison>` (opened at line {line})"),
                );
                return;
            }
            self.comparison = Some(OpenComparison {
                index: self.comparisons_seen,
                line: n,
                messages: Vec::new(),
            });
            self.comparisons_seen += 1;
            return;
        }
        if let Some(c) = CLOSE_TAG.captures(t) {
            let name = &c[1];
            if name == COMPARISON {
                match self.comparison.take() {
                    Some(c) => {
                        if c.messages.is_empty() {
                            self.diags.warning_at(
                                &self.loc(c.line, 1),
                                None,
                                "empty `<comparison>`",
                            );
                        }
                        self.items.push(Item::Comparison {
                            index: c.index,
                            messages: c.messages,
                        });
                    }
                    None => self.diags.error_at(
                        &at,
                        Some(text),
                        "`</comparison>` without an open `<comparison>`",
                    ),
                }
            } else {
                self.diags.error_at(
                    &at,
                    Some(text),
                    format!("`</{name}>` without a matching `<{name}>`"),
                );
            }
            return;
        }
        if let Some(caps) = OPEN_TAG.captures(t) {
            let role = &caps[1];
            let attrs: Vec<(String, String)> = ATTR
                .captures_iter(caps.get(2).map_or("", |m| m.as_str()))
                .map(|a| {
                    (
                        a[1].to_owned(),
                        a.get(2).or(a.get(3)).map_or("", |m| m.as_str()).to_owned(),
                    )
                })
                .collect();
            let tag_end = caps.get(0).map_or(0, |m| m.end());
            let after = t.get(tag_end..).unwrap_or("").trim_start();
            self.open_message(n, text, indent, role, attrs, after);
            return;
        }
        // Anything else between messages: kept as written, never lost.
        if !(t.starts_with('[') && t.ends_with(']')) {
            self.diags.warning_at(
                &at,
                Some(text),
                "text outside any message; kept as an elision line",
            );
        }
        self.items.push(Item::Elision(t.to_owned()));
    }

    fn open_message(
        &mut self,
        n: usize,
        text: &str,
        indent: usize,
        role: &str,
        attrs: Vec<(String, String)>,
        after: &str,
    ) {
        let at = self.loc(n, indent + 1);
        let role = Role::parse(role);
        if !role.is_known() {
            self.diags.warning_at(
                &at,
                Some(text),
                format!("unknown role `<{role}>` (known: system, developer, user, assistant, tool); kept as written"),
            );
        }
        let mut msg = Message {
            role,
            attrs,
            content: Span::new("", n + 1, 0),
            comparison: self.comparison.as_ref().map(|c| c.index),
            verdict: None,
            comment: None,
            refs: Vec::new(),
            source: at.clone(),
        };
        let mut rest = after;
        if let Some(inner) = rest.strip_prefix("<!--") {
            let Some((raw, after_comment)) = inner.split_once("-->") else {
                self.diags.error_at(
                    &at,
                    Some(text),
                    "verdict comment `<!--` is not closed on this line",
                );
                self.open = Some(OpenMessage {
                    msg,
                    body: Vec::new(),
                    line: n,
                });
                return;
            };
            // The comment after the tag, not a `<!--` inside an attribute.
            let comment_col = col_of(text, rest);
            self.verdict(&mut msg, raw, n, text, comment_col);
            rest = after_comment.trim_start();
        }
        if !rest.is_empty() {
            let close = format!("</{}>", msg.role);
            if let Some(body) = rest.strip_suffix(close.as_str()) {
                let body = body.trim();
                msg.content = Span::new(body, n, col_of(text, body) - 1);
                self.push_message(msg);
                return;
            }
            self.open = Some(OpenMessage {
                msg,
                body: vec![(n, rest.to_owned())],
                line: n,
            });
            return;
        }
        self.open = Some(OpenMessage {
            msg,
            body: Vec::new(),
            line: n,
        });
    }

    /// `GOOD`, `BAD: note`, `GOOD, note`, `BAD[#id]: note`.
    fn verdict(&mut self, msg: &mut Message, raw: &str, n: usize, text: &str, col: usize) {
        let at = self.loc(n, col);
        let trimmed = raw.trim();
        let Some(c) = VERDICT.captures(trimmed) else {
            self.diags.warning_at(
                &at,
                Some(text),
                format!("unrecognised verdict comment `<!--{raw}-->` (expected GOOD, BAD or OK)"),
            );
            return;
        };
        let word = &c[1];
        let Some(v) = Verdict::parse(word) else {
            self.diags.warning_at(
                &at,
                Some(text),
                format!("unknown verdict `{word}` (expected GOOD, BAD or OK); kept as a comment"),
            );
            msg.comment = Some(Span::new(trimmed, n, col_of(text, trimmed) - 1));
            return;
        };
        if msg.role != Role::Assistant {
            self.diags.error_at(
                &at,
                Some(text),
                format!(
                    "verdict `{word}` on a `<{}>` message: verdicts belong on assistant messages",
                    msg.role
                ),
            );
        }
        if msg.comparison.is_none() && msg.role == Role::Assistant {
            self.diags.warning_at(
                &at,
                Some(text),
                "verdict on a message outside any `<comparison>`",
            );
        }
        msg.verdict = Some(v);
        if let Some(refs) = c.get(1 + 1) {
            for r in refs.as_str().split(',') {
                let id = r.trim().trim_start_matches('#');
                if !id.is_empty() {
                    msg.refs.push(id.to_owned());
                }
            }
        }
        if let Some(note) = c.get(3) {
            let note = note.as_str().trim();
            if !note.is_empty() {
                msg.comment = Some(Span::new(note, n, col_of(text, note) - 1));
            }
        }
    }

    fn finish(&mut self, open: OpenMessage) {
        let OpenMessage {
            mut msg,
            body,
            line,
        } = open;
        let first = body.iter().position(|(_, l)| !l.trim().is_empty());
        let last = body.iter().rposition(|(_, l)| !l.trim().is_empty());
        msg.content = match (first, last) {
            (Some(a), Some(b)) => {
                let text = body[a..=b]
                    .iter()
                    .map(|(_, l)| l.as_str())
                    .collect::<Vec<_>>()
                    .join("\n");
                Span::new(text.trim_end(), body[a].0, 0)
            }
            _ => {
                self.diags.warning_at(
                    &self.loc(line, 1),
                    None,
                    format!("`<{}>` message is empty", msg.role),
                );
                Span::new("", line + 1, 0)
            }
        };
        self.push_message(msg);
    }

    fn push_message(&mut self, msg: Message) {
        let idx = self.messages.len();
        self.messages.push(msg);
        match &mut self.comparison {
            Some(c) => c.messages.push(idx),
            None => self.items.push(Item::Message(idx)),
        }
    }
}
