//! Eval results on the site: `compliance.html` (per section and rule, the
//! score of every run over time, drawn as inline SVG at build time with a
//! table beside each chart; coverage), each rule's latest score and eval
//! downloads, and the home page's bar per top-level section.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::context::Link;
use super::renderer::SiteRenderer;
use crate::coverage::coverage;
use crate::evalset::EvalSet;
use crate::evalset::formats::Format;
use crate::evalset::output::{rule_download, spec_download};
use crate::results::{Figures, RunFigures};
use crate::site;

pub const COMPLIANCE_PAGE: &str = "compliance.html";

/// A download link.
#[derive(Debug, Clone, Serialize)]
pub struct DownloadCtx {
    pub label: &'static str,
    pub href: String,
    /// In the site's language (see `SiteRenderer::localize_downloads`).
    pub title: String,
}

/// One model's latest score of a rule.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreCtx {
    pub model: String,
    /// `72%`, or `unscored`.
    pub score: String,
    /// 0–100 for a bar's width; `None` when unscored.
    pub percent: Option<u32>,
    pub samples: usize,
    pub scored: usize,
    pub date: String,
}

/// What a rule shows of its evals: its latest scores and its downloads.
#[derive(Debug, Clone, Serialize)]
pub struct RuleEvalsCtx {
    pub scores: Vec<ScoreCtx>,
    pub downloads: Vec<DownloadCtx>,
    /// `compliance.html#rule-<id>` when the rule has results.
    pub results_href: Option<String>,
}

fn downloads(href_of: impl Fn(Format) -> String) -> Vec<DownloadCtx> {
    Format::ALL
        .into_iter()
        .map(|f| DownloadCtx {
            label: match f {
                Format::Inspect => "Inspect AI",
                Format::Trl => "TRL",
                Format::Promptfoo => "promptfoo",
            },
            href: href_of(f),
            // The strings table's key: `SiteRenderer::localize_downloads`
            // puts the text in its place.
            title: match f {
                Format::Inspect => "download_inspect_title",
                Format::Trl => "download_trl_title",
                Format::Promptfoo => "download_promptfoo_title",
            }
            .to_owned(),
        })
        .collect()
}

/// The whole spec's eval downloads (examples browser, compliance page).
pub fn spec_downloads() -> Vec<DownloadCtx> {
    downloads(spec_download)
}

fn score_ctx(run: &RunFigures, f: &Figures) -> ScoreCtx {
    let score = f.score();
    ScoreCtx {
        model: run.run.model.clone(),
        score: crate::cmd::results::percent(score),
        percent: score.map(|s| (s * 100.0).round() as u32),
        samples: f.samples,
        scored: f.scored,
        date: date_of(&run.run.created),
    }
}

/// `2026-12-02 18:40` of `2026-12-02T18:40:22+00:00`.
fn readable_time(created: &str) -> String {
    match (created.get(..10), created.get(11..16)) {
        (Some(d), Some(t)) => format!("{d} {t}"),
        _ => created.to_owned(),
    }
}

/// `2026-12-02` of `2026-12-02T18:40:22+00:00`.
fn date_of(created: &str) -> String {
    created.get(..10).unwrap_or(created).to_owned()
}

/// The strings table's key of a coverage gap (`RuleCoverage::gaps`; a
/// gap without one is shown as it is).
fn gap_key(gap: &str) -> Option<&'static str> {
    Some(match gap {
        "no example" => "gap_no_example",
        "no judged example" => "gap_no_judged_example",
        "only compliant examples" => "gap_only_compliant",
        "only violating examples" => "gap_only_violating",
        "never scored" => "gap_never_scored",
        _ => return None,
    })
}

