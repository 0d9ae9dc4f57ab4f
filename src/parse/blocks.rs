//! What CommonMark sees at the start of each line, so that the dialect's
//! line scanner claims a line (as a heading, fence, admonition or example)
//! only where CommonMark has it at top level: never inside a list item, a
//! block quote, a table, a footnote definition, a code block or an HTML
//! block. One pulldown-cmark pass over the text.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag};

use super::inline::markdown_options;
use crate::diag::LineIndex;

/// A line as CommonMark sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LineContext {
    /// Outside every container, code and HTML block: text, a heading, a
    /// blank line, or a thematic break at top level.
    TopLevel,
    /// Opens a fenced code block at top level; `close` is the line of its
    /// closing fence (none: it runs to the end of the text).
    FenceOpen { close: Option<usize> },
    /// Inside a container, a code block or an HTML block.
    Inside,
}

/// The context of every line of `text` (split on `\n`); line numbers
/// in the result count from `first`, the number of `text`'s first line.
pub(super) fn line_contexts(text: &str, first: usize) -> Vec<LineContext> {
    scan(text, first).0
}

/// [`line_contexts`], and whether CommonMark may read a line appended to
/// `text` as part of its last block even when that line is a heading at
/// column 0: `text` ends inside a fenced code block, an HTML block, a
/// table or a footnote definition. (A paragraph, a list or a block quote
/// ends where such a heading starts.)
pub(super) fn scan(text: &str, first: usize) -> (Vec<LineContext>, bool) {
    let index = LineIndex::new(text);
    let lines = text.split('\n').count();
    let mut contexts = vec![LineContext::TopLevel; lines];
    let line_span = |r: &Range<usize>| {
        let first = index.line_of(r.start) - 1;
        let last = index.line_of(r.end.max(r.start + 1) - 1) - 1;
        first..=last.min(lines - 1)
    };
    let mut depth = 0usize;
    let mut open_at_end = false;
    for (event, range) in Parser::new_ext(text, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                if depth == 0 {
                    let span = line_span(&range);
                    open_at_end = range.end >= text.len()
                        && !matches!(
                            tag,
                            Tag::Paragraph
                                | Tag::Heading { .. }
                                | Tag::List(_)
                                | Tag::BlockQuote(_)
                        );
                    match tag {
                        Tag::Paragraph | Tag::Heading { .. } => {}
                        Tag::CodeBlock(CodeBlockKind::Fenced(_)) => {
                            let (open, last) = (*span.start(), *span.end());
                            let closed = last > open && closes_fence(text, &index, open, last);
                            open_at_end &= !closed;
                            for l in span {
                                contexts[l] = LineContext::Inside;
                            }
                            contexts[open] = LineContext::FenceOpen {
                                close: closed.then_some(first + last),
                            };
                        }
                        _ => {
                            for l in span {
                                contexts[l] = LineContext::Inside;
                            }
                        }
                    }
                }
                depth += 1;
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    (contexts, open_at_end)
}

/// Whether line `last` (0-based) closes the fence opened on line `open`:
/// the same character, at least as many, nothing else but spaces.
fn closes_fence(text: &str, index: &LineIndex, open: usize, last: usize) -> bool {
    let opener = index.line_text(text, open + 1).trim_start_matches(' ');
    let Some(ch) = opener.chars().next() else {
        return false;
    };
    let run = |s: &str| s.len() - s.trim_start_matches(ch).len();
    let closer = index.line_text(text, last + 1).trim();
    !closer.is_empty() && closer.chars().all(|c| c == ch) && run(closer) >= run(opener)
}

#[cfg(test)]
mod tests {
    use super::LineContext::*;
    use super::*;

    #[test]
    fn containers_code_and_html_are_inside() {
        let text = "# H\n\n1. ```\n   # not\n   ```\n\n<pre>\n# not\n</pre>\n\n> ```\n> # not\n\n```\ncode\n```\n~~~xml\nx\n";
        assert_eq!(
            line_contexts(text, 0),
            [
                TopLevel,                      // # H
                TopLevel,                      //
                Inside,                        // 1. ```
                Inside,                        //    # not
                Inside,                        //    ```
                Inside,                        // (a list holds the blank after it)
                Inside,                        // <pre>
                Inside,                        // # not
                Inside,                        // </pre>
                TopLevel,                      //
                Inside,                        // > ```
                Inside,                        // > # not
                TopLevel,                      //
                FenceOpen { close: Some(15) }, // ```
                Inside,                        // code
                Inside,                        // ```
                FenceOpen { close: None },     // ~~~xml
                Inside,                        // x
                TopLevel,                      // (after the last newline)
            ]
        );
    }
}
