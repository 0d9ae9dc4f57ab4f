//! What `serve` keeps between renders: rendered markdown fragments and
//! rendered pages, each reused only when every input it was made from is
//! unchanged, so an incremental render is byte-for-byte a full one.
//!
//! - A fragment (prose, a title, a message body) depends on its source
//!   text, its kind, the page's link mode and, if it can contain a link or
//!   a footnote, the link table (every section's id, title and page; every
//!   eval label). The link table is compared in full at the start of each
//!   render; when it changed, its generation number moves on and fragments
//!   that may link are rendered again.
//! - A page depends on its template and its serialised context. Templates
//!   are compared in full at the start of each render (a change compiles
//!   them again and drops every page; else the compiled ones are reused);
//!   contexts are compared byte for byte.
//!
//! Entries not used by a render are dropped at its end, so the cache holds
//! one site's worth of fragments and pages, whatever the number of edits.

use std::collections::{BTreeSet, HashMap};
use std::hash::BuildHasher;
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::Result;
use bytes::Bytes;
use tera::Tera;

use super::markdown::{LinkMode, Linker};
use super::theme;
use crate::model::Spec;
use crate::site;

/// Reusable fragments and pages; shared by the render's worker threads.
#[derive(Default)]
pub struct RenderCache {
    state: Mutex<State>,
    /// Render counter: entries used by the current render carry it.
    render: AtomicU64,
    link_generation: AtomicU64,
    /// Sharded by key hash: the render's threads look fragments up all
    /// the time, and one lock would make them take turns.
    fragments: [Mutex<HashMap<u64, Vec<Fragment>>>; FRAGMENT_SHARDS],
    pages: Mutex<HashMap<String, Page>>,
    /// Last [`Page::version`] handed out.
    versions: AtomicU64,
    /// The highlighting classes each page used when it was last made:
    /// those of a page a render leaves out (see `SiteRenderer::deferring`).
    classes: Mutex<HashMap<String, BTreeSet<String>>>,
    /// The site's pages and the classes `highlight.css` was last written
    /// with.
    styled: Mutex<(Vec<String>, BTreeSet<String>)>,
    stats: Stats,
}

#[derive(Default)]
struct State {
    link_table: String,
    templates: Vec<(String, Vec<u8>)>,
    tera: Option<Arc<Tera>>,
}

const FRAGMENT_SHARDS: usize = 16;

#[derive(Debug)]
struct Fragment {
    key: FragmentKey,
    /// Shared, so a lookup copies it outside the lock.
    html: Arc<str>,
    used: u64,
}

#[derive(Debug)]
struct FragmentKey {
    kind: String,
    mode: String,
    link_generation: u64,
    /// The interface strings the fragment was rendered with (labels and
    /// titles inside messages and citations), by fingerprint.
    strings: u64,
    text: String,
}

#[derive(Debug)]
struct Page {
    template: String,
    context: Vec<u8>,
    /// Shared with the site served: a reused page is never copied.
    bytes: Bytes,
    used: u64,
    /// Unique to this entry (a new entry gets a new number), so equal
    /// versions mean equal bytes: a page made of cached sections is compared
    /// by their versions, not their HTML.
    version: u64,
}

#[derive(Debug, Default)]
struct Stats {
    fragments_rendered: AtomicUsize,
    fragments_reused: AtomicUsize,
    pages_rendered: AtomicUsize,
    pages_reused: AtomicUsize,
}

/// What the last render reused and redid.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct CacheStats {
    pub fragments_rendered: usize,
    pub fragments_reused: usize,
    pub pages_rendered: usize,
    pub pages_reused: usize,
}

