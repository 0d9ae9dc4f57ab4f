//! The linked spec: the one data model every output reads (HTML pages,
//! search index, `spec.json`). Built by `parse` (per file) and completed by
//! `link` (ids, parents, references, eval prompts).

use std::collections::HashMap;

use serde::Serialize;

use crate::diag::Location;

pub use crate::authority::Level;

/// A heading's `authority=` value. Kept as written: badges and
/// `spec.json` show the word the spec uses (`platform` in an older
/// release), while `level`, its rank in the spec's scheme
/// (`[spec.authority]`, resolved by `link`), orders and aggregates it.
/// An unknown value has no level: a warning, never a failed build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authority {
    pub written: String,
    pub level: Option<Level>,
    /// Where the value is written (`authority=` in the heading).
    pub at: Location,
}

impl Authority {
    /// Capitalised, as written (`platform` → `Platform`), as badges print it.
    pub fn label(&self) -> String {
        crate::authority::label(&self.written)
    }
}

/// Tags a heading may carry (`tags=under_18`). Unknown tags are kept as
/// written and warned about.
pub const KNOWN_TAGS: &[&str] = &["under_18"];

/// Who speaks a message: a role the dialect defines, or another name kept
/// as written (warned about by the parser, never a failed build).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Role {
    System,
    Developer,
    User,
    Assistant,
    Tool,
    Other(String),
}

impl Role {
    /// The roles the dialect defines, in the order facets list them.
    pub const KNOWN: [Role; 5] = [
        Role::System,
        Role::Developer,
        Role::User,
        Role::Assistant,
        Role::Tool,
    ];

    /// The role a tag names (`<user>` → `User`).
    pub fn parse(tag: &str) -> Self {
        Self::KNOWN
            .into_iter()
            .find(|r| r.as_str() == tag)
            .unwrap_or_else(|| Role::Other(tag.to_owned()))
    }

    /// The tag name, as written.
    pub fn as_str(&self) -> &str {
        match self {
            Role::System => "system",
            Role::Developer => "developer",
            Role::User => "user",
            Role::Assistant => "assistant",
            Role::Tool => "tool",
            Role::Other(name) => name,
        }
    }

    pub fn is_known(&self) -> bool {
        !matches!(self, Role::Other(_))
    }

    /// Whether a tag name is one of the dialect's roles.
    pub fn is_known_tag(tag: &str) -> bool {
        Self::KNOWN.iter().any(|r| r.as_str() == tag)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Role {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Good,
    Bad,
    Ok,
}

impl Verdict {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "GOOD" => Some(Verdict::Good),
            "BAD" => Some(Verdict::Bad),
            "OK" => Some(Verdict::Ok),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Good => "good",
            Verdict::Bad => "bad",
            Verdict::Ok => "ok",
        }
    }

    /// The reader-facing label, as the official page prints it.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Good => "Compliant",
            Verdict::Bad => "Violation",
            Verdict::Ok => "Minor issues",
        }
    }

    /// Display order inside a comparison: compliant first, then minor
    /// issues, then violations (a stable sort, as the official page does).
    pub fn rank(self) -> u8 {
        match self {
            Verdict::Good => 0,
            Verdict::Ok => 1,
            Verdict::Bad => 2,
        }
    }
}

/// A piece of source text with enough bookkeeping to map any byte inside it
/// back to `file:line:col`, even when the text was de-indented.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    /// 1-based source line of the text's first line.
    pub line: usize,
    /// Characters removed from the start of every line (de-indentation, or
    /// the prefix before an inline fragment on its first line).
    pub col_shift: usize,
    /// In a translated spec, how this unit's text stands (`i18n::translate`);
    /// `Source` in a spec read from files.
    pub tr: Tr,
}

/// How a translatable unit of a translated spec stands: pages mark the
/// units shown in the source language, and translations older than their
/// source.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tr {
    /// The source language's own text (every unit of an untranslated spec).
    #[default]
    Source,
    /// Translated from the current source text.
    Translated,
    /// No translation: the source text, shown as a fallback.
    Untranslated,
    /// Translated from an older source text (a fuzzy entry, or one whose
    /// `msgid` is no longer the source).
    Stale,
}

impl Span {
    pub fn new(text: impl Into<String>, line: usize, col_shift: usize) -> Self {
        Self {
            text: text.into(),
            line,
            col_shift,
            tr: Tr::Source,
        }
    }

