//! The output folder: a rebuild keeps what specbook did not write (and
//! `.git`), `static/root/` files land at the site root, folders that hold
//! sources or foreign files are refused, and an interrupted build (even one
//! killed with SIGKILL) leaves the previous site intact.

mod carry;
#[path = "../common/mod.rs"]
mod common;
mod interrupted;
mod refusals;
mod root_files;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;

const MARKER: &str = ".specbook-site";

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

fn build_args(src: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["build", src.to_str().unwrap(), "-o", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    specbook(&args)
}

fn assert_built(run: &Output) {
    assert!(run.status.success(), "build failed:\n{}", text(&run.stderr));
}

/// The relative paths the site's manifest names.
fn manifest(out: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(out.join(MARKER)).unwrap();
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// Entries of `dir` whose names look like specbook's temporary folders.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("specbook-"))
        .collect()
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// A temporary folder holding a copy of the sample project (`proj/`) and
/// its site built into `site/`.
fn sample_site() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let proj = tmp.path().join("proj");
    copy_sample_project(&proj);
    let out = tmp.path().join("site");
    assert_built(&build_to(&proj, &out));
    (tmp, proj, out)
}
