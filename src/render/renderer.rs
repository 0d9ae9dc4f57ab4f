//! The HTML renderer: what every page shares (site context, chapters,
//! table of contents, templates, the serve cache) and the page list.
//! Page kinds are in `jobs.rs`, sections in `sections.rs`, conversations in
//! `conversation.rs`, assets in `assets.rs`.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use anyhow::{Context as _, Result, anyhow};
use bytes::Bytes;
use rayon::prelude::*;
use tera::Tera;

use super::cache::RenderCache;
use super::context::{Link, PageContext, PageCtx, PageKind, SiteCtx, TocItem};
use super::jobs::{Job, first_paragraph};
use super::markdown::Linker;
use super::strings::Strings;
use super::{Focus, assets, highlight, theme};
use crate::config::Config;
use crate::model::{Reference, Spec};
use crate::outputs::Edition;
use crate::sink::Sink;
use crate::site;

thread_local! {
    /// A template context holding only the interface strings as `t`, by
    /// the table's fingerprint (see `SiteRenderer::render_with_strings`).
    static STRINGS_CONTEXT: std::cell::RefCell<Option<(u64, tera::Context)>> =
        const { std::cell::RefCell::new(None) };
}

/// What a `serve` render may leave out ([`SiteRenderer::deferring`]).
#[derive(Clone, Copy)]
pub(super) struct Defer<'a> {
    /// The sections and eval files the edit touched; `None` when that is
    /// not known (the single page alone is left out then).
    pub focus: Option<&'a Focus>,
}

pub(super) struct SiteRenderer<'a> {
    pub(super) spec: &'a Spec,
    pub(super) config: &'a Config,
    tera: Arc<Tera>,
    pub(super) site: SiteCtx,
    /// The interface strings of the edition's language.
    pub(super) strings: Strings,
    pub(super) chapters: Vec<Link>,
    /// Whether every page's context lists the chapters: only when the
    /// project overrides templates (a theme may read `chapters` anywhere).
    /// The built-in templates read it on the home and 404 pages only, and
    /// giving it to every page would cost pages × chapters.
    chapters_everywhere: bool,
    pub(super) toc: Vec<TocItem>,
    pub(super) refs_to: HashMap<&'a str, Vec<&'a Reference>>,
    live_reload: Option<&'a str>,
    /// Under `serve`: fragments and pages kept from the previous render.
    pub(super) cache: Option<&'a RenderCache>,
    /// Without it (a build of a small spec): fragments the chapter pages
    /// and the single page both show, rendered once. A large spec's pages
    /// go without: the fragments waiting for their second use would be
    /// tens of megabytes, beside the single page's.
    rendered_once: Option<super::twice::RenderedOnce>,
    /// Under `serve`: what `render_all` may leave out, to be made just
    /// after by `render_later` (`None`: nothing).
    defer: Option<Defer<'a>>,
    /// Eval results joined with the spec.
    pub(super) compliance: &'a crate::results::Compliance,
    /// Per rule: whether it offers eval downloads.
    pub(super) rules_with_cases: Vec<bool>,
    /// A versioned site: where this edition is, its switcher, and its
    /// rules' histories.
    pub(super) place: Option<crate::versions::site::Place<'a>>,
    pub(super) versions: Option<super::versions::VersionsCtx>,
    pub(super) histories:
        Option<std::collections::HashMap<String, Vec<crate::versions::site::HistoryEntry>>>,
    /// A site in several languages: which this edition is, its switcher.
    pub(super) languages: Option<crate::i18n::site::LanguagePlace<'a>>,
    pub(super) languages_ctx: Option<super::languages::LanguagesCtx>,
    /// The URL this edition is published at (`site-url`, and the
    /// language's folder).
    pub(super) site_url: Option<String>,
}

