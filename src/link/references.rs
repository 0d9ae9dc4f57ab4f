//! Internal links (`[?](#id)`, `[text](#id)`, `BAD[#id]`) and footnote
//! citations (`[^label]`) of every section, located as `file:line:col`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use super::SourceLines;
use crate::diag::{Diagnostics, Location};
use crate::model::{Block, Citation, RefKind, RefPlace, Reference, Span, Spec};
use crate::parse::inline::{InlineFacts, InternalLink, scan};
use crate::parse::text::chars_before;

/// Maps byte offsets inside one span to `file:line:col`. Offsets asked in
/// increasing order (as a markdown scan reports them) cost linear time in
/// all: the cursor only moves forward, and restarts from the top when
/// asked for an earlier offset.
pub(super) struct SpanCursor<'a> {
    file: &'a str,
    span: &'a Span,
    byte: usize,
    /// Lines of the span before `byte`.
    line: usize,
    /// Characters between the start of `byte`'s line and `byte`.
    col: usize,
}

impl<'a> SpanCursor<'a> {
    pub(super) fn new(file: &'a str, span: &'a Span) -> Self {
        Self {
            file,
            span,
            byte: 0,
            line: 0,
            col: 0,
        }
    }

    /// Same result as [`Span::line_col`], without rescanning from the start.
    pub(super) fn at(&mut self, offset: usize) -> Location {
        let text = self.span.text.as_str();
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        if offset < self.byte {
            (self.byte, self.line, self.col) = (0, 0, 0);
        }
        let gap = text.get(self.byte..offset).unwrap_or("");
        match gap.rsplit_once('\n') {
            Some((before, last)) => {
                self.line += before.bytes().filter(|&b| b == b'\n').count() + 1;
                self.col = last.chars().count();
            }
            None => self.col += gap.chars().count(),
        }
        self.byte = offset;
        Location {
            file: self.file.to_owned(),
            line: self.span.line + self.line,
            col: self.col + 1 + self.span.col_shift,
        }
    }
}

/// The markdown scan ([`scan`]) of every text linked before, by its exact
/// text (compared in full), so that a load under `serve` scans only the
/// texts an edit changed: the scans are most of linking. Texts not seen
/// by a load are forgotten at its end.
#[derive(Debug, Default)]
pub struct ScanMemo {
    /// Hashed with foldhash: every text of the spec is looked up.
    scans: Mutex<foldhash::HashMap<String, (Arc<InlineFacts>, u64)>>,
    /// The current load's number: entries it used carry it.
    load: AtomicU64,
}

impl ScanMemo {
    fn scan(&self, text: &str) -> Arc<InlineFacts> {
        let load = self.load.load(Ordering::Relaxed);
        if let Some((facts, used)) = self.scans.lock().expect("scan memo lock").get_mut(text) {
            *used = load;
            return facts.clone();
        }
        let facts = Arc::new(scan(text));
        self.scans
            .lock()
            .expect("scan memo lock")
            .insert(text.to_owned(), (facts.clone(), load));
        facts
    }

    /// Ends a load: drops what it did not use, and starts the next.
    pub(super) fn forget_unused(&self) {
        let load = self.load.fetch_add(1, Ordering::Relaxed);
        self.scans
            .lock()
            .expect("scan memo lock")
            .retain(|_, (_, used)| *used == load);
    }
}

/// Finds every internal link and footnote in the spec, in document order.
/// Sections are scanned in parallel (each prose block is a markdown parse),
/// their findings concatenated in order.
pub(super) fn collect_references(
    spec: &mut Spec,
    lines: &SourceLines<'_>,
    memo: Option<&ScanMemo>,
    diags: &mut Diagnostics,
) {
    let sections: Vec<(Option<usize>, &Vec<Block>, &str)> =
        std::iter::once((None, &spec.preamble, ""))
            .chain(
                spec.sections
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (Some(i), &s.blocks, s.source.file.as_str())),
            )
            .collect();
    let first = first_file(spec);
    let found: Vec<(Vec<Reference>, Vec<Citation>)> = sections
        .par_iter()
        .map(|&(sec, blocks, sec_file)| {
            let file = if sec_file.is_empty() { first } else { sec_file };
            section_references(sec, blocks, file, lines, memo)
        })
        .collect();
    let mut refs = Vec::new();
    let mut cites = Vec::new();
    for (r, c) in found {
        refs.extend(r);
        cites.extend(c);
    }
    // One suggestion per distinct unknown id, however often it is used.
    let mut hints: HashMap<&str, String> = HashMap::new();
    for r in &refs {
        if !spec.section_index.contains_key(&r.target) {
            let hint = hints.entry(&r.target).or_insert_with(|| {
                closest_id(spec, &r.target)
                    .map(|c| format!("; did you mean `{c}`?"))
                    .unwrap_or_default()
            });
            diags.error_at(
                &r.at,
                lines.line(&r.at),
                format!("reference to unknown section `#{}`{hint}", r.target),
            );
        }
    }
    spec.references = refs;
    spec.citations = cites;
}

