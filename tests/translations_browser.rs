//! A translated site as a reader sees it (issue 14), in headless Chromium:
//! the sample project with `[languages.zh]` and the hand-translated
//! fixture catalog `tests/fixtures/i18n/zh.po` (a handful of units; the
//! rest fall back to English). The language switcher keeps the rule (the
//! one in the address, else the one in view), fallback units are marked
//! and carry the source language, a unit whose English source is edited
//! is marked stale once `specbook i18n update` has run and its note leads
//! to the current English, Chinese queries find their rules in the
//! Chinese site's own index, the status page is one click from the
//! footer, and axe-core finds no violation on the Chinese pages (1280 and
//! 390 px, both themes).
//!
//! Needs Chromium and axe-core, like `tests/browser.rs` (see
//! tests/browser/README.md).

mod common;
#[path = "browser/harness.rs"]
#[allow(dead_code)]
mod harness;

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use harness::{COMBOBOX, Page, Site, open_search, str_of, wait_options};
use serde_json::Value;

const WIDE: (u32, u32) = (1280, 900);
const PHONE: (u32, u32) = (390, 844);

/// The translated rule of the fixture, on its chapter page.
const RULE: &str = "follow_in_order";
const CHAPTER: &str = "chain_of_command.html";

/// The sample project with a Chinese translation, in a folder kept for
/// the life of the test process (the site is built from it).
fn translated_project() -> PathBuf {
    let dir = Box::leak(Box::new(tempfile::tempdir().unwrap()));
    let root = dir.path().to_path_buf();
    common::copy_sample_project(&root);
    let toml = root.join("book.toml");
    let text = std::fs::read_to_string(&toml).unwrap() + "\n[languages.zh]\n";
    std::fs::write(&toml, text).unwrap();
    std::fs::create_dir_all(root.join("po")).unwrap();
    std::fs::copy(common::fixture("i18n/zh.po"), root.join("po/zh.po")).unwrap();
    root
}

static TRANSLATED: LazyLock<Site> =
    LazyLock::new(|| Site::build("translated", &translated_project()));

/// The same project after its English source of [`RULE`] was edited and
/// `specbook i18n update` merged the change into `po/zh.po`.
static EDITED: LazyLock<Site> = LazyLock::new(|| {
    let root = translated_project();
    let file = root.join("content/02-chain-of-command.md");
    let text = std::fs::read_to_string(&file).unwrap();
    let edited = text.replace(
        "the assistant follows the one with more authority",
        "the assistant follows the instruction that carries more authority",
    );
    assert_ne!(text, edited, "the sentence to edit is in the sample");
    std::fs::write(&file, edited).unwrap();
    update(&root);
    Site::build("translated-edited", &root)
});

fn update(root: &Path) {
    let res = common::specbook(&["i18n", "update", root.to_str().unwrap()]);
    assert!(
        res.status.success(),
        "i18n update failed:\n{}",
        String::from_utf8_lossy(&res.stderr)
    );
    let po = std::fs::read_to_string(root.join("po/zh.po")).unwrap();
    let entry = po
        .split("\n\n")
        .find(|e| e.contains(&format!("msgctxt \"{RULE}/p-1\"")))
        .expect("the entry of the edited paragraph");
    assert!(
        entry.contains("#, fuzzy"),
        "the edited unit should be fuzzy:\n{entry}"
    );
}

/// Clicks `element` (a JS expression) and waits for the page it loads.
#[track_caller]
fn click_and_wait(page: &Page, element: &str, what: &str) {
    page.js::<Value>("window.__btOld = true; return null;");
    page.click(element);
    page.wait_loaded(what);
}

/// Opens the language switcher and picks `lang`.
#[track_caller]
fn switch_to(page: &Page, lang: &str, what: &str) {
    page.click("$('details.languages > summary')");
    page.wait_for(
        "return $('details.languages').open && vis($('.languages-menu'));",
        "the language menu open",
    );
    click_and_wait(
        page,
        &format!("$('details.languages a[hreflang=\"{lang}\"]')"),
        what,
    );
}

/// (pathname, hash, the document's language).
fn location(page: &Page) -> (String, String, String) {
    let v: Value =
        page.js("return [location.pathname, location.hash, document.documentElement.lang];");
    (str_of(&v[0]), str_of(&v[1]), str_of(&v[2]))
}

