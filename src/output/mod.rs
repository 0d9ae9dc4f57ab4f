//! The only place that writes the site to disk.
//!
//! A build writes into a staging folder beside `OUT` and swaps it in only
//! when every file is written ([`Staging`]), so a failed or killed build
//! leaves the previous site as it was. The site's `.specbook-site` lists
//! the files specbook wrote (its manifest): the next build replaces exactly
//! those and keeps everything else the folder holds, such as a `CNAME`, a
//! `downloads/` folder or a gh-pages worktree's `.git`.
//!
//! A rebuild links each file whose bytes did not change from the previous
//! site into the staging folder instead of writing it again (`reuse`):
//! on some file systems creating a file costs ten to fifty times what
//! linking one does, and unchanged files keep their modification time.

mod carry;
mod clean;
mod guard;
mod manifest;
mod reuse;
mod root_files;
mod swap;

use std::collections::{BTreeSet, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result, bail};

use crate::sink::Sink;
use manifest::Manifest;
use root_files::RootFile;

pub use clean::{Cleaned, clean};
pub use guard::check_output_folder;
pub use manifest::SITE_MARKER;
pub use root_files::ROOT_FILES_DIR;

/// Writes a file through a temporary sibling and a rename, so a reader
/// never sees it half-written and a failure leaves the old file intact.
pub fn write_file_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    // A temporary file is made private (0600); the file it becomes is not:
    // the usual mode, less the umask, as any other file the build writes.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("failed to create a temporary file in `{}`", dir.display()))?;
    tmp.write_all(bytes)?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("failed to write `{}`", path.display()))?;
    Ok(())
}

/// How a build treats its output folder.
#[derive(Debug, Clone, Default)]
pub struct StagingOptions {
    /// Build into a non-empty folder specbook did not write: it is adopted,
    /// its files kept like any user file of a specbook site.
    pub force: bool,
    /// The project's `static/root/`, whose files go to the site's root.
    pub root_files: Option<PathBuf>,
}

/// A site being written: files go into a temporary folder beside `out` as
/// they are rendered ([`Sink`]), and [`Staging::commit`] swaps the folder in
/// only when every file is written, carrying over the files of the old
/// site that specbook did not write. Dropping an uncommitted `Staging`
/// removes the temporary folder. A non-empty `out` that specbook did not
/// write is never replaced (unless adopted with `force`).
pub struct Staging {
    out: PathBuf,
    beside: swap::Beside,
    force: bool,
    root_files: Vec<RootFile>,
    /// Declared before the lock: the folder is removed before the lock,
    /// which keeps other builds from clearing it, is released.
    tmp: tempfile::TempDir,
    _lock: swap::FolderLock,
    /// Folders already created inside `tmp` (creating one costs a
    /// filesystem round trip; a site has hundreds of files in a dozen).
    dirs: Mutex<HashSet<PathBuf>>,
    /// Every file written so far: the manifest.
    written: Mutex<BTreeSet<String>>,
    /// The site `out` holds now, whose unchanged files are linked rather
    /// than written again (`None`: nothing there of ours).
    previous: Option<reuse::Previous>,
}

impl Staging {
    /// Checks that `out` may be replaced and creates the temporary folder.
    pub fn begin(out: &Path) -> Result<Self> {
        Staging::begin_with(out, &StagingOptions::default())
    }

    /// [`Staging::begin`] with options. Clears first what builds into the
    /// same folder that were killed left beside it.
    pub fn begin_with(out: &Path, opts: &StagingOptions) -> Result<Self> {
        let out = guard::resolve(out);
        let (Some(parent), Some(name)) = (out.parent(), out.file_name()) else {
            bail!("cannot build into `{}`", out.display());
        };
        let beside = swap::Beside {
            parent: parent.to_path_buf(),
            name: name.to_string_lossy().into_owned(),
        };
        let root_files = match &opts.root_files {
            Some(dir) => root_files::collect(dir)?,
            None => Vec::new(),
        };
        if parent.is_dir() {
            swap::recover(&beside, &out)?.iter().for_each(warn);
        }
        let previous = match previous_site(&out, opts.force)? {
            Some(Manifest::Listed(files)) => Some(reuse::Previous {
                dir: out.clone(),
                files,
            }),
            _ => None,
        };
        std::fs::create_dir_all(parent)
            .with_context(|| format!("failed to create `{}`", parent.display()))?;
        let tmp = tempfile::Builder::new()
            .prefix(&beside.staging_prefix())
            .tempdir_in(parent)
            .with_context(|| {
                format!(
                    "failed to create a temporary folder in `{}`",
                    parent.display()
                )
            })?;
        let lock = swap::lock(tmp.path());
        Ok(Staging {
            out,
            beside,
            force: opts.force,
            root_files,
            tmp,
            _lock: lock,
            dirs: Mutex::new(HashSet::new()),
            written: Mutex::new(BTreeSet::new()),
            previous,
        })
    }

