//! Message content is data (issue 10): a spec project whose every field
//! carries a script payload (`tests/fixtures/hostile`) is built, served and
//! opened in headless Chromium; on every kind of page, and in the search
//! results, the examples browser and the live-preview overlay, no payload
//! may run. Each payload calls `alert(N)` or sets `window.__pwned`.
//!
//! What "ran" means here: a dialog was asked for (`alert`, `confirm`,
//! `prompt` are replaced before any page script, and a real dialog is
//! recorded too), `window.__pwned` is set, an element carries an `on*`
//! handler attribute, a `<script>` holds a payload, an element that embeds
//! or redirects (`iframe`, `object`, `embed`, `base`, `form`) exists, or a
//! `href` / `src` / `action` resolves to a `javascript:`, `vbscript:` or
//! HTML `data:` URL. Payloads must also stay visible as text: they are
//! data, shown, never dropped.
//!
//! Needs Chromium, like `tests/browser.rs` (see tests/browser/README.md).

mod common;
#[path = "browser/harness.rs"]
#[allow(dead_code)]
mod harness;

use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use harness::{Page, Serve, Site};
use headless_chrome::protocol::cdp::Page as CdpPage;
use headless_chrome::protocol::cdp::types::Event;
use serde_json::Value;

fn fixture() -> PathBuf {
    harness::repo().join("tests/fixtures/hostile")
}

static HOSTILE: LazyLock<Site> = LazyLock::new(|| Site::build("hostile", &fixture()));

/// Runs before any script of every document: dialogs are recorded instead
/// of shown, so a payload that reaches `alert` is caught on any page.
const TRAP: &str = r#"
window.__dialogs = [];
for (const name of ['alert', 'confirm', 'prompt', 'print']) {
  window[name] = function (msg) { window.__dialogs.push(name + '(' + String(msg) + ')'); };
}
"#;

/// The audit of the current document: a list of problems, empty if none.
const AUDIT: &str = r#"
const problems = [];
if (!Array.isArray(window.__dialogs)) problems.push('the dialog trap is missing (page loaded before it?)');
else if (window.__dialogs.length) problems.push('dialogs asked for: ' + window.__dialogs.join(', '));
if (window.__pwned !== undefined) problems.push('window.__pwned = ' + window.__pwned);
const urlAttrs = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'background', 'srcdoc', 'ping'];
const bad = (v) => {
  const t = v.replace(/[\u0000-\u0020]/g, '').toLowerCase();
  return /^(javascript|vbscript|livescript):/.test(t) || /^data:text\/html/.test(t);
};
const show = (el) => el.outerHTML.slice(0, 160);
for (const el of document.querySelectorAll('*')) {
  for (const a of Array.from(el.attributes)) {
    const n = a.name.toLowerCase();
    if (n.startsWith('on')) problems.push('handler attribute ' + n + ' on ' + show(el));
    if (urlAttrs.includes(n) && bad(a.value)) problems.push('script URL in ' + n + ': ' + show(el));
  }
  if ((el.localName === 'a' || el.localName === 'area') && el.hasAttribute('href')) {
    try {
      const p = new URL(el.getAttribute('href'), document.baseURI).protocol;
      if (p === 'javascript:' || p === 'vbscript:') problems.push('link resolves to ' + p + ' ' + show(el));
    } catch (e) { /* not a URL: not followed either */ }
  }
  if (el.localName === 'script' && /alert\(|__pwned/.test(el.textContent + ' ' + (el.getAttribute('src') || '')))
    problems.push('script element with a payload: ' + show(el));
  if (['iframe', 'object', 'embed', 'base', 'form', 'frame', 'frameset'].includes(el.localName))
    problems.push('embedding element: ' + show(el));
  if (el.localName === 'meta' && /refresh/i.test(el.getAttribute('http-equiv') || ''))
    problems.push('meta refresh: ' + show(el));
}
return problems;
"#;

/// A Chromium tab with the dialog trap installed and real dialogs recorded.
struct Browser {
    page: Page,
    dialogs: Arc<Mutex<Vec<String>>>,
}

impl Browser {
    fn open(origin: String) -> Browser {
        let page = Page::open_origin(origin);
        page.tab
            .call_method(CdpPage::AddScriptToEvaluateOnNewDocument {
                source: TRAP.to_owned(),
                world_name: None,
                include_command_line_api: None,
                run_immediately: None,
            })
            .expect("Page.addScriptToEvaluateOnNewDocument");
        let dialogs = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&dialogs);
        page.tab
            .add_event_listener(Arc::new(move |e: &Event| {
                if let Event::PageJavascriptDialogOpening(d) = e {
                    seen.lock().unwrap().push(d.params.message.clone());
                }
            }))
            .expect("listen to dialogs");
        Browser { page, dialogs }
    }

    /// Every problem the audit finds in the current document.
    fn problems(&self) -> Vec<String> {
        let opened = self.dialogs.lock().unwrap().clone();
        if !opened.is_empty() {
            let _ = self.page.tab.call_method(CdpPage::HandleJavaScriptDialog {
                accept: false,
                prompt_text: None,
            });
            return vec![format!("a payload opened a dialog: {opened:?}")];
        }
        self.page.js(AUDIT)
    }

    /// Fails with every problem the audit finds in the current document.
    #[track_caller]
    fn assert_clean(&self, what: &str) {
        let problems = self.problems();
        assert!(
            problems.is_empty(),
            "{what}: {} payload(s) became live markup:\n  {}",
            problems.len(),
            problems.join("\n  ")
        );
    }

    /// Fails unless the page shows each of `texts` as text.
    #[track_caller]
    fn assert_shows(&self, what: &str, texts: &[&str]) {
        let body: String = self.page.js("return document.body.textContent;");
        let missing: Vec<&&str> = texts.iter().filter(|t| !body.contains(**t)).collect();
        assert!(
            missing.is_empty(),
            "{what}: payloads should be shown as text, missing: {missing:?}"
        );
    }
}

