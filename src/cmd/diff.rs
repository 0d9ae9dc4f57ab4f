//! `specbook diff OLD NEW`: what changed between two versions, rule by
//! rule, as text, JSON (the contract in docs/formats.md) or markdown.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

use super::report;
use crate::diff::{diff, to_markdown, to_text};
use crate::pipeline::{self, Loaded};

/// How the diff is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For a terminal (coloured when it is one).
    Text,
    /// The contract of docs/formats.md.
    Json,
    /// For a pull-request comment or release notes.
    Markdown,
}

/// Exit 0 whether or not the versions differ; errors (exit 2) are for
/// versions that cannot be read.
pub fn run(old: &str, new: &str, format: Format) -> Result<i32> {
    let (old_spec, old_label) = load_version(old)?;
    let (new_spec, new_label) = load_version(new)?;
    let d = diff(&old_spec, &old_label, &new_spec, &new_label);
    let text = match format {
        Format::Json => d.to_json(),
        Format::Markdown => to_markdown(&d),
        Format::Text => to_text(&d),
    };
    let mut out = anstream::stdout().lock();
    out.write_all(text.as_bytes())
        .context("failed to write to stdout")?;
    out.flush().context("failed to write to stdout")?;
    Ok(0)
}

/// Loads one side of the comparison; its problems are printed as found
/// (a version with errors is still compared, as far as it was read).
fn load_version(arg: &str) -> Result<(Loaded, String)> {
    let path = Path::new(arg);
    let loaded =
        pipeline::load(path).with_context(|| format!("cannot read the version `{arg}`"))?;
    if loaded.diagnostics.has_errors() {
        report(&loaded.diagnostics);
        eprintln!(
            "warning: `{arg}` has problems ({}); it is compared as far as it could be read",
            loaded.diagnostics.summary()
        );
    }
    Ok((loaded, label_of(path)))
}

/// A folder's (or file's) name as the version's label.
fn label_of(path: &Path) -> String {
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}
