"""Benchmark inputs, generated at run time from the real corpus.

Nothing here copies corpus text into the repository: every function reads
the corpus folder it is given and writes below ``target/bench/``.

Two kinds of input are produced:

* **Scaled specs** (``scaled_spec``): a Model-Spec-layout folder
  (``model_spec.md`` + ``examples/``) holding N copies of the corpus.  Copy 0
  is the corpus unchanged; copy k >= 1 has every id made unique:

  - heading ``{#x ...}``            -> ``{#x_ck ...}``
  - link ``(#x)`` / verdict ``[#x]`` -> ``(#x_ck)`` / ``[#x_ck]`` (for every x
    that is a heading id of the corpus, wherever it appears, including inside
    example conversations)
  - footnote ``[^lab]``              -> ``[^lab_ck]``, and the eval-prompt file
    ``examples/lab.md`` is copied to ``examples/lab_ck.md`` with the same
    rewriting (so its header line says ``[^lab_ck]``)
  - top-level ``#`` headings get a `` (copy k)`` title suffix.

  specbook reads the folder with zero configuration.

* **mdBook projects** (``mdbook_project``): the same markdown split into one
  chapter file per top-level ``#`` heading, plus one page per eval-prompt
  file, a ``SUMMARY.md`` and a ``book.toml`` (mdBook defaults, so its search
  index is built).  Heading attribute blocks ``{#id key=value}`` are kept:
  mdBook (pulldown-cmark heading attributes) accepts them.  Same-page links
  ``(#x)`` whose target lives in another chapter become ``(chapter.md#x)`` so
  the mdBook book is a working book rather than a pile of dead links.

Generation is skipped when a stamp file shows the output is already up to
date for the same corpus and generator version.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

# Bump when the generated output changes shape, to force regeneration.
GENERATOR_VERSION = "3"

# A fenced code block opens with 3+ backticks or tildes (possibly indented,
# as inside list items) and closes with a run of the same character at least
# as long, followed only by whitespace (CommonMark).
FENCE_RE = re.compile(r"^\s*(`{3,}|~{3,})(.*)$")
# A heading line: hashes, title, optional attribute block.
HEADING_RE = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*(\{#([^\s}]+)([^}]*)\})?[ \t]*$")
LINK_RE = re.compile(r"\(#([\w-]+)\)")
VERDICT_RE = re.compile(r"\[#([\w-]+)\]")
FOOTNOTE_RE = re.compile(r"\[\^([^\]\s]+)\]")


# ---------------------------------------------------------------- reading --

def iter_lines_with_fence_state(text: str):
    """Yield (line, in_fence) for every line; fence open/close lines count
    as inside the fence.  Only lines with in_fence == False can be headings."""
    fence: str | None = None
    for line in text.split("\n"):
        m = FENCE_RE.match(line)
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not m.group(2).strip():
                fence = None
            yield line, True
            continue
        if m and not (m.group(1)[0] == "`" and "`" in m.group(2)):
            fence = m.group(1)
            yield line, True
            continue
        yield line, False


def heading_ids(text: str) -> set[str]:
    """Every `{#id}` of a heading outside code fences."""
    ids = set()
    for line, in_fence in iter_lines_with_fence_state(text):
        if in_fence:
            continue
        m = HEADING_RE.match(line)
        if m and m.group(4):
            ids.add(m.group(4))
    return ids


def read_corpus(corpus: Path) -> tuple[str, dict[str, str]]:
    """(model_spec.md text, {label: eval file text}) of a Model Spec folder."""
    spec = (corpus / "model_spec.md").read_text(encoding="utf-8")
    evals = {}
    exdir = corpus / "examples"
    if exdir.is_dir():
        for p in sorted(exdir.glob("*.md")):
            evals[p.stem] = p.read_text(encoding="utf-8")
    return spec, evals


def corpus_digest(corpus: Path) -> str:
    """Content hash of the corpus, for the up-to-date stamps."""
    h = hashlib.sha256()
    spec, evals = read_corpus(corpus)
    h.update(spec.encode())
    for label in sorted(evals):
        h.update(label.encode())
        h.update(evals[label].encode())
    return h.hexdigest()[:16]


def _up_to_date(out: Path, stamp: dict) -> bool:
    f = out / ".bench-stamp.json"
    try:
        return json.loads(f.read_text()) == stamp
    except (OSError, ValueError):
        return False


def _write_stamp(out: Path, stamp: dict) -> None:
    (out / ".bench-stamp.json").write_text(json.dumps(stamp, sort_keys=True))


# ----------------------------------------------------------- scaled specs --

def rewrite_copy(text: str, k: int, ids: set[str]) -> str:
    """Copy k of a corpus file with every id, link, verdict ref and footnote
    label made unique (see module docstring).  k == 0 returns text as is."""
    if k == 0:
        return text
    suffix = f"_c{k}"

    def sub_id(m: re.Match, fmt: str) -> str:
        x = m.group(1)
        return fmt.format(x + suffix) if x in ids else m.group(0)

    text = LINK_RE.sub(lambda m: sub_id(m, "(#{})"), text)
    text = VERDICT_RE.sub(lambda m: sub_id(m, "[#{}]"), text)
    text = FOOTNOTE_RE.sub(lambda m: f"[^{m.group(1)}{suffix}]", text)

    out = []
    for line, in_fence in iter_lines_with_fence_state(text):
        if not in_fence:
            m = HEADING_RE.match(line)
            if m and m.group(3):
                hashes, title, _, hid, rest = m.groups()
                if len(hashes) == 1:
                    title = f"{title} (copy {k})"
                line = f"{hashes} {title} {{#{hid}{suffix}{rest}}}"
        out.append(line)
    return "\n".join(out)


def scaled_spec(corpus: Path, out: Path, factor: int) -> Path:
    """Write a Model-Spec-layout folder with `factor` copies of the corpus."""
    stamp = {"v": GENERATOR_VERSION, "corpus": corpus_digest(corpus), "factor": factor}
    if _up_to_date(out, stamp):
        return out
    if out.exists():
        shutil.rmtree(out)
    (out / "examples").mkdir(parents=True)
    spec, evals = read_corpus(corpus)
    ids = heading_ids(spec)
    parts = []
    for k in range(factor):
        body = rewrite_copy(spec, k, ids)
        parts.append(body if body.endswith("\n") else body + "\n")
        for label, etext in evals.items():
            name = label if k == 0 else f"{label}_c{k}"
            (out / "examples" / f"{name}.md").write_text(rewrite_copy(etext, k, ids), encoding="utf-8")
    (out / "model_spec.md").write_text("\n".join(parts), encoding="utf-8")
    _write_stamp(out, stamp)
    return out


# --------------------------------------------------------- mdBook project --

def _slug(title: str) -> str:
    s = re.sub(r"[^\w\s-]", "", title.lower())
    return re.sub(r"[\s_-]+", "-", s).strip("-")[:50] or "chapter"


def _summary_title(title: str) -> str:
    # Link text in SUMMARY.md: brackets would end it early.
    return title.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def split_chapters(spec: str) -> list[tuple[str, list[str]]]:
    """[(title, lines)] — one entry per top-level heading outside fences;
    text before the first one (if any) becomes an "Introduction" chapter."""
    chapters: list[tuple[str, list[str]]] = []
    cur_title, cur = "Introduction", []
    for line, in_fence in iter_lines_with_fence_state(spec):
        m = None if in_fence else HEADING_RE.match(line)
        if m and len(m.group(1)) == 1:
            if cur and (chapters or any(s.strip() for s in cur)):
                chapters.append((cur_title, cur))
            cur_title, cur = m.group(2), []
        cur.append(line)
    if cur:
        chapters.append((cur_title, cur))
    return chapters


def mdbook_project(corpus_dir: Path, out: Path, with_examples: bool = True) -> Path:
    """Write an mdBook project (book.toml, src/SUMMARY.md, chapters) holding
    the markdown of a Model-Spec-layout folder (the corpus or a scaled one)."""
    stamp = {
        "v": GENERATOR_VERSION,
        "corpus": corpus_digest(corpus_dir),
        "examples": with_examples,
    }
    if _up_to_date(out, stamp):
        return out
    if out.exists():
        shutil.rmtree(out)
    src = out / "src"
    (src / "examples").mkdir(parents=True)
    spec, evals = read_corpus(corpus_dir)
    chapters = split_chapters(spec)

    # Which chapter file holds each heading id, for cross-chapter links.
    files = []
    where: dict[str, str] = {}
    for i, (title, lines) in enumerate(chapters, 1):
        fname = f"{i:04d}-{_slug(title)}.md"
        files.append(fname)
        for line, in_fence in iter_lines_with_fence_state("\n".join(lines)):
            m = None if in_fence else HEADING_RE.match(line)
            if m and m.group(4):
                where[m.group(4)] = fname

    def relink(text: str, here: str, prefix: str = "") -> str:
        def fix(m: re.Match) -> str:
            target = where.get(m.group(1))
            if target is None or target == here:
                return m.group(0)
            return f"({prefix}{target}#{m.group(1)})"
        return LINK_RE.sub(fix, text)

    summary = ["# Summary", ""]
    for (title, lines), fname in zip(chapters, files):
        (src / fname).write_text(relink("\n".join(lines), fname) + "\n", encoding="utf-8")
        summary.append(f"- [{_summary_title(title)}]({fname})")
    if with_examples and evals:
        (src / "examples" / "index.md").write_text(
            "# Eval prompts\n\nOne page per eval-prompt file.\n", encoding="utf-8")
        summary.append("- [Eval prompts](examples/index.md)")
        for label, etext in evals.items():
            (src / "examples" / f"{label}.md").write_text(relink(etext, "", "../"), encoding="utf-8")
            summary.append(f"  - [{label}](examples/{label}.md)")
    (src / "SUMMARY.md").write_text("\n".join(summary) + "\n", encoding="utf-8")
    (out / "book.toml").write_text(
        '[book]\ntitle = "Model Spec (benchmark copy)"\nsrc = "src"\n\n'
        "# mdBook defaults otherwise: the html renderer with its search index.\n"
        "[output.html]\n",
        encoding="utf-8",
    )
    _write_stamp(out, stamp)
    return out


if __name__ == "__main__":  # manual use: python3 bench/prepare.py CORPUS OUTDIR
    import sys

    corpus, outdir = Path(sys.argv[1]), Path(sys.argv[2])
    for f in (1, 10):
        d = corpus if f == 1 else scaled_spec(corpus, outdir / f"spec-{f}x", f)
        mdbook_project(d, outdir / f"mdbook-{f}x")
    print("ok", os.listdir(outdir))
