//! Parse stage: one source file in, its sections and blocks out.
//!
//! The dialect's block structure is line-oriented (FORMAT.md 1, 2, 5, 6):
//! headings with `{#id ...}`, `!!! meta` admonitions, `**Example**:` lines
//! each followed by a `~~~xml` conversation, and markdown prose in between.
//! A small line scanner finds those, claiming a line only where CommonMark
//! has it at top level ([`blocks`]: never inside a list item, block quote,
//! code or HTML block), so prose stays CommonMark; prose stays as source
//! spans that the renderer and the reference scanner read with pulldown-cmark.

mod blocks;
mod conversation;
mod heading;
pub mod inline;
pub mod pieces;
pub(crate) mod text;

#[cfg(test)]
mod container_tests;
#[cfg(test)]
mod hostile_tests;
#[cfg(test)]
mod tests;

use blocks::LineContext;

use crate::diag::{Diagnostics, Location};
use crate::model::{Block, Commentary, Example, Section, SourceFile, Span};

pub use heading::slugify;

/// What one file contributes to the spec, before linking.
#[derive(Debug, Clone, Default)]
pub struct ParsedFile {
    pub path: String,
    /// Blocks before the file's first heading.
    pub preamble: Vec<Block>,
    pub sections: Vec<Section>,
}

const EXAMPLE_MARKER: &str = "**Example**:";

/// A code fence opener: its character, length and info string.
struct Fence {
    ch: char,
    len: usize,
}

fn fence_open(line: &str) -> Option<(Fence, &str)> {
    let trimmed = line.trim_start_matches(' ');
    let ch = trimmed.chars().next()?;
    if ch != '`' && ch != '~' {
        return None;
    }
    let after = trimmed.trim_start_matches(ch);
    let len = trimmed.len() - after.len();
    if len < 3 {
        return None;
    }
    let info = after.trim();
    if ch == '`' && info.contains('`') {
        return None;
    }
    Some((Fence { ch, len }, info))
}

fn fence_closes(fence: &Fence, line: &str) -> bool {
    let t = line.trim();
    let n = t.chars().take_while(|&c| c == fence.ch).count();
    n >= fence.len && t.chars().all(|c| c == fence.ch)
}

/// Parses one spec (or eval-prompt) file.
pub fn parse_file(file: &SourceFile, diags: &mut Diagnostics) -> ParsedFile {
    parse_text(&file.path, &file.text, 0, diags).0
}

/// [`parse_file`] of `text`, a piece of the file at `path` that starts
/// `first` lines into it, and whether a heading line appended to the text
/// would start a section of its own exactly as it does in the file it was
/// cut from: CommonMark's last block and the dialect's last construct end
/// with the text ([`pieces`]).
fn parse_text(path: &str, text: &str, first: usize, diags: &mut Diagnostics) -> (ParsedFile, bool) {
    let (contexts, open_at_end) = blocks::scan(text, 0);
    let mut p = FileParser {
        path,
        text,
        lines: text.split('\n').collect(),
        contexts,
        first,
        resyncs: 0,
        out: ParsedFile {
            path: path.to_owned(),
            ..Default::default()
        },
        prose: Vec::new(),
        prose_start: 0,
        diags,
    };
    p.run();
    // A conversation the dialect ended elsewhere than CommonMark did
    // changed the CommonMark view of the rest of the text: what follows
    // the text might read differently too.
    let closed = !open_at_end && p.resyncs == 0;
    (p.out, closed)
}

/// How often the CommonMark view is computed again after a conversation
/// the dialect ends elsewhere than CommonMark does (an unclosed `~~~xml`
/// recovered at the next heading): each is an error already, and beyond
/// this many the rest of the file keeps the first view.
const MAX_RESYNCS: usize = 32;

struct FileParser<'a> {
    path: &'a str,
    text: &'a str,
    lines: Vec<&'a str>,
    /// What CommonMark sees at each line (see [`blocks`]).
    contexts: Vec<LineContext>,
    /// Lines of the file before the text parsed.
    first: usize,
    resyncs: usize,
    out: ParsedFile,
    /// Pending prose lines (indices into `lines`).
    prose: Vec<usize>,
    prose_start: usize,
    diags: &'a mut Diagnostics,
}

impl<'a> FileParser<'a> {
    fn at(&self, line_idx: usize, col: usize) -> Location {
        Location {
            file: self.path.to_owned(),
            line: self.line_no(line_idx),
            col,
        }
    }

