//! Watching the project: sources, eval files, `templates/`, `static/` and
//! `book.toml`. notify's debouncer turns one save (including an editor's
//! write-a-temporary-file-then-rename) into one batch; batches that arrive
//! while a rebuild runs are merged into the next one, so a storm of saves
//! costs at most one rebuild behind the current one.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use notify::RecursiveMode;
use notify::event::{AccessKind, AccessMode, CreateKind, EventKind, ModifyKind, RemoveKind};
use notify_debouncer_full::{
    DebounceEventResult, DebouncedEvent, Debouncer, RecommendedCache, new_debouncer,
};

use super::build::SiteBuilder;
use super::index::Indexer;
use super::state::Shared;
use crate::config::{BOOK_TOML, Config};
use crate::diag::Diagnostics;

/// How long a change must be quiet before it is passed on. Short, so the
/// page follows the editor at once (issue 10: save → served ≤ 100 ms at
/// 10x). A save spread over more time is held until the file is closed
/// (see [`still_open`]); an editor's write-then-rename takes well under a
/// millisecond.
const DEBOUNCE: Duration = Duration::from_millis(10);
/// How often the debouncer looks for quiet changes.
const DEBOUNCE_TICK: Duration = Duration::from_millis(3);
/// How long a batch waits for the files it saw written to be closed (see
/// [`still_open`]); a writer that keeps a file open longer is built as it is.
const CLOSE_WAIT: Duration = Duration::from_millis(1000);

type Watcher = Debouncer<notify::RecommendedWatcher, RecommendedCache>;

/// Starts watching `dir` (canonical) and rebuilding with `builder` on
/// every relevant change, on a thread of its own.
pub fn spawn(
    dir: PathBuf,
    builder: SiteBuilder,
    shared: Arc<Shared>,
    indexer: Indexer,
) -> Result<()> {
    let (tx, rx) = channel::<DebounceEventResult>();
    let debouncer = new_debouncer(DEBOUNCE, Some(DEBOUNCE_TICK), tx)
        .context("failed to start watching files")?;
    let mut w = Watch {
        dir,
        debouncer,
        watched: BTreeSet::new(),
        config: None,
    };
    w.refresh(&[])?;
    std::thread::Builder::new()
        .name("specbook-rebuild".into())
        .spawn(move || w.run(rx, builder, &shared, &indexer))
        .context("failed to start the rebuild thread")?;
    Ok(())
}

struct Watch {
    dir: PathBuf,
    debouncer: Watcher,
    watched: BTreeSet<(PathBuf, bool)>,
    /// The project's configuration as of the last rebuild (`None` while
    /// `book.toml` does not parse: then every change is relevant).
    config: Option<Config>,
}

