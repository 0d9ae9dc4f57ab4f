//! Raw HTML and refused link targets in author prose: the page shows them
//! as text (see `render::markdown`), `check` says where they are.

use rayon::prelude::*;

use super::SourceLines;
use super::references::SpanCursor;
use crate::diag::{Diagnostics, Location};
use crate::model::{Block, Commentary, Span, Spec};
use crate::render::markdown::prose_findings;

pub(super) fn lint_prose_markup(spec: &Spec, lines: &SourceLines<'_>, diags: &mut Diagnostics) {
    let first = spec
        .sections
        .first()
        .map(|s| s.source.file.as_str())
        .unwrap_or("");
    let blocks: Vec<(&str, &Span)> = spec
        .preamble
        .iter()
        .map(|b| (first, b))
        .chain(
            spec.sections
                .iter()
                .flat_map(|s| s.blocks.iter().map(|b| (s.source.file.as_str(), b))),
        )
        .filter_map(|(file, b)| match b {
            Block::Prose(span) | Block::Commentary(Commentary { body: span, .. }) => {
                Some((file, span))
            }
            Block::Example(_) => None,
        })
        .collect();
    let found: Vec<Vec<(Location, String)>> = blocks
        .par_iter()
        .map(|&(file, span)| {
            let mut cursor = SpanCursor::new(file, span);
            prose_findings(&span.text)
                .into_iter()
                .map(|f| (cursor.at(f.offset), f.message))
                .collect()
        })
        .collect();
    for (at, message) in found.into_iter().flatten() {
        diags.warning_at(&at, lines.line(&at), message);
    }
}
