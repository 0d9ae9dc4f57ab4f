//! What the HTTP side and the rebuild side share: the site being served,
//! the reload channel, and the figures of the last rebuild.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::broadcast;

use super::build::{LazyFiles, Outcome, Problems, Work, changed_paths, is_search_index};
use crate::cmd::report;
use crate::diag::{Diagnostic, Diagnostics, print_diagnostics};
use crate::pipeline::Loaded;
use crate::sink::SiteFiles;

/// Events kept for a slow reader of the reload channel; one that falls
/// further behind is told to reload everything.
const CHANNEL_CAPACITY: usize = 16;

/// One event on the reload channel. It carries paths and diagnostics,
/// never file contents.
#[derive(Debug, Clone)]
pub enum Reload {
    /// A good build changed these site paths (sorted); `full` when an
    /// asset every page loads (CSS, JS) changed.
    Changed { paths: Arc<Vec<String>>, full: bool },
    /// A build failed; the payload is [`Problems`] as JSON.
    Error(Arc<String>),
    /// A good build after a failed one: the overlay goes.
    Ok,
}

impl Reload {
    pub fn name(&self) -> &'static str {
        match self {
            Reload::Changed { .. } => "reload",
            Reload::Error(_) => "error",
            Reload::Ok => "ok",
        }
    }

    pub fn data(&self) -> String {
        match self {
            Reload::Changed { paths, full } => {
                serde_json::json!({ "changed": **paths, "full": full }).to_string()
            }
            Reload::Error(json) => json.to_string(),
            Reload::Ok => "{}".into(),
        }
    }
}

/// Figures served at `/__specbook/stats`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    /// Builds run (the first one included).
    pub builds: u64,
    /// `ok` or `error`.
    pub state: &'static str,
    /// Duration of the first (full) build, in milliseconds.
    pub initial_build_ms: f64,
    /// Duration of the last build, debounce excluded, in milliseconds:
    /// from the change to the new pages being served and announced.
    pub last_build_ms: f64,
    /// Duration of the last search index build, and the build it was for.
    pub last_search_ms: f64,
    pub indexed_build: u64,
    /// Paths the last build changed.
    pub last_changed: Vec<String>,
    /// What the last build redid.
    pub last_work: Work,
    /// Files served (`spec.json`, made on request, included).
    pub files: usize,
}

pub struct Shared {
    site: RwLock<Arc<SiteFiles>>,
    /// Number (see [`Stats::builds`]) of the build being served; a search
    /// index is swapped in only into the build it was made for.
    generation: AtomicU64,
    /// The current `error` payload, sent to pages that connect while the
    /// last build failed.
    error: RwLock<Option<Arc<String>>>,
    events: broadcast::Sender<Reload>,
    stats: Mutex<Stats>,
    /// Diagnostics printed last, so unchanged warnings are not repeated on
    /// every rebuild.
    printed: Mutex<Vec<Diagnostic>>,
    /// `spec.json` of the build being served, made when requested.
    spec_json: RwLock<Option<Arc<LazyFiles>>>,
}

impl Shared {
    pub fn new(site: Arc<SiteFiles>) -> Self {
        let (events, _) = broadcast::channel(CHANNEL_CAPACITY);
        Self {
            site: RwLock::new(site),
            generation: AtomicU64::new(0),
            error: RwLock::new(None),
            events,
            stats: Mutex::new(Stats {
                state: "ok",
                ..Stats::default()
            }),
            printed: Mutex::new(Vec::new()),
            spec_json: RwLock::new(None),
        }
    }

    /// `spec.json` of the build being served (none before the first good
    /// build).
    pub fn spec_json(&self) -> Option<Arc<LazyFiles>> {
        self.spec_json.read().expect("spec.json lock").clone()
    }

    pub fn site(&self) -> Arc<SiteFiles> {
        self.site.read().expect("site lock").clone()
    }

