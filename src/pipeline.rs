//! The one pipeline every command runs: load → parse → link, then the
//! linked spec handed to a list of outputs (`outputs`), each writing
//! through a `Sink`. `check`, `export`, `build` and `serve` are modes of
//! it, never copies.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use rayon::prelude::*;

use crate::config::Config;
use crate::diag::Diagnostics;
use crate::i18n::site::{LanguageCatalog, LanguagePlace, Languages, Translation};
use crate::link::{ScanMemo, SourceLines, link_with};
use crate::load::{Sources, load_sources_cached};
use crate::model::{SourceFile, Spec};
use crate::outputs::{Edition, Output, write_all};
use crate::parse::ParsedFile;
use crate::parse::pieces::{PieceCache, parse_in_pieces};
use crate::results::Compliance;
use crate::sink::Sink;
use crate::versions::LoadedRelease;
use crate::versions::site::{Place, SiteRelease, Versioned};

/// A spec read and linked, with every problem found on the way.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: Config,
    pub sources: Sources,
    pub spec: Spec,
    /// Eval results (`[evals] logs`) joined with the spec by rule id.
    pub compliance: Compliance,
    /// The catalog of each translation (`[languages.<code>]`).
    pub catalogs: Vec<LanguageCatalog>,
    pub diagnostics: Diagnostics,
    /// Under `serve`: the ids of the sections this load parsed (not taken
    /// from the cache: those an edit touched), and the paths of the files
    /// it parsed. Empty on a load without a cache.
    pub touched_sections: std::collections::HashSet<String>,
    pub touched_files: Vec<String>,
}

impl Loaded {
    /// The edition the outputs read.
    pub fn edition(&self) -> Edition<'_> {
        Edition {
            config: &self.config,
            spec: &self.spec,
            compliance: &self.compliance,
            place: None,
            languages: None,
        }
    }
}

/// Reads and links the spec at `path` (a project folder or a markdown file).
/// Content problems land in `Loaded::diagnostics`; only environment
/// failures (unreadable folder, broken `book.toml`) are errors.
pub fn load(path: &Path) -> Result<Loaded> {
    Loader::new(path).load()
}

/// Where one edition's sources come from, and what is kept between loads:
/// under `serve`, files whose text is unchanged since the last load are not
/// parsed again (linking always runs in full).
#[derive(Debug)]
pub struct Loader {
    path: PathBuf,
    cache: Option<ParseCache>,
    /// `Config::git_release_date`, once read.
    git_release: Option<Option<String>>,
    /// A `site-url` given on the command line, over the configured one.
    site_url: Option<String>,
    /// Under `serve`: eval logs read before, reused while unchanged.
    logs: Option<crate::results::LogCache>,
    /// An editor's unsaved buffers, read instead of the files on disk.
    buffers: crate::load::Buffers,
    /// Whether `load` lints the translation catalogs (`i18n` commands,
    /// which maintain them, do not refuse to run over their problems).
    lint_catalogs: bool,
    /// Under `serve`: files read before, reused until reported changed.
    disk: Option<crate::load::DiskCache>,
}

impl Loader {
    /// Loads `path` afresh every time.
    pub fn new(path: &Path) -> Self {
        Self {
            path: path.to_path_buf(),
            cache: None,
            git_release: None,
            site_url: None,
            logs: None,
            buffers: Default::default(),
            lint_catalogs: true,
            disk: None,
        }
    }

    /// Loads `path`, keeping parsed files between loads.
    pub fn cached(path: &Path) -> Self {
        Self {
            path: path.to_path_buf(),
            cache: Some(ParseCache::default()),
            git_release: None,
            site_url: None,
            logs: Some(crate::results::LogCache::default()),
            buffers: Default::default(),
            lint_catalogs: true,
            disk: None,
        }
    }

    /// [`Loader::cached`] that also keeps the files it read, reading again
    /// only those reported changed ([`Loader::files_changed`]): `serve`,
    /// whose file watcher reports every change.
    pub fn watched(path: &Path) -> Self {
        Self {
            disk: Some(crate::load::DiskCache::default()),
            ..Self::cached(path)
        }
    }

    /// The file watcher reported these paths changed (a no-op for a
    /// loader that keeps no files).
    pub fn files_changed(&mut self, paths: &[PathBuf]) {
        if let Some(disk) = &mut self.disk {
            disk.changed(paths);
        }
    }

