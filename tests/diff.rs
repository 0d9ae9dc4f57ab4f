//! `specbook diff`: the JSON contract (docs/formats.md) checked against a
//! truth computed here from the files themselves (headings, their ids,
//! authority and nesting, and each rule's own lines), never from specbook.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::{copy_sample_project, corpus_releases, specbook, text};
use serde_json::Value;

/// A rule as the file says it: title, own authority, parent id and own
/// markdown (whitespace collapsed).
#[derive(Debug, Clone, PartialEq)]
struct Rule {
    title: String,
    authority: Option<String>,
    parent: Option<String>,
    own: String,
}

/// Headings outside `~~~` / ```` ``` ```` fences, in order, with the lines
/// up to the next heading.
fn rules_of(markdown: &str) -> (Vec<String>, BTreeMap<String, Rule>) {
    let mut order = Vec::new();
    let mut rules = BTreeMap::new();
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut fence: Option<String> = None;
    let mut current: Option<String> = None;
    let mut own: Vec<&str> = Vec::new();
    let flush =
        |current: &Option<String>, own: &mut Vec<&str>, rules: &mut BTreeMap<String, Rule>| {
            if let Some(id) = current {
                let r: &mut Rule = rules.get_mut(id).unwrap();
                r.own = own
                    .join("\n")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
            }
            own.clear();
        };
    for line in markdown.split('\n') {
        let t = line.trim_start();
        if let Some(f) = &fence {
            if t.starts_with(f.as_str())
                && t.trim_start_matches(f.chars().next().unwrap())
                    .trim()
                    .is_empty()
            {
                fence = None;
            }
            own.push(line);
            continue;
        }
        if t.starts_with("~~~") || t.starts_with("```") {
            fence = Some(t[..3].to_owned());
            own.push(line);
            continue;
        }
        let hashes = line.chars().take_while(|&c| c == '#').count();
        let heading = (1..=6).contains(&hashes)
            && line[hashes..].starts_with(' ')
            && line.trim_end().ends_with('}')
            && line.contains(" {#");
        if !heading {
            own.push(line);
            continue;
        }
        flush(&current, &mut own, &mut rules);
        let body = line[hashes + 1..].trim_end();
        let open = body.rfind(" {#").unwrap();
        let title = body[..open].to_owned();
        let attrs: Vec<&str> = body[open + 2..body.len() - 1].split_whitespace().collect();
        let id = attrs[0].trim_start_matches('#').to_owned();
        let authority = attrs
            .iter()
            .find_map(|a| a.strip_prefix("authority="))
            .map(str::to_owned);
        while stack.last().is_some_and(|(l, _)| *l >= hashes) {
            stack.pop();
        }
        let parent = stack.last().map(|(_, p)| p.clone());
        stack.push((hashes, id.clone()));
        order.push(id.clone());
        rules.insert(
            id.clone(),
            Rule {
                title,
                authority,
                parent,
                own: String::new(),
            },
        );
        current = Some(id);
    }
    flush(&current, &mut own, &mut rules);
    (order, rules)
}

/// The public spec's level rename (FORMAT.md §11).
fn level(a: &Option<String>) -> Option<String> {
    a.as_ref().map(|a| {
        if a == "platform" {
            "root".into()
        } else {
            a.clone()
        }
    })
}