impl<'a> SiteRenderer<'a> {
    pub(super) fn new(
        edition: &Edition<'a>,
        tera: Arc<Tera>,
        strings: Strings,
        live_reload: Option<&'a str>,
    ) -> Self {
        let Edition {
            spec,
            config,
            compliance,
            place,
            languages,
        } = *edition;
        let site_url = config.site_url.as_ref().map(|u| {
            let prefix = languages.map_or(String::new(), |l| l.site.prefix(l.index));
            format!("{u}{prefix}")
        });
        // A translation's direction may be set in book.toml; a site of one
        // language has its language's.
        let dir = languages.map_or_else(
            || super::strings::direction(&spec.meta.language),
            |l| l.language().dir,
        );
        let languages_ctx = languages
            .as_ref()
            .map(|l| super::languages::languages_ctx(l, config.site_url.as_deref(), &strings));
        let description = spec
            .meta
            .description
            .clone()
            .unwrap_or_else(|| first_paragraph(spec));
        let site = SiteCtx {
            title: spec.meta.title.clone(),
            release: spec.meta.release.clone(),
            description,
            language: spec.meta.language.clone(),
            dir,
            authors: spec.meta.authors.clone(),
            repo_url: config.git_repository_url.clone(),
            site_url: site_url.clone(),
        };
        let chapters = spec
            .sections
            .iter()
            .enumerate()
            .filter(|(_, s)| s.parent.is_none())
            .map(|(i, s)| Link {
                href: site::section_page(spec, i),
                title: s.title.clone(),
            })
            .collect();
        let mut refs_to: HashMap<&str, Vec<&Reference>> = HashMap::new();
        for r in &spec.references {
            refs_to.entry(r.target.as_str()).or_default().push(r);
        }
        let mut r = SiteRenderer {
            spec,
            config,
            tera,
            site,
            strings,
            chapters,
            chapters_everywhere: has_template_overrides(config),
            toc: Vec::new(),
            refs_to,
            live_reload,
            cache: None,
            rendered_once: crate::outputs::is_small(spec).then(Default::default),
            defer: None,
            compliance,
            rules_with_cases: crate::evalset::output::rules_with_cases(spec),
            place,
            versions: place.as_ref().map(super::versions::versions_ctx),
            histories: place.map(|p| p.site.history_map(p.index)),
            languages,
            languages_ctx,
            site_url,
        };
        r.toc = spec
            .sections
            .iter()
            .enumerate()
            .filter(|(_, s)| s.parent.is_none())
            .map(|(i, _)| r.toc_item(i))
            .collect();
        r
    }

    /// Reuses what `cache` kept from the previous render (see `cache.rs`).
    pub(super) fn with_cache(mut self, cache: &'a RenderCache) -> Self {
        cache.begin(self.spec);
        self.cache = Some(cache);
        self
    }

    /// The same render as the one that came just before, with its cache
    /// (no new render begins: what it used stays in use).
    pub(super) fn continuing(mut self, cache: &'a RenderCache) -> Self {
        self.cache = Some(cache);
        self
    }

    /// Lets `render_all` leave out pages `defer` names (they are made
    /// next, by `render_later`).
    pub(super) fn deferring(mut self, defer: Option<Defer<'a>>) -> Self {
        self.defer = defer;
        self
    }

    /// Whether `render_all` leaves `job` out: the single page always (it
    /// holds every section, so every save changes it, and it is the
    /// longest to make); with a focus, a chapter none of whose sections
    /// the edit touched and an eval page whose file it did not, as long
    /// as the cache has their last version (which is served meanwhile,
    /// and whose highlighting classes stand in for theirs: their code is
    /// unchanged).
    fn defers(&self, job: &Job) -> bool {
        let (Some(defer), Some(cache)) = (&self.defer, self.cache) else {
            return false;
        };
        let Some(focus) = defer.focus else {
            return matches!(job, Job::Single);
        };
        let spec = self.spec;
        match *job {
            Job::Single => true,
            Job::Chapter(i) => {
                let touched = std::iter::once(i)
                    .chain(spec.descendants(i))
                    .any(|s| focus.sections.contains(&spec.sections[s].id));
                !touched && cache.classes_of(&self.job_path(job)).is_some()
            }
            Job::Eval(e) => {
                !focus.evals.contains(&spec.evals[e].file)
                    && cache.classes_of(&self.job_path(job)).is_some()
            }
            _ => false,
        }
    }

    /// The site path of a page job (not the table of contents' script).
    fn job_path(&self, job: &Job) -> String {
        match *job {
            Job::Single => site::SINGLE_PAGE.to_owned(),
            Job::Chapter(i) => site::section_page(self.spec, i),
            Job::Eval(e) => site::eval_page(&self.spec.evals[e].id),
            _ => String::new(),
        }
    }

    /// Renders the pages `render_all` left out (`jobs`); also returns
    /// `static/highlight.css` when the classes of the site's pages,
    /// now all made, differ from those it was written with.
    pub(super) fn render_later(&self, jobs: Vec<Job>) -> Result<Vec<(String, Bytes)>> {
        let mut made: Vec<(String, Bytes)> = jobs
            .par_iter()
            .map(|j| {
                let (path, bytes) = self.render_job(j)?;
                if let Some(cache) = self.cache {
                    let mut used = BTreeSet::new();
                    highlight::collect_classes(&bytes, &mut used);
                    cache.set_classes(&path, used);
                }
                Ok((path, bytes))
            })
            .collect::<Result<_>>()?;
        if let Some(css) = self.cache.and_then(RenderCache::restyle) {
            made.push(("static/highlight.css".to_owned(), Bytes::from(css)));
        }
        Ok(made)
    }

