//! Harness of the real-browser tests (`tests/browser.rs`): builds the sample
//! project and the real corpus once per test binary, serves each on loopback
//! with a tiny static file server, and drives headless Chromium through the
//! DevTools protocol (`headless_chrome`). Every request a page makes is
//! recorded so that a test can prove nothing leaves the local server.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use headless_chrome::protocol::cdp::Page as CdpPage;
use headless_chrome::protocol::cdp::types::{Event, Method};
use headless_chrome::{Browser as Chrome, LaunchOptions, Tab};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------
// Paths
// ---------------------------------------------------------------------------

// The repository (the bundled sample project lives at its root) and the
// real corpus (optional: see `corpus` below).
pub use crate::common::repo;

/// Cargo's `target/` folder.
pub fn target_dir() -> PathBuf {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().map(Path::to_path_buf).unwrap_or(tmp)
}

/// Where screenshots are written for a person to look at.
pub fn screenshot_dir() -> PathBuf {
    let dir = target_dir().join("screenshots");
    std::fs::create_dir_all(&dir).expect("create target/screenshots");
    dir
}

/// The Chromium binary: `$CHROMIUM` if set, else Debian's `chromium`.
/// Fails (never skips) with an install hint when there is none.
pub fn chromium() -> PathBuf {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        let p = PathBuf::from(p);
        assert!(p.is_file(), "CHROMIUM={} is not a file", p.display());
        return p;
    }
    let names = ["chromium", "chromium-browser"];
    // Debian's binary itself first: its /usr/bin/chromium wrapper only adds
    // desktop flags (extensions, API keys) and a second of start-up.
    let fixed = [
        "/usr/lib/chromium/chromium",
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
    ];
    if let Some(p) = fixed.iter().map(PathBuf::from).find(|p| p.is_file()) {
        return p;
    }
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            for n in names {
                let p = dir.join(n);
                if p.is_file() {
                    return p;
                }
            }
        }
    }
    panic!(
        "Chromium is not installed, and the browser tests need it.\n\
         Install it with:  apt-get install -y chromium\n\
         (or set CHROMIUM=/path/to/chromium). See tests/browser/README.md."
    );
}

/// axe-core's script, installed by `npm install --prefix target/npm axe-core@4`.
pub fn axe_source() -> &'static str {
    static AXE: LazyLock<String> = LazyLock::new(|| {
        let path = std::env::var_os("AXE_CORE_JS")
            .map(PathBuf::from)
            .unwrap_or_else(|| repo().join("target/npm/node_modules/axe-core/axe.min.js"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "axe-core is not installed ({}: {e}).\n\
                 Install it with:  npm install --prefix target/npm axe-core@4\n\
                 (run from the repository root; or set AXE_CORE_JS). See tests/browser/README.md.",
                path.display()
            )
        })
    });
    &AXE
}

// ---------------------------------------------------------------------------
// Built sites
// ---------------------------------------------------------------------------

/// A site built by `specbook build` and served on loopback.
pub struct Site {
    pub name: &'static str,
    pub dir: PathBuf,
    pub spec: Value,
    port: u16,
}

static SAMPLE: LazyLock<Site> = LazyLock::new(|| {
    // SPECBOOK_BROWSER_SAMPLE points the suite at another project, e.g. a
    // scratch copy whose `templates/` override breaks a behaviour on purpose.
    let src = std::env::var_os("SPECBOOK_BROWSER_SAMPLE")
        .map(PathBuf::from)
        .unwrap_or_else(repo);
    Site::build("sample", &src)
});
static CORPUS: LazyLock<Site> = LazyLock::new(|| Site::build("corpus", &crate::common::corpus()));

/// The bundled sample project (`book.toml`, `content/`, `evals/`).
pub fn sample() -> &'static Site {
    &SAMPLE
}

/// The newest release of the real corpus (`../shared/corpus` or
/// `$SPECBOOK_CORPUS`; read-only, never copied). Panics when it is absent:
/// tests that use it are `#[ignore]`d and named `corpus_*`.
pub fn corpus() -> &'static Site {
    &CORPUS
}

/// Per-process output root under `target/tmp/browser-sites/`; folders left
/// by processes that are gone are removed first.
fn sites_root() -> PathBuf {
    static ROOT: LazyLock<PathBuf> = LazyLock::new(|| {
        let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser-sites");
        if let Ok(entries) = std::fs::read_dir(&base) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                let gone = match name.parse::<u32>() {
                    Ok(pid) if Path::new("/proc/self").exists() => {
                        !Path::new("/proc").join(pid.to_string()).exists()
                    }
                    _ => e
                        .metadata()
                        .and_then(|m| m.modified())
                        .map(|t| t.elapsed().unwrap_or_default() > Duration::from_secs(6 * 3600))
                        .unwrap_or(false),
                };
                if gone && pid_dir_is_ours(&name) {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
        let dir = base.join(std::process::id().to_string());
        std::fs::create_dir_all(&dir).expect("create target/tmp/browser-sites");
        dir
    });
    ROOT.clone()
}

fn pid_dir_is_ours(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit())
}

