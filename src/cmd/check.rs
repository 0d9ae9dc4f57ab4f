//! `specbook check`: parse and link, print every problem, then a summary:
//! for a terminal (`text`), as data for other tools (`json`), or as GitHub
//! Actions workflow commands that annotate the lines of a pull request
//! (`github`). One source of diagnostics for CI, editors and people.

use std::path::Path;

use anyhow::Result;

use super::{EXIT_CONTENT_ERRORS, report};
use crate::diag::Severity;
use crate::pipeline;

/// How `check` prints the diagnostics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `file:line:col: error: …` with the source line, on stderr.
    #[default]
    Text,
    /// One JSON object on stdout: `diagnostics`, `summary`, `passed`.
    Json,
    /// GitHub Actions workflow commands on stdout (`::error file=…`).
    Github,
}

/// `coverage_min`: every rule must have at least this many examples
/// (its own and its sub-rules'), else an error at its heading.
pub fn run(
    dir: &Path,
    deny_warnings: bool,
    coverage_min: Option<usize>,
    format: Format,
) -> Result<i32> {
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
    let failed = diags.has_errors() || (deny_warnings && diags.count(Severity::Warning) > 0);
    let spec = &loaded.spec;
    match format {
        Format::Text => report(diags),
        Format::Github => {
            // GitHub resolves an annotation's file against the checkout's
            // root, where the workflow runs: paths relative to the working
            // directory (the project may be a folder of the repository).
            let cwd = std::env::current_dir().ok();
            let mut sorted = diags.sorted();
            for d in &mut sorted {
                let path = loaded.config.root.join(&d.file);
                let abs = std::path::absolute(&path).unwrap_or(path);
                if let Some(rel) = cwd.as_deref().and_then(|c| abs.strip_prefix(c).ok()) {
                    d.file = rel.to_string_lossy().replace('\\', "/");
                }
            }
            print!("{}", github_annotations(&sorted));
        }
        Format::Json => {
            let value = serde_json::json!({
                "passed": !failed,
                "summary": {
                    "errors": diags.count(Severity::Error),
                    "warnings": diags.count(Severity::Warning),
                    "sections": spec.sections.len(),
                    "examples": spec.examples().count(),
                    "eval_files": spec.evals.len(),
                },
                "diagnostics": diags.sorted(),
            });
            let mut out = serde_json::to_string_pretty(&value).expect("diagnostics serialise");
            out.push('\n');
            print!("{out}");
        }
    }
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

/// Diagnostics as GitHub Actions workflow commands: `::error file=F,line=L,
/// col=C,title=specbook::message`, one per line (a problem of a whole file
/// has no line).
pub fn github_annotations(diags: &[crate::diag::Diagnostic]) -> String {
    // https://docs.github.com/actions/reference/workflow-commands-for-github-actions
    let data = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let property = |s: &str| data(s).replace(':', "%3A").replace(',', "%2C");
    let mut out = String::new();
    for d in diags {
        let mut props = vec![format!("file={}", property(&d.file))];
        if d.line > 0 {
            props.push(format!("line={}", d.line));
            props.push(format!("col={}", d.col.max(1)));
        }
        props.push("title=specbook".to_owned());
        out.push_str(&format!(
            "::{} {}::{}\n",
            d.severity.as_str(),
            props.join(","),
            data(&d.message)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostic;

    #[test]
    fn annotations_escape_what_github_reads_as_syntax() {
        let d = |line, file: &str, message: &str| Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            line,
            col: 4,
            message: message.into(),
            source_line: None,
        };
        assert_eq!(
            github_annotations(&[
                d(
                    3,
                    "content/a,b.md",
                    "reference `x` is 100% broken:\nsee [?](#y)"
                ),
                d(0, "book.toml", "unknown key"),
            ]),
            "::error file=content/a%2Cb.md,line=3,col=4,title=specbook::reference `x` is 100%25 broken:%0Asee [?](#y)\n::error file=book.toml,title=specbook::unknown key\n"
        );
    }
}
