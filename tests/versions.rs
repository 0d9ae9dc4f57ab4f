//! Releases from `[versions]`: read from git revisions (a real repository,
//! made here with the `git` program) and from folders; bad entries are
//! errors naming the entry and its line.

mod common;

use std::path::Path;
use std::process::Command;

use common::{copy_sample_project, corpus_releases, specbook_in, text};
use serde_json::Value;

fn git(dir: &Path, args: &[&str]) {
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

fn diff(dir: &Path, old: &str, new: &str) -> Value {
    let out = specbook_in(dir, &["diff", old, new, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The sample project committed twice (the second time with an edit), with
/// a `[versions]` table naming the first commit, a tag and a folder.
fn sample_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
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
    dir
}

#[test]
fn releases_from_a_tag_and_a_folder_diff_by_name() {
    let repo = sample_repo();
    let root = repo.path();
    let d = diff(root, "v1", "v2");
    assert_eq!(d["from"]["label"], "v1");
    assert_eq!(d["to"]["label"], "v2");
    let rules = d["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 1, "{d:#}");
    assert_eq!(rules[0]["id"], "say_less");
    assert_eq!(rules[0]["status"], "added");
    // The folder release and the first commit hold the same spec.
    assert_eq!(diff(root, "v0", "v1")["rules"], serde_json::json!([]));
    // `git:REV` reads any revision.
    assert_eq!(diff(root, "git:HEAD~1", "git:HEAD")["rules"], d["rules"]);
}

#[test]
fn a_bad_release_entry_names_itself_its_line_and_what_was_tried() {
    let repo = sample_repo();
    let root = repo.path();
    let toml = std::fs::read_to_string(root.join("book.toml")).unwrap();
    let toml = toml.replace("rev = \"v1\"", "rev = \"no-such-tag\"");
    std::fs::write(root.join("book.toml"), &toml).unwrap();
    let line = toml
        .lines()
        .position(|l| l.trim() == "[[versions.release]]")
        .unwrap()
        + 1;
    let out = specbook_in(root, &["diff", "v1", "v2"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!(
            "book.toml:{line}:1: release `v1`: tried the git revision `no-such-tag`"
        )),
        "{err}"
    );
    std::fs::write(
        root.join("book.toml"),
        toml.replace("dir = \"releases/v0\"", "dir = \"releases/gone\""),
    )
    .unwrap();
    let err = text(&specbook_in(root, &["diff", "v0", "v2"]).stderr);
    assert!(err.contains("release `v0`: tried the folder"), "{err}");
    assert!(err.contains("releases/gone"), "{err}");
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn corpus_releases_committed_in_order_diff_like_their_folders() {
    let releases = corpus_releases();
    let repo = tempfile::tempdir().unwrap();
    let root = repo.path();
    git(root, &["init", "-q"]);
    let mut names = Vec::new();
    for r in &releases {
        let name = r
            .file_name()
            .unwrap()
            .to_string_lossy()
            .trim_start_matches("model-spec-")
            .to_owned();
        let _ = std::fs::remove_dir_all(root.join("examples"));
        common::copy_tree(&r.join("examples"), &root.join("examples"));
        std::fs::copy(r.join("model_spec.md"), root.join("model_spec.md")).unwrap();
        git(root, &["add", "-A"]);
        git(root, &["commit", "-qm", &format!("release {name}")]);
        git(root, &["tag", &format!("v{name}")]);
        names.push(name);
    }
    let (current, earlier) = names.split_last().unwrap();
    let mut toml = format!(
        "[book]\ntitle = \"The OpenAI Model Spec\"\nsrc = \".\"\n\n[spec]\nfiles = [\"model_spec.md\"]\neval-dir = \"examples\"\n\n[versions]\ncurrent = \"{current}\"\n"
    );
    for name in earlier.iter().rev() {
        toml.push_str(&format!(
            "\n[[versions.release]]\nname = \"{name}\"\nrev = \"v{name}\"\n"
        ));
    }
    std::fs::write(root.join("book.toml"), toml).unwrap();
    for (k, pair) in names.windows(2).enumerate() {
        let by_name = diff(root, &pair[0], &pair[1]);
        let by_folder = diff(
            root,
            releases[k].to_str().unwrap(),
            releases[k + 1].to_str().unwrap(),
        );
        assert_eq!(by_name["rules"], by_folder["rules"], "{pair:?}");
        assert_eq!(
            by_name["eval_prompts"], by_folder["eval_prompts"],
            "{pair:?}"
        );
        assert_eq!(by_name["from"]["label"], pair[0].as_str());
    }
}
