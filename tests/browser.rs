//! Real-browser tests (issue 4): headless Chromium against the built and
//! served sample project and real corpus. See `tests/browser/README.md`.
//!
//! Needs Chromium (`apt-get install -y chromium`) and axe-core
//! (`npm install --prefix target/npm axe-core@4`); without them the tests
//! fail with that hint, they never pass silently.

mod common;
#[path = "browser/harness.rs"]
mod harness;

use std::collections::{BTreeMap, HashMap};

use std::time::Duration;

use harness::{
    COMBOBOX, NARROW, Page, Serve, Site, WIDE, corpus, open_search, sample, scratch_sample, str_of,
    wait_options,
};
use serde_json::Value;

/// Role names as the renderer labels them (`spec.json` roles are lower-case).
fn role_label(role: &str) -> String {
    let mut c = role.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn verdict_label(verdict: &str) -> &'static str {
    match verdict {
        "good" => "Compliant",
        "bad" => "Violation",
        "ok" => "Minor issues",
        other => panic!("unknown verdict {other}"),
    }
}

fn norm(s: &str) -> String {
    s.replace(['\u{2018}', '\u{2019}'], "'")
        .replace(['\u{201c}', '\u{201d}'], "\"")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------

fn home_page_check(site: &Site) {
    let page = Page::open(site);
    page.goto(&site.url("index.html"));
    let links: Vec<(String, String)> = page.js(
        "return $$('main a[href]').filter(vis).map(a => [a.href.split('#')[0], norm(a.textContent)]);",
    );
    let mut missing = Vec::new();
    for (id, title) in site.top_sections() {
        let want = site.url(&format!("{id}.html"));
        let title = norm(&title);
        if !links
            .iter()
            .any(|(href, text)| *href == want && text.contains(&title))
        {
            missing.push(format!("  {id}: \"{title}\" linking to {want}"));
        }
    }
    assert!(
        missing.is_empty(),
        "{}: the home page does not list these top-level sections as visible links:\n{}",
        site.name,
        missing.join("\n")
    );
    page.assert_only_local_requests();
}

#[test]
fn home_page_lists_every_top_level_section() {
    home_page_check(sample());
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn corpus_home_page_lists_every_top_level_section() {
    home_page_check(corpus());
}

/// Every example of every page of the sample (of the corpus: of its
/// busiest page) is drawn with its messages, role labels and verdicts;
/// at least `min` examples are checked.
fn section_page_check(site: &Site, min: usize) {
    let mut checked = 0;
    let page = Page::open(site);
    let pages = site.examples_by_page();
    let busiest = site.page_with_most_examples();
    for (path, examples) in pages
        .iter()
        .filter(|(p, v)| !v.is_empty() && (site.name == "sample" || *p == busiest))
    {
        page.goto(&site.url(path));
        let found: Vec<Value> = page.js("return $$('figure.example[id]').map(f => ({
               id: f.id,
               visible: vis(f),
               messages: $$('[data-role]', f).map(m => ({
                 role: m.dataset.role,
                 verdict: m.dataset.verdict || null,
                 text: m.innerText.trim().slice(0, 200),
                 labels: $$('*', m).filter(e => vis(e) && e.children.length <= 2)
                           .map(e => norm(e.textContent)).filter(t => t.length < 40),
               })),
             }));");
        let by_id: HashMap<&str, &Value> = found
            .iter()
            .map(|f| (f["id"].as_str().unwrap_or(""), f))
            .collect();
        let mut problems = Vec::new();
        for ex in examples {
            let id = str_of(&ex["id"]);
            let Some(fig) = by_id.get(id.as_str()) else {
                problems.push(format!("{id}: no figure.example with this id"));
                continue;
            };
            if fig["visible"] != Value::Bool(true) {
                problems.push(format!("{id}: the example is not visible"));
            }
            // A system message holding nothing but `<settings>` may be
            // folded into a badge of the example (the renderer's design);
            // every other message must be there, in order.
            let all = ex["messages"].as_array().unwrap();
            let got = fig["messages"].as_array().unwrap();
            let folded = |m: &Value| {
                let c = m["content"].as_str().unwrap_or("").trim();
                c.starts_with("<settings>") && c.ends_with("</settings>")
            };
            let mut want: Vec<&Value> = if all.len() == got.len() {
                all.iter().collect()
            } else {
                all.iter().filter(|m| !folded(m)).collect()
            };
            let mut got: Vec<&Value> = got.iter().collect();
            // Alternatives of a comparison may be shown in another order
            // (e.g. Compliant first): compare each run of responses with
            // verdicts as a set.
            sort_verdict_runs(&mut want);
            sort_verdict_runs(&mut got);
            if want.len() != got.len() {
                problems.push(format!(
                    "{id}: {} messages in spec.json, {} [data-role] elements",
                    all.len(),
                    got.len()
                ));
                continue;
            }
            for (i, (w, g)) in want.iter().zip(&got).enumerate() {
                let role = str_of(&w["role"]);
                if g["role"].as_str() != Some(&role) {
                    problems.push(format!("{id} #{i}: data-role {} != {role}", g["role"]));
                }
                let text = g["text"].as_str().unwrap_or("").to_lowercase();
                if !text.starts_with(&role) {
                    problems.push(format!(
                        "{id} #{i}: the message's visible text does not begin with its role label \"{}\": {text:.60}",
                        role_label(&role)
                    ));
                }
                let labels: Vec<&str> = g["labels"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(Value::as_str)
                    .collect();
                match w["verdict"].as_str() {
                    Some(v) => {
                        if g["verdict"].as_str() != Some(v) {
                            problems
                                .push(format!("{id} #{i}: data-verdict {} != {v}", g["verdict"]));
                        }
                        let label = verdict_label(v);
                        if !labels.iter().any(|l| l.eq_ignore_ascii_case(label)) {
                            problems.push(format!(
                                "{id} #{i}: no visible \"{label}\" label for verdict {v} (visible labels: {labels:?})"
                            ));
                        }
                    }
                    None => {
                        if !g["verdict"].is_null() {
                            problems.push(format!(
                                "{id} #{i}: unexpected data-verdict {}",
                                g["verdict"]
                            ));
                        }
                    }
                }
            }
            checked += 1;
        }
        assert!(
            problems.is_empty(),
            "{} {path}: examples not shown as expected:\n  {}",
            site.name,
            problems.join("\n  ")
        );
    }
    page.assert_only_local_requests();
    assert!(checked >= min, "only {checked} examples checked");
}

#[test]
fn section_page_shows_examples_with_role_labels_and_verdicts() {
    section_page_check(sample(), 10);
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn corpus_section_page_shows_examples_with_role_labels_and_verdicts() {
    section_page_check(corpus(), 5);
}

/// Sorts each run of consecutive messages carrying a verdict by verdict.
fn sort_verdict_runs(msgs: &mut [&Value]) {
    let has = |m: &&Value| m["verdict"].is_string();
    let mut i = 0;
    while i < msgs.len() {
        let start = i;
        while i < msgs.len() && has(&msgs[i]) {
            i += 1;
        }
        msgs[start..i].sort_by_key(|m| str_of(&m["verdict"]));
        i = i.max(start + 1);
    }
}

/// Clicks the link chosen by `pick` (a JS expression) and checks that the
/// browser lands on its target: the URL, and the target's heading inside
/// the viewport and not covered by anything (such as a sticky header).
fn click_and_land(page: &Page, pick: &str, what: &str) -> String {
    let href: String = page.js(&format!(
        "const a = ({pick}); if (!a) return null; a.setAttribute('data-bt-link', ''); return a.href;"
    ));
    assert!(
        !href.is_empty(),
        "{what}: no such link on {}",
        page.tab.get_url()
    );
    let (doc, hash) = href.split_once('#').expect("link has a fragment");
    let cross_page = page.js::<String>("return location.href.split('#')[0];") != doc;
    if cross_page {
        page.js::<Value>("window.__btOld = true; return null;");
    }
    page.click("$('[data-bt-link]')");
    if cross_page {
        page.wait_loaded(&format!("{what}: page {doc} to load"));
    }
    let landed = page.wait_for(
        &format!(
            "const want = {href:?};
             if (location.href !== want) return false;
             const t = document.getElementById(decodeURIComponent({hash:?}));
             const v = inView(t);
             return v.ok ? v : false;"
        ),
        &format!("{what}: {href} to be open with its heading visible in the viewport"),
    );
    eprintln!("[browser] {what}: landed on {href}: {landed}");
    hash.to_owned()
}

#[test]
fn xref_link_lands_on_target_heading() {
    let site = sample();
    let page = Page::open(site);
    for path in site.chapter_pages() {
        page.goto(&site.url(&path));
        let has: bool = page.js(
            "return $$('main a.xref').some(a => !a.closest('.message-note') && a.href.split('#')[0] !== location.href.split('#')[0]);",
        );
        if !has {
            continue;
        }
        let text: String = page.js(
            "const a = $$('main a.xref').find(a => !a.closest('.message-note') && a.href.split('#')[0] !== location.href.split('#')[0]);
             return norm(a.textContent);",
        );
        let id = click_and_land(
            &page,
            "$$('main a.xref').find(a => !a.closest('.message-note') && a.href.split('#')[0] !== location.href.split('#')[0])",
            "[?](#id) link to another page",
        );
        let heading: String = page.js(&format!(
            "const t = document.getElementById({id:?}); const h = t.querySelector('h1,h2,h3,h4,h5,h6') || t; return norm(h.textContent);"
        ));
        assert_eq!(
            norm(&text),
            norm(&heading),
            "a [?](#{id}) link should show its target's title"
        );
        // And a link to a heading on the same page.
        page.goto(&site.url("index.html"));
        page.goto(&site.url(&path));
        let same: bool = page.js(
            "return $$('main a.xref').some(a => a.href.split('#')[0] === location.href.split('#')[0]);",
        );
        if same {
            click_and_land(
                &page,
                "$$('main a.xref').find(a => a.href.split('#')[0] === location.href.split('#')[0])",
                "[?](#id) link on the same page",
            );
        }
        page.assert_only_local_requests();
        return;
    }
    panic!("no chapter page of the sample has an [?](#id) link to another page");
}

#[test]
fn bad_verdict_link_lands_on_target_heading() {
    let site = sample();
    let page = Page::open(site);
    let pick = "$$('[data-verdict=\"bad\"] a.xref').find(a => a.closest('[data-verdict]').dataset.verdict === 'bad')";
    for path in site.chapter_pages() {
        page.goto(&site.url(&path));
        if !page.js::<bool>(&format!("return !!({pick});")) {
            continue;
        }
        click_and_land(&page, pick, "BAD[#id] link in a verdict note");
        page.assert_only_local_requests();
        return;
    }
    panic!("no chapter page of the sample has a BAD[#id] link in a verdict note");
}

#[test]
fn footnote_reaches_eval_page_and_cited_by_returns() {
    let site = sample();
    let page = Page::open(site);
    for path in site.chapter_pages() {
        page.goto(&site.url(&path));
        let eval: Option<String> =
            page.js("const a = $('main a.eval-ref'); return a ? a.href : null;");
        let Some(eval) = eval else { continue };
        let citing: String = page.js(
            "const a = $('main a.eval-ref'); const s = a.closest('section[id]'); return s ? s.id : '';",
        );
        assert!(
            !citing.is_empty(),
            "the footnote link is not inside a section with an id"
        );
        page.js::<Value>("$('main a.eval-ref').setAttribute('data-bt-fn', ''); window.__btOld = true; return null;");
        page.click("$('[data-bt-fn]')");
        page.wait_loaded("the eval-prompt page to load");
        assert_eq!(page.js::<String>("return location.href;"), eval);
        let info: Value = page.js(
            "return { examples: $$('figure.example[id]').filter(vis).length,
                      back: $$('main a[href]').filter(a => /cited by/i.test((a.closest('div,section,aside,nav,header') || {}).textContent || '')).map(a => a.href) };",
        );
        assert!(
            info["examples"].as_u64().unwrap_or(0) > 0,
            "the eval-prompt page {eval} shows no prompts: {info}"
        );
        let back_to = format!("{}#{citing}", site.url(&path));
        let back = info["back"].as_array().unwrap();
        assert!(
            back.iter().any(|b| b.as_str() == Some(back_to.as_str())),
            "the eval-prompt page has no \"Cited by\" link back to {back_to}: {back:?}"
        );
        click_and_land(
            &page,
            &format!("$$('main a[href]').find(a => a.href === {back_to:?})"),
            "Cited by back-link",
        );
        let cites: bool = page.js(&format!(
            "return $$('a.eval-ref', document.getElementById({citing:?})).some(a => a.href === {eval:?});"
        ));
        assert!(
            cites,
            "the section reached by the back-link does not cite {eval}"
        );
        page.assert_only_local_requests();
        return;
    }
    panic!("no chapter page of the sample has a footnote link (a.eval-ref)");
}

#[test]
fn copy_link_puts_example_url_on_clipboard() {
    let site = sample();
    let page = Page::open(site);
    page.grant_clipboard(site);
    let path = site.page_with_most_examples();
    page.goto(&site.url(&path));
    let id: String = page.js("return $$('figure.example[id]')[1].id;");
    page.js::<Value>("return navigator.clipboard.writeText('nothing yet');");
    page.click(&format!(
        "$('button.copy-link', document.getElementById({id:?}))"
    ));
    let want = format!("{}#{id}", site.url(&path));
    let got = page.wait_for(
        &format!(
            "const t = await navigator.clipboard.readText(); return t === {want:?} ? t : false;"
        ),
        &format!("the clipboard to hold {want}"),
    );
    assert_eq!(got.as_str(), Some(want.as_str()));
    let label: String = page.js(&format!(
        "return norm($('button.copy-link', document.getElementById({id:?})).textContent);"
    ));
    assert!(
        label.to_lowercase().contains("copied"),
        "the copy-link control should confirm the copy, shows \"{label}\""
    );
    page.assert_only_local_requests();
}

#[test]
fn dark_mode_toggle_persists_across_pages() {
    let site = sample();
    let page = Page::open(site);
    page.color_scheme("light");
    page.goto(&site.url("index.html"));
    let theme = |p: &Page| -> (String, f64) {
        let v: Value = p.js(
            "const c = getComputedStyle(document.body).backgroundColor.match(/[\\d.]+/g).map(Number);
             const lum = (0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]) / 255;
             return [document.documentElement.getAttribute('data-theme') || '', lum];",
        );
        (str_of(&v[0]), v[1].as_f64().unwrap())
    };
    let (t, lum) = theme(&page);
    assert_eq!(t, "light", "a light system preference starts in light mode");
    assert!(
        lum > 0.5,
        "light mode should have a light background (luminance {lum})"
    );

    page.click("$('button.theme-toggle')");
    page.wait_for(
        "return document.documentElement.getAttribute('data-theme') === 'dark';",
        "the toggle to switch to dark mode",
    );
    let pressed: String = page.js("return $('button.theme-toggle').getAttribute('aria-pressed');");
    assert_eq!(
        pressed, "true",
        "the toggle reports its state with aria-pressed"
    );

    // Follow a link to another page: still dark, before and after load.
    let next = site.page_with_most_examples();
    page.js::<Value>(&format!(
        "$$('main a[href]').find(a => a.href.split('#')[0] === {:?}).setAttribute('data-bt-next', ''); return null;",
        site.url(&next)
    ));
    page.js::<Value>("window.__btOld = true; return null;");
    page.click("$('[data-bt-next]')");
    page.wait_loaded("the next page to load");
    let (t, lum) = theme(&page);
    assert_eq!(
        t, "dark",
        "dark mode chosen with the toggle persists on {next}"
    );
    assert!(
        lum < 0.25,
        "dark mode should have a dark background on {next} (luminance {lum})"
    );

    // A fresh load of a third page, and a light system preference: still dark.
    page.goto(&site.url("all.html"));
    assert_eq!(theme(&page).0, "dark", "dark mode persists on all.html");

    // Back to light, persisted over a dark system preference.
    page.click("$('button.theme-toggle')");
    page.wait_for(
        "return document.documentElement.getAttribute('data-theme') === 'light';",
        "the toggle to switch back to light mode",
    );
    page.color_scheme("dark");
    page.goto(&site.url("index.html"));
    assert_eq!(
        theme(&page).0,
        "light",
        "light mode chosen with the toggle wins over a dark system preference"
    );
    page.assert_only_local_requests();
}