    /// What changed is not known (a watcher error): the next load reads
    /// every file.
    pub fn anything_changed(&mut self) {
        if let Some(disk) = &mut self.disk {
            disk.everything_may_have_changed();
        }
    }

    /// The buffers every later load reads instead of the files on disk
    /// (a language server's open documents).
    pub fn buffers_mut(&mut self) -> &mut crate::load::Buffers {
        &mut self.buffers
    }

    /// Publishes at `url` whatever `book.toml` says (`build --site-url`).
    pub fn with_site_url(mut self, url: &str) -> Self {
        self.site_url = Some(url.trim_end_matches('/').to_owned() + "/");
        self
    }

    /// Loads without linting `po/*.po` (the `i18n` commands).
    pub fn without_catalog_lint(mut self) -> Self {
        self.lint_catalogs = false;
        self
    }

    pub fn load(&mut self) -> Result<Loaded> {
        let mut diags = Diagnostics::new();
        let mut config = Config::discover(&self.path, &mut diags)?;
        if let Some(url) = &self.site_url {
            config.site_url = Some(url.clone());
        }
        let mut loaded = self.load_as(config, diags)?;
        // The current edition's catalogs only (not a release's, read by
        // `load_as`): translations are made, and shown, for the spec as
        // it is now.
        if self.lint_catalogs && !loaded.sources.catalogs.is_empty() {
            let units = crate::i18n::units(&loaded.spec);
            crate::i18n::lint::lint_catalogs(
                &loaded.sources.catalogs,
                &units,
                &mut loaded.diagnostics,
            );
        }
        Ok(loaded)
    }

    /// Loads with a configuration made elsewhere (a release's: the current
    /// layout below another root), adding to `diags`.
    pub fn load_as(&mut self, config: Config, mut diags: Diagnostics) -> Result<Loaded> {
        let t = Instant::now();
        let sources = load_sources_cached(&config, &self.buffers, self.disk.as_mut(), &mut diags)?;
        crate::outputs::timing("read", t.elapsed());
        let mut spec = link_sources(&config, &sources, self.cache.as_mut(), &mut diags);
        spec.meta.release = match &config.versions {
            Some(v) => Some(v.current.clone()),
            // Read from git once per loader: `serve` does not walk history
            // on every save.
            None => self
                .git_release
                .get_or_insert_with(|| config.git_release_date())
                .clone(),
        };
        let results = crate::results::read_logs_cached(&config, &mut diags, self.logs.as_mut());
        let compliance = crate::results::join(&config, &spec, &results, &mut diags);
        let catalogs = crate::i18n::site::read_catalogs(&config, &sources.catalogs, &mut diags);
        Ok(Loaded {
            config,
            sources,
            spec,
            compliance,
            catalogs,
            diagnostics: diags,
            touched_sections: self.last_parsed_sections(),
            touched_files: self.last_parsed().to_vec(),
        })
    }

    /// Paths of the files the last load parsed (not taken from the cache).
    pub fn last_parsed(&self) -> &[String] {
        self.cache.as_ref().map_or(&[], |c| &c.last_parsed)
    }

    /// The ids of the sections the last load parsed (in pieces of their
    /// files not taken from the cache): the sections an edit touched.
    pub fn last_parsed_sections(&self) -> std::collections::HashSet<String> {
        let Some(cache) = &self.cache else {
            return Default::default();
        };
        cache
            .last_parsed
            .iter()
            .filter_map(|p| cache.files.get(p))
            .flat_map(|f| f.fresh_sections().iter().cloned())
            .collect()
    }

    /// Forgets everything kept (after a failure that may have left it
    /// half-updated).
    pub fn reset(&mut self) {
        if let Some(cache) = &mut self.cache {
            *cache = ParseCache::default();
        }
        self.anything_changed();
    }
}

/// What one run of the pipeline did.
#[derive(Debug)]
pub enum Run<S> {
    /// The spec had no errors: every output wrote into `sink`. The sources
    /// are gone from `loaded` by then (dropped once the sink was open:
    /// outputs read the linked spec only, and a large spec's text is
    /// memory the outputs need).
    Written {
        loaded: Loaded,
        sink: S,
        load_time: Duration,
        write_time: Duration,
    },
    /// The spec has errors (in `loaded.diagnostics`): no output ran and no
    /// sink was opened.
    Refused { loaded: Loaded, load_time: Duration },
}