impl Site {
    /// Builds `src` with `specbook build` and serves it (also used by
    /// `tests/hostile_browser.rs` for its own project).
    pub fn build(name: &'static str, src: &Path) -> Site {
        let out = sites_root().join(name);
        let started = Instant::now();
        let res = Command::new(env!("CARGO_BIN_EXE_specbook"))
            .arg("build")
            .arg(src)
            .arg("-o")
            .arg(&out)
            .output()
            .expect("run specbook build");
        assert!(
            res.status.success(),
            "`specbook build {} -o {}` failed ({}):\n{}",
            src.display(),
            out.display(),
            res.status,
            String::from_utf8_lossy(&res.stderr)
        );
        eprintln!(
            "[browser] built {name} ({}) into {} in {} ms",
            src.display(),
            out.display(),
            started.elapsed().as_millis()
        );
        let spec_text = std::fs::read_to_string(out.join("spec.json"))
            .unwrap_or_else(|e| panic!("{name}: no spec.json in the built site: {e}"));
        let spec: Value = serde_json::from_str(&spec_text).expect("spec.json parses");
        let port = serve_static(out.clone());
        Site {
            name,
            dir: out,
            spec,
            port,
        }
    }

    /// `http://127.0.0.1:PORT`
    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Absolute URL of a site-relative path such as `all.html#x`.
    pub fn url(&self, rel: &str) -> String {
        format!("{}/{}", self.origin(), rel.trim_start_matches('/'))
    }

    pub fn has(&self, rel: &str) -> bool {
        self.dir.join(rel).is_file()
    }

    fn sections(&self) -> &Vec<Value> {
        self.spec["sections"]
            .as_array()
            .expect("spec.json sections")
    }

    /// Spec examples (not eval prompts), in document order.
    pub fn examples(&self) -> &Vec<Value> {
        self.spec["examples"]
            .as_array()
            .expect("spec.json examples")
    }

    /// Top-level sections: (id, title).
    pub fn top_sections(&self) -> Vec<(String, String)> {
        self.sections()
            .iter()
            .filter(|s| s["parent"].is_null())
            .map(|s| (str_of(&s["id"]), str_of(&s["title"])))
            .collect()
    }

    /// The top-level section holding a section (its page is `ID.html`).
    pub fn chapter_of(&self, section: &str) -> String {
        let by_id: HashMap<String, &Value> = self
            .sections()
            .iter()
            .map(|s| (str_of(&s["id"]), s))
            .collect();
        let mut cur = section.to_owned();
        for _ in 0..64 {
            let s = by_id
                .get(&cur)
                .unwrap_or_else(|| panic!("{}: no section {cur}", self.name));
            match s["parent"].as_str() {
                Some(p) => cur = p.to_owned(),
                None => return cur,
            }
        }
        panic!("{}: section parents loop at {section}", self.name)
    }

    /// The page of every top-level section, in order.
    pub fn chapter_pages(&self) -> Vec<String> {
        self.top_sections()
            .into_iter()
            .map(|(id, _)| format!("{id}.html"))
            .filter(|p| self.has(p))
            .collect()
    }

    /// Spec examples per chapter page.
    pub fn examples_by_page(&self) -> Vec<(String, Vec<&Value>)> {
        let mut out: Vec<(String, Vec<&Value>)> = self
            .chapter_pages()
            .into_iter()
            .map(|p| (p, Vec::new()))
            .collect();
        for ex in self.examples() {
            let page = format!("{}.html", self.chapter_of(&str_of(&ex["section"])));
            if let Some(slot) = out.iter_mut().find(|(p, _)| *p == page) {
                slot.1.push(ex);
            }
        }
        out
    }

    /// The chapter page with the most examples.
    pub fn page_with_most_examples(&self) -> String {
        self.examples_by_page()
            .into_iter()
            .max_by_key(|(_, v)| v.len())
            .map(|(p, _)| p)
            .expect("a chapter page")
    }

    /// The largest chapter page (bytes of HTML).
    pub fn largest_chapter_page(&self) -> String {
        self.chapter_pages()
            .into_iter()
            .max_by_key(|p| {
                std::fs::metadata(self.dir.join(p))
                    .map(|m| m.len())
                    .unwrap_or(0)
            })
            .expect("a chapter page")
    }

    /// An eval-prompt page with prompts that some section cites.
    pub fn eval_page(&self) -> String {
        self.spec["evals"]
            .as_array()
            .expect("spec.json evals")
            .iter()
            .filter(|e| {
                e["examples"].as_array().is_some_and(|v| !v.is_empty())
                    && e["sections"].as_array().is_some_and(|v| !v.is_empty())
            })
            .map(|e| format!("evals/{}.html", str_of(&e["id"])))
            .find(|p| self.has(p))
            .expect("an eval-prompt page cited by a section")
    }

