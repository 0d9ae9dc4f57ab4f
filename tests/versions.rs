//! Releases from `[versions]`: read from git revisions (a real repository,
//! made here with the `git` program) and from folders; bad entries are
//! errors naming the entry and its line.

mod common;

use std::path::Path;

use common::{copy_sample_project, corpus_releases, git, specbook_in, text};
use serde_json::Value;

fn diff(dir: &Path, old: &str, new: &str) -> Value {
    let out = specbook_in(dir, &["diff", old, new, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The sample project committed twice (the second time with an edit), with
/// a `[versions]` table naming the first commit, a tag and a folder.
fn sample_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::sample_repo_in(dir.path());
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

/// The corpus releases committed in order into a new repository (tagged
/// `v<name>`), with the `book.toml` the issue describes: the newest is the
/// current release, the others are `[[versions.release]]`s by tag.
fn corpus_repo(releases: &[std::path::PathBuf]) -> (tempfile::TempDir, Vec<String>) {
    let repo = tempfile::tempdir().unwrap();
    let root = repo.path();
    git(root, &["init", "-q"]);
    let mut names = Vec::new();
    for r in releases {
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
    (repo, names)
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn corpus_releases_committed_in_order_diff_like_their_folders() {
    let releases = corpus_releases();
    let (repo, names) = corpus_repo(&releases);
    let root = repo.path();
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

/// A built site as relative path → bytes.
fn build_site(root: &Path) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let run = common::build_to(root, &out);
    assert!(run.status.success(), "build failed:\n{}", text(&run.stderr));
    (tmp, out)
}

fn json_at(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap_or_else(|e| panic!("{path:?}: {e}")))
        .unwrap()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

/// spec.json of a lone build, but for the title (a release inside a
/// project takes the project's name).
fn without_title(mut spec: Value) -> Value {
    spec.as_object_mut().unwrap().remove("title");
    spec
}

#[test]
fn a_versioned_build_holds_every_release_whole_with_versions_json() {
    let repo = sample_repo();
    let root = repo.path();
    let (_tmp, out) = build_site(root);
    let mut v = json_at(&out.join("versions.json"));
    // The git release carries its commit's date; a folder has none.
    let date = v["versions"][1]["date"].as_str().unwrap().to_owned();
    assert!(
        date.len() == 10 && date.as_bytes()[4] == b'-' && date.as_bytes()[7] == b'-',
        "{date}"
    );
    v["versions"][1].as_object_mut().unwrap().remove("date");
    assert_eq!(
        v,
        serde_json::json!({
            "current": "v2",
            "versions": [
                {"name": "v2", "path": "./"},
                {"name": "v1", "path": "v1/"},
                {"name": "v0", "path": "v0/"}
            ],
            "changes": [
                {"from": "v1", "to": "v2", "path": "changes/v1...v2.html"},
                {"from": "v0", "to": "v1", "path": "changes/v0...v1.html"}
            ]
        })
    );
    // Each release is a complete site.
    for dir in ["", "v1/", "v0/"] {
        for f in [
            "index.html",
            "all.html",
            "examples.html",
            "spec.json",
            "search.js",
            "static/style.css",
            "static/releases.js",
            "static/toc.js",
        ] {
            assert!(out.join(dir).join(f).is_file(), "{dir}{f} is missing");
        }
        assert!(out.join(dir).join("search").is_dir(), "{dir}search/");
    }
    // Each release's spec.json is its spec as a build of it alone reads it
    // (v0 is a folder holding what v1's commit holds).
    let alone = tempfile::tempdir().unwrap();
    let json = alone.path().join("spec.json");
    let run = specbook_in(
        root,
        &["export", "releases/v0", "-o", json.to_str().unwrap()],
    );
    assert!(run.status.success(), "{}", text(&run.stderr));
    let alone = without_title(json_at(&json));
    assert_eq!(without_title(json_at(&out.join("v1/spec.json"))), alone);
    assert_eq!(without_title(json_at(&out.join("v0/spec.json"))), alone);
    // The current release has the rule v2 added; the older ones do not.
    let sections = |dir: &str| -> Vec<String> {
        json_at(&out.join(dir).join("spec.json"))["sections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| str_of(&s["id"]))
            .collect()
    };
    assert!(sections("").contains(&"say_less".to_owned()));
    assert!(!sections("v1").contains(&"say_less".to_owned()));
    // Every link resolves: switcher, banner, history panels, changes pages.
    let checked = common::check_links(&out);
    assert!(checked > 500, "only {checked} links checked");
}

fn str_of(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

#[test]
fn older_releases_carry_a_banner_to_the_same_page_of_the_current_one() {
    let repo = sample_repo();
    let (_tmp, out) = build_site(repo.path());
    let current = read(&out.join("chain_of_command.html"));
    assert!(
        !current.contains("release-banner"),
        "the current release has no banner"
    );
    assert!(current.contains("<summary class=\"release\""), "switcher");
    let old = read(&out.join("v1/chain_of_command.html"));
    assert!(
        old.contains(
            "You are reading release <strong>v1</strong>; the current release is <a class=\"to-current\" href=\"../chain_of_command.html#chain_of_command\""
        ),
        "{}",
        &old[old.find("release-banner").unwrap_or(0)..][..400.min(old.len())]
    );
    // The switcher lists every release, each release's home, the current
    // one marked, and the changes index.
    for href in [
        "../index.html",
        "index.html\" data-release=\"v1\"",
        "../v0/index.html",
        "../changes/index.html",
    ] {
        assert!(old.contains(href), "v1's switcher lacks {href}");
    }
}

#[test]
fn changes_pages_name_every_change_and_histories_link_to_them() {
    let repo = sample_repo();
    let (_tmp, out) = build_site(repo.path());
    let index = read(&out.join("changes/index.html"));
    assert!(
        index.contains("href=\"../changes/v1...v2.html\""),
        "{index}"
    );
    assert!(
        index.contains("href=\"../changes/v0...v1.html\""),
        "{index}"
    );
    let page = read(&out.join("changes/v1...v2.html"));
    let added = &page[page.find("id=\"group-added\"").expect("an Added group")..];
    assert!(
        added.contains("<section class=\"rule-change\" id=\"rule-say_less\"")
            && added.contains(">Say less</a> <code class=\"rule-id\">say_less</code>"),
        "{added}"
    );
    assert!(
        page.contains("1 added, 0 removed, 0 renamed, 0 changed"),
        "{page}"
    );
    let same = read(&out.join("changes/v0...v1.html"));
    assert!(
        same.contains("No rule, text or eval prompt changed."),
        "{same}"
    );
    // say_less's History panel (current release) links to its entry.
    let chapter = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.extension().is_some_and(|x| x == "html")
                && read(p).contains("<section id=\"say_less\"")
        })
        .expect("a page with say_less");
    let html = read(&chapter);
    let sec = &html[html.find("<section id=\"say_less\"").unwrap()..];
    let sec = &sec[..sec.find("</section>").unwrap()];
    assert!(
        sec.contains("<details class=\"section-meta history\">")
            && sec.contains("href=\"changes/v1...v2.html#rule-say_less\">v1 → v2</a> <span class=\"history-what\">added</span>"),
        "{sec}"
    );
    // Only the rule that changed has a History panel (chapter pages and
    // the single page each draw it once).
    let panels: usize = ["all.html", chapter.file_name().unwrap().to_str().unwrap()]
        .iter()
        .chain(&["index.html", "chain_of_command.html"])
        .map(|p| read(&out.join(p)).matches("section-meta history").count())
        .sum();
    assert_eq!(panels, 2, "one panel on say_less's page, one on all.html");
}

#[test]
fn a_versioned_build_is_byte_identical_twice() {
    let repo = sample_repo();
    let (_a, one) = build_site(repo.path());
    let (_b, two) = build_site(repo.path());
    let (one, two) = (common::files(&one), common::files(&two));
    assert_eq!(
        one.keys().collect::<Vec<_>>(),
        two.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &one {
        assert!(two[path] == *bytes, "{path} differs between two builds");
    }
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn corpus_history_builds_every_release_with_full_parity_and_changes_pages() {
    let releases = corpus_releases();
    let (repo, names) = corpus_repo(&releases);
    let root = repo.path();
    let (_tmp, out) = build_site(root);
    let current = names.last().unwrap();
    for (name, folder) in names.iter().zip(&releases) {
        let dir = if name == current {
            out.clone()
        } else {
            out.join(name)
        };
        let parity = std::process::Command::new("python3")
            .arg(common::corpus_tool("parity.py"))
            .arg(folder.join("official.html"))
            .arg(dir.join("spec.json"))
            .output()
            .expect("python3 runs parity.py");
        let report = text(&parity.stdout);
        assert!(
            parity.status.success() && report.contains("(100.0%)"),
            "{name}: {report}"
        );
    }
    // Every added, removed or renamed rule is named on its changes page by
    // its title and its id.
    for pair in names.windows(2) {
        let d = diff(root, &pair[0], &pair[1]);
        let page = read(&out.join(format!("changes/{}...{}.html", pair[0], pair[1])));
        let titles = |name: &str| -> std::collections::HashMap<String, String> {
            let dir = if name == current {
                out.clone()
            } else {
                out.join(name)
            };
            json_at(&dir.join("spec.json"))["sections"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| (str_of(&s["id"]), str_of(&s["title"])))
                .collect()
        };
        let (old, new) = (titles(&pair[0]), titles(&pair[1]));
        let mut named = 0;
        for r in d["rules"].as_array().unwrap() {
            let id = str_of(&r["id"]);
            let title = match r["status"].as_str().unwrap() {
                "removed" => &old[&id],
                "modified" => continue,
                _ => &new[&id],
            };
            let title = title
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;");
            assert!(
                page.contains(&format!("id=\"rule-{id}\""))
                    && page.contains(&format!(">{title}</a> <code class=\"rule-id\">{id}</code>")),
                "{pair:?}: {id} ({title}) is not named on its changes page"
            );
            named += 1;
        }
        eprintln!("{pair:?}: {named} rules added, removed or renamed, each named");
    }
    assert!(common::check_links(&out) > 5000);
}

#[test]
fn a_flipped_verdict_is_called_out_on_the_changes_page() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_sample_project(root);
    copy_sample_project(&root.join("releases/v1"));
    let file = root.join("content/02-chain-of-command.md");
    let t = std::fs::read_to_string(&file).unwrap();
    // The first comparison's two answers swap verdicts.
    let t = t
        .replacen(
            "<assistant> <!-- BAD[#follow_in_order] -->",
            "<assistant> <!-- SWAP -->",
            1,
        )
        .replacen(
            "<assistant> <!-- GOOD -->",
            "<assistant> <!-- BAD[#follow_in_order] -->",
            1,
        )
        .replacen("<assistant> <!-- SWAP -->", "<assistant> <!-- GOOD -->", 1);
    std::fs::write(&file, t).unwrap();
    let toml = std::fs::read_to_string(root.join("book.toml")).unwrap();
    std::fs::write(
        root.join("book.toml"),
        format!("{toml}\n[versions]\ncurrent = \"v2\"\n\n[[versions.release]]\nname = \"v1\"\ndir = \"releases/v1\"\n"),
    )
    .unwrap();
    let (_tmp, out) = build_site(root);
    let page = read(&out.join("changes/v1...v2.html"));
    let at = page
        .find("id=\"rule-follow_in_order\"")
        .expect("follow_in_order changed");
    let rule = &page[at..];
    let rule = &rule[..rule.find("</section>").unwrap()];
    assert!(
        rule.contains("<strong>Verdict flipped</strong> in <a href=\"../chain_of_command.html#ex-developer-user-conflict-over-the-topic-of-conversation\"><code>ex-developer-user-conflict-over-the-topic-of-conversation</code></a>: message 3: violation → compliant; message 4: compliant → violation"),
        "{rule}"
    );
}
