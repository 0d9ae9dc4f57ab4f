"""Live-preview latency of `specbook serve` (issue 6, bar 3).

On a private copy of the corpus (edits never touch the shared corpus) it:

1. starts ``specbook serve DIR -p PORT`` on a free loopback port and waits
   for the URL it prints;
2. fetches the home page and finds the reload channel from the injected
   script: an ``EventSource("...")`` (SSE) or ``WebSocket("...")`` URL, or a
   path literal in that script that answers ``text/event-stream`` /
   upgrades to a WebSocket.  ``BENCH_SERVE_EVENTS=/path`` overrides this;
3. connects as a client and, BENCH_SERVE_EDITS times (default 10), edits
   one markdown file in place (a save, as an editor does) and records
      - **save -> reload**: from just before the write to the arrival of
        the next event on the channel (bar: median <= 100 ms);
      - **incremental rebuild**: the duration the server prints on its
        terminal line for that rebuild (the first ``<number> ms|s|us`` on
        the first line mentioning "rebuil"/"built"/"updated" after the
        save), i.e. the rebuild alone without the debounce wait.  Compared
        with the median full ``specbook build`` of the corpus (bar: <= 1/4).
4. stops the server with SIGINT (then SIGKILL if it lingers).

Edits are spaced by BENCH_SERVE_GAP seconds (default 1.5) so that each one
is its own debounced rebuild.
"""

from __future__ import annotations

import base64
import http.client
import os
import queue
import re
import shutil
import signal
import socket
import statistics
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

URL_RE = re.compile(r"https?://[\w.\-\[\]:]+(?:/\S*)?")
DURATION_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|µs|us|s)\b")
REBUILD_WORDS = re.compile(r"rebuil|built|updated|render", re.I)
EVENTSOURCE_RE = re.compile(r"""new\s+EventSource\(\s*(['"`])([^'"`]+)\1""")
WEBSOCKET_RE = re.compile(r"""new\s+WebSocket\(\s*(['"`])([^'"`]+)\1""")
# Events that announce something other than "the new build is ready".
NOT_RELOAD_RE = re.compile(r"\b(ping|keep-?alive|hello|connected|welcome|building|rebuilding|started)\b", re.I)
PATH_LITERAL_RE = re.compile(r"""(['"`])(/[\w./\-]*(?:reload|event|sse|live|ws|socket)[\w./\-]*)\1""", re.I)


class ServeBenchError(Exception):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def to_ms(value: str, unit: str) -> float:
    v = float(value)
    return {"s": v * 1000, "ms": v, "us": v / 1000, "µs": v / 1000}[unit]


class Server:
    """The `specbook serve` child process, its output lines timestamped."""

    def __init__(self, cmd: list[str]) -> None:
        self.lines: list[tuple[float, str]] = []
        self._lock = threading.Lock()
        self.proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            text=True, errors="replace", bufsize=1,
        )
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for line in self.proc.stdout:
            with self._lock:
                self.lines.append((time.perf_counter(), line.rstrip("\n")))

    def lines_since(self, t: float) -> list[str]:
        with self._lock:
            return [l for (ts, l) in self.lines if ts >= t]

    def text(self) -> str:
        with self._lock:
            return "\n".join(l for _, l in self.lines)

    def wait_for_url(self, timeout: float) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            m = URL_RE.search(self.text())
            if m:
                return m.group(0).rstrip(".,)")
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise ServeBenchError("`specbook serve` printed no URL; its output:\n" + self.text())

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def http_get(url: str, timeout: float = 10) -> tuple[int, dict, bytes]:
    u = urlsplit(url)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    c.request("GET", u.path or "/")
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, body


# ------------------------------------------------------------ channels --

