//! What pages show of a site in several languages: the language switcher
//! and `hreflang` alternates (every page), the marks on units a
//! translation lacks or has let go stale, and the translation status page.

use anyhow::Result;
use bytes::Bytes;
use serde::Serialize;

use super::context::PageKind;
use super::markdown::escape;
use super::renderer::SiteRenderer;
use crate::i18n::site::LanguagePlace;
use crate::model::Tr;

/// The translation status page of every language's site.
pub const STATUS_PAGE: &str = "translation.html";

/// The language switcher: every language, each linking to the same page.
#[derive(Debug, Clone, Serialize)]
pub struct LanguagesCtx {
    /// This edition's language code and name.
    pub here: String,
    pub here_name: String,
    /// The switcher's label, and the status page's, in this language.
    pub label: String,
    pub status_label: String,
    /// The site root's URL (`site-url`), for absolute alternates.
    pub root_url: Option<String>,
    pub list: Vec<LanguageLinkCtx>,
    /// This language's status page, from its root.
    pub status_href: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LanguageLinkCtx {
    pub code: String,
    pub name: String,
    /// From this language's root to that language's root: a page's
    /// counterpart is `{{ base }}{{ root }}{{ page.path }}`.
    pub root: String,
    /// That language's root from the site root (for absolute URLs).
    pub prefix: String,
    pub here: bool,
    pub source: bool,
}

pub(super) fn languages_ctx(
    place: &LanguagePlace<'_>,
    root_url: Option<&str>,
    strings: &super::strings::Strings,
) -> LanguagesCtx {
    let here = place.language();
    LanguagesCtx {
        root_url: root_url.map(str::to_owned),
        label: strings.get("language_switcher_label").to_owned(),
        status_label: strings.get("tr_footer_link").to_owned(),
        here: here.code.clone(),
        here_name: here.name.clone(),
        list: place
            .site
            .list
            .iter()
            .enumerate()
            .map(|(k, l)| LanguageLinkCtx {
                code: l.code.clone(),
                name: l.name.clone(),
                root: if k == place.index {
                    String::new()
                } else {
                    format!("{}{}", place.to_site_root(), place.site.prefix(k))
                },
                prefix: place.site.prefix(k),
                here: k == place.index,
                source: k == 0,
            })
            .collect(),
        status_href: STATUS_PAGE.to_owned(),
    }
}

/// A heading whose title is not translated from the current source: its
/// class (`tr-untranslated`, `tr-stale`), the note (a tooltip) and, for a
/// title in the source language, that language.
#[derive(Debug, Clone, Serialize)]
pub struct TitleMark {
    pub class: &'static str,
    pub note: String,
    pub lang: Option<String>,
}

/// The words of the status page, in the edition's language.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StatusLabels {
    pub intro: String,
    pub first_column: String,
    pub translated: String,
    pub stale: String,
    pub untranslated: String,
}

/// One row of the status page.
#[derive(Debug, Clone, Serialize)]
pub struct StatusRowCtx {
    pub title: String,
    /// The section's page in this language (empty for the rows that are
    /// not a section: the introduction, eval prompts).
    pub href: String,
    pub units: usize,
    pub translated: usize,
    pub stale: usize,
    pub untranslated: usize,
    /// Translated and current, in whole percent (rounded down, so 100
    /// means done).
    pub percent: u32,
}

/// `translation.html`: in a translation's site, its rows per top-level
/// section, worst first; in the source language's site, one row per
/// translation, linking to its own page.
#[derive(Debug, Clone, Serialize)]
pub struct StatusCtx {
    pub is_source: bool,
    pub labels: StatusLabels,
    pub total: StatusRowCtx,
    pub rows: Vec<StatusRowCtx>,
}

