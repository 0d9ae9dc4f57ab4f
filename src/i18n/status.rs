//! How far a translation has come: per top-level section of the spec, the
//! share of its units translated, stale (fuzzy: the source changed since)
//! and untranslated, worst first. `specbook i18n status` prints it; the
//! per-language status page will draw the same figures.

use std::collections::HashMap;

use super::Unit;
use super::po::PoEntry;
use super::translate::{entries, state};
use crate::model::{Spec, Tr};

/// The id of the row of eval-prompt units, and of the preamble's.
pub const EVALS_ROW: &str = "evals";
pub const PREAMBLE_ROW: &str = "_preamble";

/// One top-level section's units in one catalog.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SectionStatus {
    pub id: String,
    pub title: String,
    pub units: usize,
    pub translated: usize,
    pub stale: usize,
}

impl SectionStatus {
    pub fn untranslated(&self) -> usize {
        self.units - self.translated - self.stale
    }

    /// Translated and current, in percent.
    pub fn percent(&self) -> f64 {
        if self.units == 0 {
            100.0
        } else {
            100.0 * self.translated as f64 / self.units as f64
        }
    }
}

/// The status of `catalog` against `units` (of `spec`), per top-level
/// section (the preamble and eval prompts as their own rows), worst first.
/// A unit counts as translated only when its entry has the same source
/// text and is not fuzzy: a catalog not yet updated shows as stale.
pub fn status(spec: &Spec, units: &[Unit], catalog: &[PoEntry]) -> Vec<SectionStatus> {
    let entries = entries(catalog);
    let mut rows: Vec<SectionStatus> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for u in units {
        let rule = u.context.split('/').next().unwrap_or_default();
        let (key, title) = if rule == EVALS_ROW {
            (EVALS_ROW.to_owned(), "Eval prompts".to_owned())
        } else if rule == PREAMBLE_ROW {
            (PREAMBLE_ROW.to_owned(), "Introduction".to_owned())
        } else {
            match spec.section_index.get(rule) {
                Some(&i) => {
                    let c = &spec.sections[spec.chapter_of(i)];
                    (c.id.clone(), c.title.clone())
                }
                None => continue,
            }
        };
        let at = *index.entry(key.clone()).or_insert_with(|| {
            rows.push(SectionStatus {
                id: key,
                title,
                ..Default::default()
            });
            rows.len() - 1
        });
        let row = &mut rows[at];
        row.units += 1;
        match state(entries.get(u.context.as_str()), &u.text) {
            Tr::Translated => row.translated += 1,
            Tr::Stale => row.stale += 1,
            Tr::Untranslated | Tr::Source => {}
        }
    }
    rows.sort_by(|a, b| {
        a.percent()
            .total_cmp(&b.percent())
            .then(b.stale.cmp(&a.stale))
            .then(a.id.cmp(&b.id))
    });
    rows
}
