//! The eval formats as outputs of the pipeline: one format for `export`
//! (filtered), and the site's downloads (every format, for the whole spec
//! and for each rule with examples).

use anyhow::Result;
use rayon::prelude::*;

use super::formats::{self, Format, INSPECT_DATASET, INSPECT_TASK};
use super::{EvalSet, Filter};
use crate::model::Spec;
use crate::outputs::{Edition, Output};
use crate::sink::Sink;

/// The site folder holding the eval downloads.
pub const DOWNLOADS_DIR: &str = "downloads/evals";

/// The files of one format for a set of cases, by file name.
pub fn files(format: Format, set: &EvalSet<'_>) -> Vec<(&'static str, String)> {
    match format {
        Format::Inspect => vec![
            (INSPECT_DATASET, formats::inspect_dataset(set)),
            (INSPECT_TASK, formats::inspect_task(set)),
        ],
        Format::Trl => vec![(TRL_FILE, formats::trl(set))],
        Format::Promptfoo => vec![(PROMPTFOO_FILE, formats::promptfoo(set))],
    }
}

pub const TRL_FILE: &str = "trl.jsonl";
pub const PROMPTFOO_FILE: &str = "promptfoo.yaml";

/// The filters of `export`, as written on the command line (resolved
/// against the spec when the output runs).
#[derive(Debug, Default, Clone)]
pub struct FilterArgs {
    pub rules: Vec<String>,
    pub authority: Option<String>,
    pub verdict: Option<String>,
}

/// One eval format of the spec, filtered: `export --format X`.
#[derive(Debug)]
pub struct EvalExport {
    pub format: Format,
    pub filter: FilterArgs,
}

impl Output for EvalExport {
    fn name(&self) -> &'static str {
        self.format.name()
    }

    fn write(&self, edition: &Edition<'_>, sink: &dyn Sink) -> Result<()> {
        let filter = Filter::new(
            edition.config,
            edition.spec,
            &self.filter.rules,
            self.filter.authority.as_deref(),
            self.filter.verdict.as_deref(),
        )?;
        let set = EvalSet::new(edition.config, edition.spec).filtered(&filter);
        for (name, text) in files(self.format, &set) {
            sink.put(name.to_owned(), text.into_bytes())?;
        }
        Ok(())
    }
}

/// Where the whole spec's files of a format sit: `downloads/evals/...`.
fn spec_paths(format: Format) -> Vec<String> {
    match format {
        Format::Inspect => vec![
            format!("{DOWNLOADS_DIR}/inspect/{INSPECT_DATASET}"),
            format!("{DOWNLOADS_DIR}/inspect/{INSPECT_TASK}"),
        ],
        Format::Trl => vec![format!("{DOWNLOADS_DIR}/{TRL_FILE}")],
        Format::Promptfoo => vec![format!("{DOWNLOADS_DIR}/{PROMPTFOO_FILE}")],
    }
}

/// The download of `format` for the whole spec (its first file).
pub fn spec_download(format: Format) -> String {
    spec_paths(format).remove(0)
}

/// The download of `format` for rule `id` and its sub-rules: one file,
/// named after the rule and the format (what a browser saves it as), all
/// rules' in one folder. Inspect's is the dataset alone: the whole spec's
/// `task.py` runs it with `-T dataset=<file>`. (A folder per rule would
/// cost a folder made and removed per rule on every build.)
pub fn rule_download(id: &str, format: Format) -> String {
    let suffix = match format {
        Format::Inspect => "inspect.jsonl",
        Format::Trl => "trl.jsonl",
        Format::Promptfoo => "promptfoo.yaml",
    };
    format!(
        "{DOWNLOADS_DIR}/rules/{}.{suffix}",
        crate::site::page_stem(id)
    )
}

/// Per rule: whether it offers eval downloads, i.e. whether it or one of
/// its sub-rules has a judged example or is cited by an eval-prompt file
/// with prompts. Read from the spec alone (no case is built), so pages
/// and downloads agree at the cost of a scan.
pub fn rules_with_cases(spec: &Spec) -> Vec<bool> {
    let mut has: Vec<bool> = spec
        .sections
        .iter()
        .map(|s| {
            s.examples()
                .any(|ex| ex.messages.iter().any(|m| m.verdict.is_some()))
        })
        .collect();
    for eval in spec.evals.iter().filter(|e| !e.examples.is_empty()) {
        for &i in &eval.cited_by {
            has[i] = true;
        }
    }
    for i in (0..spec.sections.len()).rev() {
        if has[i]
            && let Some(p) = spec.sections[i].parent
        {
            has[p] = true;
        }
    }
    has
}

/// The site's eval downloads: every format for the whole spec, and for
/// each rule with cases (its own and its sub-rules').
///
/// A case's record is the same in every file holding it, and a case sits in
/// the files of its rule and of each ancestor. The set is ordered by rule
/// (`EvalSet::new`), so a chapter's cases are one stretch of the whole
/// spec's file. Chapters are taken a batch at a time, in order: the
/// records their files need are made once (in parallel), their rule files
/// written, and their stretch of the whole file appended. Memory holds a
/// batch of records, never a format's whole set.
#[derive(Debug, Default)]
pub struct EvalDownloads;

