//! Eval results back on the page: the Inspect logs of `[evals] logs`,
//! read beside the spec and joined with it by rule id. A rule's figures
//! are its own samples'; a section's roll-up adds its sub-rules'.
//!
//! Values are converted as Inspect converts them (`value_to_float`):
//! `C` 1, `P` 0.5, `I` and `N` 0, `yes`/`true` 1, `no`/`false` 0,
//! numbers as they are (on a scorer's declared `scale`, mapped to 0–1).
//! A value that is `NaN` or `null` (a grader that failed) is unscored,
//! never 0.

pub mod log;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::config::Config;
use crate::diag::{Diagnostics, Location};
use crate::evalset::EvalSet;
use crate::model::Spec;

/// One sample's outcome, its value converted.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub id: String,
    pub epoch: u32,
    pub rule_id: Option<String>,
    /// The primary scorer's value on 0–1; `None` when unscored.
    pub value: Option<f64>,
}

/// One eval run (one log).
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// The log's path as shown to the user (relative to the project).
    pub log: String,
    pub model: String,
    pub task: String,
    /// ISO 8601, as the log writes it.
    pub created: String,
    pub status: String,
    /// The scorer whose values count (the log's first).
    pub scorer: Option<String>,
    pub samples: Vec<Sample>,
}

/// Every run read, oldest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Results {
    pub runs: Vec<Run>,
}

/// Converts a score value the way Inspect's `value_to_float` does;
/// `None` for a value no grade could be read from (NaN, null, a list).
pub fn to_float(value: &Value, scale: Option<(f64, f64)>) -> Option<f64> {
    let raw = match value {
        Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        Value::Number(n) => n.as_f64(),
        Value::String(s) => match s.as_str() {
            "C" => return Some(1.0),
            "P" => return Some(0.5),
            "I" | "N" => return Some(0.0),
            other => match other.to_ascii_lowercase().as_str() {
                "yes" | "true" => Some(1.0),
                "no" | "false" => Some(0.0),
                t => t.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
            },
        },
        _ => None,
    }?;
    Some(match scale {
        Some((lo, hi)) => ((raw - lo) / (hi - lo)).clamp(0.0, 1.0),
        None => raw,
    })
}

/// Reads every log named by `config.eval_logs` (files, or folders walked
/// for `.eval` and `.json` files). A log that cannot be read is a warning
/// naming the file and what was wrong, never an error.
pub fn read_logs(config: &Config, diags: &mut Diagnostics) -> Results {
    read_logs_cached(config, diags, None)
}

/// Logs read before, by path, with the size and modification time they
/// had: `serve` reads a log again only when it changed.
#[derive(Debug, Default)]
pub struct LogCache {
    logs: HashMap<PathBuf, CachedLog>,
}

/// A log's size and modification time when it was read, and what it held.
type CachedLog = (
    u64,
    Option<std::time::SystemTime>,
    Result<log::LoggedRun, String>,
);

impl LogCache {
    fn read(&mut self, path: &Path) -> Result<log::LoggedRun, String> {
        let meta = std::fs::metadata(path).ok();
        let stamp = (
            meta.as_ref().map_or(0, |m| m.len()),
            meta.and_then(|m| m.modified().ok()),
        );
        if let Some((len, modified, read)) = self.logs.get(path)
            && (*len, *modified) == stamp
            && stamp.1.is_some()
        {
            return read.clone();
        }
        let read = log::read(path);
        self.logs
            .insert(path.to_path_buf(), (stamp.0, stamp.1, read.clone()));
        read
    }
}

/// [`read_logs`], reusing what `cache` kept of unchanged logs.
pub fn read_logs_cached(
    config: &Config,
    diags: &mut Diagnostics,
    cache: Option<&mut LogCache>,
) -> Results {
    let default = config.root.join(crate::config::DEFAULT_EVAL_LOGS);
    let mut files = Vec::new();
    for path in &config.eval_logs {
        if path.is_dir() {
            files.extend(logs_in(path));
        } else if path.is_file() {
            files.push(path.clone());
        } else if *path != default {
            diags.warning_at(
                &Location {
                    file: shown(config, path),
                    ..Location::default()
                },
                None,
                "[evals] logs: no such file or folder",
            );
        }
    }
    read_files_cached(config, &files, diags, cache)
}

/// Reads the given log files.
pub fn read_files(config: &Config, files: &[PathBuf], diags: &mut Diagnostics) -> Results {
    read_files_cached(config, files, diags, None)
}

fn read_files_cached(
    config: &Config,
    files: &[PathBuf],
    diags: &mut Diagnostics,
    mut cache: Option<&mut LogCache>,
) -> Results {
    let mut runs = Vec::new();
    if let Some(cache) = cache.as_deref_mut() {
        cache.logs.retain(|p, _| files.contains(p));
    }
    for path in files {
        let file = shown(config, path);
        let read = match cache.as_deref_mut() {
            Some(cache) => cache.read(path),
            None => log::read(path),
        };
        match read {
            Ok(logged) => runs.push(run_of(file, logged)),
            Err(why) => diags.warning_at(
                &Location {
                    file,
                    ..Location::default()
                },
                None,
                format!("eval log not read: {why}"),
            ),
        }
    }
    runs.sort_by(|a, b| a.created.cmp(&b.created).then(a.log.cmp(&b.log)));
    Results { runs }
}

/// The `.eval` and `.json` files under `dir`, sorted by path.
pub fn logs_in(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "eval" || e == "json"))
        .collect();
    out.sort();
    out
}

