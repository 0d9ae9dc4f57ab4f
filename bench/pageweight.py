"""Page weight of a built site (issue 3, bar 4), from the files on disk.

For one page, "first visit" weight = gzip size of the HTML plus the gzip size
of every local asset the browser fetches while loading it without any user
interaction:

* ``<link href>`` with a rel that fetches (stylesheet, icon, preload,
  modulepreload, prefetch, manifest, ...),
* ``<script src>``, ``<img src/srcset>``, ``<source src/srcset>``,
  ``<video poster>``, ``<iframe src>``, ``<embed src>``, ``<object data>``,
* static ``import ... from "./x.js"`` in those scripts (ES modules),
* ``url(...)`` and ``@import`` in inline ``<style>``/``style=""`` and,
  recursively, in every referenced CSS file (fonts, icons, backgrounds).
  Every ``url()`` counts, even one a browser would only fetch for a
  matching media query or glyph range: the figure is an upper bound.

Not counted: what scripts fetch later on interaction (the search index under
``search/``), anchors (``<a href>``), and ``data:`` URIs (already inside the
file that holds them).  Assets are gzipped one by one (level 6, the usual
server setting), as each is a separate response.  1 KB = 1000 bytes: with
these settings the official Model Spec page weighs 159,930 bytes, the
"159 KB gzip" that issue 3 quotes.

Also reported: every reference to another host (``http://``, ``https://``,
``//host``) in those fetching positions, in any HTML page or CSS file of the
site -- any such reference fails the bar ("no page requests anything from
another host").  Canonical links, Open Graph tags and plain links are not
fetches and are not flagged.
"""

from __future__ import annotations

import gzip
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

GZIP_LEVEL = 6
KB = 1000  # bytes; see module docstring
# <link rel=...> values that make the browser fetch the href on load.
FETCHING_RELS = {
    "stylesheet", "icon", "shortcut", "apple-touch-icon", "apple-touch-icon-precomposed",
    "mask-icon", "preload", "modulepreload", "prefetch", "manifest", "preconnect",
    "dns-prefetch", "prerender",
}
# Pages that are not "section pages" when looking for the largest one.
NOT_SECTION_PAGES = {"all.html", "index.html", "404.html", "examples.html"}
CSS_URL_RE = re.compile(r"""url\(\s*(['"]?)([^'")]*)\1\s*\)""", re.I)
# Static ES module imports (fetched on load, unlike dynamic import()).
JS_IMPORT_RE = re.compile(r"""^\s*(?:import\s*|(?:import|export)\b[^'"();]*?\bfrom\s*)['"]([^'"]+)['"]""", re.M)
CSS_IMPORT_RE = re.compile(r"""@import\s+(?:url\()?\s*['"]?([^'")\s;]+)""", re.I)


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0))


def is_external(url: str) -> bool:
    u = url.strip().lower()
    return u.startswith(("http://", "https://", "//", "ftp://", "ws://", "wss://"))


def is_inline(url: str) -> bool:
    u = url.strip().lower()
    return u == "" or u.startswith(("data:", "#", "about:", "javascript:", "blob:"))


