use serde_json::json;

use super::*;

#[test]
fn values_convert_as_inspect_converts_them() {
    let f = |v: Value| to_float(&v, None);
    assert_eq!(f(json!("C")), Some(1.0));
    assert_eq!(f(json!("P")), Some(0.5));
    assert_eq!(f(json!("I")), Some(0.0));
    assert_eq!(f(json!("N")), Some(0.0));
    assert_eq!(f(json!("yes")), Some(1.0));
    assert_eq!(f(json!("False")), Some(0.0));
    assert_eq!(f(json!(true)), Some(1.0));
    assert_eq!(f(json!(0.25)), Some(0.25));
    assert_eq!(f(json!("0.75")), Some(0.75));
    // A grader that failed: unscored, never 0.
    assert_eq!(f(Value::Null), None);
    assert_eq!(f(json!("NaN")), None);
    assert_eq!(f(json!([1, 2])), None);
    // On a declared 1–7 scale.
    assert_eq!(to_float(&json!(7), Some((1.0, 7.0))), Some(1.0));
    assert_eq!(to_float(&json!(4), Some((1.0, 7.0))), Some(0.5));
    assert_eq!(to_float(&json!(1), Some((1.0, 7.0))), Some(0.0));
}

#[test]
fn a_section_rolls_up_its_sub_rules_and_a_rule_keeps_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spec.md");
    std::fs::write(
        &path,
        "# Top {#top}\n\nText.\n\n## A {#a}\n\nText.\n\n### A1 {#a1}\n\nText.\n\n## B {#b}\n\nText.\n",
    )
    .unwrap();
    let loaded = crate::pipeline::load(&path).unwrap();
    let sample = |id: &str, rule: &str, value: Option<f64>| Sample {
        id: id.into(),
        epoch: 1,
        rule_id: Some(rule.into()),
        value,
    };
    let results = Results {
        runs: vec![Run {
            log: "l.eval".into(),
            model: "m".into(),
            task: "t".into(),
            created: "2026-01-01T00:00:00+00:00".into(),
            status: "success".into(),
            scorer: Some("s".into()),
            samples: vec![
                sample("1", "a", Some(1.0)),
                sample("2", "a1", Some(0.0)),
                sample("3", "a1", None),
                sample("4", "b", Some(0.5)),
            ],
        }],
    };
    let mut diags = Diagnostics::new();
    let c = join(&loaded.config, &loaded.spec, &results, &mut diags);
    assert!(diags.is_empty());
    let idx = |id: &str| loaded.spec.section_index[id];
    let run = &c.runs[0];
    assert_eq!(
        (run.own[idx("a")].samples, run.own[idx("a")].score()),
        (1, Some(1.0))
    );
    assert_eq!(
        (run.rolled[idx("a")].samples, run.rolled[idx("a")].scored),
        (3, 2)
    );
    assert_eq!(run.rolled[idx("a")].score(), Some(0.5));
    assert_eq!(run.rolled[idx("top")].samples, 4);
    assert_eq!(run.own[idx("top")].samples, 0);
    assert_eq!(run.own[idx("a1")].failing, ["2"]);
    // The latest per model, rolled up.
    let latest = c.latest(idx("top"));
    assert_eq!(latest.len(), 1);
    assert_eq!(latest[0].1.samples, 4);
}
