//! Content diagnostics: problems in the spec the author must fix.
//!
//! Every stage pushes [`Diagnostic`]s into one [`Diagnostics`] collector and
//! carries on, so a single run reports every problem at once. Environment
//! failures (I/O, bad `book.toml` syntax) are `anyhow` errors instead.

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One problem at one place in one source file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path as the user should see it (relative to the project root).
    pub file: String,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column in characters; 0 when the problem concerns the whole file.
    pub col: usize,
    pub message: String,
    /// The offending source line (or, when it is long, the part of it
    /// around the column), for the caret display.
    #[serde(skip)]
    pub source_line: Option<SourceExcerpt>,
}

/// The part of a source line a diagnostic shows, at most
/// [`EXCERPT_WIDTH`] characters (`...` marking cuts; tabs shown as
/// spaces), and the 1-based column of the caret inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceExcerpt {
    pub text: String,
    pub caret: usize,
}

/// Widest part of a source line a diagnostic shows.
pub const EXCERPT_WIDTH: usize = 100;

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(
                f,
                "{}: {}: {}",
                self.file,
                self.severity.as_str(),
                self.message
            )
        } else {
            write!(
                f,
                "{}:{}:{}: {}: {}",
                self.file,
                self.line,
                self.col,
                self.severity.as_str(),
                self.message
            )
        }
    }
}

/// A place in a source file, resolved to line and column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub col: usize,
}

/// The collector every stage writes into.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    /// Character positions of the long lines diagnostics pointed into, so
    /// that thousands of problems on one long line cost linear time.
    long_lines: HashMap<LongLineKey, CharStarts>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn error_at(&mut self, at: &Location, line_text: Option<&str>, msg: impl Into<String>) {
        self.add(Severity::Error, at, line_text, msg.into());
    }

    pub fn warning_at(&mut self, at: &Location, line_text: Option<&str>, msg: impl Into<String>) {
        self.add(Severity::Warning, at, line_text, msg.into());
    }

    fn add(&mut self, severity: Severity, at: &Location, line_text: Option<&str>, message: String) {
        let source_line = line_text.map(|text| self.excerpt(at, text));
        self.items.push(Diagnostic {
            severity,
            file: at.file.clone(),
            line: at.line,
            col: at.col,
            message,
            source_line,
        });
    }

    /// The excerpt of `text` (the source line of `at`) around `at.col`.
    fn excerpt(&mut self, at: &Location, text: &str) -> SourceExcerpt {
        if text.len() <= SHORT_LINE {
            let starts = CharStarts::new(text);
            return starts.excerpt(text, at.col);
        }
        // The same line may come back with other columns: index it once.
        let key = LongLineKey {
            file: at.file.clone(),
            line: at.line,
            len: text.len(),
        };
        self.long_lines
            .entry(key)
            .or_insert_with(|| CharStarts::new(text))
            .excerpt(text, at.col)
    }

    /// Moves every line-numbered problem found in a piece of a file made
    /// at line `from` to line `to` (the piece moved by an edit above it).
    pub fn shift_lines(&mut self, from: usize, to: usize) {
        if from == to {
            return;
        }
        for d in &mut self.items {
            if d.line > 0 {
                d.line = d.line + to - from;
            }
        }
        // Keyed by line: built again on demand.
        self.long_lines.clear();
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
        self.long_lines.extend(other.long_lines);
    }

    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Sorted by file, line and column; duplicates removed. Deterministic
    /// whatever order the stages ran in.
    pub fn sorted(&self) -> Vec<Diagnostic> {
        let mut v = self.items.clone();
        v.sort_by(|a, b| {
            (&a.file, a.line, a.col, b.severity, &a.message)
                .cmp(&(&b.file, b.line, b.col, a.severity, &b.message))
        });
        v.dedup_by(|a, b| a == b);
        v
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// The one-line summary printed after the list.
    pub fn summary(&self) -> String {
        let e = self.count(Severity::Error);
        let w = self.count(Severity::Warning);
        let plural = |n: usize, s: &str| {
            if n == 1 {
                format!("1 {s}")
            } else {
                format!("{n} {s}s")
            }
        };
        format!("{}, {}", plural(e, "error"), plural(w, "warning"))
    }
}

