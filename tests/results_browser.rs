//! Eval results as a reader sees them (issue 13), in headless Chromium: the
//! sample project built with the hand-made Inspect logs of
//! tests/fixtures/eval-logs. compliance.html draws a chart per rule with a
//! table beside it, readable at 1280 and 390 px in both themes (axe-core:
//! no violation of any impact), each rule shows its latest score and its
//! downloads resolve, and the home page has a bar per top-level section.
//!
//! Needs Chromium and axe-core, like `tests/browser.rs` (see
//! tests/browser/README.md).

mod common;
#[path = "browser/harness.rs"]
#[allow(dead_code)]
mod harness;

use std::sync::LazyLock;

use harness::{Page, Site, str_of};
use serde_json::Value;

const WIDE: (u32, u32) = (1280, 900);
const PHONE: (u32, u32) = (390, 844);

static RESULTS: LazyLock<Site> = LazyLock::new(|| {
    // Kept for the life of the test process: the site is served from it.
    let dir = Box::leak(Box::new(tempfile::tempdir().unwrap()));
    common::copy_sample_project(dir.path());
    let logs = dir.path().join("eval-logs");
    std::fs::create_dir_all(&logs).unwrap();
    for name in ["letters.eval", "numbers.json"] {
        std::fs::copy(common::fixture("eval-logs").join(name), logs.join(name)).unwrap();
    }
    Site::build("results", dir.path())
});

#[test]
fn compliance_page_is_accessible_in_both_themes_and_widths() {
    let site = &*RESULTS;
    let page = Page::open(site);
    let mut failures = Vec::new();
    for size in [WIDE, PHONE] {
        for scheme in ["light", "dark"] {
            page.viewport(size);
            page.color_scheme(scheme);
            page.goto(&site.url("compliance.html"));
            page.wait_for("return !!document.querySelector('svg.chart')", "a chart");
            failures.extend(page.axe_report(&format!("[{scheme} {}px]", size.0)));
            // Nothing wider than the screen but the tables' own scrollers.
            let overflow: f64 = page.js(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
            );
            assert!(
                overflow <= 0.0,
                "[{scheme} {}px] page overflows by {overflow}px",
                size.0
            );
        }
    }
    assert!(
        failures.is_empty(),
        "axe-core:\n  {}",
        failures.join("\n  ")
    );
    page.assert_only_local_requests();
}

#[test]
fn each_chart_draws_a_line_or_dot_per_model_beside_its_table() {
    let site = &*RESULTS;
    let page = Page::open(site);
    page.viewport(WIDE);
    page.goto(&site.url("compliance.html"));
    let charts: Value = page.js(
        "return [...document.querySelectorAll('.rule-result')].map(r => {
           const svg = r.querySelector('svg.chart');
           const box = svg.getBoundingClientRect();
           const dots = [...svg.querySelectorAll('circle.dot')];
           const table = r.querySelector('table.scores');
           return { id: r.id, width: box.width, height: box.height,
                    label: svg.getAttribute('aria-labelledby') && document.getElementById(svg.getAttribute('aria-labelledby')).textContent,
                    colours: [...new Set(dots.map(d => getComputedStyle(d).fill))],
                    dots: dots.length, rows: table.tBodies[0].rows.length,
                    side: table.getBoundingClientRect().left > box.right - 1 };
         });",
    );
    let charts = charts.as_array().unwrap();
    assert!(!charts.is_empty());
    for c in charts {
        assert!(c["width"].as_f64().unwrap() >= 200.0, "{c}");
        assert!(str_of(&c["label"]).starts_with("Score of"), "{c}");
        // One dot per scored run of the rule, one row per run.
        assert_eq!(c["dots"], c["rows"], "{c}");
        assert!(
            c["side"].as_bool().unwrap(),
            "table beside the chart at 1280 px: {c}"
        );
    }
    // follow_in_order was scored by both models: two colours.
    let follow = charts
        .iter()
        .find(|c| c["id"] == "rule-follow_in_order")
        .unwrap();
    assert_eq!(follow["colours"].as_array().unwrap().len(), 2, "{follow}");
    page.screenshot("compliance-1280");
    page.viewport(PHONE);
    page.goto(&site.url("compliance.html"));
    page.screenshot("compliance-390");
}

#[test]
fn rules_show_their_latest_score_and_their_downloads_resolve() {
    let site = &*RESULTS;
    let page = Page::open(site);
    page.viewport(WIDE);
    page.goto(&site.url("communicate_well.html#respect_users_time"));
    let got: Value = page.js(
        "const s = document.getElementById('respect_users_time');
         const chips = [...s.querySelectorAll(':scope > .rule-evals .score-chip')].map(c => c.textContent.trim());
         const links = [...s.querySelectorAll(':scope > .rule-evals a[download]')].map(a => a.href);
         const ok = [];
         for (const href of links) ok.push((await fetch(href)).status);
         return { chips, links: links.length, ok };",
    );
    assert_eq!(
        got["chips"],
        serde_json::json!(["example/model-a 50%"]),
        "{got}"
    );
    assert_eq!(got["links"], 3, "{got}");
    assert_eq!(got["ok"], serde_json::json!([200, 200, 200]), "{got}");
    // The home page: each top-level section with results has a bar per
    // model, as wide as its score.
    page.goto(&site.url("index.html"));
    let bars: Value = page.js(
        "return [...document.querySelectorAll('.score-bar')].map(b => ({
           text: b.querySelector('.score-value').textContent,
           ratio: b.querySelector('.fill').getBoundingClientRect().width / b.querySelector('.bar').getBoundingClientRect().width }));",
    );
    let bars = bars.as_array().unwrap();
    assert!(!bars.is_empty());
    for b in bars {
        let text = str_of(&b["text"]);
        if let Some(pct) = text.strip_suffix('%') {
            let want = pct.parse::<f64>().unwrap() / 100.0;
            assert!((b["ratio"].as_f64().unwrap() - want).abs() < 0.02, "{b}");
        }
    }
}