/// Cases (about) made at once: a batch of chapters is closed when it
/// reaches this many.
const BATCH: usize = 1024;

impl Output for EvalDownloads {
    fn name(&self) -> &'static str {
        "eval downloads"
    }

    fn write(&self, edition: &Edition<'_>, sink: &dyn Sink) -> Result<()> {
        let set = EvalSet::new(edition.config, edition.spec);
        let spec = edition.spec;
        let by_rule = cases_by_rule(&set);
        let has = rules_with_cases(spec);
        // Each section's chapter (the top-level section above it).
        let mut top: Vec<usize> = (0..spec.sections.len()).collect();
        for i in 0..spec.sections.len() {
            if let Some(p) = spec.sections[i].parent {
                top[i] = top[p];
            }
        }
        // The rules with downloads, by chapter; a chapter holds its rules'
        // cases, and is itself one of them.
        let mut by_chapter: Vec<Vec<usize>> = vec![Vec::new(); spec.sections.len()];
        for i in (0..spec.sections.len()).filter(|&i| has[i]) {
            by_chapter[top[i]].push(i);
        }
        let mut batches: Vec<Vec<usize>> = Vec::new();
        let mut in_batch = BATCH;
        for chapter in (0..spec.sections.len()).filter(|&c| !by_chapter[c].is_empty()) {
            if in_batch >= BATCH {
                batches.push(Vec::new());
                in_batch = 0;
            }
            in_batch += by_rule[chapter].len();
            if let Some(batch) = batches.last_mut() {
                batch.push(chapter);
            }
        }
        let task = formats::inspect_task(&set);
        let record = |format: Format, case: usize| -> String {
            let case = &set.cases[case];
            match format {
                Format::Inspect => formats::inspect_sample(&set, case),
                Format::Trl => formats::trl_rows(&set, case),
                Format::Promptfoo => formats::promptfoo_test(&set, case),
            }
        };
        let write = |format: Format, rule: &str, records: &[&str]| -> Result<()> {
            let parts = match format {
                Format::Promptfoo => formats::promptfoo_parts(records),
                Format::Inspect | Format::Trl => records.to_vec(),
            };
            sink.put_parts(rule_download(rule, format), &parts)
        };
        for format in Format::ALL {
            let mut paths = spec_paths(format).into_iter();
            let first = paths.next().expect("every format has a file");
            let n = set.cases.len();
            sink.put_with(first, &|out| {
                if format == Format::Promptfoo {
                    // The header, then `[]` when there is no test.
                    let empty = formats::promptfoo_parts::<&str>(&[]);
                    let head = if n == 0 { &empty[..] } else { &empty[..1] };
                    head.iter().try_for_each(|p| out.write_all(p.as_bytes()))?;
                }
                for chapters in &batches {
                    // The cases the batch's files hold, in the set's order:
                    // its chapters' own, and a few of other chapters (a
                    // prompt cited there first, or a turn naming a rule
                    // there).
                    let mut needed: Vec<usize> = chapters
                        .iter()
                        .flat_map(|&c| by_rule[c].iter().copied())
                        .collect();
                    needed.sort_unstable();
                    needed.dedup();
                    let records: Vec<String> =
                        needed.par_iter().map(|&c| record(format, c)).collect();
                    let record_of = |c: usize| -> &str {
                        let at = needed.binary_search(&c).expect("a needed case");
                        &records[at]
                    };
                    chapters
                        .iter()
                        .flat_map(|&c| by_chapter[c].iter().copied())
                        .collect::<Vec<usize>>()
                        .par_iter()
                        .try_for_each(|&rule| {
                            let mine: Vec<&str> =
                                by_rule[rule].iter().map(|&c| record_of(c)).collect();
                            write(format, &spec.sections[rule].id, &mine)
                        })
                        .map_err(std::io::Error::other)?;
                    // The batch's stretch of the whole file: the cases of
                    // its chapters (and of none between them: a chapter
                    // without downloads has no case).
                    let own = chapters[0]..=chapters[chapters.len() - 1];
                    for (at, &c) in needed.iter().enumerate() {
                        if own.contains(&top[set.cases[c].rule]) {
                            out.write_all(records[at].as_bytes())?;
                        }
                    }
                }
                Ok(())
            })?;
            if let Some(task_path) = paths.next() {
                sink.put(task_path, task.clone().into_bytes())?;
            }
        }
        Ok(())
    }
}

/// Per rule (index into `Spec::sections`): the cases in its download, its
/// own and its sub-rules', in the set's order.
fn cases_by_rule(set: &EvalSet<'_>) -> Vec<Vec<usize>> {
    let sections = &set.spec.sections;
    let mut by_rule: Vec<Vec<usize>> = vec![Vec::new(); sections.len()];
    // The last case added to each rule, so a case testing two rules under
    // one ancestor is listed there once.
    let mut last: Vec<Option<usize>> = vec![None; sections.len()];
    for (c, case) in set.cases.iter().enumerate() {
        for &r in &case.rules {
            let mut at = Some(r);
            while let Some(i) = at {
                if last[i] == Some(c) {
                    break;
                }
                last[i] = Some(c);
                by_rule[i].push(c);
                at = sections[i].parent;
            }
        }
    }
    by_rule
}
