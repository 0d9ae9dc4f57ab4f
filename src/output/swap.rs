//! Swapping the staged site in for the output folder, and clearing up what
//! builds that were killed half-way left beside it.
//!
//! Beside `OUT` specbook only ever makes `.OUT.specbook-tmp-*` (a site
//! being written, locked by its build while it runs) and, for a moment,
//! `.OUT.specbook-old-*` (the previous site on its way out, whose user
//! files are moved into the new site before it is removed).

use std::collections::BTreeSet;
use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::carry::merge_leftovers;
use super::manifest::Manifest;

/// Where the folders of builds into one output folder go.
pub struct Beside {
    pub parent: PathBuf,
    pub name: String,
}

impl Beside {
    pub fn staging_prefix(&self) -> String {
        format!(".{}.specbook-tmp-", self.name)
    }

    fn old_prefix(&self) -> String {
        format!(".{}.specbook-old-", self.name)
    }

    /// A fresh name for the previous site on its way out.
    fn aside(&self) -> PathBuf {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let pid = std::process::id();
        self.parent
            .join(format!("{}{pid}-{nanos}", self.old_prefix()))
    }

    /// A visible name, next to `OUT`, for files that could not be carried
    /// into the new site.
    fn kept(&self) -> PathBuf {
        (1..)
            .map(|n| self.parent.join(format!("{}.specbook-kept-{n}", self.name)))
            .find(|p| std::fs::symlink_metadata(p).is_err())
            .unwrap_or_else(|| self.parent.join(format!("{}.specbook-kept", self.name)))
    }
}

/// A lock on a folder, held while the value lives: a build holds its
/// staging folder's, so that no other build clears it as stale. Where the
/// file system has no locks, there is none (and no stale folder is cleared).
pub struct FolderLock(#[allow(dead_code)] Option<File>);

pub fn lock(dir: &Path) -> FolderLock {
    FolderLock(try_lock(dir))
}

fn try_lock(dir: &Path) -> Option<File> {
    let file = File::open(dir).ok()?;
    file.try_lock().ok()?;
    Some(file)
}

/// Puts `staged` where `out` is. Returns where the previous folder went,
/// still whole (`None` when there was none). On error `staged` still holds
/// the new site and `out` the old one.
pub fn swap_in(staged: &Path, out: &Path, beside: &Beside) -> Result<Option<PathBuf>> {
    let moved_in = || format!("failed to move the new site into `{}`", out.display());
    if std::fs::symlink_metadata(out).is_err() {
        std::fs::rename(staged, out).with_context(moved_in)?;
        return Ok(None);
    }
    let aside = beside.aside();
    #[cfg(target_os = "linux")]
    match exchange(staged, out) {
        Ok(()) => {
            // The old site now carries the staging folder's name, which a
            // later build would delete outright; as an old site, its user
            // files would be moved in instead.
            return Ok(Some(match std::fs::rename(staged, &aside) {
                Ok(()) => aside,
                Err(_) => staged.to_path_buf(),
            }));
        }
        Err(e) if !exchange_unsupported(e) => return Err(e).with_context(moved_in),
        Err(_) => {}
    }
    std::fs::rename(out, &aside)
        .with_context(|| format!("failed to move the old `{}` aside", out.display()))?;
    if let Err(e) = std::fs::rename(staged, out) {
        let _ = std::fs::rename(&aside, out);
        return Err(e).with_context(moved_in);
    }
    Ok(Some(aside))
}

/// Exchanges two folders in one step, so `out` is never missing.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> rustix::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE)
}

/// File systems (and kernels) without `RENAME_EXCHANGE`: two renames then.
#[cfg(target_os = "linux")]
fn exchange_unsupported(e: rustix::io::Errno) -> bool {
    use rustix::io::Errno;
    [Errno::INVAL, Errno::NOSYS, Errno::OPNOTSUPP].contains(&e)
}

/// Empties the previous site `old` into the new one at `out` (see
/// [`merge_leftovers`]); what cannot be moved stays in a visible folder
/// beside `out`, with a warning.
pub fn retire(old: &Path, out: &Path, ours: &Manifest, beside: &Beside) -> Vec<String> {
    let new = match Manifest::read(out) {
        Ok(Some(Manifest::Listed(files))) => files,
        _ => BTreeSet::new(),
    };
    let stuck = merge_leftovers(old, out, ours, &new);
    keep_aside(old, &stuck, beside).into_iter().collect()
}

fn keep_aside(old: &Path, stuck: &[PathBuf], beside: &Beside) -> Option<String> {
    if std::fs::symlink_metadata(old).is_err() {
        return None;
    }
    let shown: Vec<String> = stuck
        .iter()
        .take(5)
        .map(|p| format!("`{}`", p.display()))
        .collect();
    let kept = beside.kept();
    let at = match std::fs::rename(old, &kept) {
        Ok(()) => kept,
        Err(_) => old.to_path_buf(),
    };
    if stuck.is_empty() {
        return Some(format!(
            "the site an interrupted build moved aside is kept in `{}`: the output folder is no longer a specbook site, so its files were not moved back",
            at.display()
        ));
    }
    Some(format!(
        "{} file(s) of the previous site could not be moved into the new one, as something the build wrote is in their way ({}{}); they are kept in `{}`",
        stuck.len(),
        shown.join(", "),
        if stuck.len() > shown.len() {
            ", …"
        } else {
            ""
        },
        at.display()
    ))
}

/// Clears what killed builds into `out` left beside it: a previous site
/// moved aside goes back when `out` is missing, else its user files move
/// into `out`; an unfinished staging folder (only ever specbook's files
/// and links to files `out` still holds) is removed. Folders still locked
/// belong to a running build and are left alone. Returns warnings.
pub fn recover(beside: &Beside, out: &Path) -> Result<Vec<String>> {
    let mut warnings = Vec::new();
    let Ok(entries) = std::fs::read_dir(&beside.parent) else {
        return Ok(warnings);
    };
    let (staging, old) = (beside.staging_prefix(), beside.old_prefix());
    let mut found: Vec<(PathBuf, bool)> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let is_old = name.starts_with(&old);
            (is_old || name.starts_with(&staging)).then(|| (e.path(), is_old))
        })
        .collect();
    found.sort();
    for (path, is_old) in found {
        let Some(_lock) = try_lock(&path) else {
            continue;
        };
        if !is_old {
            if let Err(e) = std::fs::remove_dir_all(&path) {
                warnings.push(format!(
                    "could not remove `{}`, left by an interrupted build: {e}",
                    path.display()
                ));
            }
            continue;
        }
        if std::fs::symlink_metadata(out).is_err() {
            std::fs::rename(&path, out).with_context(|| {
                format!(
                    "failed to restore the previous site into `{}`",
                    out.display()
                )
            })?;
            warnings.push(format!(
                "restored the previous site into `{}` (a build was interrupted while swapping it out)",
                out.display()
            ));
            continue;
        }
        let ours = Manifest::read(&path)?.unwrap_or(Manifest::Unknown);
        if Manifest::read(out)?.is_some() {
            warnings.extend(retire(&path, out, &ours, beside));
        } else {
            // `out` is no site of ours any more: leave its contents alone.
            warnings.extend(keep_aside(&path, &[], beside));
        }
    }
    Ok(warnings)
}
