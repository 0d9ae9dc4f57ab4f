//! `specbook check`: parse and link, print every problem, then a summary.

use std::path::Path;

use anyhow::Result;

use super::{EXIT_CONTENT_ERRORS, report};
use crate::diag::Severity;
use crate::pipeline;

/// `coverage_min`: every rule must have at least this many examples
/// (its own and its sub-rules'), else an error at its heading.
pub fn run(dir: &Path, deny_warnings: bool, coverage_min: Option<usize>) -> Result<i32> {
    let mut loaded = pipeline::load(dir)?;
    if let Some(min) = coverage_min {
        for (i, n) in crate::coverage::below(&loaded.spec, min) {
            let s = &loaded.spec.sections[i];
            loaded.diagnostics.error_at(
                &s.source,
                None,
                format!(
                    "rule `{}` has {n} example(s) (its own and its sub-rules'), fewer than --coverage-min {min}",
                    s.id
                ),
            );
        }
    }
    let diags = &loaded.diagnostics;
    report(diags);
    let failed = diags.has_errors() || (deny_warnings && diags.count(Severity::Warning) > 0);
    let spec = &loaded.spec;
    let summary = format!(
        "{}: {} sections, {} examples, {} eval files; {}",
        if failed {
            "check failed"
        } else {
            "check passed"
        },
        spec.sections.len(),
        spec.examples().count(),
        spec.evals.len(),
        diags.summary()
    );
    eprintln!("{summary}");
    Ok(if failed { EXIT_CONTENT_ERRORS } else { 0 })
}
