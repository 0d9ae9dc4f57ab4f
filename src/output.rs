//! The only place that writes files.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

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

/// Writes a whole site into `out`: into a temporary folder beside it first,
/// swapped in only when every file is written, so a failed build leaves the
/// previous site intact. A non-empty `out` that specbook did not create is
/// never replaced.
pub fn write_site(out: &Path, files: &std::collections::BTreeMap<String, Vec<u8>>) -> Result<()> {
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
        _ => std::path::PathBuf::from("."),
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
    // Folders first (once each), then the files in parallel: creating a
    // file costs a round trip to the filesystem, and a site has hundreds.
    let dirs: std::collections::BTreeSet<std::path::PathBuf> = files
        .keys()
        .filter_map(|rel| tmp.path().join(rel).parent().map(Path::to_path_buf))
        .collect();
    for dir in &dirs {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("failed to create `{}`", dir.display()))?;
    }
    {
        use rayon::prelude::*;
        files.par_iter().try_for_each(|(rel, bytes)| {
            let path = tmp.path().join(rel);
            std::fs::write(&path, bytes)
                .with_context(|| format!("failed to write `{}`", path.display()))
        })?;
    }
    std::fs::write(
        tmp.path().join(SITE_MARKER),
        "This folder was written by specbook; `specbook build` may replace it.\n",
    )?;
    let staged = tmp.keep();
    if out.exists() {
        let old = parent.join(format!(".{name}.specbook-old-{}", std::process::id()));
        std::fs::rename(out, &old)
            .with_context(|| format!("failed to move the old `{}` aside", out.display()))?;
        if let Err(e) = std::fs::rename(&staged, out) {
            let _ = std::fs::rename(&old, out);
            let _ = std::fs::remove_dir_all(&staged);
            return Err(e)
                .with_context(|| format!("failed to move the new site into `{}`", out.display()));
        }
        std::fs::remove_dir_all(&old)
            .with_context(|| format!("failed to remove the old site at `{}`", old.display()))?;
    } else if let Err(e) = std::fs::rename(&staged, out) {
        let _ = std::fs::remove_dir_all(&staged);
        return Err(e)
            .with_context(|| format!("failed to move the new site into `{}`", out.display()));
    }
    Ok(())
}
