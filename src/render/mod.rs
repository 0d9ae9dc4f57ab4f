//! Render stage: the linked [`Spec`] in, every file of the static site out
//! (in memory; `output` writes them). Pages render in parallel.

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

/// Options that differ between `build` and `serve`.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Under `serve`: the endpoint of the live-reload channel; pages then
    /// load the reload script.
    pub live_reload: Option<String>,
}

/// The whole site as relative path → bytes, sorted (deterministic).
pub type SiteFiles = BTreeMap<String, Vec<u8>>;

/// Renders every page and asset of the site.
pub fn render_site(loaded: &Loaded, opts: &RenderOptions) -> Result<SiteFiles> {
    pages::SiteRenderer::new(loaded, opts)?.render_all()
}
