//! Watching the project: sources, eval files, `templates/`, `static/` and
//! `book.toml`. Changes are gathered into batches ([`next_batch`]): one
//! save (an editor's write in place, or its write-a-temporary-file-then-
//! rename) is one batch, passed on as soon as it is whole; batches that
//! arrive while a rebuild runs are merged into the next one, so a storm of
//! saves costs at most one rebuild behind the current one.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use notify::event::{AccessKind, AccessMode, CreateKind, EventKind, ModifyKind, RemoveKind};
use notify::{Event, RecommendedWatcher, RecursiveMode, Watcher as _};

use super::build::SiteBuilder;
use super::index::Indexer;
use super::state::Shared;
use crate::config::{BOOK_TOML, Config};
use crate::diag::Diagnostics;

/// How long [`next_batch`] waits.
struct Pace {
    /// How long changes must be quiet before a batch is passed on, when
    /// nothing says the save is whole.
    debounce: Duration,
    /// How long a batch waits after a relevant file written was closed,
    /// with no other file left open: the save is whole, this only gathers
    /// what comes with it (an editor removing its backup).
    settle: Duration,
    /// How long a batch waits for the files it saw written to be closed
    /// (see [`still_open`]); a writer that keeps a file open longer is
    /// built as it is.
    close_wait: Duration,
}

/// Short, so the page follows the editor at once (issue 10: save →
/// served ≤ 100 ms at 10x): an editor's write-then-rename takes well
/// under a millisecond, and Linux reports the close of a write in place.
const PACE: Pace = Pace {
    debounce: Duration::from_millis(10),
    settle: Duration::from_millis(1),
    close_wait: Duration::from_millis(1000),
};

/// One report of the watcher, and when it reached us.
struct Change {
    event: notify::Result<Event>,
    time: Instant,
}

