//! Files in the output folder that specbook did not write (a `CNAME`, a
//! `downloads/` folder, a gh-pages worktree's `.git`) outlive a rebuild.
//!
//! Before the swap they are hard-linked into the staged site, so a reader
//! sees them all along and the old folder stays untouched until the swap.
//! After it, [`merge_leftovers`] goes through the old folder once more:
//! specbook's own files are dropped, and any user file the new site does
//! not hold as the very same file (one that could not be linked, or was
//! added or replaced during the build) is moved in. So nothing the user
//! put there is lost, even when a build races with an edit.

use std::collections::BTreeSet;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use walkdir::WalkDir;

use super::manifest::Manifest;

/// Hard-links every user file of `old` into `staged` (copies it where a
/// link is impossible), creating the user's folders, empty ones too. A user
/// file at a path the new site writes (`new`) is left to the build, with a
/// warning unless both hold the same bytes. Returns the warnings.
pub fn link_user_files(
    old: &Path,
    ours: &Manifest,
    staged: &Path,
    new: &BTreeSet<String>,
) -> Result<Vec<String>> {
    let mut warnings = Vec::new();
    let mut walker = WalkDir::new(old)
        .min_depth(1)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walker.next() {
        let entry = entry.with_context(|| format!("failed to list `{}`", old.display()))?;
        let rel_path = entry.path().strip_prefix(old).unwrap_or(entry.path());
        let rel = slash_path(rel_path);
        let dest = staged.join(rel_path);
        if entry.file_type().is_dir() {
            // Folders are made for the user's files as they come (below),
            // so a folder that held only the build's files is not made
            // again; an empty one is the user's, and is kept.
            let empty = std::fs::read_dir(entry.path()).is_ok_and(|mut d| d.next().is_none());
            if empty {
                match std::fs::create_dir_all(&dest) {
                    Ok(()) => {}
                    // A file of the new site is in the way: the folder
                    // stays in the old site, and `merge_leftovers` says so.
                    Err(_) => walker.skip_current_dir(),
                }
            }
            continue;
        }
        if rel.as_deref().is_some_and(|r| ours.names(r)) {
            continue;
        }
        if let Some(rel) = rel.as_deref().filter(|r| new.contains(*r)) {
            if !same_bytes(entry.path(), &dest) {
                warnings.push(format!(
                    "`{rel}` in the output was not written by specbook, but the build now writes that path: the build's file replaces it"
                ));
            }
            continue;
        }
        // Best effort: whatever cannot be linked or copied here (a file of
        // the new site where its folder would be, too) is moved in by
        // `merge_leftovers` right after the swap.
        if let Some(dir) = dest.parent()
            && !dir.is_dir()
            && std::fs::create_dir_all(dir).is_err()
        {
            continue;
        }
        if std::fs::hard_link(entry.path(), &dest).is_err() && entry.file_type().is_file() {
            let _ = std::fs::copy(entry.path(), &dest);
        }
    }
    Ok(warnings)
}

/// Empties `old` (a previous site, already swapped out for `out`): drops
/// the files `ours` names and those `out` holds as the same file, drops a
/// user file at a path the new site writes (`new`: the build's file wins),
/// and moves every other file into `out`. Returns what could not be moved
/// (something of the new site is in the way); `old` is removed if empty.
pub fn merge_leftovers(
    old: &Path,
    out: &Path,
    ours: &Manifest,
    new: &BTreeSet<String>,
) -> Vec<PathBuf> {
    let mut stuck = Vec::new();
    let walker = WalkDir::new(old)
        .min_depth(1)
        .follow_links(false)
        .contents_first(true);
    // Entries may vanish meanwhile (another build clearing the same old
    // folder); whatever cannot be listed stays where it is.
    for entry in walker.into_iter().filter_map(Result::ok) {
        let from = entry.path();
        if entry.file_type().is_dir() {
            // Fails while the folder still holds something: then it stays.
            let _ = std::fs::remove_dir(from);
            continue;
        }
        let rel_path = from.strip_prefix(old).unwrap_or(from);
        let rel = slash_path(rel_path);
        let to = out.join(rel_path);
        let drop = match rel.as_deref() {
            Some(r) => ours.names(r) || new.contains(r) || same_file(from, &to),
            None => same_file(from, &to),
        };
        let done = if drop {
            remove_file(from)
        } else {
            move_into(from, &to)
        };
        if !done {
            stuck.push(rel_path.to_path_buf());
        }
    }
    // Fails while `old` still holds something: the caller keeps it then.
    let _ = std::fs::remove_dir(old);
    stuck.sort();
    stuck
}

