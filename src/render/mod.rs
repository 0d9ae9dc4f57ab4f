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
        let done = renderer::SiteRenderer::new(edition, tera, strings, live_reload)
            .with_cache(cache)
            .render_all(sink);
        cache.finish();
        done
    }
}
