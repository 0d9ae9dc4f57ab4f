//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod site;

#[allow(unused_imports)]
pub use site::*;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

// ---------------------------------------------------------------------------
// The real Model Spec corpus (optional: tests that need it are `#[ignore]`d
// with the reason below and carry `corpus` in their name; `.ci/run` runs
// them when the corpus is there and names them as skipped when it is not).
// ---------------------------------------------------------------------------

/// Where the corpus is looked for when `$SPECBOOK_CORPUS` is not set.
const DEFAULT_CORPUS: &str = "../shared/corpus";

/// The folder holding the Model Spec releases (`model-spec-*` folders):
/// `$SPECBOOK_CORPUS`, else `../shared/corpus` beside the repository.
/// Read-only: tests only read it, and never copy its text into the repo.
///
/// Panics with a clear message when there is no release there, so a test
/// that needs the corpus can never pass on nothing.
pub fn corpus_root() -> PathBuf {
    let (root, from) = match std::env::var_os("SPECBOOK_CORPUS") {
        Some(dir) => (PathBuf::from(dir), "$SPECBOOK_CORPUS"),
        None => (repo().join(DEFAULT_CORPUS), "the default location"),
    };
    if releases_in(&root).is_empty() {
        panic!(
            "the Model Spec corpus is missing: no `model-spec-*` folder with a model_spec.md in {} ({from}).\n\
             This test needs it: put the corpus at ../shared/corpus beside the repository, or set \
             SPECBOOK_CORPUS to a folder holding `model-spec-*` releases. Tests that need the corpus \
             are #[ignore]d, and `.ci/run` lists them as skipped when it is absent.",
            root.display()
        );
    }
    root
}

/// Every release of the corpus (`model-spec-*` folders), oldest first (the
/// names end in their date).
pub fn corpus_releases() -> Vec<PathBuf> {
    releases_in(&corpus_root())
}

/// The newest release of the corpus (e.g. `model-spec-2025-12-18`).
pub fn corpus() -> PathBuf {
    corpus_releases().pop().expect("corpus_root has a release")
}

/// A tool shipped beside the corpus (`../shared/tools/NAME`), such as
/// `parity.py`; panics like `corpus_root` when it is absent.
pub fn corpus_tool(name: &str) -> PathBuf {
    let root = corpus_root();
    let tool = root
        .parent()
        .map(|shared| shared.join("tools").join(name))
        .filter(|p| p.is_file());
    tool.unwrap_or_else(|| {
        panic!(
            "`tools/{name}` is missing beside the corpus folder {}",
            root.display()
        )
    })
}

fn releases_in(root: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("model-spec-"))
                && p.join("model_spec.md").is_file()
        })
        .collect();
    found.sort();
    found
}

// ---------------------------------------------------------------------------
// Projects of this repository
// ---------------------------------------------------------------------------

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

/// Runs `git` in `dir` (a real repository: tests read releases from it).
pub fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=specbook",
            "-c",
            "user.email=t@example.invalid",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
}

/// The sample project committed twice (the second time adding the rule
/// `say_less`), with a `[versions]` table: the current release `v2`, `v1`
/// (a tag of the first commit) and `v0` (a folder holding the same).
pub fn sample_repo_in(root: &Path) {
    copy_sample_project(root);
    git(root, &["init", "-q"]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-qm", "first"]);
    git(root, &["tag", "v1"]);
    let style = root.join("content/04-style.md");
    let t = std::fs::read_to_string(&style).unwrap();
    std::fs::write(
        &style,
        format!("{t}\n## Say less {{#say_less authority=guideline}}\n\nShort.\n"),
    )
    .unwrap();
    git(root, &["commit", "-qam", "second"]);
    copy_sample_project(&root.join("releases/v0"));
    let toml = std::fs::read_to_string(root.join("book.toml")).unwrap();
    std::fs::write(
        root.join("book.toml"),
        format!(
            "{toml}\n[versions]\ncurrent = \"v2\"\n\n[[versions.release]]\nname = \"v1\"\nrev = \"v1\"\n\n[[versions.release]]\nname = \"v0\"\ndir = \"releases/v0\"\n"
        ),
    )
    .unwrap();
}