/// The pipeline: loads and links the spec, then, when it has no errors,
/// opens a sink (`open` sees the loaded spec, e.g. to find the output
/// folder) and runs `outputs` into it. Content problems are never errors
/// here: they are in the returned `Loaded`.
pub fn run<S: Sink>(
    loader: &mut Loader,
    outputs: &[&dyn Output],
    open: impl FnOnce(&Loaded) -> Result<S>,
) -> Result<Run<S>> {
    let start = Instant::now();
    let loaded = loader.load()?;
    finish_run(loaded, start, outputs, open)
}

/// Which releases [`run_versioned`] reads, and which editions it writes.
pub enum Releases<'r> {
    /// Every `[versions]` release, read now and written under `<name>/`
    /// (`build`).
    ReadAll,
    /// Releases read before (kept by `serve` between saves); only the
    /// current release is written: `serve` renders these once, from the
    /// [`Versioned`] the run returns.
    Given(&'r [LoadedRelease]),
}

/// A versioned run's result: the run, and what spans its releases
/// (`None` without releases).
pub struct VersionedRun<S> {
    pub run: Run<S>,
    pub site: Option<Versioned>,
}

/// [`run`] for a site of every release (`[versions]`): the current
/// release (the project's own content) at the sink's root, each earlier
/// release under `<name>/`, and what spans them (`versions.json`, changes
/// pages, histories) handed to every edition as its
/// [`Place`](crate::versions::site::Place). Without releases this is
/// [`run`]. A release that cannot be read, or holds errors, fails the run
/// before any sink is opened.
pub fn run_versioned<S: Sink>(
    loader: &mut Loader,
    outputs: &[&dyn Output],
    releases: Releases<'_>,
    open: impl FnOnce(&Loaded) -> Result<S>,
    mut progress: impl FnMut(usize, usize, &str),
) -> Result<VersionedRun<S>> {
    let start = Instant::now();
    let mut loaded = loader.load()?;
    let read;
    let (releases, write_releases): (&[LoadedRelease], bool) = match releases {
        _ if loaded.diagnostics.has_errors() => (&[], false),
        Releases::Given(given) => (given, false),
        Releases::ReadAll => match &loaded.config.versions {
            Some(v) if !v.releases.is_empty() => {
                read = crate::versions::load_releases(&loaded.config, v)?;
                (&read, true)
            }
            _ => (&[], false),
        },
    };
    if releases.is_empty() {
        return Ok(VersionedRun {
            run: finish_run(loaded, start, outputs, open)?,
            site: None,
        });
    }
    let load_time = start.elapsed();
    let start = Instant::now();
    let current = loaded.spec.meta.release.clone().unwrap_or_default();
    let site = {
        let mut all = vec![SiteRelease {
            name: &current,
            date: None,
            loaded: &loaded,
        }];
        all.extend(releases.iter().map(|r| SiteRelease {
            name: &r.name,
            date: r.date.clone(),
            loaded: &r.loaded,
        }));
        Versioned::new(&all)
    };
    let sink = open(&loaded)?;
    loaded.sources = Sources::default();
    let count = if write_releases {
        releases.len() + 1
    } else {
        1
    };
    progress(0, count, &current);
    let place = Place {
        site: &site,
        index: 0,
    };
    write_editions(&loaded, Some(place), outputs, &sink)?;
    if write_releases {
        for (k, r) in releases.iter().enumerate() {
            progress(k + 1, count, &r.name);
            write_release(&site, k + 1, r, outputs, &sink)?;
        }
    }
    Ok(VersionedRun {
        run: Run::Written {
            loaded,
            sink,
            load_time,
            write_time: start.elapsed(),
        },
        site: Some(site),
    })
}

/// Writes release `index` of `site` under `<name>/` of `sink`.
pub fn write_release(
    site: &Versioned,
    index: usize,
    release: &LoadedRelease,
    outputs: &[&dyn Output],
    sink: &dyn Sink,
) -> Result<()> {
    let edition = Edition {
        place: Some(Place { site, index }),
        ..release.loaded.edition()
    };
    let prefixed = crate::sink::PrefixSink::new(sink, &format!("{}/", release.name));
    write_all(&edition, outputs, &prefixed).with_context(|| format!("release `{}`", release.name))
}

