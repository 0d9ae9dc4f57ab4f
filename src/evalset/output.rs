//! The eval formats as outputs of the pipeline: one format for `export`
//! (filtered), and the site's downloads (every format, for the whole spec
//! and for each rule with examples).

use anyhow::Result;

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

/// Where a format's download sits: `downloads/evals/<prefix>...`.
fn download_paths(prefix: &str, format: Format) -> Vec<String> {
    let dir = format!("{DOWNLOADS_DIR}/{prefix}");
    match format {
        Format::Inspect => vec![
            format!("{dir}inspect/{INSPECT_DATASET}"),
            format!("{dir}inspect/{INSPECT_TASK}"),
        ],
        Format::Trl => vec![format!("{dir}{TRL_FILE}")],
        Format::Promptfoo => vec![format!("{dir}{PROMPTFOO_FILE}")],
    }
}

/// The download of `format` for the whole spec (its first file).
pub fn spec_download(format: Format) -> String {
    download_paths("", format).remove(0)
}

/// The download of `format` for rule `id` and its sub-rules.
pub fn rule_download(id: &str, format: Format) -> String {
    download_paths(&rule_prefix(id), format).remove(0)
}

fn rule_prefix(id: &str) -> String {
    format!("rules/{}/", crate::site::page_stem(id))
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
#[derive(Debug, Default)]
pub struct EvalDownloads;

impl Output for EvalDownloads {
    fn name(&self) -> &'static str {
        "eval downloads"
    }

    fn write(&self, edition: &Edition<'_>, sink: &dyn Sink) -> Result<()> {
        let set = EvalSet::new(edition.config, edition.spec);
        let write_set = |prefix: &str, set: &EvalSet<'_>| -> Result<()> {
            for format in Format::ALL {
                for (path, (_, text)) in download_paths(prefix, format)
                    .into_iter()
                    .zip(files(format, set))
                {
                    sink.put(path, text.into_bytes())?;
                }
            }
            Ok(())
        };
        write_set("", &set)?;
        for (i, has) in rules_with_cases(edition.spec).into_iter().enumerate() {
            if !has {
                continue;
            }
            let cases = set.of_rule(i).into_iter().cloned().collect();
            let rule_set = EvalSet {
                spec: set.spec,
                config: set.config,
                cases,
            };
            write_set(&rule_prefix(&edition.spec.sections[i].id), &rule_set)?;
        }
        Ok(())
    }
}