class SSEClient:
    """Minimal Server-Sent Events client; events go to self.events."""

    def __init__(self, url: str) -> None:
        u = urlsplit(url)
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        self.conn.request("GET", (u.path or "/") + (f"?{u.query}" if u.query else ""),
                          headers={"Accept": "text/event-stream", "Cache-Control": "no-cache"})
        self.resp = self.conn.getresponse()
        ctype = self.resp.getheader("Content-Type", "")
        if self.resp.status != 200 or "event-stream" not in ctype:
            raise ServeBenchError(f"{url}: not an event stream ({self.resp.status} {ctype})")
        self.events: queue.Queue[tuple[float, str]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        buf: list[str] = []
        try:
            while True:
                raw = self.resp.fp.readline()
                if not raw:
                    return
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                if line == "":
                    if buf:
                        self.events.put((time.perf_counter(), "\n".join(buf)))
                        buf = []
                elif not line.startswith(":"):  # ':' lines are keep-alive comments
                    buf.append(line)
        except OSError:
            return

    def close(self) -> None:
        try:
            self.conn.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.conn.close()


class WSClient:
    """Minimal WebSocket client (RFC 6455): text messages to self.events."""

    def __init__(self, url: str) -> None:
        u = urlsplit(url)
        self.sock = socket.create_connection((u.hostname, u.port or 80), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        path = (u.path or "/") + (f"?{u.query}" if u.query else "")
        self.sock.sendall(
            f"GET {path} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())
        self.f = self.sock.makefile("rb")
        status = self.f.readline()
        if b" 101 " not in status:
            raise ServeBenchError(f"{url}: WebSocket upgrade refused: {status!r}")
        while self.f.readline() not in (b"\r\n", b""):
            pass
        self.sock.settimeout(None)
        self.events: queue.Queue[tuple[float, str]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            while True:
                h = self.f.read(2)
                if len(h) < 2:
                    return
                op, n = h[0] & 0x0F, h[1] & 0x7F
                if n == 126:
                    n = int.from_bytes(self.f.read(2), "big")
                elif n == 127:
                    n = int.from_bytes(self.f.read(8), "big")
                mask = self.f.read(4) if h[1] & 0x80 else b""
                data = self.f.read(n)
                if mask:
                    data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
                if op == 0x8:  # close
                    return
                if op in (0x1, 0x2, 0x0):
                    self.events.put((time.perf_counter(), data.decode("utf-8", "replace")))
        except OSError:
            return

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass


def find_channel(base: str) -> tuple[str, str]:
    """('sse'|'ws', absolute URL) of the reload channel of the served site."""
    override = os.environ.get("BENCH_SERVE_EVENTS")
    _, _, page = http_get(base)
    texts = [page.decode("utf-8", "replace")]
    # The reload script may be inline or an external file: read both.
    for src in re.findall(r"""<script[^>]*\bsrc\s*=\s*["']([^"']+)""", texts[0]):
        if not src.startswith(("http://", "https://", "//")):
            try:
                texts.append(http_get(urljoin(base, src))[2].decode("utf-8", "replace"))
            except OSError:
                pass
    candidates: list[tuple[str | None, str]] = []
    if override:
        candidates.append((None, override))
    for t in texts:
        candidates += [("sse", m.group(2)) for m in EVENTSOURCE_RE.finditer(t)]
        candidates += [("ws", m.group(2)) for m in WEBSOCKET_RE.finditer(t)]
    for t in texts:
        candidates += [(None, m.group(2)) for m in PATH_LITERAL_RE.finditer(t)]
    for kind, path in candidates:
        url = urljoin(base, path)
        url = "http" + url[2:] if url.startswith("ws") else url
        for k in ([kind] if kind else ["sse", "ws"]):
            try:
                client = SSEClient(url) if k == "sse" else WSClient(url)
                client.close()
                return k, url
            except (OSError, ServeBenchError, http.client.HTTPException):
                continue
    raise ServeBenchError(
        "no reload channel found in the served page (looked for EventSource/WebSocket URLs); "
        "set BENCH_SERVE_EVENTS=/path to name it")


def _edit(path: Path, original: str, i: int) -> None:
    """One save: the original text with a changed word in its first paragraph."""
    lines = original.split("\n")
    for j, line in enumerate(lines):
        if line.strip() and not line.startswith(("#", "!", "~", "`", " ", "<", "-")):
            lines[j] = line.rstrip() + f" Benchmark edit {i}."
            break
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


def run(specbook: Path, corpus: Path, work: Path, edits: int, gap: float, log) -> dict:
    """Run the serve benchmark; returns its figures (raises ServeBenchError)."""
    src = work / "serve-corpus"
    if src.exists():
        shutil.rmtree(src)
    shutil.copytree(corpus, src)
    target = src / "model_spec.md"
    original = target.read_text(encoding="utf-8")
    port = free_port()
    server = Server([str(specbook), "serve", str(src), "-p", str(port)])
    client = None
    try:
        base = server.wait_for_url(timeout=180)
        if not base.endswith("/"):
            base += "/"
        log(f"  serve: listening at {base}")
        kind, url = find_channel(base)
        log(f"  serve: reload channel {kind} {urlsplit(url).path}")
        client = SSEClient(url) if kind == "sse" else WSClient(url)
        time.sleep(max(gap, 0.5))
        latencies: list[float] = []
        rebuilds: list[float] = []
        misses = 0
        for i in range(1, edits + 1):
            while not client.events.empty():  # drop hello/keep-alive events
                client.events.get_nowait()
            t0 = time.perf_counter()
            _edit(target, original, i)
            t1 = None
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    ts, msg = client.events.get(timeout=max(0.01, deadline - time.monotonic()))
                except queue.Empty:
                    break
                if not NOT_RELOAD_RE.search(msg):
                    t1 = ts
                    break
            if t1 is None:
                misses += 1
                log(f"  serve: edit {i}: no reload event within 30 s")
                continue
            latencies.append((t1 - t0) * 1000)
            time.sleep(gap)  # let the rebuild line be printed, and debounce settle
            for line in server.lines_since(t0):
                if REBUILD_WORDS.search(line):
                    m = DURATION_RE.search(line)
                    if m:
                        rebuilds.append(to_ms(*m.groups()))
                        break
        if server.proc.poll() is not None:
            raise ServeBenchError("`specbook serve` exited during the benchmark:\n" + server.text())
        if not latencies:
            raise ServeBenchError("no reload event arrived after any edit; server output:\n" + server.text())
        return {
            "channel": kind,
            "edits": edits,
            "missed_events": misses,
            "save_to_reload_ms": [round(x, 1) for x in latencies],
            "save_to_reload_median_ms": round(statistics.median(latencies), 1),
            "incremental_rebuild_ms": [round(x, 2) for x in rebuilds],
            "incremental_rebuild_median_ms": round(statistics.median(rebuilds), 2) if rebuilds else None,
        }
    finally:
        if client is not None:
            client.close()
        server.stop()
        target.write_text(original, encoding="utf-8")