    /// The 1-based line number in the file of line `i` of the text.
    fn line_no(&self, i: usize) -> usize {
        self.first + i + 1
    }

    fn context(&self, i: usize) -> LineContext {
        self.contexts.get(i).copied().unwrap_or(LineContext::Inside)
    }

    /// Dialect constructs are claimed only where CommonMark has the line
    /// at top level; everything else is prose, as CommonMark reads it.
    fn run(&mut self) {
        let mut i = 0;
        while i < self.lines.len() {
            let line = self.lines[i];
            match self.context(i) {
                LineContext::Inside => {}
                LineContext::FenceOpen { close } => {
                    if let Some((f, "xml")) = fence_open(line)
                        && f.ch == '~'
                        && !line.starts_with(' ')
                    {
                        self.diags.warning_at(
                            &self.at(i, 1),
                            Some(line),
                            "`~~~xml` conversation without an `**Example**:` title line before it",
                        );
                        i = self.conversation(None, i);
                        continue;
                    }
                    if close.is_none() {
                        self.diags.error_at(
                            &self.at(i, 1),
                            Some(line),
                            "code fence is never closed",
                        );
                    }
                }
                LineContext::TopLevel => {
                    if heading::is_heading(line) {
                        self.flush_prose();
                        if let Some(section) =
                            heading::parse_heading(line, self.at(i, 1), self.diags)
                        {
                            self.out.sections.push(section);
                        }
                        i += 1;
                        continue;
                    }
                    if let Some(rest) = line.strip_prefix("!!!") {
                        self.flush_prose();
                        i = self.admonition(i, rest);
                        continue;
                    }
                    if let Some(title) = line.strip_prefix(EXAMPLE_MARKER) {
                        if let Some(fence) = self.conversation_fence_after(i) {
                            self.flush_prose();
                            let title = title.trim();
                            let span =
                                Span::new(title, self.line_no(i), text::col_of(line, title) - 1);
                            i = self.conversation(Some((span, i)), fence);
                            continue;
                        }
                        self.diags.warning_at(
                            &self.at(i, 1),
                            Some(line),
                            "`**Example**:` line is not followed by a `~~~xml` conversation; kept as text",
                        );
                    }
                }
            }
            self.push_prose(i);
            i += 1;
        }
        self.flush_prose();
    }

    /// The `~~~xml` fence after an `**Example**:` line (and blank lines),
    /// if CommonMark opens a fenced block there.
    fn conversation_fence_after(&self, i: usize) -> Option<usize> {
        let j = (i + 1..self.lines.len()).find(|&j| !self.lines[j].trim().is_empty())?;
        let opens = fence_open(self.lines[j]).is_some_and(|(f, info)| f.ch == '~' && info == "xml");
        (opens && matches!(self.context(j), LineContext::FenceOpen { .. })).then_some(j)
    }

    /// A conversation, and the CommonMark view made to agree again when
    /// the dialect ended it elsewhere than CommonMark's fence does.
    fn conversation(&mut self, title: Option<(Span, usize)>, fence_line: usize) -> usize {
        let next = self.example(title, fence_line);
        let agrees = matches!(
            self.context(fence_line),
            LineContext::FenceOpen { close: Some(c) } if c + 1 == next
        );
        if !agrees && next < self.lines.len() && self.resyncs < MAX_RESYNCS {
            self.resyncs += 1;
            let start: usize = self.lines[..next].iter().map(|l| l.len() + 1).sum();
            let rest = self.text.get(start..).unwrap_or("");
            self.contexts.truncate(next);
            self.contexts.extend(blocks::line_contexts(rest, next));
        }
        next
    }

    fn push_prose(&mut self, i: usize) {
        if self.prose.is_empty() {
            self.prose_start = i;
        }
        self.prose.push(i);
    }

    fn flush_prose(&mut self) {
        if self.prose.is_empty() {
            return;
        }
        let text = self
            .prose
            .iter()
            .map(|&i| self.lines[i])
            .collect::<Vec<_>>()
            .join("\n");
        let start = self.prose_start;
        self.prose.clear();
        if text.trim().is_empty() {
            return;
        }
        // Drop leading and trailing blank lines, keeping line numbers exact
        // and the last line whole (trailing spaces matter in code blocks);
        // every line ends with its newline, as in the source.
        let body = text.trim_start_matches('\n');
        let blank_lines = text.len() - body.len();
        let pieces: Vec<&str> = body.split_inclusive('\n').collect();
        let last_line = pieces
            .iter()
            .rposition(|l| !l.trim().is_empty())
            .unwrap_or(0);
        let mut kept: String = body.split_inclusive('\n').take(last_line + 1).collect();
        if !kept.ends_with('\n') {
            kept.push('\n');
        }
        let span = Span::new(kept, self.line_no(start + blank_lines), 0);
        self.push_block(Block::Prose(span));
    }

