//! Which cases an export keeps: `--rule`, `--authority`, `--verdict`.

use anyhow::{Result, bail};

use crate::authority::Level;
use crate::config::Config;
use crate::model::{Spec, Verdict};

use super::Case;

/// The filters of `export`, resolved against the spec. Empty: every case.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    /// Rules (indices) whose cases, and their sub-rules' cases, are kept.
    rules: Vec<usize>,
    /// Kept: cases whose rule is under this authority (its own, else its
    /// nearest ancestor's), by rank, so an alias matches its level.
    authority: Option<Level>,
    /// Kept: cases with an answer of this verdict.
    verdict: Option<Verdict>,
}

impl Filter {
    /// Resolves the command line's filters; an unknown rule id or level is
    /// an error naming what exists.
    pub fn new(
        config: &Config,
        spec: &Spec,
        rules: &[String],
        authority: Option<&str>,
        verdict: Option<&str>,
    ) -> Result<Self> {
        let mut found = Vec::new();
        for id in rules {
            match spec.section_index.get(id.trim_start_matches('#')) {
                Some(&i) => found.push(i),
                None => bail!("--rule {id}: the spec has no rule with this id"),
            }
        }
        let authority = match authority {
            None => None,
            Some(a) => match config.authority.rank(a) {
                Some(level) => Some(level),
                None => bail!(
                    "--authority {a}: not a level of this spec (levels: {})",
                    config.authority.known().join(", ")
                ),
            },
        };
        let verdict = match verdict {
            None => None,
            Some(v) => match Verdict::parse(&v.to_ascii_uppercase()) {
                Some(v) => Some(v),
                None => bail!("--verdict {v}: expected good, bad or ok"),
            },
        };
        Ok(Self {
            rules: found,
            authority,
            verdict,
        })
    }

    pub fn accepts(&self, spec: &Spec, case: &Case<'_>) -> bool {
        let under = |rule: usize, top: usize| {
            let mut at = Some(rule);
            while let Some(j) = at {
                if j == top {
                    return true;
                }
                at = spec.sections[j].parent;
            }
            false
        };
        if !self.rules.is_empty()
            && !case
                .rules
                .iter()
                .any(|&r| self.rules.iter().any(|&top| under(r, top)))
        {
            return false;
        }
        if let Some(level) = self.authority {
            let mut at = Some(case.rule);
            let mut own = None;
            while let Some(j) = at {
                if let Some(a) = &spec.sections[j].authority {
                    own = a.level;
                    break;
                }
                at = spec.sections[j].parent;
            }
            if own != Some(level) {
                return false;
            }
        }
        if let Some(v) = self.verdict
            && !case.answers.iter().any(|a| a.verdict == v)
        {
            return false;
        }
        true
    }
}
