//! Link stage: merges parsed files into one [`Spec`], gives sections their
//! parents and examples their stable ids, resolves every reference and
//! footnote, and reports what does not resolve.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use crate::config::Config;
use crate::diag::{Diagnostics, LineIndex, Location};
use crate::model::{
    Block, Citation, EvalFile, Example, Meta, RefKind, RefPlace, Reference, SourceFile, Span, Spec,
};
use crate::parse::ParsedFile;
use crate::parse::inline::{InternalLink, plain_text, scan};
use crate::render::markdown::prose_findings;

/// Source lines for caret displays, by file path.
pub struct SourceLines<'a> {
    files: HashMap<&'a str, (&'a str, LineIndex)>,
}

impl<'a> SourceLines<'a> {
    pub fn new(files: impl IntoIterator<Item = &'a SourceFile>) -> Self {
        Self {
            files: files
                .into_iter()
                .map(|f| (f.path.as_str(), (f.text.as_str(), LineIndex::new(&f.text))))
                .collect(),
        }
    }

    pub fn line(&self, at: &Location) -> Option<&'a str> {
        let (text, idx) = self.files.get(at.file.as_str())?;
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
    let mut spec = Spec {
        meta: Meta {
            title: String::new(),
            description: cfg.description.clone(),
            authors: cfg.authors.clone(),
            language: cfg.language.clone(),
        },
        ..Spec::default()
    };
    merge_sections(&mut spec, parsed, lines, diags);
    spec.meta.title = cfg
        .title
        .clone()
        .or_else(|| spec.sections.first().map(|s| s.title.clone()))
        .unwrap_or_else(|| "Untitled spec".into());
    assign_example_ids(&mut spec);
    collect_references(&mut spec, lines, diags);
    lint_prose_markup(&spec, lines, diags);
    link_evals(&mut spec, eval_files, lines, diags);
    spec
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
                    .and_then(|l| l.rfind(&needle).map(|b| l[..b].chars().count() + 2))
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
    let mut used: HashSet<String> = spec.section_index.keys().cloned().collect();
    for section in &mut spec.sections {
        let sid = section.id.clone();
        for block in &mut section.blocks {
            if let Block::Example(ex) = block {
                ex.id = unique_example_id("ex", &ex.title.text, &sid, &mut used);
            }
        }
    }
    for block in &mut spec.preamble {
        if let Block::Example(ex) = block {
            ex.id = unique_example_id("ex", &ex.title.text, "intro", &mut used);
        }
    }
}

/// `prefix-words-of-the-title`, at most about 60 characters, unique in `used`.
pub fn unique_example_id(
    prefix: &str,
    title: &str,
    scope: &str,
    used: &mut HashSet<String>,
) -> String {
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
    if used.contains(&id) {
        id = format!("{slug}--{}", scope.replace('_', "-"));
    }
    let base = id.clone();
    let mut n = 2;
    while used.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    used.insert(id.clone());
    id
}

fn locate(file: &str, span: &Span, offset: usize) -> Location {
    let (line, col) = span.line_col(offset);
    Location {
        file: file.to_owned(),
        line,
        col,
    }
}

