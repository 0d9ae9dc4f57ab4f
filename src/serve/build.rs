//! Rebuilds for `serve`: the one pipeline into memory, with the outputs'
//! caches kept between runs. The search index is an output of its own,
//! run just after the pages are served ([`search_index`]).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;
use bytes::Bytes;
use serde::Serialize;

use super::{LIVE_RELOAD_ENDPOINT, LIVERELOAD_JS, RELOAD_SCRIPT_PATH};
use crate::diag::{Diagnostic, Diagnostics, Severity, print_diagnostics};
use crate::evalset::output::EvalDownloads;
use crate::export::SpecJson;
use crate::outputs::{Output, write_all};
use crate::pipeline::{self, Loaded, Loader, Run};
use crate::render::{CacheStats, Focus, Pages};
use crate::search::{CachedSearchIndex, SearchIndex};
use crate::sink::{MemorySink, SiteFiles};
use crate::versions::output::VersionsFiles;

/// Builds the site again and again, reusing what did not change.
pub struct SiteBuilder {
    dir: std::path::PathBuf,
    loader: Loader,
    pages: Pages,
    /// `[versions]`: the newest earlier release, read on the first build
    /// (`None` until then; `Some(None)` when there is none or it cannot be
    /// read). The working copy is shown as the current release against
    /// it: History panels and `changes/<latest>...<current>.html`, made
    /// again on every save.
    latest: Option<Option<crate::versions::LoadedRelease>>,
    /// The latest release's own pages, rendered once: they do not change
    /// while the author edits.
    latest_files: Option<SiteFiles>,
    /// Extra outputs run after the site's own (tests use it to make a
    /// rebuild panic).
    extra: Vec<Box<dyn Output + Send>>,
    /// The site's files as last made (by a build, or after it by
    /// [`SiteBuilder::deferred_pages`]): a page a build leaves out is
    /// served as it was until it is made again.
    last_pages: SiteFiles,
}