#[test]
fn hostile_payloads_stay_text_on_every_page() {
    let site = &*HOSTILE;
    let b = Browser::open(site.origin());
    let mut pages = vec![
        "index.html".to_owned(),
        "all.html".to_owned(),
        "404.html".to_owned(),
        "examples.html".to_owned(),
    ];
    pages.extend(site.chapter_pages());
    pages.push(site.eval_page());
    // Every page is visited before failing, so a failure lists them all.
    let mut problems = Vec::new();
    for rel in &pages {
        b.page.goto(&site.url(rel));
        problems.extend(b.problems().into_iter().map(|p| format!("{rel}: {p}")));
    }
    assert!(
        problems.is_empty(),
        "{} payload(s) became live markup:\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
    b.page.goto(&site.url("hostile.html"));
    b.assert_shows(
        "the chapter page",
        &[
            "<img src=x onerror=alert(2)>",
            "<script>alert(3)</script>",
            "javascript:alert(7)",
            "<img src=x onerror=alert(20)>",
            "<img src=x onerror=alert(25)>",
            "javascript:alert(30)",
            "<img src=x onerror=alert(38)>",
            "<script>alert(40)</script>",
            "<img src=x onerror=alert(45)>",
            "<script>alert(55)</script>",
        ],
    );
    b.page.goto(&site.url(&site.eval_page()));
    b.assert_shows(
        "the eval page",
        &[
            "<img src=x onerror=alert(61)>",
            "<script>alert(64)</script>",
        ],
    );
    b.page.assert_only_local_requests();
}

#[test]
fn hostile_payloads_stay_text_in_search_results() {
    let site = &*HOSTILE;
    let b = Browser::open(site.origin());
    for rel in ["hostile.html", "all.html"] {
        b.page.goto(&site.url(rel));
        b.page.wait_for_within(
            "return !!$('#search [role=combobox]');",
            "the search box",
            Duration::from_secs(5),
        );
        b.page.click("$('#search [role=combobox]')");
        b.page.type_text("hostileword");
        b.page.wait_for_within(
            "const o = $$('#search [role=option]').filter(vis);
             const snippets = o.filter(x => $('.sb-snippet', x) && $('.sb-snippet', x).textContent.length > 0);
             return o.length >= 4 && snippets.length >= 4;",
            "search results with their snippets for `hostileword`",
            Duration::from_secs(15),
        );
        b.assert_clean(&format!("search results on {rel}"));
        b.assert_shows(&format!("search results on {rel}"), &["onerror=alert("]);
    }
    b.page.assert_only_local_requests();
}

#[test]
fn hostile_payloads_stay_text_in_the_examples_browser() {
    let site = &*HOSTILE;
    let b = Browser::open(site.origin());
    b.page.goto(&site.url("examples.html"));
    let n: usize = serde_json::from_value(b.page.wait_for(
        "const li = $$('[data-examples-browser] li[data-doc]'); return li.length >= 3 ? li.length : false;",
        "the examples browser to list the examples and eval prompts",
    ))
    .unwrap();
    b.page.js::<Value>(
        "$$('[data-examples-browser] details').forEach(d => { d.open = true; }); return null;",
    );
    b.page.wait_for(
        &format!("return $$('[data-examples-browser] .sbx-body .sbx-conv').length === {n};"),
        "every expanded entry to show its conversation",
    );
    b.assert_clean("examples browser, every entry expanded");
    b.assert_shows(
        "examples browser",
        &[
            "<img src=x onerror=alert(25)>",
            "<script>alert(64)</script>",
        ],
    );
    b.page.assert_only_local_requests();
}

#[test]
fn hostile_payloads_stay_text_in_the_live_preview_overlay() {
    let project = tempfile::Builder::new()
        .prefix("specbook-hostile-")
        .tempdir()
        .expect("scratch dir");
    common::copy_tree(&fixture(), project.path());
    let serve = Serve::start(project.path());
    let b = Browser::open(serve.origin());
    b.page.goto(&serve.url("hostile.html"));
    b.page
        .wait_response_of_kind("EventSource", Duration::from_secs(20));
    b.assert_clean("hostile.html under `specbook serve`");

    // An edit that fails with the payloads in the diagnostics' text.
    let file = project.path().join("content/01-hostile.md");
    let good = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        format!(
            "{good}\n## Broken <script>alert(90)</script> {{#<img src=x onerror=alert(91)>}}\n\nSee [?](#x<img/src/onerror=alert(92)>).\n"
        ),
    )
    .unwrap();
    b.page.wait_for_within(
        "const box = $$('[role=alert]').find(b => vis(b) && b.textContent.includes('01-hostile.md:'));
         return box ? box.textContent : false;",
        "the error overlay naming content/01-hostile.md",
        Duration::from_secs(60),
    );
    b.assert_clean("the live-preview overlay");
    b.assert_shows(
        "the overlay",
        &[
            "<img src=x onerror=alert(91)>",
            "#x<img/src/onerror=alert(92)>",
        ],
    );
    b.page.assert_only_local_requests();
}

