//! Builds page contexts from the spec and renders them with tera.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use anyhow::{Context as _, Result, anyhow};
use rayon::prelude::*;
use tera::Tera;

use super::cache::RenderCache;
use super::context::*;
use super::markdown::{LinkMode, Linker, escape, render_inline, render_message_body, render_prose};
use super::typography::capitalize_first_word;
use super::{RenderOptions, Sink, highlight, minify, theme};
use crate::config::Config;
use crate::export;
use crate::model::{Block, Example, Item, Message, Reference, Spec};
use crate::parse::inline::plain_text;
use crate::pipeline::Loaded;
use crate::site;

pub struct SiteRenderer<'a> {
    spec: &'a Spec,
    config: &'a Config,
    tera: Arc<Tera>,
    site: SiteCtx,
    chapters: Vec<Link>,
    toc: Vec<TocItem>,
    refs_to: HashMap<&'a str, Vec<&'a Reference>>,
    live_reload: Option<String>,
    defer_search: bool,
    /// Under `serve`: fragments and pages kept from the previous render.
    cache: Option<&'a RenderCache>,
}

impl<'a> SiteRenderer<'a> {
    pub fn new(loaded: &'a Loaded, opts: &RenderOptions) -> Result<Self> {
        let tera = theme::load_templates(loaded.config.theme_dir.as_deref())?;
        Ok(Self::with_templates(loaded, opts, Arc::new(tera)))
    }

