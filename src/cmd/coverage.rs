//! `specbook coverage`: which rules have examples on both sides, eval
//! prompts, and a score (the compliance page's coverage table, in the
//! terminal).

use std::path::Path;

use anyhow::{Context, Result};
use serde_json::{Value, json};

use super::report;
use super::results::{Format, percent};
use crate::coverage::{RuleCoverage, coverage};
use crate::pipeline::Loader;

pub fn run(dir: &Path, format: Format) -> Result<i32> {
    let loaded = Loader::new(dir)
        .load()
        .with_context(|| format!("failed to read the spec at `{}`", dir.display()))?;
    if loaded.diagnostics.has_errors() {
        report(&loaded.diagnostics);
        super::refused(&loaded, "coverage", "nothing printed");
        return Ok(super::EXIT_CONTENT_ERRORS);
    }
    let spec = &loaded.spec;
    let rules = coverage(spec, &loaded.compliance);
    match format {
        Format::Json => {
            let rows: Vec<Value> = rules.iter().map(|c| row_json(spec, c)).collect();
            let mut s = serde_json::to_string_pretty(&json!({ "rules": rows }))
                .expect("coverage serialises");
            s.push('\n');
            print!("{s}");
        }
        Format::Text => print!("{}", to_text(spec, &rules)),
    }
    Ok(0)
}

fn row_json(spec: &crate::model::Spec, c: &RuleCoverage) -> Value {
    let s = &spec.sections[c.rule];
    json!({
        "id": s.id,
        "title": s.title,
        "examples": c.examples,
        "compliant": c.compliant,
        "violating": c.violating,
        "eval_prompts": c.eval_prompts,
        "latest_score": c.latest_score,
        "gaps": c.gaps(),
    })
}

fn to_text(spec: &crate::model::Spec, rules: &[RuleCoverage]) -> String {
    let width = rules
        .iter()
        .map(|c| spec.sections[c.rule].id.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut out = format!(
        "{:width$}  {:>9}  {:>9}  {:>5}  {:>8}  gaps\n",
        "rule", "compliant", "violating", "evals", "score"
    );
    for c in rules {
        out.push_str(&format!(
            "{:width$}  {:>9}  {:>9}  {:>5}  {:>8}  {}\n",
            spec.sections[c.rule].id,
            c.compliant,
            c.violating,
            c.eval_prompts,
            if c.ever_run {
                percent(c.latest_score)
            } else {
                "-".into()
            },
            c.gaps().join(", ")
        ));
    }
    let gaps = rules.iter().filter(|c| !c.gaps().is_empty()).count();
    out.push_str(&format!(
        "\n{} rules, {gaps} with gaps (listed first)\n",
        rules.len()
    ));
    out
}
