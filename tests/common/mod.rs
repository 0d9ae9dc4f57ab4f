//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The real Model Spec corpus beside the repository (read-only; never
/// copied into the repo).
pub fn corpus() -> PathBuf {
    repo().join("../shared/corpus/model-spec-2025-12-18")
}

pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// Runs the built `specbook` binary.
pub fn specbook(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_specbook"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run specbook")
}

pub fn specbook_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_specbook"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run specbook")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Copies a folder tree (files only) into `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else if entry.file_type().is_file() {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// A copy of the bundled sample project (book.toml, content/, evals/).
pub fn copy_sample_project(to: &Path) {
    copy_tree(&repo().join("content"), &to.join("content"));
    copy_tree(&repo().join("evals"), &to.join("evals"));
    std::fs::copy(repo().join("book.toml"), to.join("book.toml")).unwrap();
}

/// `specbook build SRC -o OUT`.
pub fn build_to(src: &Path, out: &Path) -> Output {
    specbook(&["build", src.to_str().unwrap(), "-o", out.to_str().unwrap()])
}
