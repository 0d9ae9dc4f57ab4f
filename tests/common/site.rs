//! Reading a built site: its files, attribute values, ids, and a checker
//! of every internal link.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every file of a built site, by relative path.
pub fn files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

pub fn attr_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let needle = format!(" {attr}=\"");
    html.match_indices(&needle)
        .map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

pub fn ids(html: &str) -> BTreeSet<String> {
    attr_values(html, "id")
        .into_iter()
        .map(str::to_owned)
        .collect()
}

pub fn unescape(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&#x2F;", "/")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

/// Resolves `href` found on page `from` (both relative to the site root).
pub fn resolve(from: &str, href: &str) -> (String, Option<String>) {
    let (path, frag) = match href.split_once('#') {
        Some((p, f)) => (p, Some(f.to_owned())),
        None => (href, None),
    };
    let path = path.split('?').next().unwrap();
    if path.is_empty() {
        return (from.to_owned(), frag);
    }
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in path.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    (parts.join("/"), frag)
}

/// A link checker over the whole output: every relative href/src of every
/// page (and of the shared sidebar in static/toc.js) names a file that
/// exists and, with a fragment, an element id on that page.
pub fn check_links(out: &Path) -> usize {
    let all = files(out);
    let html: BTreeMap<&str, String> = all
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| (p.as_str(), String::from_utf8(b.clone()).unwrap()))
        .collect();
    let page_ids: BTreeMap<&str, BTreeSet<String>> =
        html.iter().map(|(p, h)| (*p, ids(h))).collect();
    let mut checked = 0;
    let mut broken = Vec::new();
    let mut check = |from: &str, raw: &str| {
        let href = unescape(raw);
        if href.starts_with("http:")
            || href.starts_with("https:")
            || href.starts_with("mailto:")
            || href.starts_with("data:")
        {
            return;
        }
        let (path, frag) = resolve(from, &href);
        checked += 1;
        let target = if path.is_empty() || path.ends_with('/') {
            format!("{path}index.html")
        } else {
            path
        };
        if !all.contains_key(&target) {
            broken.push(format!("{from}: `{href}` -> missing file `{target}`"));
        } else if let Some(f) = frag.filter(|f| {
            !f.is_empty()
                && !page_ids
                    .get(target.as_str())
                    .is_some_and(|ids| ids.contains(f))
        }) {
            broken.push(format!("{from}: `{href}` -> no id `{f}` on `{target}`"));
        }
    };
    for (page, h) in &html {
        if *page == "404.html" {
            continue; // links there are relative to wherever the host serves it
        }
        for v in attr_values(h, "href")
            .into_iter()
            .chain(attr_values(h, "src"))
        {
            check(page, v);
        }
    }
    // The sidebar is shared by all pages of an edition; its links are
    // relative to that edition's root (the site's, or a release's folder
    // in a versioned site).
    for (path, bytes) in all.iter().filter(|(p, _)| p.ends_with("static/toc.js")) {
        let toc: String = serde_json::from_str(
            String::from_utf8(bytes.clone())
                .unwrap()
                .split_once('=')
                .unwrap()
                .1
                .trim()
                .trim_end_matches(';'),
        )
        .unwrap();
        let index = path.replace("static/toc.js", "index.html");
        for v in attr_values(&toc, "href") {
            check(&index, v);
        }
    }
    assert!(
        broken.is_empty(),
        "{} broken links, first: {:#?}",
        broken.len(),
        &broken[..broken.len().min(20)]
    );
    checked
}