fn row(title: String, href: String, units: usize, translated: usize, stale: usize) -> StatusRowCtx {
    StatusRowCtx {
        title,
        href,
        units,
        translated,
        stale,
        untranslated: units - translated - stale,
        percent: (100 * translated)
            .checked_div(units)
            .map_or(100, |p| p as u32),
    }
}

impl SiteRenderer<'_> {
    /// `translation.html` (sites in several languages only).
    pub(super) fn status_page(&self) -> Result<(String, Bytes)> {
        let Some(place) = self.languages else {
            anyhow::bail!("a translation status page for a site of one language");
        };
        let sum = |rows: &[crate::i18n::status::SectionStatus]| {
            rows.iter().fold((0, 0, 0), |(u, t, s), r| {
                (u + r.units, t + r.translated, s + r.stale)
            })
        };
        let status = if place.is_source() {
            let rows: Vec<StatusRowCtx> = (1..place.site.list.len())
                .map(|k| {
                    let (u, t, s) = sum(&place.site.status[k]);
                    let l = &place.site.list[k];
                    let href = format!("{}{STATUS_PAGE}", place.site.prefix(k));
                    row(l.name.clone(), href, u, t, s)
                })
                .collect();
            let (u, t, s) = rows.iter().fold((0, 0, 0), |(u, t, s), r| {
                (u + r.units, t + r.translated, s + r.stale)
            });
            StatusCtx {
                labels: StatusLabels::default(),
                is_source: true,
                total: row(String::new(), String::new(), u, t, s),
                rows,
            }
        } else {
            let rows = &place.site.status[place.index];
            let (u, t, s) = sum(rows);
            StatusCtx {
                labels: StatusLabels::default(),
                is_source: false,
                total: row(String::new(), String::new(), u, t, s),
                rows: rows
                    .iter()
                    .map(|r| {
                        let href = self
                            .spec
                            .section_index
                            .get(&r.id)
                            .map(|&i| crate::site::section_href(self.spec, i))
                            .unwrap_or_default();
                        // The rows that are not sections are named here, in
                        // this edition's language.
                        let title = match r.id.as_str() {
                            crate::i18n::status::EVALS_ROW => self.ui("tr_row_evals"),
                            crate::i18n::status::PREAMBLE_ROW => self.ui("tr_row_intro"),
                            _ => r.title.clone(),
                        };
                        row(title, href, r.units, r.translated, r.stale)
                    })
                    .collect(),
            }
        };
        let labels = StatusLabels {
            intro: self.ui(if place.is_source() {
                "tr_status_intro_source"
            } else {
                "tr_status_intro"
            }),
            first_column: self.ui(if place.is_source() {
                "tr_col_language"
            } else {
                "tr_col_section"
            }),
            translated: self.ui("tr_col_translated"),
            stale: self.ui("tr_col_stale"),
            untranslated: self.ui("tr_col_untranslated"),
        };
        let status = StatusCtx { labels, ..status };
        let title = self.ui("tr_status_title");
        let mut c = self.page_ctx(PageKind::Translation, &title, STATUS_PAGE, "");
        c.translation = Some(status);
        self.finish_page("translation.html", STATUS_PAGE.to_owned(), c)
    }

    /// `html` of a unit, marked as its translation stands: a unit shown
    /// in the source language carries that language's `lang` and a note;
    /// a stale one, a note linking to the current source text of its rule
    /// (`target`: a page and anchor from a language's root; `base`: from
    /// this page to this language's root).
    pub(super) fn mark_block(&self, tr: Tr, html: String, base: &str, target: &str) -> String {
        let Some(place) = self.languages else {
            return html;
        };
        match tr {
            Tr::Source | Tr::Translated => html,
            Tr::Untranslated => format!(
                "<div class=\"tr-unit tr-untranslated\"><div lang=\"{}\"{}>{html}</div><p class=\"tr-note\">{}</p></div>",
                escape(&place.site.list[0].code),
                dir_attr(place),
                escape(&self.ui("tr_untranslated")),
            ),
            Tr::Stale => format!(
                "<div class=\"tr-unit tr-stale\">{html}<p class=\"tr-note\">{} — <a href=\"{}\" hreflang=\"{}\">{}</a></p></div>",
                escape(&self.ui("tr_stale")),
                escape(&self.source_href(base, target)),
                escape(&place.site.list[0].code),
                escape(
                    &self
                        .ui("tr_stale_link")
                        .replace("{language}", &place.site.list[0].name)
                ),
            ),
        }
    }

    /// The mark of a heading's title (see [`TitleMark`]).
    pub(super) fn title_mark(&self, tr: Tr) -> Option<TitleMark> {
        let place = self.languages?;
        match tr {
            Tr::Source | Tr::Translated => None,
            Tr::Untranslated => Some(TitleMark {
                class: "tr-untranslated",
                note: self.ui("tr_untranslated"),
                lang: Some(place.site.list[0].code.clone()),
            }),
            Tr::Stale => Some(TitleMark {
                class: "tr-stale",
                note: self.ui("tr_stale"),
                lang: None,
            }),
        }
    }

    /// A message's body, marked as [`mark_block`](Self::mark_block) marks
    /// it, but an untranslated one without a note: the example says it
    /// once for all its messages (`ExampleCtx::tr_note`).
    pub(super) fn mark_message(&self, tr: Tr, html: String, base: &str, target: &str) -> String {
        match (self.languages, tr) {
            (Some(place), Tr::Untranslated) => format!(
                "<div class=\"tr-unit tr-untranslated\" title=\"{}\"><div lang=\"{}\"{}>{html}</div></div>",
                escape(&self.ui("tr_untranslated")),
                escape(&place.site.list[0].code),
                dir_attr(place),
            ),
            _ => self.mark_block(tr, html, base, target),
        }
    }

    /// Inline `html` (a title, a verdict note) marked as its translation
    /// stands: the marks are attributes, the notes a tooltip.
    pub(super) fn mark_inline(&self, tr: Tr, html: String) -> String {
        let Some(place) = self.languages else {
            return html;
        };
        match tr {
            Tr::Source | Tr::Translated => html,
            Tr::Untranslated => format!(
                "<span class=\"tr-untranslated\" lang=\"{}\"{} title=\"{}\">{html}</span>",
                escape(&place.site.list[0].code),
                dir_attr(place),
                escape(&self.ui("tr_untranslated")),
            ),
            Tr::Stale => format!(
                "<span class=\"tr-stale\" title=\"{}\">{html}</span>",
                escape(&self.ui("tr_stale")),
            ),
        }
    }

    /// Where example `ex` is, from a language's root: its rule's page, or
    /// its eval prompt file's.
    pub(super) fn example_target(&self, ex: &crate::model::Example) -> String {
        if self.languages.is_none() {
            return String::new();
        }
        if self.spec.section_index.contains_key(&ex.section) {
            return crate::site::example_href(self.spec, &ex.section, &ex.id);
        }
        self.spec
            .evals
            .iter()
            .find(|e| e.examples.iter().any(|x| x.id == ex.id))
            .map(|e| format!("{}#{}", crate::site::eval_page(&e.id), ex.id))
            .unwrap_or_default()
    }

    /// `target` in the source language, from this page.
    fn source_href(&self, base: &str, target: &str) -> String {
        let to_root = self.languages.map_or("", |p| p.to_site_root());
        format!("{base}{to_root}{target}")
    }

    /// An interface string of this edition's language.
    pub(super) fn ui(&self, key: &str) -> String {
        self.strings.get(key).to_owned()
    }
}

/// ` dir="…"` when the source language's direction differs from this
/// edition's.
fn dir_attr(place: LanguagePlace<'_>) -> String {
    let (source, here) = (place.site.list[0].dir, place.language().dir);
    if source == here {
        String::new()
    } else {
        format!(" dir=\"{source}\"")
    }
}
