//! The one pipeline every command runs: load → parse → link (→ render →
//! write, in `render` and `output`). `check`, `export`, `build` and `serve`
//! are modes of it, never copies.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Result;
use rayon::prelude::*;

use crate::config::Config;
use crate::diag::Diagnostics;
use crate::link::{SourceLines, link};
use crate::load::{Sources, load_sources};
use crate::model::{SourceFile, Spec};
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
    load_inner(path, None)
}

/// [`load`] for repeated runs (`serve`): files whose text is unchanged
/// since the last run are not parsed again; linking always runs in full.
pub fn load_with_cache(path: &Path, cache: &mut ParseCache) -> Result<Loaded> {
    load_inner(path, Some(cache))
}

fn load_inner(path: &Path, cache: Option<&mut ParseCache>) -> Result<Loaded> {
    let mut diags = Diagnostics::new();
    let config = Config::discover(path, &mut diags)?;
    let sources = load_sources(&config, &mut diags)?;
    let spec = link_sources_with(&config, &sources, cache, &mut diags);
    Ok(Loaded {
        config,
        sources,
        spec,
        diagnostics: diags,
    })
}

/// Parse (in parallel, one file per task) and link already-read sources.
pub fn link_sources(config: &Config, sources: &Sources, diags: &mut Diagnostics) -> Spec {
    link_sources_with(config, sources, None, diags)
}

fn link_sources_with(
    config: &Config,
    sources: &Sources,
    mut cache: Option<&mut ParseCache>,
    diags: &mut Diagnostics,
) -> Spec {
    if let Some(cache) = cache.as_deref_mut() {
        cache.last_parsed.clear();
    }
    let mut take = |files: &[SourceFile]| -> Vec<ParsedFile> {
        let parsed = match cache.as_deref_mut() {
            Some(cache) => cache.parse_all(files),
            None => parse_all(files),
        };
        parsed
            .into_iter()
            .map(|(p, d)| {
                diags.extend(d);
                p
            })
            .collect()
    };
    let spec_files = take(&sources.spec_files);
    let eval_files = take(&sources.eval_files);
    if let Some(cache) = cache {
        cache.retain(sources);
    }
    let lines = SourceLines::new(sources.spec_files.iter().chain(&sources.eval_files));
    link(config, spec_files, eval_files, &lines, diags)
}

fn parse_all(files: &[SourceFile]) -> Vec<(ParsedFile, Diagnostics)> {
    files.par_iter().map(parse_one).collect()
}

fn parse_one(f: &SourceFile) -> (ParsedFile, Diagnostics) {
    let mut d = Diagnostics::new();
    let parsed = parse_file(f, &mut d);
    (parsed, d)
}

/// Parsed files by path, with the exact text they were parsed from, so a
/// file is parsed again only when its text changed (compared in full, not
/// by hash: a stale parse can never be served).
#[derive(Debug, Default)]
pub struct ParseCache {
    files: HashMap<String, CachedParse>,
    last_parsed: Vec<String>,
}

#[derive(Debug)]
struct CachedParse {
    text: String,
    parsed: ParsedFile,
    diags: Diagnostics,
}

impl ParseCache {
    /// Paths of the files the last run parsed (not taken from the cache).
    pub fn last_parsed(&self) -> &[String] {
        &self.last_parsed
    }

    fn parse_all(&mut self, files: &[SourceFile]) -> Vec<(ParsedFile, Diagnostics)> {
        let stale: Vec<&SourceFile> = files
            .iter()
            .filter(|f| self.files.get(&f.path).is_none_or(|c| c.text != f.text))
            .collect();
        let fresh: Vec<(ParsedFile, Diagnostics)> =
            stale.par_iter().map(|f| parse_one(f)).collect();
        for (f, (parsed, diags)) in stale.into_iter().zip(fresh) {
            self.last_parsed.push(f.path.clone());
            let entry = CachedParse {
                text: f.text.clone(),
                parsed,
                diags,
            };
            self.files.insert(f.path.clone(), entry);
        }
        files
            .iter()
            .map(|f| {
                let c = &self.files[&f.path];
                (c.parsed.clone(), c.diags.clone())
            })
            .collect()
    }

    /// Forgets files that are no longer part of the spec.
    fn retain(&mut self, sources: &Sources) {
        let live: std::collections::HashSet<&str> = sources
            .spec_files
            .iter()
            .chain(&sources.eval_files)
            .map(|f| f.path.as_str())
            .collect();
        self.files.retain(|p, _| live.contains(p.as_str()));
    }
}