impl RenderCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// The compiled templates: those of the previous render if the
    /// project's template files are unchanged, else compiled again (and
    /// every kept page dropped).
    pub(super) fn templates(&self, theme_dir: Option<&Path>) -> Result<Arc<Tera>> {
        let mut st = self.state.lock().expect("render cache lock");
        let sources = template_sources(theme_dir);
        if let Some(tera) = &st.tera
            && sources == st.templates
        {
            return Ok(tera.clone());
        }
        st.tera = None;
        self.pages.lock().expect("render cache lock").clear();
        let tera = Arc::new(theme::load_templates(theme_dir)?);
        st.templates = sources;
        st.tera = Some(tera.clone());
        Ok(tera)
    }

    /// Starts a render of `spec`: compares the link table with the
    /// previous render's.
    pub(super) fn begin(&self, spec: &Spec) {
        let mut st = self.state.lock().expect("render cache lock");
        self.render.fetch_add(1, Ordering::Relaxed);
        let table = link_table(spec);
        if table != st.link_table {
            st.link_table = table;
            self.link_generation.fetch_add(1, Ordering::Relaxed);
        }
        for s in [
            &self.stats.fragments_rendered,
            &self.stats.fragments_reused,
            &self.stats.pages_rendered,
            &self.stats.pages_reused,
        ] {
            s.store(0, Ordering::Relaxed);
        }
    }

    /// Ends a render: forgets what it did not use.
    pub(super) fn finish(&self) {
        let render = self.render.load(Ordering::Relaxed);
        for shard in &self.fragments {
            shard.lock().expect("render cache lock").retain(|_, v| {
                v.retain(|f| f.used == render);
                !v.is_empty()
            });
        }
        self.pages
            .lock()
            .expect("render cache lock")
            .retain(|_, p| p.used == render);
    }

    /// Counts of the last render.
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            fragments_rendered: self.stats.fragments_rendered.load(Ordering::Relaxed),
            fragments_reused: self.stats.fragments_reused.load(Ordering::Relaxed),
            pages_rendered: self.stats.pages_rendered.load(Ordering::Relaxed),
            pages_reused: self.stats.pages_reused.load(Ordering::Relaxed),
        }
    }

    /// The fragment of `kind` for `text` on a page linking with `link`:
    /// from the cache, or made by `render` and kept.
    pub(super) fn fragment(
        &self,
        kind: &str,
        text: &str,
        link: &Linker<'_>,
        render: impl FnOnce() -> String,
    ) -> String {
        let render_no = self.render.load(Ordering::Relaxed);
        // Only `#id` links (literal, escaped or as an entity) and `[^label]`
        // footnotes read the link table.
        let link_generation = if text.contains(['#', '&', '^']) {
            self.link_generation.load(Ordering::Relaxed)
        } else {
            0
        };
        let mode = match link.mode {
            LinkMode::Paged { base } => base,
            LinkMode::Single => "\0single",
        };
        // Looked up by borrowed parts: a hit (the common case) copies
        // nothing but the HTML. Hashed with foldhash: every text of the
        // site is hashed on every render.
        let strings = link.strings.fingerprint();
        let hash = foldhash::fast::FixedState::default().hash_one((
            kind,
            mode,
            link_generation,
            strings,
            text,
        ));
        let same = |k: &FragmentKey| {
            k.link_generation == link_generation
                && k.strings == strings
                && k.kind == kind
                && k.mode == mode
                && k.text == text
        };
        let shard = &self.fragments[(hash % FRAGMENT_SHARDS as u64) as usize];
        let found = shard
            .lock()
            .expect("render cache lock")
            .get_mut(&hash)
            .and_then(|bucket| bucket.iter_mut().find(|f| same(&f.key)))
            .map(|f| {
                f.used = render_no;
                f.html.clone()
            });
        if let Some(html) = found {
            self.stats.fragments_reused.fetch_add(1, Ordering::Relaxed);
            return String::from(&*html);
        }
        let html = render();
        self.stats
            .fragments_rendered
            .fetch_add(1, Ordering::Relaxed);
        let mut frags = shard.lock().expect("render cache lock");
        let bucket = frags.entry(hash).or_default();
        if !bucket.iter().any(|f| same(&f.key)) {
            bucket.push(Fragment {
                key: FragmentKey {
                    kind: kind.to_owned(),
                    mode: mode.to_owned(),
                    link_generation,
                    strings,
                    text: text.to_owned(),
                },
                html: Arc::from(html.as_str()),
                used: render_no,
            });
        }
        html
    }

    /// Records the highlighting classes page `path` uses.
    pub(super) fn set_classes(&self, path: &str, used: BTreeSet<String>) {
        self.classes
            .lock()
            .expect("render cache lock")
            .insert(path.to_owned(), used);
    }

    /// The classes page `path` used when last made, if it was.
    pub(super) fn classes_of(&self, path: &str) -> Option<BTreeSet<String>> {
        self.classes
            .lock()
            .expect("render cache lock")
            .get(path)
            .cloned()
    }

    /// `highlight.css` was written with `classes` for a site of `pages`;
    /// records of other pages are dropped.
    pub(super) fn styled_with(&self, pages: &[String], classes: &BTreeSet<String>) {
        let live: std::collections::HashSet<&str> = pages.iter().map(String::as_str).collect();
        self.classes
            .lock()
            .expect("render cache lock")
            .retain(|p, _| live.contains(p.as_str()));
        *self.styled.lock().expect("render cache lock") = (pages.to_vec(), classes.clone());
    }

    /// `highlight.css` again, if the classes the site's pages use (as
    /// last recorded) differ from those it was written with.
    pub(super) fn restyle(&self) -> Option<String> {
        let mut styled = self.styled.lock().expect("render cache lock");
        let records = self.classes.lock().expect("render cache lock");
        let now: BTreeSet<String> = styled
            .0
            .iter()
            .filter_map(|p| records.get(p))
            .flatten()
            .cloned()
            .collect();
        if now == styled.1 {
            return None;
        }
        let css = super::highlight::stylesheet(&now);
        styled.1 = now;
        Some(css)
    }

    /// The page at `path` and its version, if it was rendered from the
    /// same template and the same context.
    pub(super) fn page(
        &self,
        path: &str,
        template: &str,
        context: &[u8],
    ) -> Option<(Vec<u8>, u64)> {
        self.shared_page(path, template, context)
            .map(|(bytes, version)| (bytes.to_vec(), version))
    }

    /// [`RenderCache::page`], the bytes shared, not copied.
    pub(super) fn shared_page(
        &self,
        path: &str,
        template: &str,
        context: &[u8],
    ) -> Option<(Bytes, u64)> {
        let render = self.render.load(Ordering::Relaxed);
        let mut pages = self.pages.lock().expect("render cache lock");
        let p = pages.get_mut(path)?;
        if p.template != template || p.context != context {
            return None;
        }
        p.used = render;
        self.stats.pages_reused.fetch_add(1, Ordering::Relaxed);
        Some((p.bytes.clone(), p.version))
    }

    /// Keeps a rendered page; returns its version.
    pub(super) fn store_page(
        &self,
        path: &str,
        template: &str,
        context: Vec<u8>,
        bytes: &[u8],
    ) -> u64 {
        self.store_shared_page(path, template, context, Bytes::copy_from_slice(bytes))
    }

    /// [`RenderCache::store_page`], the bytes shared, not copied.
    pub(super) fn store_shared_page(
        &self,
        path: &str,
        template: &str,
        context: Vec<u8>,
        bytes: Bytes,
    ) -> u64 {
        let render = self.render.load(Ordering::Relaxed);
        let version = self.versions.fetch_add(1, Ordering::Relaxed) + 1;
        self.stats.pages_rendered.fetch_add(1, Ordering::Relaxed);
        self.pages.lock().expect("render cache lock").insert(
            path.to_owned(),
            Page {
                template: template.to_owned(),
                context,
                bytes,
                used: render,
                version,
            },
        );
        version
    }
}

