//! Swapping the staged site in for the output folder.
//!
//! Beside `OUT` specbook only ever makes `.OUT.specbook-tmp-*` (a site
//! being written) and, for a moment,
//! `.OUT.specbook-old-*` (the previous site on its way out, whose user
//! files are moved into the new site before it is removed).

use std::collections::BTreeSet;
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
