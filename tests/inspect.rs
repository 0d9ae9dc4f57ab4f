//! The eval exports against the real tools: the `inspect-ai` package
//! (its `json_dataset`, `inspect eval` with `mockllm/model`, its logs read
//! back by `specbook results` and `build`), the `datasets` library's JSON
//! loader for the TRL pairs, and PyYAML for the promptfoo file.
//!
//! They need a Python virtual environment with `inspect-ai` and
//! `datasets` (`.ci/run` makes it at target/inspect-venv, or set
//! `$INSPECT_VENV`): every test here carries `inspect` in its name and is
//! `#[ignore]`d, so `.ci/run` lists them as skipped when no package index
//! was reachable to install them. `inspect eval` runs offline: see
//! tests/fixtures/inspect/sitecustomize.py.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde_json::Value;

fn venv() -> PathBuf {
    let dir = std::env::var_os("INSPECT_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target/inspect-venv"));
    let python = dir.join("bin/python");
    let ok = Command::new(&python)
        .args(["-c", "import inspect_ai, datasets"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "no Python venv with inspect-ai and datasets at {}: create it with\n  python3 -m venv {0} && {0}/bin/pip install inspect-ai datasets\n(.ci/run does this, and skips these tests when it cannot)",
        dir.display()
    );
    dir
}

