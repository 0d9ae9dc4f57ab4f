//! Typed, serialisable template contexts: what each page template sees.
//! Documented for theme authors in templates/README.md.

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct SiteCtx {
    pub title: String,
    /// The release shown beside the title (`[versions] current`, or the
    /// date of the spec file's last commit in a Model-Spec repository).
    pub release: Option<String>,
    pub description: String,
    pub language: String,
    /// The writing direction of `language`: `ltr` or `rtl` (`<html dir>`).
    pub dir: &'static str,
    pub authors: Vec<String>,
    pub repo_url: Option<String>,
    pub site_url: Option<String>,
}

/// Which kind of page a template renders (`page.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PageKind {
    Home,
    Chapter,
    Single,
    Eval,
    NotFound,
    Examples,
    Compliance,
    /// `changes/`: what changed between releases (versioned sites).
    Changes,
    /// `translation.html`: how far the translations have come.
    Translation,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageCtx {
    pub kind: PageKind,
    pub title: String,
    pub path: String,
    pub canonical: Option<String>,
    pub description: String,
    /// Id of the chapter this page shows (chapter pages), for the sidebar.
    pub chapter: Option<String>,
    /// An older release's page: the same page in the current release,
    /// relative to this release's root (the banner's link).
    pub current_href: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Aggregated {
    pub label: String,
    /// CSS classes of the badge (`auth-root auth-rank-0`).
    pub class: String,
    pub extra: usize,
    pub title: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TocItem {
    pub id: String,
    pub title: String,
    pub level: u8,
    pub href: String,
    /// The `authority=` value as written.
    pub authority: Option<String>,
    pub authority_label: Option<String>,
    /// CSS classes of the badge (`auth-root auth-rank-0`; `auth-unknown`).
    pub authority_class: Option<String>,
    pub aggregated: Option<Aggregated>,
    pub u18: bool,
    pub current: bool,
    pub children: Vec<TocItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub href: String,
    pub title: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RefBy {
    pub href: String,
    pub title: String,
    pub kind: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionCtx {
    pub id: String,
    pub title: String,
    /// In a translation: how the title stands when it is not translated
    /// from the current source.
    pub title_mark: Option<super::languages::TitleMark>,
    pub level: u8,
    /// The `authority=` value as written.
    pub authority: Option<String>,
    pub authority_label: Option<String>,
    /// CSS classes of the badge (`auth-root auth-rank-0`; `auth-unknown`).
    pub authority_class: Option<String>,
    pub u18: bool,
    pub aggregated: Option<Aggregated>,
    pub edit_url: Option<String>,
    /// "Give feedback" on this rule (`feedback-url-template`, filled in).
    pub feedback_url: Option<String>,
    pub blocks: Vec<BlockCtx>,
    pub referenced_by: Vec<RefBy>,
    /// The rule's latest eval scores and its eval downloads.
    pub evals: Option<super::compliance::RuleEvalsCtx>,
    /// A versioned site: the releases in which this rule changed.
    pub history: Vec<super::versions::HistoryCtx>,
}

/// A section as chapter and single pages see it: rendered by
/// `section.html`, with what a template needs to list or link it.
#[derive(Debug, Clone, Serialize)]
pub struct SectionHtml {
    pub id: String,
    pub title: String,
    pub level: u8,
    pub html: String,
    /// Under `serve`: the version of the cached section `html` came from;
    /// a page's cache key holds it instead of the HTML (never seen by
    /// templates: zero when they render).
    #[serde(skip_serializing_if = "is_zero")]
    pub version: u64,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BlockCtx {
    Html { html: String },
    Commentary { html: String },
    Example { example: ExampleCtx },
}

#[derive(Debug, Clone, Serialize)]
pub struct ExampleCtx {
    pub id: String,
    /// Whether the kicker links to the example itself. The single page
    /// (read or printed in one go) leaves these links out, as it leaves
    /// out backlinks: on the real spec they weigh 1.5 KB of gzip there,
    /// and app.js's copy-link button offers the same link.
    pub self_link: bool,
    pub title_html: String,
    pub u18: bool,
    pub items: Vec<ItemCtx>,
    /// In a translation whose example has messages shown in the source
    /// language: the one note saying so (each such message is marked
    /// without a note of its own).
    pub tr_note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ItemCtx {
    Message {
        message: MessageCtx,
    },
    Comparison {
        vertical: bool,
        messages: Vec<MessageCtx>,
    },
    Elision,
}

#[derive(Debug, Clone, Serialize)]
pub struct Attr {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MessageCtx {
    pub role: String,
    pub role_label: String,
    pub attrs: Vec<Attr>,
    pub verdict: Option<&'static str>,
    pub verdict_label: Option<String>,
    pub body_html: String,
    pub comment_html: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChapterCtx {
    pub id: String,
    pub title: String,
    pub href: String,
    pub prev: Option<Link>,
    pub next: Option<Link>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvalCtx {
    pub id: String,
    pub file: String,
    pub title: String,
    pub cited_by: Vec<Link>,
    pub examples: Vec<ExampleCtx>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HomeCtx {
    pub intro_html: Option<String>,
    /// The spec's authority levels, highest first, for the legend.
    pub levels: Vec<LevelCtx>,
    /// Each top-level section's latest eval score per model.
    pub scores: Vec<super::compliance::SectionScoresCtx>,
}

/// An authority level as a badge shows it.
#[derive(Debug, Clone, Serialize)]
pub struct LevelCtx {
    pub label: String,
    /// CSS classes of its badge (`auth-root auth-rank-0`).
    pub class: String,
}

/// Everything any page template may read; page-specific parts are `None`
/// on other pages.
#[derive(Debug, Clone, Serialize)]
pub struct PageContext<'a> {
    pub site: &'a SiteCtx,
    /// The interface strings of the site's language (`strings.rs`).
    /// Given to templates as `t` by `render_ctx`, and to cache keys by
    /// fingerprint: serialised in full, they would be most of every key.
    #[serde(skip)]
    pub t: &'a super::strings::Strings,
    pub base: &'a str,
    pub page: PageCtx,
    pub live_reload: Option<&'a str>,
    pub chapters: &'a [Link],
    /// Full table of contents (home page only; other pages load it from
    /// `static/toc.js` so page size does not grow with the spec).
    pub toc: Option<&'a [TocItem]>,
    pub home: Option<HomeCtx>,
    pub chapter: Option<ChapterCtx>,
    pub sections: Option<Vec<SectionHtml>>,
    pub eval: Option<EvalCtx>,
    /// `compliance.html`: eval results and coverage.
    pub compliance: Option<super::compliance::ComplianceCtx>,
    /// The theme's `style.css`, inlined (404.html only).
    pub inline_css: Option<String>,
    /// A versioned site: the release switcher and, on older releases, the
    /// banner.
    pub versions: Option<&'a super::versions::VersionsCtx>,
    /// A site in several languages: the language switcher.
    pub languages: Option<&'a super::languages::LanguagesCtx>,
    /// `translation.html`.
    pub translation: Option<super::languages::StatusCtx>,
    /// A changes page.
    pub changes: Option<super::versions::ChangesCtx>,
    /// `changes/index.html`.
    pub changes_index: Option<Vec<super::versions::ChangesIndexEntry>>,
}
