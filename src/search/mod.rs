//! Search and the examples browser: a chunked full-text index built from
//! the linked [`Spec`](crate::model::Spec) (never from HTML), queried in the
//! browser by `static/search.js`, and the data of `examples.html`.
//!
//! See `src/search/README.md` for the design and the file format.

pub mod build;
mod documents;
pub mod query;
mod terms;
pub mod tokenize;

#[cfg(test)]
mod tests;

use std::io::Write;

pub use query::{Hit, Outcome, Searcher, query};
pub use terms::TermCache;

/// The browser side of search: builds the combobox inside
/// `<div id="search" data-base="…">` and queries the index lazily.
pub const SEARCH_JS: &str = include_str!("../../static/search.js");
/// Styles of the search box, its results and the examples browser.
pub const SEARCH_CSS: &str = include_str!("../../static/search.css");
/// The examples browser (`examples.html`).
pub const EXAMPLES_JS: &str = include_str!("../../static/examples.js");

/// One file of the search index or the examples data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchFile {
    /// Relative to the site root, e.g. `search/manifest.js`.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// What every data file calls: the browser loads the files with
/// `<script src>` (which, unlike `fetch`, works on pages opened from disk),
/// so each file is `window.__specbookData("<key>",<json>);` where `<key>`
/// is its path under `search/` without `.js` (`manifest`, `t/3`).
pub const DATA_CALL: &str = "window.__specbookData(";

/// A data file's bytes: `json` wrapped in the registration call.
pub fn wrap_data(key: &str, json: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len() + key.len() + 32);
    out.extend_from_slice(DATA_CALL.as_bytes());
    out.extend_from_slice(serde_json::to_string(key).expect("a string").as_bytes());
    out.push(b',');
    out.extend_from_slice(json);
    out.extend_from_slice(b");\n");
    out
}

/// The key and the JSON inside a data file made by [`wrap_data`].
pub fn unwrap_data(bytes: &[u8]) -> Option<(&str, &[u8])> {
    let rest = bytes.strip_prefix(DATA_CALL.as_bytes())?;
    let rest = rest.strip_prefix(b"\"")?;
    let end = rest.iter().position(|&b| b == b'"')?;
    let key = std::str::from_utf8(&rest[..end]).ok()?;
    let json = rest[end + 1..].strip_prefix(b",")?;
    let json = json.strip_suffix(b");\n")?;
    Some((key, json))
}

/// Builds the search index and the examples-browser data from the linked
/// spec. Deterministic: the same spec gives byte-identical files.
pub fn build_search_files(spec: &crate::model::Spec) -> Vec<SearchFile> {
    build::build(spec)
}

/// Size of `bytes` gzipped at the default level (what a static host sends).
pub fn gzip_len(bytes: &[u8]) -> usize {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).expect("in-memory write");
    e.finish().expect("in-memory write").len()
}

/// The search index and the examples browser's data, as an output: files
/// under `search/` only (the scripts that read them are assets of the
/// pages).
#[derive(Debug, Default)]
pub struct SearchIndex;

impl crate::outputs::Output for SearchIndex {
    fn name(&self) -> &'static str {
        "search"
    }

    fn write(
        &self,
        edition: &crate::outputs::Edition<'_>,
        sink: &dyn crate::sink::Sink,
    ) -> anyhow::Result<()> {
        build::build_into(edition.spec, &mut |f| sink.put(f.path, f.bytes))
    }
}

/// [`SearchIndex`] for `serve`: keeps each document's term statistics
/// between builds and tokenises only the documents that changed; writes
/// the same files.
#[derive(Debug, Default)]
pub struct CachedSearchIndex {
    cache: TermCache,
}

impl CachedSearchIndex {
    pub fn new() -> Self {
        Self::default()
    }

    /// Documents tokenised and reused by the last index.
    pub fn counts(&self) -> (usize, usize) {
        self.cache.counts()
    }
}

impl crate::outputs::Output for CachedSearchIndex {
    fn name(&self) -> &'static str {
        "search"
    }

    fn write(
        &self,
        edition: &crate::outputs::Edition<'_>,
        sink: &dyn crate::sink::Sink,
    ) -> anyhow::Result<()> {
        build::build_cached(edition.spec, Some(&self.cache), &mut |f| {
            sink.put(f.path, f.bytes)
        })
    }
}
