//! Parse stage: one source file in, its sections and blocks out.
//!
//! The dialect's block structure is line-oriented (FORMAT.md 1, 2, 5, 6):
//! headings with `{#id ...}`, `!!! meta` admonitions, `**Example**:` lines
//! each followed by a `~~~xml` conversation, and markdown prose in between.
//! A small line scanner finds those, tracking code fences so that `#` lines
//! inside code never become headings; prose stays as source spans that the
//! renderer and the reference scanner read with pulldown-cmark.

mod conversation;
mod heading;
pub mod inline;

#[cfg(test)]
mod tests;

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
    let len = trimmed.chars().take_while(|&c| c == ch).count();
    if len < 3 {
        return None;
    }
    let info = trimmed[len..].trim();
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
    let mut p = FileParser {
        file,
        lines: file.text.split('\n').collect(),
        out: ParsedFile {
            path: file.path.clone(),
            ..Default::default()
        },
        prose: Vec::new(),
        prose_start: 0,
        diags,
    };
    p.run();
    p.out
}

struct FileParser<'a> {
    file: &'a SourceFile,
    lines: Vec<&'a str>,
    out: ParsedFile,
    /// Pending prose lines (indices into `lines`).
    prose: Vec<usize>,
    prose_start: usize,
    diags: &'a mut Diagnostics,
}

impl<'a> FileParser<'a> {
    fn at(&self, line_idx: usize, col: usize) -> Location {
        Location {
            file: self.file.path.clone(),
            line: line_idx + 1,
            col,
        }
    }

    fn run(&mut self) {
        let mut i = 0;
        let mut fence: Option<(Fence, usize)> = None;
        while i < self.lines.len() {
            let line = self.lines[i];
            if let Some((f, _)) = &fence {
                if fence_closes(f, line) {
                    fence = None;
                }
                self.push_prose(i);
                i += 1;
                continue;
            }
            if let Some((f, info)) = fence_open(line) {
                if f.ch == '~' && info == "xml" && !line.starts_with(' ') {
                    self.diags.warning_at(
                        &self.at(i, 1),
                        Some(line),
                        "`~~~xml` conversation without an `**Example**:` title line before it",
                    );
                    i = self.example(None, i);
                    continue;
                }
                fence = Some((f, i));
                self.push_prose(i);
                i += 1;
                continue;
            }
            if heading::is_heading(line) {
                self.flush_prose();
                if let Some(section) = heading::parse_heading(line, self.at(i, 1), self.diags) {
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
                let mut j = i + 1;
                while j < self.lines.len() && self.lines[j].trim().is_empty() {
                    j += 1;
                }
                let opens = self.lines.get(j).and_then(|l| fence_open(l));
                if matches!(opens, Some((ref f, "xml")) if f.ch == '~') {
                    self.flush_prose();
                    let shift =
                        EXAMPLE_MARKER.chars().count() + (title.len() - title.trim_start().len());
                    let span = Span::new(title.trim(), i + 1, shift);
                    i = self.example(Some((span, i)), j);
                    continue;
                }
                self.diags.warning_at(
                    &self.at(i, 1),
                    Some(line),
                    "`**Example**:` line is not followed by a `~~~xml` conversation; kept as text",
                );
            }
            self.push_prose(i);
            i += 1;
        }
        if let Some((_, start)) = fence {
            self.diags.error_at(
                &self.at(start, 1),
                Some(self.lines[start]),
                "code fence is never closed",
            );
        }
        self.flush_prose();
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
        // Drop leading blank lines but keep line numbers exact.
        let lead = text.len() - text.trim_start_matches('\n').len();
        let span = Span::new(text[lead..].trim_end(), start + 1 + lead, 0);
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
        let mut first_line = 0;
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
        let body = Span::new(body.join("\n"), first_line + 1, 4);
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
            .map(|k| (k + 1, self.lines[k]))
            .collect();
        let (messages, items) =
            conversation::parse_conversation(&self.file.path, &body, self.diags);
        let title_line = title.as_ref().map(|(_, l)| *l).unwrap_or(fence_line);
        let title_span = title
            .map(|(s, _)| s)
            .unwrap_or_else(|| Span::new("", fence_line + 1, 0));
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
