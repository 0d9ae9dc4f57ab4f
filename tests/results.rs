//! Eval results back on the page: hand-made Inspect logs (tests/fixtures/
//! eval-logs: letter grades in a `.eval` archive, a 1–7 grade in a `.json`
//! log, a truncated archive, a file that is no log) read by `specbook
//! results`, `coverage`, and `build` (compliance.html, the rule pages, the
//! home page), checked figure by figure.

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;

/// A copy of the sample project with the fixture logs in `eval-logs/`.
fn project_with_logs(names: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_sample_project(dir.path());
    let logs = dir.path().join("eval-logs");
    std::fs::create_dir_all(&logs).unwrap();
    for name in names {
        std::fs::copy(fixture("eval-logs").join(name), logs.join(name)).unwrap();
    }
    dir
}

fn results_json(dir: &Path) -> (Value, String) {
    let out = specbook(&[
        "results",
        "--project",
        dir.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    (
        serde_json::from_slice(&out.stdout).expect("valid JSON"),
        text(&out.stderr),
    )
}

#[test]
fn letter_grades_count_c_p_i_and_leave_nan_unscored() {
    let dir = project_with_logs(&["letters.eval"]);
    let (json, stderr) = results_json(dir.path());
    let runs = json["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["log"], "eval-logs/letters.eval");
    assert_eq!(run["model"], "example/model-a");
    assert_eq!(run["task"], "spec_compliance");
    assert_eq!(run["created"], "2026-11-01T10:00:00+00:00");
    let rules = &run["rules"];
    // C, I by metadata.rule_id, and C by the id specbook exported.
    assert_eq!(rules["follow_in_order"]["samples"], 3);
    assert_eq!(rules["follow_in_order"]["scored"], 3);
    let score = rules["follow_in_order"]["score"].as_f64().unwrap();
    assert!((score - 2.0 / 3.0).abs() < 1e-9, "{score}");
    // P and a grade that failed to parse (NaN): unscored, never 0.
    assert_eq!(
        rules["respect_users_time"],
        serde_json::json!({"samples": 2, "scored": 1, "score": 0.5})
    );
    // A rule the spec lacks: listed, and warned about with the file.
    assert_eq!(
        rules["no_such_rule"],
        serde_json::json!({"samples": 1, "scored": 1, "score": 1.0})
    );
    assert_eq!(run["unknown_rules"], serde_json::json!(["no_such_rule"]));
    assert!(
        stderr.contains(
            "eval-logs/letters.eval: warning: eval log names 1 rule(s) the spec lacks: no_such_rule"
        ),
        "{stderr}"
    );
}

#[test]
fn numbers_on_a_declared_scale_are_mapped_to_0_1() {
    let dir = project_with_logs(&["numbers.json"]);
    let (json, _) = results_json(dir.path());
    let rules = &json["runs"][0]["rules"];
    assert_eq!(json["runs"][0]["scorer"], "grade");
    // 7, 4 and 1 on 1–7: 1, 0.5, 0.
    assert_eq!(
        rules["format_for_medium"],
        serde_json::json!({"samples": 3, "scored": 3, "score": 0.5})
    );
    assert_eq!(rules["follow_in_order"]["score"], 0.75);
}

#[test]
fn a_damaged_log_and_a_file_that_is_no_log_are_warnings_not_failures() {
    let dir = project_with_logs(&["letters.eval", "damaged.eval", "not-inspect.json"]);
    let (json, stderr) = results_json(dir.path());
    assert_eq!(json["runs"].as_array().unwrap().len(), 1, "{json}");
    assert!(
        stderr.contains("eval-logs/damaged.eval: warning: eval log not read:"),
        "{stderr}"
    );
    assert!(
        stderr.contains("eval-logs/not-inspect.json: warning: eval log not read:"),
        "{stderr}"
    );
    // The build goes on, and says the same.
    let out = build_to(dir.path(), &dir.path().join("site"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("eval-logs/damaged.eval: warning"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn logs_named_on_the_command_line_are_read_instead_of_the_projects() {
    let dir = project_with_logs(&["letters.eval"]);
    let out = specbook(&[
        "results",
        fixture("eval-logs/numbers.json").to_str().unwrap(),
        "--project",
        dir.path().to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("model example/model-b"), "{stdout}");
    assert!(!stdout.contains("model-a"), "{stdout}");
    // Worst first: format_for_medium (50%) before follow_in_order (75%).
    let a = stdout.find("format_for_medium").unwrap();
    let b = stdout.find("follow_in_order").unwrap();
    assert!(a < b, "{stdout}");
}

#[test]
fn the_site_shows_scores_on_the_compliance_page_the_rules_and_the_home_page() {
    let dir = project_with_logs(&["letters.eval", "numbers.json"]);
    let site = dir.path().join("site");
    let out = build_to(dir.path(), &site);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let page = std::fs::read_to_string(site.join("compliance.html")).unwrap();
    // Both runs, oldest first, with their models.
    let a = page.find("example/model-a").unwrap();
    let b = page.find("example/model-b").unwrap();
    assert!(a < b);
    // A chart and a table per rule with results; the worst comes first.
    assert!(page.contains(r#"id="rule-format_for_medium""#), "{page}");
    assert!(page.contains(r#"<svg class="chart""#));
    let worst = page.find(r#"id="rule-format_for_medium""#).unwrap();
    // format_for_medium: 50% (model-b); follow_in_order: 67% (model-a), 75%.
    let better = page.find(r#"id="rule-follow_in_order""#).unwrap();
    assert!(worst < better);
    // Rules in the log but not in the spec are listed.
    assert!(
        page.contains("Rules not in the spec: no_such_rule"),
        "{page}"
    );
    // Coverage is there too.
    assert!(page.contains(r#"id="coverage-title""#));
    // The rule's latest score per model on its page.
    let chapter = std::fs::read_to_string(site.join("communicate_well.html")).unwrap();
    let at = chapter.find(r#"<section id="respect_users_time""#).unwrap();
    let rule = &chapter[at..];
    let rule = &rule[..rule.find("</section>").unwrap()];
    assert!(
        rule.contains(r#"<span class="score-model">example/model-a</span> <span class="score-value">50%</span>"#),
        "{rule}"
    );
    assert!(rule.contains("compliance.html#rule-respect_users_time"));
    // Each rule's own downloads exist where its page points.
    assert!(rule.contains("downloads/evals/rules/respect_users_time.inspect.jsonl"));
    assert!(
        site.join("downloads/evals/rules/respect_users_time.inspect.jsonl")
            .is_file()
    );
    // The home page: a bar per top-level section with results.
    let home = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(home.contains(r#"class="home-scores""#), "{home}");
}

#[test]
fn without_logs_the_compliance_page_says_how_to_get_results() {
    let dir = tempfile::tempdir().unwrap();
    copy_sample_project(dir.path());
    let site = dir.path().join("site");
    let out = build_to(dir.path(), &site);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let page = std::fs::read_to_string(site.join("compliance.html")).unwrap();
    assert!(page.contains("No eval results yet"), "{page}");
    let home = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(!home.contains(r#"class="home-scores""#));
}

#[test]
fn coverage_lists_rules_with_gaps_first() {
    let out = specbook(&["coverage", repo().to_str().unwrap(), "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = json["rules"].as_array().unwrap();
    let first_gapless = rules
        .iter()
        .position(|r| r["gaps"].as_array().unwrap().is_empty())
        .unwrap();
    assert!(
        rules[first_gapless..]
            .iter()
            .all(|r| r["gaps"].as_array().unwrap().is_empty())
    );
    let follow = rules.iter().find(|r| r["id"] == "follow_in_order").unwrap();
    assert_eq!(follow["compliant"], 2);
    assert_eq!(follow["violating"], 2);
    assert_eq!(follow["eval_prompts"], 1);
}

#[test]
fn check_coverage_min_fails_on_a_rule_with_too_few_examples() {
    let out = specbook(&["check", repo().to_str().unwrap(), "--coverage-min", "1"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("content/05-multilingual.md:68:1: error: rule `glossary` has 0 example(s)"),
        "{stderr}"
    );
    let out = specbook(&["check", repo().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}
