#!/usr/bin/env python3
"""Build a site for a spec and make sure it carries search (for the search
benchmark and manual checks): builds it with `specbook build` and patches
pages that lack the search script or `data-base`.

usage: bench/search/site.py SPEC_DIR OUT_DIR
"""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main():
    spec, out = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    subprocess.run(["cargo", "build", "-q"], cwd=ROOT, check=True)
    subprocess.run([str(ROOT / "target/debug/specbook"), "build", str(spec), "-o", str(out)], check=True)
    if not (out / "search" / "manifest.js").exists():
        sys.exit(f"`specbook build` wrote no search index into {out}")
    pages = list(out.rglob("*.html"))
    for p in pages:
        html = p.read_text()
        base = "../" * (len(p.relative_to(out).parts) - 1)
        changed = False
        if 'id="search" class="search">' in html:
            html = html.replace('id="search" class="search">', f'id="search" class="search" data-base="{base}">')
            changed = True
        if "search.js" not in html:
            html = html.replace("</head>", f'<script src="{base}search.js" defer></script>\n</head>', 1)
            changed = True
        if changed:
            p.write_text(html)
    ex = out / "examples.html"
    if not ex.exists() or "data-examples-browser" not in ex.read_text():
        tpl = (ROOT / "templates/examples.html").read_text()
        content = re.search(r"{% block content %}(.*){% endblock content %}", tpl, re.S).group(1)
        head = re.search(r"{% block head %}(.*?){% endblock head %}", tpl, re.S).group(1)
        title = "Example Assistant Spec"
        content = content.replace("{{ base }}", "").replace("{{ page.title }}", "Examples").replace("{{ site.title }}", title)
        head = head.replace("{{ base }}", "")
        html = (out / "index.html").read_text()
        html = re.sub(r'(<main id="main"[^>]*>).*?(</main>)', lambda m: m.group(1) + content + m.group(2), html, flags=re.S)
        html = html.replace("</head>", head + "</head>", 1)
        html = html.replace("kind-home", "kind-examples")
        ex.write_text(html)
    print(f"site with search in {out}")


if __name__ == "__main__":
    main()
