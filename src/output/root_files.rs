//! Files a project wants at its site's root (`CNAME`, `.nojekyll`,
//! `_redirects`, `.well-known/…`): whatever `static/root/` holds, beside
//! `book.toml`, is copied there verbatim and listed in the manifest.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::manifest::{SITE_MARKER, is_git};

/// Where a project keeps them, relative to its root.
pub const ROOT_FILES_DIR: &str = "static/root";

/// One file of `static/root/`.
pub struct RootFile {
    /// Its path in the site, with `/`.
    pub rel: String,
    pub path: PathBuf,
}

/// Every file under `dir`, sorted. Names the output reserves (the marker,
/// `.git`), symbolic links and names that are not UTF-8 are refused, all
/// of them in one error.
pub fn collect(dir: &Path) -> Result<Vec<RootFile>> {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    if !dir.is_dir() {
        return Ok(files);
    }
    for entry in walkdir::WalkDir::new(dir)
        .min_depth(1)
        .follow_links(false)
        .sort_by_file_name()
    {
        let entry = entry.with_context(|| format!("failed to list `{}`", dir.display()))?;
        if entry.file_type().is_dir() {
            continue;
        }
        let rel_path = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let shown = format!("{ROOT_FILES_DIR}/{}", rel_path.display());
        let parts: Option<Vec<&str>> = rel_path
            .components()
            .map(|c| c.as_os_str().to_str())
            .collect();
        let Some(rel) = parts.map(|p| p.join("/")) else {
            problems.push(format!("`{shown}`: the name is not UTF-8"));
            continue;
        };
        if rel == SITE_MARKER || is_git(&rel) {
            problems.push(format!(
                "`{shown}`: the output's `{rel}` is never copied from the project"
            ));
        } else if !entry.file_type().is_file() {
            problems.push(format!(
                "`{shown}` is not a regular file (a symbolic link?): put the file itself there"
            ));
        } else {
            files.push(RootFile {
                rel,
                path: entry.path().to_path_buf(),
            });
        }
    }
    if !problems.is_empty() {
        bail!("cannot copy {}", problems.join("; "));
    }
    Ok(files)
}