    pub fn current_error(&self) -> Option<Arc<String>> {
        self.error.read().expect("error lock").clone()
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Reload> {
        self.events.subscribe()
    }

    pub fn stats(&self) -> Stats {
        self.stats.lock().expect("stats lock").clone()
    }

    /// Swaps in a good build (telling pages what changed) or keeps the last
    /// good one and reports the problems; prints one line either way. A
    /// good build without its search index keeps the previous index until
    /// [`Shared::publish_search`]; it returns what that index is built from.
    pub fn publish(
        &self,
        outcome: Outcome,
        took: Duration,
        first: bool,
    ) -> Option<(u64, Arc<Loaded>)> {
        let ms = took.as_secs_f64() * 1000.0;
        let mut stats = self.stats.lock().expect("stats lock");
        stats.builds += 1;
        stats.last_build_ms = ms;
        if first {
            stats.initial_build_ms = ms;
        }
        match outcome {
            Outcome::Built {
                mut files,
                diagnostics,
                work,
                loaded,
            } => {
                let mut site = self.site.write().expect("site lock");
                let indexed = files.keys().any(|p| is_search_index(p));
                if !indexed {
                    for (path, bytes) in site.iter().filter(|(p, _)| is_search_index(p)) {
                        files.insert(path.clone(), bytes.clone());
                    }
                }
                let new = Arc::new(files);
                let old = std::mem::replace(&mut *site, new.clone());
                // Swapped under the site's lock: a request sees the pages
                // and the spec.json of one build.
                *self.spec_json.write().expect("spec.json lock") =
                    Some(Arc::new(LazyFiles::new(loaded.clone())));
                let generation = stats.builds;
                self.generation.store(generation, Ordering::SeqCst);
                if indexed {
                    stats.indexed_build = generation;
                }
                drop(site);
                let changed = changed_paths(&old, &new);
                let was_error = self.error.write().expect("error lock").take().is_some();
                self.print_new_diagnostics(&diagnostics.sorted(), &diagnostics);
                if was_error {
                    let _ = self.events.send(Reload::Ok);
                }
                if !changed.is_empty() {
                    let full = changed.iter().any(|p| is_page_asset(p));
                    let _ = self.events.send(Reload::Changed {
                        paths: Arc::new(changed.clone()),
                        full,
                    });
                }
                let verb = if first { "built" } else { "rebuilt" };
                eprintln!(
                    "{verb} in {ms:.1} ms: {} ({}){}",
                    describe_changes(&changed, first, new.len()),
                    diagnostics.summary(),
                    if work.parsed.is_empty() || first {
                        String::new()
                    } else {
                        format!("; parsed {}", work.parsed.join(", "))
                    }
                );
                stats.state = "ok";
                stats.last_changed = changed;
                stats.last_work = work;
                stats.files = new.len() + 1; // and spec.json, made on request
                Some((generation, loaded))
            }
            Outcome::Failed { problems } => {
                let json = Arc::new(problems.to_json());
                let previous = self
                    .error
                    .write()
                    .expect("error lock")
                    .replace(json.clone());
                // The same problems again (a save that changed nothing):
                // pages already show them, and a closed overlay stays closed.
                if previous.as_deref() != Some(&*json) {
                    self.print_problems(&problems);
                    let _ = self.events.send(Reload::Error(json));
                }
                eprintln!(
                    "{} in {ms:.1} ms ({}); {}",
                    if first {
                        "build failed"
                    } else {
                        "rebuild failed"
                    },
                    problems.summary,
                    if first {
                        "serving a placeholder page until the spec builds"
                    } else {
                        "still serving the last good build"
                    }
                );
                stats.state = "error";
                stats.last_changed = Vec::new();
                stats.last_work = Work::default();
                None
            }
        }
    }

    /// Swaps in the pages made just after good build `generation` was
    /// served (see `Pages::render_deferred`), unless a newer build is
    /// served by now; tells pages which changed, in one event.
    pub fn publish_pages(&self, generation: u64, pages: Vec<(String, bytes::Bytes)>) {
        let mut site = self.site.write().expect("site lock");
        if self.generation.load(Ordering::SeqCst) != generation {
            return;
        }
        let changed: Vec<(String, bytes::Bytes)> = pages
            .into_iter()
            .filter(|(path, bytes)| site.get(path) != Some(bytes))
            .collect();
        if changed.is_empty() {
            return;
        }
        let mut files: SiteFiles = (**site).clone();
        let mut paths = Vec::with_capacity(changed.len());
        for (path, bytes) in changed {
            paths.push(path.clone());
            files.insert(path, bytes);
        }
        *site = Arc::new(files);
        drop(site);
        paths.sort();
        let full = paths.iter().any(|p| is_page_asset(p));
        let _ = self.events.send(Reload::Changed {
            paths: Arc::new(paths),
            full,
        });
    }

    /// Swaps in the search index made for good build `generation`, unless a
    /// newer build is served by now (its own index is on the way).
    pub fn publish_search(&self, generation: u64, index: SiteFiles, took: Duration) {
        let mut site = self.site.write().expect("site lock");
        if self.generation.load(Ordering::SeqCst) != generation {
            return;
        }
        let mut files: SiteFiles = site
            .iter()
            .filter(|(p, _)| !is_search_index(p))
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect();
        files.extend(index);
        let changed = changed_paths(&site, &files);
        let count = files.len();
        *site = Arc::new(files);
        drop(site);
        let ms = took.as_secs_f64() * 1000.0;
        {
            let mut stats = self.stats.lock().expect("stats lock");
            stats.last_search_ms = ms;
            stats.indexed_build = generation;
            stats.files = count + 1; // and spec.json
        }
        if !changed.is_empty() {
            let _ = self.events.send(Reload::Changed {
                paths: Arc::new(changed.clone()),
                full: false,
            });
            eprintln!(
                "search index updated in {ms:.1} ms ({} file{} changed)",
                changed.len(),
                if changed.len() == 1 { "" } else { "s" }
            );
        }
    }

    fn print_new_diagnostics(&self, sorted: &[Diagnostic], diags: &Diagnostics) {
        let mut printed = self.printed.lock().expect("printed lock");
        if printed.as_slice() != sorted {
            report(diags);
            *printed = sorted.to_vec();
        }
    }

    fn print_problems(&self, problems: &Problems) {
        // Errors are printed every time: the author is looking for them.
        if problems.diagnostics.iter().all(|d| d.file.is_empty()) {
            eprint!("{}", problems.text);
        } else {
            let mut err = anstream::stderr().lock();
            let _ = print_diagnostics(&mut err, &problems.diagnostics);
            let _ = err.flush();
        }
        *self.printed.lock().expect("printed lock") = problems.diagnostics.clone();
    }
}

fn describe_changes(changed: &[String], first: bool, total: usize) -> String {
    if first {
        return format!("{total} files");
    }
    match changed.len() {
        0 => "nothing changed".into(),
        n => {
            let shown: Vec<&str> = changed.iter().take(6).map(String::as_str).collect();
            let more = if n > shown.len() {
                format!(", … {} more", n - shown.len())
            } else {
                String::new()
            };
            format!(
                "{n} file{} changed ({}{more})",
                if n == 1 { "" } else { "s" },
                shown.join(", ")
            )
        }
    }
}

/// A stylesheet or script that pages load (the search index's data files
/// are fetched on demand, so they do not count): when one changes, every
/// open page reloads.
pub(super) fn is_page_asset(path: &str) -> bool {
    (path.ends_with(".css") || path.ends_with(".js")) && !is_search_index(path)
}