impl Watch {
    fn run(
        mut self,
        rx: Receiver<DebounceEventResult>,
        mut builder: SiteBuilder,
        shared: &Shared,
        indexer: &Indexer,
    ) {
        // When the last rebuild started reading: a change notified before
        // then is in what it read (large writes can reach us in two
        // debounced batches; the second must not cost a second rebuild).
        let mut last_start: Option<Instant> = None;
        // Paths changed since the last build, and whether that list is
        // known to be whole.
        let mut pending: Vec<PathBuf> = Vec::new();
        let mut complete = true;
        while let Ok(first) = rx.recv() {
            let mut events = Vec::new();
            let mut watcher_failed = false;
            let mut absorb = |r: DebounceEventResult, events: &mut Vec<DebouncedEvent>| match r {
                Ok(evs) => events.extend(evs),
                Err(errs) => {
                    watcher_failed = true;
                    for e in errs {
                        eprintln!("warning: file watcher: {e}");
                    }
                }
            };
            absorb(first, &mut events);
            while let Ok(more) = rx.try_recv() {
                absorb(more, &mut events);
            }
            // An editor that saves in place truncates the file, then writes
            // it: a large file can reach us in two batches, the first with
            // the file empty or cut short. Building that would publish a
            // broken site and reload the reader's page into it. So a batch
            // waits for every file it saw written to be closed.
            let waiting = Instant::now();
            while still_open(&events, |p| self.is_relevant(p, false)) {
                let left = CLOSE_WAIT.saturating_sub(waiting.elapsed());
                match rx.recv_timeout(left) {
                    Ok(more) => absorb(more, &mut events),
                    Err(_) => break,
                }
            }
            let changes: Vec<(PathBuf, bool)> = events
                .iter()
                .filter(|e| changes_content(e) && last_start.is_none_or(|t| e.time >= t))
                .flat_map(|e: &DebouncedEvent| {
                    let folder = matches!(
                        e.kind,
                        EventKind::Create(CreateKind::Folder)
                            | EventKind::Remove(RemoveKind::Folder)
                    );
                    e.paths
                        .iter()
                        .map(move |p| (p.clone(), folder || p.is_dir()))
                })
                .collect();
            let relevant = changes
                .iter()
                .any(|(p, folder)| self.is_relevant(p, *folder));
            let paths: Vec<PathBuf> = changes.into_iter().map(|(p, _)| p).collect();
            // Every changed path is read again by the next build (kept
            // until then if this batch builds nothing); a lost event (a
            // watcher error, a rescan) makes every file be.
            complete &= !watcher_failed && !events.iter().any(|e| e.need_rescan());
            pending.extend(paths.iter().cloned());
            if !relevant {
                continue;
            }
            let start = Instant::now();
            if let Some(first) = events.iter().map(|e| e.time).min() {
                crate::outputs::timing("debounce", start - first);
            }
            last_start = Some(start);
            let outcome = builder.build_after(&pending, complete);
            pending.clear();
            complete = true;
            let took = start.elapsed();
            let published = shared.publish(outcome, took, false);
            crate::outputs::timing("publish", start.elapsed() - took);
            if let Some((generation, loaded)) = published {
                // The pages left out to serve the edited ones sooner.
                let t = Instant::now();
                match builder.deferred_pages(&loaded) {
                    Ok(pages) => shared.publish_pages(generation, pages),
                    Err(problems) => eprintln!("warning: {}", problems.text.trim_end()),
                }
                crate::outputs::timing("pages left for after", t.elapsed());
                indexer.submit(generation, loaded);
            }
            if let Err(e) = self.refresh(&paths) {
                eprintln!("warning: {e:#}");
            }
        }
    }

    /// Re-reads the configuration and watches the folders it names (new
    /// ones, and ones removed and created again since).
    fn refresh(&mut self, changed: &[PathBuf]) -> Result<()> {
        self.config = Config::discover(&self.dir, &mut Diagnostics::new()).ok();
        let plan = watch_plan(&self.dir, self.config.as_ref());
        for (path, recursive) in plan {
            let key = (path.clone(), recursive);
            let recreated = changed.iter().any(|c| c == &path);
            if self.watched.contains(&key) && !recreated {
                continue;
            }
            if recreated {
                let _ = self.debouncer.unwatch(&path);
            }
            let mode = if recursive {
                RecursiveMode::Recursive
            } else {
                RecursiveMode::NonRecursive
            };
            self.debouncer
                .watch(&path, mode)
                .with_context(|| format!("failed to watch `{}`", path.display()))?;
            self.watched.insert(key);
        }
        Ok(())
    }

    fn is_relevant(&self, path: &Path, folder: bool) -> bool {
        match &self.config {
            Some(cfg) => is_relevant(cfg, path, folder),
            None => path.starts_with(&self.dir) && !is_noise(&self.dir, path),
        }
    }
}

/// Whether `events` (in the order they happened) leave a `relevant` file
/// written and not yet closed. Only Linux (inotify) reports a writer's
/// close; elsewhere nothing is ever waited for.
fn still_open(events: &[DebouncedEvent], relevant: impl Fn(&Path) -> bool) -> bool {
    if !cfg!(target_os = "linux") {
        return false;
    }
    let mut open: BTreeSet<&Path> = BTreeSet::new();
    for e in events {
        for p in &e.paths {
            match e.kind {
                EventKind::Modify(ModifyKind::Data(_)) => {
                    open.insert(p);
                }
                EventKind::Access(AccessKind::Close(AccessMode::Write))
                | EventKind::Remove(_)
                | EventKind::Modify(ModifyKind::Name(_)) => {
                    open.remove(p.as_path());
                }
                _ => {}
            }
        }
    }
    open.into_iter().any(relevant)
}

