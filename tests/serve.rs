//! `specbook serve` end to end (issue 6): the built binary serves a temporary
//! copy of the sample project on a free loopback port; the tests talk to it
//! over raw TCP (so request paths reach the server exactly as written) and
//! through its reload channel, edit the sources, and check what comes back.
//!
//! Every wait is bounded and the server is killed when a test ends, so a
//! failure can never hang the suite.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Barrier, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_specbook");
/// Start-up includes the first build (slow in debug builds on a busy machine).
const START_TIMEOUT: Duration = Duration::from_secs(120);
const EVENT_TIMEOUT: Duration = Duration::from_secs(60);
const IO_TIMEOUT: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------

/// A temporary copy of the sample project (`content/`, `evals/`, `book.toml`).
fn sample_project() -> tempfile::TempDir {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::Builder::new()
        .prefix("specbook-serve-")
        .tempdir()
        .unwrap();
    for name in ["content", "evals"] {
        copy_dir(&root.join(name), &dir.path().join(name));
    }
    std::fs::copy(root.join("book.toml"), dir.path().join("book.toml")).unwrap();
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// A running `specbook serve`, killed on drop.
struct Server {
    child: Child,
    port: u16,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(dir: &Path, args: &[&str]) -> Server {
        let mut child = Command::new(BIN)
            .arg("serve")
            .arg(dir)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start specbook serve");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = channel::<String>();
        let stderr = child.stderr.take().unwrap();
        let sink = Arc::clone(&log);
        thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line.clone());
                let _ = tx.send(line);
            }
        });
        let mut server = Server {
            child,
            port: 0,
            log,
        };
        let deadline = Instant::now() + START_TIMEOUT;
        while server.port == 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
                        server.port = rest
                            .trim_end_matches(|c: char| !c.is_ascii_digit())
                            .split('/')
                            .next()
                            .unwrap()
                            .parse()
                            .unwrap();
                    }
                }
                Err(_) => panic!("serve printed no URL in time; output:\n{}", server.output()),
            }
        }
        server
    }

    fn output(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    /// Waits until a line of output contains `needle`.
    fn wait_output(&self, needle: &str) {
        let deadline = Instant::now() + EVENT_TIMEOUT;
        while !self.output().contains(needle) {
            assert!(
                Instant::now() < deadline,
                "no `{needle}` in the output:\n{}",
                self.output()
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    fn get(&self, target: &str) -> Response {
        http_get(self.port, target, &format!("127.0.0.1:{}", self.port))
    }

    fn stats(&self) -> Value {
        serde_json::from_slice(&self.get("/__specbook/stats").body).unwrap()
    }

    fn events(&self) -> Events {
        Events::open(self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
struct Response {
    status: u16,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

impl Response {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One HTTP/1.0 GET with the request target sent byte for byte.
fn http_get(port: u16, target: &str, host: &str) -> Response {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    s.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
    write!(s, "GET {target} HTTP/1.0\r\nHost: {host}\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read response");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(&raw)));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let body = raw[split + 4..].to_vec();
    Response {
        status,
        headers,
        body,
    }
}

/// The reload channel, read on a thread of its own.
struct Events {
    rx: Receiver<(String, String)>,
    stream: TcpStream,
}

impl Events {
    fn open(port: u16) -> Events {
        let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        write!(
            s,
            "GET /__livereload HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let reader = s.try_clone().unwrap();
        let (tx, rx) = channel();
        thread::spawn(move || {
            let mut lines = BufReader::new(reader).lines().map_while(Result::ok);
            for line in lines.by_ref() {
                if line.is_empty() {
                    break; // end of the response head
                }
            }
            let (mut name, mut data) = (String::new(), String::new());
            for line in lines {
                if line.is_empty() {
                    if !name.is_empty() || !data.is_empty() {
                        let _ = tx.send((std::mem::take(&mut name), std::mem::take(&mut data)));
                    }
                } else if let Some(v) = line.strip_prefix("event:") {
                    name = v.trim().to_owned();
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.strip_prefix(' ').unwrap_or(v));
                }
            }
        });
        let events = Events { rx, stream: s };
        events.expect("hello");
        events
    }

    /// The next event named `name` (others before it are returned too).
    fn expect(&self, name: &str) -> (String, Vec<(String, String)>) {
        let deadline = Instant::now() + EVENT_TIMEOUT;
        let mut skipped = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok((n, data)) if n == name => return (data, skipped),
                Ok(other) => skipped.push(other),
                Err(_) => panic!("no `{name}` event in time; got {skipped:?}"),
            }
        }
    }

    /// The next `reload` whose changed paths include `path`.
    fn expect_reload_of(&self, path: &str) -> Vec<String> {
        let deadline = Instant::now() + EVENT_TIMEOUT;
        loop {
            assert!(Instant::now() < deadline, "no reload of `{path}` in time");
            let (data, _) = self.expect("reload");
            let v: Value = serde_json::from_str(&data).unwrap();
            let changed: Vec<String> = v["changed"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_str().unwrap().to_owned())
                .collect();
            if changed.iter().any(|p| p == path) {
                return changed;
            }
        }
    }

    /// Forgets the events received so far.
    fn drain(&self) {
        while self.rx.try_recv().is_ok() {}
    }

    /// Fails if any event arrives within `d`.
    fn expect_quiet(&self, d: Duration) {
        if let Ok(e) = self.rx.recv_timeout(d) {
            panic!("unexpected event {e:?}");
        }
    }
}

impl Drop for Events {
    fn drop(&mut self) {
        let _ = self.stream.shutdown(Shutdown::Both);
    }
}

/// Removes the reload script tags `serve` adds before `</body>`.
fn without_reload_script(html: &str) -> String {
    let Some(start) = html.find("<script>window.SPECBOOK_LIVE_RELOAD") else {
        return html.to_owned();
    };
    let end_tag = "livereload.js\"></script>";
    let end = start + html[start..].find(end_tag).expect("script end") + end_tag.len();
    let end = if html[end..].starts_with('\n') {
        end + 1
    } else {
        end
    };
    format!("{}{}", &html[..start], &html[end..])
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn append(path: &Path, text: &str) {
    let mut f = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    f.write_all(text.as_bytes()).unwrap();
}

fn line_count(path: &Path) -> usize {
    std::fs::read_to_string(path).unwrap().lines().count()
}

/// Waits until the search index of the last good build is served too.
fn wait_indexed(server: &Server) {
    let deadline = Instant::now() + EVENT_TIMEOUT;
    loop {
        let st = server.stats();
        if st["indexed_build"] == st["builds"] {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the search index never caught up: {st}"
        );
        thread::sleep(Duration::from_millis(20));
    }
}

/// The served site is byte for byte what `specbook build` writes for the
/// same project, apart from the reload script tags in each page (waits for
/// the search index of the last rebuild first).
fn assert_serves_what_build_writes(server: &Server, dir: &Path) {
    wait_indexed(server);
    let built = tempfile::tempdir().unwrap();
    let out = built.path().join("site");
    let status = Command::new(BIN)
        .args(["build", dir.to_str().unwrap(), "-o", out.to_str().unwrap()])
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let mut compared = 0;
    let mut on_request = 0;
    for file in files_under(&out) {
        let rel = file
            .strip_prefix(&out)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel == ".specbook-site" {
            continue;
        }
        let want = std::fs::read(&file).unwrap();
        let got = server.get(&format!("/{rel}"));
        assert_eq!(got.status, 200, "GET /{rel}");
        if rel.ends_with(".html") {
            let served = got.text();
            assert!(
                served.contains("window.SPECBOOK_LIVE_RELOAD=\"/__livereload\""),
                "/{rel} does not load the reload script"
            );
            assert_eq!(
                without_reload_script(&served),
                String::from_utf8(want).unwrap(),
                "/{rel} differs from `specbook build`"
            );
        } else {
            assert!(got.body == want, "/{rel} differs from `specbook build`");
        }
        compared += 1;
        // Made on request, not counted among the served files.
        if rel.starts_with("downloads/evals/") {
            on_request += 1;
        }
    }
    assert!(on_request > 0, "the eval downloads were compared");
    assert!(compared > 10, "only {compared} files compared");
    assert!(
        !out.join("livereload.js").exists(),
        "build must not ship the reload script"
    );
    assert_eq!(
        server.stats()["files"].as_u64().unwrap() as usize,
        compared - on_request + 1,
        "serve has other files than build (besides livereload.js)"
    );
}

// ---------------------------------------------------------------------------
// Bar 1: pages, reload, error overlay payload, recovery, delete/re-create
// ---------------------------------------------------------------------------

#[test]
fn serve_reloads_reports_errors_and_recovers() {
    let project = sample_project();
    let dir = project.path();
    let overview = dir.join("content/01-overview.md");

    let server = Server::start(dir, &["-p", "0"]);
    assert_serves_what_build_writes(&server, dir);
    let script = server.get("/livereload.js");
    assert_eq!(script.status, 200);
    assert!(script.headers["content-type"].starts_with("text/javascript"));
    assert_eq!(server.get("/").body, server.get("/index.html").body);

    let events = server.events();

    // 1. An edit: a reload event naming the page, then the new content.
    append(&overview, "\nA sentence only this test writes: quokka.\n");
    events.expect_reload_of("overview.html");
    assert!(server.get("/overview.html").text().contains("quokka"));
    // The single page holds every section: it is made just after the
    // edited page is served, and announced by a reload of its own.
    events.expect_reload_of("all.html");
    assert!(server.get("/all.html").text().contains("quokka"));
    // Only the edited file was parsed again; unchanged pages were reused.
    let stats = server.stats();
    assert_eq!(
        stats["last_work"]["parsed"],
        serde_json::json!(["content/01-overview.md"])
    );
    assert!(
        stats["last_work"]["pages_reused"].as_u64().unwrap() > 0,
        "{stats}"
    );
    assert!(
        stats["last_work"]["fragments_reused"].as_u64().unwrap()
            > 10 * stats["last_work"]["fragments_rendered"].as_u64().unwrap(),
        "{stats}"
    );
    let changed = stats["last_changed"].as_array().unwrap();
    assert!(!changed.iter().any(|p| p == "evals/2xw9.html"), "{stats}");

    // 2. A broken reference: an `error` event with file:line:col; the last
    //    good build stays served.
    append(&overview, "\nSee [?](#nope) for more.\n");
    let line = line_count(&overview);
    let (data, _) = events.expect("error");
    let payload: Value = serde_json::from_str(&data).unwrap();
    let d = &payload["diagnostics"][0];
    assert_eq!(d["file"], "content/01-overview.md", "{payload}");
    assert_eq!(d["line"], line, "{payload}");
    assert_eq!(d["col"], 5, "{payload}");
    assert_eq!(d["severity"], "error", "{payload}");
    assert!(d["message"].as_str().unwrap().contains("nope"), "{payload}");
    let text = payload["text"].as_str().unwrap();
    assert!(
        text.starts_with(&format!("content/01-overview.md:{line}:5: error: ")),
        "{text}"
    );
    // The same text as `specbook check` prints (before its summary line).
    let check = Command::new(BIN)
        .args(["check", dir.to_str().unwrap()])
        .output()
        .unwrap();
    let check = String::from_utf8(check.stderr).unwrap();
    let listed = check.trim_end().rsplit_once('\n').map_or("", |(l, _)| l);
    assert_eq!(text.trim_end(), listed, "overlay text differs from `check`");
    let page = server.get("/overview.html").text();
    assert!(page.contains("quokka") && !page.contains("nope"));
    server.wait_output("still serving the last good build");
    // A page opened now learns about the error at once.
    let late = server.events();
    late.expect("error");
    drop(late);

    // 3. The fix: `ok` clears the overlay, then the page reloads.
    let fixed = std::fs::read_to_string(&overview)
        .unwrap()
        .replace("[?](#nope)", "[?](#goals)");
    std::fs::write(&overview, fixed).unwrap();
    let (_, before_ok) = events.expect("ok");
    // At most the search index of step 1 (it follows its pages).
    assert!(
        before_ok
            .iter()
            .all(|(name, data)| name == "reload" && !data.contains(".html")),
        "{before_ok:?}"
    );
    events.expect_reload_of("overview.html");
    assert!(
        server
            .get("/overview.html")
            .text()
            .contains("Goals of the assistant</a> for more.")
    );

    // 4. A file deleted, then created again.
    let chinese = dir.join("content/05-multilingual.md");
    let original = std::fs::read(&chinese).unwrap();
    let page_before = server.get("/multilingual.html");
    assert_eq!(page_before.status, 200);
    std::fs::remove_file(&chinese).unwrap();
    events.expect_reload_of("multilingual.html");
    assert_eq!(server.get("/multilingual.html").status, 404);
    std::fs::write(&chinese, &original).unwrap();
    events.expect_reload_of("multilingual.html");
    assert_eq!(server.get("/multilingual.html").body, page_before.body);

    // 5. An editor that saves through a temporary file and a rename.
    let tmp = dir.join("content/.01-overview.md.swp");
    let text = std::fs::read_to_string(&overview).unwrap() + "\nSaved by rename: wombat.\n";
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, &overview).unwrap();
    events.expect_reload_of("overview.html");
    assert!(server.get("/overview.html").text().contains("wombat"));

    // 6. A static file: every page reloads (`full`); book.toml: every page
    //    changes.
    std::fs::create_dir_all(dir.join("static")).unwrap();
    std::fs::write(dir.join("static/custom.css"), "main { color: teal }").unwrap();
    let changed = events.expect_reload_of("static/custom.css");
    assert_eq!(changed, ["static/custom.css"]);
    assert_eq!(
        server.get("/static/custom.css").text(),
        "main { color: teal }"
    );
    let toml = std::fs::read_to_string(dir.join("book.toml")).unwrap();
    let retitled = toml.replace(
        "title = \"Example Assistant Spec\"",
        "title = \"Renamed Spec\"",
    );
    assert_ne!(toml, retitled);
    std::fs::write(dir.join("book.toml"), retitled).unwrap();
    let changed = events.expect_reload_of("index.html");
    assert!(
        changed.iter().any(|p| p == "evals/2xw9.html"),
        "{changed:?}"
    );
    assert!(server.get("/").text().contains("Renamed Spec"));

    // 7. A file the site does not use: no rebuild, no event.
    wait_indexed(&server);
    events.drain();
    std::fs::write(dir.join("notes.txt"), "scratch").unwrap();
    events.expect_quiet(Duration::from_millis(500));

    // After all that, still exactly what `build` writes.
    assert_serves_what_build_writes(&server, dir);
    // And never wrote into the output folder.
    assert!(!dir.join("book").exists(), "serve wrote into the build dir");
}

/// An editor that saves in place truncates the file and then writes it;
/// a large file's write can come more than the debounce after the
/// truncation. The server waits for the file to be closed: one rebuild,
/// of the whole file, and never a site built from the empty one (which
/// would have lost every section of the chapter and reloaded the reader's
/// page into "Page not found").
#[test]
#[cfg(target_os = "linux")]
fn a_save_written_slowly_is_built_once_from_the_whole_file() {
    let project = sample_project();
    let dir = project.path();
    let overview = dir.join("content/01-overview.md");
    let before = std::fs::read_to_string(&overview).unwrap();
    let server = Server::start(dir, &["-p", "0"]);
    wait_indexed(&server);
    let builds = server.stats()["builds"].as_u64().unwrap();
    let events = server.events();

    let mut f = std::fs::File::create(&overview).unwrap(); // truncates
    thread::sleep(Duration::from_millis(300)); // 30 times the debounce
    f.write_all(format!("{before}\nWritten slowly: a wombat.\n").as_bytes())
        .unwrap();
    drop(f);

    let changed = events.expect_reload_of("overview.html");
    let page = server.get("/overview.html").text();
    assert!(page.contains("wombat"), "{changed:?}");
    // The reload came from the finished file, and it was the only build.
    thread::sleep(Duration::from_millis(500));
    let stats = server.stats();
    assert_eq!(stats["builds"].as_u64().unwrap(), builds + 1, "{stats}");
    assert!(
        !server.output().contains("rebuild failed"),
        "{}",
        server.output()
    );
}

#[test]
fn starts_while_the_spec_is_broken_and_recovers() {
    let project = sample_project();
    let dir = project.path();
    let overview = dir.join("content/01-overview.md");
    let good = std::fs::read_to_string(&overview).unwrap();
    std::fs::write(&overview, format!("{good}\nSee [?](#nope).\n")).unwrap();
    let server = Server::start(dir, &["-p", "0"]);
    assert!(
        server.output().contains("build failed"),
        "{}",
        server.output()
    );
    // A placeholder page that loads the reload script, on every path.
    for path in ["/", "/overview.html"] {
        let page = server.get(path).text();
        assert!(page.contains("does not build yet"), "{path}: {page}");
        assert!(page.contains("livereload.js"), "{path}");
    }
    let events = server.events();
    let (data, _) = events.expect("error");
    assert!(data.contains("content/01-overview.md"), "{data}");
    std::fs::write(&overview, &good).unwrap();
    events.expect("ok");
    events.expect_reload_of("overview.html");
    assert!(
        server
            .get("/overview.html")
            .text()
            .contains("Goals of the assistant")
    );
    assert_serves_what_build_writes(&server, dir);
}

// ---------------------------------------------------------------------------
// Bar 2: only the site is served; many requests during a rebuild all succeed
// ---------------------------------------------------------------------------

/// Request targets that try to leave the site (at least 15 forms).
const TRAVERSALS: &[&str] = &[
    "/../Cargo.toml",
    "/../book.toml",
    "/%2e%2e/",
    "/%2e%2e/book.toml",
    "/%2E%2E/%2E%2E/book.toml",
    "/..%2f",
    "/..%2fbook.toml",
    "/%2e%2e%2f%2e%2e%2fetc/passwd",
    "/..\\..\\",
    "/..\\book.toml",
    "/%5c..",
    "/%5c..%5cbook.toml",
    "/..%5c..%5cbook.toml",
    "//etc/passwd",
    "/%2fetc%2fpasswd",
    "/static/../../x",
    "/static/../book.toml",
    "/static/%2e%2e/%2e%2e/book.toml",
    "/%252e%252e/",
    "/%252e%252e%252fbook.toml",
    "/./../",
    "/./book.toml",
    "/.%2e/book.toml",
    "/%00",
    "/index.html%00.txt",
    "/evals/..%2f..%2fbook.toml",
    "/evals/../../book.toml",
    "/%c0%ae%c0%ae/book.toml",
    "/..;/book.toml",
    "/book.toml",
    "/content/01-overview.md",
    "/C:/Windows/win.ini",
    "/static/",
    "/evals/",
    "/static/outside.txt",
    "/static/book-link.toml",
];

#[test]
fn serves_only_the_site() {
    let project = sample_project();
    let dir = project.path();
    let stat = dir.join("static");
    std::fs::create_dir_all(&stat).unwrap();
    std::fs::write(stat.join("extra.txt"), "hello").unwrap();
    std::fs::write(
        stat.join("logo.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .unwrap();
    std::fs::write(stat.join("pixel.png"), b"\x89PNG\r\n\x1a\n").unwrap();
    std::fs::write(stat.join("font.woff2"), b"wOF2").unwrap();
    // Symbolic links out of the site, in the static folder and the sources.
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.txt");
    std::fs::write(&secret, "TOP SECRET").unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&secret, stat.join("outside.txt")).unwrap();
        std::os::unix::fs::symlink(dir.join("book.toml"), stat.join("book-link.toml")).unwrap();
        std::os::unix::fs::symlink(&secret, dir.join("content/99-leak.md")).unwrap();
    }
    let server = Server::start(dir, &["-p", "0"]);

    for (path, ctype) in [
        ("/", "text/html; charset=utf-8"),
        ("/overview.html", "text/html; charset=utf-8"),
        ("/static/style.css", "text/css; charset=utf-8"),
        ("/static/app.js", "text/javascript; charset=utf-8"),
        ("/livereload.js", "text/javascript; charset=utf-8"),
        ("/spec.json", "application/json"),
        ("/static/extra.txt", "text/plain; charset=utf-8"),
        ("/static/logo.svg", "image/svg+xml"),
        ("/static/pixel.png", "image/png"),
        ("/static/font.woff2", "font/woff2"),
        ("/overview.html?x=1", "text/html; charset=utf-8"),
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 200, "GET {path}");
        assert_eq!(r.headers["content-type"], ctype, "GET {path}");
        assert_eq!(r.headers["x-content-type-options"], "nosniff", "GET {path}");
    }

    assert!(TRAVERSALS.len() >= 15);
    for target in TRAVERSALS {
        let r = server.get(target);
        assert_eq!(r.status, 404, "GET {target} answered {}", r.status);
        let body = r.text();
        // `root:x:0` is /etc/passwd's first line (the 404 page's own CSS
        // holds `:root`).
        for leak in ["TOP SECRET", "[book]", "root:x:0", "[package]"] {
            assert!(!body.contains(leak), "GET {target} leaked `{leak}`");
        }
    }
    // Absolute-form request targets cannot reach outside either.
    let r = server.get(&format!("http://127.0.0.1:{}/../book.toml", server.port));
    assert_eq!(r.status, 404);
    // A page of another site cannot read the preview by DNS rebinding.
    let r = http_get(server.port, "/index.html", "attacker.example");
    assert_eq!(r.status, 403);
    assert!(http_get(server.port, "/index.html", "localhost:1").status == 200);
    // The symlinked markdown file was skipped, not served.
    assert!(
        server
            .output()
            .contains("symbolic link pointing outside the project")
    );
    assert!(!server.get("/all.html").text().contains("TOP SECRET"));
}

#[test]
fn many_requests_during_a_rebuild_all_succeed() {
    const CLIENTS: usize = 200;
    let project = sample_project();
    let dir = project.path();
    let overview = dir.join("content/01-overview.md");
    let server = Server::start(dir, &["-p", "0"]);
    let events = server.events();
    let pages = [
        "/",
        "/overview.html",
        "/all.html",
        "/static/style.css",
        "/evals/2xw9.html",
    ];
    let port = server.port;
    let barrier = Arc::new(Barrier::new(CLIENTS + 1));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|i| {
            let barrier = Arc::clone(&barrier);
            let target = pages[i % pages.len()];
            thread::spawn(move || {
                barrier.wait();
                let r = http_get(port, target, &format!("127.0.0.1:{port}"));
                let complete = r
                    .headers
                    .get("content-length")
                    .is_some_and(|n| n.parse::<usize>().unwrap() == r.body.len());
                (target, r.status, complete)
            })
        })
        .collect();
    // Rebuilds running while the requests arrive.
    append(&overview, "\nFirst concurrent edit.\n");
    thread::sleep(Duration::from_millis(30));
    barrier.wait();
    for i in 0..3 {
        append(&overview, &format!("\nConcurrent edit {i}.\n"));
        thread::sleep(Duration::from_millis(40));
    }
    let mut failures = Vec::new();
    for c in clients {
        let (target, status, complete) = c.join().expect("client thread");
        if status != 200 || !complete {
            failures.push(format!("{target}: {status}, complete: {complete}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The last edit shows once its rebuild is done.
    let deadline = Instant::now() + EVENT_TIMEOUT;
    loop {
        events.expect_reload_of("overview.html");
        if server
            .get("/overview.html")
            .text()
            .contains("Concurrent edit 2.")
        {
            break;
        }
        assert!(Instant::now() < deadline, "the last edit never showed");
    }
}

// ---------------------------------------------------------------------------
// Start-up and shut-down
// ---------------------------------------------------------------------------

#[test]
fn taken_port_moves_on_and_bind_warns() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec.md");
    std::fs::write(&spec, "# A spec {#a}\n\nHello.\n").unwrap();
    // A port that is taken: serve says so and takes a later one.
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let server = Server::start(&spec, &["-p", &port.to_string()]);
    assert_ne!(server.port, port);
    assert!(
        server.output().contains(&format!(
            "port {port} is in use; using port {}",
            server.port
        )),
        "{}",
        server.output()
    );
    assert!(!server.output().contains("reachable from the network"));
    assert_eq!(server.get("/a.html").status, 200);

    // Ctrl-C stops it cleanly.
    #[cfg(unix)]
    {
        let mut server = server;
        let pid = server.child.id().to_string();
        let _events = server.events();
        Command::new("kill").args(["-INT", &pid]).status().unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(s) = server.child.try_wait().unwrap() {
                break s;
            }
            assert!(Instant::now() < deadline, "serve did not stop on SIGINT");
            thread::sleep(Duration::from_millis(20));
        };
        assert!(status.success(), "{status}");
    }

    // Any address but loopback: a warning.
    let server = Server::start(&spec, &["-p", "0", "--bind", "0.0.0.0"]);
    server.wait_output("reachable from the network");
}

// ---------------------------------------------------------------------------
// In a browser: scroll position kept across reloads; the overlay
// ---------------------------------------------------------------------------

#[test]
fn browser_keeps_scroll_and_shows_the_overlay() {
    use headless_chrome::{Browser, LaunchOptions};

    let chromium = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .or_else(|| {
            ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
                .iter()
                .map(PathBuf::from)
                .find(|p| p.exists())
        })
        .expect("Chromium is needed: apt-get install -y chromium (or set CHROMIUM)");
    let project = sample_project();
    let dir = project.path();
    let overview = dir.join("content/01-overview.md");
    let server = Server::start(dir, &["-p", "0"]);
    let profile = tempfile::tempdir().unwrap();
    let browser = Browser::new(LaunchOptions {
        headless: true,
        sandbox: false,
        enable_gpu: false,
        path: Some(chromium),
        user_data_dir: Some(profile.path().to_path_buf()),
        window_size: Some((1000, 700)),
        idle_browser_timeout: Duration::from_secs(180),
        ..LaunchOptions::default()
    })
    .expect("start Chromium");
    let tab = browser.new_tab().unwrap();
    tab.set_default_timeout(Duration::from_secs(30));
    let js = |expr: &str| -> Value {
        tab.evaluate(expr, false)
            .unwrap_or_else(|e| panic!("{expr}: {e}"))
            .value
            .unwrap_or(Value::Null)
    };
    let wait = |expr: &str, what: &str| {
        let deadline = Instant::now() + EVENT_TIMEOUT;
        // A page reloading under the evaluation ("target navigated or
        // closed") is a "not yet", not a failure.
        while tab.evaluate(expr, false).ok().and_then(|r| r.value) != Some(Value::Bool(true)) {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            thread::sleep(Duration::from_millis(50));
        }
    };
    tab.navigate_to(&format!("http://127.0.0.1:{}/overview.html", server.port))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    wait("document.readyState === 'complete'", "the page");
    // Scroll down, mark this document, then save the source.
    js("window.scrollTo(0, 600); window.__old = true;");
    wait("Math.abs(window.scrollY - 600) < 2", "the scroll");
    thread::sleep(Duration::from_millis(500)); // the reload channel connects
    append(&overview, "\nA sentence the browser sees: platypus.\n");
    wait(
        "!window.__old && document.readyState === 'complete' && document.body.textContent.includes('platypus')",
        "the reload",
    );
    wait(
        "Math.abs(window.scrollY - 600) < 2",
        "the scroll position after the reload",
    );

    // A bad edit: the overlay, with the `check` text; the page itself stays.
    js("window.__old = true;");
    append(&overview, "\nSee [?](#nope).\n");
    let line = line_count(&overview);
    wait(
        "!!document.getElementById('specbook-overlay')",
        "the overlay",
    );
    let shown = js("document.getElementById('specbook-overlay').textContent");
    let shown = shown.as_str().unwrap();
    assert!(
        shown.contains(&format!("content/01-overview.md:{line}:5: error:")),
        "{shown}"
    );
    assert_eq!(
        js("!!window.__old"),
        Value::Bool(true),
        "an error must not reload"
    );
    // Closing it by hand works; the next error shows it again.
    js("document.querySelector('#specbook-overlay button').click()");
    wait(
        "!document.getElementById('specbook-overlay')",
        "the close button",
    );
    append(&overview, "\nAnd [?](#nope_again).\n");
    wait(
        "!!document.getElementById('specbook-overlay')",
        "the overlay again",
    );
    // The fix removes it (and the page reloads with the new text).
    let fixed = std::fs::read_to_string(&overview)
        .unwrap()
        .replace("[?](#nope)", "[?](#goals)")
        .replace("[?](#nope_again)", "[?](#goals)");
    std::fs::write(&overview, fixed).unwrap();
    wait(
        "!window.__old && document.readyState === 'complete' && !document.getElementById('specbook-overlay') && document.body.textContent.includes('See Goals of the assistant')",
        "the overlay to go after the fix",
    );
}
