//! Render stage: the linked [`Spec`] in, every file of the static site out
//! (in memory; `output` writes them). Pages render in parallel.

mod cache;
mod context;
pub mod highlight;
pub mod markdown;
mod math;
mod pages;
pub mod theme;
pub mod typography;

use std::collections::BTreeMap;

use anyhow::Result;

use crate::pipeline::Loaded;

pub use cache::{CacheStats, RenderCache};

/// Options that differ between `build` and `serve`.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Under `serve`: the endpoint of the live-reload channel; pages then
    /// load the reload script.
    pub live_reload: Option<String>,
    /// Under `serve`: leave the search index out; `serve` builds it (with
    /// the same function) right after the changed pages are served.
    pub defer_search: bool,
}

/// The whole site as relative path → bytes, sorted (deterministic).
pub type SiteFiles = BTreeMap<String, Vec<u8>>;

/// Renders every page and asset of the site.
pub fn render_site(loaded: &Loaded, opts: &RenderOptions) -> Result<SiteFiles> {
    pages::SiteRenderer::new(loaded, opts)?.render_all()
}

/// [`render_site`] reusing the fragments and pages of the previous render
/// whose inputs are unchanged (`serve`). The output is the same bytes.
pub fn render_site_cached(
    loaded: &Loaded,
    opts: &RenderOptions,
    cache: &RenderCache,
) -> Result<SiteFiles> {
    let tera = cache.templates(loaded.config.theme_dir.as_deref())?;
    let files = pages::SiteRenderer::with_templates(loaded, opts, tera)
        .with_cache(cache)
        .render_all();
    cache.finish();
    files
}
