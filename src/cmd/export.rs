//! `specbook export`: write `spec.json` (EXPORT.md) to a file or stdout.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

use super::{EXIT_CONTENT_ERRORS, load_or_report};
use crate::export;

pub fn run(dir: &Path, out: Option<&Path>) -> Result<i32> {
    let Some(loaded) = load_or_report(dir, "export", "nothing written")? else {
        return Ok(EXIT_CONTENT_ERRORS);
    };
    let json = export::to_json(&loaded.spec);
    match out {
        Some(path) => crate::output::write_file_atomic(path, json.as_bytes())
            .with_context(|| format!("failed to write `{}`", path.display()))?,
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(json.as_bytes())
                .context("failed to write to stdout")?;
        }
    }
    Ok(0)
}
