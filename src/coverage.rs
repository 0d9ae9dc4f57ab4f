//! How well the spec's examples and eval runs cover its rules: per rule,
//! its compliant and violating examples, the eval prompts citing it, and
//! its latest score. Read by `specbook coverage`, `check --coverage-min`
//! and the compliance page.

use crate::model::{Spec, Verdict};
use crate::results::Compliance;

/// One rule's coverage.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleCoverage {
    /// Index into `Spec::sections`.
    pub rule: usize,
    /// Examples of the rule (in its own text) with a compliant answer.
    pub compliant: usize,
    /// Examples of the rule with a violating answer.
    pub violating: usize,
    /// Examples of the rule in all.
    pub examples: usize,
    /// Examples of the rule and its sub-rules: a chapter whose rules have
    /// examples is not missing any.
    pub within: usize,
    /// Eval-prompt files citing the rule.
    pub eval_prompts: usize,
    /// The rule's own score in the latest run that scored it, if any.
    pub latest_score: Option<f64>,
    /// Whether any run has a sample of the rule.
    pub ever_run: bool,
    /// Whether there are eval runs at all (else "never scored" says
    /// nothing).
    pub runs: bool,
}

impl RuleCoverage {
    /// What is missing, most serious first; empty when covered.
    pub fn gaps(&self) -> Vec<&'static str> {
        let mut gaps = Vec::new();
        if self.within == 0 {
            gaps.push("no example");
        } else if self.examples > 0 && self.violating == 0 && self.compliant == 0 {
            gaps.push("no judged example");
        } else if self.examples > 0 && self.violating == 0 {
            gaps.push("only compliant examples");
        } else if self.examples > 0 && self.compliant == 0 {
            gaps.push("only violating examples");
        }
        if self.runs && !self.ever_run && self.within > 0 {
            gaps.push("never scored");
        }
        gaps
    }

    fn rank(&self) -> u8 {
        match self.gaps().first().copied() {
            Some("no example") => 0,
            Some("never scored") => 2,
            Some(_) => 1,
            None => 3,
        }
    }
}

/// Every rule's coverage, gaps first (no example, one-sided examples,
/// never scored), then in document order.
pub fn coverage(spec: &Spec, compliance: &Compliance) -> Vec<RuleCoverage> {
    let within = examples_within(spec);
    let mut out: Vec<RuleCoverage> = spec
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut c = RuleCoverage {
                rule: i,
                compliant: 0,
                violating: 0,
                examples: 0,
                within: within[i],
                eval_prompts: spec
                    .evals
                    .iter()
                    .filter(|e| e.cited_by.contains(&i))
                    .count(),
                latest_score: None,
                ever_run: false,
                runs: !compliance.is_empty(),
            };
            for ex in s.examples() {
                c.examples += 1;
                let has = |v: Verdict| ex.messages.iter().any(|m| m.verdict == Some(v));
                c.compliant += usize::from(has(Verdict::Good));
                c.violating += usize::from(has(Verdict::Bad));
            }
            for run in compliance.runs.iter().rev() {
                if run.own[i].samples > 0 {
                    c.ever_run = true;
                    if c.latest_score.is_none() {
                        c.latest_score = run.own[i].score();
                    }
                }
            }
            c
        })
        .collect();
    out.sort_by_key(|c| (c.rank(), c.rule));
    out
}

/// Rules with fewer than `min` examples, in their own text and their
/// sub-rules' (`check --coverage-min`): a chapter is covered by its
/// rules' examples.
pub fn below(spec: &Spec, min: usize) -> Vec<(usize, usize)> {
    examples_within(spec)
        .into_iter()
        .enumerate()
        .filter(|&(_, n)| n < min)
        .collect()
}

/// Per section: its examples and its sub-rules'.
fn examples_within(spec: &Spec) -> Vec<usize> {
    let mut within: Vec<usize> = spec.sections.iter().map(|s| s.examples().count()).collect();
    // Sub-rules come after their parents: add each to its parent, last
    // first, so a parent has its whole subtree when it is added on.
    for i in (0..spec.sections.len()).rev() {
        if let Some(p) = spec.sections[i].parent {
            within[p] += within[i];
        }
    }
    within
}
