//! The only place that writes files.

mod guard;

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result};

use crate::render::Sink;

pub use guard::check_output_folder;

/// Writes a file through a temporary sibling and a rename, so a reader
/// never sees it half-written and a failure leaves the old file intact.
pub fn write_file_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("failed to create a temporary file in `{}`", dir.display()))?;
    tmp.write_all(bytes)?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("failed to write `{}`", path.display()))?;
    Ok(())
}

/// Marks a folder as a site specbook wrote, so a later build may replace it.
pub const SITE_MARKER: &str = ".specbook-site";

/// A site being written: files go into a temporary folder beside `out` as
/// they are rendered ([`Sink`]), and [`Staging::commit`] swaps the folder in
/// only when every file is written, so a failed build leaves the previous
/// site intact. Dropping an uncommitted `Staging` removes the temporary
/// folder. A non-empty `out` that specbook did not create is never replaced.
pub struct Staging {
    out: PathBuf,
    parent: PathBuf,
    name: String,
    tmp: tempfile::TempDir,
    /// Folders already created inside `tmp` (creating one costs a
    /// filesystem round trip; a site has hundreds of files in a dozen).
    dirs: Mutex<HashSet<PathBuf>>,
    files: AtomicUsize,
}

impl Staging {
    /// Checks that `out` may be replaced and creates the temporary folder.
    pub fn begin(out: &Path) -> Result<Self> {
        if out.exists() {
            if !out.is_dir() {
                anyhow::bail!("output `{}` exists and is not a folder", out.display());
            }
            let empty = std::fs::read_dir(out)?.next().is_none();
            if !empty && !out.join(SITE_MARKER).is_file() {
                anyhow::bail!(
                    "refusing to replace `{}`: it is not empty and was not written by specbook (no `{SITE_MARKER}` file); choose another output folder or empty it",
                    out.display()
                );
            }
        }
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)
            .with_context(|| format!("failed to create `{}`", parent.display()))?;
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "site".into());
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}.specbook-tmp-"))
            .tempdir_in(&parent)
            .with_context(|| {
                format!(
                    "failed to create a temporary folder in `{}`",
                    parent.display()
                )
            })?;
        Ok(Staging {
            out: out.to_path_buf(),
            parent,
            name,
            tmp,
            dirs: Mutex::new(HashSet::new()),
            files: AtomicUsize::new(0),
        })
    }

    /// Swaps the written site in for `out`; returns how many files it has.
    pub fn commit(self) -> Result<usize> {
        std::fs::write(
            self.tmp.path().join(SITE_MARKER),
            "This folder was written by specbook; `specbook build` may replace it.\n",
        )?;
        let Staging {
            out,
            parent,
            name,
            tmp,
            files,
            ..
        } = self;
        let staged = tmp.keep();
        if out.exists() {
            let old = parent.join(format!(".{name}.specbook-old-{}", std::process::id()));
            std::fs::rename(&out, &old)
                .with_context(|| format!("failed to move the old `{}` aside", out.display()))?;
            if let Err(e) = std::fs::rename(&staged, &out) {
                let _ = std::fs::rename(&old, &out);
                let _ = std::fs::remove_dir_all(&staged);
                return Err(e).with_context(|| {
                    format!("failed to move the new site into `{}`", out.display())
                });
            }
            std::fs::remove_dir_all(&old)
                .with_context(|| format!("failed to remove the old site at `{}`", old.display()))?;
        } else if let Err(e) = std::fs::rename(&staged, &out) {
            let _ = std::fs::remove_dir_all(&staged);
            return Err(e)
                .with_context(|| format!("failed to move the new site into `{}`", out.display()));
        }
        Ok(files.into_inner())
    }
}

impl Sink for Staging {
    fn put(&self, rel: String, bytes: Vec<u8>) -> Result<()> {
        let path = self.tmp.path().join(&rel);
        if let Some(dir) = path.parent() {
            let known = self
                .dirs
                .lock()
                .map_err(|_| anyhow::anyhow!("a writing thread panicked"))?
                .contains(dir);
            if !known {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("failed to create `{}`", dir.display()))?;
                if let Ok(mut dirs) = self.dirs.lock() {
                    dirs.insert(dir.to_path_buf());
                }
            }
        }
        std::fs::write(&path, bytes)
            .with_context(|| format!("failed to write `{}`", path.display()))?;
        self.files.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}