    /// [`SiteRenderer::new`] with the templates already loaded (`serve`
    /// keeps them while they do not change).
    pub fn with_templates(loaded: &'a Loaded, opts: &RenderOptions, tera: Arc<Tera>) -> Self {
        let spec = &loaded.spec;
        let config = &loaded.config;
        let description = spec
            .meta
            .description
            .clone()
            .unwrap_or_else(|| first_paragraph(spec));
        let site = SiteCtx {
            title: spec.meta.title.clone(),
            description,
            language: spec.meta.language.clone(),
            authors: spec.meta.authors.clone(),
            repo_url: config.git_repository_url.clone(),
            site_url: config.site_url.clone(),
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
            chapters,
            toc: Vec::new(),
            refs_to,
            live_reload: opts.live_reload.clone(),
            defer_search: opts.defer_search,
            cache: None,
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
    pub fn with_cache(mut self, cache: &'a RenderCache) -> Self {
        cache.begin(self.spec);
        self.cache = Some(cache);
        self
    }

    /// A markdown fragment: from the cache when its inputs are unchanged.
    fn fragment(
        &self,
        kind: &str,
        text: &str,
        link: &Linker<'_>,
        render: impl FnOnce() -> String,
    ) -> String {
        match self.cache {
            Some(c) => c.fragment(kind, text, link, render),
            None => render(),
        }
    }

    fn toc_item(&self, i: usize) -> TocItem {
        let s = &self.spec.sections[i];
        TocItem {
            id: s.id.clone(),
            title: s.title.clone(),
            level: s.level,
            href: site::section_href(self.spec, i),
            authority: s.authority.clone(),
            authority_label: s.authority_level().map(|a| a.label().to_owned()),
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
            extra: distinct - 1,
            title: format!(
                "The highest authority principle in this section is {}",
                top.label()
            ),
        })
    }

    pub fn render_all(&self, sink: &dyn Sink) -> Result<()> {
        let spec = self.spec;
        let mut jobs: Vec<Job> = vec![
            Job::Home,
            Job::Single,
            Job::NotFound,
            Job::Examples,
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
        // Highlighting classes the pages use: highlight.css keeps only those.
        let classes = Mutex::new(BTreeSet::new());
        // The search index and spec.json are independent of the pages:
        // build all three at once.
        let (pages, (search, spec_json)) = rayon::join(
            || -> Result<Vec<String>> {
                jobs.par_iter()
                    .map(|j| {
                        let (path, bytes) = self.render_job(j)?;
                        let mut used = BTreeSet::new();
                        highlight::collect_classes(&bytes, &mut used);
                        if !used.is_empty()
                            && let Ok(mut all) = classes.lock()
                        {
                            all.extend(used);
                        }
                        sink.put(path.clone(), bytes)?;
                        Ok(path)
                    })
                    .collect()
            },
            || {
                rayon::join(
                    || -> Result<()> {
                        if self.defer_search {
                            return Ok(());
                        }
                        crate::search::build::build_into(spec, &mut |f| sink.put(f.path, f.bytes))
                    },
                    || sink.put(site::SPEC_JSON.into(), export::to_json(spec).into_bytes()),
                )
            },
        );
        let pages = pages?;
        search?;
        spec_json?;
        for f in theme::static_files(self.config.theme_dir.as_deref())? {
            let bytes = match f.builtin {
                true => minify::asset(&f.name, f.bytes),
                false => f.bytes,
            };
            sink.put(format!("static/{}", f.name), bytes)?;
        }
        let classes = classes.into_inner().unwrap_or_default();
        sink.put(
            "static/highlight.css".into(),
            highlight::stylesheet(&classes).into_bytes(),
        )?;
        for (path, text) in [
            ("search.js", crate::search::SEARCH_JS),
            ("search.css", crate::search::SEARCH_CSS),
            ("examples.js", crate::search::EXAMPLES_JS),
        ] {
            sink.put(path.into(), minify::asset(path, text.as_bytes().to_vec()))?;
        }
        if let Some(url) = &self.config.site_url {
            sink.put("sitemap.xml".into(), sitemap(url, &pages).into_bytes())?;
        }
        Ok(())
    }

    fn render_job(&self, job: &Job) -> Result<(String, Vec<u8>)> {
        let spec = self.spec;
        let (template, path, ctx) = match *job {
            Job::Toc => {
                let path = "static/toc.js";
                let key = self.cache_key(&self.toc)?;
                if let Some(bytes) = self.cached_page(path, "toc.html", &key) {
                    return Ok((path.into(), bytes));
                }
                let mut ctx = tera::Context::new();
                ctx.insert("toc", &self.toc);
                let html = self.render_template("toc.html", &ctx, path)?;
                let js = format!(
                    "/* Generated by specbook: the sidebar table of contents, shared by every page. */\nwindow.SPECBOOK_TOC={};\n",
                    serde_json::to_string(html.trim()).expect("string serialises")
                );
                self.store_page(path, "toc.html", key, js.as_bytes());
                return Ok((path.into(), js.into_bytes()));
            }
            Job::Home => {
                let link = Linker {
                    spec,
                    mode: LinkMode::Paged { base: "" },
                };
                let intro = (!spec.preamble.is_empty()).then(|| {
                    self.blocks(&spec.preamble, &link)
                        .into_iter()
                        .map(block_html)
                        .collect::<String>()
                });
                let mut c = self.page_ctx("home", &self.site.title, site::INDEX_PAGE, "");
                c.toc = Some(&self.toc);
                c.home = Some(HomeCtx { intro_html: intro });
                ("index.html", site::INDEX_PAGE.to_owned(), c)
            }
            Job::Single => {
                let link = Linker {
                    spec,
                    mode: LinkMode::Single,
                };
                let mut c = self.page_ctx(
                    "single",
                    &format!("{} (single page)", self.site.title),
                    site::SINGLE_PAGE,
                    "",
                );
                let all: Vec<usize> = (0..spec.sections.len()).collect();
                c.sections = Some(self.sections_html(&all, &link)?);
                ("single.html", site::SINGLE_PAGE.to_owned(), c)
            }
            Job::NotFound => {
                let base = self.config.site_url.as_deref().unwrap_or("");
                let c = self.page_ctx("not_found", "Page not found", site::NOT_FOUND_PAGE, base);
                ("404.html", site::NOT_FOUND_PAGE.to_owned(), c)
            }
            Job::Examples => {
                let c = self.page_ctx("examples", "Examples", site::EXAMPLES_PAGE, "");
                ("examples.html", site::EXAMPLES_PAGE.to_owned(), c)
            }
            Job::Chapter(i) => {
                let link = Linker {
                    spec,
                    mode: LinkMode::Paged { base: "" },
                };
                let s = &spec.sections[i];
                let path = site::section_page(spec, i);
                let mut c = self.page_ctx("chapter", &s.title, &path, "");
                c.page.chapter = Some(s.id.clone());
                c.page.description = section_description(spec, i).unwrap_or(c.page.description);
                let pos = self
                    .chapters
                    .iter()
                    .position(|l| l.href == path)
                    .unwrap_or(0);
                c.chapter = Some(ChapterCtx {
                    id: s.id.clone(),
                    title: s.title.clone(),
                    href: path.clone(),
                    prev: pos.checked_sub(1).map(|p| self.chapters[p].clone()),
                    next: self.chapters.get(pos + 1).cloned(),
                });
                let mut ids = vec![i];
                ids.extend(spec.descendants(i));
                c.sections = Some(self.sections_html(&ids, &link)?);
                ("chapter.html", path, c)
            }
            Job::Eval(e) => {
                let ev = &spec.evals[e];
                let link = Linker {
                    spec,
                    mode: LinkMode::Paged { base: "../" },
                };
                let path = site::eval_page(&ev.id);
                let title = match &ev.header_section {
                    Some(s) => format!("Eval prompts {} · {}", ev.id, s),
                    None => format!("Eval prompts {}", ev.id),
                };
                let mut c = self.page_ctx("eval", &title, &path, "../");
                c.eval = Some(EvalCtx {
                    id: ev.id.clone(),
                    file: ev.file.clone(),
                    title,
                    cited_by: ev
                        .cited_by
                        .iter()
                        .map(|&i| Link {
                            href: site::section_href(spec, i),
                            title: spec.sections[i].title.clone(),
                        })
                        .collect(),
                    examples: ev
                        .examples
                        .iter()
                        .map(|x| self.example_ctx(x, &link))
                        .collect(),
                });
                ("eval.html", path, c)
            }
        };
        // Sections enter the key by version, not by their HTML (see
        // `SectionHtml::version`): comparing a few numbers instead of the
        // whole single page on every edit.
        let mut ctx = ctx;
        let htmls: Vec<String> = match (&mut ctx.sections, self.cache) {
            (Some(sections), Some(_)) => sections
                .iter_mut()
                .map(|s| std::mem::take(&mut s.html))
                .collect(),
            _ => Vec::new(),
        };
        let key = self.cache_key(&ctx)?;
        if let Some(bytes) = self.cached_page(&path, template, &key) {
            return Ok((path, bytes));
        }
        if let Some(sections) = &mut ctx.sections
            && !htmls.is_empty()
        {
            for (s, html) in sections.iter_mut().zip(htmls) {
                s.html = html;
                s.version = 0;
            }
        }
        let ctx =
            tera::Context::from_serialize(&ctx).context("failed to build the template context")?;
        let html = self.render_template(template, &ctx, &path)?;
        self.store_page(&path, template, key, html.as_bytes());
        Ok((path, html.into_bytes()))
    }

    /// The serialised context a cached page is compared by (empty when
    /// there is no cache).
    fn cache_key(&self, ctx: &impl serde::Serialize) -> Result<Vec<u8>> {
        match self.cache {
            Some(_) => serde_json::to_vec(ctx).context("failed to build the template context"),
            None => Ok(Vec::new()),
        }
    }

    fn cached_page(&self, path: &str, template: &str, key: &[u8]) -> Option<Vec<u8>> {
        self.cache
            .and_then(|c| c.page(path, template, key))
            .map(|(bytes, _)| bytes)
    }

    /// Keeps a rendered page (or section) under `serve`; its cache version,
    /// or 0 without a cache.
    fn store_page(&self, path: &str, template: &str, key: Vec<u8>, bytes: &[u8]) -> u64 {
        self.cache
            .map_or(0, |c| c.store_page(path, template, key, bytes))
    }

    fn render_template(&self, template: &str, ctx: &tera::Context, path: &str) -> Result<String> {
        self.tera.render(template, ctx).map_err(|e| {
            anyhow!(
                "template `{template}` failed for `{path}`: {}",
                theme::error_chain(&e)
            )
        })
    }

    fn page_ctx(
        &self,
        kind: &'static str,
        title: &str,
        path: &str,
        base: &'a str,
    ) -> PageContext<'_> {
        PageContext {
            site: &self.site,
            base,
            page: PageCtx {
                kind,
                title: title.to_owned(),
                path: path.to_owned(),
                canonical: self.config.site_url.as_ref().map(|u| format!("{u}{path}")),
                description: self.site.description.clone(),
                chapter: None,
            },
            live_reload: self.live_reload.as_deref(),
            chapters: &self.chapters,
            toc: None,
            home: None,
            chapter: None,
            sections: None,
            eval: None,
        }
    }

    /// The sections `ids`, each rendered on its own with `section.html`
    /// (in parallel; under `serve`, a section whose context is unchanged is
    /// not rendered again, so an edit re-renders one section of the single
    /// page, not the whole page).
    fn sections_html(&self, ids: &[usize], link: &Linker<'_>) -> Result<Vec<SectionHtml>> {
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
        let key = self.cache_key(&page)?;
        let cached = self
            .cache
            .and_then(|c| c.page(&name, SECTION_TEMPLATE, &key));
        let (html, version) = match cached {
            Some((bytes, version)) => (
                String::from_utf8(bytes).context("a cached section is not UTF-8")?,
                version,
            ),
            None => {
                let ctx = tera::Context::from_serialize(&page)
                    .context("failed to build the template context")?;
                let html = self.render_template(SECTION_TEMPLATE, &ctx, &name)?;
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
            .map(|t| t.replace("{path}", &s.source.file));
        SectionCtx {
            id: s.id.clone(),
            title: s.title.clone(),
            level: s.level,
            authority: s.authority.clone(),
            authority_label: s.authority_level().map(|a| a.label().to_owned()),
            u18: s.is_under_18(),
            aggregated: self.aggregated(i),
            edit_url,
            blocks: self.blocks(&s.blocks, link),
            // Backlinks help readers navigate the paged site; the single
            // page (read or printed in one go) leaves them out.
            referenced_by: match link.mode {
                LinkMode::Single => Vec::new(),
                LinkMode::Paged { .. } => self.referenced_by(&s.id, link),
            },
        }
    }

    fn blocks(&self, blocks: &[Block], link: &Linker<'_>) -> Vec<BlockCtx> {
        blocks
            .iter()
            .map(|b| match b {
                Block::Prose(span) => BlockCtx::Html {
                    html: self
                        .fragment("prose", &span.text, link, || render_prose(&span.text, link)),
                },
                Block::Commentary(c) => BlockCtx::Commentary {
                    html: self.fragment("prose", &c.body.text, link, || {
                        render_prose(&c.body.text, link)
                    }),
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
                            plain_text(&e.title.text, &|t| spec.section(t).map(|s| s.title.clone()))
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

    fn example_ctx(&self, ex: &Example, link: &Linker<'_>) -> ExampleCtx {
        let title_html =
            capitalize_first_word(&self.fragment("inline", &ex.title.text, link, || {
                render_inline(&ex.title.text, link)
            }));
        let u18 = ex.messages.iter().any(|m| {
            m.settings_only()
                && m.settings()
                    .iter()
                    .any(|(k, v)| k == "under_18" && v == "true")
        });
        let items = ex
            .items
            .iter()
            .map(|item| match item {
                Item::Message(m) => {
                    let msg = &ex.messages[*m];
                    // Settings-only system messages are drawn too (as a
                    // settings block), besides the U18 badge they imply:
                    // every message of the data is on the page.
                    ItemCtx::Message {
                        message: self.message_ctx(msg, link),
                    }
                }
                Item::Comparison { messages, .. } => {
                    let mut ms: Vec<&Message> = messages.iter().map(|&m| &ex.messages[m]).collect();
                    // Compliant first, as the official page draws them.
                    ms.sort_by_key(|m| m.verdict.map_or(3, |v| v.rank()));
                    ItemCtx::Comparison {
                        vertical: ms.len() >= 4,
                        messages: ms.into_iter().map(|m| self.message_ctx(m, link)).collect(),
                    }
                }
                Item::Elision(_) => ItemCtx::Elision,
            })
            .collect();
        ExampleCtx {
            id: ex.id.clone(),
            title_html,
            u18,
            items,
        }
    }

    fn message_ctx(&self, m: &Message, link: &Linker<'_>) -> MessageCtx {
        let (role_label, shown) = role_label(m);
        let attrs = m
            .attrs
            .iter()
            .filter(|(k, _)| !shown.contains(&k.as_str()))
            .map(|(k, v)| Attr {
                name: k.clone(),
                value: v.clone(),
            })
            .collect();
        let mut comment = m.comment.as_ref().map(|c| {
            capitalize_first_word(
                &self.fragment("inline", &c.text, link, || render_inline(&c.text, link)),
            )
        });
        if m.comment.is_none() {
            comment = m.attr("comment").map(escape);
        }
        if !m.refs.is_empty() {
            let named: Vec<String> = m
                .refs
                .iter()
                .map(|r| {
                    let title = link
                        .title(r)
                        .map(super::typography::smarten)
                        .unwrap_or_else(|| r.clone());
                    format!(
                        "<a class=\"xref\" href=\"{}\">{}</a>",
                        escape(&link.section_href(r)),
                        escape(&title)
                    )
                })
                .collect();
            comment = Some(match comment {
                Some(c) => format!("{c}; conflicts with {}", named.join(", ")),
                None => format!("Conflicts with {}", named.join(", ")),
            });
        }
        MessageCtx {
            role: m.role.clone(),
            role_label,
            attrs,
            verdict: m.verdict.map(|v| v.as_str()),
            verdict_label: m.verdict.map(|v| v.label()),
            body_html: self.fragment(
                &format!("message:{}:{}", m.role, m.attr("recipient").is_some()),
                &m.content.text,
                link,
                || render_message_body(m, link),
            ),
            comment_html: comment,
        }
    }
}

/// Renders one section; chapter and single pages assemble them.
const SECTION_TEMPLATE: &str = "section.html";

enum Job {
    Home,
    Single,
    NotFound,
    Examples,
    Toc,
    Chapter(usize),
    Eval(usize),
}

fn block_html(b: BlockCtx) -> String {
    match b {
        BlockCtx::Html { html } => html,
        BlockCtx::Commentary { html } => format!("<aside class=\"commentary\">{html}</aside>"),
        BlockCtx::Example { .. } => String::new(),
    }
}

/// "Assistant to Python", "Assistant to Function Call ask_question"; also
/// returns the attributes already shown in the label.
fn role_label(m: &Message) -> (String, Vec<&'static str>) {
    let mut label = capitalize(&m.role);
    let mut shown = vec!["comment"];
    if let Some(r) = m.attr("recipient") {
        let target = match r.strip_prefix("functions.") {
            Some(f) => format!("Function Call {f}"),
            None => capitalize(r),
        };
        label = format!("{label} to {target}");
        shown.push("recipient");
    }
    if let (true, Some(n)) = (m.role == "tool", m.attr("name")) {
        label = format!("Tool: {n}");
        shown.push("name");
    }
    (label, shown)
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The first paragraph of the spec, as a fallback meta description.
fn first_paragraph(spec: &Spec) -> String {
    spec.sections
        .iter()
        .flat_map(|s| s.blocks.iter())
        .chain(spec.preamble.iter())
        .find_map(|b| match b {
            Block::Prose(p) => Some(p.text.split("\n\n").next().unwrap_or("").to_owned()),
            _ => None,
        })
        .map(|p| truncate(&plain_text(&p, &|_| None), 200))
        .unwrap_or_default()
}

fn section_description(spec: &Spec, i: usize) -> Option<String> {
    spec.sections[i].blocks.iter().find_map(|b| match b {
        Block::Prose(p) => {
            let t = plain_text(p.text.split("\n\n").next().unwrap_or(""), &|id| {
                spec.section(id).map(|s| s.title.clone())
            });
            (!t.is_empty()).then(|| truncate(&t, 200))
        }
        _ => None,
    })
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let cut: String = s.chars().take(max).collect();
    let cut = cut
        .rsplit_once(' ')
        .map_or(cut.as_str(), |(a, _)| a)
        .to_owned();
    format!("{cut}…")
}

/// `pages`: the paths of the rendered pages, in any order.
fn sitemap(site_url: &str, pages: &[String]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut pages: Vec<&String> = pages
        .iter()
        .filter(|p| p.ends_with(".html") && p.as_str() != site::NOT_FOUND_PAGE)
        .collect();
    pages.sort();
    for path in pages {
        out.push_str(&format!(
            "  <url><loc>{}</loc></url>\n",
            escape(&format!("{site_url}{path}"))
        ));
    }
    out.push_str("</urlset>\n");
    out
}
