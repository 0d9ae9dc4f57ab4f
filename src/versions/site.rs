//! What spans the releases of a versioned site: where each release lives,
//! the diff of every consecutive pair, and each rule's history. Built once
//! from the linked specs, before any output runs; every edition's outputs
//! read it (the switcher, the banner, the changes pages, the history
//! panels, `versions.json`).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::diff::{Diff, Status, diff};
use crate::model::{Spec, Verdict};
use crate::pipeline::Loaded;
use crate::site;

/// Folder of the changes pages, at the site root.
pub const CHANGES_DIR: &str = "changes";
pub const VERSIONS_JSON: &str = "versions.json";
/// The switcher's data: `versions.json` plus every release's rule ids, as a
/// script (a `<script src>` loads from disk too, where `fetch` is refused).
pub const VERSIONS_JS: &str = "versions.js";

/// One release of the site (`versions` in `versions.json`).
#[derive(Debug, Clone, Serialize)]
pub struct VersionEntry {
    pub name: String,
    /// Its folder relative to the site root: `./` for the current
    /// release, `<name>/` for the others.
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

/// One changes page (`changes` in `versions.json`): from the older release
/// to the newer.
#[derive(Debug, Clone, Serialize)]
pub struct ChangesEntry {
    pub from: String,
    pub to: String,
    pub path: String,
}

/// `versions.json`.
#[derive(Debug, Clone, Serialize)]
pub struct VersionsJson {
    pub current: String,
    pub versions: Vec<VersionEntry>,
    pub changes: Vec<ChangesEntry>,
}

/// Where a rule is in one release: its page and its parent's id.
pub type RuleMap = BTreeMap<String, (String, Option<String>)>;

/// A release as the site is built from it.
pub struct SiteRelease<'a> {
    pub name: &'a str,
    pub date: Option<String>,
    pub loaded: &'a Loaded,
}

/// A change of one rule between two consecutive releases, as its history
/// panel lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    /// Index into [`Versioned::changes`].
    pub change: usize,
    /// The rule's id in the newer release of that pair.
    pub id: String,
    pub status: Status,
}

/// Everything that spans the releases.
pub struct Versioned {
    pub json: VersionsJson,
    /// Per release (in `json.versions` order): its rules.
    pub rules: Vec<RuleMap>,
    /// Per release: its eval-prompt labels.
    pub evals: Vec<Vec<String>>,
    /// `diffs[k]` compares release `k + 1` (older) with release `k`, and is
    /// drawn on the page `json.changes[k]`.
    pub diffs: Vec<Diff>,
    /// Per diff: the changed examples whose verdicts flipped, by example
    /// id: `message 3: compliant → violation`.
    pub flips: Vec<HashMap<String, Vec<Flip>>>,
}

