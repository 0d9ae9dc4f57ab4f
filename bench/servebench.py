"""Live-preview latency of `specbook serve` (issue 10: at 10x; issue 6, bar 3).

On a private copy of a spec folder -- the 10x spec, or the corpus -- (edits
never touch the original) it:

1. starts ``specbook serve DIR -p PORT`` on a free loopback port and waits
   for the URL it prints;
2. fetches the home page and finds the reload channel from the injected
   script: an ``EventSource("...")`` (SSE) or ``WebSocket("...")`` URL, or a
   path literal in that script that answers ``text/event-stream`` /
   upgrades to a WebSocket.  ``BENCH_SERVE_EVENTS=/path`` overrides this;
3. connects as a client and, BENCH_SERVE_EDITS times (default 10), saves
   model_spec.md in place (as an editor does) with one sentence appended to
   one prose line -- a different line each time, spread over the whole file
   -- and records
      - **save -> reload**: from just before the write to the arrival of the
        first reload event that announces changed pages (an ``error`` event
        counts as a miss; hello/ping/ok events and a reload that lists only
        non-page files such as the search index are skipped).  Bar: median
        <= 100 ms;
      - **save -> spec.json served**: spec.json fetched right after that
        reload event (``serve`` makes it on request);
      - **save -> search index updated**: the reload event that lists
        files under ``search/`` (the index is made after the pages);
      - **incremental rebuild**: the server's own figure for that rebuild,
        debounce excluded: ``last_build_ms`` of ``/__specbook/stats`` once
        that rebuild (and its search index) is done, when the server has
        that endpoint; otherwise the duration on its terminal line (the
        first line after the save mentioning "rebuil"/"built"/"updated"/
        "render" that does not say "nothing changed").  Compared with the
        median full ``specbook build`` of the corpus (bar: <= 1/4).
   Before the edits, a 3 s idle window counts rebuilds that happen with no
   edit at all (there should be none; reported as ``idle_rebuilds``).
4. stops the server with SIGINT (then SIGKILL if it lingers).

Edits are spaced by BENCH_SERVE_GAP seconds (default 1.5) so that each one
is its own debounced rebuild.
"""

from __future__ import annotations

import base64
import http.client
import json
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
NOTHING_CHANGED_RE = re.compile(r"nothing changed|no change|unchanged|0 files changed", re.I)
FENCE_RE = re.compile(r"^\s*(`{3,}|~{3,})")
PATH_LITERAL_RE = re.compile(r"""(['"`])(/[\w./\-]*(?:reload|event|sse|live|ws|socket)[\w./\-]*)\1""", re.I)


