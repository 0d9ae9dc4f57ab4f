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
/// the files of its rule and of each ancestor. The whole spec's file is
/// streamed (records made in batches, in parallel); then, chapter by
/// chapter, the records of the chapter's cases are made once and every
/// rule file of the chapter is written from them. Memory holds a batch and
/// a chapter or two of records, never a format's whole set.
#[derive(Debug, Default)]
pub struct EvalDownloads;

/// Cases serialised at once for the whole spec's file.
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
        // The rules with downloads, by chapter (the top-level section
        // above them, whose cases hold theirs).
        let mut by_chapter: Vec<Vec<usize>> = vec![Vec::new(); spec.sections.len()];
        for i in (0..spec.sections.len()).filter(|&i| has[i]) {
            let mut top = i;
            while let Some(p) = spec.sections[top].parent {
                top = p;
            }
            by_chapter[top].push(i);
        }
        let chapters: Vec<(usize, Vec<usize>)> = by_chapter
            .into_iter()
            .enumerate()
            .filter(|(_, rules)| !rules.is_empty())
            .collect();
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
                for start in (0..n).step_by(BATCH) {
                    let batch: Vec<String> = (start..(start + BATCH).min(n))
                        .into_par_iter()
                        .map(|c| record(format, c))
                        .collect();
                    batch.iter().try_for_each(|r| out.write_all(r.as_bytes()))?;
                }
                Ok(())
            })?;
            if let Some(task_path) = paths.next() {
                sink.put(task_path, task.clone().into_bytes())?;
            }
            chapters.par_iter().try_for_each(|(chapter, rules)| {
                let cases = &by_rule[*chapter];
                let records: Vec<String> = cases.iter().map(|&c| record(format, c)).collect();
                for &rule in rules {
                    // A rule's cases are a subsequence of its chapter's.
                    let mut at = 0;
                    let mine: Vec<&str> = by_rule[rule]
                        .iter()
                        .map(|c| {
                            at += cases[at..].partition_point(|x| x < c);
                            records[at].as_str()
                        })
                        .collect();
                    write(format, &spec.sections[rule].id, &mine)?;
                }
                Ok::<(), anyhow::Error>(())
            })?;
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
