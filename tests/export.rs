//! `specbook export`: spec.json per EXPORT.md, checked field by field on
//! the real corpus, scored against the official rendering with
//! `shared/tools/parity.py`, snapshotted for the sample content, and
//! byte-identical across runs.

mod common;

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
        .arg(repo().join("../shared/tools/parity.py"))
        .arg(corpus().join("official.html"))
        .arg(&json)
        .output()
        .expect("python3 runs parity.py");
    let report = text(&parity.stdout);
    assert!(parity.status.success(), "{report}");
    assert!(report.contains("(100.0%)"), "{report}");
}

#[test]
fn corpus_export_is_byte_identical_across_runs() {
    let (a, _) = export(&corpus());
    let (b, _) = export(&corpus());
    assert!(a == b, "two exports differ");
}

#[test]
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
fn single_file_and_model_spec_layouts_work_without_config() {
    let (_, spec) = export(&corpus().join("model_spec.md"));
    assert_eq!(spec["sections"].as_array().unwrap().len(), 80);
    assert_eq!(spec["title"], "Overview");
}

#[test]
fn example_ids_are_stable_when_other_examples_change() {
    let tmp = tempfile::tempdir().unwrap();
    let src = std::fs::read_to_string(corpus().join("model_spec.md")).unwrap();
    std::fs::write(tmp.path().join("model_spec.md"), &src).unwrap();
    let (_, before) = export(tmp.path());
    // Insert a new example at the very start of a section, and edit another.
    let marker = "## Follow all applicable instructions {#follow_all_applicable_instructions authority=root}\n";
    let inserted =
        format!("{marker}\n**Example**: a brand new example\n\n~~~xml\n<user>\nHi\n</user>\n~~~\n");
    let edited = src.replacen(marker, &inserted, 1).replacen(
        "**Example**: user/developer conflict: tutoring",
        "**Example**: user/developer conflict: tutoring (edited)",
        1,
    );
    std::fs::write(tmp.path().join("model_spec.md"), edited).unwrap();
    let (_, after) = export(tmp.path());
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
    let edited_id = b.iter().find(|id| id.contains("tutoring")).unwrap();
    for id in b.iter().filter(|id| *id != edited_id) {
        assert!(
            a.contains(id),
            "id `{id}` changed when another example was inserted or edited"
        );
    }
}