    /// The four page kinds every layout, privacy and accessibility check
    /// visits: home, a section with examples, the single page, an eval page.
    pub fn key_pages(&self) -> Vec<(&'static str, String)> {
        vec![
            ("home", "index.html".to_owned()),
            ("section", self.page_with_most_examples()),
            ("single", "all.html".to_owned()),
            ("eval", self.eval_page()),
        ]
    }
}

pub fn str_of(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

// ---------------------------------------------------------------------------
// Static file server (loopback, bounded, gzip)
// ---------------------------------------------------------------------------

const MAX_CONNECTIONS: usize = 64;
const MAX_REQUESTS_PER_CONNECTION: usize = 200;

/// Serves `root` on 127.0.0.1 (an ephemeral port) from a background thread
/// that lives as long as the test process. At most `MAX_CONNECTIONS`
/// connections are handled at once; idle connections time out.
fn serve_static(root: PathBuf) -> u16 {
    let listener = TcpListener::bind(("127.0.0.1", 0)).expect("bind a loopback port");
    let port = listener.local_addr().expect("local addr").port();
    let root = Arc::new(root);
    let active = Arc::new(AtomicUsize::new(0));
    thread::Builder::new()
        .name(format!("static-{port}"))
        .spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                if active.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
                    continue; // dropped: bounded
                }
                active.fetch_add(1, Ordering::SeqCst);
                let (root, active2) = (Arc::clone(&root), Arc::clone(&active));
                let spawned = thread::Builder::new()
                    .name(format!("static-{port}-conn"))
                    .spawn(move || {
                        let _ = serve_connection(stream, &root);
                        active2.fetch_sub(1, Ordering::SeqCst);
                    });
                if spawned.is_err() {
                    active.fetch_sub(1, Ordering::SeqCst);
                }
            }
        })
        .expect("spawn the static server");
    port
}

fn serve_connection(stream: TcpStream, root: &Path) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut out = stream;
    for _ in 0..MAX_REQUESTS_PER_CONNECTION {
        let mut line = String::new();
        if reader.by_ref().take(8192).read_line(&mut line)? == 0 {
            return Ok(());
        }
        let mut gzip_ok = false;
        let mut header_bytes = 0usize;
        loop {
            let mut h = String::new();
            let n = reader.by_ref().take(8192).read_line(&mut h)?;
            header_bytes += n;
            if n == 0 || h == "\r\n" || h == "\n" || header_bytes > 64 * 1024 {
                break;
            }
            if let Some((k, v)) = h.split_once(':')
                && k.eq_ignore_ascii_case("accept-encoding")
            {
                gzip_ok = v.split(',').any(|e| e.trim().starts_with("gzip"));
            }
        }
        let mut parts = line.split_whitespace();
        let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        if method != "GET" && method != "HEAD" {
            write_response(
                &mut out,
                405,
                "text/plain; charset=utf-8",
                b"method not allowed",
                false,
                false,
            )?;
            return Ok(());
        }
        let (status, ctype, body) = match resolve(root, target) {
            Some(path) => (
                200,
                specbook::serve::content_type(&path.to_string_lossy()),
                std::fs::read(&path)?,
            ),
            None => {
                let body =
                    std::fs::read(root.join("404.html")).unwrap_or_else(|_| b"not found".to_vec());
                (404, "text/html; charset=utf-8", body)
            }
        };
        let gzip = gzip_ok && compressible(ctype);
        write_response(&mut out, status, ctype, &body, gzip, method == "HEAD")?;
    }
    Ok(())
}

fn write_response(
    out: &mut TcpStream,
    status: u16,
    ctype: &str,
    body: &[u8],
    gzip: bool,
    head_only: bool,
) -> std::io::Result<()> {
    let body = if gzip {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
        enc.write_all(body)?;
        enc.finish()?
    } else {
        body.to_vec()
    };
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Method Not Allowed",
    };
    let mut head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\
         Cache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\nVary: Accept-Encoding\r\n",
        body.len()
    );
    if gzip {
        head.push_str("Content-Encoding: gzip\r\n");
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())?;
    if !head_only {
        out.write_all(&body)?;
    }
    out.flush()
}

/// Maps a request target to a file under `root` with the same rules as
/// `specbook serve` (`site_key`): `None` for anything outside it or missing.
fn resolve(root: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next()?;
    let mut out = root.join(specbook::serve::site_key(path)?);
    if out.is_dir() {
        out.push("index.html");
    }
    out.is_file().then_some(out)
}

fn compressible(ctype: &str) -> bool {
    ctype.starts_with("text/")
        || ctype.starts_with("application/json")
        || ctype.starts_with("application/xml")
        || ctype.starts_with("image/svg")
}

