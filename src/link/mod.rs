//! Link stage: merges parsed files into one [`Spec`], gives sections their
//! parents and examples their stable ids, resolves every reference and
//! footnote, and reports what does not resolve.

mod evals;
mod lint;
mod references;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::OnceLock;

pub use references::ScanMemo;

use crate::authority::{self, Scheme};
use crate::config::Config;
use crate::diag::{Diagnostics, LineIndex, Location};
use crate::model::{Block, LevelName, Meta, SourceFile, Spec};
use crate::parse::ParsedFile;
use crate::parse::inline::plain_text;
use crate::parse::text::chars_before;

/// Source lines for caret displays, by file path. A file's lines are
/// indexed on its first diagnostic (most files have none).
pub struct SourceLines<'a> {
    files: HashMap<&'a str, (&'a str, OnceLock<LineIndex>)>,
}

impl<'a> SourceLines<'a> {
    pub fn new(files: impl IntoIterator<Item = &'a SourceFile>) -> Self {
        Self {
            files: files
                .into_iter()
                .map(|f| (f.path.as_str(), (f.text.as_str(), OnceLock::new())))
                .collect(),
        }
    }

    pub fn line(&self, at: &Location) -> Option<&'a str> {
        let (text, idx) = self.files.get(at.file.as_str())?;
        let idx = idx.get_or_init(|| LineIndex::new(text));
        (at.line > 0).then(|| idx.line_text(text, at.line))
    }
}

pub fn link(
    cfg: &Config,
    parsed: Vec<ParsedFile>,
    eval_files: Vec<ParsedFile>,
    lines: &SourceLines<'_>,
    diags: &mut Diagnostics,
) -> Spec {
    link_with(cfg, parsed, eval_files, lines, None, diags)
}

/// [`link`], taking the markdown scan of every text `memo` has seen
/// (`serve` keeps one between saves: an edit scans the texts it changed).
pub fn link_with(
    cfg: &Config,
    parsed: Vec<ParsedFile>,
    eval_files: Vec<ParsedFile>,
    lines: &SourceLines<'_>,
    memo: Option<&ScanMemo>,
    diags: &mut Diagnostics,
) -> Spec {
    let mut spec = Spec {
        meta: Meta {
            title: String::new(),
            description: cfg.description.clone(),
            authors: cfg.authors.clone(),
            language: cfg.language.clone(),
            release: None,
        },
        ..Spec::default()
    };
    merge_sections(&mut spec, parsed, lines, diags);
    rank_authorities(&mut spec, &cfg.authority, lines, diags);
    spec.meta.title = cfg
        .title
        .clone()
        .or_else(|| spec.sections.first().map(|s| s.title.clone()))
        .unwrap_or_else(|| "Untitled spec".into());
    assign_example_ids(&mut spec);
    references::collect_references(&mut spec, lines, memo, diags);
    if let Some(memo) = memo {
        memo.forget_unused();
    }
    lint::lint_prose_markup(&spec, lines, diags);
    evals::link_evals(&mut spec, eval_files, lines, diags);
    spec
}

/// Gives each `authority=` value its rank in the spec's scheme; a value
/// the scheme does not know keeps no rank and is warned about.
fn rank_authorities(
    spec: &mut Spec,
    scheme: &Scheme,
    lines: &SourceLines<'_>,
    diags: &mut Diagnostics,
) {
    for a in spec
        .sections
        .iter_mut()
        .filter_map(|s| s.authority.as_mut())
    {
        a.level = scheme.rank(&a.written);
        if a.level.is_none() {
            diags.warning_at(
                &a.at,
                lines.line(&a.at),
                format!(
                    "unknown authority `{}` (expected {})",
                    a.written,
                    expected_list(&scheme.known())
                ),
            );
        }
    }
    spec.levels = scheme
        .levels()
        .iter()
        .enumerate()
        .map(|(rank, name)| {
            let written = spec
                .sections
                .iter()
                .filter_map(|s| s.authority.as_ref())
                .find(|a| a.level.is_some_and(|l| usize::from(l.0) == rank));
            LevelName {
                name: name.clone(),
                label: authority::label(written.map_or(name.as_str(), |a| a.written.as_str())),
            }
        })
        .collect();
}