/// The result of one build.
pub enum Outcome {
    /// The site (without its search index), the warnings it has, what
    /// the caches did, and the loaded spec the search index is to be
    /// built from.
    Built {
        files: SiteFiles,
        diagnostics: Diagnostics,
        work: Work,
        loaded: Arc<Loaded>,
    },
    /// Content errors (or an environment failure or an internal error, as
    /// one diagnostic): the previous site stays.
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
            loader: Loader::watched(dir),
            pages: live_pages(),
            latest: None,
            latest_files: None,
            extra: Vec::new(),
            last_pages: SiteFiles::new(),
        }
    }

    /// [`SiteBuilder::build`] after the file watcher reported `changed`:
    /// those files are read again, the others the last build read are
    /// reused (at 10x, 1,140 eval-prompt files are not read on every save).
    /// `complete` is false when the watcher may have lost an event: then
    /// every file is read.
    ///
    /// When every change is to a markdown file, the pages the edit touched
    /// are made first, the others just after ([`Pages::deferring`]); any
    /// other change (configuration, templates, styles, eval logs) may
    /// touch every page.
    pub fn build_after(&mut self, changed: &[PathBuf], complete: bool) -> Outcome {
        self.loader.files_changed(changed);
        if !complete {
            self.loader.anything_changed();
        }
        let focused = complete
            && !changed.is_empty()
            && changed
                .iter()
                .all(|p| p.extension().is_some_and(|e| e == "md"));
        self.build_reading_changed(focused)
    }

    /// Adds an output run after the site's own.
    #[cfg(test)]
    pub fn with_output(mut self, output: Box<dyn Output + Send>) -> Self {
        self.extra.push(output);
        self
    }

    /// Loads, links and renders everything but the search index (see
    /// [`search_index`]); never fails and never panics: every problem is
    /// an outcome. After a panic (a bug), the caches are dropped, since the
    /// panic may have left them half-updated; the next build starts afresh.
    pub fn build(&mut self) -> Outcome {
        self.loader.anything_changed();
        let mut outcome = self.build_reading_changed(false);
        if let Outcome::Built { files, loaded, .. } = &mut outcome {
            match self.deferred_pages(loaded) {
                Ok(pages) => files.extend(pages),
                Err(problems) => return Outcome::Failed { problems },
            }
        }
        outcome
    }

    /// The pages the last build left out to serve the edited ones sooner
    /// (`all.html`, which every save changes and which is the longest to
    /// make, and the pages the edit did not touch), made now; empty when
    /// nothing was left out. Until they are published the site keeps the
    /// previous ones ([`SiteBuilder::build_after`]).
    pub fn deferred_pages(&mut self, loaded: &Loaded) -> Result<Vec<(String, Bytes)>, Problems> {
        let made = catch_unwind(AssertUnwindSafe(|| {
            self.pages.render_deferred(&loaded.edition())
        }));
        match made {
            Ok(Ok(pages)) => {
                for (path, bytes) in &pages {
                    self.last_pages.insert(path.clone(), bytes.clone());
                }
                Ok(pages)
            }
            Ok(Err(err)) => Err(Problems::from_error(&err)),
            Err(panic) => {
                self.loader.reset();
                self.pages = live_pages();
                self.last_pages.clear();
                Err(Problems::internal_error(&panic_message(&*panic)))
            }
        }
    }

    /// `focused`: the change was to markdown files only, so the render may
    /// serve the pages the edit touched first.
    fn build_reading_changed(&mut self, focused: bool) -> Outcome {
        match catch_unwind(AssertUnwindSafe(|| self.try_build(focused))) {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(err)) => Outcome::Failed {
                problems: Problems::from_error(&err),
            },
            Err(panic) => {
                self.loader.reset();
                self.pages = live_pages();
                Outcome::Failed {
                    problems: Problems::internal_error(&panic_message(&*panic)),
                }
            }
        }
    }

    fn try_build(&mut self, focused: bool) -> Result<Outcome> {
        // `spec.json` is not among them: it is made when requested
        // ([`LazyFiles`]), from the spec of the build being served.
        let mut outputs: Vec<&dyn Output> = vec![
            &self.pages,
            &VersionsFiles,
            &TranslationsOnly(&SearchIndex),
            &TranslationsOnly(&SpecJson),
            &TranslationsOnly(&EvalDownloads),
        ];
        outputs.extend(self.extra.iter().map(|o| &**o as &dyn Output));
        if self.latest.is_none() {
            self.latest = Some(read_latest_release(&self.dir));
        }
        let given = match &self.latest {
            Some(Some(latest)) => std::slice::from_ref(latest),
            _ => &[],
        };
        let pages = &self.pages;
        let versioned = pipeline::run_versioned(
            &mut self.loader,
            &outputs,
            pipeline::Releases::Given(given),
            |loaded| {
                pages.focus_next(focused.then(|| Focus {
                    sections: loaded.touched_sections.clone(),
                    evals: loaded.touched_files.iter().cloned().collect(),
                }));
                Ok(MemorySink::new())
            },
            |_, _, _| {},
        )?;
        if let (Some(site), Some(latest), None) =
            (&versioned.site, given.first(), &self.latest_files)
        {
            let sink = MemorySink::new();
            let pages = Pages::new();
            let release_outputs: [&dyn Output; 3] = [&pages, &SearchIndex, &SpecJson];
            pipeline::write_release(site, 1, latest, &release_outputs, &sink)?;
            self.latest_files = Some(sink.into_files());
        }
        let run = versioned.run;
        let (loaded, sink, load_time, write_time) = match run {
            Run::Refused { loaded, .. } => {
                return Ok(Outcome::Failed {
                    problems: Problems::from_diagnostics(&loaded.diagnostics),
                });
            }
            Run::Written {
                loaded,
                sink,
                load_time,
                write_time,
            } => (loaded, sink, load_time, write_time),
        };
        let mut files = sink.into_files();
        // The pages left out are served as they were until made again.
        for path in self.pages.deferred_paths() {
            let last = self.last_pages.get(&path);
            if let (false, Some(bytes)) = (files.contains_key(&path), last) {
                files.insert(path, bytes.clone());
            }
        }
        if let Some(release) = &self.latest_files {
            files.extend(release.iter().map(|(p, b)| (p.clone(), b.clone())));
        }
        files.insert(RELOAD_SCRIPT_PATH.into(), LIVERELOAD_JS.as_bytes().into());
        self.last_pages = files.clone();
        Ok(Outcome::Built {
            files,
            diagnostics: loaded.diagnostics.clone(),
            work: Work {
                parsed: self.loader.last_parsed().to_vec(),
                load_ms: load_time.as_secs_f64() * 1000.0,
                render_ms: write_time.as_secs_f64() * 1000.0,
                render: self.pages.stats(),
            },
            loaded: Arc::new(loaded),
        })
    }
}

/// An output run for the translations only: the source language's search
/// index, `spec.json` and eval downloads are made apart (after the pages are served, and
/// on request), a translation's with its pages, on every save (so a
/// translated preview has its own search).
struct TranslationsOnly<'o>(&'o dyn Output);

impl Output for TranslationsOnly<'_> {
    fn name(&self) -> &'static str {
        self.0.name()
    }

    fn write(
        &self,
        edition: &crate::outputs::Edition<'_>,
        sink: &dyn crate::sink::Sink,
    ) -> Result<()> {
        match edition.languages {
            Some(l) if !l.is_source() => self.0.write(edition, sink),
            _ => Ok(()),
        }
    }
}

/// The newest release of `[versions]` in the project at `dir`, read; `None`
/// without one. One that cannot be read is a warning, once: the preview
/// then shows the working copy alone.
fn read_latest_release(dir: &Path) -> Option<crate::versions::LoadedRelease> {
    let config = crate::config::Config::discover(dir, &mut Diagnostics::new()).ok()?;
    let release = config.versions.as_ref()?.releases.first()?;
    match crate::versions::load_release(&config, release) {
        Ok(r) if !r.loaded.diagnostics.has_errors() => {
            eprintln!(
                "serve: showing changes since release `{}` (changes/{}...{}.html)",
                r.name,
                r.name,
                config.versions.as_ref().map_or("", |v| v.current.as_str())
            );
            Some(r)
        }
        Ok(r) => {
            eprintln!(
                "warning: release `{}` has errors ({}); the preview shows no changes since it",
                r.name,
                r.loaded.diagnostics.summary()
            );
            None
        }
        Err(e) => {
            eprintln!("warning: {e:#}; the preview shows no changes since a release");
            None
        }
    }
}