impl Versioned {
    /// `releases`: the current release first, then the others newest
    /// first (as `[versions]` lists them).
    pub fn new(releases: &[SiteRelease<'_>]) -> Self {
        let versions = releases
            .iter()
            .enumerate()
            .map(|(k, r)| VersionEntry {
                name: r.name.to_owned(),
                path: if k == 0 {
                    "./".to_owned()
                } else {
                    format!("{}/", r.name)
                },
                date: r.date.clone(),
            })
            .collect();
        let pairs: Vec<(&SiteRelease<'_>, &SiteRelease<'_>)> =
            releases.windows(2).map(|w| (&w[1], &w[0])).collect();
        let diffs: Vec<Diff> = pairs
            .iter()
            .map(|(old, new)| diff(old.loaded, old.name, new.loaded, new.name))
            .collect();
        let flips = pairs
            .iter()
            .zip(&diffs)
            .map(|((old, new), d)| verdict_flips(&old.loaded.spec, &new.loaded.spec, d))
            .collect();
        let changes = pairs
            .iter()
            .map(|(old, new)| ChangesEntry {
                from: old.name.to_owned(),
                to: new.name.to_owned(),
                path: changes_page(old.name, new.name),
            })
            .collect();
        Versioned {
            json: VersionsJson {
                current: releases.first().map_or("", |r| r.name).to_owned(),
                versions,
                changes,
            },
            rules: releases.iter().map(|r| rule_map(&r.loaded.spec)).collect(),
            evals: releases
                .iter()
                .map(|r| r.loaded.spec.evals.iter().map(|e| e.id.clone()).collect())
                .collect(),
            diffs,
            flips,
        }
    }

    /// The releases in which rule `id` of release `version` changed,
    /// newest first: it is followed back through renames, and the walk
    /// stops where it was added.
    pub fn history(&self, version: usize, id: &str) -> Vec<HistoryEntry> {
        let mut out = Vec::new();
        let mut id = id.to_owned();
        for (k, d) in self.diffs.iter().enumerate().skip(version) {
            let Some(r) = d.rule(&id).filter(|r| r.status != Status::Removed) else {
                continue;
            };
            out.push(HistoryEntry {
                change: k,
                id: id.clone(),
                status: r.status,
            });
            match r.status {
                Status::Added => break,
                Status::Renamed => {
                    if let Some(from) = &r.from_id {
                        id = from.clone();
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// Every rule of release `version` that changed, with its history.
    pub fn history_map(&self, version: usize) -> HashMap<String, Vec<HistoryEntry>> {
        self.rules[version]
            .keys()
            .filter_map(|id| {
                let h = self.history(version, id);
                (!h.is_empty()).then(|| (id.clone(), h))
            })
            .collect()
    }

    pub fn versions_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(&self.json).expect("versions serialise");
        s.push('\n');
        s
    }

    /// `versions.js`: `versions.json` and, per release, `rules`: rule id →
    /// `[page, parent id]`, for the switcher to find the same rule (or its
    /// nearest surviving parent) in another release, and `evals`: its
    /// eval-prompt labels.
    pub fn versions_js(&self) -> String {
        #[derive(Serialize)]
        struct Data<'a> {
            #[serde(flatten)]
            json: &'a VersionsJson,
            rules: BTreeMap<&'a str, &'a RuleMap>,
            evals: BTreeMap<&'a str, &'a Vec<String>>,
        }
        let data = Data {
            json: &self.json,
            rules: self
                .json
                .versions
                .iter()
                .zip(&self.rules)
                .map(|(v, r)| (v.name.as_str(), r))
                .collect(),
            evals: self
                .json
                .versions
                .iter()
                .zip(&self.evals)
                .map(|(v, e)| (v.name.as_str(), e))
                .collect(),
        };
        format!(
            "/* Generated by specbook: the releases of this site and their rule ids, read by the version switcher. */\nwindow.SPECBOOK_VERSIONS={};\n",
            serde_json::to_string(&data).expect("versions serialise")
        )
    }
}

/// A message of an example judged differently in two releases (the
/// pages say it in their language).
#[derive(Debug, Clone, Copy)]
pub struct Flip {
    /// 1 for the first message.
    pub message: usize,
    pub from: Option<Verdict>,
    pub to: Option<Verdict>,
}

/// The changed examples of `d` whose judged messages changed verdict:
/// the same messages in both releases, one or more judged differently.
fn verdict_flips(old: &Spec, new: &Spec, d: &Diff) -> HashMap<String, Vec<Flip>> {
    let find = |spec: &Spec, id: &str| spec.examples().find(|e| e.id == id).cloned();
    d.rules
        .iter()
        .filter_map(|r| r.examples.as_ref())
        .flat_map(|e| &e.changed)
        .filter_map(|id| {
            let (a, b) = (find(old, id)?, find(new, id)?);
            if a.messages.len() != b.messages.len() {
                return None;
            }
            let flipped: Vec<Flip> = a
                .messages
                .iter()
                .zip(&b.messages)
                .enumerate()
                .filter(|(_, (x, y))| {
                    x.verdict != y.verdict && (x.verdict.is_some() || y.verdict.is_some())
                })
                .map(|(i, (x, y))| Flip {
                    message: i + 1,
                    from: x.verdict,
                    to: y.verdict,
                })
                .collect();
            (!flipped.is_empty()).then(|| (id.clone(), flipped))
        })
        .collect()
}

/// `changes/FROM...TO.html`.
pub fn changes_page(from: &str, to: &str) -> String {
    format!("{CHANGES_DIR}/{from}...{to}.html")
}

fn rule_map(spec: &Spec) -> RuleMap {
    spec.sections
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let parent = s.parent.map(|p| spec.sections[p].id.clone());
            (s.id.clone(), (site::section_page(spec, i), parent))
        })
        .collect()
}

/// Where an edition sits in a versioned site.
#[derive(Clone, Copy)]
pub struct Place<'a> {
    pub site: &'a Versioned,
    /// Index into `site.json.versions` (0: the current release).
    pub index: usize,
}

impl std::fmt::Debug for Place<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Place({})", self.index)
    }
}

impl Place<'_> {
    pub fn is_current(&self) -> bool {
        self.index == 0
    }

    /// From this release's root to the site root.
    pub fn to_site_root(&self) -> &'static str {
        if self.is_current() { "" } else { "../" }
    }
}
