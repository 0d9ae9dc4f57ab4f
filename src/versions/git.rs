//! Releases from git revisions, read with gix (never by parsing a `git`
//! program's output): the markdown files and `book.toml` of a revision are
//! written into a temporary folder, which the normal loader then reads, so
//! a release from git and one from a folder take the same path.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};

/// A revision's spec files, checked out into a temporary folder.
pub struct Checkout {
    /// The project's root as of the revision (the temporary folder, or a
    /// folder below it when `book.toml` is not at the repository's root).
    pub root: PathBuf,
    /// The commit the revision names.
    pub commit: String,
    /// The commit's date, `YYYY-MM-DD`.
    pub date: String,
    /// Held for its lifetime: the folder is removed when this is dropped.
    _dir: tempfile::TempDir,
}

/// The repository that holds `project_root`, and the project's path inside
/// its work tree (`""` when the project is the repository's root).
fn open(project_root: &Path) -> Result<(gix::Repository, PathBuf)> {
    let repo = gix::discover(project_root).map_err(|e| {
        anyhow!(
            "`{}` is not inside a git repository ({e})",
            project_root.display()
        )
    })?;
    let workdir = repo
        .workdir()
        .ok_or_else(|| anyhow!("the repository at `{}` is bare", repo.path().display()))?;
    let workdir = workdir
        .canonicalize()
        .unwrap_or_else(|_| workdir.to_path_buf());
    let root = project_root
        .canonicalize()
        .with_context(|| format!("`{}` does not exist", project_root.display()))?;
    let inside = root
        .strip_prefix(&workdir)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    Ok((repo, inside))
}

/// Checks out the markdown files and `book.toml` under the project's folder
/// as of `rev` (a tag, branch, commit or any revision git understands).
pub fn checkout(project_root: &Path, rev: &str) -> Result<Checkout> {
    let (repo, inside) = open(project_root)?;
    let commit = repo
        .rev_parse_single(rev)
        .map_err(|e| anyhow!("no revision `{rev}` in `{}` ({e})", repo.path().display()))?
        .object()?
        .peel_to_commit()
        .map_err(|e| anyhow!("revision `{rev}` does not name a commit ({e})"))?;
    let date = commit_date(&commit)?;
    let tree = commit.tree()?;
    let mut recorder = gix::traverse::tree::Recorder::default();
    tree.traverse()
        .breadthfirst(&mut recorder)
        .with_context(|| format!("failed to read the tree of `{rev}`"))?;
    let dir = tempfile::Builder::new()
        .prefix("specbook-release-")
        .tempdir()
        .context("failed to create a temporary folder for a release")?;
    let mut written = 0usize;
    for entry in recorder.records {
        if !entry.mode.is_blob() {
            continue; // trees, symlinks and submodules hold no spec text
        }
        let path = PathBuf::from(entry.filepath.to_string());
        let Ok(rel) = path.strip_prefix(&inside) else {
            continue;
        };
        let wanted = rel.extension().is_some_and(|e| e == "md")
            || rel == Path::new(crate::config::BOOK_TOML);
        if !wanted || !is_plain(rel) {
            continue;
        }
        let blob = repo
            .find_object(entry.oid)
            .with_context(|| format!("failed to read `{}` at `{rev}`", path.display()))?;
        let dest = dir.path().join(rel);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&dest, &blob.data)
            .with_context(|| format!("failed to write `{}`", dest.display()))?;
        written += 1;
    }
    if written == 0 {
        bail!(
            "revision `{rev}` has no markdown file under `{}`",
            if inside.as_os_str().is_empty() {
                ".".into()
            } else {
                inside.display().to_string()
            }
        );
    }
    Ok(Checkout {
        root: dir.path().to_path_buf(),
        commit: commit.id.to_string(),
        date,
        _dir: dir,
    })
}

/// The date (`YYYY-MM-DD`) of the last commit up to `HEAD` that changed
/// `file` (relative to the project root), if the project is in git and the
/// file is tracked.
pub fn last_change(project_root: &Path, file: &Path) -> Option<String> {
    let (repo, inside) = open(project_root).ok()?;
    let path = inside.join(file);
    let head = repo.head_id().ok()?;
    let blob_at = |id: gix::ObjectId| -> Option<gix::ObjectId> {
        let commit = repo.find_commit(id).ok()?;
        let entry = commit.tree().ok()?.lookup_entry_by_path(&path).ok()??;
        Some(entry.object_id())
    };
    let mut newest: Option<(gix::ObjectId, Option<gix::ObjectId>)> = None;
    for info in head.ancestors().first_parent_only().all().ok()? {
        let id = info.ok()?.id;
        let blob = blob_at(id);
        match &newest {
            None => newest = Some((id, blob)),
            Some((changed_in, b)) if *b != blob => {
                return commit_date(&repo.find_commit(*changed_in).ok()?).ok();
            }
            Some(_) => newest = Some((id, blob)),
        }
    }
    // The file is as the first commit made it.
    let (first, blob) = newest?;
    blob?;
    commit_date(&repo.find_commit(first).ok()?).ok()
}

fn commit_date(commit: &gix::Commit<'_>) -> Result<String> {
    let time = commit.time().context("a commit without a readable date")?;
    Ok(time.format_or_unix(gix::date::time::format::SHORT))
}

/// A relative path of plain names (no `..`, no root): safe to join.
fn is_plain(p: &Path) -> bool {
    p.components()
        .all(|c| matches!(c, std::path::Component::Normal(_)))
}