class _ResourceParser(HTMLParser):
    """Collects the URLs an HTML page fetches on load, plus inline CSS."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str]] = []  # (what, url)
        self.inline_css: list[str] = []
        self._in_style = False

    def _add(self, what: str, url: str | None) -> None:
        if url is not None:
            self.urls.append((what, url))

    def _srcset(self, what: str, v: str | None) -> None:
        for part in (v or "").split(","):
            bits = part.strip().split()
            if bits:
                self._add(what, bits[0])

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("style"):
            self.inline_css.append(a["style"])
        if tag == "link":
            rels = set((a.get("rel") or "").lower().split())
            if rels & FETCHING_RELS:
                self._add(f"link[rel={a.get('rel')}]", a.get("href"))
        elif tag == "script":
            self._add("script", a.get("src"))
        elif tag in ("img", "source"):
            self._add(tag, a.get("src"))
            self._srcset(tag, a.get("srcset"))
        elif tag in ("iframe", "embed", "audio", "track"):
            self._add(tag, a.get("src"))
        elif tag == "video":
            self._add(tag, a.get("src"))
            self._add("video[poster]", a.get("poster"))
        elif tag == "object":
            self._add(tag, a.get("data"))
        elif tag == "input" and (a.get("type") or "").lower() == "image":
            self._add(tag, a.get("src"))
        elif tag == "style":
            self._in_style = True

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.inline_css.append(data)


def _css_refs(css: str) -> list[str]:
    refs = [m.group(2) for m in CSS_URL_RE.finditer(css)]
    refs += [m.group(1) for m in CSS_IMPORT_RE.finditer(css) if not m.group(1).lower().startswith("url(")]
    return refs


def _resolve(site: Path, base: Path, url: str) -> Path:
    """Local file for a relative (or site-absolute) URL seen in file `base`."""
    path = unquote(urlsplit(url).path)
    if path.startswith("/"):
        return (site / path.lstrip("/")).resolve()
    return (base.parent / path).resolve()


def page_weight(site: Path, page: Path) -> dict:
    """First-visit weight of `page`: {html_gz, assets: {rel: gz}, total_gz,
    external: [...], missing: [...]}."""
    site = site.resolve()
    page = page.resolve()
    external: list[str] = []
    missing: list[str] = []
    assets: dict[str, int] = {}

    def visit_css(css: str, base: Path) -> None:
        for ref in _css_refs(css):
            visit("css url()", ref, base)

    def visit(what: str, url: str, base: Path) -> None:
        if is_inline(url):
            return
        if is_external(url):
            external.append(f"{base.relative_to(site)}: {what} {url}")
            return
        f = _resolve(site, base, url)
        try:
            key = str(f.relative_to(site))
        except ValueError:
            missing.append(f"{what} {url} (outside the site)")
            return
        if key in assets:
            return
        if not f.is_file():
            missing.append(f"{what} {url}")
            return
        data = f.read_bytes()
        assets[key] = gz(data)
        if f.suffix.lower() == ".css":
            visit_css(data.decode("utf-8", "replace"), f)
        elif f.suffix.lower() in (".js", ".mjs"):
            for m in JS_IMPORT_RE.finditer(data.decode("utf-8", "replace")):
                visit("js import", m.group(1), f)

    html = page.read_bytes()
    p = _ResourceParser()
    p.feed(html.decode("utf-8", "replace"))
    for what, url in p.urls:
        visit(what, url, page)
    for css in p.inline_css:
        visit_css(css, page)
    html_gz = gz(html)
    return {
        "page": str(page.relative_to(site)),
        "html_bytes": len(html),
        "html_gz": html_gz,
        "assets_gz": dict(sorted(assets.items())),
        "total_gz": html_gz + sum(assets.values()),
        "external": external,
        "missing": missing,
    }


def largest_section_page(site: Path) -> Path | None:
    """Largest *.html at the site root, other than the non-section pages."""
    pages = [p for p in site.glob("*.html") if p.name not in NOT_SECTION_PAGES]
    return max(pages, key=lambda p: p.stat().st_size, default=None)


def external_requests(site: Path) -> list[str]:
    """Every fetching reference to another host, in all HTML and CSS files
    (and static imports of JS files)."""
    site = site.resolve()
    found: list[str] = []
    for f in sorted(site.rglob("*")):
        if not f.is_file():
            continue
        rel = f.relative_to(site)
        if f.suffix.lower() in (".html", ".htm"):
            p = _ResourceParser()
            p.feed(f.read_text(encoding="utf-8", errors="replace"))
            refs = list(p.urls) + [("inline css url()", r) for css in p.inline_css for r in _css_refs(css)]
        elif f.suffix.lower() == ".css":
            refs = [("css url()", r) for r in _css_refs(f.read_text(encoding="utf-8", errors="replace"))]
        elif f.suffix.lower() in (".js", ".mjs"):
            text = f.read_text(encoding="utf-8", errors="replace")
            refs = [("js import", m.group(1)) for m in JS_IMPORT_RE.finditer(text)]
        else:
            continue
        found += [f"{rel}: {what} {url}" for what, url in refs if is_external(url)]
    return found


def report(site: Path, section_limit_kb: float = 60, single_limit_kb: float = 120) -> dict:
    """Everything bar 4 needs, as a JSON-able dict with PASS/FAIL verdicts."""
    out: dict = {"site": str(site), "gzip_level": GZIP_LEVEL}
    largest = largest_section_page(site)
    checks = [("largest_section_page", largest, section_limit_kb),
              ("single_page_edition", site / "all.html", single_limit_kb)]
    for key, page, limit in checks:
        if page is None or not page.is_file():
            out[key] = {"verdict": "FAIL", "error": f"page not found ({page})", "limit_kb": limit}
            continue
        w = page_weight(site, page)
        w["total_kb"] = round(w["total_gz"] / KB, 1)
        w["limit_kb"] = limit
        ok = w["total_gz"] <= limit * KB and not w["external"] and not w["missing"]
        w["verdict"] = "PASS" if ok else "FAIL"
        out[key] = w
    ext = external_requests(site)
    out["external_requests"] = ext
    out["no_external_requests"] = "PASS" if not ext else "FAIL"
    return out


if __name__ == "__main__":  # manual use: python3 bench/pageweight.py SITE_DIR
    import json
    import sys

    print(json.dumps(report(Path(sys.argv[1])), indent=2))
