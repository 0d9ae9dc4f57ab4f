//! A file parsed piece by piece, so that `serve` parses again only the
//! piece an edit touched (one section of a 2.7 MB file, not the file), and
//! a build parses one large file on every core.
//!
//! A file is cut before each line that is a heading at column 0 (`# `,
//! `## `, ...). Such a line ends every paragraph, list and block quote
//! before it, so CommonMark and the dialect read the text after it
//! exactly as if it started a file, unless something before it is still
//! open there: a fenced code block or an HTML block that runs on, a
//! conversation the dialect recovered from, a heading that is not a
//! section. Each piece reports whether its end is *closed*
//! ([`Piece::closed`]) and whether it starts a section
//! ([`Piece::starts_section`]); where either fails, the two pieces are
//! parsed again as one. The result is the whole-file parse, line for line
//! and diagnostic for diagnostic (a property test holds it to that).

use std::sync::Arc;

use foldhash::HashMap;

use rayon::prelude::*;

use super::{ParsedFile, heading, parse_text};
use crate::diag::{Diagnostics, Location};
use crate::model::{Block, SourceFile, Span};

/// One piece of a file, parsed on its own.
#[derive(Debug)]
pub struct Piece {
    pub parsed: ParsedFile,
    pub diags: Diagnostics,
    /// Lines of the file before the piece when it was parsed: its line
    /// numbers count from there.
    pub first: usize,
    /// A heading at column 0 right after the piece would start a section
    /// as it does in the whole file.
    pub closed: bool,
    /// A diagnostic names another line in its text (`opened at line 6`):
    /// the parse holds only where it was made.
    names_lines: bool,
}

impl Piece {
    /// Parses `text`, a piece of the file at `path` that starts `first`
    /// lines into it.
    pub fn parse(path: &str, text: &str, first: usize) -> Self {
        let mut diags = Diagnostics::new();
        let (parsed, closed) = parse_text(path, text, first, &mut diags);
        let names_lines = diags.iter().any(|d| names_a_line(&d.message));
        Self {
            parsed,
            diags,
            first,
            closed,
            names_lines,
        }
    }

    /// Whether this parse holds for the piece starting `first` lines into
    /// its file (its line numbers then shifted).
    pub fn holds_at(&self, first: usize) -> bool {
        self.first == first || !self.names_lines
    }

    /// Whether the piece's first line became a section (a heading that
    /// does not parse leaves what follows it to the section before).
    fn starts_section(&self) -> bool {
        self.parsed.preamble.is_empty()
            && self
                .parsed
                .sections
                .first()
                .is_some_and(|s| s.source.line == self.first + 1)
    }
}

/// `line 12` somewhere in a message.
fn names_a_line(message: &str) -> bool {
    message
        .match_indices("line ")
        .any(|(i, m)| message[i + m.len()..].starts_with(|c: char| c.is_ascii_digit()))
}

/// Where `text` may be cut: the start of every line that is a heading at
/// column 0, after the first line. `at[k]` is the byte offset of the
/// k-th candidate piece and `line[k]` the number of lines before it; a
/// last entry marks the end of the text.
struct Cuts {
    at: Vec<usize>,
    line: Vec<usize>,
}

impl Cuts {
    /// One pass over `text` (a 10x spec is 2.7 MB, cut on every save).
    fn of(text: &str) -> Self {
        let (mut at, mut line) = (vec![0], vec![0]);
        let (mut offset, mut lines) = (0, 0);
        for l in text.split_inclusive('\n') {
            if offset > 0 && l.starts_with('#') && heading::is_heading(l.trim_end_matches('\n')) {
                at.push(offset);
                line.push(lines);
            }
            offset += l.len();
            lines += usize::from(l.ends_with('\n'));
        }
        at.push(text.len());
        line.push(lines);
        Self { at, line }
    }

    /// How many candidate pieces there are.
    fn len(&self) -> usize {
        self.at.len() - 1
    }

    /// The candidate pieces of `text` (the text between consecutive
    /// cuts), each with the number of lines before it.
    fn candidates<'t>(&self, text: &'t str) -> Vec<(&'t str, usize)> {
        (0..self.len())
            .map(|k| (&text[self.at[k]..self.at[k + 1]], self.line[k]))
            .collect()
    }
}

