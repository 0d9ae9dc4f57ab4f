#!/usr/bin/env python3
"""Search benchmark: index size, bytes a browser fetches before the first
result, and median query time in headless Chromium, for the real corpus and
a spec 100 times larger; compared with mdBook's search for the same markdown.

usage (from the repository root):
    python3 bench/search/bench.py [--scales 1,100] [--corpus PATH]

Needs: cargo, node + npm (installs playwright-core into bench/search/
node_modules on first run; it drives Debian's /usr/bin/chromium, nothing is
downloaded), python3 standard library. mdBook figures are read from a built
mdBook site of the corpus when `bench/run.sh` has made one (target/bench/out/
mdbook-1x), or built here with `$MDBOOK`/`mdbook` on PATH when available.
Writes target/bench/search/results.json and prints a table.
"""
from __future__ import annotations

import argparse
import gzip
import http.server
import json
import os
import shutil
import socketserver
import statistics
import subprocess
import sys
import threading
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "bench"))
import prepare  # noqa: E402  (the shared input generator)

OUT = ROOT / "target" / "bench" / "search"
PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>search bench</title>
<script src="search.js" defer></script></head>
<body><header><div id="search" class="search" data-base=""></div></header><main><p>bench page</p></main></body></html>
"""


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 6))


def build_index(spec: Path, site: Path) -> None:
    stamp = site / ".stamp"
    key = json.dumps({"spec": str(spec), "digest": prepare.corpus_digest(spec),
                      "src": [p.stat().st_mtime_ns for p in sorted((ROOT / "src" / "search").glob("*.rs"))]
                      + [(ROOT / "static" / n).stat().st_mtime_ns for n in ("search.js", "search.css")]})
    if stamp.exists() and stamp.read_text() == key:
        return
    if site.exists():
        shutil.rmtree(site)
    site.mkdir(parents=True)
    site.rmdir()  # `specbook build` makes its output folder itself
    # The search files are those `specbook build` writes (search/, search.js,
    # search.css); the bench page replaces its home page.
    subprocess.run(["nice", "-n", "10", "cargo", "build", "-q"], cwd=ROOT, check=True)
    subprocess.run([str(ROOT / "target/debug/specbook"), "build", str(spec), "-o", str(site)],
                   check=True, stdout=subprocess.DEVNULL)
    (site / "index.html").write_text(PAGE)
    stamp.write_text(key)


def index_sizes(site: Path) -> dict:
    raw = gzb = n = 0
    for p in (site / "search").rglob("*.js"):
        b = p.read_bytes()
        raw += len(b)
        gzb += gz(b)
        n += 1
    return {"files": n, "raw": raw, "gzip": gzb}


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass


class Server(socketserver.ThreadingTCPServer):
    def handle_error(self, request, client_address):
        pass  # a request cut short when a browser context closes


def serve(site: Path):
    handler = partial(Quiet, directory=str(site))
    httpd = Server(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/"


def browser_run(site: Path, queries: Path) -> list:
    if not (HERE / "node_modules" / "playwright-core").exists():
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent", "--no-package-lock"], cwd=HERE, check=True)
    httpd, url = serve(site)
    try:
        out = subprocess.run(["node", str(HERE / "browser.js"), url, str(queries)], check=True,
                             capture_output=True, text=True, timeout=1800)
    finally:
        httpd.shutdown()
    runs = json.loads(out.stdout)
    for r in runs:
        sizes = {}
        for f in r["fetched"]:
            p = site / f.split("?")[0]
            if p.is_file() and p.name != "index.html":
                sizes[f] = gz(p.read_bytes())
        r["fetchedGzip"] = sum(sizes.values())
        r["indexGzip"] = sum(v for k, v in sizes.items() if k.startswith("search/"))
    return runs


def mdbook_search_bytes(corpus: Path) -> dict | None:
    book = ROOT / "target" / "bench" / "out" / "mdbook-1x"
    if not list(book.glob("searchindex*.js")):
        mdbook = os.environ.get("MDBOOK") or shutil.which("mdbook")
        tools = ROOT / "target" / "bench-tools" / "bin" / "mdbook"
        mdbook = mdbook or (str(tools) if tools.exists() else None)
        if not mdbook:
            return None
        proj = prepare.mdbook_project(corpus, ROOT / "target" / "bench" / "mdbook-1x")
        subprocess.run([mdbook, "build", str(proj), "-d", str(book)], check=True, capture_output=True)
    parts = {}
    for pat in ("searchindex*.js", "searchindex*.json", "elasticlunr*.js", "mark*.js", "searcher*.js"):
        for p in book.glob(pat):
            parts[p.name] = gz(p.read_bytes())
    index = sum(v for k, v in parts.items() if k.startswith("searchindex"))
    return {"files": parts, "index_gzip": index, "total_gzip": sum(parts.values())}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", default="1,100")
    ap.add_argument("--corpus", default=os.environ.get("BENCH_CORPUS", str(ROOT.parent / "shared" / "corpus" / "model-spec-2025-12-18")))
    args = ap.parse_args()
    corpus = Path(args.corpus).resolve()
    queries = HERE / "queries.json"
    results = {"queries": json.loads(queries.read_text())}
    script_gz = gz((ROOT / "static" / "search.js").read_bytes())
    css_gz = gz((ROOT / "static" / "search.css").read_bytes())
    results["search_js_gzip"] = script_gz
    results["search_css_gzip"] = css_gz
    md = mdbook_search_bytes(corpus)
    results["mdbook"] = md
    for scale in [int(s) for s in args.scales.split(",")]:
        spec = corpus if scale == 1 else prepare.scaled_spec(corpus, ROOT / "target" / "bench" / f"spec-{scale}x", scale)
        site = OUT / f"site-{scale}x"
        print(f"== {scale}x: building the index", flush=True)
        build_index(spec, site)
        sizes = index_sizes(site)
        print(f"== {scale}x: {len(results['queries'])} queries in headless Chromium", flush=True)
        runs = browser_run(site, queries)
        fetched = [r["fetchedGzip"] for r in runs]
        results[f"{scale}x"] = {
            "index": sizes,
            "fetched_before_first_result_gzip": {"median": statistics.median(fetched), "max": max(fetched)},
            "query_ms": {"median": statistics.median(r["queryMs"] for r in runs),
                         "max": max(r["queryMs"] for r in runs)},
            "first_result_ms_cold_localhost": statistics.median(r["firstResultMs"] for r in runs),
            "index_requests_before_focus": max(r["searchRequestsBeforeFocus"] for r in runs),
            "runs": runs,
        }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(results, indent=1))
    print()
    print(f"search.js {script_gz} B gzip, search.css {css_gz} B gzip")
    if md:
        print(f"mdBook 1x search: index {md['index_gzip']} B gzip, index + scripts {md['total_gzip']} B gzip")
    for scale in [int(s) for s in args.scales.split(",")]:
        r = results[f"{scale}x"]
        f = r["fetched_before_first_result_gzip"]
        print(f"{scale:>4}x index {r['index']['files']} files, {r['index']['raw']} B raw, {r['index']['gzip']} B gzip; "
              f"fetched before first result (index + search.js + search.css, gzip): median {f['median']} B, max {f['max']} B; "
              f"query median {r['query_ms']['median']:.2f} ms (max {r['query_ms']['max']:.2f}); "
              f"index requests before focus: {r['index_requests_before_focus']}")
    print(f"results: {OUT / 'results.json'}")


if __name__ == "__main__":
    main()