    /// Swaps the written site in for `out`; returns how many files it has.
    pub fn commit(self) -> Result<usize> {
        self.copy_root_files()?;
        let written = std::mem::take(&mut *self.written.lock().map_err(poisoned)?);
        let staged = self.tmp.path();
        write_file_atomic(
            &staged.join(SITE_MARKER),
            manifest::render(&written).as_bytes(),
        )?;
        let old = previous_site(&self.out, self.force)?;
        if let Some(ours) = &old {
            if *ours == Manifest::Unknown && self.out.join(SITE_MARKER).is_file() {
                warn(&format!(
                    "`{}` was written by an older specbook, whose `{SITE_MARKER}` lists no files: every file there that this build does not write is kept (delete stale pages by hand)",
                    self.out.display()
                ));
            }
            carry::link_user_files(&self.out, ours, staged, &written)?
                .iter()
                .for_each(warn);
        }
        let Staging {
            out,
            beside,
            tmp,
            _lock,
            ..
        } = self;
        let staged = tmp.keep();
        let aside = match swap::swap_in(&staged, &out, &beside) {
            Ok(aside) => aside,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&staged);
                return Err(e);
            }
        };
        if let Some(aside) = aside {
            let ours = old.unwrap_or(Manifest::Unknown);
            swap::retire(&aside, &out, &ours, &beside)
                .iter()
                .for_each(warn);
        }
        Ok(written.len())
    }

    /// Copies `static/root/` into the site; a file there may not stand in
    /// for one the build generates.
    fn copy_root_files(&self) -> Result<()> {
        let clashes: Vec<String> = {
            let written = self.written.lock().map_err(poisoned)?;
            self.root_files
                .iter()
                .filter(|f| written.contains(&f.rel))
                .map(|f| format!("`{ROOT_FILES_DIR}/{}`", f.rel))
                .collect()
        };
        if !clashes.is_empty() {
            bail!(
                "{} would replace what specbook generates at that path in the site; remove it (pages and assets are customised through `templates/` and `static/`)",
                clashes.join(", ")
            );
        }
        for file in &self.root_files {
            let bytes = std::fs::read(&file.path)
                .with_context(|| format!("failed to read `{}`", file.path.display()))?;
            self.put(file.rel.clone(), bytes)?;
        }
        Ok(())
    }
}

/// What `out` holds now: `None` for nothing (missing or empty), else what
/// its manifest says is specbook's (nothing, for a folder adopted with
/// `force`). Refuses a folder specbook did not write.
fn previous_site(out: &Path, force: bool) -> Result<Option<Manifest>> {
    let meta = match std::fs::symlink_metadata(out) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("failed to inspect `{}`", out.display())),
    };
    if !meta.is_dir() {
        bail!("output `{}` exists and is not a folder", out.display());
    }
    if let Some(manifest) = Manifest::read(out)? {
        return Ok(Some(manifest));
    }
    let empty = std::fs::read_dir(out)
        .with_context(|| format!("failed to list `{}`", out.display()))?
        .next()
        .is_none();
    if empty {
        return Ok(None);
    }
    if force {
        return Ok(Some(Manifest::Unknown));
    }
    bail!(
        "refusing to replace `{}`: it is not empty and was not written by specbook (no `{SITE_MARKER}` file); choose another output folder, or pass `--force` to build into it (its files are kept, except any at a path the site itself uses)",
        out.display()
    )
}

fn warn(message: &String) {
    eprintln!("warning: {message}");
}

fn poisoned<T>(_: T) -> anyhow::Error {
    anyhow::anyhow!("a writing thread panicked")
}

impl Staging {
    /// Where `rel` goes in the staging folder, its folder created.
    fn place(&self, rel: &str) -> Result<PathBuf> {
        let path = self.tmp.path().join(rel);
        if let Some(dir) = path.parent() {
            let known = self.dirs.lock().map_err(poisoned)?.contains(dir);
            if !known {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("failed to create `{}`", dir.display()))?;
                if let Ok(mut dirs) = self.dirs.lock() {
                    dirs.insert(dir.to_path_buf());
                }
            }
        }
        Ok(path)
    }

    fn record(&self, rel: String) -> Result<()> {
        self.written.lock().map_err(poisoned)?.insert(rel);
        Ok(())
    }
}

impl Sink for Staging {
    fn put(&self, rel: String, bytes: Vec<u8>) -> Result<()> {
        let path = self.place(&rel)?;
        let kept = self
            .previous
            .as_ref()
            .is_some_and(|p| p.keep(&rel, &bytes, &path));
        if !kept {
            std::fs::write(&path, bytes)
                .with_context(|| format!("failed to write `{}`", path.display()))?;
        }
        self.record(rel)
    }

    fn put_parts(&self, rel: String, parts: &[&str]) -> Result<()> {
        self.put_with(rel, &|file| {
            parts
                .iter()
                .try_for_each(|part| file.write_all(part.as_bytes()))
        })
    }

    fn put_with(&self, rel: String, write: &crate::sink::WriteFile<'_>) -> Result<()> {
        let path = self.place(&rel)?;
        let made = || -> std::io::Result<()> {
            match &self.previous {
                Some(previous) => {
                    let mut file = previous.writer(&rel, &path)?;
                    write(&mut file)?;
                    file.finish()
                }
                None => {
                    let mut file =
                        std::io::BufWriter::with_capacity(1 << 18, std::fs::File::create(&path)?);
                    write(&mut file)?;
                    file.flush()
                }
            }
        };
        made().with_context(|| format!("failed to write `{}`", path.display()))?;
        self.record(rel)
    }
}
