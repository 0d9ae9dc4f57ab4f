//! The output folder: a rebuild keeps what specbook did not write (and
//! `.git`), `static/root/` files land at the site root, folders that hold
//! sources or foreign files are refused, and an interrupted build (even one
//! killed with SIGKILL) leaves the previous site intact.

#[path = "../common/mod.rs"]
mod common;
mod refusals;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;

/// Every file and symlink under `root` (hidden ones and `.git` included), by
/// relative path; a symlink reads as `-> target`, an empty folder as `/`.
fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter_map(|e| {
            let rel = e
                .path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let bytes = if e.path_is_symlink() {
                let target = std::fs::read_link(e.path()).unwrap();
                format!("-> {}", target.display()).into_bytes()
            } else if e.file_type().is_dir() {
                let empty = std::fs::read_dir(e.path()).unwrap().next().is_none();
                if !empty {
                    return None;
                }
                b"/".to_vec()
            } else {
                std::fs::read(e.path()).unwrap()
            };
            Some((rel, bytes))
        })
        .collect()
}

fn assert_built(run: &Output) {
    assert!(run.status.success(), "build failed:\n{}", text(&run.stderr));
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}