fn single_page_check(site: &Site) {
    let page = Page::open(site);
    page.goto(&site.url("all.html"));
    let ids: Vec<String> = page.js("return $$('figure.example[id]').map(f => f.id);");
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for id in &ids {
        *count.entry(id.as_str()).or_default() += 1;
    }
    let mut problems = Vec::new();
    for ex in site.examples() {
        let id = ex["id"].as_str().unwrap();
        match count.remove(id) {
            Some(1) => {}
            Some(n) => problems.push(format!("{id}: {n} times")),
            None => problems.push(format!("{id}: missing")),
        }
    }
    for (id, n) in count {
        problems.push(format!("{id}: {n} time(s), not an example of spec.json"));
    }
    assert!(
        problems.is_empty(),
        "{}: all.html should hold each of the {} examples exactly once:\n  {}",
        site.name,
        site.examples().len(),
        problems.join("\n  ")
    );
    page.assert_only_local_requests();
}

#[test]
fn single_page_edition_contains_every_example_once() {
    single_page_check(sample());
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn corpus_single_page_edition_contains_every_example_once() {
    single_page_check(corpus());
}

/// The single page draws its sidebar from its own sections (no toc.js):
/// the same entries, titles, nesting and badges as the sidebar the chapter
/// pages load, each linking to its section on this page.
fn single_page_sidebar_check(site: &Site) {
    let page = Page::open(site);
    // Every entry as "depth|id|title|badge text", in order.
    let entries = "return $$('#toc-mount .toc-link').map(a => {\n\
        const depth = a.closest('.toc-list').className.match(/depth-(\\d)/)[1];\n\
        const id = a.getAttribute('href').split('#')[1];\n\
        const badge = a.querySelector('.badge');\n\
        return [depth, id, a.querySelector('.toc-title').textContent, badge ? badge.className + ':' + badge.textContent : ''].join('|');\n\
    });";
    page.goto(&site.url(&site.chapter_pages()[0]));
    let shared: Vec<String> = page.js(entries);
    page.goto(&site.url("all.html"));
    let drawn: Vec<String> = page.js(entries);
    assert!(
        !shared.is_empty(),
        "{}: the chapter page has no sidebar",
        site.name
    );
    assert_eq!(drawn, shared, "{}: all.html's sidebar differs", site.name);
    let off_page: Vec<String> =
        page.js("return $$('#toc-mount a').map(a => a.getAttribute('href')).filter(h => !h.startsWith('#') || !document.getElementById(h.slice(1)));");
    assert!(
        off_page.is_empty(),
        "{}: all.html sidebar links that do not land on this page: {off_page:?}",
        site.name
    );
    let scripts: Vec<String> = page.js("return $$('script[src]').map(s => s.getAttribute('src'));");
    assert!(
        !scripts.iter().any(|s| s.ends_with("toc.js")),
        "{}: all.html loads toc.js: {scripts:?}",
        site.name
    );
    page.assert_only_local_requests();
}

#[test]
fn single_page_sidebar_matches_the_shared_table_of_contents() {
    single_page_sidebar_check(sample());
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn corpus_single_page_sidebar_matches_the_shared_table_of_contents() {
    single_page_sidebar_check(corpus());
}

// ---------------------------------------------------------------------------
// Layout (with screenshots) and privacy
// ---------------------------------------------------------------------------

fn layout_check(site: &Site) {
    // Screenshots of an earlier run must not pass for this one's.
    let shots_dir = harness::screenshot_dir();
    for e in std::fs::read_dir(&shots_dir)
        .into_iter()
        .flatten()
        .flatten()
    {
        if e.file_name()
            .to_string_lossy()
            .starts_with(&format!("{}-", site.name))
        {
            let _ = std::fs::remove_file(e.path());
        }
    }
    let page = Page::open(site);
    let mut problems = Vec::new();
    let mut shots = Vec::new();
    let mut pages = site.key_pages();
    if site.has("examples.html") {
        pages.push(("examples", "examples.html".to_owned()));
    }
    let home = std::fs::read_to_string(site.dir.join("index.html")).unwrap_or_default();
    if home.contains("search.js") {
        pages.push(("search", "index.html?q=assistant".to_owned()));
    }
    for (kind, path) in pages {
        for (size, label) in [(NARROW, "360"), (WIDE, "1280")] {
            page.viewport(size);
            page.color_scheme("light");
            page.goto(&site.url(&path));
            match kind {
                "examples" => {
                    page.wait_for(
                        "return $$('[data-examples-browser] li[data-doc]').length > 0;",
                        "the examples browser to list entries",
                    );
                }
                "search" => {
                    page.wait_for(
                        "return $$('#search [role=option]').filter(vis).length > 0;",
                        "search results for ?q=assistant",
                    );
                }
                _ => {}
            }
            // Switching the system colour scheme re-themes the open page.
            for scheme in ["light", "dark"] {
                page.color_scheme(scheme);
                page.wait_for(
                    &format!(
                        "return document.documentElement.getAttribute('data-theme') === {scheme:?};"
                    ),
                    &format!("{path} to follow prefers-color-scheme: {scheme}"),
                );
                if kind != "search" {
                    page.js::<Value>("window.scrollTo(0, 0); return null;");
                }
                let v: Value = page.js(
                    "const de = document.documentElement;
                     const over = (e) => e.getBoundingClientRect().right > innerWidth + 1;
                     const wide = de.scrollWidth <= innerWidth ? [] : $$('body *').filter(e => e.getBoundingClientRect().width > 0 && over(e) && !(e.parentElement && over(e.parentElement)))
                       .slice(0, 6).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\\s+/).join('.') : '') + ' right=' + Math.round(e.getBoundingClientRect().right));
                     // Controls of the top bar: each visible one must be on top
                     // where it is drawn (nothing overlapping it).
                     const hidden = $$('header a[href], header button, header input').filter(vis).filter(e => {
                       const r = e.getBoundingClientRect();
                       const pts = [[r.left + r.width / 2, r.top + r.height / 2], [r.left + 3, r.top + r.height / 2], [r.right - 3, r.top + r.height / 2]];
                       return pts.some(([x, y]) => { const h = document.elementFromPoint(x, y); return !(h && (h === e || e.contains(h) || h.contains(e))); });
                     }).map(e => (e.getAttribute('aria-label') || norm(e.textContent) || e.tagName).slice(0, 40));
                     return { scrollWidth: de.scrollWidth, innerWidth, wide, hidden };",
                );
                let sw = v["scrollWidth"].as_f64().unwrap();
                let iw = v["innerWidth"].as_f64().unwrap();
                if sw > iw {
                    problems.push(format!(
                        "{kind} {path} at {label} px {scheme}: scrollWidth {sw} > innerWidth {iw}; outermost overflowing elements: {}",
                        v["wide"]
                    ));
                }
                let hidden = v["hidden"].as_array().map_or(0, Vec::len);
                if hidden > 0 && kind != "search" {
                    problems.push(format!(
                        "{kind} {path} at {label} px {scheme}: top-bar controls partly covered by something else: {}",
                        v["hidden"]
                    ));
                }
                let name = format!("{}-{kind}-{label}-{scheme}", site.name);
                shots.push(page.screenshot(&name));
                if kind == "section" {
                    // The first example with alternative responses, at the top.
                    let found: bool = page.js(
                        "const f = $$('figure.example').find(f => f.querySelector('[data-verdict]')) || $('figure.example');
                         if (!f) return false; f.scrollIntoView({ block: 'start', behavior: 'instant' }); return true;",
                    );
                    if found {
                        shots.push(page.screenshot(&format!("{name}-example")));
                    }
                }
            }
        }
    }
    eprintln!(
        "[browser] {} screenshots under {}",
        shots.len(),
        shots_dir.display()
    );
    assert!(
        problems.is_empty(),
        "{}: pages overflow horizontally or overlap their controls:\n  {}",
        site.name,
        problems.join("\n  ")
    );
    page.assert_only_local_requests();
}

