//! Sections as pages show them: the table of contents, each section's
//! context (blocks, badges, backlinks) and its HTML from `section.html`.

use anyhow::{Context as _, Result};
use rayon::prelude::*;

use super::context::{Aggregated, BlockCtx, RefBy, SectionCtx, SectionHtml, TocItem};
use super::markdown::{LinkMode, Linker, render_prose};
use super::renderer::SiteRenderer;
use super::typography::plain_title;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::authority;
use crate::model::{Authority, Block};
use crate::site;

/// Renders one section; chapter and single pages assemble them.
const SECTION_TEMPLATE: &str = "section.html";

impl SiteRenderer<'_> {
    pub(super) fn toc_item(&self, i: usize) -> TocItem {
        let s = &self.spec.sections[i];
        TocItem {
            id: s.id.clone(),
            title: s.title.clone(),
            level: s.level,
            href: site::section_href(self.spec, i),
            authority: s.authority_written().map(str::to_owned),
            authority_label: s.authority.as_ref().map(Authority::label),
            authority_class: s.authority.as_ref().map(|a| self.authority_class(a)),
            aggregated: self.aggregated(i),
            u18: s.is_under_18(),
            current: false,
            children: s.children.iter().map(|&c| self.toc_item(c)).collect(),
        }
    }

    fn aggregated(&self, i: usize) -> Option<Aggregated> {
        if self.spec.sections[i].authority.is_some() {
            return None;
        }
        let (top, distinct) = self.spec.aggregated_authority(i)?;
        Some(Aggregated {
            label: top.label(),
            class: self.authority_class(top),
            extra: distinct - 1,
            title: self
                .strings
                .fill("badge_aggregated_title", &[("level", &top.label())]),
        })
    }

    /// A URL template filled in for rule `i` (`config::URL_PLACEHOLDERS`):
    /// every value URL-encoded, except `{path}` in an edit URL, which is a
    /// path of the repository.
    fn rule_url(&self, template: &str, i: usize, path: PathPart) -> String {
        let s = &self.spec.sections[i];
        let href = site::section_href(self.spec, i);
        let page_url = match &self.config.site_url {
            Some(base) => format!("{base}{href}"),
            None => href,
        };
        let encode = |v: &str| utf8_percent_encode(v, URL_VALUE).to_string();
        let file = match path {
            PathPart::AsIs => s.source.file.clone(),
            PathPart::Encoded => encode(&s.source.file),
        };
        template
            .replace("{path}", &file)
            .replace("{line}", &s.source.line.to_string())
            .replace("{id}", &encode(&s.id))
            .replace("{title}", &encode(&s.title))
            .replace(
                "{release}",
                &encode(self.spec.meta.release.as_deref().unwrap_or("")),
            )
            .replace("{url}", &encode(&page_url))
    }

    /// A badge's classes (`authority::badge_class`; `auth-unknown` for a
    /// value the scheme does not know).
    fn authority_class(&self, a: &Authority) -> String {
        match a
            .level
            .and_then(|l| Some((l, self.spec.levels.get(usize::from(l.0))?)))
        {
            Some((l, level)) => authority::badge_class(&level.name, l),
            None => "auth-unknown".to_owned(),
        }
    }

    /// The sections `ids`, each rendered on its own with `section.html`
    /// (in parallel; under `serve`, a section whose context is unchanged is
    /// not rendered again, so an edit re-renders one section of the single
    /// page, not the whole page).
    pub(super) fn sections_html(
        &self,
        ids: &[usize],
        link: &Linker<'_>,
    ) -> Result<Vec<SectionHtml>> {
        ids.par_iter()
            .map(|&i| self.section_html(i, link))
            .collect()
    }

    fn section_html(&self, i: usize, link: &Linker<'_>) -> Result<SectionHtml> {
        #[derive(serde::Serialize)]
        struct SectionPage<'s> {
            section: &'s SectionCtx,
            base: &'s str,
        }
        let s = &self.spec.sections[i];
        let section = self.section_ctx(i, link);
        let page = SectionPage {
            section: &section,
            base: link.base(),
        };
        // Cache entries are named like pages, by edition and section id.
        let name = match link.mode {
            LinkMode::Single => format!("{}#{}", site::SINGLE_PAGE, s.id),
            LinkMode::Paged { .. } => format!("{}#{}", site::section_page(self.spec, i), s.id),
        };
        // The interface strings by fingerprint: in full, they would be
        // most of the key.
        let key = self.cache_key(&(&section, page.base, self.strings.fingerprint()))?;
        let cached = self
            .cache
            .and_then(|c| c.page(&name, SECTION_TEMPLATE, &key));
        let (html, version) = match cached {
            Some((bytes, version)) => (
                String::from_utf8(bytes).context("a cached section is not UTF-8")?,
                version,
            ),
            None => {
                let html = self.render_with_strings(SECTION_TEMPLATE, &page, &name)?;
                let version = self.store_page(&name, SECTION_TEMPLATE, key, html.as_bytes());
                (html, version)
            }
        };
        Ok(SectionHtml {
            id: s.id.clone(),
            title: s.title.clone(),
            level: s.level,
            html,
            version,
        })
    }

    fn section_ctx(&self, i: usize, link: &Linker<'_>) -> SectionCtx {
        let s = &self.spec.sections[i];
        let edit_url = self
            .config
            .edit_url_template
            .as_ref()
            .map(|t| self.rule_url(t, i, PathPart::AsIs));
        let feedback_url = self
            .config
            .feedback_url_template
            .as_ref()
            .map(|t| self.rule_url(t, i, PathPart::Encoded));
        SectionCtx {
            id: s.id.clone(),
            title: s.title.clone(),
            title_mark: self.title_mark(s.title_tr),
            level: s.level,
            authority: s.authority_written().map(str::to_owned),
            authority_label: s.authority.as_ref().map(Authority::label),
            authority_class: s.authority.as_ref().map(|a| self.authority_class(a)),
            u18: s.is_under_18(),
            aggregated: self.aggregated(i),
            edit_url,
            feedback_url,
            blocks: self.blocks(&s.blocks, link, &site::section_href(self.spec, i)),
            // Backlinks help readers navigate the paged site; the single
            // page (read or printed in one go) leaves them out.
            referenced_by: match link.mode {
                LinkMode::Single => Vec::new(),
                LinkMode::Paged { .. } => self.referenced_by(&s.id, link),
            },
            evals: self.rule_evals(i, matches!(link.mode, LinkMode::Paged { .. })),
            history: self.history(&s.id),
        }
    }

    /// The blocks of rule `at` (its page and anchor, from the site root).
    pub(super) fn blocks(&self, blocks: &[Block], link: &Linker<'_>, at: &str) -> Vec<BlockCtx> {
        let prose = |span: &crate::model::Span| {
            let html = self.fragment("prose", &span.text, link, || render_prose(&span.text, link));
            self.mark_block(span.tr, html, link.base(), at)
        };
        blocks
            .iter()
            .map(|b| match b {
                Block::Prose(span) => BlockCtx::Html { html: prose(span) },
                Block::Commentary(c) => BlockCtx::Commentary {
                    html: prose(&c.body),
                },
                Block::Example(ex) => BlockCtx::Example {
                    example: self.example_ctx(ex, link),
                },
            })
            .collect()
    }

    /// Sections and examples linking here, one entry per source, in order.
    fn referenced_by(&self, id: &str, link: &Linker<'_>) -> Vec<RefBy> {
        let spec = self.spec;
        let mut out: Vec<RefBy> = Vec::new();
        for r in self.refs_to.get(id).map(Vec::as_slice).unwrap_or(&[]) {
            let Some(from) = r.from_section else { continue };
            let from_section = &spec.sections[from];
            let entry = match &r.from_example {
                Some(ex_id) => {
                    let title = from_section
                        .examples()
                        .find(|e| &e.id == ex_id)
                        .map(|e| {
                            plain_title(&e.title.text, &|t| {
                                spec.section(t).map(|s| s.title.clone())
                            })
                        })
                        .unwrap_or_default();
                    RefBy {
                        href: link.example_href(&from_section.id, ex_id),
                        title,
                        kind: "example",
                    }
                }
                None => RefBy {
                    href: link.section_href(&from_section.id),
                    title: from_section.title.clone(),
                    kind: "section",
                },
            };
            if from_section.id != id && !out.iter().any(|o| o.href == entry.href) {
                out.push(entry);
            }
        }
        out
    }
}

/// A block of the home page's intro as HTML.
pub(super) fn block_html(b: BlockCtx) -> String {
    match b {
        BlockCtx::Html { html } => html,
        BlockCtx::Commentary { html } => format!("<aside class=\"commentary\">{html}</aside>"),
        BlockCtx::Example { .. } => String::new(),
    }
}

/// Encoded in a URL template's values: all but RFC 3986's unreserved
/// characters.
const URL_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// How a URL template takes the rule's file path.
#[derive(Clone, Copy)]
enum PathPart {
    /// As a path (`edit-url-template`: `…/edit/main/{path}`).
    AsIs,
    /// As a value (`feedback-url-template`: `…?body={path}`).
    Encoded,
}
