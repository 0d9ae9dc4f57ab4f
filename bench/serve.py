#!/usr/bin/env python3
"""Live-preview benchmark of `specbook serve` (issue 6, bar 3). Python 3
standard library only.

    python3 bench/serve.py [--specbook target/release/specbook]
                           [--corpus ../shared/corpus/model-spec-2025-12-18]
                           [--edits 12] [--builds 5] [--gap 1.0]

On a private copy of the corpus (the shared corpus is never written) it:

1. times ``specbook build`` of the copy BUILDS times (wall time of the whole
   process, output folder removed beforehand; also the build's own figure);
2. starts ``specbook serve COPY -p PORT`` on a free loopback port and opens
   the reload channel (``/__livereload``, server-sent events);
3. EDITS times, saves one prose line of ``model_spec.md`` (lines spread over
   the whole file, one edit each) and measures
   - save -> reload: from just before the write to the arrival of the
     ``reload`` event at the client (debounce included).  Bar: median
     <= 100 ms;
   - incremental rebuild: the server's own figure for that rebuild
     (``last_build_ms`` of ``/__specbook/stats``: from the end of the
     debounce to the new pages being served and announced; the search
     index is rebuilt just after, its time is reported too).  Bar: median
     <= 1/4 of the median full build (wall time);
4. stops the server with SIGINT.

Without ``--specbook``, ``target/release/specbook`` is used, built once with
``cargo build --release`` if it is missing.  Exit status: 0 both bars
passed, 1 a bar failed, 2 the benchmark could not run.
"""

from __future__ import annotations

import argparse
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
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BAR_RELOAD_MS = 100.0
BAR_INCREMENTAL_RATIO = 0.25


class BenchError(Exception):
    pass