fn remove_file(path: &Path) -> bool {
    match std::fs::remove_file(path) {
        Ok(()) => true,
        Err(e) => e.kind() == ErrorKind::NotFound,
    }
}

/// Moves a user file into the new site, over a stale link or copy of it.
fn move_into(from: &Path, to: &Path) -> bool {
    if std::fs::symlink_metadata(to).is_ok_and(|m| m.is_dir()) {
        return false;
    }
    if let Some(dir) = to.parent()
        && std::fs::create_dir_all(dir).is_err()
    {
        return false;
    }
    match std::fs::rename(from, to) {
        Ok(()) => true,
        Err(e) => e.kind() == ErrorKind::NotFound && !from.exists(),
    }
}

/// A relative path with `/` separators, as the manifest writes it; `None`
/// when it is not UTF-8 (specbook never writes such a name).
fn slash_path(rel: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    parts.map(|p| p.join("/"))
}

/// Whether two paths are one file (hard links of each other), not
/// following symlinks.
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::symlink_metadata(a), std::fs::symlink_metadata(b)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (a, b);
        false
    }
}

fn same_bytes(a: &Path, b: &Path) -> bool {
    match (std::fs::read(a), std::fs::read(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap()
    }

    #[test]
    fn user_files_changed_or_added_during_the_build_reach_the_new_site() {
        let tmp = tempfile::tempdir().unwrap();
        let (old, out) = (tmp.path().join("old"), tmp.path().join("out"));
        write(&old.join("index.html"), "old page");
        write(&old.join("gone.html"), "stale page");
        write(&old.join("CNAME"), "spec.example.org");
        write(&old.join(".git/HEAD"), "ref: one");
        std::fs::create_dir_all(old.join("downloads/empty")).unwrap();
        write(&out.join("index.html"), "new page");
        let ours = Manifest::Listed(["index.html", "gone.html"].map(String::from).into());
        let new: BTreeSet<String> = ["index.html".to_owned()].into();

        assert!(link_user_files(&old, &ours, &out, &new).unwrap().is_empty());
        assert!(same_file(&old.join("CNAME"), &out.join("CNAME")) || cfg!(not(unix)));
        assert!(out.join("downloads/empty").is_dir());
        assert!(!out.join("gone.html").exists());
        // Meanwhile git replaces a file (a new inode) and adds another.
        write(&old.join(".git/HEAD.lock"), "ref: two");
        std::fs::rename(old.join(".git/HEAD.lock"), old.join(".git/HEAD")).unwrap();
        write(&old.join(".git/objects/ab/cd"), "blob");

        let stuck = merge_leftovers(&old, &out, &ours, &new);
        assert!(stuck.is_empty(), "{stuck:?}");
        assert!(!old.exists(), "the old site is gone once emptied");
        assert_eq!(read(&out.join("index.html")), "new page");
        assert_eq!(read(&out.join("CNAME")), "spec.example.org");
        assert_eq!(read(&out.join(".git/HEAD")), "ref: two");
        assert_eq!(read(&out.join(".git/objects/ab/cd")), "blob");
        assert!(!out.join("gone.html").exists());
    }

    #[test]
    fn a_user_folder_where_the_build_writes_a_file_stays_in_the_old_site() {
        let tmp = tempfile::tempdir().unwrap();
        let (old, out) = (tmp.path().join("old"), tmp.path().join("out"));
        write(&old.join("CNAME/notes.txt"), "mine");
        write(&old.join("index.html"), "old page");
        write(&out.join("CNAME"), "spec.example.org");
        let ours = Manifest::Listed(["index.html".to_owned()].into());
        let new: BTreeSet<String> = ["CNAME".to_owned()].into();

        assert!(link_user_files(&old, &ours, &out, &new).unwrap().is_empty());
        let stuck = merge_leftovers(&old, &out, &ours, &new);
        assert_eq!(stuck, [PathBuf::from("CNAME/notes.txt")]);
        assert_eq!(read(&old.join("CNAME/notes.txt")), "mine");
        assert!(!old.join("index.html").exists());
        assert_eq!(read(&out.join("CNAME")), "spec.example.org");
    }
}