/// The pages as `serve` renders them: loading the reload script, with a
/// cache kept between renders.
fn live_pages() -> Pages {
    Pages::new()
        .with_live_reload(LIVE_RELOAD_ENDPOINT)
        .with_cache()
        .deferring()
}

/// The search index files of a loaded spec: the search output, into memory,
/// reusing what `index` kept of the documents that did not change. A
/// panic while indexing (a bug) is an error, never the end of the indexing
/// thread.
pub fn search_index(loaded: &Loaded, index: &CachedSearchIndex) -> Result<SiteFiles> {
    let sink = MemorySink::new();
    catch_unwind(AssertUnwindSafe(|| {
        write_all(&loaded.edition(), &[index], &sink)
    }))
    .map_err(|panic| anyhow::anyhow!("internal error: {}", panic_message(&*panic)))??;
    Ok(sink.into_files())
}

/// The files of one good build made on their first request (most saves
/// are never followed by one) and kept for that build: `spec.json` and
/// the eval downloads, what a full build writes for the same spec, byte
/// for byte.
pub struct LazyFiles {
    loaded: Arc<Loaded>,
    bytes: std::sync::OnceLock<Bytes>,
    downloads: std::sync::OnceLock<SiteFiles>,
}

impl LazyFiles {
    pub fn new(loaded: Arc<Loaded>) -> Self {
        Self {
            loaded,
            bytes: std::sync::OnceLock::new(),
            downloads: std::sync::OnceLock::new(),
        }
    }

    /// `spec.json`'s bytes (made now if this is the first request).
    pub fn bytes(&self) -> Bytes {
        self.bytes
            .get_or_init(|| Bytes::from(crate::export::to_json(&self.loaded.spec)))
            .clone()
    }

    /// A file of the eval downloads (all made on the first request of
    /// one); `None` when the build has no such file.
    pub fn download(&self, path: &str) -> Option<Bytes> {
        self.downloads
            .get_or_init(|| {
                let sink = MemorySink::new();
                let made = catch_unwind(AssertUnwindSafe(|| {
                    write_all(&self.loaded.edition(), &[&EvalDownloads], &sink)
                }));
                match made {
                    Ok(Ok(())) => sink.into_files(),
                    _ => SiteFiles::new(),
                }
            })
            .get(path)
            .cloned()
    }
}

/// Whether a site path is one of the eval downloads.
pub fn is_download(path: &str) -> bool {
    path.strip_prefix(crate::evalset::output::DOWNLOADS_DIR)
        .is_some_and(|rest| rest.starts_with('/'))
}

/// Whether a site path belongs to the search index.
pub fn is_search_index(path: &str) -> bool {
    path.strip_prefix(crate::search::build::DIR)
        .is_some_and(|rest| rest.starts_with('/'))
}

/// The message a panic carried (`panic!` gives a `&str` or a `String`).
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
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
        let chain: Vec<String> = err.chain().map(ToString::to_string).collect();
        Self::one(chain.join(": "), "1 error")
    }

    /// A bug (a panic) in a rebuild: shown like any problem, so the
    /// author sees it on the page and in the terminal.
    pub fn internal_error(message: &str) -> Self {
        Self::one(
            format!(
                "internal error: {message} (this is a bug in specbook; the last good build stays served)"
            ),
            "1 internal error",
        )
    }

    /// A problem that belongs to no file.
    fn one(message: String, summary: &str) -> Self {
        Self {
            text: format!("error: {message}\n"),
            diagnostics: vec![Diagnostic {
                severity: Severity::Error,
                file: String::new(),
                line: 0,
                col: 0,
                message,
                source_line: None,
            }],
            summary: summary.into(),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("diagnostics serialise")
    }
}

/// Paths that differ between two sites: added, removed or changed.
/// Equal contents; a page reused from the render cache shares its bytes
/// with the last site, so most are told equal without reading them.
fn same_bytes(a: &bytes::Bytes, b: &bytes::Bytes) -> bool {
    (a.as_ptr() == b.as_ptr() && a.len() == b.len()) || a == b
}

pub fn changed_paths(old: &SiteFiles, new: &SiteFiles) -> Vec<String> {
    let mut out: Vec<String> = new
        .iter()
        .filter(|(path, bytes)| !old.get(*path).is_some_and(|b| same_bytes(b, bytes)))
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
    files.insert("index.html".into(), page.clone().into());
    files.insert("404.html".into(), page.into());
    files.insert(RELOAD_SCRIPT_PATH.into(), LIVERELOAD_JS.as_bytes().into());
    Arc::new(files)
}