// ---------------------------------------------------------------------------
// Raw DevTools calls
// ---------------------------------------------------------------------------

macro_rules! cdp_methods {
    ($($ty:ident = $name:literal;)*) => {$(
        #[derive(Debug, serde::Serialize)]
        #[serde(transparent)]
        struct $ty(Value);
        impl Method for $ty {
            const NAME: &'static str = $name;
            type ReturnObject = Value;
        }
    )*};
}

cdp_methods! {
    NetworkEnable = "Network.enable";
    NetworkSetCacheDisabled = "Network.setCacheDisabled";
    RuntimeEvaluate = "Runtime.evaluate";
    PageNavigate = "Page.navigate";
    SetDeviceMetrics = "Emulation.setDeviceMetricsOverride";
    SetEmulatedMedia = "Emulation.setEmulatedMedia";
    SetFocusEmulation = "Emulation.setFocusEmulationEnabled";
    DispatchMouse = "Input.dispatchMouseEvent";
    InsertText = "Input.insertText";
    GrantPermissions = "Browser.grantPermissions";
}

// ---------------------------------------------------------------------------
// Network log
// ---------------------------------------------------------------------------

/// One request a page made, as the DevTools Network domain reported it.
#[derive(Clone, Debug)]
pub struct Request {
    pub url: String,
    pub kind: String,
    pub status: Option<u32>,
    pub mime: String,
    pub content_encoding: Option<String>,
    /// Bytes on the wire (headers and body, compressed) once finished.
    pub encoded: Option<f64>,
    pub failed: Option<String>,
}

#[derive(Default)]
struct NetLog {
    requests: Vec<Request>,
    by_id: HashMap<String, usize>,
    pending: usize,
    last_activity: Option<Instant>,
}

impl NetLog {
    fn on_event(&mut self, event: &Event) {
        match event {
            Event::NetworkRequestWillBeSent(e) => {
                let p = &e.params;
                let finished_redirect = self.by_id.contains_key(&p.request_id);
                if !finished_redirect {
                    self.pending += 1;
                }
                self.by_id.insert(p.request_id.clone(), self.requests.len());
                self.requests.push(Request {
                    url: p.request.url.clone(),
                    kind: p
                        .Type
                        .as_ref()
                        .map(|t| format!("{t:?}"))
                        .unwrap_or_default(),
                    status: None,
                    mime: String::new(),
                    content_encoding: None,
                    encoded: None,
                    failed: None,
                });
            }
            Event::NetworkResponseReceived(e) => {
                let p = &e.params;
                if let Some(&i) = self.by_id.get(&p.request_id) {
                    let r = &mut self.requests[i];
                    r.status = Some(p.response.status);
                    r.mime = p.response.mime_type.clone();
                    r.content_encoding = header(&p.response.headers.0, "content-encoding");
                }
            }
            Event::NetworkLoadingFinished(e) => {
                let p = &e.params;
                if let Some(&i) = self.by_id.get(&p.request_id)
                    && self.requests[i].encoded.is_none()
                    && self.requests[i].failed.is_none()
                {
                    self.requests[i].encoded = Some(p.encoded_data_length);
                    self.pending = self.pending.saturating_sub(1);
                }
            }
            Event::NetworkLoadingFailed(e) => {
                let p = &e.params;
                if let Some(&i) = self.by_id.get(&p.request_id)
                    && self.requests[i].encoded.is_none()
                    && self.requests[i].failed.is_none()
                {
                    self.requests[i].failed = Some(p.error_text.clone());
                    self.pending = self.pending.saturating_sub(1);
                }
            }
            _ => return,
        }
        self.last_activity = Some(Instant::now());
    }
}

fn header(headers: &Option<Value>, name: &str) -> Option<String> {
    headers.as_ref()?.as_object()?.iter().find_map(|(k, v)| {
        k.eq_ignore_ascii_case(name)
            .then(|| v.as_str().unwrap_or_default().to_owned())
    })
}

// ---------------------------------------------------------------------------
// Browser and page
// ---------------------------------------------------------------------------

/// Helpers prepended to every script run by [`Page::js`].
const JS_LIB: &str = r#"
const $ = (s, el) => (el || document).querySelector(s);
const $$ = (s, el) => Array.from((el || document).querySelectorAll(s));
const vis = (el) => {
  if (!el) return false;
  const r = el.getBoundingClientRect();
  if (r.width <= 0 || r.height <= 0) return false;
  return el.checkVisibility ? el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }) : true;
};
const norm = (s) => (s || '').replace(/[\u2018\u2019]/g, "'").replace(/[\u201c\u201d]/g, '"').replace(/\s+/g, ' ').trim();
const inView = (el) => {
  if (!el) return { ok: false, why: 'no element' };
  const h = el.matches('h1,h2,h3,h4,h5,h6,figcaption') ? el : (el.querySelector('h1,h2,h3,h4,h5,h6,figcaption') || el);
  const r = h.getBoundingClientRect();
  const x = r.left + Math.min(24, r.width / 2), y = r.top + Math.min(r.height / 2, 12);
  const hit = document.elementFromPoint(x, y);
  const covered = !(hit && (hit === h || h.contains(hit)));
  const ok = r.height > 0 && r.top >= 0 && r.bottom <= innerHeight && !covered;
  return { ok, top: r.top, bottom: r.bottom, innerHeight, covered_by: covered && hit ? hit.outerHTML.slice(0, 120) : null, text: norm(h.textContent).slice(0, 80) };
};
"#;