    /// Renders every page, then the assets (whose content depends on the
    /// pages: the highlighting classes they use, the sitemap).
    /// Returns the jobs it left out, with their paths (see
    /// [`SiteRenderer::deferring`]).
    pub(super) fn render_all(&self, sink: &dyn Sink) -> Result<Vec<(Job, String)>> {
        let spec = self.spec;
        let mut jobs: Vec<Job> = vec![
            Job::Home,
            Job::NotFound,
            Job::Examples,
            Job::Compliance,
            Job::Toc,
        ];
        jobs.extend(
            spec.sections
                .iter()
                .enumerate()
                .filter(|(_, s)| s.parent.is_none())
                .map(|(i, _)| Job::Chapter(i)),
        );
        jobs.extend((0..spec.evals.len()).map(Job::Eval));
        jobs.extend((0..self.changes_jobs()).map(Job::Changes));
        if self.languages.is_some() {
            jobs.push(Job::TranslationStatus);
        }
        jobs.insert(1, Job::Single);
        let (jobs, later): (Vec<Job>, Vec<Job>) = jobs.into_iter().partition(|j| !self.defers(j));
        // Highlighting classes the pages use: highlight.css keeps only those.
        let classes = Mutex::new(BTreeSet::new());
        let pages: Vec<String> = jobs
            .par_iter()
            .map(|j| {
                if self.cache.is_none() && matches!(j, Job::Single) {
                    let (path, parts) = self.single_parts()?;
                    let mut used = BTreeSet::new();
                    for part in &parts {
                        highlight::collect_classes(part.as_bytes(), &mut used);
                    }
                    if let Ok(mut all) = classes.lock() {
                        all.extend(used);
                    }
                    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
                    sink.put_parts(path.clone(), &parts)?;
                    return Ok(path);
                }
                let (path, bytes) = self.render_job(j)?;
                let mut used = BTreeSet::new();
                highlight::collect_classes(&bytes, &mut used);
                if let Ok(mut all) = classes.lock() {
                    all.extend(used.iter().cloned());
                }
                if let Some(cache) = self.cache {
                    cache.set_classes(&path, used);
                }
                sink.put_bytes(path.clone(), bytes)?;
                Ok(path)
            })
            .collect::<Result<_>>()?;
        let mut pages = pages;
        let mut classes = classes.into_inner().unwrap_or_default();
        let later: Vec<(Job, String)> = later
            .into_iter()
            .map(|job| {
                let path = self.job_path(&job);
                (job, path)
            })
            .collect();
        for (_, path) in &later {
            // In the sitemap all the same, and styled as last time.
            if let Some(used) = self.cache.and_then(|c| c.classes_of(path)) {
                classes.extend(used);
            }
            pages.push(path.clone());
        }
        if let (Some(cache), Some(_)) = (self.cache, &self.defer) {
            cache.styled_with(&pages, &classes);
        }
        assets::write(
            self.config,
            self.site_url.as_deref(),
            self.languages_ctx.as_ref(),
            &self.strings,
            &classes,
            &pages,
            sink,
        )?;
        Ok(later)
    }

    /// A markdown fragment: from the cache when its inputs are unchanged.
    pub(super) fn fragment(
        &self,
        kind: &str,
        text: &str,
        link: &Linker<'_>,
        render: impl FnOnce() -> String,
    ) -> String {
        match self.cache {
            Some(c) => c.fragment(kind, text, link, render),
            None => match &self.rendered_once {
                Some(memo) => memo.fragment(kind, text, link, render),
                None => render(),
            },
        }
    }

    /// The serialised context a cached page is compared by (empty when
    /// there is no cache).
    pub(super) fn cache_key(&self, ctx: &impl serde::Serialize) -> Result<Vec<u8>> {
        match self.cache {
            Some(_) => serde_json::to_vec(ctx).context("failed to build the template context"),
            None => Ok(Vec::new()),
        }
    }

    pub(super) fn cached_page(&self, path: &str, template: &str, key: &[u8]) -> Option<Bytes> {
        self.cache
            .and_then(|c| c.shared_page(path, template, key))
            .map(|(bytes, _)| bytes)
    }

    /// Keeps a rendered page under `serve` (shared, not copied).
    pub(super) fn store_shared_page(
        &self,
        path: &str,
        template: &str,
        key: Vec<u8>,
        bytes: &Bytes,
    ) {
        if let Some(c) = self.cache {
            c.store_shared_page(path, template, key, bytes.clone());
        }
    }