#[test]
fn switching_language_keeps_the_rule() {
    let site = &*TRANSLATED;
    let page = Page::open(site);
    page.viewport(WIDE);
    // The rule in the address.
    page.goto(&site.url(&format!("{CHAPTER}#{RULE}")));
    switch_to(&page, "zh", "the Chinese page");
    assert_eq!(
        location(&page),
        (format!("/zh/{CHAPTER}"), format!("#{RULE}"), "zh".into())
    );
    let title: String = page.js(&format!("return norm($('#{RULE} h2').textContent);"));
    assert_eq!(title, "按权限顺序遵循指令");
    // Back, from the rule in view (no anchor in the address).
    page.goto(&site.url(&format!("zh/{CHAPTER}")));
    page.js::<Value>("document.getElementById('keep_developer_secrets').scrollIntoView({ behavior: 'instant' }); return null;");
    page.wait_for(
        "return document.getElementById('keep_developer_secrets').getBoundingClientRect().top < innerHeight / 3;",
        "the rule scrolled into view",
    );
    // Clicked where they are (the harness's plain click scrolls its
    // target into view first, which would move the page off the rule).
    let before: f64 = page.js("return scrollY;");
    page.click_in_place("$('details.languages > summary')");
    page.wait_for(
        "return $('details.languages').open;",
        "the language menu open",
    );
    let after: f64 = page.js("return scrollY;");
    assert_eq!(before, after, "opening the language menu moved the page");
    page.js::<Value>("window.__btOld = true; return null;");
    page.click_in_place("$('details.languages a[hreflang=en]')");
    page.wait_loaded("the English page");
    assert_eq!(
        location(&page),
        (
            format!("/{CHAPTER}"),
            "#keep_developer_secrets".into(),
            "en".into()
        )
    );
    // Without JavaScript the switcher still leads to the same page.
    let hrefs: Value =
        page.js("return $$('details.languages a').map(a => a.getAttribute('href'));");
    assert_eq!(hrefs, serde_json::json!([CHAPTER, format!("zh/{CHAPTER}")]));
    page.assert_only_local_requests();
}

#[test]
fn fallback_units_are_marked_and_carry_the_source_language() {
    let site = &*TRANSLATED;
    let page = Page::open(site);
    page.goto(&site.url(&format!("zh/{CHAPTER}")));
    let v: Value = page.js(
        "const intro = $('#chain_of_command .tr-untranslated');
         const note = intro && $('.tr-note', intro);
         const p = $('#follow_in_order > p');
         const dev = $('#ex-developer-user-conflict-over-the-topic-of-conversation .message[data-role=developer] p');
         return {
           introLang: intro && $('p', intro).closest('[lang]').lang,
           noteText: note && norm(note.textContent), noteVisible: note && vis(note),
           noteLang: note && note.closest('[lang]').lang,
           translatedLang: p.closest('[lang]').lang, translatedMarked: !!p.closest('.tr-unit'),
           devLang: dev.closest('[lang]').lang,
           headingLang: $('#honor_platform_settings h2').closest('[lang]').lang,
           headingNote: $('#honor_platform_settings h2').title,
         };",
    );
    assert_eq!(v["introLang"], "en", "{v}");
    assert_eq!(v["noteText"], "尚未翻译", "{v}");
    assert_eq!(v["noteVisible"], true, "{v}");
    assert_eq!(
        v["noteLang"], "zh",
        "the note is in the page's language: {v}"
    );
    assert_eq!(v["translatedLang"], "zh", "{v}");
    assert_eq!(v["translatedMarked"], false, "{v}");
    assert_eq!(v["devLang"], "en", "{v}");
    assert_eq!(v["headingLang"], "en", "{v}");
    assert_eq!(v["headingNote"], "尚未翻译", "{v}");
    let shot = page.screenshot("translations-fallback-1280-light");
    let _ = std::fs::copy(&shot, "/tmp/tb-fallback-1280-light.png");
}