    /// Line and column (1-based) of a byte offset inside `text`.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..offset];
        let line_in = before.matches('\n').count();
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let col = before[line_start..].chars().count() + 1 + self.col_shift;
        (self.line + line_in, col)
    }
}

#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the project root, with `/` separators.
    pub path: String,
    pub text: String,
}

/// A heading with an id, and the text up to the next heading.
#[derive(Debug, Clone)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub level: u8,
    /// Index of the enclosing section in `Spec::sections`.
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    /// The heading's own `authority=` value (unknown values kept).
    pub authority: Option<Authority>,
    pub tags: Vec<String>,
    pub source: Location,
    /// The section's own text, in order.
    pub blocks: Vec<Block>,
    /// How the title stands in a translated spec (see [`Tr`]).
    pub title_tr: Tr,
}

impl Section {
    /// The section's own `authority=` value as written.
    pub fn authority_written(&self) -> Option<&str> {
        self.authority.as_ref().map(|a| a.written.as_str())
    }

    /// The rank of the section's own authority, if it has a known one.
    pub fn authority_level(&self) -> Option<Level> {
        self.authority.as_ref().and_then(|a| a.level)
    }

    pub fn is_under_18(&self) -> bool {
        self.tags.iter().any(|t| t == "under_18")
    }

    pub fn examples(&self) -> impl Iterator<Item = &Example> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Example(e) => Some(&**e),
            _ => None,
        })
    }
}

#[derive(Debug, Clone)]
pub enum Block {
    /// Markdown prose, rendered as is (links rewritten).
    Prose(Span),
    /// `!!! meta "Commentary"` and the indented body under it (de-indented).
    Commentary(Commentary),
    Example(Box<Example>),
}

#[derive(Debug, Clone)]
pub struct Commentary {
    /// The admonition kind (`meta`).
    pub kind: String,
    pub title: Option<String>,
    pub body: Span,
}

#[derive(Debug, Clone)]
pub struct Example {
    /// Stable id (see `link::assign_example_ids`).
    pub id: String,
    /// Id of the section whose text holds the example ("" in a preamble).
    pub section: String,
    /// The title as written (markdown).
    pub title: Span,
    pub source: Location,
    pub messages: Vec<Message>,
    /// The conversation's shape: messages, comparison groups and elisions.
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// Index into `Example::messages`.
    Message(usize),
    /// A `<comparison>` group: its 0-based index and its messages.
    Comparison { index: usize, messages: Vec<usize> },
    /// A line between messages such as `[...]`, kept as written.
    Elision(String),
}

#[derive(Debug, Clone)]
pub struct Message {
    pub role: Role,
    /// Attributes of the opening tag, in source order.
    pub attrs: Vec<(String, String)>,
    /// The body as written (markdown), trimmed of surrounding blank lines.
    pub content: Span,
    pub comparison: Option<usize>,
    pub verdict: Option<Verdict>,
    /// The note after the verdict, as written (markdown).
    pub comment: Option<Span>,
    /// Section ids named in the verdict: `BAD[#id]`.
    pub refs: Vec<String>,
    pub source: Location,
}

impl Message {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A system message whose body is only `<settings>` blocks: the page
    /// shows it as badges (U18) instead of a message.
    pub fn settings_only(&self) -> bool {
        self.settings_blocks().1
    }

    /// `key: value` lines of the `<settings>` blocks in the body.
    pub fn settings(&self) -> Vec<(String, String)> {
        self.settings_blocks().0
    }

    /// One scan of the body: the `key: value` lines of its `<settings>`
    /// blocks, and whether it holds nothing else.
    fn settings_blocks(&self) -> (Vec<(String, String)>, bool) {
        let mut pairs = Vec::new();
        let mut only = true;
        let mut found = false;
        let mut rest = self.content.text.as_str();
        while let Some((before, after)) = rest.split_once("<settings>") {
            only &= before.trim().is_empty();
            found = true;
            let (block, tail) = after.split_once("</settings>").unwrap_or((after, ""));
            if !after.contains("</settings>") {
                only = false;
            }
            for line in block.lines() {
                if let Some((k, v)) = line.split_once(':') {
                    pairs.push((k.trim().to_owned(), v.trim().to_owned()));
                }
            }
            rest = tail;
        }
        (pairs, found && only && rest.trim().is_empty())
    }
}

impl Example {
    /// Whether a `<settings>` block of the conversation says the user is
    /// under 18 (`under_18: true`): the example's U18 badge and search tag.
    pub fn is_under_18(&self) -> bool {
        self.messages.iter().any(|m| {
            m.settings()
                .iter()
                .any(|(k, v)| k == "under_18" && v == "true")
        })
    }
}

