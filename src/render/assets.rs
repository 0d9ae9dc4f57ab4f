//! The site's assets: the theme's static files, the highlighting styles
//! the pages use, the search and examples scripts, and the sitemap.

use std::collections::BTreeSet;

use anyhow::Result;

use super::languages::LanguagesCtx;
use super::markdown::escape;
use super::strings::{Strings, localize_script};
use super::{highlight, minify, theme};
use crate::config::Config;
use crate::sink::Sink;
use crate::site;

/// Writes every asset; `classes` are the highlighting classes the pages
/// use, `pages` the paths of the rendered pages.
pub(super) fn write(
    config: &Config,
    site_url: Option<&str>,
    languages: Option<&LanguagesCtx>,
    strings: &Strings,
    classes: &BTreeSet<String>,
    pages: &[String],
    sink: &dyn Sink,
) -> Result<()> {
    for f in theme::static_files(config.theme_dir.as_deref())? {
        // A project's own files are copied as written (see `minify`), but
        // for the interface strings it marks as the built-in scripts do: a
        // theme started from `init --theme` speaks the site's language.
        let bytes = localized(&f.name, f.bytes, strings);
        let bytes = match f.builtin {
            true => minify::asset(&f.name, bytes),
            false => bytes,
        };
        sink.put(format!("static/{}", f.name), bytes)?;
    }
    sink.put(
        "static/highlight.css".into(),
        highlight::stylesheet(classes).into_bytes(),
    )?;
    for (path, text) in [
        ("search.js", crate::search::SEARCH_JS),
        ("search.css", crate::search::SEARCH_CSS),
        ("examples.js", crate::search::EXAMPLES_JS),
    ] {
        let bytes = localized(path, text.as_bytes().to_vec(), strings);
        sink.put(path.into(), minify::asset(path, bytes))?;
    }
    if let (Some(root), Some(url)) = (&config.site_url, site_url) {
        let alternates = languages.map(|l| (root.as_str(), l));
        let map = sitemap(url, alternates, pages);
        sink.put("sitemap.xml".into(), map.into_bytes())?;
    }
    Ok(())
}

/// A script with the edition's interface strings written in where it
/// marks them (before minifying: the marks are comments); other files as
/// they are.
fn localized(name: &str, bytes: Vec<u8>, strings: &Strings) -> Vec<u8> {
    if !name.ends_with(".js") {
        return bytes;
    }
    match String::from_utf8(bytes) {
        Ok(text) => localize_script(&text, strings).into_bytes(),
        Err(e) => e.into_bytes(),
    }
}

/// `pages`: the paths of the rendered pages, in any order, published at
/// `site_url`. In a site of several languages (`alternates`: the site
/// root's URL and the languages), each page names its counterparts, as
/// search engines read them (`xhtml:link rel=alternate hreflang`).
fn sitemap(site_url: &str, alternates: Option<(&str, &LanguagesCtx)>, pages: &[String]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"",
    );
    out.push_str(match alternates {
        Some(_) => " xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
        None => ">\n",
    });
    let mut pages: Vec<&String> = pages
        .iter()
        .filter(|p| p.ends_with(".html") && p.as_str() != site::NOT_FOUND_PAGE)
        .collect();
    pages.sort();
    for path in pages {
        out.push_str(&format!(
            "  <url><loc>{}</loc>",
            escape(&format!("{site_url}{path}"))
        ));
        if let Some((root, languages)) = alternates {
            for l in &languages.list {
                out.push_str(&format!(
                    "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                    escape(&l.code),
                    escape(&format!("{root}{}{path}", l.prefix))
                ));
            }
            out.push_str(&format!(
                "<xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>",
                escape(&format!("{root}{path}"))
            ));
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}