/// The references and citations in one section's blocks, in order.
fn section_references(
    sec: Option<usize>,
    blocks: &[Block],
    file: &str,
    lines: &SourceLines<'_>,
    memo: Option<&ScanMemo>,
) -> (Vec<Reference>, Vec<Citation>) {
    let scan = |text: &str| match memo {
        Some(memo) => memo.scan(text),
        None => Arc::new(scan(text)),
    };
    let mut refs = Vec::new();
    let mut cites = Vec::new();
    let push_links = |refs: &mut Vec<Reference>,
                      found: &[InternalLink],
                      file: &str,
                      span: &Span,
                      place,
                      ex: Option<&str>| {
        let mut cursor = SpanCursor::new(file, span);
        for l in found {
            refs.push(Reference {
                target: l.target.clone(),
                kind: if l.auto { RefKind::Auto } else { RefKind::Link },
                place,
                from_section: sec,
                from_example: ex.map(str::to_owned),
                at: cursor.at(l.offset),
            });
        }
    };
    for block in blocks {
        match block {
            Block::Prose(span) | Block::Commentary(crate::model::Commentary { body: span, .. }) => {
                let place = if matches!(block, Block::Prose(_)) {
                    RefPlace::Prose
                } else {
                    RefPlace::Commentary
                };
                let found = scan(&span.text);
                push_links(&mut refs, &found.links, file, span, place, None);
                let mut cursor = SpanCursor::new(file, span);
                for f in &found.footnotes {
                    cites.push(Citation {
                        label: f.label.clone(),
                        from_section: sec,
                        at: cursor.at(f.offset),
                    });
                }
            }
            Block::Example(ex) => {
                let file = ex.source.file.as_str();
                let in_example = |refs: &mut Vec<Reference>, span: &Span, place| {
                    push_links(
                        refs,
                        &scan(&span.text).links,
                        file,
                        span,
                        place,
                        Some(&ex.id),
                    );
                };
                in_example(&mut refs, &ex.title, RefPlace::ExampleTitle);
                for m in &ex.messages {
                    in_example(&mut refs, &m.content, RefPlace::MessageBody);
                    if let Some(c) = &m.comment {
                        in_example(&mut refs, c, RefPlace::VerdictNote);
                    }
                    let mut targets = VerdictTargets::new(lines.line(&m.source));
                    for target in &m.refs {
                        let col = targets.col_of(target).unwrap_or(m.source.col);
                        refs.push(Reference {
                            target: target.clone(),
                            kind: RefKind::Verdict,
                            place: RefPlace::Verdict,
                            from_section: sec,
                            from_example: Some(ex.id.clone()),
                            at: Location {
                                col,
                                ..m.source.clone()
                            },
                        });
                    }
                }
            }
        }
    }
    (refs, cites)
}

/// Columns of the `#id`s of a verdict (`BAD[#a, #b]`) on their source
/// line, found left to right: each search starts after the previous find,
/// so a verdict naming thousands of ids costs linear time.
pub(super) struct VerdictTargets<'a> {
    line: &'a str,
    byte: usize,
    chars: usize,
}

impl<'a> VerdictTargets<'a> {
    pub(super) fn new(line: Option<&'a str>) -> Self {
        Self {
            line: line.unwrap_or(""),
            byte: 0,
            chars: 0,
        }
    }

    /// Points at the `[` of `[#id]`, or at `#id` later in a list.
    pub(super) fn col_of(&mut self, target: &str) -> Option<usize> {
        let rest = self.line.get(self.byte..)?;
        let found = rest.find(&format!("#{target}"))?;
        let before = rest.get(..found)?;
        let bracket = before.ends_with('[');
        let col = self.chars + chars_before(before, found) + 1 - usize::from(bracket);
        let skipped = rest.get(..found + 1 + target.len())?;
        self.chars += skipped.chars().count();
        self.byte += skipped.len();
        Some(col)
    }
}

fn first_file(spec: &Spec) -> &str {
    spec.sections
        .first()
        .map(|s| s.source.file.as_str())
        .unwrap_or("")
}

/// The known id nearest to a misspelt one, if it is close enough.
fn closest_id<'a>(spec: &'a Spec, wrong: &str) -> Option<&'a str> {
    let wrong_len = wrong.chars().count();
    spec.section_index
        .keys()
        .filter_map(|k| {
            let limit = 2.max(k.len() / 5);
            // The distance is at least the difference in length: skip the
            // quadratic comparison when that alone is too far.
            if k.chars().count().abs_diff(wrong_len) > limit {
                return None;
            }
            let d = edit_distance(k, wrong);
            (d <= limit).then_some((d, k))
        })
        .min()
        .map(|(_, k)| k.as_str())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j] + usize::from(ca != *cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}
