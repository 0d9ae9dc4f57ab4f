//! `specbook clean`: removes a site specbook wrote, file by file from its
//! manifest, and nothing else. A file the manifest does not name (a
//! `CNAME`, `.git`, the user's) stays, and so does the folder holding it.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Context, Result, bail};

use super::manifest::{Manifest, SITE_MARKER};
use super::swap;

/// What a clean did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Cleaned {
    /// Files removed (the marker included).
    pub removed: usize,
    /// Whether the folder itself is gone (it held nothing else).
    pub folder_removed: bool,
    /// Entries left at the folder's top level (the user's), sorted.
    pub kept: Vec<String>,
}

/// Removes the site in `out`. Refuses a folder without specbook's marker:
/// it may be anything.
pub fn clean(out: &Path) -> Result<Cleaned> {
    if !out.exists() {
        return Ok(Cleaned::default());
    }
    let Some(manifest) = Manifest::read(out)? else {
        bail!(
            "`{}` has no `{SITE_MARKER}`: specbook did not write it, so nothing was removed",
            out.display()
        );
    };
    // Not while a build swaps a new site in.
    let _lock = swap::lock(out);
    let files = match manifest {
        Manifest::Listed(files) => files,
        Manifest::Unknown => BTreeSet::new(),
    };
    let mut cleaned = Cleaned::default();
    let mut dirs = BTreeSet::new();
    for rel in files
        .iter()
        .filter(|rel| *rel != SITE_MARKER && manifest_may_remove(rel))
    {
        let path = out.join(rel);
        // A directory (or nothing) where a file was: not ours any more.
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            continue;
        }
        std::fs::remove_file(&path)
            .with_context(|| format!("failed to remove `{}`", path.display()))?;
        cleaned.removed += 1;
        let mut parent = Path::new(rel).parent();
        while let Some(p) = parent.filter(|p| !p.as_os_str().is_empty()) {
            dirs.insert(p.to_path_buf());
            parent = p.parent();
        }
    }
    // Deepest first; a folder that still holds something is kept.
    for dir in dirs.iter().rev() {
        let _ = std::fs::remove_dir(out.join(dir));
    }
    std::fs::remove_file(out.join(SITE_MARKER))
        .with_context(|| format!("failed to remove `{}`", out.join(SITE_MARKER).display()))?;
    cleaned.removed += 1;
    let mut kept: Vec<String> = std::fs::read_dir(out)
        .with_context(|| format!("failed to read `{}`", out.display()))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    kept.sort();
    if kept.is_empty() {
        std::fs::remove_dir(out)
            .with_context(|| format!("failed to remove `{}`", out.display()))?;
        cleaned.folder_removed = true;
    }
    cleaned.kept = kept;
    Ok(cleaned)
}

/// A listed path clean may act on: relative, inside the folder, never
/// `.git` (whatever a tampered manifest says).
fn manifest_may_remove(rel: &str) -> bool {
    let path = Path::new(rel);
    !super::manifest::is_git(rel)
        && path
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}
