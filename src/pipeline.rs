//! The one pipeline every command runs: load → parse → link (→ render →
//! write, in `render` and `output`). `check`, `export`, `build` and `serve`
//! are modes of it, never copies.

use std::path::Path;

use anyhow::Result;
use rayon::prelude::*;

use crate::config::Config;
use crate::diag::Diagnostics;
use crate::link::{SourceLines, link};
use crate::load::{Sources, load_sources};
use crate::model::Spec;
use crate::parse::{ParsedFile, parse_file};

/// A spec read from disk and linked, with every problem found on the way.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: Config,
    pub sources: Sources,
    pub spec: Spec,
    pub diagnostics: Diagnostics,
}

/// Reads and links the spec at `path` (a project folder or a markdown file).
/// Content problems land in `Loaded::diagnostics`; only environment
/// failures (unreadable folder, broken `book.toml`) are errors.
pub fn load(path: &Path) -> Result<Loaded> {
    let mut diags = Diagnostics::new();
    let config = Config::discover(path, &mut diags)?;
    let sources = load_sources(&config, &mut diags)?;
    let spec = link_sources(&config, &sources, &mut diags);
    Ok(Loaded {
        config,
        sources,
        spec,
        diagnostics: diags,
    })
}

/// Parse (in parallel, one file per task) and link already-read sources.
pub fn link_sources(config: &Config, sources: &Sources, diags: &mut Diagnostics) -> Spec {
    let parse_all = |files: &[crate::model::SourceFile]| -> Vec<(ParsedFile, Diagnostics)> {
        files
            .par_iter()
            .map(|f| {
                let mut d = Diagnostics::new();
                let parsed = parse_file(f, &mut d);
                (parsed, d)
            })
            .collect()
    };
    let mut take = |v: Vec<(ParsedFile, Diagnostics)>| -> Vec<ParsedFile> {
        v.into_iter()
            .map(|(p, d)| {
                diags.extend(d);
                p
            })
            .collect()
    };
    let spec_files = take(parse_all(&sources.spec_files));
    let eval_files = take(parse_all(&sources.eval_files));
    let lines = SourceLines::new(sources.spec_files.iter().chain(&sources.eval_files));
    link(config, spec_files, eval_files, &lines, diags)
}
