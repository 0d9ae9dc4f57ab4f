//! A site in several languages: the source language at the root, each
//! translation (`[languages.<code>]`) under `<code>/`, made from the
//! catalog `po/<code>.po` by [`translate`](super::translate::translate).
//! Page paths and anchors are the same in every language, so a page's
//! counterpart in another language is the same path under another prefix.

use super::catalog::PO_DIR;
use super::po::{PoEntry, read_po};
use super::status::SectionStatus;
use crate::config::{Config, Language};
use crate::diag::{Diagnostics, Location};
use crate::model::{SourceFile, Spec};

/// A translation's catalog, as read at load time.
#[derive(Debug, Clone)]
pub struct LanguageCatalog {
    pub language: Language,
    /// Its entries; `None` when there is no such file yet (every unit
    /// untranslated) or it is not well-formed (an error `check` reports:
    /// see `i18n::lint`).
    pub entries: Option<Vec<PoEntry>>,
}

/// The catalog of every configured translation, from the project's
/// catalogs as loaded (`Sources::catalogs`: files, or an editor's
/// buffers). A catalog that does not exist yet is a warning (its site
/// shows the source text).
pub fn read_catalogs(
    config: &Config,
    catalogs: &[SourceFile],
    diags: &mut Diagnostics,
) -> Vec<LanguageCatalog> {
    config
        .languages
        .iter()
        .map(|language| {
            let path = format!("{PO_DIR}/{}.po", language.code);
            let found = catalogs.iter().find(|c| c.path == path);
            if found.is_none() {
                diags.warning_at(
                    &Location {
                        file: path.clone(),
                        line: 0,
                        col: 0,
                    },
                    None,
                    format!(
                        "no catalog for `{}`: its pages show the source text (start one: `specbook i18n extract`, then `msginit -l {} -i po/messages.pot -o {path}`)",
                        language.code, language.code
                    ),
                );
            }
            LanguageCatalog {
                language: language.clone(),
                entries: found.and_then(|c| read_po(&c.text).ok()),
            }
        })
        .collect()
}

/// One translation of the spec, ready for the outputs.
#[derive(Debug)]
pub struct Translation {
    pub spec: Spec,
    /// Per top-level section, how far the translation has come.
    pub status: Vec<SectionStatus>,
}

/// Every language of a site, the source first, and how far each
/// translation has come.
#[derive(Debug)]
pub struct Languages {
    /// The source language, then the translations in `book.toml` order.
    pub list: Vec<Language>,
    /// Per entry of `list` (empty for the source).
    pub status: Vec<Vec<SectionStatus>>,
}

impl Languages {
    pub fn new(source: &Language, translations: &[(&Language, &Translation)]) -> Self {
        let mut list = vec![source.clone()];
        let mut status = vec![Vec::new()];
        for (l, t) in translations {
            list.push((*l).clone());
            status.push(t.status.clone());
        }
        Languages { list, status }
    }

    /// Where language `k`'s site is, from the site root: `""` for the
    /// source, else `<code>/`.
    pub fn prefix(&self, k: usize) -> String {
        if k == 0 {
            String::new()
        } else {
            format!("{}/", self.list[k].code)
        }
    }
}

/// Where an edition sits in a site of several languages.
#[derive(Clone, Copy)]
pub struct LanguagePlace<'a> {
    pub site: &'a Languages,
    /// Index into `site.list` (0: the source language).
    pub index: usize,
}

impl std::fmt::Debug for LanguagePlace<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LanguagePlace({})", self.index)
    }
}

impl LanguagePlace<'_> {
    pub fn language(&self) -> &Language {
        &self.site.list[self.index]
    }

    pub fn is_source(&self) -> bool {
        self.index == 0
    }

    /// From this language's root to the site root.
    pub fn to_site_root(&self) -> &'static str {
        if self.is_source() { "" } else { "../" }
    }
}