    /// Keeps a rendered page (or section) under `serve`; its cache version,
    /// or 0 without a cache.
    pub(super) fn store_page(&self, path: &str, template: &str, key: Vec<u8>, bytes: &[u8]) -> u64 {
        self.cache
            .map_or(0, |c| c.store_page(path, template, key, bytes))
    }

    /// Renders `template` with the fields of `page` and the interface
    /// strings as `t`. The strings table (some 200 entries) becomes a
    /// template value once per thread and table, not once per page and
    /// section: the page's fields are added to that context for the
    /// render and taken out after.
    pub(super) fn render_with_strings(
        &self,
        template: &str,
        page: &impl serde::Serialize,
        path: &str,
    ) -> Result<String> {
        let fields = match tera::to_value(page).context("failed to build the template context")? {
            tera::Value::Object(fields) => fields,
            _ => anyhow::bail!("a template context must be a map"),
        };
        STRINGS_CONTEXT.with(|slot| {
            let Ok(mut slot) = slot.try_borrow_mut() else {
                // Rendering inside a render on this thread: a context of
                // its own.
                let mut ctx = tera::Context::from_value(tera::Value::Object(fields))?;
                ctx.insert("t", &self.strings);
                return self.render_template(template, &ctx, path);
            };
            let fingerprint = self.strings.fingerprint();
            if slot.as_ref().map(|(f, _)| *f) != Some(fingerprint) {
                let mut base = tera::Context::new();
                base.insert("t", &self.strings);
                *slot = Some((fingerprint, base));
            }
            let (_, ctx) = slot.as_mut().expect("just made");
            let keys: Vec<String> = fields.keys().cloned().collect();
            ctx.extend(tera::Context::from_value(tera::Value::Object(fields))?);
            let html = self.render_template(template, ctx, path);
            for key in &keys {
                ctx.remove(key);
            }
            if keys.iter().any(|k| k == "t") {
                // The page had its own `t`: the strings go in again next time.
                *slot = None;
            }
            html
        })
    }

    pub(super) fn render_template(
        &self,
        template: &str,
        ctx: &tera::Context,
        path: &str,
    ) -> Result<String> {
        self.tera.render(template, ctx).map_err(|e| {
            anyhow!(
                "template `{template}` failed for `{path}`: {}",
                theme::error_chain(&e)
            )
        })
    }

    /// The theme's `style.css` (the project's own, if it has one), as
    /// the site serves it.
    pub(super) fn stylesheet(&self) -> Result<String> {
        let files = super::theme::static_files(self.config.theme_dir.as_deref())?;
        let css = files
            .into_iter()
            .rfind(|f| f.name == "style.css")
            .map(|f| match f.builtin {
                true => super::minify::asset("style.css", f.bytes),
                false => f.bytes,
            })
            .unwrap_or_default();
        Ok(String::from_utf8_lossy(&css).into_owned())
    }

    pub(super) fn page_ctx(
        &self,
        kind: PageKind,
        title: &str,
        path: &str,
        base: &'a str,
    ) -> PageContext<'_> {
        PageContext {
            site: &self.site,
            t: &self.strings,
            base,
            page: PageCtx {
                kind,
                title: title.to_owned(),
                path: path.to_owned(),
                canonical: self.site_url.as_ref().map(|u| format!("{u}{path}")),
                description: self.site.description.clone(),
                chapter: None,
                current_href: self.current_href(kind, path),
            },
            live_reload: self.live_reload,
            chapters: if self.chapters_everywhere
                || matches!(kind, PageKind::Home | PageKind::NotFound)
            {
                &self.chapters
            } else {
                &[]
            },
            toc: None,
            home: None,
            chapter: None,
            sections: None,
            eval: None,
            compliance: None,
            inline_css: None,
            versions: self.versions.as_ref(),
            // What changed between releases is said in the source
            // language only: its pages have no counterparts to switch to.
            languages: self
                .languages_ctx
                .as_ref()
                .filter(|_| kind != PageKind::Changes),
            translation: None,
            changes: None,
            changes_index: None,
        }
    }
}

/// Whether the project has template files of its own (`templates/*.html`
/// in its theme folder).
fn has_template_overrides(config: &Config) -> bool {
    let Some(dir) = config.theme_dir.as_deref().map(|d| d.join("templates")) else {
        return false;
    };
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .filter_map(Result::ok)
            .any(|e| e.path().extension().is_some_and(|x| x == "html"))
    })
}
