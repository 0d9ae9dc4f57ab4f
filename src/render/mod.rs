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
    /// Under `serve`: whether the single page may be left out of a render
    /// and made just after, by [`Pages::render_deferred`] (see there).
    defer_single: bool,
    /// Set by a render that left the single page out: its cache is still
    /// open, closed by [`Pages::render_deferred`].
    deferred: std::sync::atomic::AtomicBool,
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

    /// Renders of a site of one release in one language leave `all.html`
    /// out (`serve`: it holds every section, so it changes on every save
    /// and is the longest page to make); [`Pages::render_deferred`] makes
    /// it next, once the edited page is served.
    pub fn deferring_single(mut self) -> Self {
        self.defer_single = true;
        self
    }

    /// The page a render left out (`all.html`), made now from the same
    /// edition with the render's cache, which this closes; `None` when
    /// the last render left nothing out. The bytes are those a full render
    /// makes.
    pub fn render_deferred(&self, edition: &Edition<'_>) -> Result<Option<(String, bytes::Bytes)>> {
        use std::sync::atomic::Ordering;
        if !self.deferred.swap(false, Ordering::SeqCst) {
            return Ok(None);
        }
        let Some(cache) = &self.cache else {
            return Ok(None);
        };
        let made = (|| {
            let theme_dir = edition.config.theme_dir.as_deref();
            let strings = strings::Strings::load(&edition.spec.meta.language, theme_dir)?;
            let tera = cache.templates(theme_dir)?;
            renderer::SiteRenderer::new(edition, tera, strings, self.live_reload.as_deref())
                .continuing(cache)
                .render_single()
        })();
        cache.finish();
        made.map(Some)
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
            let tera = Arc::new(theme::load_templates(theme_dir)?);
            return renderer::SiteRenderer::new(edition, tera, strings, live_reload)
                .render_all(sink);
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
        let defer = self.defer_single && edition.place.is_none() && edition.languages.is_none();
        let done = renderer::SiteRenderer::new(edition, tera, strings, live_reload)
            .with_cache(cache)
            .deferring_single(defer)
            .render_all(sink);
        if defer && done.is_ok() {
            self.deferred
                .store(true, std::sync::atomic::Ordering::SeqCst);
        } else {
            cache.finish();
        }
        done
    }
}
