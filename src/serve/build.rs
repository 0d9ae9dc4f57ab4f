//! Rebuilds for `serve`: the one pipeline (`pipeline::load` →
//! `render::render_site`), with its caches kept between runs, into memory.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Result;
use serde::Serialize;

use super::{LIVE_RELOAD_ENDPOINT, LIVERELOAD_JS, RELOAD_SCRIPT_PATH};
use crate::diag::{Diagnostic, Diagnostics, Severity, print_diagnostics};
use crate::model::Spec;
use crate::pipeline::{self, ParseCache};
use crate::render::{CacheStats, RenderCache, RenderOptions, SiteFiles, render_site_cached};

/// Builds the site again and again, reusing what did not change.
pub struct SiteBuilder {
    dir: PathBuf,
    parse_cache: ParseCache,
    render_cache: RenderCache,
    opts: RenderOptions,
}

/// The result of one build.
pub enum Outcome {
    /// The site (without its search index), the warnings it has, what
    /// the caches did, and the spec the search index is to be built from.
    Built {
        files: SiteFiles,
        diagnostics: Diagnostics,
        work: Work,
        spec: Arc<Spec>,
    },
    /// Content errors (or an environment failure, as one diagnostic): the
    /// previous site stays.
    Failed { problems: Problems },
}

/// What an incremental build redid.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Work {
    /// Source files parsed again (the others came from the cache).
    pub parsed: Vec<String>,
    /// Reading, parsing and linking, in milliseconds.
    pub load_ms: f64,
    /// Rendering (search index aside), in milliseconds.
    pub render_ms: f64,
    #[serde(flatten)]
    pub render: CacheStats,
}

/// The payload of an `error` event: the diagnostics as data and as the
/// text `specbook check` prints.
#[derive(Debug, Clone, Serialize)]
pub struct Problems {
    pub diagnostics: Vec<Diagnostic>,
    pub text: String,
    #[serde(skip)]
    pub summary: String,
}

impl SiteBuilder {
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
            parse_cache: ParseCache::default(),
            render_cache: RenderCache::new(),
            opts: RenderOptions {
                live_reload: Some(LIVE_RELOAD_ENDPOINT.into()),
                defer_search: true,
            },
        }
    }

    /// Loads, links and renders everything but the search index (see
    /// [`search_index`]); never fails: every problem is an outcome.
    pub fn build(&mut self) -> Outcome {
        match self.try_build() {
            Ok(outcome) => outcome,
            Err(err) => Outcome::Failed {
                problems: Problems::from_error(&err),
            },
        }
    }

    fn try_build(&mut self) -> Result<Outcome> {
        let start = Instant::now();
        let loaded = pipeline::load_with_cache(&self.dir, &mut self.parse_cache)?;
        let load_ms = start.elapsed().as_secs_f64() * 1000.0;
        if loaded.diagnostics.has_errors() {
            return Ok(Outcome::Failed {
                problems: Problems::from_diagnostics(&loaded.diagnostics),
            });
        }
        let start = Instant::now();
        let mut files = render_site_cached(&loaded, &self.opts, &self.render_cache)?;
        let render_ms = start.elapsed().as_secs_f64() * 1000.0;
        files.insert(RELOAD_SCRIPT_PATH.into(), LIVERELOAD_JS.as_bytes().to_vec());
        Ok(Outcome::Built {
            files,
            diagnostics: loaded.diagnostics,
            work: Work {
                parsed: self.parse_cache.last_parsed().to_vec(),
                load_ms,
                render_ms,
                render: self.render_cache.stats(),
            },
            spec: Arc::new(loaded.spec),
        })
    }
}

/// The search index files of `spec`, as `render_site` would add them.
pub fn search_index(spec: &Spec) -> SiteFiles {
    crate::search::build_search_files(spec)
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect()
}

/// Whether a site path belongs to the search index.
pub fn is_search_index(path: &str) -> bool {
    path.strip_prefix(crate::search::build::DIR)
        .is_some_and(|rest| rest.starts_with('/'))
}

impl Problems {
    pub fn from_diagnostics(diags: &Diagnostics) -> Self {
        let sorted = diags.sorted();
        let mut out = Vec::new();
        let _ = print_diagnostics(&mut out, &sorted);
        let text = anstream::adapter::strip_str(&String::from_utf8_lossy(&out)).to_string();
        Self {
            diagnostics: sorted,
            text,
            summary: diags.summary(),
        }
    }

    /// An environment failure (unreadable `book.toml`, a template error):
    /// one diagnostic holding the whole cause chain.
    pub fn from_error(err: &anyhow::Error) -> Self {
        let message = err
            .chain()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(": ");
        Self {
            diagnostics: vec![Diagnostic {
                severity: Severity::Error,
                file: String::new(),
                line: 0,
                col: 0,
                message: message.clone(),
                source_line: None,
            }],
            text: format!("error: {message}\n"),
            summary: "1 error".into(),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("diagnostics serialise")
    }
}

/// Paths that differ between two sites: added, removed or changed.
pub fn changed_paths(old: &SiteFiles, new: &SiteFiles) -> Vec<String> {
    let mut out: Vec<String> = new
        .iter()
        .filter(|(path, bytes)| old.get(*path) != Some(*bytes))
        .map(|(path, _)| path.clone())
        .chain(old.keys().filter(|p| !new.contains_key(*p)).cloned())
        .collect();
    out.sort();
    out
}

/// The site served before the first good build: a page that loads the
/// reload script, so it shows the problems and reloads once they are fixed.
pub fn placeholder_site() -> Arc<SiteFiles> {
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>specbook: the spec does not build yet</title>\n</head>\n<body>\n<main>\n<h1>The spec does not build yet</h1>\n<p>Fix the problems listed in the terminal (and on this page); it reloads by itself.</p>\n</main>\n<script>window.SPECBOOK_LIVE_RELOAD={};</script><script src=\"/{RELOAD_SCRIPT_PATH}\"></script>\n</body>\n</html>\n",
        serde_json::to_string(LIVE_RELOAD_ENDPOINT).expect("string serialises")
    );
    let mut files = SiteFiles::new();
    files.insert("index.html".into(), page.clone().into_bytes());
    files.insert("404.html".into(), page.into_bytes());
    files.insert(RELOAD_SCRIPT_PATH.into(), LIVERELOAD_JS.as_bytes().to_vec());
    Arc::new(files)
}
