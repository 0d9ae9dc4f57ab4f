//! `specbook export`: spec.json per EXPORT.md, checked field by field on
//! the real corpus, scored against the official rendering with
//! `shared/tools/parity.py`, snapshotted for the sample content, and
//! byte-identical across runs. Tests named `corpus_*` need the real corpus
//! (`#[ignore]`d; see tests/common/mod.rs); each general property also runs
//! on the sample or a fixture of this repository.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;
use serde_json::Value;

fn export(dir: &std::path::Path) -> (String, Value) {
    let out = specbook(&["export", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json = text(&out.stdout);
    let value = serde_json::from_str(&json).expect("valid JSON");
    (json, value)
}

fn example<'a>(spec: &'a Value, section: &str, nth: usize) -> &'a Value {
    spec["examples"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["section"] == section)
        .nth(nth)
        .unwrap()
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn corpus_export_scores_100_percent_parity() {
    let tmp = tempfile::tempdir().unwrap();
    let json = tmp.path().join("spec.json");
    let out = specbook(&[
        "export",
        corpus().to_str().unwrap(),
        "-o",
        json.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let parity = Command::new("python3")
        .arg(corpus_tool("parity.py"))
        .arg(corpus().join("official.html"))
        .arg(&json)
        .output()
        .expect("python3 runs parity.py");
    let report = text(&parity.stdout);
    assert!(parity.status.success(), "{report}");
    assert!(report.contains("(100.0%)"), "{report}");
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn corpus_export_is_byte_identical_across_runs() {
    let (a, _) = export(&corpus());
    let (b, _) = export(&corpus());
    assert!(a == b, "two exports differ");
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn corpus_sections_fields() {
    let (_, spec) = export(&corpus());
    assert_eq!(spec["schema"], "specbook/1");
    let sections = spec["sections"].as_array().unwrap();
    assert_eq!(sections.len(), 80);
    let s = sections
        .iter()
        .find(|s| s["id"] == "follow_all_applicable_instructions")
        .unwrap();
    assert_eq!(s["title"], "Follow all applicable instructions");
    assert_eq!(s["level"], 2);
    assert_eq!(s["parent"], "chain_of_command");
    assert_eq!(s["authority"], "root");
    assert_eq!(s["tags"], serde_json::json!([]));
    assert_eq!(
        s["source"],
        serde_json::json!({"file": "model_spec.md", "line": 179})
    );
    assert_eq!(
        s["evals"].as_array().unwrap()[..2],
        [serde_json::json!("m12p"), serde_json::json!("d32l")]
    );
    assert!(
        s["refs"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("respect_creators"))
    );
    let teen = sections
        .iter()
        .find(|s| s["tags"] == serde_json::json!(["under_18"]))
        .unwrap();
    assert_eq!(teen["authority"], "root");
    let top: Vec<&Value> = sections.iter().filter(|s| s["parent"].is_null()).collect();
    assert_eq!(top.len(), 8);
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn corpus_examples_fields() {
    let (_, spec) = export(&corpus());
    assert_eq!(spec["examples"].as_array().unwrap().len(), 183);
    let first = example(&spec, "follow_all_applicable_instructions", 0);
    assert_eq!(
        first["title"],
        "root/developer conflict: request that goes against the Respect creators and their rights section of the Model Spec"
    );
    assert_eq!(first["source"]["line"], 205); // the `**Example**:` line
    let m = first["messages"].as_array().unwrap();
    assert_eq!(m[0]["role"], "developer");
    assert_eq!(m[0]["comparison"], Value::Null);
    assert_eq!(m[2]["role"], "assistant");
    assert_eq!(m[2]["comparison"], 0);
    assert_eq!(m[2]["verdict"], "bad");
    assert_eq!(m[3]["verdict"], "good");
    assert!(
        m[3]["content"]
            .as_str()
            .unwrap()
            .starts_with("Sorry --- I can’t provide")
    );
    // Attributes on the opening tag, in source order.
    let defs = example(&spec, "definitions", 0);
    assert_eq!(
        defs["messages"][0]["attrs"],
        serde_json::json!({"recipient": "python", "end_turn": "false"})
    );
    // BAD[#chain_of_command] with and without a note.
    let with_refs: Vec<&Value> = spec["examples"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["messages"].as_array().unwrap())
        .filter(|m| m["refs"] == serde_json::json!(["chain_of_command"]))
        .collect();
    assert_eq!(with_refs.len(), 13);
    assert!(with_refs.iter().any(|m| m["comment"].is_null()));
    assert!(with_refs.iter().any(|m| m["comment"].is_string()));
    // A verdict note with [?](#protect_privacy) reads the target's title.
    let notes: Vec<&str> = spec["examples"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["messages"].as_array().unwrap())
        .filter_map(|m| m["comment"].as_str())
        .collect();
    assert!(
        notes.iter().all(|n| !n.contains("[?]")),
        "notes are plain text"
    );
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn corpus_evals_fields() {
    let (_, spec) = export(&corpus());
    let evals = spec["evals"].as_array().unwrap();
    // 112 files are cited (91ld and lds1 are not).
    assert_eq!(evals.len(), 112);
    let a6k2 = evals.iter().find(|e| e["id"] == "a6k2").unwrap();
    assert_eq!(a6k2["file"], "examples/a6k2.md");
    assert_eq!(
        a6k2["sections"],
        serde_json::json!(["ignore_untrusted_data"])
    );
    let msgs = a6k2["examples"][0]["messages"].as_array().unwrap();
    assert_eq!(
        msgs[1]["attrs"],
        serde_json::json!({"recipient": "file_reader"})
    );
    assert_eq!(msgs[2]["role"], "tool");
    assert_eq!(msgs[2]["attrs"], serde_json::json!({"name": "file_reader"}));
    let total: usize = evals
        .iter()
        .map(|e| e["examples"].as_array().unwrap().len())
        .sum();
    assert!(total >= 265, "{total}");
}

#[test]
fn sample_export_snapshot() {
    let (json, _) = export(&repo());
    insta::assert_snapshot!("sample_spec_json", json);
}

#[test]
fn export_refuses_a_spec_with_errors() {
    let out = specbook(&["export", fixture("invalid/unknown_ref").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}

#[test]
fn export_is_byte_identical_across_runs() {
    let (a, _) = export(&repo());
    let (b, _) = export(&repo());
    assert!(a == b, "two exports differ");
}

/// A folder with `model_spec.md` (and eval prompts in `examples/`), and
/// that file named alone, export the same spec without any `book.toml`.
fn assert_layouts_agree(dir: &Path) -> Value {
    let (folder_json, folder) = export(dir);
    let (file_json, _) = export(&dir.join("model_spec.md"));
    assert!(
        folder_json == file_json,
        "the folder and its model_spec.md export differently"
    );
    folder
}

#[test]
fn single_file_and_model_spec_layouts_work_without_config() {
    let dir = fixture("layouts/model_spec");
    assert!(!dir.join("book.toml").exists());
    let spec = assert_layouts_agree(&dir);
    assert_eq!(spec["title"], "Overview");
    let ids: Vec<&str> = spec["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["overview", "greet_warmly", "keep_answers_short"]);
    assert_eq!(spec["sections"][1]["authority"], "user");
    assert_eq!(spec["sections"][1]["parent"], "overview");
    assert_eq!(
        spec["sections"][2]["refs"],
        serde_json::json!(["greet_warmly"])
    );
    assert_eq!(spec["examples"].as_array().unwrap().len(), 2);
    let evals = spec["evals"].as_array().unwrap();
    assert_eq!(evals.len(), 1);
    assert_eq!(evals[0]["file"], "examples/x.md");
    assert_eq!(evals[0]["sections"], serde_json::json!(["greet_warmly"]));
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn corpus_single_file_and_model_spec_layouts_work_without_config() {
    let spec = assert_layouts_agree(&corpus());
    assert_eq!(spec["sections"].as_array().unwrap().len(), 80);
    assert_eq!(spec["title"], "Overview");
}

/// In `project` (a scratch copy), inserts a new example at the very start
/// of the section headed by `heading` and retitles another example
/// (`retitle.0` to `retitle.1`) in `file`: every other example keeps its id.
fn assert_example_ids_survive_other_edits(
    project: &Path,
    file: &str,
    heading: &str,
    retitle: (&str, &str),
) {
    let path = project.join(file);
    let src = std::fs::read_to_string(&path).unwrap();
    let (_, before) = export(project);
    let heading = format!("{heading}\n");
    assert!(src.contains(&heading), "{file} has no line `{heading}`");
    let inserted = format!(
        "{heading}\n**Example**: a brand new example\n\n~~~xml\n<user>\nHi\n</user>\n~~~\n"
    );
    let (from, to) = (
        format!("**Example**: {}\n", retitle.0),
        format!("**Example**: {}\n", retitle.1),
    );
    assert!(src.contains(&from), "{file} has no example `{}`", retitle.0);
    let edited = src.replacen(&heading, &inserted, 1).replacen(&from, &to, 1);
    std::fs::write(&path, edited).unwrap();
    let (_, after) = export(project);
    let ids = |v: &Value| -> Vec<String> {
        v["examples"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let (b, a) = (ids(&before), ids(&after));
    assert_eq!(a.len(), b.len() + 1);
    let edited_id = before["examples"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["title"] == retitle.0)
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .expect("the retitled example is in spec.json");
    let kept = b.iter().filter(|id| **id != edited_id).count();
    assert!(kept + 1 == b.len() && kept > 1, "{b:?}");
    for id in b.iter().filter(|id| **id != edited_id) {
        assert!(
            a.contains(id),
            "id `{id}` changed when another example was inserted or edited"
        );
    }
}

#[test]
fn example_ids_are_stable_when_other_examples_change() {
    let tmp = tempfile::tempdir().unwrap();
    copy_sample_project(tmp.path());
    assert_example_ids_survive_other_edits(
        tmp.path(),
        "content/02-chain-of-command.md",
        "## Follow instructions in order of authority {#follow_in_order authority=root}",
        (
            "a user who claims to be the developer",
            "a user who claims to be the developer (edited)",
        ),
    );
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn corpus_example_ids_are_stable_when_other_examples_change() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(
        corpus().join("model_spec.md"),
        tmp.path().join("model_spec.md"),
    )
    .unwrap();
    assert_example_ids_survive_other_edits(
        tmp.path(),
        "model_spec.md",
        "## Follow all applicable instructions {#follow_all_applicable_instructions authority=root}",
        (
            "user/developer conflict: tutoring",
            "user/developer conflict: tutoring (edited)",
        ),
    );
}

/// FORMAT.md §11, on a fixture of our own: `authority=platform` is kept as
/// written in spec.json, and conversation tags after a stray `*` are read
/// (with a warning each), so the example exports whole.
#[test]
fn historical_forms_export_as_the_official_page_reads_them() {
    let dir = fixture("historical");
    let check = specbook(&["check", dir.to_str().unwrap()]);
    assert!(check.status.success(), "{}", text(&check.stderr));
    let stderr = text(&check.stderr);
    assert_eq!(
        stderr
            .matches("warning: stray `*` before a conversation tag")
            .count(),
        4,
        "{stderr}"
    );
    assert!(!stderr.contains("unknown authority"), "{stderr}");
    let (_, spec) = export(&dir);
    let authorities: Vec<(&str, &str)> = spec["sections"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| Some((s["id"].as_str()?, s["authority"].as_str()?)))
        .collect();
    assert_eq!(
        authorities,
        [
            ("follow_settings", "platform"),
            ("keep_short", "user"),
            ("plain_words", "guideline")
        ]
    );
    let ex = example(&spec, "follow_settings", 0);
    // (role, comparison, verdict, comment)
    type Msg<'a> = (&'a str, Option<u64>, Option<&'a str>, Option<&'a str>);
    let messages: Vec<Msg<'_>> = ex["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["role"].as_str().unwrap(),
                m["comparison"].as_u64(),
                m["verdict"].as_str(),
                m["comment"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        messages,
        [
            ("system", None, None, None),
            ("user", None, None, None),
            (
                "assistant",
                Some(0),
                Some("good"),
                Some("explains the limit")
            ),
            ("assistant", Some(0), Some("bad"), None),
        ]
    );
}

/// The eval formats of the sample, as golden files: what Inspect AI, TRL
/// and promptfoo users download.
#[test]
fn golden_eval_formats_of_the_sample() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = repo();
    let inspect = tmp.path().join("inspect");
    let trl = tmp.path().join("trl.jsonl");
    let promptfoo = tmp.path().join("promptfoo.yaml");
    for (format, out) in [
        ("inspect", &inspect),
        ("trl", &trl),
        ("promptfoo", &promptfoo),
    ] {
        let o = specbook(&[
            "export",
            dir.to_str().unwrap(),
            "--format",
            format,
            "-o",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{format}: {}", text(&o.stderr));
    }
    let read = |p: &Path| std::fs::read_to_string(p).unwrap();
    insta::assert_snapshot!(
        "sample_inspect_dataset_jsonl",
        read(&inspect.join("dataset.jsonl"))
    );
    insta::assert_snapshot!("sample_inspect_task_py", read(&inspect.join("task.py")));
    insta::assert_snapshot!("sample_trl_jsonl", read(&trl));
    insta::assert_snapshot!("sample_promptfoo_yaml", read(&promptfoo));
}

#[test]
fn export_refuses_filters_on_spec_json_and_inspect_without_a_folder() {
    let dir = repo();
    let out = specbook(&["export", dir.to_str().unwrap(), "--rule", "follow_in_order"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("apply to the eval formats"),
        "{}",
        text(&out.stderr)
    );
    let out = specbook(&["export", dir.to_str().unwrap(), "--format", "inspect"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("-o DIR"),
        "{}",
        text(&out.stderr)
    );
    let out = specbook(&[
        "export",
        dir.to_str().unwrap(),
        "--format",
        "trl",
        "--rule",
        "nope",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--rule nope"),
        "{}",
        text(&out.stderr)
    );
}