/// `specbook check` on the fixture: passes (payloads are data, not
/// errors), and names each unsafe `book.toml` value and each piece of raw
/// HTML in author prose with its file and line.
#[test]
fn hostile_project_check_names_unsafe_config_and_prose_html() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_specbook"))
        .arg("check")
        .arg(fixture())
        .env("NO_COLOR", "1")
        .output()
        .expect("run specbook check");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "check should pass with warnings:\n{err}"
    );
    let toml = std::fs::read_to_string(fixture().join("book.toml")).unwrap();
    let line_of = |key: &str| {
        toml.lines()
            .position(|l| l.starts_with(key))
            .map(|i| i + 1)
            .unwrap()
    };
    for key in ["site-url", "git-repository-url", "edit-url-template"] {
        let at = format!("book.toml:{}:", line_of(key));
        assert!(
            err.lines()
                .any(|l| l.starts_with(&at) && l.contains("warning") && l.contains(key)),
            "no warning at {at} about `{key}`:\n{err}"
        );
    }
    for at in [
        "content/01-hostile.md:3:",
        "content/01-hostile.md:5:",
        "content/01-hostile.md:12:",
    ] {
        assert!(
            err.lines()
                .any(|l| l.starts_with(at) && l.contains("raw HTML")),
            "no raw-HTML warning at {at}:\n{err}"
        );
    }
    assert!(
        err.lines()
            .any(|l| l.starts_with("content/01-hostile.md:7:") && l.contains("javascript:")),
        "no warning about the javascript: links of line 7:\n{err}"
    );
}