impl SiteRenderer<'_> {
    /// Download links with their titles (strings keys) in the site's
    /// language.
    fn localize_downloads(&self, mut downloads: Vec<DownloadCtx>) -> Vec<DownloadCtx> {
        for d in &mut downloads {
            d.title = self.strings.get(&d.title).to_owned();
        }
        downloads
    }

    /// A rule's evals, `None` when it has neither results nor (with
    /// `with_downloads`) cases. The single page, read or printed in one go,
    /// leaves the per-rule downloads to the chapter pages.
    pub(super) fn rule_evals(&self, i: usize, with_downloads: bool) -> Option<RuleEvalsCtx> {
        let scores: Vec<ScoreCtx> = self
            .compliance
            .latest(i)
            .into_iter()
            .map(|(run, f)| score_ctx(run, f))
            .collect();
        let has_cases = with_downloads && self.rules_with_cases.get(i).copied().unwrap_or(false);
        if scores.is_empty() && !has_cases {
            return None;
        }
        let id = &self.spec.sections[i].id;
        Some(RuleEvalsCtx {
            results_href: (!scores.is_empty()).then(|| format!("{COMPLIANCE_PAGE}#rule-{id}")),
            scores,
            downloads: if has_cases {
                self.localize_downloads(downloads(|f| rule_download(id, f)))
            } else {
                Vec::new()
            },
        })
    }

    /// The home page's bars: each top-level section's latest score per
    /// model (rolled up over its rules).
    pub(super) fn home_bars(&self) -> Vec<SectionScoresCtx> {
        let spec = self.spec;
        spec.sections
            .iter()
            .enumerate()
            .filter(|(_, s)| s.parent.is_none())
            .filter_map(|(i, s)| {
                let scores: Vec<ScoreCtx> = self
                    .compliance
                    .latest(i)
                    .into_iter()
                    .map(|(run, f)| score_ctx(run, f))
                    .collect();
                (!scores.is_empty()).then(|| SectionScoresCtx {
                    id: s.id.clone(),
                    title: s.title.clone(),
                    href: site::section_href(spec, i),
                    scores,
                })
            })
            .collect()
    }

    /// Everything `compliance.html` shows.
    pub(super) fn compliance_ctx(&self) -> ComplianceCtx {
        let spec = self.spec;
        let compliance = self.compliance;
        // Where each case's example is, for the failing samples' links:
        // only runs have samples (and a live preview without logs does not
        // build the eval set on every save).
        let set = (!compliance.runs.is_empty()).then(|| EvalSet::new(self.config, spec));
        let case_href: HashMap<&str, String> = set
            .iter()
            .flat_map(|set| &set.cases)
            .map(|c| {
                let href = match c.eval_id {
                    Some(label) => site::eval_example_href(label, &c.example.id),
                    None => site::example_href(spec, &c.example.section, &c.example.id),
                };
                (c.id.as_str(), href)
            })
            .collect();
        let models = compliance.models();
        let runs = compliance
            .runs
            .iter()
            .map(|r| {
                let mut total = Figures::default();
                for f in r.own.iter().chain(r.unknown.iter().map(|(_, f)| f)) {
                    total.add(f);
                }
                RunCtx {
                    log_name: r
                        .run
                        .log
                        .rsplit('/')
                        .next()
                        .unwrap_or(&r.run.log)
                        .to_owned(),
                    log: r.run.log.clone(),
                    model: r.run.model.clone(),
                    series: models.iter().position(|m| *m == r.run.model).unwrap_or(0),
                    task: r.run.task.clone(),
                    created: readable_time(&r.run.created),
                    status: r.run.status.clone(),
                    samples: total.samples + r.unmatched,
                    scored: total.scored,
                    score: crate::cmd::results::percent(total.score()),
                    unmatched: r.unmatched,
                    unknown: r.unknown.iter().map(|(id, _)| id.clone()).collect(),
                }
            })
            .collect();
        // Every rule some run has a sample of (rolled up), worst first.
        let mut rules: Vec<RuleChartCtx> = (0..spec.sections.len())
            .filter(|&i| compliance.runs.iter().any(|r| r.rolled[i].samples > 0))
            .map(|i| self.rule_chart(i, &models, &case_href))
            .collect();
        rules.sort_by(|a, b| {
            a.worst
                .unwrap_or(f64::INFINITY)
                .total_cmp(&b.worst.unwrap_or(f64::INFINITY))
                .then(a.order.cmp(&b.order))
        });
        let coverage = coverage(spec, compliance)
            .into_iter()
            .map(|c| {
                let s = &spec.sections[c.rule];
                CoverageRowCtx {
                    id: s.id.clone(),
                    title: s.title.clone(),
                    href: site::section_href(spec, c.rule),
                    compliant: c.compliant,
                    violating: c.violating,
                    eval_prompts: c.eval_prompts,
                    score: if c.ever_run {
                        crate::cmd::results::percent(c.latest_score)
                    } else {
                        "–".into()
                    },
                    gaps: c
                        .gaps()
                        .iter()
                        .map(|g| gap_key(g).map_or(*g, |k| self.strings.get(k)))
                        .collect::<Vec<_>>()
                        .join(", "),
                }
            })
            .collect();
        ComplianceCtx {
            models: models.iter().map(|m| m.to_string()).collect(),
            runs,
            rules,
            coverage,
            downloads: self.localize_downloads(spec_downloads()),
        }
    }

    fn rule_chart(
        &self,
        i: usize,
        models: &[&str],
        case_href: &HashMap<&str, String>,
    ) -> RuleChartCtx {
        let spec = self.spec;
        let s = &spec.sections[i];
        let compliance = self.compliance;
        let run_dates: Vec<String> = compliance
            .runs
            .iter()
            .map(|r| date_of(&r.run.created))
            .collect();
        let points: Vec<ChartPoint> = compliance
            .runs
            .iter()
            .enumerate()
            .filter(|(_, r)| r.rolled[i].samples > 0)
            .map(|(at, r)| ChartPoint {
                run: at,
                series: models.iter().position(|m| *m == r.run.model).unwrap_or(0),
                score: r.rolled[i].score(),
            })
            .collect();
        let rows = compliance
            .runs
            .iter()
            .filter(|r| r.rolled[i].samples > 0)
            .map(|r| {
                let f = &r.rolled[i];
                ChartRowCtx {
                    date: date_of(&r.run.created),
                    model: r.run.model.clone(),
                    samples: f.samples,
                    scored: f.scored,
                    score: crate::cmd::results::percent(f.score()),
                    own: (r.own[i].samples > 0).then(|| {
                        format!(
                            "{} of its own samples",
                            crate::cmd::results::percent(r.own[i].score())
                        )
                    }),
                }
            })
            .collect();
        // The latest run's failing samples of the rule itself, per model.
        let mut failing: Vec<Link> = Vec::new();
        for model in models {
            if let Some(r) = compliance
                .runs
                .iter()
                .rev()
                .find(|r| r.run.model == *model && r.own[i].samples > 0)
            {
                for id in &r.own[i].failing {
                    if let Some(href) = case_href.get(id.as_str())
                        && !failing.iter().any(|f| f.href == *href)
                    {
                        failing.push(Link {
                            href: href.clone(),
                            title: id.clone(),
                        });
                    }
                }
            }
        }
        let worst = compliance
            .latest(i)
            .into_iter()
            .filter_map(|(_, f)| f.score())
            .min_by(f64::total_cmp);
        RuleChartCtx {
            id: s.id.clone(),
            title: s.title.clone(),
            href: site::section_href(spec, i),
            level: s.level,
            worst,
            order: i,
            chart_svg: chart_svg(&s.id, &s.title, &points, &run_dates, models),
            rows,
            failing,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionScoresCtx {
    pub id: String,
    pub title: String,
    pub href: String,
    pub scores: Vec<ScoreCtx>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ComplianceCtx {
    pub models: Vec<String>,
    pub runs: Vec<RunCtx>,
    pub rules: Vec<RuleChartCtx>,
    pub coverage: Vec<CoverageRowCtx>,
    pub downloads: Vec<DownloadCtx>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RunCtx {
    /// The log's path, and its file name.
    pub log: String,
    pub log_name: String,
    pub model: String,
    /// The model's series number (its colour in the charts).
    pub series: usize,
    pub task: String,
    pub created: String,
    pub status: String,
    pub samples: usize,
    pub scored: usize,
    pub score: String,
    pub unmatched: usize,
    /// Rule ids the log names that the spec lacks.
    pub unknown: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleChartCtx {
    pub id: String,
    pub title: String,
    pub href: String,
    pub level: u8,
    /// The lowest latest score among models (sort key).
    #[serde(skip)]
    pub worst: Option<f64>,
    #[serde(skip)]
    pub order: usize,
    pub chart_svg: String,
    pub rows: Vec<ChartRowCtx>,
    pub failing: Vec<Link>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChartRowCtx {
    pub date: String,
    pub model: String,
    pub samples: usize,
    pub scored: usize,
    pub score: String,
    /// The rule's own samples' score, when it has some beside its
    /// sub-rules'.
    pub own: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CoverageRowCtx {
    pub id: String,
    pub title: String,
    pub href: String,
    pub compliant: usize,
    pub violating: usize,
    pub eval_prompts: usize,
    pub score: String,
    pub gaps: String,
}

/// One run's score of a rule, in a model's series.
struct ChartPoint {
    /// Index of the run among all runs (time order).
    run: usize,
    series: usize,
    score: Option<f64>,
}

const W: f64 = 320.0;
const H: f64 = 120.0;
const PAD_L: f64 = 34.0;
const PAD_R: f64 = 10.0;
const PAD_T: f64 = 8.0;
const PAD_B: f64 = 18.0;

/// A score-over-time chart: x the runs in time order, y 0–100 %, one
/// line per model. Static SVG, styled by the page's CSS (`.series-N`);
/// its numbers are in the table beside it.
fn chart_svg(
    id: &str,
    title: &str,
    points: &[ChartPoint],
    run_dates: &[String],
    models: &[&str],
) -> String {
    let runs = run_dates.len();
    let esc = |s: &str| pulldown_cmark_escape_html(s);
    let x = |run: usize| {
        if runs <= 1 {
            PAD_L + (W - PAD_L - PAD_R) / 2.0
        } else {
            PAD_L + (W - PAD_L - PAD_R) * run as f64 / (runs - 1) as f64
        }
    };
    let y = |score: f64| PAD_T + (H - PAD_T - PAD_B) * (1.0 - score);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" aria-labelledby="chart-{id}-t"><title id="chart-{id}-t">Score of “{}” per run, by model (numbers in the table)</title>"#,
        esc(title)
    );
    for pct in [0.0, 0.5, 1.0] {
        let yy = y(pct);
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{PAD_L}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}"/><text class="axis" x="{:.1}" y="{:.1}" text-anchor="end">{:.0}%</text>"#,
            W - PAD_R,
            PAD_L - 4.0,
            yy + 3.5,
            pct * 100.0
        );
    }
    // The time axis: the first and the last run's dates.
    if let (Some(first), Some(last)) = (run_dates.first(), run_dates.last()) {
        let _ = write!(
            svg,
            r#"<text class="axis" x="{PAD_L}" y="{:.1}" text-anchor="start">{}</text>"#,
            H - 4.0,
            esc(first)
        );
        if runs > 1 && last != first {
            let _ = write!(
                svg,
                r#"<text class="axis" x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
                W - PAD_R,
                H - 4.0,
                esc(last)
            );
        }
    }
    let scored: Vec<&ChartPoint> = points.iter().filter(|p| p.score.is_some()).collect();
    if scored.is_empty() {
        let _ = write!(
            svg,
            r#"<text class="chart-empty" x="{:.1}" y="{:.1}" text-anchor="middle">No scored samples: every grade failed or is missing</text>"#,
            PAD_L + (W - PAD_L - PAD_R) / 2.0,
            y(0.5) - 6.0
        );
    }
    for (series, model) in models.iter().enumerate() {
        let line: Vec<(f64, f64)> = scored
            .iter()
            .filter(|p| p.series == series)
            .map(|p| (x(p.run), y(p.score.unwrap_or(0.0))))
            .collect();
        if line.len() > 1 {
            let pts: Vec<String> = line.iter().map(|(a, b)| format!("{a:.1},{b:.1}")).collect();
            let _ = write!(
                svg,
                r#"<polyline class="series series-{}" points="{}"/>"#,
                series % 6,
                pts.join(" ")
            );
        }
        for p in scored.iter().filter(|p| p.series == series) {
            let score = p.score.unwrap_or(0.0);
            let _ = write!(
                svg,
                r#"<circle class="dot series-{}" cx="{:.1}" cy="{:.1}" r="3.5"><title>{}: {:.0}%</title></circle>"#,
                series % 6,
                x(p.run),
                y(score),
                esc(model),
                score * 100.0
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

fn pulldown_cmark_escape_html(s: &str) -> String {
    let mut out = String::new();
    let _ = pulldown_cmark_escape::escape_html(&mut out, s);
    out
}
