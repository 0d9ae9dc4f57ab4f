//! A versioned site as a reader sees it (issue 12), in headless Chromium:
//! the sample project committed twice in a scratch git repository (release
//! `v1` a tag, `v0` a folder, `v2` the working tree, which adds the rule
//! `say_less`), built once with `[versions]`. The release switcher keeps the
//! rule (or falls back to its nearest parent and says so), the older
//! release's banner leads back to the same rule, the changes pages and each
//! rule's History panel link to each other, the switcher works from the
//! keyboard, and axe-core finds no violation of any impact on the changes
//! page and an older release's chapter page (1280 and 390 px, both themes).
//!
//! Needs Chromium, axe-core and git, like `tests/browser.rs` (see
//! tests/browser/README.md).

mod common;
#[path = "browser/harness.rs"]
#[allow(dead_code)]
mod harness;

use std::sync::LazyLock;

use harness::{Page, Site, str_of};
use serde_json::Value;

const WIDE: (u32, u32) = (1280, 900);
const PHONE: (u32, u32) = (390, 844);

/// The rule the current release (`v2`) adds.
const ADDED: &str = "say_less";

/// The sample project committed twice (the second time adding `say_less`),
/// with a `[versions]` table naming a tag (`v1`) and a folder (`v0`): as
/// `sample_repo()` in tests/versions.rs.
static VERSIONED: LazyLock<Site> = LazyLock::new(|| {
    // Kept for the life of the test process: the site is built from it.
    let dir = Box::leak(Box::new(tempfile::tempdir().unwrap()));
    common::sample_repo_in(dir.path());
    let root = dir.path();
    Site::build("versions", root)
});

/// `window.SPECBOOK_VERSIONS` as the site wrote it in `versions.js`.
fn versions_data(site: &Site) -> Value {
    let js = std::fs::read_to_string(site.dir.join("versions.js")).expect("versions.js");
    let start = js
        .find("window.SPECBOOK_VERSIONS=")
        .expect("versions.js sets window.SPECBOOK_VERSIONS")
        + "window.SPECBOOK_VERSIONS=".len();
    let body = js[start..].trim().trim_end_matches(';');
    serde_json::from_str(body).expect("versions.js holds JSON")
}

/// A rule (not a chapter) that both `v1` and `v2` have on the same page:
/// (id, page).
fn rule_in_both(site: &Site) -> (String, String) {
    let data = versions_data(site);
    let (v1, v2) = (&data["rules"]["v1"], &data["rules"]["v2"]);
    let v2 = v2.as_object().expect("rules of v2");
    v2.iter()
        .filter(|(id, r)| !r[1].is_null() && *id != ADDED && v1[id.as_str()][0] == r[0])
        .map(|(id, r)| (id.clone(), str_of(&r[0])))
        .next()
        .expect("a rule below a chapter in both v1 and v2")
}

/// The page of `id` and its parent in release `rel` (from versions.js).
fn rule_of(site: &Site, rel: &str, id: &str) -> (String, Option<String>) {
    let r = &versions_data(site)["rules"][rel][id];
    assert!(r.is_array(), "versions.js: no rule {id} in release {rel}");
    (str_of(&r[0]), r[1].as_str().map(str::to_owned))
}

/// Clicks `element` (a JS expression) and waits until the document it
/// leads to has loaded.
#[track_caller]
fn click_and_wait(page: &Page, element: &str, what: &str) {
    page.js::<Value>("window.__btOld = true; return null;");
    page.click(element);
    page.wait_loaded(what);
}

/// Where the page is now: (pathname, search, hash).
fn location(page: &Page) -> (String, String, String) {
    let v: Value = page.js("return [location.pathname, location.search, location.hash];");
    (str_of(&v[0]), str_of(&v[1]), str_of(&v[2]))
}

/// Opens the release switcher and clicks the entry of `release`.
#[track_caller]
fn switch_to(page: &Page, release: &str, what: &str) {
    page.click("$('details.versions > summary')");
    page.wait_for(
        "return $('details.versions').open && vis($('.versions-menu'));",
        "the release menu open",
    );
    click_and_wait(
        page,
        &format!("$('details.versions a[data-release=\"{release}\"]')"),
        what,
    );
}