/// Where [`assemble`] gets the parse of each piece.
pub trait PieceSource<'a> {
    /// The parse of the piece `text`, which starts `first` lines into its
    /// file: fresh, or kept from an earlier parse of the same text (see
    /// [`Piece::holds_at`]).
    fn get(&mut self, text: &'a str, first: usize) -> Arc<Piece>;
    /// The parse of `text` is now part of the file's: a one-off parse lets
    /// it go, so that it is moved, not copied.
    fn release(&mut self, _text: &'a str) {}
}

/// Parses `file` from its pieces (cut at `cuts`), as `pieces` gives them.
fn assemble<'a>(
    file: &'a SourceFile,
    cuts: &Cuts,
    pieces: &mut dyn PieceSource<'a>,
) -> (ParsedFile, Diagnostics) {
    let text = file.text.as_str();
    let (bounds, lines) = (&cuts.at, &cuts.line);
    let mut out = ParsedFile {
        path: file.path.clone(),
        ..Default::default()
    };
    let mut diags = Diagnostics::new();
    let mut start = 0;
    while start + 1 < bounds.len() {
        let mut end = start + 1;
        let line = lines[start];
        let p = loop {
            let p = pieces.get(&text[bounds[start]..bounds[end]], line);
            if end + 1 == bounds.len() {
                break p;
            }
            let next = &text[bounds[end]..bounds[end + 1]];
            if p.closed && pieces.get(next, lines[end]).starts_section() {
                break p;
            }
            // Any end that passes is right (the text up to it reads as it
            // does in the whole file), so a run that does not close grows
            // by half its length: a conversation left open near the top of
            // a 2.7 MB file costs a few parses of the rest, not one per
            // section after it (2.4 s and 400 MB at 10x, one each).
            end = (end + (end - start).div_ceil(2)).min(bounds.len() - 1);
        };
        pieces.release(&text[bounds[start]..bounds[end]]);
        let from = p.first;
        let (mut parsed, mut d) = match Arc::try_unwrap(p) {
            Ok(p) => (p.parsed, p.diags),
            Err(p) => (p.parsed.clone(), p.diags.clone()),
        };
        shift_file(&mut parsed, from, line);
        d.shift_lines(from, line);
        out.preamble.append(&mut parsed.preamble);
        out.sections.append(&mut parsed.sections);
        diags.extend(d);
        start = end;
    }
    (out, diags)
}

/// Parses `file` piece by piece, the pieces in parallel.
pub fn parse_in_pieces(file: &SourceFile) -> (ParsedFile, Diagnostics) {
    /// Each candidate parsed once; a piece's parse is moved into the
    /// file's when it is done with.
    struct OneOff<'a> {
        path: &'a str,
        parsed: HashMap<&'a str, Arc<Piece>>,
    }
    impl<'a> PieceSource<'a> for OneOff<'a> {
        fn get(&mut self, text: &'a str, first: usize) -> Arc<Piece> {
            let path = self.path;
            let p = self
                .parsed
                .entry(text)
                .or_insert_with(|| Arc::new(Piece::parse(path, text, first)));
            if !p.holds_at(first) {
                *p = Arc::new(Piece::parse(path, text, first));
            }
            p.clone()
        }
        fn release(&mut self, text: &'a str) {
            self.parsed.remove(text);
        }
    }
    let cuts = Cuts::of(&file.text);
    let parsed: HashMap<&str, Arc<Piece>> = cuts
        .candidates(&file.text)
        .into_par_iter()
        .map(|(t, first)| (t, Arc::new(Piece::parse(&file.path, t, first))))
        .collect();
    assemble(
        file,
        &cuts,
        &mut OneOff {
            path: &file.path,
            parsed,
        },
    )
}

/// Moves the line numbers of a piece's parse made at line `from` to line
/// `to` of its file.
fn shift_file(f: &mut ParsedFile, from: usize, to: usize) {
    if from == to {
        return;
    }
    let move_line = |l: &mut usize| *l = *l + to - from;
    let loc = |l: &mut Location| move_line(&mut l.line);
    let span = |s: &mut Span| move_line(&mut s.line);
    let block = |b: &mut Block| match b {
        Block::Prose(s) => span(s),
        Block::Commentary(c) => span(&mut c.body),
        Block::Example(e) => {
            span(&mut e.title);
            loc(&mut e.source);
            for m in &mut e.messages {
                span(&mut m.content);
                if let Some(c) = &mut m.comment {
                    span(c);
                }
                loc(&mut m.source);
            }
        }
    };
    f.preamble.iter_mut().for_each(&block);
    for s in &mut f.sections {
        loc(&mut s.source);
        if let Some(a) = &mut s.authority {
            loc(&mut a.at);
        }
        s.blocks.iter_mut().for_each(&block);
    }
}