/// Whether an event can change what a file holds. Opening and reading
/// (the rebuild's own reads among them) and attribute changes cannot.
fn changes_content(event: &DebouncedEvent) -> bool {
    match event.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        _ => true,
    }
}

/// Folders to watch: the root itself (for `book.toml` and folders created
/// later), recursively when the sources sit directly in it; else the
/// source, eval, template, static and strings folders that exist.
fn watch_plan(root: &Path, cfg: Option<&Config>) -> Vec<(PathBuf, bool)> {
    let Some(cfg) = cfg else {
        return vec![(root.to_path_buf(), false)];
    };
    let flat = cfg.src == cfg.root;
    let mut plan = vec![(cfg.root.clone(), flat)];
    let theme = cfg.theme_dir.as_ref();
    let dirs = [
        Some(cfg.src.clone()),
        cfg.eval_dir.clone(),
        theme.map(|t| t.join("templates")),
        theme.map(|t| t.join("static")),
        // Translation catalogs: `check`'s diagnostics cover them.
        Some(cfg.root.join(crate::i18n::catalog::PO_DIR)),
        theme.map(|t| t.join(crate::render::strings::STRINGS_DIR)),
    ];
    // Eval logs (`[evals] logs`): a new run shows on the compliance page.
    let logs = cfg.eval_logs.iter().filter(|l| l.is_dir()).cloned();
    for dir in dirs.into_iter().flatten().chain(logs) {
        if dir.is_dir() && !(flat && dir.starts_with(&cfg.root)) {
            plan.push((dir, true));
        }
    }
    plan
}

/// Whether a change at `path` (a folder, or a file) can change the site.
pub(super) fn is_relevant(cfg: &Config, path: &Path, folder: bool) -> bool {
    if !path.starts_with(&cfg.root) || path == cfg.root || is_noise(&cfg.root, path) {
        return false;
    }
    if path == cfg.root.join(BOOK_TOML) {
        return true;
    }
    if path.starts_with(&cfg.build_dir) {
        return false;
    }
    if cfg.eval_logs.iter().any(|l| path.starts_with(l)) {
        return folder || path.extension().is_some_and(|e| e == "eval" || e == "json");
    }
    if let Some(theme) = &cfg.theme_dir
        && (path.starts_with(theme.join("templates"))
            || path.starts_with(theme.join("static"))
            || path.starts_with(theme.join(crate::render::strings::STRINGS_DIR)))
    {
        return true;
    }
    // A translation catalog (linted on every load; the template is ours).
    let po = cfg.root.join(crate::i18n::catalog::PO_DIR);
    if path.starts_with(&po) {
        return path.parent() == Some(po.as_path()) && path.extension().is_some_and(|e| e == "po")
            || path == po;
    }
    // A markdown file, or a folder created, removed or renamed (which may
    // hold markdown files).
    if !folder && path.extension().is_none_or(|ext| ext != "md") {
        return false;
    }
    let in_sources = match &cfg.files {
        Some(files) => files.iter().any(|f| f == path),
        None => path.starts_with(&cfg.src),
    };
    let in_evals = cfg.eval_dir.as_ref().is_some_and(|e| path.starts_with(e));
    // A folder appearing right under the root may be the eval folder.
    let top_level_folder = folder && path.parent() == Some(cfg.root.as_path());
    in_sources || in_evals || top_level_folder
}

/// Hidden files and folders, and the temporary files editors write while
/// saving (`.name.swp`, `name~`, `#name#`, vim's `4913`).
fn is_noise(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return true;
    };
    rel.components().any(|c| {
        let name = c.as_os_str().to_string_lossy();
        name.starts_with('.')
            || name.ends_with('~')
            || name.starts_with('#')
            || name == "4913"
            || [".swp", ".swx", ".tmp", ".bak", ".orig"]
                .iter()
                .any(|ext| name.ends_with(ext))
    })
}
