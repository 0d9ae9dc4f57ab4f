//! `specbook check`: parse and link, print every problem, then a summary.

use std::path::Path;

use anyhow::Result;

use super::{EXIT_CONTENT_ERRORS, report};
use crate::diag::Severity;
use crate::pipeline;

pub fn run(dir: &Path, deny_warnings: bool) -> Result<i32> {
    let loaded = pipeline::load(dir)?;
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