/// The pieces of one file parsed before, by their exact text (compared in
/// full, not by hash: a stale parse can never be served), so that an edit
/// parses again only the pieces it touched. A piece moved by an edit
/// above it is reused with its lines shifted.
#[derive(Debug, Default)]
pub struct PieceCache {
    pieces: HashMap<String, Arc<Piece>>,
    /// The ids of the sections in the pieces the last parse made afresh.
    fresh_sections: Vec<String>,
}

impl PieceCache {
    /// The ids of the sections in the pieces the last parse made afresh
    /// (every section, the first time): what an edit touched.
    pub fn fresh_sections(&self) -> &[String] {
        &self.fresh_sections
    }

    /// Parses `f`, reusing the pieces kept from the last parse; keeps the
    /// pieces this parse used. Also says how many pieces it parsed afresh.
    pub fn parse(&mut self, f: &SourceFile) -> (ParsedFile, Diagnostics, usize) {
        let mut kept = std::mem::take(&mut self.pieces);
        let used = &mut self.pieces;
        // Every candidate piece is kept, even one only ever read joined
        // with the next: it is a candidate again at the next parse.
        let mut fresh: Vec<(&str, usize)> = Vec::new();
        let cuts = Cuts::of(&f.text);
        for (t, first) in cuts.candidates(&f.text) {
            if used.get(t).is_some_and(|p| p.holds_at(first)) {
                continue;
            }
            match kept.remove_entry(t) {
                Some((key, p)) if p.holds_at(first) => {
                    used.insert(key, p);
                }
                _ => fresh.push((t, first)),
            }
        }
        // The pieces an edit made, in parallel (all of them, the first time).
        let parsed_now = fresh.len();
        let made: Vec<(&str, Piece)> = fresh
            .into_par_iter()
            .map(|(t, first)| (t, Piece::parse(&f.path, t, first)))
            .collect();
        let mut fresh_sections: Vec<String> = Vec::new();
        for (t, p) in made {
            fresh_sections.extend(p.parsed.sections.iter().map(|s| s.id.clone()));
            used.insert(t.to_owned(), Arc::new(p));
        }
        /// The pieces of this parse (`used`), taken from the last
        /// one's (`kept`) or parsed now.
        struct Cached<'a, 'c> {
            path: &'a str,
            kept: HashMap<String, Arc<Piece>>,
            used: &'c mut HashMap<String, Arc<Piece>>,
            parsed_now: usize,
            fresh_sections: Vec<String>,
        }
        impl<'a> PieceSource<'a> for Cached<'a, '_> {
            fn get(&mut self, t: &'a str, first: usize) -> Arc<Piece> {
                if let Some(p) = self.used.get(t).filter(|p| p.holds_at(first)) {
                    return p.clone();
                }
                let (key, p) = match self.kept.remove_entry(t).filter(|(_, p)| p.holds_at(first)) {
                    Some(kept) => kept,
                    None => {
                        self.parsed_now += 1;
                        let p = Piece::parse(self.path, t, first);
                        let ids = p.parsed.sections.iter().map(|s| s.id.clone());
                        self.fresh_sections.extend(ids);
                        (t.to_owned(), Arc::new(p))
                    }
                };
                self.used.insert(key, p.clone());
                p
            }
        }
        let mut source = Cached {
            path: &f.path,
            kept,
            used,
            parsed_now,
            fresh_sections,
        };
        let (parsed, diags) = assemble(f, &cuts, &mut source);
        let parsed_now = source.parsed_now;
        self.fresh_sections = source.fresh_sections;
        (parsed, diags, parsed_now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile {
            path: "spec.md".into(),
            text: text.into(),
        }
    }

    fn lines_of(d: &Diagnostics) -> Vec<String> {
        d.iter()
            .map(|d| format!("{}: {}", d.line, d.message))
            .collect()
    }

    const THREE: &str = "# A {#a}\n\nText.\n\n## B {#b}\n\nMore.\n\n## C {#c}\n\nEnd.\n";

    #[test]
    fn an_edit_parses_again_only_its_piece_and_a_moved_piece_keeps_its_lines() {
        let mut cache = PieceCache::default();
        let (_, _, n) = cache.parse(&file(THREE));
        assert_eq!(n, 3);
        let edited = THREE.replace("More.", "More,\nand more.");
        let (p, _, n) = cache.parse(&file(&edited));
        assert_eq!(n, 1, "only section b's piece is new");
        let c = &p.sections[2];
        assert_eq!((c.id.as_str(), c.source.line), ("c", 10));
        let Block::Prose(end) = &c.blocks[0] else {
            panic!("prose")
        };
        assert_eq!(end.line, 12);
    }

    /// Pieces only ever read joined with the next (a code block holding
    /// `# comment` lines) are kept too.
    #[test]
    fn an_unchanged_file_parses_no_piece_again() {
        let text = "# A {#a}\n\n```sh\n# one\n# two\n```\n\n## B {#b}\n";
        let mut cache = PieceCache::default();
        let (first, _, n) = cache.parse(&file(text));
        assert_eq!(n, 4 + 2, "four candidates, then a+one and a+one+two");
        let (again, _, n) = cache.parse(&file(text));
        assert_eq!(n, 0);
        assert_eq!(format!("{first:?}"), format!("{again:?}"));
        assert_eq!(again.sections.len(), 2);
    }

    #[test]
    fn a_message_naming_a_line_is_made_again_where_its_piece_moved() {
        let text = "# A {#a}\n\n## B {#b}\n\n**Example**: t\n\n~~~xml\n<user>\n<assistant>\nx\n</user>\n~~~\n";
        let mut cache = PieceCache::default();
        let misnested = |d: &Diagnostics, line: usize, opened: usize| {
            let want = format!(
                "{line}: `</user>` closes `<assistant>` (opened at line {opened}); expected `</assistant>`"
            );
            assert!(lines_of(d).contains(&want), "{:?}", lines_of(d));
        };
        let (_, d, _) = cache.parse(&file(text));
        misnested(&d, 11, 9);
        let moved = text.replacen("\n\n", "\n\nIntro.\n\n", 1);
        let (_, d, n) = cache.parse(&file(&moved));
        assert_eq!(
            n, 2,
            "the new first piece, and b's made again at its new line"
        );
        misnested(&d, 13, 11);
    }

    /// Where CommonMark runs a block on into the next heading, the two
    /// pieces are one: `# in` is text of the HTML block, the code block,
    /// not a section.
    #[test]
    fn a_block_left_open_joins_the_next_piece() {
        for text in [
            "# A {#a}\n<div>\n# in {#in}\n\n# B {#b}\n",
            "# A {#a}\n```\n# in {#in}\n```\n# B {#b}\n",
            "# A {#a}\n<!--\n\n# in {#in}\n-->\n# B {#b}\n",
        ] {
            let (p, _) = parse_in_pieces(&file(text));
            let ids: Vec<&str> = p.sections.iter().map(|s| s.id.as_str()).collect();
            assert_eq!(ids, ["a", "b"], "{text:?}");
        }
    }

    /// A conversation left open (an author mid-edit) makes every piece
    /// after it one run with it: the run is found in a few parses of
    /// growing length, not one parse per section after it.
    #[test]
    fn a_conversation_left_open_costs_a_few_parses_not_one_per_section() {
        let mut text =
            String::from("# A {#a}\n\n**Example**: t\n\n~~~xml\n<user>\nhi\n</user>\n~~~ typed\n");
        for i in 0..300 {
            text.push_str(&format!("\n## S{i} {{#s{i}}}\n\nText {i}.\n"));
        }
        let mut cache = PieceCache::default();
        let (p, d, n) = cache.parse(&file(&text));
        // 301 candidates, then runs of 2, 3, 5, 8, ... pieces up to the end.
        assert!(n <= 301 + 16, "{n} parses");
        let (whole, whole_d) = {
            let mut d = Diagnostics::new();
            (super::super::parse_file(&file(&text), &mut d), d)
        };
        assert_eq!(format!("{p:?}"), format!("{whole:?}"));
        assert_eq!(lines_of(&d), lines_of(&whole_d));
        assert!(
            lines_of(&d)
                .iter()
                .any(|l| l.starts_with("5: `~~~xml` conversation is never closed")),
            "{:?}",
            lines_of(&d)
        );
    }

    #[test]
    fn a_heading_that_is_not_a_section_leaves_its_text_to_the_section_before() {
        let text = "# A {#a}\n\n# {#}\n\nStill a's.\n";
        let (p, _) = parse_in_pieces(&file(text));
        assert_eq!(p.sections.len(), 1);
        assert!(p.preamble.is_empty());
        assert_eq!(p.sections[0].blocks.len(), 1);
    }
}