IDLE_WINDOW_S = 3.0
STATS_PATH = "__specbook/stats"  # specbook serve's figures (relative to the site root)


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
        self.conn.connect()
        self.sock = self.conn.sock  # kept: the connection drops it once the response owns it
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
                raw = self.resp.readline()  # decodes chunked transfer encoding
                if not raw:
                    return
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                if line == "":
                    if buf:
                        self.events.put((time.perf_counter(), "\n".join(buf)))
                        buf = []
                elif not line.startswith(":"):  # ':' lines are keep-alive comments
                    buf.append(line)
        except (OSError, ValueError, AttributeError, http.client.HTTPException):
            return  # connection closed (by close() or by the server)

    def close(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
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
        except (OSError, ValueError, AttributeError, http.client.HTTPException):
            return  # connection closed (by close() or by the server)

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


def classify_event(msg: str) -> str:
    """'reload', 'error' or 'other' for one event's text.

    SSE events carry a name (``event: reload``); data-only events and
    WebSocket messages are judged by their text.  A reload whose JSON data
    lists changed paths none of which is a page (e.g. only the search index)
    is 'other': the reader sees nothing change yet."""
    name = None
    data = []
    for line in msg.split("\n"):
        if line.startswith("event:"):
            name = line[6:].strip().lower()
        elif line.startswith("data:"):
            data.append(line[5:].strip())
    try:
        payload = json.loads("\n".join(data)) if data else json.loads(msg)
    except ValueError:
        payload = None
    if name is None and isinstance(payload, dict):  # e.g. {"type": "reload", ...}
        for key in ("type", "event", "kind"):
            if isinstance(payload.get(key), str):
                name = payload[key].lower()
                break
    text = name if name is not None else msg
    if re.search(r"\berror", text, re.I):
        return "error"
    if NOT_RELOAD_RE.search(text) or (name is not None and not re.search(r"reload|change|update", name)):
        return "other"
    if isinstance(payload, dict) and isinstance(payload.get("changed"), list) and payload["changed"]:
        if not any(str(p).endswith((".html", "/")) for p in payload["changed"]):
            return "other"
    return "reload"


def search_changed(msg: str) -> bool:
    """Whether an event announces a new search index (a reload listing
    files under ``search/``)."""
    data = "\n".join(l[5:].strip() for l in msg.split("\n") if l.startswith("data:"))
    try:
        payload = json.loads(data) if data else json.loads(msg)
    except ValueError:
        return False
    changed = payload.get("changed") if isinstance(payload, dict) else None
    return isinstance(changed, list) and any(str(p).startswith("search/") for p in changed)


def get_stats(base: str) -> dict | None:
    """specbook's own figures at /__specbook/stats, if the server has them."""
    try:
        status, headers, body = http_get(urljoin(base, STATS_PATH), timeout=5)
        if status == 200 and "json" in headers.get("content-type", ""):
            st = json.loads(body)
            if isinstance(st, dict) and "last_build_ms" in st and "builds" in st:
                return st
    except (OSError, ValueError, http.client.HTTPException):
        pass
    return None


def rebuild_time(lines: list[str]) -> float | None:
    """The rebuild duration (ms) of the edit among the server's lines printed
    after the save: the first rebuild line that reports a change, else the
    first rebuild line (a server may also log rebuilds that changed nothing)."""
    found = []
    for line in lines:
        m = DURATION_RE.search(line)
        if m and REBUILD_WORDS.search(line):
            found.append((bool(NOTHING_CHANGED_RE.search(line)), to_ms(*m.groups())))
    for nothing, ms in found:
        if not nothing:
            return ms
    return found[0][1] if found else None


def prose_lines(text: str, n: int) -> list[int]:
    """Indexes of n prose lines spread evenly over the file (outside code
    fences, not headings, lists, admonitions or conversation markup)."""
    fence = None
    ok = []
    for i, line in enumerate(text.split("\n")):
        m = FENCE_RE.match(line)
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            continue
        if m:
            fence = m.group(1)
            continue
        if len(line) > 40 and not line.startswith(("#", "!", " ", "\t", "<", "-", "*", "|", ">")) \
                and not line[0].isdigit():
            ok.append(i)
    if not ok:
        raise ServeBenchError("no prose line to edit in model_spec.md")
    return [ok[(k * len(ok)) // n] for k in range(n)]


def _edit(path: Path, lines: list[str], idx: int, i: int) -> None:
    """One save, written in place as an editor does: the original text with
    one sentence appended to line idx."""
    edited = list(lines)
    edited[idx] = edited[idx].rstrip() + f" Benchmark edit {i}."
    # Encoded before the file is opened: truncation and the one write
    # follow each other at once (a 10x spec is 2.7 MB; encoding it between
    # the two would leave the watcher an empty file for milliseconds).
    data = "\n".join(edited).encode("utf-8")
    with open(path, "wb") as f:
        f.write(data)


def _make_writable(root: Path) -> None:
    for d, _, files in os.walk(root):
        os.chmod(d, 0o755)
        for f in files:
            os.chmod(os.path.join(d, f), 0o644)


def _fresh_copy(corpus: Path, dst: Path) -> None:
    """A writable copy of the corpus (the shared corpus is read-only, and
    copytree would copy that mode onto the folders)."""
    if dst.exists():
        _make_writable(dst)
        shutil.rmtree(dst)
    shutil.copytree(corpus, dst, copy_function=shutil.copyfile)
    _make_writable(dst)


def run(specbook: Path, corpus: Path, work: Path, edits: int, gap: float, log,
        name: str = "serve-corpus") -> dict:
    """Run the serve benchmark on a private copy of `corpus` (a spec folder:
    the corpus or the 10x spec) in work/name; returns its figures (raises
    ServeBenchError)."""
    src = work / name
    _fresh_copy(corpus, src)
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
        # Idle window: with no edit, a well-behaved server does no rebuild.
        t_idle = time.perf_counter()
        time.sleep(IDLE_WINDOW_S)
        idle_rebuilds = sum(1 for l in server.lines_since(t_idle)
                            if REBUILD_WORDS.search(l) and DURATION_RE.search(l))
        if idle_rebuilds:
            log(f"  serve: WARNING: {idle_rebuilds} rebuilds in {IDLE_WINDOW_S:.0f} s with no edit "
                "(the watcher reacts to something other than source changes)")
        latencies: list[float] = []
        json_latencies: list[float] = []
        search_latencies: list[float] = []
        stale_json = 0
        rebuilds: list[float] = []
        misses = 0
        lines = original.split("\n")
        use_stats = get_stats(base) is not None
        log(f"  serve: rebuild times from {'/' + STATS_PATH if use_stats else 'the terminal lines'}")
        for i, idx in enumerate(prose_lines(original, edits), start=1):
            while not client.events.empty():  # drop hello/keep-alive events
                client.events.get_nowait()
            before = get_stats(base) if use_stats else None
            t0 = time.perf_counter()
            _edit(target, lines, idx, i)
            t1, kind_seen = None, None
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    ts, msg = client.events.get(timeout=max(0.01, deadline - time.monotonic()))
                except queue.Empty:
                    break
                kind_seen = classify_event(msg)
                if kind_seen == "reload":
                    t1 = ts
                    break
                if kind_seen == "error":
                    break
            if t1 is None:
                misses += 1
                log(f"  serve: edit {i} (line {idx + 1}): no reload event "
                    f"({'an error event' if kind_seen == 'error' else 'none within 30 s'})")
                time.sleep(gap)
                continue
            latencies.append((t1 - t0) * 1000)
            # spec.json, fetched right after the reload (under `serve` it
            # may be made on request). It holds no prose, so the edit does
            # not show in it: that it reflects every edit is checked by the
            # tests (incremental = full build, spec.json included).
            status, _, body = http_get(urljoin(base, "spec.json"), timeout=30)
            t_json = time.perf_counter()
            if status == 200 and body.startswith(b"{"):
                json_latencies.append((t_json - t0) * 1000)
            else:
                stale_json += 1
                log(f"  serve: edit {i}: spec.json was not served after the reload ({status})")
            # The search index of this edit: the reload event that lists
            # files under search/ (it may have arrived already).
            t_search = None
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    ts, msg = client.events.get(timeout=max(0.01, deadline - time.monotonic()))
                except queue.Empty:
                    break
                if search_changed(msg):
                    t_search = ts
                    break
            if t_search is not None:
                search_latencies.append((t_search - t0) * 1000)
            else:
                log(f"  serve: edit {i}: no search index update within 30 s")
            ms = None
            if use_stats and before is not None:
                # Wait for this rebuild (and its search index, when the
                # server reports one) to finish, then take its own figure.
                end = time.monotonic() + 30
                while time.monotonic() < end:
                    st = get_stats(base)
                    if st and st["builds"] > before["builds"] and \
                            st.get("indexed_build", st["builds"]) >= st["builds"]:
                        ms = float(st["last_build_ms"])
                        break
                    time.sleep(0.02)
                time.sleep(gap)  # debounce settles before the next edit
            else:
                time.sleep(gap)  # let the rebuild line be printed, and debounce settle
                ms = rebuild_time(server.lines_since(t0))
            if ms is not None:
                rebuilds.append(ms)
        if server.proc.poll() is not None:
            raise ServeBenchError("`specbook serve` exited during the benchmark:\n" + server.text())
        if not latencies:
            raise ServeBenchError("no reload event arrived after any edit; server output:\n" + server.text())
        return {
            "channel": kind,
            "rebuild_time_source": "/" + STATS_PATH if use_stats else "terminal",
            "idle_rebuilds": idle_rebuilds,
            "idle_window_s": IDLE_WINDOW_S,
            "edits": edits,
            "missed_events": misses,
            "save_to_reload_ms": [round(x, 1) for x in latencies],
            "save_to_reload_median_ms": round(statistics.median(latencies), 1),
            "save_to_spec_json_ms": [round(x, 1) for x in json_latencies],
            "save_to_spec_json_median_ms": round(statistics.median(json_latencies), 1) if json_latencies else None,
            "spec_json_failures": stale_json,
            "save_to_search_ms": [round(x, 1) for x in search_latencies],
            "save_to_search_median_ms": round(statistics.median(search_latencies), 1) if search_latencies else None,
            "incremental_rebuild_ms": [round(x, 2) for x in rebuilds],
            "incremental_rebuild_median_ms": round(statistics.median(rebuilds), 2) if rebuilds else None,
        }
    finally:
        if client is not None:
            client.close()
        server.stop()
        target.write_text(original, encoding="utf-8")
