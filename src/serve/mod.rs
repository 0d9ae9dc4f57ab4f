//! `specbook serve`: the live preview. The site is built by the one
//! pipeline into memory (never into the output folder), served over HTTP
//! on loopback, and rebuilt incrementally on every save; open pages reload
//! themselves through a server-sent-events channel and show an overlay with
//! the diagnostics while the spec does not build.
//!
//! - `build`: the pipeline with its caches kept between rebuilds;
//! - `index`: the search index, built just after the pages are served;
//! - `watch`: notify, debounced, and the rebuild loop;
//! - `state`: the site being served, the reload channel, the terminal line;
//! - `http`: files from memory, the reload channel, bounded connections.

mod build;
mod http;
mod index;
mod state;
mod watch;

/// How a request path maps to a site file, and the type it is served as
/// (also used by the browser tests' static file server).
pub use http::{content_type, site_key};

#[cfg(test)]
mod tests;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch as signal};

use self::build::{Outcome, SiteBuilder, placeholder_site, search_index};
use self::http::{App, BoundedListener, MAX_CONNECTIONS, MAX_STREAMS, router};
use self::index::Indexer;
use self::state::Shared;
use crate::config::Config;
use crate::diag::Diagnostics;
use crate::search::CachedSearchIndex;

/// The reload channel (server-sent events), as pages see it.
pub const LIVE_RELOAD_ENDPOINT: &str = "/__livereload";
/// Figures of the last rebuild, as JSON (for benchmarks and the curious).
pub const STATS_ENDPOINT: &str = "/__specbook/stats";
/// Where the reload script sits in the served site (never in `build`).
pub const RELOAD_SCRIPT_PATH: &str = "livereload.js";
/// The reload script: follows the channel, reloads, draws the overlay.
pub const LIVERELOAD_JS: &str = include_str!("../../static/livereload.js");

/// Ports tried after the requested one when it is taken.
const PORT_TRIES: u16 = 20;
/// How long open connections get to finish after Ctrl-C.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

/// What `specbook serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Project folder, Model Spec folder, or a single markdown file.
    pub dir: PathBuf,
    /// First port to try (0: any free port).
    pub port: u16,
    pub bind: IpAddr,
    /// Open the preview in a browser once it is served.
    pub open: bool,
}

/// Builds, serves and watches until Ctrl-C. Content errors never stop it;
/// only environment failures at start (no such folder, a port that cannot
/// be bound) are errors.
pub fn run(opts: &ServeOptions) -> Result<i32> {
    let dir = opts
        .dir
        .canonicalize()
        .with_context(|| format!("`{}` does not exist", opts.dir.display()))?;
    Config::discover(&dir, &mut Diagnostics::new())?;
    let mut builder = SiteBuilder::new(&dir);
    let shared = Arc::new(Shared::new(placeholder_site()));
    let start = Instant::now();
    let mut outcome = builder.build();
    let search = CachedSearchIndex::new();
    // The first build is complete, search index included, before the URL
    // is printed; later ones index after their pages are served.
    if let Outcome::Built { files, loaded, .. } = &mut outcome {
        files.extend(search_index(loaded, &search)?);
    }
    shared.publish(outcome, start.elapsed(), true);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("specbook-http")
        .enable_all()
        .build()
        .context("failed to start the HTTP runtime")?;
    runtime.block_on(serve(opts, dir, builder, shared, search))
}

async fn serve(
    opts: &ServeOptions,
    dir: PathBuf,
    builder: SiteBuilder,
    shared: Arc<Shared>,
    search: CachedSearchIndex,
) -> Result<i32> {
    let (listener, addr) = bind(opts.bind, opts.port).await?;
    let indexer = Indexer::spawn(shared.clone(), search)?;
    watch::spawn(dir.clone(), builder, shared.clone(), indexer)?;
    let url = url_of(addr);
    eprintln!("serving `{}` at {url} (Ctrl-C to stop)", dir.display());
    if !opts.bind.is_loopback() {
        eprintln!(
            "warning: listening on {addr}: the preview is reachable from the network, by anyone who can reach this machine"
        );
    }
    if opts.open {
        open_browser(&url);
    }
    let (stop_tx, stop_rx) = signal::channel(false);
    let app = App {
        shared,
        streams: Arc::new(Semaphore::new(MAX_STREAMS)),
        shutdown: stop_rx.clone(),
        loopback_only: opts.bind.is_loopback(),
    };
    let listener = BoundedListener {
        inner: listener,
        permits: Arc::new(Semaphore::new(MAX_CONNECTIONS)),
    };
    let mut stopped = stop_rx;
    let server = tokio::spawn(
        axum::serve(listener, router(app))
            .with_graceful_shutdown(async move {
                let _ = stopped.wait_for(|s| *s).await;
            })
            .into_future(),
    );
    stop_signal().await;
    eprintln!("stopping");
    let _ = stop_tx.send(true);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, server).await;
    Ok(0)
}

/// Binds `ip:port`, or the next free port when it is taken (and says so).
async fn bind(ip: IpAddr, port: u16) -> Result<(TcpListener, SocketAddr)> {
    let last = if port == 0 {
        0
    } else {
        port.saturating_add(PORT_TRIES - 1)
    };
    for p in port..=last {
        match TcpListener::bind((ip, p)).await {
            Ok(l) => {
                let addr = l.local_addr()?;
                if p != port {
                    eprintln!("port {port} is in use; using port {p} instead");
                }
                return Ok((l, addr));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => continue,
            Err(e) => return Err(e).with_context(|| format!("failed to listen on {ip}:{p}")),
        }
    }
    bail!("ports {port} to {last} on {ip} are all in use; choose another with `--port`")
}

/// The URL to print: an unspecified address (`0.0.0.0`, `::`) is reached
/// locally through loopback.
fn url_of(addr: SocketAddr) -> String {
    let ip = addr.ip();
    let shown: SocketAddr = match ip {
        IpAddr::V4(v4) if v4.is_unspecified() => (IpAddr::from([127, 0, 0, 1]), addr.port()).into(),
        IpAddr::V6(v6) if v6.is_unspecified() => {
            (IpAddr::from([0u16, 0, 0, 0, 0, 0, 0, 1]), addr.port()).into()
        }
        _ => addr,
    };
    format!("http://{shown}/")
}

/// Ctrl-C, or SIGTERM on Unix.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Best effort: the platform's opener; a failure is only a warning.
pub fn open_browser(url: &str) {
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    cmd.arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    match cmd.spawn() {
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(e) => eprintln!("warning: could not open a browser ({e}); open {url} yourself"),
    }
}