/// Writes diagnostics rustc-style: the `file:line:col: severity: message`
/// line, then the source line with a caret under the column. Colour is
/// decided by the stream (anstream strips it when piped).
pub fn print_diagnostics(out: &mut dyn Write, diags: &[Diagnostic]) -> io::Result<()> {
    // Thousands of diagnostics must not cost a write call per line.
    let mut out = io::BufWriter::new(out);
    let bold = Style::new().bold();
    let blue = Style::new().fg_color(Some(AnsiColor::Blue.into())).bold();
    for d in diags {
        let sev = match d.severity {
            Severity::Error => Style::new().fg_color(Some(AnsiColor::Red.into())).bold(),
            Severity::Warning => Style::new().fg_color(Some(AnsiColor::Yellow.into())).bold(),
        };
        let place = if d.line == 0 {
            d.file.clone()
        } else {
            format!("{}:{}:{}", d.file, d.line, d.col)
        };
        writeln!(
            out,
            "{bold}{place}:{bold:#} {sev}{}:{sev:#} {bold}{}{bold:#}",
            d.severity.as_str(),
            d.message
        )?;
        if let (Some(shown), true) = (&d.source_line, d.line > 0) {
            let gutter = d.line.to_string();
            let pad = " ".repeat(gutter.len());
            writeln!(out, "{blue}{pad} |{blue:#}")?;
            writeln!(out, "{blue}{gutter} |{blue:#} {}", shown.text)?;
            let caret_pad = " ".repeat(shown.caret.saturating_sub(1));
            writeln!(out, "{blue}{pad} |{blue:#} {caret_pad}{sev}^{sev:#}")?;
        }
    }
    out.flush()
}

/// Lines up to this many bytes are cut without an index.
const SHORT_LINE: usize = 4 * 1024;

/// Identifies a source line a diagnostic points into.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct LongLineKey {
    file: String,
    line: usize,
    len: usize,
}

/// Byte offset of every `STEP`th character of a line, and its length in
/// characters: finds any column in at most `STEP` steps.
#[derive(Debug, Clone)]
struct CharStarts {
    every: Vec<usize>,
    chars: usize,
}

impl CharStarts {
    const STEP: usize = 64;

    fn new(text: &str) -> Self {
        let mut every = Vec::with_capacity(text.len() / Self::STEP + 1);
        let mut chars = 0;
        for (i, (b, _)) in text.char_indices().enumerate() {
            if i % Self::STEP == 0 {
                every.push(b);
            }
            chars = i + 1;
        }
        Self { every, chars }
    }

    /// Byte offset of the 0-based character `n` (the line's end past it).
    fn byte_of(&self, text: &str, n: usize) -> usize {
        if n >= self.chars {
            return text.len();
        }
        let from = self.every[n / Self::STEP];
        text.get(from..)
            .and_then(|rest| rest.char_indices().nth(n % Self::STEP))
            .map_or(text.len(), |(b, _)| from + b)
    }

    /// At most [`EXCERPT_WIDTH`] characters around `col` (1-based), with
    /// `...` marking cuts, and the caret's column inside them.
    fn excerpt(&self, text: &str, col: usize) -> SourceExcerpt {
        let col0 = col.saturating_sub(1).min(self.chars);
        let (start, end) = if self.chars <= EXCERPT_WIDTH {
            (0, self.chars)
        } else {
            let start = col0.saturating_sub(EXCERPT_WIDTH / 2);
            let end = (start + EXCERPT_WIDTH).min(self.chars);
            (end.saturating_sub(EXCERPT_WIDTH), end)
        };
        let part = text
            .get(self.byte_of(text, start)..self.byte_of(text, end))
            .unwrap_or("");
        let mut shown = String::with_capacity(part.len() + 6);
        let mut caret = col0 - start + 1;
        if start > 0 {
            shown.push_str("...");
            caret += 3;
        }
        shown.extend(part.chars().map(|c| if c == '\t' { ' ' } else { c }));
        if end < self.chars {
            shown.push_str("...");
        }
        SourceExcerpt { text: shown, caret }
    }
}