    fn push_block(&mut self, block: Block) {
        match self.out.sections.last_mut() {
            Some(s) => s.blocks.push(block),
            None => self.out.preamble.push(block),
        }
    }

    /// `!!! kind "Title"` and the indented lines below it.
    fn admonition(&mut self, i: usize, rest: &str) -> usize {
        let rest = rest.trim();
        let (kind, title) = match rest.split_once(char::is_whitespace) {
            Some((k, t)) => (k.to_owned(), Some(t.trim().trim_matches('"').to_owned())),
            None => (rest.to_owned(), None),
        };
        if kind.is_empty() {
            self.diags.warning_at(
                &self.at(i, 1),
                Some(self.lines[i]),
                "admonition `!!!` without a kind",
            );
        }
        let mut j = i + 1;
        let mut body: Vec<&str> = Vec::new();
        // An empty body is placed on the line after the `!!!` line.
        let mut first_line = i + 1;
        while j < self.lines.len() {
            let l = self.lines[j];
            if l.trim().is_empty() {
                if !body.is_empty() {
                    body.push("");
                }
                j += 1;
                continue;
            }
            let Some(stripped) = l.strip_prefix("    ").or_else(|| l.strip_prefix('\t')) else {
                break;
            };
            if body.is_empty() {
                first_line = j;
            }
            body.push(stripped);
            j += 1;
        }
        while body.last() == Some(&"") {
            body.pop();
        }
        // Give trailing blank lines back to the prose that follows.
        let end = if body.is_empty() {
            i + 1
        } else {
            first_line + body.len()
        };
        if body.is_empty() {
            self.diags.warning_at(
                &self.at(i, 1),
                Some(self.lines[i]),
                "admonition has no indented body; nothing to show",
            );
        }
        let body = Span::new(body.join("\n"), self.line_no(first_line), 4);
        self.push_block(Block::Commentary(Commentary { kind, title, body }));
        end
    }

    /// A `~~~xml` conversation starting at `fence_line`; returns the index
    /// of the line after the closing `~~~`.
    fn example(&mut self, title: Option<(Span, usize)>, fence_line: usize) -> usize {
        let mut j = fence_line + 1;
        // An unclosed block ends, for recovery, where the next heading or
        // example starts (outside any code fence inside the conversation),
        // so that the rest of the file is still parsed.
        let mut inner_fence: Option<Fence> = None;
        while j < self.lines.len() && self.lines[j].trim_end() != "~~~" {
            let line = self.lines[j];
            match &inner_fence {
                Some(f) if fence_closes(f, line) => inner_fence = None,
                Some(_) => {}
                None => {
                    if let Some((f, _)) = fence_open(line).filter(|(f, _)| f.ch == '`') {
                        inner_fence = Some(f);
                    } else if line.starts_with(EXAMPLE_MARKER)
                        || (heading::is_heading(line) && line.trim_end().ends_with('}'))
                    {
                        break;
                    }
                }
            }
            j += 1;
        }
        let closed = j < self.lines.len() && self.lines[j].trim_end() == "~~~";
        if !closed {
            self.diags.error_at(
                &self.at(fence_line, 1),
                Some(self.lines[fence_line]),
                "`~~~xml` conversation is never closed (expected a line `~~~`)",
            );
            while j > fence_line + 1 && self.lines[j - 1].trim().is_empty() {
                j -= 1;
            }
        }
        let body: Vec<(usize, &str)> = (fence_line + 1..j)
            .map(|k| (self.line_no(k), self.lines[k]))
            .collect();
        let (messages, items) = conversation::parse_conversation(self.path, &body, self.diags);
        let title_line = title.as_ref().map(|(_, l)| *l).unwrap_or(fence_line);
        let title_span = title
            .map(|(s, _)| s)
            .unwrap_or_else(|| Span::new("", self.line_no(fence_line), 0));
        let section = self
            .out
            .sections
            .last()
            .map(|s| s.id.clone())
            .unwrap_or_default();
        let example = Example {
            id: String::new(),
            section,
            title: title_span,
            source: self.at(title_line, 1),
            messages,
            items,
        };
        self.push_block(Block::Example(Box::new(example)));
        if closed { j + 1 } else { j }
    }
}
