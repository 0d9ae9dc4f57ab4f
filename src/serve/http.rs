//! The HTTP side: files of the in-memory site, the reload channel (SSE)
//! and a small stats endpoint. Nothing here touches the file system.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;
use futures_util::stream;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, broadcast, watch};

use super::state::{Reload, Shared};
use super::{LIVE_RELOAD_ENDPOINT, STATS_ENDPOINT};

/// Open connections at once; more wait in the kernel's accept queue.
pub const MAX_CONNECTIONS: usize = 256;
/// Open reload channels at once (one per open page); more get 503 and
/// their page retries later.
pub const MAX_STREAMS: usize = 64;

#[derive(Clone)]
pub struct App {
    pub shared: Arc<Shared>,
    pub streams: Arc<Semaphore>,
    /// Flips to `true` on Ctrl-C: reload channels end so the server can stop.
    pub shutdown: watch::Receiver<bool>,
    /// When serving on loopback: the only host names requests may carry
    /// (a page on another site cannot read the preview through DNS
    /// rebinding).
    pub loopback_only: bool,
}

pub fn router(app: App) -> Router {
    Router::new()
        .route(LIVE_RELOAD_ENDPOINT, get(live_reload))
        .route(STATS_ENDPOINT, get(stats))
        .fallback(site_file)
        .with_state(app)
}

/// Serves a file of the in-memory site; anything else is 404.
async fn site_file(State(app): State<App>, req: Request) -> Response {
    if let Some(resp) = reject_foreign_host(&app, &req) {
        return resp;
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
        )
            .into_response();
    }
    let site = app.shared.site();
    let key = site_key(req.uri().path());
    if key.as_deref() == Some(crate::site::SPEC_JSON)
        && let Some(lazy) = app.shared.spec_json()
    {
        // Made on the first request for this build, off the async threads.
        if let Ok(bytes) = tokio::task::spawn_blocking(move || lazy.bytes()).await {
            return file_response(StatusCode::OK, crate::site::SPEC_JSON, bytes);
        }
    }
    if let Some(k) = key.as_deref().filter(|k| super::build::is_download(k))
        && let Some(lazy) = app.shared.spec_json()
    {
        let path = k.to_owned();
        let made = tokio::task::spawn_blocking(move || lazy.download(&path)).await;
        if let Ok(Some(bytes)) = made {
            return file_response(StatusCode::OK, k, bytes);
        }
    }
    let found = key.and_then(|k| site.get(&k).map(|b| (k, b.clone())));
    match found {
        Some((key, bytes)) => file_response(StatusCode::OK, &key, bytes),
        None => match site.get("404.html") {
            Some(page) => file_response(StatusCode::NOT_FOUND, "404.html", page.clone()),
            None => file_response(
                StatusCode::NOT_FOUND,
                "404.txt",
                Bytes::from_static(b"not found\n"),
            ),
        },
    }
}

fn file_response(status: StatusCode, key: &str, bytes: Bytes) -> Response {
    let mut resp = Response::new(Body::from(bytes));
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(key)),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    resp
}

/// The site path a request path names, or `None` when it is anything but
/// a plain relative path: percent-decoding happens once (so `%252e` stays
/// `%2e`, which names no file); `.`/`..`/empty segments, backslashes,
/// control characters and malformed escapes are refused. The result is
/// only ever looked up in the in-memory site, never on disk.
pub fn site_key(path: &str) -> Option<String> {
    let rest = path.strip_prefix('/')?;
    let decoded = percent_decode(rest)?;
    if decoded.contains('\\') || decoded.chars().any(char::is_control) {
        return None;
    }
    let key = if decoded.is_empty() || decoded.ends_with('/') {
        format!("{decoded}index.html")
    } else {
        decoded
    };
    if key
        .split('/')
        .any(|s| s.is_empty() || s == "." || s == "..")
    {
        return None;
    }
    Some(key)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Content type by extension; unknown types are served as bytes.
pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "jsonl" => "application/jsonl; charset=utf-8",
        "yaml" | "yml" => "application/yaml; charset=utf-8",
        "py" => "text/x-python; charset=utf-8",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "txt" => "text/plain; charset=utf-8",
        "wasm" => "application/wasm",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

fn reject_foreign_host(app: &App, req: &Request) -> Option<Response> {
    if !app.loopback_only {
        return None;
    }
    let host = req.headers().get(header::HOST)?.to_str().ok()?;
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(h, _)| h),
    };
    let local = name.eq_ignore_ascii_case("localhost")
        || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
    (!local).then(|| (StatusCode::FORBIDDEN, "forbidden host\n").into_response())
}

async fn stats(State(app): State<App>) -> Response {
    let mut resp = axum::Json(app.shared.stats()).into_response();
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// The reload channel: `hello` on connect (then `error` if the last build
/// failed), then `reload`, `error` and `ok` as builds finish.
async fn live_reload(State(app): State<App>, req: Request) -> Response {
    if let Some(resp) = reject_foreign_host(&app, &req) {
        return resp;
    }
    let Ok(permit) = app.streams.clone().try_acquire_owned() else {
        return (StatusCode::SERVICE_UNAVAILABLE, "too many open pages\n").into_response();
    };
    let mut first = VecDeque::new();
    first.push_back(Event::default().event("hello").data("{}"));
    if let Some(err) = app.shared.current_error() {
        first.push_back(Event::default().event("error").data(err.as_str()));
    }
    let state = Channel {
        first,
        rx: app.shared.subscribe(),
        shutdown: app.shutdown.clone(),
        _permit: permit,
    };
    let events = stream::unfold(state, next_event);
    let mut resp = Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response();
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

struct Channel {
    first: VecDeque<Event>,
    rx: broadcast::Receiver<Reload>,
    shutdown: watch::Receiver<bool>,
    _permit: OwnedSemaphorePermit,
}

async fn next_event(mut ch: Channel) -> Option<(Result<Event, Infallible>, Channel)> {
    if let Some(e) = ch.first.pop_front() {
        return Some((Ok(e), ch));
    }
    if *ch.shutdown.borrow() {
        return None;
    }
    let event = tokio::select! {
        r = ch.rx.recv() => match r {
            Ok(ev) => Event::default().event(ev.name()).data(ev.data()),
            // Fell behind: whatever was missed, reloading shows the present.
            Err(broadcast::error::RecvError::Lagged(_)) => Event::default()
                .event("reload")
                .data(r#"{"changed":[],"full":true}"#),
            Err(broadcast::error::RecvError::Closed) => return None,
        },
        _ = ch.shutdown.changed() => return None,
    };
    Some((Ok(event), ch))
}

/// A TCP listener that holds at most [`MAX_CONNECTIONS`] connections open;
/// further ones wait to be accepted until one closes.
pub struct BoundedListener {
    pub inner: TcpListener,
    pub permits: Arc<Semaphore>,
}

impl axum::serve::Listener for BoundedListener {
    type Io = BoundedStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .expect("the connection semaphore is never closed");
        loop {
            match self.inner.accept().await {
                Ok((stream, addr)) => {
                    let _ = stream.set_nodelay(true);
                    return (
                        BoundedStream {
                            stream,
                            _permit: permit,
                        },
                        addr,
                    );
                }
                // Out of file descriptors and the like: wait, then go on.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// A connection holding its place among the [`MAX_CONNECTIONS`].
pub struct BoundedStream {
    stream: TcpStream,
    _permit: OwnedSemaphorePermit,
}

impl AsyncRead for BoundedStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for BoundedStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}