/// Maps byte offsets of one file to 1-based line and character column.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        // `match_indices` finds newlines with a vectorised search.
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { starts }
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.starts[line.saturating_sub(1).min(self.starts.len() - 1)]
    }

    /// (line, col), both 1-based; col counts characters.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.line_of(offset);
        let start = self.starts[line - 1];
        let col = text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(0)
            + 1;
        (line, col)
    }

    /// The text of a 1-based line, without its newline.
    pub fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let start = self.line_start(line);
        let end = self
            .starts
            .get(line)
            .map(|e| e.saturating_sub(1))
            .unwrap_or(text.len());
        text.get(start..end.max(start))
            .unwrap_or("")
            .trim_end_matches('\r')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_maps_offsets() {
        let t = "ab\ncdé\n\nx";
        let idx = LineIndex::new(t);
        assert_eq!(idx.line_col(t, 0), (1, 1));
        assert_eq!(idx.line_col(t, 3), (2, 1));
        assert_eq!(idx.line_col(t, 7), (2, 4)); // after 'é' (2 bytes)
        assert_eq!(idx.line_col(t, 8), (3, 1));
        assert_eq!(idx.line_col(t, 9), (4, 1));
        assert_eq!(idx.line_text(t, 2), "cdé");
        assert_eq!(idx.line_text(t, 3), "");
        assert_eq!(idx.line_text(t, 4), "x");
    }

    #[test]
    fn diagnostics_print_with_caret() {
        let mut d = Diagnostics::new();
        let at = Location {
            file: "a.md".into(),
            line: 2,
            col: 5,
        };
        d.error_at(&at, Some("see [?](#x)"), "unknown section `x`");
        let mut out = Vec::new();
        print_diagnostics(&mut out, &d.sorted()).unwrap();
        let plain = String::from_utf8(out).unwrap();
        let plain = anstream::adapter::strip_str(&plain).to_string();
        assert_eq!(
            plain,
            "a.md:2:5: error: unknown section `x`\n  |\n2 | see [?](#x)\n  |     ^\n"
        );
        assert_eq!(d.summary(), "1 error, 0 warnings");
    }

    #[test]
    fn long_lines_are_cut_around_the_column() {
        let line = format!("{}[^x]{}", "a".repeat(300), "b".repeat(300));
        let SourceExcerpt { text, caret } = CharStarts::new(&line).excerpt(&line, 301);
        assert!(text.starts_with("...") && text.ends_with("..."));
        assert_eq!(text.chars().count(), EXCERPT_WIDTH + 6);
        assert_eq!(&text[caret - 1..caret + 3], "[^x]");
    }

    /// Columns far into a long line with multi-byte characters: the
    /// indexed excerpt equals the one counted character by character.
    #[test]
    fn long_line_excerpts_match_a_character_count() {
        let line: String = (0..20_000).map(|i| ['a', 'é', '\t', '𝄞'][i % 4]).collect();
        let mut d = Diagnostics::new();
        for col in [1, 2, 63, 64, 65, 130, 9_999, 19_950, 20_000, 20_001, 30_000] {
            let at = Location {
                file: "a.md".into(),
                line: 7,
                col,
            };
            d.warning_at(&at, Some(&line), "here");
            let got = d.items.last().unwrap().source_line.clone().unwrap();
            let chars: Vec<char> = line
                .chars()
                .map(|c| if c == '\t' { ' ' } else { c })
                .collect();
            let col0 = (col - 1).min(chars.len());
            let start = col0.saturating_sub(50).min(chars.len() - 100);
            let end = (start + 100).min(chars.len());
            let mut want: String = chars[start..end].iter().collect();
            if start > 0 {
                want.insert_str(0, "...");
            }
            if end < chars.len() {
                want.push_str("...");
            }
            assert_eq!(got.text, want, "col {col}");
            assert_eq!(
                got.caret,
                col0 - start + 1 + if start > 0 { 3 } else { 0 },
                "col {col}"
            );
        }
        assert_eq!(d.long_lines.len(), 1, "one index for one line");
    }
}
