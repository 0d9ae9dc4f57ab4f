//! The HTML output: the linked [`Spec`](crate::model::Spec) in, every page
//! and asset of the static site out, handed to a [`Sink`] as soon as it is
//! made. Pages render in parallel.

mod assets;
mod cache;
pub mod compliance;
mod context;
mod conversation;
pub mod highlight;
mod jobs;
pub mod languages;
pub mod markdown;
pub mod math;
mod minify;
mod renderer;
mod sections;
pub mod strings;
pub mod theme;
mod twice;
pub mod typography;
pub mod versions;

use std::sync::Arc;

use anyhow::Result;

use crate::outputs::{Edition, Output};
use crate::sink::Sink;

pub use cache::CacheStats;
use cache::RenderCache;

/// The site's pages and assets, as an [`Output`].
#[derive(Default)]
pub struct Pages {
    /// Under `serve`: the endpoint of the live-reload channel; pages then
    /// load the reload script.
    live_reload: Option<String>,
    /// Under `serve`: fragments and pages kept from the previous render,
    /// each reused only when its inputs are unchanged (same bytes out).
    cache: Option<RenderCache>,
    /// Under `serve`, the same for each translation, by language: one
    /// cache for all would drop one language's pages as the next renders.
    translation_caches: std::sync::Mutex<std::collections::HashMap<String, Arc<RenderCache>>>,
    /// Under `serve`: whether pages may be left out of a render and made
    /// just after, by [`Pages::render_deferred`] (see
    /// [`Pages::deferring`]).
    defer: bool,
    /// What the next render's edit touched ([`Pages::focus_next`]).
    focus: std::sync::Mutex<Option<Focus>>,
    /// The pages the last render left out: its cache is still open,
    /// closed by [`Pages::render_deferred`].
    deferred: std::sync::Mutex<Option<Vec<(jobs::Job, String)>>>,
}

/// What an edit touched: the ids of the sections parsed again, and the
/// eval-prompt files read again (as `EvalFile::file`).
#[derive(Debug, Clone, Default)]
pub struct Focus {
    pub sections: std::collections::HashSet<String>,
    pub evals: std::collections::HashSet<String>,
}

impl Pages {
    /// The pages of a one-off build.
    pub fn new() -> Self {
        Self::default()
    }

    /// Pages that load the live-reload script from `endpoint` (`serve`).
    pub fn with_live_reload(mut self, endpoint: &str) -> Self {
        self.live_reload = Some(endpoint.to_owned());
        self
    }

    /// Each render reuses what the last one made whose inputs are
    /// unchanged (`serve`); the bytes are the same as without.
    pub fn with_cache(mut self) -> Self {
        self.cache = Some(RenderCache::new());
        self
    }

    /// Renders of a site of one release in one language (`serve`) serve
    /// the pages an edit touched first: they leave out `all.html` (it holds
    /// every section, so it changes on every save, and is the longest page
    /// to make) and, given a [`Focus`], the chapters and eval pages the
    /// edit did not touch; [`Pages::render_deferred`] makes them next,
    /// once the edited pages are served.
    pub fn deferring(mut self) -> Self {
        self.defer = true;
        self
    }

    /// What the edit the next render follows touched (`None`: not known).
    pub fn focus_next(&self, focus: Option<Focus>) {
        if let Ok(mut f) = self.focus.lock() {
            *f = focus;
        }
    }

    /// The pages a render left out, made now from the same edition with
    /// the render's cache, which this closes (and `static/highlight.css`
    /// when the classes the pages use changed from those it was written
    /// with); empty when the last render left nothing out. The bytes are
    /// those a full render makes.
    /// The paths of the pages the last render left out (served as they
    /// were until [`Pages::render_deferred`] makes them).
    pub fn deferred_paths(&self) -> Vec<String> {
        self.deferred
            .lock()
            .ok()
            .and_then(|d| {
                d.as_ref()
                    .map(|d| d.iter().map(|(_, p)| p.clone()).collect())
            })
            .unwrap_or_default()
    }

    pub fn render_deferred(&self, edition: &Edition<'_>) -> Result<Vec<(String, bytes::Bytes)>> {
        let jobs = self.deferred.lock().ok().and_then(|mut d| d.take());
        let (Some(jobs), Some(cache)) = (jobs, &self.cache) else {
            return Ok(Vec::new());
        };
        let made = (|| {
            let theme_dir = edition.config.theme_dir.as_deref();
            let strings = strings::Strings::load(&edition.spec.meta.language, theme_dir)?;
            let tera = cache.templates(theme_dir)?;
            renderer::SiteRenderer::new(edition, tera, strings, self.live_reload.as_deref())
                .continuing(cache)
                .render_later(jobs.into_iter().map(|(j, _)| j).collect())
        })();
        cache.finish();
        made
    }

    /// What the last render reused and redid (live previews only).
    pub fn stats(&self) -> CacheStats {
        self.cache
            .as_ref()
            .map(RenderCache::stats)
            .unwrap_or_default()
    }
}

impl Output for Pages {
    fn name(&self) -> &'static str {
        "pages"
    }

    fn write(&self, edition: &Edition<'_>, sink: &dyn Sink) -> Result<()> {
        let theme_dir = edition.config.theme_dir.as_deref();
        let live_reload = self.live_reload.as_deref();
        let strings = strings::Strings::load(&edition.spec.meta.language, theme_dir)?;
        let Some(cache) = &self.cache else {
            // A site of one release has no changes pages, one of one
            // language no translation status.
            let mut unused = Vec::new();
            if edition.place.is_none() {
                unused.push("changes.html");
            }
            if edition.languages.is_none() {
                unused.push(languages::STATUS_PAGE);
            }
            let tera = Arc::new(theme::load_templates_but(theme_dir, &unused)?);
            return renderer::SiteRenderer::new(edition, tera, strings, live_reload)
                .render_all(sink)
                .map(drop);
        };
        let translation = edition.languages.filter(|l| !l.is_source());
        let own;
        let cache = match translation {
            None => cache,
            Some(l) => {
                let mut caches = self
                    .translation_caches
                    .lock()
                    .map_err(|_| anyhow::anyhow!("a translation's render cache was poisoned"))?;
                own = caches.entry(l.language().code.clone()).or_default().clone();
                &*own
            }
        };
        // Each cache checks the templates itself: a changed template
        // drops the pages it keeps.
        let tera = cache.templates(theme_dir)?;
        // Only the one edition of a plain site is deferred: a release's or
        // a language's single page carries their switchers.
        let defer = self.defer && edition.place.is_none() && edition.languages.is_none();
        let focus = self.focus.lock().ok().and_then(|mut f| f.take());
        let done = renderer::SiteRenderer::new(edition, tera, strings, live_reload)
            .with_cache(cache)
            .deferring(defer.then_some(renderer::Defer {
                focus: focus.as_ref(),
            }))
            .render_all(sink);
        match done {
            Ok(later) if defer => {
                if let Ok(mut d) = self.deferred.lock() {
                    *d = Some(later);
                }
                Ok(())
            }
            done => {
                cache.finish();
                done.map(drop)
            }
        }
    }
}