def log(msg: str) -> None:
    print(msg, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_binary(given: str | None) -> Path:
    if given:
        p = Path(given).resolve()
        if not p.is_file():
            raise BenchError(f"no specbook binary at {p}")
        return p
    p = REPO / "target" / "release" / "specbook"
    if not p.is_file():
        log("== cargo build --release (no release binary yet)")
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    return p


def time_full_builds(specbook: Path, src: Path, out: Path, runs: int) -> dict:
    """Wall time of `specbook build` (whole process), after one warm-up."""
    walls, own = [], []
    for i in range(runs + 1):
        if out.exists():
            shutil.rmtree(out)
        t0 = time.perf_counter()
        r = subprocess.run([str(specbook), "build", str(src), "-o", str(out)],
                           capture_output=True, text=True)
        wall = (time.perf_counter() - t0) * 1000
        if r.returncode != 0:
            raise BenchError(f"specbook build failed:\n{r.stderr}")
        if i == 0:
            continue  # warm-up: file cache
        walls.append(wall)
        m = re.search(r"in (\d+(?:\.\d+)?) ms", r.stderr)
        if m:
            own.append(float(m.group(1)))
    return {"wall_ms": walls, "median_wall_ms": statistics.median(walls),
            "own_ms": own, "median_own_ms": statistics.median(own) if own else None}


class Server:
    """`specbook serve` as a child process; its stderr lines collected."""

    def __init__(self, specbook: Path, src: Path, port: int) -> None:
        self.proc = subprocess.Popen(
            [str(specbook), "serve", str(src), "-p", str(port)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True, errors="replace", bufsize=1)
        self.lines: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for line in self.proc.stderr:
            self.lines.append(line.rstrip("\n"))

    def wait_url(self, timeout: float) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for line in self.lines:
                m = re.search(r"http://127\.0\.0\.1:\d+/", line)
                if m:
                    return m.group(0)
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        raise BenchError("serve printed no URL:\n" + "\n".join(self.lines))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def get_json(port: int, path: str) -> dict:
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", path)
    body = c.getresponse().read()
    c.close()
    return json.loads(body)


class Events:
    """The reload channel: (arrival time, event name, data) in a queue."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.conn.request("GET", "/__livereload", headers={"Accept": "text/event-stream"})
        self.resp = self.conn.getresponse()
        if self.resp.status != 200:
            raise BenchError(f"reload channel answered {self.resp.status}")
        self.q: queue.Queue[tuple[float, str, str]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        name, data = "", []
        try:
            while True:
                raw = self.resp.fp.readline()
                if not raw:
                    return
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                if line == "":
                    if name or data:
                        self.q.put((time.perf_counter(), name, "\n".join(data)))
                    name, data = "", []
                elif line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].lstrip(" "))
        except OSError:
            return

    def next(self, names: set[str], timeout: float) -> tuple[float, str, str] | None:
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return None
            try:
                ev = self.q.get(timeout=left)
            except queue.Empty:
                return None
            if ev[1] in names:
                return ev

    def drain(self) -> None:
        while not self.q.empty():
            self.q.get_nowait()

    def close(self) -> None:
        try:
            self.conn.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.conn.close()


def prose_lines(text: str, n: int) -> list[int]:
    """Indices of n prose lines spread over the file (outside code fences)."""
    lines = text.split("\n")
    fence = None
    candidates = []
    for i, line in enumerate(lines):
        s = line.strip()
        if fence:
            if s.startswith(fence):
                fence = None
            continue
        if s.startswith(("```", "~~~")):
            fence = s[:3]
            continue
        if len(s) > 60 and line[:1].isalpha() and not s.startswith(("**Example**",)):
            candidates.append(i)
    if len(candidates) < n:
        raise BenchError("not enough prose lines to edit")
    step = len(candidates) / n
    return [candidates[int(k * step)] for k in range(n)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--specbook")
    ap.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus" / "model-spec-2025-12-18"))
    ap.add_argument("--edits", type=int, default=12)
    ap.add_argument("--builds", type=int, default=5)
    ap.add_argument("--gap", type=float, default=1.0, help="seconds between edits")
    args = ap.parse_args()
    if args.edits < 10:
        raise BenchError("--edits must be at least 10")
    specbook = find_binary(args.specbook)
    corpus = Path(args.corpus).resolve()
    if not (corpus / "model_spec.md").is_file():
        raise BenchError(f"corpus not found: {corpus}")

    with tempfile.TemporaryDirectory(prefix="specbook-serve-bench-") as tmp:
        work = Path(tmp)
        src = work / "corpus"
        shutil.copytree(corpus, src)
        for p in src.rglob("*"):
            p.chmod(p.stat().st_mode | 0o200)
        target = src / "model_spec.md"
        log(f"specbook: {specbook}")
        log(f"corpus:   {corpus} (copied to {src})")
        log(f"machine:  {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")

        log(f"\n== full build: `specbook build COPY -o OUT`, {args.builds} runs after a warm-up")
        full = time_full_builds(specbook, src, work / "out", args.builds)
        log(f"  wall {full['median_wall_ms']:.1f} ms median  {[round(x, 1) for x in full['wall_ms']]}")
        if full["median_own_ms"] is not None:
            log(f"  (its own figure: {full['median_own_ms']:.1f} ms median)")

        port = free_port()
        log(f"\n== `specbook serve COPY -p {port}`: {args.edits} edits of model_spec.md, {args.gap} s apart")
        server = Server(specbook, src, port)
        events = None
        try:
            server.wait_url(120)
            events = Events(port)
            if events.next({"hello"}, 10) is None:
                raise BenchError("no hello on the reload channel")
            text = target.read_text(encoding="utf-8")
            lines = text.split("\n")
            latencies, rebuilds, searches, misses = [], [], [], 0
            for k, idx in enumerate(prose_lines(text, args.edits), start=1):
                time.sleep(args.gap)
                events.drain()
                builds_before = get_json(port, "/__specbook/stats")["builds"]
                lines[idx] = lines[idx].rstrip() + f" Benchmark edit {k}."
                t0 = time.perf_counter()
                with open(target, "w", encoding="utf-8") as f:  # one save
                    f.write("\n".join(lines))
                ev = events.next({"reload", "error"}, 30)
                # The pages' reload (the search index update follows later).
                while ev is not None and ev[1] == "reload" and not any(
                        p.endswith(".html") for p in json.loads(ev[2])["changed"]):
                    ev = events.next({"reload", "error"}, 30)
                if ev is None or ev[1] != "reload":
                    misses += 1
                    log(f"  edit {k:2}: no reload event ({ev[1] if ev else 'timeout'})")
                    continue
                latencies.append((ev[0] - t0) * 1000)
                # The server's own figures for this rebuild, once its search
                # index is in too (so the next edit starts from a quiet server).
                end = time.monotonic() + 30
                while True:
                    st = get_json(port, "/__specbook/stats")
                    if st["builds"] > builds_before and st["indexed_build"] == st["builds"]:
                        break
                    if time.monotonic() > end:
                        raise BenchError(f"edit {k}: the rebuild did not finish: {st}")
                    time.sleep(0.02)
                rebuilds.append(st["last_build_ms"])
                searches.append(st["last_search_ms"])
                log(f"  edit {k:2} (line {idx + 1:4}): save -> reload {latencies[-1]:6.1f} ms; "
                    f"rebuild {st['last_build_ms']:6.1f} ms (load {st['last_work']['load_ms']:.1f} + render "
                    f"{st['last_work']['render_ms']:.1f}; parsed {', '.join(st['last_work']['parsed']) or '-'}; "
                    f"pages rendered {st['last_work']['pages_rendered']}, reused {st['last_work']['pages_reused']}); "
                    f"search index {st['last_search_ms']:6.1f} ms after")
            if server.proc.poll() is not None:
                raise BenchError("serve exited during the benchmark:\n" + "\n".join(server.lines))
        finally:
            if events:
                events.close()
            server.stop()

    if not latencies:
        raise BenchError("no reload event arrived")
    lat = statistics.median(latencies)
    inc = statistics.median(rebuilds)
    ratio = inc / full["median_wall_ms"]
    ok_lat = lat <= BAR_RELOAD_MS and misses == 0
    ok_inc = ratio <= BAR_INCREMENTAL_RATIO
    log("\n== results")
    log(f"  save -> reload event: median {lat:.1f} ms (min {min(latencies):.1f}, max {max(latencies):.1f}, "
        f"{len(latencies)} edits, {misses} missed)   bar <= {BAR_RELOAD_MS:.0f} ms: {'PASS' if ok_lat else 'FAIL'}")
    log(f"  incremental rebuild: median {inc:.1f} ms vs full build {full['median_wall_ms']:.1f} ms "
        f"= {ratio:.3f}   bar <= {BAR_INCREMENTAL_RATIO}: {'PASS' if ok_inc else 'FAIL'}")
    if full["median_own_ms"]:
        log(f"  (vs the full build's own figure {full['median_own_ms']:.1f} ms: {inc / full['median_own_ms']:.3f})")
    log(f"  search index, rebuilt after the pages are served: median {statistics.median(searches):.1f} ms")
    return 0 if ok_lat and ok_inc else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (BenchError, subprocess.CalledProcessError, OSError) as e:
        print(f"serve bench: {e}", file=sys.stderr)
        sys.exit(2)
