//! Translation catalogs keyed by rule (issue 14): the linked spec's
//! translatable units — heading titles, prose and commentary blocks,
//! example titles, messages, verdict notes, eval prompts — each with a
//! `msgctxt` naming the rule and the unit's place in it, its source text
//! as written, and its `file:line`. `specbook i18n extract` writes them
//! as `po/messages.pot` (GNU gettext's template format, through `polib`),
//! for translators' own tools (Poedit, Weblate, `msgmerge`).

pub mod catalog;
pub mod lint;
pub mod merge;
pub mod po;
pub mod site;
pub mod status;
pub mod translate;

use crate::model::{Block, Example, Section, Span, Spec, Tr};

/// One translatable unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// `rule_id/place`: `rule_id/title`, `rule_id/p-2`,
    /// `rule_id/ex-…/msg-3`, `evals/LABEL/ex-…/note-2`.
    pub context: String,
    /// The source text as written (markdown).
    pub text: String,
    /// `file:line`.
    pub source: String,
    /// What the unit is, for translators (`#.` comment).
    pub kind: &'static str,
}

/// Every translatable unit of `spec`, in document order: the preamble,
/// each section, then each eval-prompt file.
pub fn units(spec: &Spec) -> Vec<Unit> {
    let mut out = Vec::new();
    // The walk hands out units to replace; reading them from a copy keeps
    // one walk for both (extracting is rare, translating is per build).
    walk(&mut spec.clone(), &mut |slot| {
        let text = slot.text.trim();
        if !text.is_empty() {
            out.push(Unit {
                context: slot.context,
                text: text.to_owned(),
                source: format!("{}:{}", slot.file, slot.line),
                kind: slot.kind,
            });
        }
    });
    out
}

/// A unit as [`walk`] meets it: its text and state, to read or replace.
pub struct Slot<'s> {
    pub context: String,
    pub text: &'s mut String,
    pub tr: &'s mut Tr,
    pub file: &'s str,
    pub line: usize,
    pub kind: &'static str,
}

/// Visits every translatable unit of `spec` in document order: the
/// preamble, each section, then each eval-prompt file. The one place that
/// says what a unit is and what its context is called.
pub fn walk(spec: &mut Spec, visit: &mut dyn FnMut(Slot<'_>)) {
    let first_file = spec
        .sections
        .first()
        .map(|s| s.source.file.clone())
        .unwrap_or_default();
    blocks(visit, "_preamble", &mut spec.preamble, &first_file);
    for s in &mut spec.sections {
        let Section {
            id,
            title,
            title_tr,
            source,
            blocks: section_blocks,
            ..
        } = s;
        visit(Slot {
            context: format!("{id}/title"),
            text: title,
            tr: title_tr,
            file: &source.file,
            line: source.line,
            kind: "heading title",
        });
        blocks(visit, id, section_blocks, &source.file);
    }
    for e in &mut spec.evals {
        let rule = format!("evals/{}", e.id);
        for ex in &mut e.examples {
            example(visit, &rule, ex, false);
        }
    }
}

type Visit<'v> = dyn FnMut(Slot<'_>) + 'v;

fn span<'s>(context: String, span: &'s mut Span, file: &'s str, kind: &'static str) -> Slot<'s> {
    Slot {
        context,
        line: span.line,
        text: &mut span.text,
        tr: &mut span.tr,
        file,
        kind,
    }
}

fn blocks(visit: &mut Visit<'_>, rule: &str, blocks: &mut [Block], file: &str) {
    let (mut prose, mut commentary) = (0, 0);
    for b in blocks {
        match b {
            Block::Prose(text) => {
                prose += 1;
                visit(span(format!("{rule}/p-{prose}"), text, file, "paragraph"));
            }
            Block::Commentary(c) => {
                commentary += 1;
                let context = format!("{rule}/commentary-{commentary}");
                visit(span(context, &mut c.body, file, "commentary"));
            }
            Block::Example(ex) => example(visit, rule, ex, true),
        }
    }
}

fn example(visit: &mut Visit<'_>, rule: &str, ex: &mut Example, in_spec: bool) {
    let Example {
        id,
        title,
        source,
        messages,
        ..
    } = ex;
    let at = format!("{rule}/{id}");
    let file = &source.file;
    let mut title_slot = span(
        format!("{at}/title"),
        title,
        file,
        if in_spec {
            "example title"
        } else {
            "eval prompt title"
        },
    );
    title_slot.line = title_slot.line.max(source.line);
    visit(title_slot);
    for (i, m) in messages.iter_mut().enumerate() {
        let n = i + 1;
        if !m.settings_only() {
            let kind = if in_spec {
                "message"
            } else {
                "eval prompt message"
            };
            visit(span(format!("{at}/msg-{n}"), &mut m.content, file, kind));
        }
        if let Some(note) = &mut m.comment {
            visit(span(format!("{at}/note-{n}"), note, file, "verdict note"));
        }
    }
}
