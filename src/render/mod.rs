//! Render stage: the linked [`Spec`] in, every file of the static site out,
//! handed to a [`Sink`] as soon as it is made (`build` writes it to disk
//! at once, `serve` keeps it in memory). Pages render in parallel.

mod cache;
mod context;
pub mod highlight;
pub mod markdown;
mod math;
mod minify;
mod pages;
pub mod theme;
pub mod typography;

use std::collections::BTreeMap;
use std::sync::Mutex;

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

/// Where rendered files go, one at a time, from any rendering thread.
/// Handing each file over as soon as it is made keeps a large site out of
/// memory and overlaps writing with rendering.
pub trait Sink: Sync {
    fn put(&self, path: String, bytes: Vec<u8>) -> Result<()>;
}

/// The in-memory sink: the whole site as a map.
impl Sink for Mutex<SiteFiles> {
    fn put(&self, path: String, bytes: Vec<u8>) -> Result<()> {
        self.lock()
            .map_err(|_| anyhow::anyhow!("a rendering thread panicked"))?
            .insert(path, bytes);
        Ok(())
    }
}

/// Renders every page and asset of the site into `sink`.
pub fn render_site_into(loaded: &Loaded, opts: &RenderOptions, sink: &dyn Sink) -> Result<()> {
    pages::SiteRenderer::new(loaded, opts)?.render_all(sink)
}

/// Renders every page and asset of the site into memory.
pub fn render_site(loaded: &Loaded, opts: &RenderOptions) -> Result<SiteFiles> {
    let files = Mutex::new(SiteFiles::new());
    render_site_into(loaded, opts, &files)?;
    Ok(files.into_inner().unwrap_or_default())
}

/// [`render_site`] reusing the fragments and pages of the previous render
/// whose inputs are unchanged (`serve`). The output is the same bytes.
pub fn render_site_cached(
    loaded: &Loaded,
    opts: &RenderOptions,
    cache: &RenderCache,
) -> Result<SiteFiles> {
    let tera = cache.templates(loaded.config.theme_dir.as_deref())?;
    let files = Mutex::new(SiteFiles::new());
    let done = pages::SiteRenderer::with_templates(loaded, opts, tera)
        .with_cache(cache)
        .render_all(&files);
    cache.finish();
    done?;
    Ok(files.into_inner().unwrap_or_default())
}