/// Finds every internal link and footnote in the spec, in document order.
/// Sections are scanned in parallel (each prose block is a markdown parse),
/// their findings concatenated in order.
fn collect_references(spec: &mut Spec, lines: &SourceLines<'_>, diags: &mut Diagnostics) {
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
            section_references(sec, blocks, file, lines)
        })
        .collect();
    let mut refs = Vec::new();
    let mut cites = Vec::new();
    for (r, c) in found {
        refs.extend(r);
        cites.extend(c);
    }
    for r in &refs {
        if !spec.section_index.contains_key(&r.target) {
            let hint = closest_id(spec, &r.target)
                .map(|c| format!("; did you mean `{c}`?"))
                .unwrap_or_default();
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
) -> (Vec<Reference>, Vec<Citation>) {
    let mut refs = Vec::new();
    let mut cites = Vec::new();
    let push_links = |refs: &mut Vec<Reference>,
                      found: &[InternalLink],
                      file: &str,
                      span: &Span,
                      place,
                      ex: Option<&str>| {
        for l in found {
            refs.push(Reference {
                target: l.target.clone(),
                kind: if l.auto { RefKind::Auto } else { RefKind::Link },
                place,
                from_section: sec,
                from_example: ex.map(str::to_owned),
                at: locate(file, span, l.offset),
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
                for f in found.footnotes {
                    cites.push(Citation {
                        label: f.label,
                        from_section: sec,
                        at: locate(file, span, f.offset),
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
                    for target in &m.refs {
                        // Point at the `[` of `[#id]`, or at `#id` in a list.
                        let col = lines
                            .line(&m.source)
                            .and_then(|l| {
                                let b = l.find(&format!("#{target}"))?;
                                let b = if l[..b].ends_with('[') { b - 1 } else { b };
                                Some(l[..b].chars().count() + 1)
                            })
                            .unwrap_or(m.source.col);
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

/// Raw HTML and refused link targets in author prose: the page shows them
/// as text (see `render::markdown`), `check` says where they are.
fn lint_prose_markup(spec: &Spec, lines: &SourceLines<'_>, diags: &mut Diagnostics) {
    let first = first_file(spec);
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
            Block::Prose(span) | Block::Commentary(crate::model::Commentary { body: span, .. }) => {
                Some((file, span))
            }
            Block::Example(_) => None,
        })
        .collect();
    let found: Vec<Vec<(Location, String)>> = blocks
        .par_iter()
        .map(|&(file, span)| {
            prose_findings(&span.text)
                .into_iter()
                .map(|f| (locate(file, span, f.offset), f.message))
                .collect()
        })
        .collect();
    for (at, message) in found.into_iter().flatten() {
        diags.warning_at(&at, lines.line(&at), message);
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
    spec.section_index
        .keys()
        .map(|k| (edit_distance(k, wrong), k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 5))
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

/// Eval-prompt files: their examples, which sections cite them, and the
/// warnings for missing and uncited files.
fn link_evals(
    spec: &mut Spec,
    files: Vec<ParsedFile>,
    lines: &SourceLines<'_>,
    diags: &mut Diagnostics,
) {
    let header = regex::Regex::new(r"^Examples for \[\^([^\]]+)\] in (.*?):?\s*$").unwrap();
    let mut used = HashSet::new();
    for file in files {
        let label = file
            .path
            .rsplit('/')
            .next()
            .unwrap_or("")
            .trim_end_matches(".md")
            .to_owned();
        let mut header_section = None;
        let mut examples: Vec<Example> = Vec::new();
        let blocks = file
            .preamble
            .into_iter()
            .chain(file.sections.into_iter().flat_map(|s| s.blocks));
        for block in blocks {
            match block {
                Block::Example(mut ex) => {
                    ex.id = unique_example_id(&label, &ex.title.text, &label, &mut used);
                    examples.push(*ex);
                }
                Block::Prose(span) if header_section.is_none() && examples.is_empty() => {
                    let first = span.text.lines().next().unwrap_or("");
                    if let Some(c) = header.captures(first) {
                        header_section = Some(c[2].to_owned());
                        if c[1] != label {
                            let at = Location {
                                file: file.path.clone(),
                                line: span.line,
                                col: 15,
                            };
                            diags.warning_at(
                                &at,
                                lines.line(&at),
                                format!("header names `[^{}]` but the file is `{label}.md`", &c[1]),
                            );
                        }
                    }
                }
                Block::Prose(span)
                | Block::Commentary(crate::model::Commentary { body: span, .. }) => {
                    let at = Location {
                        file: file.path.clone(),
                        line: span.line,
                        col: 1,
                    };
                    diags.warning_at(
                        &at,
                        lines.line(&at),
                        "text between eval prompts is not shown",
                    );
                }
            }
        }
        let idx = spec.evals.len();
        spec.eval_index.insert(label.clone(), idx);
        spec.evals.push(EvalFile {
            id: label,
            file: file.path,
            header_section,
            examples,
            cited_by: Vec::new(),
        });
    }
    for c in &spec.citations {
        match spec.eval_index.get(&c.label) {
            Some(&i) => {
                if let Some(s) = c
                    .from_section
                    .filter(|s| !spec.evals[i].cited_by.contains(s))
                {
                    spec.evals[i].cited_by.push(s);
                }
            }
            None => diags.warning_at(
                &c.at,
                lines.line(&c.at),
                format!(
                    "footnote `[^{}]` names an eval-prompt file `{}.md` that does not exist",
                    c.label, c.label
                ),
            ),
        }
    }
    for e in &spec.evals {
        if e.cited_by.is_empty() && !spec.citations.iter().any(|c| c.label == e.id) {
            let at = Location {
                file: e.file.clone(),
                line: 1,
                col: 1,
            };
            diags.warning_at(
                &at,
                lines.line(&at),
                format!(
                    "eval-prompt file is not cited by any footnote `[^{}]`",
                    e.id
                ),
            );
        }
    }
}