#[test]
fn a_unit_whose_source_changed_is_marked_stale_and_leads_to_the_current_source() {
    let site = &*EDITED;
    let page = Page::open(site);
    page.goto(&site.url(&format!("zh/{CHAPTER}#{RULE}")));
    let v: Value = page.js(&format!(
        "const s = $('#{RULE} .tr-stale');
         return s && {{ text: norm(s.textContent), note: norm($('.tr-note', s).textContent),
                       href: $('.tr-note a', s).href, visible: vis($('.tr-note', s)) }};"
    ));
    assert!(v.is_object(), "no stale mark in #{RULE}");
    let text = str_of(&v["text"]);
    assert!(
        text.starts_with("当两条指令"),
        "the old translation is still shown: {text}"
    );
    assert!(
        str_of(&v["note"]).starts_with("原文在翻译之后已有改动"),
        "{v}"
    );
    assert_eq!(v["visible"], true);
    assert_eq!(str_of(&v["href"]), site.url(&format!("{CHAPTER}#{RULE}")));
    // The translated title of the same rule is still current.
    let marked: bool = page.js(&format!(
        "return !!$('#{RULE} h2').closest('.tr-stale, .tr-untranslated');"
    ));
    assert!(!marked, "the title's source did not change");
    click_and_wait(
        &page,
        &format!("$('#{RULE} .tr-note a')"),
        "the current English",
    );
    assert_eq!(
        location(&page),
        (format!("/{CHAPTER}"), format!("#{RULE}"), "en".into())
    );
    let english: String = page.js(&format!("return norm($('#{RULE} > p').textContent);"));
    assert!(
        english.contains("follows the instruction that carries more authority"),
        "{english}"
    );
    // The unedited site shows no stale mark there.
    let fresh = Page::open(&TRANSLATED);
    fresh.goto(&TRANSLATED.url(&format!("zh/{CHAPTER}")));
    let stale: usize = fresh.js(&format!("return $$('#{RULE} .tr-stale').length;"));
    assert_eq!(stale, 0);
    let shot = page.screenshot("translations-stale");
    let _ = std::fs::copy(&shot, "/tmp/tb-stale.png");
}

#[test]
fn chinese_queries_find_their_rules_in_the_chinese_index() {
    let site = &*TRANSLATED;
    let page = open_search(site, "zh/index.html");
    page.click(COMBOBOX);
    page.type_text("权限顺序");
    let opts = wait_options(&page, "results for 权限顺序");
    assert!(
        opts[0].starts_with(&site.url(&format!("zh/{CHAPTER}#{RULE}"))),
        "the first result should be the Chinese rule, got {:?}",
        &opts[..opts.len().min(5)]
    );
    let loaded: Vec<String> = page
        .requests()
        .into_iter()
        .map(|r| r.url)
        .filter(|u| u.contains("/search/"))
        .collect();
    assert!(
        !loaded.is_empty()
            && loaded
                .iter()
                .all(|u| u.starts_with(&site.url("zh/search/"))),
        "the Chinese site reads its own index: {loaded:?}"
    );
    page.assert_only_local_requests();
}

#[test]
fn the_status_page_is_linked_from_the_footer_and_the_pages_are_accessible() {
    let site = &*TRANSLATED;
    let page = Page::open(site);
    page.goto(&site.url("zh/index.html"));
    click_and_wait(
        &page,
        "$('.site-footer a[href$=\"translation.html\"]')",
        "the status page",
    );
    let (path, _, lang) = location(&page);
    assert_eq!(
        (path.as_str(), lang.as_str()),
        ("/zh/translation.html", "zh")
    );
    let rows: Value = page.js("return $$('.tr-status tbody tr').map(r => norm(r.textContent));");
    assert!(rows.as_array().is_some_and(|r| r.len() >= 5), "{rows}");
    let mut failures = Vec::new();
    for rel in [format!("zh/{CHAPTER}"), "zh/translation.html".to_owned()] {
        for size in [WIDE, PHONE] {
            for scheme in ["light", "dark"] {
                page.viewport(size);
                page.color_scheme(scheme);
                page.goto(&site.url(&rel));
                failures.extend(page.axe_report(&format!("[{rel} {scheme} {}px]", size.0)));
                let doc: Value =
                    page.js("return [document.documentElement.scrollWidth, innerWidth];");
                if doc[0].as_f64() > doc[1].as_f64() {
                    failures.push(format!("[{rel} {scheme} {}px] overflows: {doc}", size.0));
                }
                let name = rel.replace(['/', '.'], "-");
                let shot = page.screenshot(&format!("translations-{name}-{}-{scheme}", size.0));
                let _ = std::fs::copy(&shot, format!("/tmp/tb-{name}-{}-{scheme}.png", size.0));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    page.assert_only_local_requests();
}