/// Everything a [`Linker`] reads: each section's id, title and page, and
/// the eval labels with their number of prompts (a citation's tip says it).
fn link_table(spec: &Spec) -> String {
    let mut out = String::new();
    for (i, s) in spec.sections.iter().enumerate() {
        if spec.section_index.get(&s.id) == Some(&i) {
            out.push_str(&s.id);
            out.push('\0');
            out.push_str(&s.title);
            out.push('\0');
            out.push_str(&site::section_page(spec, i));
            out.push('\n');
        }
    }
    let mut evals: Vec<(&str, usize)> = spec
        .eval_index
        .iter()
        .map(|(label, &i)| {
            (
                label.as_str(),
                spec.evals.get(i).map_or(0, |e| e.examples.len()),
            )
        })
        .collect();
    evals.sort_unstable();
    for (e, n) in evals {
        out.push_str(e);
        out.push('\0');
        out.push_str(&n.to_string());
        out.push('\n');
    }
    out
}

/// The project's template overrides, as read from disk (the built-in
/// templates are part of the binary and never change under a running
/// process). Unreadable entries count as empty: the render reports them.
fn template_sources(theme_dir: Option<&Path>) -> Vec<(String, Vec<u8>)> {
    let Some(dir) = theme_dir.map(|d| d.join("templates")) else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, Vec<u8>)> = entries
        .filter_map(Result::ok)
        .map(|e| {
            let bytes = std::fs::read(e.path()).unwrap_or_default();
            (e.file_name().to_string_lossy().into_owned(), bytes)
        })
        .collect();
    out.sort();
    out
}
