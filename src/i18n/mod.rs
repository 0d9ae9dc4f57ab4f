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
pub mod status;

use crate::model::{Block, Example, Spec};

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
    let mut push = |context: String, text: &str, file: &str, line: usize, kind| {
        let text = text.trim();
        if !text.is_empty() {
            out.push(Unit {
                context,
                text: text.to_owned(),
                source: format!("{file}:{line}"),
                kind,
            });
        }
    };
    let first_file = spec
        .sections
        .first()
        .map(|s| s.source.file.clone())
        .unwrap_or_default();
    blocks(&mut push, "_preamble", &spec.preamble, &first_file);
    for s in &spec.sections {
        push(
            format!("{}/title", s.id),
            &s.title,
            &s.source.file,
            s.source.line,
            "heading title",
        );
        blocks(&mut push, &s.id, &s.blocks, &s.source.file);
    }
    for e in &spec.evals {
        for ex in &e.examples {
            example(&mut push, &format!("evals/{}", e.id), ex, "eval prompt");
        }
    }
    out
}

type Push<'a> = dyn FnMut(String, &str, &str, usize, &'static str) + 'a;

fn blocks(push: &mut Push<'_>, rule: &str, blocks: &[Block], file: &str) {
    let (mut prose, mut commentary) = (0, 0);
    for b in blocks {
        match b {
            Block::Prose(span) => {
                prose += 1;
                push(
                    format!("{rule}/p-{prose}"),
                    &span.text,
                    file,
                    span.line,
                    "paragraph",
                );
            }
            Block::Commentary(c) => {
                commentary += 1;
                push(
                    format!("{rule}/commentary-{commentary}"),
                    &c.body.text,
                    file,
                    c.body.line,
                    "commentary",
                );
            }
            Block::Example(ex) => example(push, rule, ex, "example"),
        }
    }
}

fn example(push: &mut Push<'_>, rule: &str, ex: &Example, kind: &'static str) {
    let file = &ex.source.file;
    let at = format!("{rule}/{}", ex.id);
    push(
        format!("{at}/title"),
        &ex.title.text,
        file,
        ex.title.line.max(ex.source.line),
        if kind == "example" {
            "example title"
        } else {
            "eval prompt title"
        },
    );
    for (i, m) in ex.messages.iter().enumerate() {
        let n = i + 1;
        if !m.settings_only() {
            push(
                format!("{at}/msg-{n}"),
                &m.content.text,
                file,
                m.content.line,
                if kind == "example" {
                    "message"
                } else {
                    "eval prompt message"
                },
            );
        }
        if let Some(note) = &m.comment {
            push(
                format!("{at}/note-{n}"),
                &note.text,
                file,
                note.line,
                "verdict note",
            );
        }
    }
}
