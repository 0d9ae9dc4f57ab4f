//! `specbook export`: the pipeline with one output, `spec.json` (docs/formats.md),
//! written to a file or stdout.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

use super::{EXIT_CONTENT_ERRORS, refused, report};
use crate::export::SpecJson;
use crate::pipeline::{self, Loader, Run};
use crate::sink::MemorySink;
use crate::site;

pub fn run(dir: &Path, out: Option<&Path>) -> Result<i32> {
    let run = pipeline::run(&mut Loader::new(dir), &[&SpecJson], |loaded| {
        report(&loaded.diagnostics);
        Ok(MemorySink::new())
    })?;
    let files = match run {
        Run::Refused { loaded, .. } => {
            refused(&loaded, "export", "nothing written");
            return Ok(EXIT_CONTENT_ERRORS);
        }
        Run::Written { sink, .. } => sink.into_files(),
    };
    let json = files
        .get(site::SPEC_JSON)
        .context("the spec.json output wrote nothing")?;
    match out {
        Some(path) => crate::output::write_file_atomic(path, json)
            .with_context(|| format!("failed to write `{}`", path.display()))?,
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(json)
                .context("failed to write to stdout")?;
        }
    }
    Ok(0)
}