/// Writes the loaded spec (at `place` in a versioned site) and, when it
/// has translations, each of them under `<code>/`: translated from the
/// linked spec (never parsed again), in parallel, then written one after
/// the other as releases are.
fn write_editions(
    loaded: &Loaded,
    place: Option<Place<'_>>,
    outputs: &[&dyn Output],
    sink: &dyn Sink,
) -> Result<()> {
    let source = Edition {
        place,
        ..loaded.edition()
    };
    if loaded.catalogs.is_empty() {
        return write_all(&source, outputs, sink);
    }
    let translations: Vec<Translation> = loaded
        .catalogs
        .par_iter()
        .map(|c| crate::i18n::translate::translation(&loaded.spec, c))
        .collect();
    let languages = Languages::new(
        &loaded.config.source_language,
        &loaded
            .catalogs
            .iter()
            .map(|c| &c.language)
            .zip(&translations)
            .collect::<Vec<_>>(),
    );
    let at = |index| {
        Some(LanguagePlace {
            site: &languages,
            index,
        })
    };
    write_all(
        &Edition {
            languages: at(0),
            ..source
        },
        outputs,
        sink,
    )?;
    for (k, t) in translations.iter().enumerate() {
        let code = &languages.list[k + 1].code;
        let edition = Edition {
            spec: &t.spec,
            // The release switcher is the source site's: a translation
            // is of the current release.
            place: None,
            languages: at(k + 1),
            ..source
        };
        let prefixed = crate::sink::PrefixSink::new(sink, &format!("{code}/"));
        write_all(&edition, outputs, &prefixed)
            .with_context(|| format!("the `{code}` translation"))?;
    }
    Ok(())
}

/// The end of [`run`]: refuse or write.
fn finish_run<S: Sink>(
    loaded: Loaded,
    start: Instant,
    outputs: &[&dyn Output],
    open: impl FnOnce(&Loaded) -> Result<S>,
) -> Result<Run<S>> {
    let load_time = start.elapsed();
    crate::outputs::timing("load", load_time);
    if loaded.diagnostics.has_errors() {
        return Ok(Run::Refused { loaded, load_time });
    }
    let start = Instant::now();
    let mut loaded = loaded;
    let sink = open(&loaded)?;
    loaded.sources = Sources::default();
    write_editions(&loaded, None, outputs, &sink)?;
    Ok(Run::Written {
        loaded,
        sink,
        load_time,
        write_time: start.elapsed(),
    })
}

/// Parses (in parallel, one file per task) and links already-read sources.
fn link_sources(
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
    let t = Instant::now();
    let spec_files = take(&sources.spec_files);
    let eval_files = take(&sources.eval_files);
    if let Some(cache) = cache.as_deref_mut() {
        cache.retain(sources);
    }
    let t_parse = t.elapsed();
    let lines = SourceLines::new(sources.spec_files.iter().chain(&sources.eval_files));
    let memo = cache.as_deref().map(|c| &c.scans);
    let spec = link_with(config, spec_files, eval_files, &lines, memo, diags);
    crate::outputs::timing("parse", t_parse);
    crate::outputs::timing("link", t.elapsed() - t_parse);
    spec
}

fn parse_all(files: &[SourceFile]) -> Vec<(ParsedFile, Diagnostics)> {
    files.par_iter().map(parse_in_pieces).collect()
}

/// The parses of the pieces of each file ([`crate::parse::pieces`]) by
/// their exact text, so that an edit parses again only the pieces it
/// touched (compared in full, not by hash: a stale parse can never be
/// served). A piece's parse counts lines from the piece's start, so a
/// piece moved down by an edit above it is reused too.
#[derive(Debug, Default)]
struct ParseCache {
    files: HashMap<String, PieceCache>,
    /// The markdown scans of linking, by text.
    scans: ScanMemo,
    last_parsed: Vec<String>,
}

impl ParseCache {
    fn parse_all(&mut self, files: &[SourceFile]) -> Vec<(ParsedFile, Diagnostics)> {
        let work: Vec<(&SourceFile, PieceCache)> = files
            .iter()
            .map(|f| (f, self.files.remove(&f.path).unwrap_or_default()))
            .collect();
        let done: Vec<_> = work
            .into_par_iter()
            .map(|(f, mut cache)| {
                let (parsed, diags, fresh) = cache.parse(f);
                (cache, parsed, diags, fresh)
            })
            .collect();
        let mut out = Vec::with_capacity(done.len());
        for (f, (kept, parsed, diags, fresh)) in files.iter().zip(done) {
            if fresh > 0 {
                self.last_parsed.push(f.path.clone());
            }
            self.files.insert(f.path.clone(), kept);
            out.push((parsed, diags));
        }
        out
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
