//! `specbook results`: eval logs joined with the spec, rule by rule, in
//! the terminal (the same figures as the compliance page).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::{Map, Value, json};

use super::report;
use crate::pipeline::Loader;
use crate::results::{Compliance, Figures, RunFigures, join, logs_in, read_files};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Prints the results of `logs` (files or folders; the project's
/// `[evals] logs` when empty) for the spec at `project`.
pub fn run(logs: &[PathBuf], project: &Path, format: Format) -> Result<i32> {
    let mut loaded = Loader::new(project)
        .load()
        .with_context(|| format!("failed to read the spec at `{}`", project.display()))?;
    let compliance = if logs.is_empty() {
        loaded.compliance.clone()
    } else {
        let mut files = Vec::new();
        for path in logs {
            if path.is_dir() {
                files.extend(logs_in(path));
            } else {
                files.push(path.clone());
            }
        }
        // The project's own diagnostics are `check`'s business: only what
        // reading these logs finds is reported.
        let mut diags = crate::diag::Diagnostics::new();
        let results = read_files(&loaded.config, &files, &mut diags);
        let joined = join(&loaded.config, &loaded.spec, &results, &mut diags);
        loaded.diagnostics = diags;
        joined
    };
    let log_warnings: crate::diag::Diagnostics = {
        let mut d = crate::diag::Diagnostics::new();
        for x in loaded.diagnostics.iter().filter(|d| is_log_warning(d)) {
            d.push(x.clone());
        }
        d
    };
    report(&log_warnings);
    let out = match format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&to_json(&loaded.spec, &compliance))
                .expect("results serialise");
            s.push('\n');
            s
        }
        Format::Text => to_text(&loaded.spec, &compliance),
    };
    print!("{out}");
    Ok(0)
}

fn is_log_warning(d: &crate::diag::Diagnostic) -> bool {
    d.message.starts_with("eval log") || d.message.starts_with("[evals]")
}

fn figures_json(f: &Figures) -> Value {
    json!({"samples": f.samples, "scored": f.scored, "score": f.score()})
}

/// `{"runs": [{"log", "model", "task", "created", "rules": {id: {samples,
/// scored, score}}}]}`: each rule's own samples.
pub fn to_json(spec: &crate::model::Spec, compliance: &Compliance) -> Value {
    let runs: Vec<Value> = compliance
        .runs
        .iter()
        .map(|r| {
            let mut rules = Map::new();
            for (i, f) in r.own.iter().enumerate() {
                if f.samples > 0 {
                    rules.insert(spec.sections[i].id.clone(), figures_json(f));
                }
            }
            for (id, f) in &r.unknown {
                rules.insert(id.clone(), figures_json(f));
            }
            json!({
                "log": r.run.log,
                "model": r.run.model,
                "task": r.run.task,
                "created": r.run.created,
                "status": r.run.status,
                "scorer": r.run.scorer,
                "rules": rules,
                "unknown_rules": r.unknown.iter().map(|(id, _)| id).collect::<Vec<_>>(),
                "unmatched_samples": r.unmatched,
            })
        })
        .collect();
    json!({ "runs": runs })
}

/// The score as a percentage, or `unscored`.
pub fn percent(score: Option<f64>) -> String {
    match score {
        Some(s) => format!("{:.0}%", s * 100.0),
        None => "unscored".into(),
    }
}

/// One table per run: its rules, worst first.
pub fn to_text(spec: &crate::model::Spec, compliance: &Compliance) -> String {
    if compliance.runs.is_empty() {
        return "no eval logs (put Inspect logs in eval-logs/ or name them in [evals] logs)\n"
            .into();
    }
    let mut out = String::new();
    for r in &compliance.runs {
        out.push_str(&run_heading(r));
        let mut rows: Vec<(&str, &Figures)> = r
            .own
            .iter()
            .enumerate()
            .filter(|(_, f)| f.samples > 0)
            .map(|(i, f)| (spec.sections[i].id.as_str(), f))
            .collect();
        rows.extend(r.unknown.iter().map(|(id, f)| (id.as_str(), f)));
        rows.sort_by(|a, b| worst_first(a.1, b.1));
        let width = rows
            .iter()
            .map(|(id, _)| id.len())
            .max()
            .unwrap_or(4)
            .max(4);
        out.push_str(&format!(
            "  {:width$}  {:>7}  {:>6}  {:>8}\n",
            "rule", "samples", "scored", "score"
        ));
        for (id, f) in rows {
            let unknown = if spec.section_index.contains_key(id) {
                ""
            } else {
                "  (not in the spec)"
            };
            out.push_str(&format!(
                "  {id:width$}  {:>7}  {:>6}  {:>8}{unknown}\n",
                f.samples,
                f.scored,
                percent(f.score())
            ));
        }
        if r.unmatched > 0 {
            out.push_str(&format!(
                "  {} sample(s) matched no rule (no metadata.rule_id, an id specbook did not export)\n",
                r.unmatched
            ));
        }
        out.push('\n');
    }
    out
}

fn run_heading(r: &RunFigures) -> String {
    format!(
        "{}\n  model {} · task {} · created {} · status {}\n",
        r.run.log, r.run.model, r.run.task, r.run.created, r.run.status
    )
}

/// Lowest score first; unscored after scored; then by sample count.
pub fn worst_first(a: &Figures, b: &Figures) -> std::cmp::Ordering {
    match (a.score(), b.score()) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    }
    .then(b.samples.cmp(&a.samples))
}