/// One headless Chromium (fresh profile) and its tab. Every test opens its
/// own, so tests stay independent.
pub struct Page {
    pub tab: Arc<Tab>,
    net: Arc<Mutex<NetLog>>,
    allowed: Vec<String>,
    opened: Instant,
    chrome: Option<Chrome>,
    profile: Option<tempfile::TempDir>,
}

pub const WIDE: (u32, u32) = (1280, 900);
pub const NARROW: (u32, u32) = (360, 780);

impl Page {
    /// Launches Chromium (1280x900, light colour scheme) for `site`.
    pub fn open(site: &Site) -> Page {
        Page::open_origin(site.origin())
    }

    /// Launches Chromium for a server at `origin` (`http://127.0.0.1:PORT`).
    pub fn open_origin(origin: String) -> Page {
        let profile = tempfile::Builder::new()
            .prefix("specbook-chromium-")
            .tempdir()
            .expect("profile dir");
        let args: Vec<&std::ffi::OsStr> = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-default-apps",
            "--disable-extensions",
            "--mute-audio",
            "--lang=en-US",
            // Offline: any other host fails at once (and is still recorded,
            // so the test fails); loopback goes direct.
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--proxy-server=http://127.0.0.1:9",
        ]
        .iter()
        .map(std::ffi::OsStr::new)
        .collect();
        let options = LaunchOptions {
            headless: true,
            sandbox: false,
            enable_gpu: false,
            path: Some(chromium()),
            user_data_dir: Some(profile.path().to_path_buf()),
            window_size: Some(WIDE),
            idle_browser_timeout: Duration::from_secs(120),
            args,
            ..LaunchOptions::default()
        };
        let launch = Instant::now();
        let chrome = Chrome::new(options)
            .unwrap_or_else(|e| panic!("could not start {}: {e:#}", chromium().display()));
        let tab = chrome.new_tab().expect("open a tab");
        eprintln!(
            "[browser] {}: Chromium started in {:.1} s",
            thread::current().name().unwrap_or("?"),
            launch.elapsed().as_secs_f64()
        );
        tab.set_default_timeout(Duration::from_secs(20));
        let net = Arc::new(Mutex::new(NetLog::default()));
        let log = Arc::clone(&net);
        tab.add_event_listener(Arc::new(move |e: &Event| {
            if let Ok(mut l) = log.lock() {
                l.on_event(e);
            }
        }))
        .expect("listen to network events");
        tab.call_method(NetworkEnable(json!({})))
            .expect("Network.enable");
        let page = Page {
            tab,
            net,
            allowed: vec![origin],
            opened: Instant::now(),
            chrome: Some(chrome),
            profile: Some(profile),
        };
        page.viewport(WIDE);
        page.color_scheme("light");
        page
    }

    /// Bypasses the browser cache, so every load is seen by the recorder.
    pub fn disable_cache(&self) {
        self.tab
            .call_method(NetworkSetCacheDisabled(json!({ "cacheDisabled": true })))
            .expect("Network.setCacheDisabled");
    }

    pub fn viewport(&self, (width, height): (u32, u32)) {
        self.tab
            .call_method(SetDeviceMetrics(json!({
                "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false
            })))
            .expect("Emulation.setDeviceMetricsOverride");
    }

    /// Emulates `prefers-color-scheme` (`light` or `dark`).
    pub fn color_scheme(&self, scheme: &str) {
        self.tab
            .call_method(SetEmulatedMedia(json!({
                "features": [{ "name": "prefers-color-scheme", "value": scheme }]
            })))
            .expect("Emulation.setEmulatedMedia");
    }

    /// Loads `url` in a fresh document and waits for `load`, fonts and the
    /// network to settle.
    #[track_caller]
    pub fn goto(&self, url: &str) {
        // A marker in the old document tells us when the new one replaced it.
        let _ = self.try_js::<Value>("window.__btOld = true; return null;");
        let res = self
            .tab
            .call_method(PageNavigate(json!({ "url": url })))
            .unwrap_or_else(|e| panic!("navigate to {url}: {e:#}"));
        if let Some(err) = res.get("errorText").and_then(Value::as_str) {
            panic!("navigate to {url}: {err}");
        }
        self.wait_loaded(&format!("load {url}"));
    }

    /// Waits until a new document has replaced the current one and loaded.
    #[track_caller]
    pub fn wait_loaded(&self, what: &str) {
        self.wait_loaded_within(what, Duration::from_secs(30));
    }

    #[track_caller]
    pub fn wait_loaded_within(&self, what: &str, limit: Duration) {
        self.wait_for_within(
            "return !window.__btOld && document.readyState === 'complete' && \
             (document.fonts ? document.fonts.status === 'loaded' : true);",
            what,
            limit,
        );
        self.wait_network_idle();
    }

    /// Waits until no request has been in flight for 250 ms (at most 10 s).
    pub fn wait_network_idle(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            {
                let l = self.net.lock().unwrap();
                let quiet = l
                    .last_activity
                    .is_none_or(|t| t.elapsed() >= Duration::from_millis(250));
                if l.pending == 0 && quiet {
                    return;
                }
            }
            if Instant::now() > deadline {
                return; // long polls and the like: not an error here
            }
            thread::sleep(Duration::from_millis(25));
        }
    }

    /// Runs `body` (the body of an async function; use `return`) in the
    /// page with the helpers of `JS_LIB`, and returns its JSON result.
    #[track_caller]
    pub fn js<T: DeserializeOwned>(&self, body: &str) -> T {
        match self.try_js(body) {
            Ok(v) => v,
            Err(e) => panic!("script failed: {e}\n--- script ---\n{body}"),
        }
    }

    pub fn try_js<T: DeserializeOwned>(&self, body: &str) -> Result<T, String> {
        let expr = format!(
            "(async () => {{ {JS_LIB}\n{body}\n}})().then(v => JSON.stringify(v === undefined ? null : v))"
        );
        let res = self.raw_eval(&expr)?;
        let text = res["result"]["value"]
            .as_str()
            .ok_or_else(|| format!("no value: {res}"))?;
        serde_json::from_str(text).map_err(|e| format!("result {text:.200}: {e}"))
    }

    fn raw_eval(&self, expr: &str) -> Result<Value, String> {
        let res = self
            .tab
            .call_method(RuntimeEvaluate(json!({
                "expression": expr, "awaitPromise": true, "returnByValue": true
            })))
            .map_err(|e| format!("{e:#}"))?;
        if let Some(ex) = res.get("exceptionDetails") {
            let msg = ex["exception"]["description"]
                .as_str()
                .or_else(|| ex["text"].as_str())
                .unwrap_or("exception");
            return Err(msg.to_owned());
        }
        Ok(res)
    }

    /// Polls `body` (a script returning a truthy value when done) every
    /// 50 ms for up to 10 s; panics with `what` and the last result.
    #[track_caller]
    pub fn wait_for(&self, body: &str, what: &str) -> Value {
        self.wait_for_within(body, what, Duration::from_secs(10))
    }

    #[track_caller]
    pub fn wait_for_within(&self, body: &str, what: &str, limit: Duration) -> Value {
        let deadline = Instant::now() + limit;
        loop {
            let last = match self.try_js::<Value>(body) {
                Ok(v) if truthy(&v) => return v,
                Ok(v) => v.to_string(),
                Err(e) => e,
            };
            if Instant::now() > deadline {
                panic!("timed out after {limit:?} waiting for: {what}\nlast result: {last:.600}");
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// Clicks an element like a person: scrolls it to the middle of the
    /// viewport, checks nothing covers it, and presses the mouse there.
    /// `element` is a JS expression, e.g. `$('a.xref')`.
    #[track_caller]
    pub fn click(&self, element: &str) {
        self.click_with(element, true);
    }

    /// Clicks `element` where it is, without scrolling it into view first
    /// (a control of the sticky header, which a reader clicks without the
    /// page moving).
    #[allow(dead_code)] // not every test file clicks the header
    pub fn click_in_place(&self, element: &str) {
        self.click_with(element, false);
    }

    fn click_with(&self, element: &str, scroll: bool) {
        let at: Value = self.js(&format!(
            "const el = ({element});
             if (!el) return {{ error: 'no element for: ' + {src} }};
             if ({scroll}) el.scrollIntoView({{ block: 'center', inline: 'nearest', behavior: 'instant' }});
             const r = el.getClientRects()[0] || el.getBoundingClientRect();
             const x = r.left + r.width / 2, y = r.top + r.height / 2;
             const hit = document.elementFromPoint(x, y);
             if (!hit || !(hit === el || el.contains(hit)))
               return {{ error: 'covered by ' + (hit ? hit.outerHTML.slice(0, 160) : 'nothing') }};
             return {{ x, y }};",
            src = serde_json::to_string(element).unwrap()
        ));
        if let Some(e) = at.get("error") {
            panic!("cannot click {element}: {e}");
        }
        let (x, y) = (at["x"].as_f64().unwrap(), at["y"].as_f64().unwrap());
        for kind in ["mouseMoved", "mousePressed", "mouseReleased"] {
            self.tab
                .call_method(DispatchMouse(json!({
                    "type": kind, "x": x, "y": y, "button": "left", "clickCount": 1
                })))
                .expect("Input.dispatchMouseEvent");
        }
    }

    /// Types text through the keyboard (key events for each character).
    pub fn type_text(&self, text: &str) {
        if text.is_ascii() {
            self.tab.type_str(text).expect("type text");
        } else {
            // IME-like input for CJK and other scripts.
            self.tab
                .call_method(InsertText(json!({ "text": text })))
                .expect("Input.insertText");
        }
    }

    pub fn press(&self, key: &str) {
        self.tab.press_key(key).expect("press key");
    }

    pub fn press_with(&self, key: &str, modifiers: &[headless_chrome::browser::tab::ModifierKey]) {
        self.tab
            .press_key_with_modifiers(key, Some(modifiers))
            .expect("press key with modifiers");
    }

    /// Lets the page use the asynchronous clipboard and keeps it focused.
    pub fn grant_clipboard(&self, site: &Site) {
        self.tab
            .call_method(GrantPermissions(json!({
                "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"],
                "origin": site.origin()
            })))
            .expect("Browser.grantPermissions");
        self.tab
            .call_method(SetFocusEmulation(json!({ "enabled": true })))
            .expect("Emulation.setFocusEmulationEnabled");
    }

    /// Every request recorded so far.
    pub fn requests(&self) -> Vec<Request> {
        self.net.lock().unwrap().requests.clone()
    }

    /// Waits until a request of this DevTools resource type (`EventSource`,
    /// `Fetch`, ...) got a response; returns its URL.
    #[track_caller]
    pub fn wait_response_of_kind(&self, kind: &str, limit: Duration) -> String {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(r) = self
                .requests()
                .into_iter()
                .find(|r| r.kind == kind && r.status.is_some())
            {
                return r.url;
            }
            if Instant::now() > deadline {
                panic!(
                    "no {kind} request answered within {limit:?}; requests: {:#?}",
                    self.requests()
                );
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// Forgets the recorded requests (e.g. before measuring one visit).
    pub fn clear_requests(&self) {
        let mut l = self.net.lock().unwrap();
        l.requests.clear();
        l.by_id.clear();
        l.pending = 0;
    }

    /// Fails when any recorded request went to a host other than the local
    /// server(s) of this test.
    #[track_caller]
    pub fn assert_only_local_requests(&self) {
        let foreign: Vec<String> = self
            .requests()
            .into_iter()
            .filter(|r| !is_local(&r.url, &self.allowed))
            .map(|r| format!("  {} ({})", r.url, r.kind))
            .collect();
        assert!(
            foreign.is_empty(),
            "the page requested {} resource(s) from another host (only {} is allowed):\n{}",
            foreign.len(),
            self.allowed.join(", "),
            foreign.join("\n")
        );
    }

    /// Writes a PNG of the viewport to `target/screenshots/NAME.png`.
    pub fn screenshot(&self, name: &str) -> PathBuf {
        let png = self
            .tab
            .capture_screenshot(
                CdpPage::CaptureScreenshotFormatOption::Png,
                None,
                None,
                true,
            )
            .expect("capture screenshot");
        let path = screenshot_dir().join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write screenshot");
        path
    }

    /// Injects axe-core and returns its violations of any impact (minor,
    /// moderate, serious, critical) on the current document: (id, impact,
    /// help, targets).
    pub fn axe_violations(&self) -> Vec<Value> {
        self.raw_eval(&format!("{}\n;true", axe_source()))
            .unwrap_or_else(|e| panic!("inject axe-core: {e}"));
        self.js(
            "const r = await axe.run(document, { resultTypes: ['violations'] });
             return r.violations
               .map(v => ({ id: v.id, impact: v.impact, help: v.help,
                            nodes: v.nodes.length,
                            targets: v.nodes.slice(0, 8).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 200)) }));",
        )
    }

    /// axe-core's violations on the page as report lines, each led by
    /// `label` (the page, width and theme checked): what a test collects
    /// and asserts empty.
    pub fn axe_report(&self, label: &str) -> Vec<String> {
        self.axe_violations()
            .iter()
            .map(|v| {
                let targets: Vec<&str> = v["targets"]
                    .as_array()
                    .map(|t| t.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                format!(
                    "{label} {} ({}, {} node(s)): {}\n      {}",
                    str_of(&v["id"]),
                    str_of(&v["impact"]),
                    v["nodes"],
                    str_of(&v["help"]),
                    targets.join("\n      ")
                )
            })
            .collect()
    }
}

impl Drop for Page {
    fn drop(&mut self) {
        let t = thread::current();
        eprintln!(
            "[browser] {}: browser open for {:.1} s",
            t.name().unwrap_or("?"),
            self.opened.elapsed().as_secs_f64()
        );
        // Kill Chromium first, then remove its profile; its helper processes
        // may still write there for a moment, so retry briefly.
        drop(self.chrome.take());
        if let Some(profile) = self.profile.take() {
            let dir = profile.path().to_path_buf();
            for _ in 0..40 {
                if std::fs::remove_dir_all(&dir).is_ok() || !dir.exists() {
                    break;
                }
                thread::sleep(Duration::from_millis(50));
            }
            drop(profile);
        }
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// Local: the allowed origins, plus URLs that never touch the network.
fn is_local(url: &str, allowed: &[String]) -> bool {
    if ["data:", "blob:", "about:"]
        .iter()
        .any(|p| url.starts_with(p))
    {
        return true;
    }
    allowed.iter().any(|o| {
        url.strip_prefix(o.as_str())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

// ---------------------------------------------------------------------------
// `specbook serve` (live preview)
// ---------------------------------------------------------------------------

/// A scratch copy of the sample project that a test may edit.
pub fn scratch_sample() -> tempfile::TempDir {
    let src = std::env::var_os("SPECBOOK_BROWSER_SAMPLE")
        .map(PathBuf::from)
        .unwrap_or_else(repo);
    let dir = tempfile::Builder::new()
        .prefix("specbook-live-")
        .tempdir()
        .expect("scratch dir");
    std::fs::copy(src.join("book.toml"), dir.path().join("book.toml")).expect("copy book.toml");
    let mut folders = vec!["content", "evals"];
    if src != repo() {
        // A scratch project's own overrides (the repository's templates/
        // and static/ are the built-in defaults).
        folders.extend(["templates", "static"]);
    }
    for f in folders {
        if src.join(f).is_dir() {
            copy_dir(&src.join(f), &dir.path().join(f));
        }
    }
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for e in std::fs::read_dir(from).expect("read dir").flatten() {
        let dest = to.join(e.file_name());
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).expect("copy file");
        }
    }
}

/// A running `specbook serve DIR -p PORT`, killed on drop.
pub struct Serve {
    child: std::process::Child,
    port: u16,
    log: Arc<Mutex<Vec<String>>>,
}

impl Serve {
    pub fn start(dir: &Path) -> Serve {
        let free = TcpListener::bind(("127.0.0.1", 0))
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut child = Command::new(env!("CARGO_BIN_EXE_specbook"))
            .arg("serve")
            .arg(dir)
            .args(["-p", &free.to_string()])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start specbook serve");
        let log = Arc::new(Mutex::new(Vec::new()));
        for pipe in [
            child
                .stdout
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
            child
                .stderr
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let sink = Arc::clone(&log);
            thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    sink.lock().unwrap().push(line);
                }
            });
        }
        let mut serve = Serve {
            child,
            port: 0,
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(120);
        while serve.port == 0 {
            let found = serve
                .output()
                .split("http://127.0.0.1:")
                .nth(1)
                .and_then(|rest| {
                    rest.split(|c: char| !c.is_ascii_digit())
                        .next()?
                        .parse()
                        .ok()
                });
            if let Some(p) = found {
                serve.port = p;
                break;
            }
            if let Ok(Some(status)) = serve.child.try_wait() {
                panic!("specbook serve exited ({status}):\n{}", serve.output());
            }
            assert!(
                Instant::now() < deadline,
                "specbook serve printed no URL within 120 s:\n{}",
                serve.output()
            );
            thread::sleep(Duration::from_millis(50));
        }
        serve
    }

    pub fn output(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn url(&self, rel: &str) -> String {
        format!("{}/{}", self.origin(), rel.trim_start_matches('/'))
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------
// Search
// ---------------------------------------------------------------------------

/// The search box of a page.
pub const COMBOBOX: &str = "$('#search [role=combobox]')";

/// Opens `path` and waits for the search combobox in `#search`.
pub fn open_search(site: &Site, path: &str) -> Page {
    let page = Page::open(site);
    page.goto(&site.url(path));
    page.wait_for_within(
        &format!("return !!{COMBOBOX};"),
        &format!(
            "a role=combobox input in #search on {path} (is static/search.js loaded by the page?)"
        ),
        Duration::from_secs(3),
    );
    page
}

/// Waits for the listbox to show options; returns the links of the options.
pub fn wait_options(page: &Page, what: &str) -> Vec<String> {
    let v = page.wait_for_within(
        "const lb = $('#search [role=listbox]');
         if (!lb || !vis(lb) || $(\"#search [role=combobox]\").getAttribute('aria-expanded') !== 'true') return false;
         const o = $$('[role=option]', lb).filter(vis).map(o => { const a = o.matches('a[href]') ? o : $('a[href]', o); return a ? a.href : ''; });
         return o.length ? o : false;",
        what,
        Duration::from_secs(15),
    );
    serde_json::from_value(v).unwrap()
}