#[test]
fn layout_no_overflow_or_overlap_at_360_and_1280_light_and_dark_sample() {
    layout_check(sample());
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn layout_no_overflow_or_overlap_at_360_and_1280_light_and_dark_corpus() {
    layout_check(corpus());
}

fn no_request_check(site: &Site) {
    let mut report = Vec::new();
    let mut pages = site.key_pages();
    pages.push(("404", "no-such-page.html".to_owned()));
    for extra in ["examples.html"] {
        if site.has(extra) {
            pages.push(("extra", extra.to_owned()));
        }
    }
    // Cache disabled: every request of every page reaches the recorder.
    let page = Page::open(site);
    page.disable_cache();
    for (kind, path) in pages {
        page.clear_requests();
        page.goto(&site.url(&path));
        // Wake up whatever loads lazily: the search box, then scroll.
        let _ = page.try_js::<Value>(
            "const i = $('#search input'); if (i) { i.focus(); i.dispatchEvent(new Event('input', { bubbles: true })); }
             window.scrollTo(0, document.documentElement.scrollHeight); return null;",
        );
        page.wait_network_idle();
        let reqs = page.requests();
        report.push(format!(
            "{} {kind} {path}: {} requests",
            site.name,
            reqs.len()
        ));
        assert!(
            reqs.iter().any(|r| r.url.starts_with(&site.url(&path))),
            "the document request for {path} was not recorded: the recorder is broken"
        );
        page.assert_only_local_requests();
    }
    eprintln!("[browser] {}", report.join("\n[browser] "));
}

#[test]
fn no_request_leaves_the_local_server() {
    no_request_check(sample());
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn corpus_no_request_leaves_the_local_server() {
    no_request_check(corpus());
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn weight_of_first_visit_to_largest_corpus_section() {
    let site = corpus();
    for path in [site.largest_chapter_page(), "all.html".to_owned()] {
        let page = Page::open(site); // fresh profile: a first visit, empty cache
        page.goto(&site.url(&path));
        page.wait_network_idle();
        let reqs = page.requests();
        let mut total = 0.0;
        let mut lines = Vec::new();
        for r in &reqs {
            let bytes = r.encoded.unwrap_or(0.0);
            total += bytes;
            lines.push(format!(
                "    {:>9.0} B  {:<4} {:<5} {}",
                bytes,
                r.status
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| "-".into()),
                r.content_encoding.clone().unwrap_or_else(|| "raw".into()),
                r.url
                    .trim_start_matches(&site.origin())
                    .chars()
                    .take(72)
                    .collect::<String>()
            ));
        }
        let raw = std::fs::metadata(site.dir.join(&path))
            .map(|m| m.len())
            .unwrap_or(0);
        eprintln!(
            "[browser] weight of a first visit to {path} (corpus; HTML {raw} B raw): {} requests, {:.1} KB transferred (gzip, headers included)\n{}",
            reqs.len(),
            total / 1024.0,
            lines.join("\n")
        );
        // Pages name their icon (inline), so the browser does not ask for
        // /favicon.ico either: every request of the visit succeeds.
        let failed: Vec<&harness::Request> = reqs
            .iter()
            .filter(|r| r.failed.is_some() || r.status.is_none_or(|s| s >= 400))
            .collect();
        assert!(
            failed.is_empty(),
            "a request of the first visit failed: {failed:#?}"
        );
        page.assert_only_local_requests();
    }
}

// ---------------------------------------------------------------------------
// Search and the examples browser (issue 5)
// ---------------------------------------------------------------------------

fn search_requests(page: &Page, site: &Site) -> Vec<String> {
    let prefix = site.url("search/");
    page.requests()
        .into_iter()
        .map(|r| r.url)
        .filter(|u| u.starts_with(&prefix))
        .collect()
}

/// The search index loads only once the box is used, and each query of
/// `cases` shows the expected first result (a link ending so).
fn search_first_result_check(site: &Site, cases: &[(&str, &str)]) {
    for &(query, want) in cases {
        let page = open_search(site, "index.html");
        let early = search_requests(&page, site);
        assert!(
            early.is_empty(),
            "the search index must not load with the page, but it fetched: {early:?}"
        );
        page.click(COMBOBOX);
        page.type_text(query);
        let opts = wait_options(&page, &format!("results for {query:?}"));
        assert!(
            opts[0].ends_with(want),
            "{}: first result for {query:?} should end with {want}, got {:?}",
            site.name,
            &opts[..opts.len().min(5)]
        );
        assert!(
            !search_requests(&page, site).is_empty(),
            "no index file fetched"
        );
        page.assert_only_local_requests();
    }
}

#[test]
fn search_loads_lazily_and_shows_expected_first_result() {
    search_first_result_check(
        sample(),
        &[
            ("follow_in_order", "chain_of_command.html#follow_in_order"),
            (
                "limerick",
                "chain_of_command.html#ex-developer-user-conflict-over-the-topic-of-conversation",
            ),
        ],
    );
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn corpus_search_loads_lazily_and_shows_expected_first_result() {
    search_first_result_check(
        corpus(),
        &[
            ("sycophancy", "#avoid_sycophancy"),
            ("avoid_sycophancy", "#avoid_sycophancy"),
        ],
    );
}

#[test]
fn search_finds_chinese_text_with_a_chinese_query() {
    let site = sample();
    let page = open_search(site, "index.html");
    page.click(COMBOBOX);
    page.type_text("隐私");
    let opts = wait_options(&page, "results for 隐私");
    assert!(
        opts[0].starts_with(&site.url("multilingual.html#")),
        "the first result for 隐私 should be on the Chinese page, got {:?}",
        &opts[..opts.len().min(5)]
    );
    page.assert_only_local_requests();
}

/// The header is sticky: focusing one of its controls, from the keyboard
/// (`/`, Tab) or from a script, leaves the page where the reader is.
#[test]
fn focusing_a_header_control_leaves_the_page_where_it_is() {
    let site = sample();
    let path = site.largest_chapter_page();
    let page = open_search(site, &path);
    page.viewport(WIDE);
    let at = |p: &Page| -> f64 { p.js("return scrollY;") };
    page.js::<Value>("scrollTo(0, 1500); return null;");
    let start = at(&page);
    assert!(start > 1000.0, "{path} is too short to scroll: {start}");
    page.press("/");
    assert!(
        page.js::<bool>(&format!("return document.activeElement === {COMBOBOX};")),
        "`/` should focus the search box"
    );
    assert_eq!(at(&page), start, "`/` scrolled the page");
    page.press("Escape");
    // Focus as Tab moves it (no script asks for it not to scroll).
    for control in [".theme-toggle", ".top-links a", ".brand", ".nav-toggle"] {
        page.js::<Value>(&format!(
            "scrollTo(0, {start}); const c = $('header.topbar {control}'); if (c && vis(c)) c.focus(); return null;"
        ));
        assert_eq!(at(&page), start, "focusing {control} scrolled the page");
    }
}

#[test]
fn search_keyboard_slash_ctrl_k_arrows_enter_escape() {
    use headless_chrome::browser::tab::ModifierKey;
    let site = sample();
    let path = site.page_with_most_examples();
    let page = open_search(site, &path);
    let focused =
        |p: &Page| p.js::<bool>(&format!("return document.activeElement === {COMBOBOX};"));

    page.click("$('main h1')");
    page.press("/");
    assert!(focused(&page), "`/` should focus the search box");
    page.type_text("follow_in_order");
    let opts = wait_options(&page, "results after typing");
    let state = |p: &Page| -> Value {
        p.js(&format!(
            "const i = {COMBOBOX}; const sel = $$('#search [role=option][aria-selected=true]');
             return {{ active: i.getAttribute('aria-activedescendant'), selected: sel.map(o => o.id),
                       expanded: i.getAttribute('aria-expanded'), listVisible: vis($('#search [role=listbox]')) }};"
        ))
    };
    page.press("ArrowDown");
    let s1 = state(&page);
    let first_id = s1["selected"][0].as_str().unwrap_or_default().to_owned();
    assert!(
        !first_id.is_empty() && s1["active"].as_str() == Some(first_id.as_str()),
        "ArrowDown should select the first option and point aria-activedescendant at it: {s1}"
    );
    if opts.len() > 1 {
        page.press("ArrowDown");
        let s2 = state(&page);
        assert_ne!(
            s2["selected"][0].as_str(),
            Some(first_id.as_str()),
            "ArrowDown moves on: {s2}"
        );
        page.press("ArrowUp");
        assert_eq!(
            state(&page)["selected"][0].as_str(),
            Some(first_id.as_str()),
            "ArrowUp moves back"
        );
    }
    page.press("Escape");
    let s3 = state(&page);
    assert!(
        s3["expanded"] == "false" && s3["listVisible"] == false,
        "Escape should close the results: {s3}"
    );

    // Ctrl-K from the page focuses the box again.
    page.click("$('main h1')");
    assert!(
        !focused(&page),
        "clicking the text should leave the search box"
    );
    page.press_with("k", &[ModifierKey::Ctrl]);
    assert!(focused(&page), "Ctrl-K should focus the search box");
    page.js::<Value>(&format!("const i = {COMBOBOX}; i.value = ''; return null;"));
    page.type_text("follow_in_order");
    let opts = wait_options(&page, "results after Ctrl-K");
    page.press("ArrowDown");
    page.js::<Value>("window.__btOld = true; return null;");
    let target = opts[0].clone();
    page.press("Enter");
    let (doc, hash) = target.split_once('#').expect("result links to an anchor");
    if page.js::<String>("return location.href.split('#')[0];") != doc
        || !page.js::<bool>("return !!window.__btOld;")
    {
        page.wait_loaded("the chosen result to open");
    }
    page.wait_for(
        &format!(
            "if (location.href !== {target:?}) return false;
             const v = inView(document.getElementById(decodeURIComponent({hash:?}))); return v.ok ? v : false;"
        ),
        &format!("Enter to open {target} with its heading in view"),
    );
    page.assert_only_local_requests();
}

#[test]
fn search_query_in_url_is_kept_and_restored() {
    let site = sample();
    let page = open_search(site, "index.html");
    page.click(COMBOBOX);
    page.type_text("limerick");
    let opts = wait_options(&page, "results for limerick");
    let url: String = page
        .wait_for(
            "return new URL(location.href).searchParams.get('q') === 'limerick' ? location.href : false;",
            "the query to be reflected in the URL (?q=)",
        )
        .as_str()
        .unwrap()
        .to_owned();
    drop(page);

    // A shared link opens the same search in a fresh browser.
    let page = Page::open(site);
    page.goto(&url);
    let again = wait_options(&page, &format!("{url} to open the search with its results"));
    let value: String = page.js(&format!("return {COMBOBOX}.value;"));
    assert_eq!(
        value, "limerick",
        "the search box should hold the query of the URL"
    );
    assert_eq!(again, opts, "the shared URL should show the same results");
    page.assert_only_local_requests();
}

#[test]
fn search_facets_filter_results() {
    let site = sample();
    let page = open_search(site, "index.html");
    page.click(COMBOBOX);
    page.type_text("user");
    wait_options(&page, "results for user");
    let status =
        |p: &Page| p.js::<String>("return norm(($('#search [role=status]') || {}).textContent);");
    let before = status(&page);
    let chip: Value = page.js(
        "const b = $$('#search button[data-g=kind][data-v]').find(b => vis(b) && b.getAttribute('aria-pressed') !== 'true' && b.dataset.v !== 'rule')
                || $$('#search button[data-g][data-v]').find(vis);
         if (!b) return null; b.setAttribute('data-bt-chip', ''); return [b.dataset.g, b.dataset.v, norm(b.textContent)];",
    );
    assert!(
        !chip.is_null(),
        "no facet chip in the search results ({before})"
    );
    page.click("$('[data-bt-chip]')");
    let after = page.wait_for(
        &format!(
            "const s = norm(($('#search [role=status]') || {{}}).textContent);
             const b = $$('#search button[data-g][data-v]').find(b => b.dataset.g === {g:?} && b.dataset.v === {v:?});
             return s !== {before:?} && b && b.getAttribute('aria-pressed') === 'true' ? s : false;",
            g = str_of(&chip[0]),
            v = str_of(&chip[1]),
        ),
        &format!("the facet {chip} to be pressed and change the results ({before})"),
    );
    let n = |s: &str| -> usize {
        s.split_whitespace()
            .next()
            .and_then(|w| w.parse().ok())
            .unwrap_or(usize::MAX)
    };
    let after = after.as_str().unwrap_or_default().to_owned();
    assert!(
        n(&after) <= n(&before),
        "a facet narrows the results: {before:?} -> {after:?}"
    );
    page.assert_only_local_requests();
}

/// Entries of the examples browser: `data-doc` of each listed entry.
fn example_entries(page: &Page) -> Vec<String> {
    page.js(
        "return $$('[data-examples-browser] li[data-doc]').filter(vis).map(li => li.dataset.doc);",
    )
}

#[test]
fn examples_browser_filters_change_results_and_url_and_restore() {
    let site = sample();
    assert!(
        site.has("examples.html"),
        "no examples.html in the built site"
    );
    let page = Page::open(site);
    page.goto(&site.url("examples.html"));
    let total = site.examples().len()
        + site.spec["evals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["examples"].as_array().map_or(0, Vec::len))
            .sum::<usize>();
    page.wait_for(
        &format!("return $$('[data-examples-browser] li[data-doc]').length === {total};"),
        &format!("the examples browser to list all {total} examples and eval prompts"),
    );

    // A facet narrows the list and goes into the URL.
    page.js::<Value>(
        "const b = $$('[data-examples-browser] button[data-g=verdict][data-v=bad]').find(vis);
         b.setAttribute('data-bt-chip', ''); return null;",
    );
    page.click("$('[data-bt-chip]')");
    page.wait_for(
        "return new URL(location.href).searchParams.get('verdict') === 'bad';",
        "verdict=bad in the URL",
    );
    let bad = example_entries(&page);
    assert!(
        !bad.is_empty() && bad.len() < total,
        "the verdict facet should narrow {total} entries, left {}",
        bad.len()
    );
    let want_bad = site
        .examples()
        .iter()
        .filter(|e| {
            e["messages"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["verdict"] == "bad")
        })
        .count();
    assert_eq!(
        bad.len(),
        want_bad,
        "entries with a Violation, as in spec.json"
    );

    // The text filter narrows further and goes into the URL too.
    page.click("$('[data-examples-browser] input')");
    page.type_text("limerick");
    page.wait_for(
        "return new URL(location.href).searchParams.get('q') === 'limerick';",
        "q=limerick in the URL",
    );
    let narrowed = page
        .wait_for(
            &format!(
                "const n = $$('[data-examples-browser] li[data-doc]').filter(vis).map(li => li.dataset.doc);
                 return n.length && n.length < {} ? n : false;",
                bad.len()
            ),
            "the text filter to narrow the list",
        );
    let narrowed: Vec<String> = serde_json::from_value(narrowed).unwrap();
    let url: String = page.js("return location.href;");

    // An entry expands in place and links to its place in the spec.
    page.click("$('[data-examples-browser] li[data-doc] summary')");
    let open = page.wait_for(
        "const li = $('[data-examples-browser] li[data-doc]');
         const a = $$('a[href]', li).find(a => vis(a) && !a.closest('summary'));
         return a && li.textContent.toLowerCase().includes('limerick') ? a.href : false;",
        "the first entry to expand with its conversation and a link into the spec",
    );
    eprintln!("[browser] examples browser: {url} -> {narrowed:?}, opens {open}");
    drop(page);

    // The shared URL restores the same state.
    let page = Page::open(site);
    page.goto(&url);
    page.wait_for(
        &format!(
            "const n = $$('[data-examples-browser] li[data-doc]').filter(vis).map(li => li.dataset.doc);
             return JSON.stringify(n) === {:?};",
            serde_json::to_string(&narrowed).unwrap()
        ),
        &format!("{url} to restore the same entries"),
    );
    let restored: Value = page.js(
        "return { q: $('[data-examples-browser] input').value,
                  pressed: $$('[data-examples-browser] button[aria-pressed=true]').map(b => b.dataset.g + '=' + b.dataset.v) };",
    );
    assert_eq!(
        restored["q"], "limerick",
        "the text filter is restored: {restored}"
    );
    assert!(
        restored["pressed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "verdict=bad"),
        "the verdict facet is restored: {restored}"
    );
    page.assert_only_local_requests();
}

// ---------------------------------------------------------------------------
// Live preview (`specbook serve`)
// ---------------------------------------------------------------------------

/// The chapter page of the sample with the most examples, and its source
/// file (relative to the project).
fn live_target() -> (String, String) {
    let site = sample();
    let page = site.page_with_most_examples();
    let id = page.trim_end_matches(".html");
    let file = site.spec["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"].as_str() == Some(id))
        .map(|s| str_of(&s["source"]["file"]))
        .expect("source file of the chapter");
    (page, file)
}

/// Opens `page` of a served scratch project and waits until its reload
/// channel is connected.
fn open_live(serve: &Serve, page_path: &str) -> Page {
    let page = Page::open_origin(serve.origin());
    page.goto(&serve.url(page_path));
    page.wait_response_of_kind("EventSource", Duration::from_secs(20));
    page
}

#[test]
fn live_preview_edit_updates_open_page_and_keeps_scroll() {
    let project = scratch_sample();
    let (page_path, file) = live_target();
    let serve = Serve::start(project.path());
    let page = open_live(&serve, &page_path);
    let y: f64 = page.js(
        "window.scrollTo(0, Math.floor((document.documentElement.scrollHeight - innerHeight) / 2));
         await new Promise(r => requestAnimationFrame(r)); return scrollY;",
    );
    assert!(
        y > 200.0,
        "{page_path} is too short to test scrolling ({y})"
    );
    page.js::<Value>("window.__btOld = true; return null;");

    // Append a paragraph to the end of the chapter (below the reader).
    let marker = "Live preview marker 7f3a: this sentence was added while the page was open.";
    let path = project.path().join(&file);
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(&format!("\n{marker}\n"));
    std::fs::write(&path, text).unwrap();

    page.wait_loaded_within(
        &format!("{page_path} to reload by itself after {file} was edited"),
        Duration::from_secs(60),
    );
    page.wait_for(
        &format!("return document.body.textContent.includes({marker:?});"),
        "the edit to show in the page",
    );
    let after = page.wait_for(
        &format!("return Math.abs(scrollY - {y}) <= 2 ? scrollY : false;"),
        &format!("the scroll position ({y}) to be kept across the reload"),
    );
    eprintln!("[browser] live edit: scroll {y} -> {after}");
    page.assert_only_local_requests();
}

#[test]
fn live_preview_broken_edit_shows_overlay_and_fix_removes_it() {
    let project = scratch_sample();
    let (page_path, file) = live_target();
    let serve = Serve::start(project.path());
    let page = open_live(&serve, &page_path);

    let path = project.path().join(&file);
    let good = std::fs::read_to_string(&path).unwrap();
    let line = good.lines().count() + 2;
    std::fs::write(&path, format!("{good}\nSee [?](#no_such_section_7f3a).\n")).unwrap();
    let overlay = page.wait_for_within(
        &format!(
            "const box = $$('[role=alert]').find(b => vis(b) && b.textContent.includes({file:?} + ':' + {line}));
             return box ? box.textContent : false;"
        ),
        &format!("an error overlay naming {file}:{line}"),
        Duration::from_secs(60),
    );
    eprintln!(
        "[browser] overlay: {}",
        overlay.as_str().unwrap_or_default()
    );
    assert!(
        page.js::<bool>("return vis($('main')) && $$('figure.example').length > 0;"),
        "the last good build should stay on screen under the overlay"
    );

    std::fs::write(&path, good).unwrap();
    page.wait_for_within(
        &format!(
            "return document.readyState === 'complete' && !$$('[role=alert]').some(b => b.textContent.includes({file:?} + ':'));"
        ),
        "the overlay to disappear once the spec builds again",
        Duration::from_secs(60),
    );
    page.assert_only_local_requests();
    drop(serve);
}

// ---------------------------------------------------------------------------
// Accessibility (axe-core)
// ---------------------------------------------------------------------------

/// A phone (issue 11 §2 checks the reader's view at 390 px).
const PHONE: (u32, u32) = (390, 844);

/// Runs axe-core on pages of the sample in light and dark mode, at 1280
/// and 390 px, and fails on any violation, whatever its impact; `prepare`
/// (a script) brings each page into the state to check.
fn axe_check(kind: &str, prepare: Option<(&str, &str)>) {
    axe_check_on(sample(), kind, prepare);
}

fn axe_check_on(site: &Site, kind: &str, prepare: Option<(&str, &str)>) {
    let paths = match kind {
        "chapters" => site.chapter_pages(),
        _ => vec![
            site.key_pages()
                .into_iter()
                .find(|(k, _)| *k == kind)
                .map(|(_, p)| p)
                .unwrap_or_else(|| kind.to_owned()),
        ],
    };
    let page = Page::open(site);
    let mut failures = Vec::new();
    for path in &paths {
        for (size, width) in [(WIDE, "1280"), (PHONE, "390")] {
            page.viewport(size);
            for scheme in ["light", "dark"] {
                page.color_scheme(scheme);
                page.goto(&site.url(path));
                if let Some((ready, what)) = prepare {
                    page.wait_for(ready, what);
                }
                failures.extend(page.axe_report(&format!("{path} [{width} px, {scheme}]")));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "axe-core: violations (any impact) on {} {kind}:\n  {}",
        site.name,
        failures.join("\n  ")
    );
    page.assert_only_local_requests();
}

#[test]
fn accessibility_home_page() {
    axe_check("home", None);
}

#[test]
fn accessibility_every_chapter_page() {
    axe_check("chapters", None);
}

#[test]
fn accessibility_single_page_edition() {
    axe_check("single", None);
}

#[test]
fn accessibility_eval_prompt_page() {
    axe_check("eval", None);
}

#[test]
fn accessibility_search_results_view() {
    axe_check(
        "index.html?q=assistant",
        Some((
            "const o = $$('#search [role=option]'); return o.length > 0 && vis(o[0]);",
            "search results for ?q=assistant",
        )),
    );
}

#[test]
fn accessibility_search_without_results_view() {
    axe_check(
        "index.html?q=tool_outptu_iz_dta",
        Some((
            "const s = $('#search .sb-suggest'); return !!s && vis(s);",
            "suggestions for a search without results",
        )),
    );
}

#[test]
fn accessibility_examples_browser() {
    axe_check(
        "examples.html",
        Some((
            "const li = $('[data-examples-browser] li[data-doc]'); if (!li) return false;
             const d = $('details', li); if (d && !d.open) d.open = true;
             return !!$('a[href]', $('.sbx-body', li) || li) && vis(li);",
            "the examples browser with its first entry open",
        )),
    );
}

#[test]
fn accessibility_not_found_page_at_depth() {
    axe_check(
        "a/b/c/missing.html",
        Some((
            "return !!document.querySelector('.not-found');",
            "404.html served for a missing page",
        )),
    );
}

/// The same on the newest corpus release: every chapter page and the other
/// page kinds.
#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn accessibility_corpus_every_page_kind() {
    let site = corpus();
    axe_check_on(site, "chapters", None);
    for kind in ["home", "single", "eval", "a/b/c/missing.html"] {
        axe_check_on(site, kind, None);
    }
    axe_check_on(
        site,
        "examples.html",
        Some((
            "const li = $('[data-examples-browser] li[data-doc]'); if (!li) return false;
             const d = $('details', li); if (d && !d.open) d.open = true;
             return !!$('a[href]', $('.sbx-body', li) || li) && vis(li);",
            "the examples browser with its first entry open",
        )),
    );
    axe_check_on(
        site,
        "index.html?q=privacy",
        Some((
            "const o = $$('#search [role=option]'); return o.length > 0 && vis(o[0]);",
            "search results for ?q=privacy",
        )),
    );
}

/// A section page with an eval citation's tip open (keyboard focus) and,
/// on a phone, the header naming the section being read.
#[test]
fn accessibility_open_citation_tip_and_phone_header() {
    axe_check(
        "section",
        Some((
            "const a = $('main .cite a.eval-ref'); if (!a) return false;
             a.focus(); return vis($('.cite-tip', a)) && $('.cite-tip', a).getBoundingClientRect().width > 20;",
            "an eval citation's tip shown by focus",
        )),
    );
}

/// Reading comfort (issue 11): badges of at least 12 px everywhere
/// (sidebar, contents, headings, examples browser), message text the size of the
/// prose, and prose paragraphs no wider than 75 characters (`ch` of their
/// own font) at 1280 px.
fn reading_comfort_check(site: &Site) {
    let page = Page::open(site);
    page.viewport(WIDE);
    let section = site.page_with_most_examples();
    for path in [
        "index.html".to_owned(),
        section.clone(),
        "examples.html".to_owned(),
    ] {
        page.goto(&site.url(&path));
        page.wait_for(
            "return $$('.badge.auth, .badge.agg, .sb-badges .badge').filter(vis).length > 0;",
            &format!("badges on {path}"),
        );
        let v: Value = page.js("const px = (e) => parseFloat(getComputedStyle(e).fontSize);
             const small = $$('.badge.auth, .badge.agg, .sb-badges .badge').filter(vis).filter(b => px(b) < 12)
               .slice(0, 5).map(b => b.textContent.trim() + ' ' + px(b) + 'px');
             const p = $$('main .section > p').filter(vis)[0] || $$('main p').filter(vis)[0];
             const msgs = $$('.message .message-body, .message').filter(vis);
             const body = msgs.length ? px(msgs[0].querySelector('p') || msgs[0]) : null;
             let widest = 0;
             for (const q of $$('main .section > p, main .commentary-body > p').filter(vis)) {
               const probe = document.createElement('span');
               probe.textContent = '0'.repeat(100);
               probe.style.cssText = 'position:absolute;visibility:hidden;white-space:nowrap';
               q.appendChild(probe);
               const ch = probe.getBoundingClientRect().width / 100;
               probe.remove();
               widest = Math.max(widest, q.getBoundingClientRect().width / ch);
             }
             return { small, prose: p ? px(p) : null, message: body, widest_ch: widest };");
        assert_eq!(
            v["small"],
            serde_json::json!([]),
            "{path}: badges under 12 px: {v}"
        );
        if path == section {
            assert_eq!(
                v["message"], v["prose"],
                "{path}: message text is the size of the prose: {v}"
            );
            let widest = v["widest_ch"].as_f64().unwrap();
            assert!(
                widest > 30.0 && widest <= 75.0,
                "{path}: widest prose paragraph is {widest:.1}ch (want at most 75): {v}"
            );
        }
    }
}

#[test]
fn reading_comfort_badges_message_text_and_line_length_sample() {
    reading_comfort_check(sample());
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn reading_comfort_badges_message_text_and_line_length_corpus() {
    reading_comfort_check(corpus());
}

// ---------------------------------------------------------------------------
// What the reader sees (issue 11 §2)
// ---------------------------------------------------------------------------

/// Raw markdown or TeX a reader should never see as text: math delimiters,
/// entities decoded twice, strong emphasis, `---` dashes, backticks. (A
/// `&lt;` may be meant: the sample teaches how to write one.)
fn raw_markup(s: &str) -> Option<&'static str> {
    [
        ("\\(", "\\("),
        ("\\[", "\\["),
        ("&amp;", "&amp;"),
        ("**", "**"),
        (" --- ", "---"),
        ("`", "backtick"),
    ]
    .into_iter()
    .find(|(p, _)| s.contains(p))
    .map(|(_, what)| what)
}

/// Lines of code (fenced or indented in any string of `spec.json`) that
/// hold a backtick: code may say `` ` `` (a JavaScript template string).
fn code_lines_with_backticks(site: &Site) -> std::collections::HashSet<String> {
    fn walk(v: &Value, out: &mut std::collections::HashSet<String>) {
        match v {
            Value::String(s) => {
                let mut fence = false;
                for line in s.lines() {
                    let t = line.trim();
                    if t.starts_with("```") || t.starts_with("~~~") {
                        fence = !fence;
                    } else if (fence || line.starts_with("    ")) && t.contains('`') {
                        out.insert(t.to_owned());
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            Value::Object(o) => o.values().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = std::collections::HashSet::new();
    walk(&site.spec, &mut out);
    out
}

/// Every string of the search data files that a reader sees (document
/// texts `x/`, result titles and crumbs `m/`, examples-browser rows `e/`).
fn shown_search_strings(site: &Site) -> Vec<(String, String)> {
    fn walk(v: &Value, file: &str, out: &mut Vec<(String, String)>) {
        match v {
            Value::String(s) => out.push((file.to_owned(), s.clone())),
            Value::Array(a) => a.iter().for_each(|x| walk(x, file, out)),
            Value::Object(o) => o.values().for_each(|x| walk(x, file, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for dir in ["x", "m", "e"] {
        let Ok(entries) = std::fs::read_dir(site.dir.join("search").join(dir)) else {
            continue;
        };
        for e in entries.flatten() {
            let text = std::fs::read_to_string(e.path()).unwrap();
            let (start, end) = (text.find(',').unwrap() + 1, text.rfind(')').unwrap());
            let v: Value = serde_json::from_str(&text[start..end])
                .unwrap_or_else(|err| panic!("{}: not a data call: {err}", e.path().display()));
            walk(
                &v,
                &format!("search/{dir}/{}", e.file_name().to_string_lossy()),
                &mut out,
            );
        }
    }
    assert!(!out.is_empty(), "{}: no search data files", site.name);
    out
}

/// Snippets, result titles and every examples-browser card (title and
/// conversation) come from rendered text: no raw markup (issue 11 §2).
fn no_raw_markup_check(site: &Site) {
    let code = code_lines_with_backticks(site);
    // A backtick on a line of code the spec wrote is code, not markup.
    let raw = |s: &str| {
        raw_markup(s).filter(|&w| {
            w != "backtick"
                || s.lines()
                    .any(|l| l.contains('`') && !code.contains(l.trim()))
        })
    };
    let mut problems: Vec<String> = shown_search_strings(site)
        .into_iter()
        .filter_map(|(file, s)| {
            raw(&s).map(|w| {
                format!(
                    "  {file}: {w} in {:?}",
                    s.chars().take(120).collect::<String>()
                )
            })
        })
        .collect();
    let page = Page::open(site);
    page.goto(&site.url("examples.html"));
    page.wait_for(
        "return $$('[data-examples-browser] li[data-doc]').length > 0;",
        "the examples browser to list its entries",
    );
    // Every card: show all, open all, wait for their conversations.
    page.wait_for_within(
        "const m = $('[data-examples-browser] .sbx-more');
         if (m && !m.hidden) { m.click(); return false; }
         return true;",
        "every entry to be listed",
        Duration::from_secs(60),
    );
    page.js::<Value>(
        "$$('[data-examples-browser] li[data-doc] details').forEach(d => d.open = true); return null;",
    );
    let cards: Vec<(String, String)> = serde_json::from_value(page.wait_for(
        "const b = $$('[data-examples-browser] .sbx-body');
         if (!b.length || b.some(x => !x.querySelector('.sbx-conv'))) return false;
         return $$('[data-examples-browser] li[data-doc]').map(li => [li.dataset.doc, li.innerText]);",
        "every card's conversation to load",
    ))
    .unwrap();
    for (doc, text) in &cards {
        if let Some(w) = raw(text) {
            let at = text
                .find(match w {
                    "---" => " --- ",
                    "backtick" => "`",
                    p => p,
                })
                .unwrap_or(0);
            let from = text.floor_char_boundary(at.saturating_sub(40));
            let to = text.ceil_char_boundary((at + 40).min(text.len()));
            problems.push(format!("  card {doc}: {w} in {:?}", &text[from..to]));
        }
    }
    eprintln!("[browser] {}: {} cards checked", site.name, cards.len());
    assert!(
        problems.is_empty(),
        "{}: raw markup shown as text ({}):\n{}",
        site.name,
        problems.len(),
        problems
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn reader_sees_no_raw_markup_in_snippets_or_example_cards_sample() {
    no_raw_markup_check(sample());
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn reader_sees_no_raw_markup_in_snippets_or_example_cards_corpus() {
    no_raw_markup_check(corpus());
}

/// An example's title reads the same in the examples browser as on its
/// rule page (issue 11 §2: one form everywhere).
fn example_titles_check(site: &Site) {
    let page = Page::open(site);
    page.goto(&site.url("examples.html"));
    page.wait_for(
        "return $$('[data-examples-browser] li[data-doc]').length > 0;",
        "the examples browser to list its entries",
    );
    let titles: Vec<String> = page.js("return $$('[data-examples-browser] li[data-doc]').map(li =>
           li.querySelector('.sbx-title').textContent.trim());");
    // Each card's link into the spec is drawn once the card is opened.
    page.js::<Value>(
        "$$('[data-examples-browser] li[data-doc] details').forEach(d => d.open = true); return null;",
    );
    let links: Vec<String> = serde_json::from_value(page.wait_for(
        "const l = $$('[data-examples-browser] li[data-doc]');
         const a = l.map(li => li.querySelector('a.sbx-open'));
         return a.every(Boolean) ? a.map(x => x.href) : false;",
        "every card's link into the spec",
    ))
    .unwrap();
    let mut by_page: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for (title, href) in titles.iter().zip(&links) {
        let (path, id) = href.split_once('#').unwrap_or((href, ""));
        by_page
            .entry(path.to_owned())
            .or_default()
            .push((id.to_owned(), title.clone()));
    }
    let title_of: HashMap<&str, &str> = links
        .iter()
        .map(String::as_str)
        .zip(titles.iter().map(String::as_str))
        .collect();
    let mut problems = Vec::new();
    let mut checked = 0;
    let mut chips_checked = 0;
    for (path, want) in &by_page {
        page.goto(path);
        // "Referenced by" names an example as its own heading does.
        let chips: Vec<(String, String)> =
            page.js("return $$('a.ref-example').map(a => [a.href, a.textContent.trim()]);");
        for (href, text) in &chips {
            if let Some(title) = title_of.get(href.as_str()) {
                chips_checked += 1;
                if norm(text) != norm(title) {
                    problems.push(format!(
                        "  {path}: \"Referenced by\" {text:?}, example {title:?}"
                    ));
                }
            }
        }
        let shown: HashMap<String, String> =
            page.js("const o = {}; for (const f of $$('figure.example[id]')) {
               const t = f.querySelector('.example-title'); if (t) o[f.id] = t.textContent.trim(); }
             return o;");
        for (id, title) in want {
            let Some(on_page) = shown.get(id) else {
                continue;
            };
            checked += 1;
            if norm(on_page) != norm(title) {
                problems.push(format!(
                    "  {path}#{id}: browser {title:?}, page {on_page:?}"
                ));
            }
        }
    }
    assert!(checked > 0, "{}: no example title compared", site.name);
    assert!(
        chips_checked > 0,
        "{}: no \"Referenced by\" example compared",
        site.name
    );
    assert!(
        problems.is_empty(),
        "{}: example titles differ between the examples browser and the rule pages:\n{}",
        site.name,
        problems.join("\n")
    );
}

#[test]
fn example_titles_read_the_same_in_the_browser_and_on_rule_pages_sample() {
    example_titles_check(sample());
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn example_titles_read_the_same_in_the_browser_and_on_rule_pages_corpus() {
    example_titles_check(corpus());
}

/// Eval-prompt pages (issue 11 §2): the page heading and every prompt's
/// heading have an anchor (a visible link to their own id), and prompts
/// are labelled "Eval prompt", not "Example".
fn eval_page_anchors_check(site: &Site) {
    let page = Page::open(site);
    let path = site.eval_page();
    page.goto(&site.url(&path));
    let v: Value = page.js(
        "const anchored = (h) => {
           const id = h.id || (h.closest('[id]') && h.closest('[id]').id);
           if (!id) return false;
           const scope = h.closest('figure, header, .section-head') || h.parentElement;
           return $$('a[href]', scope).some(a => vis(a) && a.getAttribute('href') === '#' + id);
         };
         const heads = $$('main h1, main h2, main h3').filter(vis);
         const figs = $$('main figure.example[id]');
         return {
           headings: heads.length,
           unanchored: heads.filter(h => !anchored(h)).map(h => h.textContent.trim()),
           prompts: figs.length,
           prompt_headings: figs.filter(f => f.querySelector('h2, h3')).length,
           labels: [...new Set(figs.map(f => (f.querySelector('.example-kicker') || f).innerText.trim().toLowerCase()))],
         };",
    );
    assert!(
        v["prompts"].as_u64().unwrap() > 0,
        "{path}: no prompts: {v}"
    );
    assert_eq!(
        v["unanchored"],
        serde_json::json!([]),
        "{path}: headings without an anchor: {v}"
    );
    assert_eq!(
        v["prompt_headings"], v["prompts"],
        "{path}: every prompt has a heading: {v}"
    );
    assert_eq!(
        v["labels"],
        serde_json::json!(["eval prompt"]),
        "{path}: prompts are labelled \"Eval prompt\": {v}"
    );
}

#[test]
fn eval_page_headings_have_anchors_and_prompts_say_eval_prompt_sample() {
    eval_page_anchors_check(sample());
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn eval_page_headings_have_anchors_and_prompts_say_eval_prompt_corpus() {
    eval_page_anchors_check(corpus());
}

/// A search without results (issue 11 §2) suggests the rules nearest to
/// the query by edit distance (title and id, linking to the rule) and
/// links to the examples browser with the query.
fn search_no_results_check(site: &Site, query: &str, want_id: &str) {
    let page = open_search(site, "index.html");
    page.click(COMBOBOX);
    page.type_text(query);
    let v = page.wait_for_within(
        "const s = $('#search .sb-suggest');
         if (!s || !vis(s)) return false;
         return { status: $('#search .sb-status').textContent,
                  options: $$('#search [role=option]').length,
                  links: $$('a[href]', s).filter(vis).map(a => [a.getAttribute('href'), a.textContent.trim()]) };",
        &format!("suggestions for {query:?}"),
        Duration::from_secs(15),
    );
    let shot = page.screenshot(&format!("search-no-results-{}", site.name));
    eprintln!("[browser] no results for {query:?}: {}", shot.display());
    assert_eq!(v["options"], 0, "{query:?} has no results: {v}");
    let links = v["links"].as_array().unwrap();
    let title = site.spec["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == want_id)
        .map(|s| str_of(&s["title"]))
        .unwrap();
    assert!(
        links.iter().any(|l| {
            let (href, text) = (str_of(&l[0]), str_of(&l[1]));
            href.ends_with(&format!("#{want_id}"))
                && norm(&text).contains(&norm(&title))
                && text.contains(want_id)
        }),
        "{}: {query:?} should suggest {want_id} ({title}) by title and id: {v}",
        site.name
    );
    let examples: String = page.js(
        "const a = $$('#search .sb-suggest a[href]').find(a => a.pathname.endsWith('/examples.html'));
         return a ? new URL(a.href).searchParams.get('q') : '';",
    );
    assert_eq!(
        examples, query,
        "a link to the examples browser with the query: {v}"
    );
    page.assert_only_local_requests();
}

#[test]
fn search_without_results_suggests_near_rules_and_the_examples_browser_sample() {
    search_no_results_check(sample(), "tool_outptu_iz_dta", "tool_output_is_data");
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn search_without_results_suggests_near_rules_and_the_examples_browser_corpus() {
    search_no_results_check(corpus(), "protect_privcy_xq", "protect_privacy");
}

/// The examples browser (issue 11 §2): a keyboard reader reaches the first
/// example in a few Tab presses, through a skip link to the results
/// (following a same-page link that says "example" on the way).
#[test]
fn examples_browser_skip_link_reaches_the_first_example_in_a_few_tabs() {
    let site = sample();
    let page = Page::open(site);
    page.goto(&site.url("examples.html"));
    page.wait_for(
        "return $$('[data-examples-browser] li[data-doc] summary').length > 0;",
        "the examples browser to list its entries",
    );
    let mut presses = 0;
    let mut path = Vec::new();
    loop {
        page.press("Tab");
        presses += 1;
        let at: Value = page.js(
            "const a = document.activeElement;
             return { first: a === $('[data-examples-browser] li[data-doc] summary'),
                      skip: !!(a && a.matches('a[href^=\"#\"]') && /example|result/i.test(a.textContent)),
                      what: a ? a.tagName + ' ' + (a.textContent || '').trim().slice(0, 30) : '' };",
        );
        path.push(str_of(&at["what"]));
        if at["first"] == Value::Bool(true) || presses >= 60 {
            break;
        }
        if at["skip"] == Value::Bool(true) {
            page.press("Enter");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    assert!(
        presses <= 5,
        "{presses} Tab presses to reach the first example (want at most 5): {path:?}"
    );
}

/// The search box (issue 11 §2): its focus ring has at least 3:1 contrast
/// with the background around it (light and dark, 1280 px), and on a phone
/// (390 px) the open box leaves the theme toggle visible and clickable.
#[test]
fn search_box_focus_ring_contrast_and_phone_theme_toggle() {
    let site = sample();
    let page = Page::open(site);
    let mut problems = Vec::new();
    for scheme in ["light", "dark"] {
        page.viewport(WIDE);
        page.color_scheme(scheme);
        page.goto(&site.url("index.html"));
        page.click(COMBOBOX);
        let v: Value = page.js(
            "const input = $('#search [role=combobox]');
             const cs = getComputedStyle(input);
             // The ring: a solid outline if there is one, else the first box-shadow.
             let ring = null;
             if (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) ring = cs.outlineColor;
             else if (cs.boxShadow && cs.boxShadow !== 'none') ring = cs.boxShadow.match(/^(rgba?\\([^)]*\\)|color\\([^)]*\\)|[a-z]+)/)[1];
             const rgba = (c) => {
               const cv = document.createElement('canvas'); cv.width = cv.height = 1;
               const x = cv.getContext('2d'); x.clearRect(0, 0, 1, 1); x.fillStyle = c; x.fillRect(0, 0, 1, 1);
               const d = x.getImageData(0, 0, 1, 1).data; return [d[0], d[1], d[2], d[3] / 255];
             };
             // The background around the box: the first opaque one outside it.
             let el = input.closest('.search').parentElement, bg = [255, 255, 255, 1];
             while (el) { const c = rgba(getComputedStyle(el).backgroundColor); if (c[3] > 0.5) { bg = c; break; } el = el.parentElement; }
             if (!el) { const c = rgba(getComputedStyle(document.body).backgroundColor); if (c[3] > 0) bg = c; }
             const r = ring ? rgba(ring) : bg;
             const over = [0, 1, 2].map(i => r[i] * r[3] + bg[i] * (1 - r[3]));
             const lum = (c) => { const l = c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
               return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2]; };
             const [a, b] = [lum(over), lum(bg)];
             return { ring, bg, contrast: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) };",
        );
        let contrast = v["contrast"].as_f64().unwrap();
        eprintln!("[browser] search focus ring, {scheme}: {v}");
        if contrast < 3.0 {
            problems.push(format!(
                "{scheme}: focus ring contrast {contrast:.2}:1 (want 3:1): {v}"
            ));
        }
        // A phone: the box opens over the header but not over the toggle.
        page.viewport((390, 844));
        page.goto(&site.url("index.html"));
        page.click(COMBOBOX);
        page.type_text("help");
        std::thread::sleep(Duration::from_millis(300));
        page.screenshot(&format!("search-open-390-{scheme}"));
        let t: Value = page.js(
            "const t = $('.theme-toggle'); const r = t.getBoundingClientRect();
             const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
             const box = $('#search .sb-box').getBoundingClientRect();
             return { visible: vis(t), reachable: !!hit && t.contains(hit),
                      hit: hit ? hit.className || hit.tagName : null,
                      overlap: box.right > r.left && box.left < r.right && box.bottom > r.top && box.top < r.bottom };",
        );
        if t["visible"] != Value::Bool(true)
            || t["reachable"] != Value::Bool(true)
            || t["overlap"] != Value::Bool(false)
        {
            problems.push(format!(
                "{scheme}, 390 px: the open search box covers the theme toggle: {t}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A host shows 404.html for a missing page at any depth (`/a/b/c`): the
/// page is styled there too (its styles are inline, not a relative link
/// that would not resolve).
fn not_found_page_check(site: &Site) {
    let page = Page::open(site);
    page.viewport(WIDE);
    page.goto(&site.url("a/b/c/missing.html"));
    let v: Value = page.js("const k = document.querySelector('.not-found .kicker');
         return { kicker: k ? getComputedStyle(k).textTransform : null,
                  sheets: document.styleSheets.length,
                  title: document.title };");
    assert_eq!(v["kicker"], "uppercase", "404.html at depth is styled: {v}");
}

#[test]
fn not_found_page_is_styled_at_any_depth_sample() {
    not_found_page_check(sample());
}

/// In the examples browser a long title wraps beside the disclosure
/// marker, never onto a line of its own below it.
#[test]
fn examples_browser_long_titles_wrap_beside_their_marker() {
    let site = sample();
    let page = Page::open(site);
    page.viewport(NARROW);
    page.goto(&site.url("examples.html"));
    page.wait_for(
        "return $$('[data-examples-browser] li[data-doc]').length > 0;",
        "the examples browser to list entries",
    );
    let v: Value = page.js(
        "return $$('.sbx-item > details > summary').filter(vis).map(s => {
           const t = s.querySelector('.sbx-title').getBoundingClientRect();
           const m = s.getBoundingClientRect();
           return { title: s.querySelector('.sbx-title').textContent, gap: Math.round(t.top - m.top) };
         }).filter(x => x.gap > 30);",
    );
    assert_eq!(
        v,
        serde_json::json!([]),
        "titles pushed below the marker: {v}"
    );
}

/// The `"""` blocks of every message in `spec.json` (examples and eval
/// prompts), with entities decoded as the page shows them: (page, example
/// id, the block's lines between the two `"""` lines).
fn triple_quoted_blocks(site: &Site) -> Vec<(String, String, String)> {
    let decode = |s: &str| {
        s.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    };
    let blocks_of = |text: &str| {
        let mut out = Vec::new();
        let mut open: Option<Vec<&str>> = None;
        for line in text.lines() {
            let quote = line.trim() == "\"\"\"";
            match (&mut open, quote) {
                (None, true) => open = Some(Vec::new()),
                (Some(lines), true) => {
                    out.push(decode(&lines.join("\n")));
                    open = None;
                }
                (Some(lines), false) => lines.push(line),
                (None, false) => {}
            }
        }
        out
    };
    let mut out = Vec::new();
    let mut add = |page: String, ex: &Value| {
        for m in ex["messages"].as_array().into_iter().flatten() {
            for b in blocks_of(&str_of(&m["content"])) {
                out.push((page.clone(), str_of(&ex["id"]), b));
            }
        }
    };
    for (page, exs) in site.examples_by_page() {
        for ex in exs {
            add(page.clone(), ex);
        }
    }
    for e in site.spec["evals"].as_array().into_iter().flatten() {
        let page = format!("evals/{}.html", str_of(&e["id"]));
        if site.has(&page) {
            for ex in e["examples"].as_array().into_iter().flatten() {
                add(page.clone(), ex);
            }
        }
    }
    out
}

/// Triple-quoted blocks inside messages (issue 11 §2) are shown verbatim,
/// as the official page shows its quoted blocks: straight quotes, every
/// line break and blank line kept on screen, no markdown applied.
fn triple_quoted_check(site: &Site) {
    let blocks = triple_quoted_blocks(site);
    assert!(
        !blocks.is_empty(),
        "{}: no message with a \"\"\" block",
        site.name
    );
    let page = Page::open(site);
    let mut problems = Vec::new();
    for (size, width) in [(WIDE, "1280"), (PHONE, "390")] {
        page.viewport(size);
        for (path, id, want) in &blocks {
            page.goto(&site.url(path));
            let v: Value = page.js(&format!(
                "const f = document.getElementById({id:?}); if (!f) return null;
                 const lh = (e) => parseFloat(getComputedStyle(e).lineHeight) || parseFloat(getComputedStyle(e).fontSize) * 1.2;
                 return $$('.message pre.quoted, .message .quoted', f).map(q => ({{
                   text: q.textContent, shown: q.innerText, ws: getComputedStyle(q).whiteSpace,
                   lines: Math.round((q.getBoundingClientRect().height - parseFloat(getComputedStyle(q).paddingTop) - parseFloat(getComputedStyle(q).paddingBottom)) / lh(q)),
                   markup: q.querySelectorAll('*').length }}));"
            ));
            let want_text = format!("\"\"\"\n{want}\n\"\"\"");
            let Some(found) = v
                .as_array()
                .and_then(|a| a.iter().find(|q| str_of(&q["text"]) == want_text))
            else {
                problems.push(format!(
                    "{path}#{id} [{width}]: no verbatim block {want_text:?} among {v}"
                ));
                continue;
            };
            let shown = str_of(&found["shown"]);
            if shown.trim_end() != want_text {
                problems.push(format!(
                    "{path}#{id} [{width}]: shown as {shown:?}, want {want_text:?}"
                ));
            }
            let rows = want_text.lines().count() as i64;
            if found["lines"].as_i64().unwrap_or(0) < rows {
                problems.push(format!(
                    "{path}#{id} [{width}]: drawn on {} lines, the block has {rows}: {found}",
                    found["lines"]
                ));
            }
            if found["markup"] != 0 {
                problems.push(format!(
                    "{path}#{id} [{width}]: markdown applied inside the block: {found}"
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{}: triple-quoted blocks not verbatim:\n  {}",
        site.name,
        problems.join("\n  ")
    );
}

#[test]
fn triple_quoted_blocks_are_shown_verbatim_sample() {
    triple_quoted_check(sample());
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn triple_quoted_blocks_are_shown_verbatim_corpus() {
    triple_quoted_check(corpus());
}

/// MathML (issue 11 §2) is the size of the text around it: its computed
/// font size is the paragraph's (within 1 px), and the letters drawn are
/// as tall as the text's (x-height within 6 %; the math font's letters
/// are smaller for one font size, which MathJax corrects on the official
/// page by matching the x-height). The rendered scale is measured from a
/// probe's width against the math font at its computed size.
fn math_size_check(site: &Site) {
    let page = Page::open(site);
    let mut problems = Vec::new();
    let mut seen = 0;
    for path in site.chapter_pages() {
        page.goto(&site.url(&path));
        let v: Value = page.js(
            "await document.fonts.ready;
             const cv = document.createElement('canvas').getContext('2d');
             const xh = (family) => { cv.font = '100px ' + family; return cv.measureText('x').actualBoundingBoxAscent / 100; };
             return $$('main math').filter(vis).map(m => {
               const p = m.parentElement.closest('p, li, td, th, dd, div');
               const pcs = getComputedStyle(p), mcs = getComputedStyle(m);
               const probe = document.createElementNS('http://www.w3.org/1998/Math/MathML', 'mi');
               probe.setAttribute('mathvariant', 'normal');
               probe.textContent = 'xxxxxxxxxx';
               m.appendChild(probe);
               const used = probe.getBoundingClientRect().width;
               probe.remove();
               cv.font = mcs.fontSize + ' ' + mcs.fontFamily;
               const scale = used / cv.measureText('xxxxxxxxxx').width;
               return { tex: m.textContent.slice(0, 30), math_px: parseFloat(mcs.fontSize), text_px: parseFloat(pcs.fontSize),
                        math_x: parseFloat(mcs.fontSize) * scale * xh(mcs.fontFamily), text_x: parseFloat(pcs.fontSize) * xh(pcs.fontFamily) };
             });",
        );
        for m in v.as_array().unwrap() {
            seen += 1;
            let (mp, tp) = (
                m["math_px"].as_f64().unwrap(),
                m["text_px"].as_f64().unwrap(),
            );
            let (mx, tx) = (m["math_x"].as_f64().unwrap(), m["text_x"].as_f64().unwrap());
            if (mp - tp).abs() > 1.0 {
                problems.push(format!(
                    "{path}: math font-size {mp} px, its text {tp} px: {m}"
                ));
            }
            if (mx - tx).abs() > tx * 0.06 {
                problems.push(format!(
                    "{path}: math letters {mx:.2} px tall (x-height), its text's {tx:.2} px: {m}"
                ));
            }
        }
    }
    assert!(seen > 0, "{}: no MathML on any chapter page", site.name);
    assert!(
        problems.is_empty(),
        "{}: MathML not the size of its text:\n  {}",
        site.name,
        problems.join("\n  ")
    );
}

#[test]
fn math_is_the_size_of_its_text_sample() {
    math_size_check(sample());
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn math_is_the_size_of_its_text_corpus() {
    math_size_check(corpus());
}

/// Comparisons (issue 11 §2): two or three alternatives side by side at
/// 1280 px (one row), stacked on a phone (one column at 390 px).
fn comparison_layout_check(site: &Site) {
    let page = Page::open(site);
    let mut problems = Vec::new();
    let mut counts = [0usize; 4];
    for path in site.chapter_pages() {
        for (size, width) in [(WIDE, 1280), (PHONE, 390)] {
            page.viewport(size);
            page.goto(&site.url(&path));
            let v: Value = page.js("return $$('main .comparison').filter(vis).map(c => {
                   const r = $$(':scope > .message', c).map(m => m.getBoundingClientRect());
                   const rows = new Set(r.map(x => Math.round(x.top))).size;
                   const cols = new Set(r.map(x => Math.round(x.left))).size;
                   return { n: r.length, rows, cols, id: c.closest('figure').id };
                 });");
            for c in v.as_array().unwrap() {
                let n = c["n"].as_u64().unwrap();
                let (rows, cols) = (c["rows"].as_u64().unwrap(), c["cols"].as_u64().unwrap());
                if !(2..=3).contains(&n) {
                    continue;
                }
                counts[n as usize] += usize::from(width == 1280);
                let ok = if width == 1280 {
                    rows == 1 && cols == n
                } else {
                    rows == n && cols == 1
                };
                if !ok {
                    problems.push(format!(
                        "{path}#{} at {width} px: {n} alternatives in {rows} row(s) and {cols} column(s)",
                        c["id"].as_str().unwrap_or("?")
                    ));
                }
            }
        }
    }
    assert!(
        counts[2] > 0 && counts[3] > 0,
        "{}: comparisons of two and of three alternatives to check: {counts:?}",
        site.name
    );
    assert!(
        problems.is_empty(),
        "{}: comparisons not side by side at 1280 px / stacked at 390 px:\n  {}",
        site.name,
        problems.join("\n  ")
    );
}

#[test]
fn comparisons_of_two_and_three_side_by_side_wide_stacked_on_phones_sample() {
    comparison_layout_check(sample());
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn comparisons_of_two_and_three_side_by_side_wide_stacked_on_phones_corpus() {
    comparison_layout_check(corpus());
}

/// Phones (issue 11 §2): the header names the section being read, and
/// follows the reader as they scroll; the table of contents opens with one
/// tap (from the menu button or that name) at any scroll position.
fn phone_header_check(site: &Site, path: &str) {
    let page = Page::open(site);
    page.viewport(PHONE);
    page.goto(&site.url(path));
    let ids: Vec<(String, String)> = page.js(
        "return $$('main section.section[id]').map(s => [s.id, s.querySelector('.section-head > :first-child').textContent.trim()]);",
    );
    assert!(ids.len() >= 3, "{path}: too few sections: {ids:?}");
    let mut shown = Vec::new();
    let picks = [1, ids.len() / 2, ids.len() - 2];
    for &i in &picks {
        let (id, title) = &ids[i];
        page.js::<Value>(&format!(
            "const s = document.getElementById({id:?});
             window.scrollTo(0, s.getBoundingClientRect().top + scrollY - parseFloat(getComputedStyle(document.documentElement).scrollPaddingTop) + 2);
             return null;"
        ));
        let v = page.wait_for(
            &format!(
                "const h = $('header .here'); if (!h || !vis(h)) return false;
                 const r = h.getBoundingClientRect(), top = $('header').getBoundingClientRect();
                 const name = h.textContent.replace(/^Current section:\\s*/, '').trim();
                 return name === {title:?} && r.top >= top.top && r.bottom <= top.bottom ? {{ name, top: r.top }} : false;"
            ),
            &format!("the header to name section {id} ({title}) at 390 px"),
        );
        shown.push(v);
        let toc: Value = page.js(
            "const b = $('header .nav-toggle'); const r = b.getBoundingClientRect();
             const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
             return { visible: vis(b), reachable: !!hit && b.contains(hit), top: r.top };",
        );
        assert_eq!(
            (&toc["visible"], &toc["reachable"]),
            (&Value::Bool(true), &Value::Bool(true)),
            "{path}#{id}: the table-of-contents button is not one tap away: {toc}"
        );
    }
    let shot = page.screenshot(&format!("phone-header-{}", site.name));
    eprintln!("[browser] phone header {shown:?}: {}", shot.display());
    // One tap on the section's name opens the contents, the current
    // section's entry visible; Escape closes it.
    page.click("$('header .here')");
    page.wait_for(
        "const a = $('#sidebar a.toc-link.active'); return document.documentElement.classList.contains('nav-open') && !!a && vis(a) && $('header .here').getAttribute('aria-expanded') === 'true';",
        "the table of contents to open from the header's section name",
    );
    page.press("Escape");
    page.wait_for(
        "return !document.documentElement.classList.contains('nav-open');",
        "the table of contents to close",
    );
    page.click("$('header .nav-toggle')");
    page.wait_for(
        "return document.documentElement.classList.contains('nav-open') && vis($('#sidebar a.toc-link'));",
        "the table of contents to open from the menu button",
    );
    page.assert_only_local_requests();
}

#[test]
fn phone_header_names_the_current_section_and_the_contents_are_one_tap_away() {
    let site = sample();
    phone_header_check(site, &site.page_with_most_examples());
    phone_header_check(site, "all.html");
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn phone_header_names_the_current_section_and_the_contents_are_one_tap_away_corpus() {
    let site = corpus();
    phone_header_check(site, &site.largest_chapter_page());
}

/// "Referenced by" lists (issue 11 §2) belong to their section: the gap
/// from the list to the next heading is at least twice the gap from the
/// section's content to the list (at 1280 and 390 px, every chapter page
/// and the single page).
fn referenced_by_check(site: &Site) {
    let page = Page::open(site);
    let mut problems = Vec::new();
    let mut seen = 0;
    let mut paths = site.chapter_pages();
    paths.push("all.html".to_owned());
    for (size, width) in [(WIDE, 1280), (PHONE, 390)] {
        page.viewport(size);
        for path in &paths {
            page.goto(&site.url(path));
            let v: Value = page.js(
                "return $$('main details.section-meta').filter(vis).map(m => {
                   const sec = m.closest('section');
                   const prev = m.previousElementSibling;
                   const own = prev ? prev.getBoundingClientRect().bottom : sec.getBoundingClientRect().top;
                   const next = sec.nextElementSibling && sec.nextElementSibling.querySelector('.section-head');
                   const r = m.getBoundingClientRect();
                   return { id: sec.id, above: Math.round(r.top - own),
                            below: next ? Math.round(next.getBoundingClientRect().top - r.bottom) : null };
                 });",
            );
            for m in v.as_array().unwrap() {
                let Some(below) = m["below"].as_f64() else {
                    continue;
                };
                seen += 1;
                let above = m["above"].as_f64().unwrap();
                if below < 2.0 * above {
                    problems.push(format!(
                        "{path}#{} at {width} px: {above} px from its section's text, {below} px to the next heading",
                        str_of(&m["id"])
                    ));
                }
            }
        }
    }
    assert!(seen > 0, "{}: no \"Referenced by\" list", site.name);
    assert!(
        problems.is_empty(),
        "{}: \"Referenced by\" lists not attached to their section:\n  {}",
        site.name,
        problems.join("\n  ")
    );
}

#[test]
fn referenced_by_lists_sit_with_their_own_section_sample() {
    referenced_by_check(sample());
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn referenced_by_lists_sit_with_their_own_section_corpus() {
    referenced_by_check(corpus());
}

/// Eval citations (issue 11 §2) are superscript marks like a footnote's:
/// smaller than the text, raised above its baseline, no pill (background
/// or border); reached with Tab, and focusing one shows its tip ("Eval
/// prompts LABEL · N prompts", inside the screen); on a touch screen the
/// first tap shows the tip instead of leaving the page.
fn eval_citation_check(site: &Site) {
    let page = Page::open(site);
    let path = site
        .chapter_pages()
        .into_iter()
        .find(|p| {
            std::fs::read_to_string(site.dir.join(p))
                .unwrap_or_default()
                .contains("class=\"eval-ref\"")
        })
        .expect("a chapter page with an eval citation");
    for (size, width) in [(WIDE, 1280), (PHONE, 390)] {
        page.viewport(size);
        page.goto(&site.url(&path));
        let v: Value = page.js(
            "const a = $('main a.eval-ref'); const mark = a.closest('.cite') || a;
             const text = a.closest('p, li');
             const cs = getComputedStyle(mark), as = getComputedStyle(a);
             const probe = document.createElement('span'); probe.textContent = 'x';
             mark.parentNode.insertBefore(probe, mark);
             const base = probe.getBoundingClientRect(); probe.remove();
             const r = a.getBoundingClientRect();
             const tip = $('.cite-tip', a);
             return { size: parseFloat(as.fontSize), text: parseFloat(getComputedStyle(text).fontSize),
                      va: cs.verticalAlign, raised: base.bottom - r.bottom,
                      bg: as.backgroundColor, border: as.borderTopStyle === 'none' ? 0 : parseFloat(as.borderTopWidth),
                      tip_hidden: !tip || tip.getBoundingClientRect().width <= 1 };",
        );
        let (size, text) = (v["size"].as_f64().unwrap(), v["text"].as_f64().unwrap());
        assert!(
            size <= 0.8 * text,
            "{path} at {width} px: the citation mark is {size} px in {text} px text: {v}"
        );
        assert!(
            v["raised"].as_f64().unwrap() >= 0.2 * text,
            "{path} at {width} px: the citation mark is not raised above the baseline: {v}"
        );
        assert!(
            matches!(
                str_of(&v["bg"]).as_str(),
                "rgba(0, 0, 0, 0)" | "transparent"
            ) && v["border"].as_f64() == Some(0.0),
            "{path} at {width} px: the citation is drawn as a pill, not a mark: {v}"
        );
        assert_eq!(
            v["tip_hidden"],
            Value::Bool(true),
            "{path} at {width} px: the tip shows before it is asked for: {v}"
        );
        // Keyboard: Tab reaches a citation, and focus shows its tip.
        let mut presses = 0;
        loop {
            page.press("Tab");
            presses += 1;
            let at: bool = page.js("return !!document.activeElement.closest('main .cite');");
            if at {
                break;
            }
            assert!(presses < 400, "{path}: Tab never reaches an eval citation");
        }
        let tip: Value = page.wait_for(
            "const a = document.activeElement; const t = $('.cite-tip', a); if (!t) return false;
             const r = t.getBoundingClientRect();
             return r.width > 40 && vis(t) ? { text: t.textContent, left: r.left, right: r.right, width: innerWidth,
               label: a.getAttribute('href').replace(/^.*\\//, '').replace(/\\.html$/, '') } : false;",
            "the focused citation's tip to show",
        );
        let label = str_of(&tip["label"]);
        let n = site.spec["evals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| str_of(&e["id"]) == label)
            .and_then(|e| e["examples"].as_array())
            .map_or(0, Vec::len);
        let want = format!("{label} · {n} eval prompt{}", if n == 1 { "" } else { "s" });
        assert_eq!(
            norm(&str_of(&tip["text"])),
            norm(&want),
            "{path} at {width} px: the tip of {label}: {tip}"
        );
        assert!(
            tip["left"].as_f64().unwrap() >= 0.0
                && tip["right"].as_f64().unwrap() <= tip["width"].as_f64().unwrap(),
            "{path} at {width} px: the tip leaves the screen: {tip}"
        );
        page.screenshot(&format!("citation-tip-{}-{width}", site.name));
        // Escape hides it while the mark keeps focus.
        page.press("Escape");
        page.wait_for(
            "const t = $('.cite-tip', document.activeElement); return !!t && t.getBoundingClientRect().width <= 1;",
            "Escape to hide the tip",
        );
    }
    // A tap: the first shows the tip and stays on the page.
    page.viewport(PHONE);
    page.goto(&site.url(&path));
    let v: Value = page.js(
        "const a = $('main a.eval-ref'); a.scrollIntoView({ block: 'center' });
         const o = { bubbles: true, cancelable: true, pointerType: 'touch', isPrimary: true };
         a.dispatchEvent(new PointerEvent('pointerdown', o));
         a.dispatchEvent(new PointerEvent('pointerup', o));
         const stayed = a.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
         await new Promise(r => setTimeout(r, 100));
         const t = $('.cite-tip', a).getBoundingClientRect();
         return { followed: stayed, url: location.pathname, tip: t.width };",
    );
    assert_eq!(
        v["followed"],
        Value::Bool(false),
        "a first tap on a citation follows the link instead of showing its tip: {v}"
    );
    assert!(
        v["tip"].as_f64().unwrap() > 40.0,
        "a first tap on a citation does not show its tip: {v}"
    );
    page.assert_only_local_requests();
}

#[test]
fn eval_citations_are_superscript_marks_that_expand_on_focus_and_tap_sample() {
    eval_citation_check(sample());
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn eval_citations_are_superscript_marks_that_expand_on_focus_and_tap_corpus() {
    eval_citation_check(corpus());
}

/// A Chinese edition (issue 14, item 5): its scripts speak Chinese when
/// they run, as its pages do: the copy-link button and its confirmation,
/// the single page's sidebar (drawn from the page), the search status and
/// the examples browser's count.
#[test]
fn a_chinese_site_speaks_chinese_in_its_scripts() {
    let project = scratch_sample();
    let toml = project.path().join("book.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        text.replace("language = \"en\"", "language = \"zh\""),
    )
    .unwrap();
    let site = Site::build("zh", project.path());
    let page = Page::open(&site);
    page.grant_clipboard(&site);
    let path = site.page_with_most_examples();
    page.goto(&site.url(&path));
    let id: String = page.js("return $$('figure.example[id]')[1].id;");
    let button = format!("$('button.copy-link', document.getElementById({id:?}))");
    let label: String = page.js(&format!("return {button}.textContent;"));
    assert_eq!(label, "复制链接");
    page.click(&button);
    page.wait_for(
        &format!("return {button}.textContent === '已复制';"),
        "the copy-link button to say 已复制",
    );

    page.goto(&site.url("all.html"));
    let labels = page.wait_for(
        "const b = $$('#toc-mount button.toc-toggle');
         return b.length ? b.map(x => x.getAttribute('aria-label')) : false;",
        "the single page's sidebar",
    );
    let labels = labels.as_array().unwrap();
    assert!(
        labels.iter().all(|l| str_of(l).ends_with(" 下的各节")),
        "{labels:?}"
    );

    let page = open_search(&site, "index.html");
    page.click(COMBOBOX);
    page.type_text("zzqqxxjj");
    page.wait_for_within(
        "const s = $('#search .sb-status');
         return s && s.textContent === '没有与“zzqqxxjj”相关的结果';",
        "the search status in Chinese",
        Duration::from_secs(15),
    );

    page.goto(&site.url("examples.html"));
    let count = page.wait_for(
        "const c = $('#sbx-count'); return c && c.textContent ? c.textContent : false;",
        "the examples browser's count",
    );
    assert!(str_of(&count).ends_with(" 个示例"), "{count}");
    page.assert_only_local_requests();
}
