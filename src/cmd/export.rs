//! `specbook export`: the pipeline with one output, `spec.json`
//! (docs/formats.md) or an eval format (`inspect`, `trl`, `promptfoo`),
//! written to a file, a folder or stdout.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, bail};

use super::{EXIT_CONTENT_ERRORS, refused, report};
use crate::evalset::formats::Format as EvalFormat;
use crate::evalset::output::{EvalExport, FilterArgs};
use crate::export::SpecJson;
use crate::outputs::Output;
use crate::pipeline::{self, Loader, Run};
use crate::sink::MemorySink;
use crate::site;

/// What `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The whole parsed spec (docs/formats.md).
    SpecJson,
    /// Inspect AI: `-o DIR` gets dataset.jsonl and task.py.
    Inspect,
    /// TRL preference pairs (conversational), JSON Lines.
    Trl,
    /// A promptfoo test file (YAML).
    Promptfoo,
}

impl Format {
    fn eval(self) -> Option<EvalFormat> {
        match self {
            Format::SpecJson => None,
            Format::Inspect => Some(EvalFormat::Inspect),
            Format::Trl => Some(EvalFormat::Trl),
            Format::Promptfoo => Some(EvalFormat::Promptfoo),
        }
    }
}

pub struct ExportOptions<'a> {
    pub format: Format,
    pub out: Option<&'a Path>,
    pub filter: FilterArgs,
}

pub fn run(dir: &Path, opts: &ExportOptions<'_>) -> Result<i32> {
    let eval = opts.format.eval();
    let filtered = !opts.filter.rules.is_empty()
        || opts.filter.authority.is_some()
        || opts.filter.verdict.is_some();
    if eval.is_none() && filtered {
        bail!(
            "--rule, --authority and --verdict apply to the eval formats (inspect, trl, promptfoo), not to spec.json"
        );
    }
    if eval == Some(EvalFormat::Inspect) && opts.out.is_none() {
        bail!(
            "--format inspect writes two files (dataset.jsonl, task.py): give a folder with -o DIR"
        );
    }
    let eval_output = eval.map(|format| EvalExport {
        format,
        filter: opts.filter.clone(),
    });
    let output: &dyn Output = match &eval_output {
        Some(o) => o,
        None => &SpecJson,
    };
    let run = pipeline::run(&mut Loader::new(dir), &[output], |loaded| {
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
    if eval == Some(EvalFormat::Inspect) {
        let dir = opts.out.expect("checked above");
        std::fs::create_dir_all(dir)
            .with_context(|| format!("failed to create `{}`", dir.display()))?;
        for (name, bytes) in files.iter() {
            let path = dir.join(name);
            crate::output::write_file_atomic(&path, bytes)
                .with_context(|| format!("failed to write `{}`", path.display()))?;
        }
        return Ok(0);
    }
    let name = match eval {
        None => site::SPEC_JSON,
        Some(EvalFormat::Trl) => crate::evalset::output::TRL_FILE,
        Some(_) => crate::evalset::output::PROMPTFOO_FILE,
    };
    let bytes = files
        .get(name)
        .with_context(|| format!("the {} output wrote nothing", output.name()))?;
    match opts.out {
        Some(path) => crate::output::write_file_atomic(path, bytes)
            .with_context(|| format!("failed to write `{}`", path.display()))?,
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(bytes)
                .context("failed to write to stdout")?;
        }
    }
    Ok(0)
}