#[test]
fn switching_release_keeps_the_rule() {
    let site = &*VERSIONED;
    let (id, page_path) = rule_in_both(site);
    let page = Page::open(site);
    page.goto(&site.url(&format!("{page_path}#{id}")));
    switch_to(&page, "v1", "the v1 page after switching");
    let (path, search, hash) = location(&page);
    assert_eq!(
        (path.as_str(), search.as_str(), hash.as_str()),
        (
            format!("/v1/{page_path}").as_str(),
            "",
            format!("#{id}").as_str()
        ),
        "switching to v1 from {page_path}#{id} should land on the same rule in v1"
    );
    let found: bool = page.js(&format!(
        "return !!document.getElementById({});",
        serde_json::to_string(&id).unwrap()
    ));
    assert!(found, "v1/{page_path} has no element #{id}");
    let here: String = page.js("return $('details.versions').getAttribute('data-here');");
    assert_eq!(
        here, "v1",
        "the switcher of the page landed on names its release"
    );
    page.assert_only_local_requests();
}

#[test]
fn a_rule_missing_from_the_release_falls_back_to_its_parent_and_says_so() {
    let site = &*VERSIONED;
    let (page_path, parent) = rule_of(site, "v2", ADDED);
    let parent = parent.expect("say_less has a parent");
    let (parent_page, _) = rule_of(site, "v1", &parent);
    assert!(
        versions_data(site)["rules"]["v1"][ADDED].is_null(),
        "v1 should not have {ADDED}"
    );
    let page = Page::open(site);
    page.goto(&site.url(&format!("{page_path}#{ADDED}")));
    switch_to(&page, "v1", "the v1 page of say_less's parent");
    let notice: Value = page.wait_for(
        "const n = $('.release-notice[role=status]'); return n && { text: norm(n.textContent), visible: vis(n), at: inView(n) };",
        "the release notice",
    );
    let text = str_of(&notice["text"]);
    assert!(
        text.contains(ADDED) && text.contains("v1") && text.contains(&parent),
        "the notice should name {ADDED}, v1 and {parent}; it says: {text}"
    );
    assert_eq!(notice["visible"], true, "the notice is not visible: {text}");
    // The page is scrolled to the parent: the notice must be on screen there,
    // not at the top of a page scrolled past it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let at = loop {
        let at: Value = page.js("return inView($('.release-notice'));");
        if at["ok"] == true || std::time::Instant::now() > deadline {
            break at;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(
        at["ok"], true,
        "the release notice should be on screen (not under the header, not scrolled away): {at}"
    );
    let (path, search, hash) = location(&page);
    assert_eq!(
        (path.as_str(), hash.as_str()),
        (
            format!("/v1/{parent_page}").as_str(),
            format!("#{parent}").as_str()
        ),
        "switching to v1 from {page_path}#{ADDED} should land on its parent {parent}"
    );
    assert_eq!(
        search, "",
        "the query string (?missing=…) should be gone after arrival"
    );
    let shot = page.screenshot("versions-notice-1280-light");
    let _ = std::fs::copy(&shot, "/tmp/vb-notice-1280-light.png");
    let found: bool = page.js(&format!("return !!document.getElementById('{parent}');"));
    assert!(found, "v1/{parent_page} has no element #{parent}");
    page.assert_only_local_requests();
}

#[test]
fn the_older_release_banner_leads_to_the_same_rule_in_the_current_release() {
    let site = &*VERSIONED;
    let (id, page_path) = rule_in_both(site);
    let page = Page::open(site);
    page.goto(&site.url(&format!("v1/{page_path}#{id}")));
    let banner: Value = page.js(
        "const b = $('.release-banner[role=note]'); return b && { text: norm(b.textContent), visible: vis(b) };",
    );
    assert!(
        banner.is_object(),
        "v1/{page_path} has no .release-banner[role=note]"
    );
    let text = str_of(&banner["text"]);
    assert!(
        text.contains("v1") && text.contains("v2"),
        "the banner should name v1 and v2: {text}"
    );
    assert_eq!(banner["visible"], true, "the banner is not visible");
    click_and_wait(
        &page,
        "$('.release-banner a.to-current')",
        "the current release after the banner link",
    );
    let (path, search, hash) = location(&page);
    assert_eq!(
        (path.as_str(), search.as_str(), hash.as_str()),
        (
            format!("/{page_path}").as_str(),
            "",
            format!("#{id}").as_str()
        ),
        "the banner's link on v1/{page_path}#{id} should lead to the same rule at the root"
    );
    let state: Value = page.js(&format!(
        "return {{ found: !!document.getElementById('{id}'), banner: !!$('.release-banner'), here: $('details.versions').getAttribute('data-here') }};"
    ));
    assert_eq!(state["found"], true, "{page_path} has no #{id}");
    assert_eq!(
        state["banner"], false,
        "the current release should have no banner"
    );
    assert_eq!(state["here"], "v2", "{state}");
    page.assert_only_local_requests();
}

#[test]
fn changes_pages_and_history_panels_link_to_each_other() {
    let site = &*VERSIONED;
    let page = Page::open(site);
    page.goto(&site.url("changes/index.html"));
    let link = "$$('a').find(a => a.pathname.endsWith('/changes/v1...v2.html'))";
    let hrefs: Vec<String> = page.js("return $$('main a').map(a => a.getAttribute('href'));");
    assert!(
        page.js::<bool>(&format!("return !!({link});")),
        "changes/index.html has no link to changes/v1...v2.html; its links: {hrefs:?}"
    );
    click_and_wait(&page, link, "changes/v1...v2.html");
    let (path, _, _) = location(&page);
    assert_eq!(path, "/changes/v1...v2.html");
    let added: Value = page.js(&format!(
        "const s = $('#rule-{ADDED}');
         if (!s) return null;
         const g = s.closest('section.changes-group');
         return {{ group: g && norm($('h2', g).textContent), title: norm($('h3 a', s).textContent),
                   code: norm(($('code.rule-id', s) || {{}}).textContent), visible: vis(s),
                   href: $('h3 a', s).pathname + $('h3 a', s).hash }};"
    ));
    assert!(
        added.is_object(),
        "changes/v1...v2.html has no #rule-{ADDED}"
    );
    assert!(
        str_of(&added["group"]).starts_with("Added"),
        "{ADDED} should be under Added rules: {added}"
    );
    assert_eq!(added["title"], "Say less", "{added}");
    assert_eq!(added["code"], ADDED, "{added}");
    assert_eq!(added["visible"], true, "{added}");
    let (rule_page, _) = rule_of(site, "v2", ADDED);
    assert_eq!(
        str_of(&added["href"]),
        format!("/{rule_page}#{ADDED}"),
        "the title should link to the rule in the current release"
    );

    // The rule's History panel on its page links back to that entry.
    page.goto(&site.url(&format!("{rule_page}#{ADDED}")));
    let history = format!("$('section#{ADDED} details.history')");
    assert!(
        page.js::<bool>(&format!("return !!{history};")),
        "{rule_page}: section #{ADDED} has no details.history"
    );
    page.click(&format!("$('summary', {history})"));
    page.wait_for(
        &format!("return {history}.open && vis($('a', {history}));"),
        "the History panel open",
    );
    let shot = page.screenshot("versions-history-1280-light");
    let _ = std::fs::copy(&shot, "/tmp/vb-history-1280-light.png");
    let h: Vec<String> = page.js(&format!(
        "return $$('a', {history}).map(a => a.pathname + a.hash);"
    ));
    let want = format!("/changes/v1...v2.html#rule-{ADDED}");
    assert!(
        h.contains(&want),
        "the History panel of {ADDED} should link to {want}; it links to {h:?}"
    );
    click_and_wait(
        &page,
        &format!("$$('a', {history}).find(a => a.pathname + a.hash === '{want}')"),
        "the changes page from the History panel",
    );
    let (path, _, hash) = location(&page);
    assert_eq!(format!("{path}{hash}"), want);
    let at: Value = page.js(&format!("return inView($('#rule-{ADDED}'));"));
    assert_eq!(
        at["ok"], true,
        "#rule-{ADDED} should be in view after following the History link: {at}"
    );
    page.assert_only_local_requests();
}

#[test]
fn the_switcher_opens_with_enter_and_closes_with_escape() {
    let site = &*VERSIONED;
    let (_, page_path) = rule_in_both(site);
    let page = Page::open(site);
    page.goto(&site.url(&page_path));
    let summary = "$('details.versions > summary')";
    let mut seen = Vec::new();
    for _ in 0..40 {
        page.press("Tab");
        let (on, desc): (bool, String) = page.js(&format!(
            "const a = document.activeElement; return [a === {summary}, a ? a.tagName + (a.className ? '.' + a.className : '') + ' ' + norm(a.textContent).slice(0, 30) : ''];"
        ));
        if on {
            break;
        }
        seen.push(desc);
    }
    assert!(
        page.js::<bool>(&format!("return document.activeElement === {summary};")),
        "Tab never reached the release switcher; focus went through: {seen:?}"
    );
    let ring: bool = page.js(&format!(
        "const s = getComputedStyle({summary}); return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 || s.boxShadow !== 'none';"
    ));
    assert!(ring, "the focused switcher shows no focus ring");
    page.press("Enter");
    page.wait_for(
        "return $('details.versions').open && vis($('.versions-menu')) && $$('.versions-menu a[data-release]').every(vis);",
        "Enter to open the release menu with its entries visible",
    );
    page.press("Escape");
    page.wait_for(
        &format!("return !$('details.versions').open && !vis($('.versions-menu')) && document.activeElement === {summary};"),
        "Escape to close the release menu and put focus back on its summary",
    );
}

#[test]
fn changes_page_and_older_release_page_are_accessible_and_fit_phones() {
    let site = &*VERSIONED;
    let (_, page_path) = rule_in_both(site);
    let page = Page::open(site);
    let mut failures = Vec::new();
    let pages = [
        ("changes", "changes/v1...v2.html".to_owned()),
        ("v1-chapter", format!("v1/{page_path}")),
    ];
    for (name, rel) in &pages {
        for size in [WIDE, PHONE] {
            for scheme in ["light", "dark"] {
                page.viewport(size);
                page.color_scheme(scheme);
                page.goto(&site.url(rel));
                if *name == "v1-chapter" {
                    page.wait_for("return vis($('.release-banner'));", "the v1 banner");
                }
                failures.extend(page.axe_report(&format!("[{rel} {scheme} {}px]", size.0)));
                let fit: Value = page.js("const h = $('header.topbar');
                     return { doc: document.documentElement.scrollWidth, inner: innerWidth,
                              header: h ? h.scrollWidth - h.clientWidth : 0 };");
                let (doc, inner) = (
                    fit["doc"].as_f64().unwrap_or(f64::MAX),
                    fit["inner"].as_f64().unwrap_or(0.0),
                );
                if doc > inner || fit["header"].as_f64().unwrap_or(1.0) > 0.0 {
                    failures.push(format!(
                        "[{rel} {scheme} {}px] overflows horizontally: {fit}",
                        size.0
                    ));
                }
                if size == PHONE || scheme == "light" {
                    let shot = page.screenshot(&format!("versions-{name}-{}-{scheme}", size.0));
                    let _ = std::fs::copy(&shot, format!("/tmp/vb-{name}-{}-{scheme}.png", size.0));
                }
            }
        }
    }
    // The menu open at phone width (another page, so a new document): inside
    // the screen, and still no violation.
    page.viewport(PHONE);
    page.color_scheme("light");
    page.goto(&site.url("v1/index.html"));
    page.click("$('details.versions > summary')");
    let menu: Value = page.wait_for(
        "const m = $('.versions-menu'); if (!vis(m)) return null; const r = m.getBoundingClientRect(); return { left: r.left, right: r.right, inner: innerWidth };",
        "the release menu open at 390 px",
    );
    if menu["left"].as_f64().unwrap_or(-1.0) < 0.0
        || menu["right"].as_f64().unwrap_or(f64::MAX) > menu["inner"].as_f64().unwrap_or(0.0)
    {
        failures.push(format!(
            "[v1/index.html 390px] the open release menu leaves the screen: {menu}"
        ));
    }
    let shot = page.screenshot("versions-v1-menu-390-light");
    let _ = std::fs::copy(&shot, "/tmp/vb-v1-menu-390-light.png");
    failures.extend(page.axe_report("[v1/index.html menu open 390px]"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    page.assert_only_local_requests();
}
