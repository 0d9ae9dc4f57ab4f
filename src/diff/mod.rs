//! What changed between two versions of a spec, rule by rule: a function
//! of two linked specs and their sources, independent of any output. The
//! `diff` command prints it (JSON, text, markdown) and the changes pages
//! of a versioned site draw it. The JSON shape is the contract in
//! `docs/formats.md` (`specbook diff --format json`).

mod rules;
mod text;

use serde::Serialize;

use crate::pipeline::Loaded;

pub use text::{details, to_markdown, to_text};

/// One version of the spec as the diff names it.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    pub label: String,
    /// Rules (headings with an id) in this version.
    pub rules: usize,
}

/// A renamed authority level (FORMAT.md §11: `platform` became `root`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelRename {
    pub from: String,
    pub to: String,
}

/// A value that changed: `{"from", "to"}`; either side may be absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change<T> {
    pub from: T,
    pub to: T,
}

/// How a rule differs between the two versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Added,
    Removed,
    /// An id that disappeared and one that appeared are the same rule.
    Renamed,
    Modified,
}

/// Example ids of a rule that were added, removed or changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ExampleChanges {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<String>,
}

impl ExampleChanges {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// One rule that differs.
#[derive(Debug, Clone, Serialize)]
pub struct RuleChange {
    pub id: String,
    pub status: Status,
    /// The id in the older version (renamed rules only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_id: Option<String>,
    /// Added and removed rules: the rule's title. Renamed and modified
    /// rules: `{"from","to"}` when the heading text differs, else null.
    pub title: TitleField,
    /// Added and removed rules: the rule's own authority as written (or
    /// null). Renamed and modified rules: `{"from","to"}` when the own
    /// authority differs after level renames, else null.
    pub authority: AuthorityField,
    /// Renamed and modified rules: `{"from","to"}` (parent ids) when the
    /// rule moved, else null.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<Option<Change<Option<String>>>>,
    /// Renamed and modified rules: whether the rule's own markdown differs
    /// (whitespace runs collapsed, ends trimmed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_changed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub examples: Option<ExampleChanges>,
    /// Where the rule stands (the newer version's, for removed rules the
    /// older's): its chapter and section titles, for readers.
    #[serde(skip)]
    pub path: Vec<String>,
    /// The rule's own text in each version, as plain words (for a redline).
    #[serde(skip)]
    pub words: Change<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum TitleField {
    Title(String),
    Changed(Option<Change<String>>),
}

#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum AuthorityField {
    Level(Option<String>),
    Changed(Option<Change<Option<String>>>),
}

/// Labels of eval-prompt files added, removed or changed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EvalChanges {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<String>,
}

/// The whole comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub from: Side,
    pub to: Side,
    pub level_renames: Vec<LevelRename>,
    pub rules: Vec<RuleChange>,
    pub eval_prompts: EvalChanges,
}

impl Diff {
    /// Whether the two versions hold the same rules, text and eval prompts.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
            && self.eval_prompts.added.is_empty()
            && self.eval_prompts.removed.is_empty()
            && self.eval_prompts.changed.is_empty()
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a diff serialises");
        s.push('\n');
        s
    }

    /// The change of one rule (by its id in the newer version, or in the
    /// older one for removed rules).
    pub fn rule(&self, id: &str) -> Option<&RuleChange> {
        self.rules.iter().find(|r| r.id == id)
    }
}

/// Compares `old` (labelled `old_label`) with `new`.
pub fn diff(old: &Loaded, old_label: &str, new: &Loaded, new_label: &str) -> Diff {
    rules::compare(old, old_label, new, new_label)
}