/// `a, b or c`.
fn expected_list(values: &[&str]) -> String {
    match values {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Concatenates files in order; parents come from heading levels, across
/// file boundaries (a file may continue the previous file's chapter).
fn merge_sections(
    spec: &mut Spec,
    parsed: Vec<ParsedFile>,
    lines: &SourceLines<'_>,
    diags: &mut Diagnostics,
) {
    let mut stack: Vec<usize> = Vec::new();
    for (fi, file) in parsed.into_iter().enumerate() {
        if !file.preamble.is_empty() {
            if fi > 0 || !spec.sections.is_empty() {
                let at = block_location(&file.path, &file.preamble[0]);
                diags.warning_at(
                    &at,
                    lines.line(&at),
                    "text before the file's first heading belongs to no section; shown on the home page",
                );
            }
            spec.preamble.extend(file.preamble);
        }
        for mut section in file.sections {
            while stack
                .last()
                .is_some_and(|&p| spec.sections[p].level >= section.level)
            {
                stack.pop();
            }
            let idx = spec.sections.len();
            if let Some(&p) = stack.last() {
                let parent_level = spec.sections[p].level;
                if section.level > parent_level + 1 {
                    diags.warning_at(
                        &section.source,
                        lines.line(&section.source),
                        format!(
                            "heading level jumps from {parent_level} to {}",
                            section.level
                        ),
                    );
                }
                section.parent = Some(p);
                spec.sections[p].children.push(idx);
            }
            if let Some(&first) = spec.section_index.get(&section.id) {
                let prev = &spec.sections[first].source;
                let line = lines.line(&section.source);
                let needle = format!("{{#{}", section.id);
                let col = line
                    .and_then(|l| l.rfind(&needle).map(|b| chars_before(l, b) + 2))
                    .unwrap_or(1);
                diags.error_at(
                    &Location {
                        col,
                        ..section.source.clone()
                    },
                    line,
                    format!(
                        "duplicate id `{}` (first used at {}:{})",
                        section.id, prev.file, prev.line
                    ),
                );
            } else {
                spec.section_index.insert(section.id.clone(), idx);
            }
            stack.push(idx);
            spec.sections.push(section);
        }
    }
}

fn block_location(file: &str, block: &Block) -> Location {
    let line = match block {
        Block::Prose(s) => s.line,
        Block::Commentary(c) => c.body.line.saturating_sub(1),
        Block::Example(e) => e.source.line,
    };
    Location {
        file: file.to_owned(),
        line,
        col: 1,
    }
}

/// Example ids derive from the example's own title (with `[?](#x)` read as
/// `x`), so adding, removing or editing *another* example never changes
/// them. Two examples with the same title are told apart by their section,
/// then by a counter.
fn assign_example_ids(spec: &mut Spec) {
    let mut ids = ExampleIds::new(spec.section_index.keys().cloned());
    for section in &mut spec.sections {
        let sid = section.id.clone();
        for block in &mut section.blocks {
            if let Block::Example(ex) = block {
                ex.id = ids.unique("ex", &ex.title.text, &sid);
            }
        }
    }
    for block in &mut spec.preamble {
        if let Block::Example(ex) = block {
            ex.id = ids.unique("ex", &ex.title.text, "intro");
        }
    }
}

/// Hands out unique example ids.
pub(crate) struct ExampleIds {
    /// (foldhash, seeded per process: every example's id is looked up on
    /// every build and every `serve` save.)
    used: foldhash::HashSet<String>,
    /// The next counter to try after a base id, so that thousands of
    /// examples with one title cost linear time.
    next_counter: foldhash::HashMap<String, usize>,
}

impl ExampleIds {
    pub(crate) fn new(taken: impl IntoIterator<Item = String>) -> Self {
        Self {
            used: taken.into_iter().collect(),
            next_counter: Default::default(),
        }
    }

    /// `prefix-words-of-the-title`, at most about 60 characters, unique.
    pub(crate) fn unique(&mut self, prefix: &str, title: &str, scope: &str) -> String {
        let words = plain_text(title, &|id| Some(id.to_owned()));
        let mut slug = String::from(prefix);
        for word in words
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            if slug.len() + word.len() + 1 > 60 {
                break;
            }
            slug.push('-');
            slug.extend(word.chars().flat_map(char::to_lowercase));
        }
        if slug == prefix {
            slug.push('-');
            slug.push_str(&scope.replace('_', "-"));
        }
        let mut id = slug.clone();
        if self.used.contains(&id) {
            id = format!("{slug}--{}", scope.replace('_', "-"));
        }
        if self.used.contains(&id) {
            let base = id;
            let n = self.next_counter.entry(base.clone()).or_insert(2);
            id = format!("{base}-{n}");
            while self.used.contains(&id) {
                *n += 1;
                id = format!("{base}-{n}");
            }
            *n += 1;
        }
        self.used.insert(id.clone());
        id
    }
}