/// How a reference was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RefKind {
    /// `[?](#id)`: the target's title is shown.
    Auto,
    /// `[text](#id)`.
    Link,
    /// `BAD[#id]` in a verdict.
    Verdict,
}

/// Where in a section a reference stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RefPlace {
    Prose,
    Commentary,
    ExampleTitle,
    VerdictNote,
    Verdict,
    MessageBody,
}

#[derive(Debug, Clone, Serialize)]
pub struct Reference {
    pub target: String,
    pub kind: RefKind,
    pub place: RefPlace,
    /// Section holding the reference (index into `Spec::sections`), if any.
    #[serde(skip)]
    pub from_section: Option<usize>,
    /// Example holding the reference, by id.
    pub from_example: Option<String>,
    pub at: Location,
}

/// A `[^label]` footnote in section text: a citation of an eval-prompt file.
#[derive(Debug, Clone, Serialize)]
pub struct Citation {
    pub label: String,
    #[serde(skip)]
    pub from_section: Option<usize>,
    pub at: Location,
}

/// One eval-prompt file (`examples/<label>.md`).
#[derive(Debug, Clone)]
pub struct EvalFile {
    pub id: String,
    /// Path relative to the project root.
    pub file: String,
    /// The section title named in the header line, as written.
    pub header_section: Option<String>,
    pub examples: Vec<Example>,
    /// Sections (indices) whose text cites this file, in document order.
    pub cited_by: Vec<usize>,
}

/// Book-level metadata, from `book.toml` or defaults.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Meta {
    pub title: String,
    /// The release shown beside the title: `[versions] current`, else
    /// `Config::git_release_date` (set by the pipeline, not by `link`).
    #[serde(skip)]
    pub release: Option<String>,
    pub description: Option<String>,
    pub authors: Vec<String>,
    pub language: String,
}

/// An authority level as the spec shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelName {
    /// The scheme's current name of the level (`root`): stable across
    /// releases, used in CSS classes and search filters.
    pub name: String,
    /// The label badges show: the first value written at this rank, else
    /// the scheme's name, capitalised (`Platform` in a release that says
    /// `platform`).
    pub label: String,
}

/// The whole spec, parsed and linked.
#[derive(Debug, Clone, Default)]
pub struct Spec {
    pub meta: Meta,
    /// The spec's authority levels, highest first, each named as the spec
    /// writes it (legends and search facets list these).
    pub levels: Vec<LevelName>,
    /// Prose before the first heading of the first file: the home page intro.
    pub preamble: Vec<Block>,
    /// Every section in document order.
    pub sections: Vec<Section>,
    pub evals: Vec<EvalFile>,
    pub references: Vec<Reference>,
    pub citations: Vec<Citation>,
    pub section_index: HashMap<String, usize>,
    pub eval_index: HashMap<String, usize>,
}

impl Spec {
    pub fn section(&self, id: &str) -> Option<&Section> {
        self.section_index.get(id).map(|&i| &self.sections[i])
    }

    pub fn examples(&self) -> impl Iterator<Item = &Example> {
        self.sections.iter().flat_map(|s| s.examples())
    }

    /// The top-level ancestor (chapter) of a section.
    pub fn chapter_of(&self, mut i: usize) -> usize {
        while let Some(p) = self.sections[i].parent {
            i = p;
        }
        i
    }

    /// Indices of all descendants of a section, in document order.
    pub fn descendants(&self, i: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack: Vec<usize> = self.sections[i].children.iter().rev().copied().collect();
        while let Some(j) = stack.pop() {
            out.push(j);
            stack.extend(self.sections[j].children.iter().rev().copied());
        }
        out
    }

    /// The highest authority among a section's descendants (the first
    /// one written at that rank) and the number of distinct levels they
    /// use (FORMAT.md: "aggregated authority"). Ranked by level, so an
    /// alias counts as the level it stands for.
    pub fn aggregated_authority(&self, i: usize) -> Option<(&Authority, usize)> {
        let known: Vec<&Authority> = self
            .descendants(i)
            .into_iter()
            .filter_map(|j| self.sections[j].authority.as_ref())
            .filter(|a| a.level.is_some())
            .collect();
        let mut levels: Vec<Level> = known.iter().filter_map(|a| a.level).collect();
        levels.sort();
        levels.dedup();
        let top = known.iter().min_by_key(|a| a.level)?;
        Some((top, levels.len()))
    }
}