/// Runs a Python script in the venv with `args`; returns stdout.
fn python(script: &str, args: &[&str]) -> String {
    let out = Command::new(venv().join("bin/python"))
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "python failed:\n{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

fn export(dir: &Path, format: &str, out: &Path) {
    let o = specbook(&[
        "export",
        dir.to_str().unwrap(),
        "--format",
        format,
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
}

/// What `inspect-ai`'s own loader makes of dataset.jsonl: the sample count,
/// distinct ids, and how many carry a rule id and an eval id.
const LOAD_DATASET: &str = r#"
import json, sys
from inspect_ai.dataset import json_dataset
ds = json_dataset(sys.argv[1])
ids = [s.id for s in ds]
print(json.dumps({
    "samples": len(ds),
    "distinct_ids": len(set(ids)),
    "with_rule": sum(1 for s in ds if s.metadata.get("rule_id")),
    "eval_prompts": sum(1 for s in ds if s.metadata.get("eval_id")),
    "chat_inputs": sum(1 for s in ds if isinstance(s.input, list) and s.input),
    "roles": sorted({m.role for s in ds for m in s.input}),
}))
"#;

/// Judged turns and eval prompts counted from spec.json, independently of
/// the exporter: a `<comparison>` with verdicts, or an assistant message
/// with a verdict outside one, after at least one message; and every
/// prompt of a cited eval-prompt file.
fn expected_counts(dir: &Path) -> (usize, usize) {
    let out = specbook(&["export", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let spec: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut turns = 0;
    for ex in spec["examples"].as_array().unwrap() {
        let messages = ex["messages"].as_array().unwrap();
        let mut seen_groups = Vec::new();
        for (i, m) in messages.iter().enumerate() {
            if m["verdict"].is_null() || i == 0 {
                continue;
            }
            match m["comparison"].as_u64() {
                Some(g) if seen_groups.contains(&g) => {}
                Some(g) => {
                    seen_groups.push(g);
                    turns += 1;
                }
                None => turns += 1,
            }
        }
    }
    let prompts = spec["evals"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["examples"].as_array().unwrap())
        .filter(|ex| {
            ex["messages"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["verdict"].is_null())
        })
        .count();
    (turns, prompts)
}

fn check_dataset_loads(dir: &Path) {
    let tmp = tempfile::tempdir().unwrap();
    export(dir, "inspect", tmp.path());
    let (turns, prompts) = expected_counts(dir);
    let got: Value = serde_json::from_str(&python(
        LOAD_DATASET,
        &[tmp.path().join("dataset.jsonl").to_str().unwrap()],
    ))
    .unwrap();
    assert_eq!(got["samples"], turns + prompts, "{got}");
    assert_eq!(got["distinct_ids"], turns + prompts, "{got}");
    assert_eq!(got["with_rule"], turns + prompts, "{got}");
    assert_eq!(got["eval_prompts"], prompts, "{got}");
    assert_eq!(got["chat_inputs"], turns + prompts, "{got}");
    for role in got["roles"].as_array().unwrap() {
        assert!(
            ["system", "user", "assistant"].contains(&role.as_str().unwrap()),
            "{got}"
        );
    }
}

#[test]
#[ignore = "needs a Python venv with inspect-ai and datasets (target/inspect-venv or $INSPECT_VENV; .ci/run makes it)"]
fn inspect_json_dataset_loads_every_sample_of_the_sample_spec() {
    check_dataset_loads(&repo());
}

#[test]
#[ignore = "needs a Python venv with inspect-ai and datasets, and the Model Spec corpus"]
fn inspect_corpus_json_dataset_loads_every_sample_of_the_newest_release() {
    check_dataset_loads(&corpus());
}

/// `inspect eval task.py --model mockllm/model --limit N`, offline, into
/// `log_dir`; the mock model answers `output`.
fn inspect_eval(task_dir: &Path, log_dir: &Path, limit: usize, output: &str) {
    let cache = tempfile::tempdir().unwrap();
    let out = Command::new(venv().join("bin/inspect"))
        .args(["eval", "task.py", "--model", "mockllm/model", "--limit"])
        .arg(limit.to_string())
        .arg("--log-dir")
        .arg(log_dir)
        .current_dir(task_dir)
        .env("PYTHONPATH", fixture("inspect"))
        .env("SPECBOOK_OFFLINE_INSPECT", "1")
        .env("SPECBOOK_MOCK_OUTPUT", output)
        // No generation cached by an earlier run may stand in for this one.
        .env("XDG_CACHE_HOME", cache.path())
        .env("INSPECT_CACHE_DIR", cache.path())
        .output()
        .expect("inspect runs");
    // Offline, a failed run still exits 0: the log's status is checked.
    assert!(
        out.status.success(),
        "{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// Each log's status, and its samples' rule ids, as inspect-ai reads them.
const READ_LOGS: &str = r#"
import json, sys
from inspect_ai.log import list_eval_logs, read_eval_log
out = []
for info in list_eval_logs(sys.argv[1]):
    log = read_eval_log(info)
    out.append({
        "status": log.status,
        "rules": sorted(s.metadata["rule_id"] for s in log.samples),
    })
print(json.dumps(out))
"#;

#[test]
#[ignore = "needs a Python venv with inspect-ai and datasets (target/inspect-venv or $INSPECT_VENV; .ci/run makes it)"]
fn inspect_eval_runs_task_py_and_its_log_comes_back_rule_by_rule() {
    let project = tempfile::tempdir().unwrap();
    copy_sample_project(project.path());
    eval_and_read_back(project.path(), 6);
}

#[test]
#[ignore = "needs a Python venv with inspect-ai and datasets, and the Model Spec corpus"]
fn inspect_corpus_eval_runs_task_py_and_its_log_comes_back_rule_by_rule() {
    let project = tempfile::tempdir().unwrap();
    copy_tree(&corpus(), project.path());
    eval_and_read_back(project.path(), 8);
}

/// Exports the project at `dir` (writable: its eval-logs/ gets the log),
/// runs `limit` samples with the mock model grading C, and checks that
/// `specbook results` and the built compliance page show exactly the rules
/// of the samples that ran, with their counts.
fn eval_and_read_back(dir: &Path, limit: usize) {
    let project = dir;
    let task = project.join("inspect-task");
    export(project, "inspect", &task);
    let logs = project.join("eval-logs");
    inspect_eval(&task, &logs, limit, "Looks right.\n\nGRADE: C");
    let read: Value = serde_json::from_str(&python(READ_LOGS, &[logs.to_str().unwrap()])).unwrap();
    assert_eq!(read.as_array().unwrap().len(), 1, "{read}");
    assert_eq!(read[0]["status"], "success", "{read}");
    let ran: Vec<&str> = read[0]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert_eq!(ran.len(), limit);
    // `specbook results` shows the rules of the samples that ran, with
    // their counts; every grade was C.
    let out = specbook(&[
        "results",
        "--project",
        project.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let run = &json["runs"][0];
    assert_eq!(run["model"], "mockllm/model");
    assert_eq!(run["task"], "spec_compliance");
    let rules = run["rules"].as_object().unwrap();
    let mut expected: Vec<&str> = ran.clone();
    expected.dedup();
    let mut got: Vec<&str> = rules.keys().map(String::as_str).collect();
    got.sort();
    assert_eq!(got, expected);
    for id in &expected {
        let n = ran.iter().filter(|r| *r == id).count();
        assert_eq!(
            rules[*id],
            serde_json::json!({"samples": n, "scored": n, "score": 1.0}),
            "{id}"
        );
    }
    // The build shows the same rules on the compliance page.
    let site = project.join("site");
    let out = build_to(project, &site);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let page = std::fs::read_to_string(site.join("compliance.html")).unwrap();
    for id in &expected {
        assert!(page.contains(&format!(r#"id="rule-{id}""#)), "{id}");
    }
    assert!(page.contains("mockllm/model"));
}

#[test]
#[ignore = "needs a Python venv with inspect-ai and datasets (target/inspect-venv or $INSPECT_VENV; .ci/run makes it)"]
fn inspect_failed_grades_are_unscored_not_zero() {
    let project = tempfile::tempdir().unwrap();
    copy_sample_project(project.path());
    let task = project.path().join("inspect-task");
    export(project.path(), "inspect", &task);
    let logs = project.path().join("eval-logs");
    // No grade in the output: every score is NaN.
    inspect_eval(&task, &logs, 3, "No grade here.");
    let out = specbook(&[
        "results",
        "--project",
        project.path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = json["runs"][0]["rules"].as_object().unwrap();
    let samples: u64 = rules.values().map(|r| r["samples"].as_u64().unwrap()).sum();
    assert_eq!(samples, 3);
    for r in rules.values() {
        assert_eq!(r["scored"], 0, "{r}");
        assert_eq!(r["score"], Value::Null, "{r}");
    }
    // The compliance page still draws each rule's chart, saying so.
    let site = project.path().join("site");
    assert!(build_to(project.path(), &site).status.success());
    let page = std::fs::read_to_string(site.join("compliance.html")).unwrap();
    assert!(page.contains("No scored samples"), "{page}");
}

const LOAD_TRL: &str = r#"
import json, sys
from datasets import load_dataset
ds = load_dataset("json", data_files=sys.argv[1], split="train")
bad = [i for i, r in enumerate(ds) if not r["prompt"] or not r["chosen"] or not r["rejected"]
       or any(not m["content"] for m in r["prompt"] + r["chosen"] + r["rejected"])]
print(json.dumps({"rows": len(ds), "bad": bad, "columns": sorted(ds.column_names)}))
"#;

fn check_trl(dir: &Path) {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("trl.jsonl");
    export(dir, "trl", &file);
    let lines = std::fs::read_to_string(&file).unwrap().lines().count();
    assert!(lines > 0);
    let got: Value = serde_json::from_str(&python(LOAD_TRL, &[file.to_str().unwrap()])).unwrap();
    assert_eq!(got["rows"], lines, "{got}");
    assert_eq!(got["bad"], serde_json::json!([]), "{got}");
    for col in [
        "prompt",
        "chosen",
        "rejected",
        "rule_id",
        "rule_title",
        "example_id",
    ] {
        assert!(
            got["columns"].as_array().unwrap().contains(&col.into()),
            "{col}: {got}"
        );
    }
}

#[test]
#[ignore = "needs a Python venv with inspect-ai and datasets (target/inspect-venv or $INSPECT_VENV; .ci/run makes it)"]
fn inspect_venv_datasets_loads_the_trl_pairs_of_the_sample() {
    check_trl(&repo());
}

#[test]
#[ignore = "needs a Python venv with inspect-ai and datasets, and the Model Spec corpus"]
fn inspect_corpus_datasets_loads_the_trl_pairs_of_the_newest_release() {
    check_trl(&corpus());
}

const LOAD_PROMPTFOO: &str = r#"
import json, sys, yaml
tests = yaml.safe_load(open(sys.argv[1]))
print(json.dumps({
    "tests": len(tests),
    "with_messages": sum(1 for t in tests if t["vars"]["messages"]),
    "rubrics": sum(1 for t in tests for a in t["assert"] if a["type"] == "llm-rubric"),
    "with_rule": sum(1 for t in tests if t["metadata"]["rule_id"]),
}))
"#;

#[test]
#[ignore = "needs a Python venv with inspect-ai and datasets (target/inspect-venv or $INSPECT_VENV; .ci/run makes it)"]
fn inspect_venv_yaml_reads_the_promptfoo_tests_one_per_case() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("promptfoo.yaml");
    export(&repo(), "promptfoo", &file);
    let (turns, prompts) = expected_counts(&repo());
    let got: Value =
        serde_json::from_str(&python(LOAD_PROMPTFOO, &[file.to_str().unwrap()])).unwrap();
    let n = turns + prompts;
    assert_eq!(
        got,
        serde_json::json!({"tests": n, "with_messages": n, "rubrics": n, "with_rule": n})
    );
}