fn diff_json(old: &Path, new: &Path) -> Value {
    let out = specbook(&[
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("diff --format json is JSON")
}

/// Checks `specbook diff OLD NEW` against the truth of the two versions'
/// spec files (`spec_files`, in reading order, one after the other).
fn check_against_truth(old_dir: &Path, new_dir: &Path, spec_files: &[&str]) {
    let read = |d: &Path| {
        spec_files
            .iter()
            .map(|f| std::fs::read_to_string(d.join(f)).unwrap())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (_, old) = rules_of(&read(old_dir));
    let (new_order, new) = rules_of(&read(new_dir));
    let d = diff_json(old_dir, new_dir);
    assert_eq!(d["from"]["rules"], old.len());
    assert_eq!(d["to"]["rules"], new.len());

    let added: BTreeSet<&String> = new.keys().filter(|k| !old.contains_key(*k)).collect();
    let removed: BTreeSet<&String> = old.keys().filter(|k| !new.contains_key(*k)).collect();
    let mut want_modified = BTreeSet::new();
    for (id, n) in &new {
        let Some(o) = old.get(id) else { continue };
        if o.title != n.title
            || level(&o.authority) != level(&n.authority)
            || o.parent != n.parent
            || o.own != n.own
        {
            want_modified.insert(id);
        }
    }
    let rules = d["rules"].as_array().unwrap();
    let mut got_added = BTreeSet::new();
    let mut got_removed = BTreeSet::new();
    let mut got_modified = BTreeSet::new();
    for r in rules {
        let id = r["id"].as_str().unwrap().to_owned();
        match r["status"].as_str().unwrap() {
            "added" => {
                let n = &new[&id];
                assert_eq!(r["title"], n.title.as_str(), "{id}");
                assert_eq!(r["authority"].as_str(), n.authority.as_deref(), "{id}");
                got_added.insert(id);
            }
            "removed" => {
                let o = &old[&id];
                assert_eq!(r["title"], o.title.as_str(), "{id}");
                got_removed.insert(id);
            }
            "renamed" => {
                // Optional in the contract: an id only in the older version
                // and one only in the newer, judged the same rule.
                let from = r["from_id"].as_str().unwrap().to_owned();
                assert!(
                    removed.contains(&from) && added.contains(&id),
                    "{from} → {id}"
                );
                got_removed.insert(from);
                got_added.insert(id);
            }
            "modified" => {
                let (o, n) = (&old[&id], &new[&id]);
                let title = &r["title"];
                if o.title == n.title {
                    assert!(title.is_null(), "{id}: {title}");
                } else {
                    assert_eq!(title["from"], o.title.as_str(), "{id}");
                    assert_eq!(title["to"], n.title.as_str(), "{id}");
                }
                if level(&o.authority) == level(&n.authority) {
                    assert!(r["authority"].is_null(), "{id}: {}", r["authority"]);
                } else {
                    assert_eq!(r["authority"]["from"].as_str(), o.authority.as_deref());
                    assert_eq!(r["authority"]["to"].as_str(), n.authority.as_deref());
                }
                if o.parent == n.parent {
                    assert!(r["parent"].is_null(), "{id}: {}", r["parent"]);
                } else {
                    assert_eq!(r["parent"]["to"].as_str(), n.parent.as_deref(), "{id}");
                }
                assert_eq!(r["text_changed"], o.own != n.own, "{id}");
                assert!(r["examples"]["added"].is_array(), "{id}");
                got_modified.insert(id);
            }
            other => panic!("unknown status {other}"),
        }
    }
    assert_eq!(got_added.iter().collect::<BTreeSet<_>>(), added);
    assert_eq!(got_removed.iter().collect::<BTreeSet<_>>(), removed);
    assert_eq!(got_modified.iter().collect::<BTreeSet<_>>(), want_modified);
    // Sorted by the rule's position in the newer version.
    let positions: Vec<usize> = rules
        .iter()
        .filter(|r| r["status"] != "removed")
        .map(|r| {
            let id = r["id"].as_str().unwrap();
            new_order.iter().position(|x| x == id).unwrap()
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
}

/// Writes `edit(text)` over `dir/file`.
fn edit(dir: &Path, file: &str, change: impl Fn(String) -> String) {
    let p = dir.join(file);
    let t = std::fs::read_to_string(&p).unwrap();
    let changed = change(t.clone());
    assert_ne!(t, changed, "the edit of {file} must change it");
    std::fs::write(&p, changed).unwrap();
}

#[test]
fn sample_edits_are_reported_rule_by_rule() {
    let old = tempfile::tempdir().unwrap();
    let new = tempfile::tempdir().unwrap();
    copy_sample_project(old.path());
    copy_sample_project(new.path());
    let n = new.path();
    // Retitled, text changed, authority changed, a rule added and one
    // removed, a rule moved under another parent.
    edit(n, "content/01-overview.md", |t| {
        t.replace(
            "## Goals of the assistant {#goals}",
            "## Aims of the assistant {#goals}",
        )
    });
    edit(n, "content/04-style.md", |t| {
        t.replace(
            "{#respect_users_time authority=guideline}",
            "{#respect_users_time authority=user}",
        ) + "\n## Say less {#say_less authority=guideline}\n\nShort answers are kind.\n"
    });
    // Promoted one level: its parent is now the chapter.
    edit(n, "content/02-chain-of-command.md", |t| {
        t.replace(
            "#### Confirm before irreversible actions {#confirm_irreversible",
            "### Confirm before irreversible actions {#confirm_irreversible",
        )
    });
    let d = diff_json(old.path(), n);
    let status = |id: &str| {
        d["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("{id} not in {d:#}"))
            .clone()
    };
    assert_eq!(status("goals")["title"]["to"], "Aims of the assistant");
    assert_eq!(
        status("respect_users_time")["authority"]["from"],
        "guideline"
    );
    assert_eq!(status("respect_users_time")["authority"]["to"], "user");
    assert_eq!(status("say_less")["status"], "added");
    assert_eq!(status("say_less")["authority"], "guideline");
    assert_eq!(
        status("confirm_irreversible")["parent"],
        serde_json::json!({"from": "acting_on_behalf", "to": "handle_tools"})
    );
    let files: Vec<String> = (1..=5)
        .map(|i| {
            let prefix = format!("0{i}-");
            let dir = std::fs::read_dir(n.join("content")).unwrap();
            let name = dir
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .find(|f| f.starts_with(&prefix))
                .unwrap();
            format!("content/{name}")
        })
        .collect();
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    check_against_truth(old.path(), n, &files);

    // The markdown and text forms name the same rules.
    let md = specbook(&[
        "diff",
        old.path().to_str().unwrap(),
        n.to_str().unwrap(),
        "--format",
        "markdown",
    ]);
    let md = text(&md.stdout);
    assert!(md.contains("**Say less** (`say_less`)"), "{md}");
    assert!(
        md.contains("retitled from \"Goals of the assistant\""),
        "{md}"
    );
    let plain = specbook(&["diff", old.path().to_str().unwrap(), n.to_str().unwrap()]);
    assert!(text(&plain.stdout).contains("+ added    Say less (say_less)"));
}

#[test]
fn platform_to_root_is_one_level_rename_not_a_change_per_rule() {
    let old = tempfile::tempdir().unwrap();
    let new = tempfile::tempdir().unwrap();
    let spec = |level: &str, other: &str| {
        format!(
            "# Top {{#top}}\n\nIntro.\n\n## First {{#first authority={level}}}\n\nOne.\n\n## Second {{#second authority={other}}}\n\nTwo.\n"
        )
    };
    std::fs::write(
        old.path().join("model_spec.md"),
        spec("platform", "platform"),
    )
    .unwrap();
    std::fs::write(new.path().join("model_spec.md"), spec("root", "system")).unwrap();
    let d = diff_json(old.path(), new.path());
    assert_eq!(
        d["level_renames"],
        serde_json::json!([{"from": "platform", "to": "root"}])
    );
    let rules = d["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 1, "only the real move is a change: {d:#}");
    assert_eq!(rules[0]["id"], "second");
    assert_eq!(
        rules[0]["authority"],
        serde_json::json!({"from": "platform", "to": "system"})
    );
    assert_eq!(rules[0]["text_changed"], false);
}

#[test]
fn identical_versions_have_no_differences_and_exit_0() {
    let d = diff_json(&common::repo(), &common::repo());
    assert_eq!(d["rules"], serde_json::json!([]));
    let out = specbook(&["diff", ".", "no/such/folder"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn corpus_consecutive_releases_diff_as_their_files_say() {
    let releases = corpus_releases();
    assert!(releases.len() >= 2, "{releases:?}");
    for pair in releases.windows(2) {
        check_against_truth(&pair[0], &pair[1], &["model_spec.md"]);
    }
}