fn shown(config: &Config, path: &Path) -> String {
    path.strip_prefix(&config.root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

fn run_of(file: String, logged: log::LoggedRun) -> Run {
    // The primary scorer: the log's first, else the first a sample names.
    let scorer = logged.scorers.first().cloned().or_else(|| {
        logged.samples.iter().find_map(|s| {
            s.scores.first().map(|(name, _)| log::LoggedScorer {
                name: name.clone(),
                scale: None,
            })
        })
    });
    let samples = logged
        .samples
        .into_iter()
        .map(|s| {
            let value = scorer.as_ref().and_then(|sc| {
                s.scores
                    .iter()
                    .find(|(name, _)| *name == sc.name)
                    .and_then(|(_, v)| to_float(v, sc.scale))
            });
            Sample {
                id: s.id,
                epoch: s.epoch,
                rule_id: s.rule_id,
                value,
            }
        })
        .collect();
    Run {
        log: file,
        model: logged.model,
        task: logged.task,
        created: logged.created,
        status: logged.status,
        scorer: scorer.map(|s| s.name),
        samples,
    }
}

/// A rule's figures in one run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    /// Every sample of the rule (each epoch counts).
    pub samples: usize,
    /// Those with a value.
    pub scored: usize,
    pub sum: f64,
    /// Ids of the samples scored below 1, in log order.
    pub failing: Vec<String>,
}

impl Figures {
    /// The mean of the scored values; `None` when none was scored.
    pub fn score(&self) -> Option<f64> {
        (self.scored > 0).then(|| self.sum / self.scored as f64)
    }

    pub fn add(&mut self, other: &Figures) {
        self.samples += other.samples;
        self.scored += other.scored;
        self.sum += other.sum;
    }
}

/// One run joined with the spec.
#[derive(Debug, Clone, PartialEq)]
pub struct RunFigures {
    pub run: Run,
    /// Per section (index into `Spec::sections`): its own samples.
    pub own: Vec<Figures>,
    /// Per section: its own samples and its sub-rules'.
    pub rolled: Vec<Figures>,
    /// Rule ids the log names that the spec lacks, with their figures.
    pub unknown: Vec<(String, Figures)>,
    /// Samples matched to no rule (no `rule_id`, an id not exported).
    pub unmatched: usize,
}

/// Every run joined with the spec, oldest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Compliance {
    pub runs: Vec<RunFigures>,
}

impl Compliance {
    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }

    /// The models in order of their first run.
    pub fn models(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for r in &self.runs {
            if !out.contains(&r.run.model.as_str()) {
                out.push(&r.run.model);
            }
        }
        out
    }

    /// Each model's latest run that scored section `i` (rolled up), with
    /// its figures.
    pub fn latest(&self, i: usize) -> Vec<(&RunFigures, &Figures)> {
        self.models()
            .into_iter()
            .filter_map(|model| {
                self.runs
                    .iter()
                    .rev()
                    .filter(|r| r.run.model == model)
                    .find(|r| r.rolled[i].samples > 0)
                    .map(|r| (r, &r.rolled[i]))
            })
            .collect()
    }
}

/// Joins `results` with the spec: each sample to the rule of its
/// `metadata.rule_id`, else to the rule of the case it was exported from
/// (its id). Rules the spec lacks are warned about, per log.
pub fn join(
    config: &Config,
    spec: &Spec,
    results: &Results,
    diags: &mut Diagnostics,
) -> Compliance {
    if results.runs.is_empty() {
        return Compliance::default();
    }
    let set = EvalSet::new(config, spec);
    let by_case: HashMap<&str, usize> = set.cases.iter().map(|c| (c.id.as_str(), c.rule)).collect();
    let n = spec.sections.len();
    let mut runs = Vec::new();
    for run in &results.runs {
        let mut own = vec![Figures::default(); n];
        let mut unknown: Vec<(String, Figures)> = Vec::new();
        let mut unmatched = 0;
        for s in &run.samples {
            let figures = match &s.rule_id {
                Some(id) => match spec.section_index.get(id.as_str()) {
                    Some(&i) => &mut own[i],
                    None => {
                        let at = match unknown.iter().position(|(u, _)| u == id) {
                            Some(at) => at,
                            None => {
                                unknown.push((id.clone(), Figures::default()));
                                unknown.len() - 1
                            }
                        };
                        &mut unknown[at].1
                    }
                },
                None => match by_case.get(s.id.as_str()) {
                    Some(&i) => &mut own[i],
                    None => {
                        unmatched += 1;
                        continue;
                    }
                },
            };
            figures.samples += 1;
            if let Some(v) = s.value {
                figures.scored += 1;
                figures.sum += v;
                if v < 1.0 {
                    figures.failing.push(s.id.clone());
                }
            }
        }
        if !unknown.is_empty() {
            let ids: Vec<&str> = unknown.iter().map(|(u, _)| u.as_str()).collect();
            diags.warning_at(
                &Location {
                    file: run.log.clone(),
                    ..Location::default()
                },
                None,
                format!(
                    "eval log names {} rule(s) the spec lacks: {}",
                    ids.len(),
                    ids.join(", ")
                ),
            );
        }
        let mut rolled = own.clone();
        for f in &mut rolled {
            f.failing.clear();
        }
        // Children come after their parents: add each section to its
        // ancestors, deepest first.
        for i in (0..n).rev() {
            if let Some(p) = spec.sections[i].parent {
                let child = rolled[i].clone();
                rolled[p].add(&child);
            }
        }
        runs.push(RunFigures {
            run: run.clone(),
            own,
            rolled,
            unknown,
            unmatched,
        });
    }
    Compliance { runs }
}

#[cfg(test)]
mod tests;