/// Starts watching `dir` (canonical) and rebuilding with `builder` on
/// every relevant change, on a thread of its own.
pub fn spawn(
    dir: PathBuf,
    builder: SiteBuilder,
    shared: Arc<Shared>,
    indexer: Indexer,
) -> Result<()> {
    let (tx, rx) = channel::<Change>();
    let watcher = notify::recommended_watcher(move |event| {
        let time = Instant::now();
        // The receiver is gone only when the rebuild thread is.
        let _ = tx.send(Change { event, time });
    })
    .context("failed to start watching files")?;
    let mut w = Watch {
        dir,
        watcher,
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
    watcher: RecommendedWatcher,
    watched: BTreeSet<(PathBuf, bool)>,
    /// The project's configuration as of the last rebuild (`None` while
    /// `book.toml` does not parse: then every change is relevant).
    config: Option<Config>,
}

impl Watch {
    fn run(
        mut self,
        rx: Receiver<Change>,
        mut builder: SiteBuilder,
        shared: &Shared,
        indexer: &Indexer,
    ) {
        // When the last rebuild started reading: a change notified before
        // then is in what it read (large writes can reach us in two
        // batches; the second must not cost a second rebuild).
        let mut last_start: Option<Instant> = None;
        // Paths changed since the last build, and whether that list is
        // known to be whole.
        let mut pending: Vec<PathBuf> = Vec::new();
        let mut complete = true;
        loop {
            let Some(batch) = next_batch(&rx, |p| self.is_relevant(p, false), &PACE) else {
                return;
            };
            let mut watcher_failed = false;
            let mut events: Vec<(Event, Instant)> = Vec::new();
            for c in batch {
                match c.event {
                    Ok(e) => events.push((e, c.time)),
                    Err(e) => {
                        watcher_failed = true;
                        eprintln!("warning: file watcher: {e}");
                    }
                }
            }
            let changes: Vec<(PathBuf, bool)> = events
                .iter()
                .filter(|(e, time)| changes_content(e) && last_start.is_none_or(|t| *time >= t))
                .flat_map(|(e, _)| {
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
            complete &= !watcher_failed && !events.iter().any(|(e, _)| e.need_rescan());
            pending.extend(paths.iter().cloned());
            if !relevant {
                continue;
            }
            let start = Instant::now();
            if let Some(first) = events.iter().map(|(_, time)| *time).min() {
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
                let _ = self.watcher.unwatch(&path);
            }
            let mode = if recursive {
                RecursiveMode::Recursive
            } else {
                RecursiveMode::NonRecursive
            };
            self.watcher
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

/// The next batch of changes: the first to come, and every one after it
/// until the batch is whole. That is when a relevant file written has
/// been closed with no file left open (Linux reports a writer's close:
/// the save is done, nothing is gained by waiting), or else when changes
/// have been quiet for `pace.debounce`. A batch that leaves a relevant
/// file written and not closed (an editor that truncates, then writes a
/// large file) waits for the close, at most `pace.close_wait`: building
/// the file cut short would publish a broken site. `None` once the
/// watcher is gone.
fn next_batch(
    rx: &Receiver<Change>,
    relevant: impl Fn(&Path) -> bool,
    pace: &Pace,
) -> Option<Vec<Change>> {
    let first = rx.recv().ok()?;
    let opened = first.time;
    let mut batch = vec![first];
    loop {
        let events = || batch.iter().filter_map(|c| c.event.as_ref().ok());
        let last = batch.last().map_or(opened, |c| c.time);
        let deadline = if still_open(events(), &relevant) {
            (opened + pace.close_wait).max(last + pace.debounce)
        } else if events()
            .next_back()
            .is_some_and(|e| closes_relevant(e, &relevant))
        {
            last + pace.settle
        } else {
            last + pace.debounce
        };
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(c) => batch.push(c),
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return Some(batch),
        }
    }
}

/// Whether `event` is the close of a relevant file written.
fn closes_relevant(event: &Event, relevant: impl Fn(&Path) -> bool) -> bool {
    matches!(
        event.kind,
        EventKind::Access(AccessKind::Close(AccessMode::Write))
    ) && event.paths.iter().any(|p| relevant(p))
}

/// Whether `events` (in the order they happened) leave a `relevant` file
/// written and not yet closed. Only Linux (inotify) reports a writer's
/// close; elsewhere nothing is ever waited for.
fn still_open<'e>(
    events: impl Iterator<Item = &'e Event>,
    relevant: impl Fn(&Path) -> bool,
) -> bool {
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
fn changes_content(event: &Event) -> bool {
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

#[cfg(test)]
mod tests {
    use std::sync::mpsc::Sender;

    use notify::event::DataChange;

    use super::*;

    /// Long waits, so that what ends a batch is never the machine's speed:
    /// a change 300 ms after the last is in the batch unless the batch
    /// was whole before it.
    const SLOW: Pace = Pace {
        debounce: Duration::from_secs(2),
        settle: Duration::from_millis(1),
        close_wait: Duration::from_secs(5),
    };

    fn send(tx: &Sender<Change>, kind: EventKind, path: &str) {
        let event = Event::new(kind).add_path(PathBuf::from(path));
        let time = Instant::now();
        tx.send(Change {
            event: Ok(event),
            time,
        })
        .unwrap();
    }

    const WRITE: EventKind = EventKind::Modify(ModifyKind::Data(DataChange::Any));
    const CLOSE: EventKind = EventKind::Access(AccessKind::Close(AccessMode::Write));

    fn md(p: &Path) -> bool {
        p.extension().is_some_and(|e| e == "md")
    }

    /// Sends each change on a thread of its own, after waiting the
    /// milliseconds given with it; the channel closes after the last.
    fn later(
        tx: Sender<Change>,
        steps: &'static [(u64, EventKind, &'static str)],
    ) -> std::thread::JoinHandle<()> {
        std::thread::spawn(move || {
            for &(wait, kind, path) in steps {
                std::thread::sleep(Duration::from_millis(wait));
                send(&tx, kind, path);
            }
        })
    }

    fn paths(batch: &[Change]) -> Vec<String> {
        let e = |c: &Change| c.event.as_ref().unwrap().paths[0].display().to_string();
        batch.iter().map(e).collect()
    }

    /// A save in place is whole once the file is closed: it is passed on
    /// then, not after the changes have been quiet for a while.
    #[test]
    fn a_save_in_place_is_passed_on_when_the_file_is_closed() {
        let (tx, rx) = channel();
        send(&tx, WRITE, "/p/spec.md");
        send(&tx, CLOSE, "/p/spec.md");
        let sender = later(tx, &[(300, WRITE, "/p/other.md")]);
        let batch = next_batch(&rx, md, &SLOW).unwrap();
        assert_eq!(paths(&batch), ["/p/spec.md", "/p/spec.md"]);
        sender.join().unwrap();
        assert_eq!(paths(&next_batch(&rx, md, &SLOW).unwrap()), ["/p/other.md"]);
    }

    /// A file written and not yet closed holds the batch until its close,
    /// even past the debounce; the close of a file that cannot change the
    /// site does not end a batch early. (Only inotify reports closes.)
    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_still_open_holds_the_batch_and_an_irrelevant_close_does_not_end_it() {
        let quick = Pace {
            debounce: Duration::from_millis(50),
            ..SLOW
        };
        let (tx, rx) = channel();
        send(&tx, WRITE, "/p/spec.md");
        let steps = &[
            (300, CLOSE, "/p/spec.md"),
            (0, CLOSE, "/p/notes.txt"),
            (300, WRITE, "/p/spec.md"),
        ];
        let sender = later(tx, steps);
        let batch = next_batch(&rx, md, &quick).unwrap();
        assert_eq!(paths(&batch), ["/p/spec.md", "/p/spec.md", "/p/notes.txt"]);
        sender.join().unwrap();
        let (tx, rx) = channel();
        send(&tx, CLOSE, "/p/notes.txt");
        let sender = later(tx, &[(300, WRITE, "/p/spec.md")]);
        let batch = next_batch(&rx, md, &SLOW).unwrap();
        assert_eq!(paths(&batch), ["/p/notes.txt", "/p/spec.md"]);
        sender.join().unwrap();
    }
}
