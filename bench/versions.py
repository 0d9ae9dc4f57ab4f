#!/usr/bin/env python3
"""A site of five releases against a site of one (issue 12).

Commits five releases of the public Model Spec into a fresh git repository
(the three real ones under ../shared/corpus, in order, then two more made
from the newest by small edits: a paragraph added, a rule retitled), writes
the `book.toml` of the issue (`[versions]`, one `[[versions.release]]` per
earlier release by tag) and times `specbook build` of that project against
`specbook build` of the newest release alone. Reports the medians and their
ratio: the bar is 4x, the goal 3x.

    python3 bench/versions.py --specbook target/release/specbook \
        --corpus ../shared/corpus [--runs 5] [--work target/bench/versions]

Standard library only. Exit 0 when the ratio is within the bar, 1 when not.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from timing import time_build

BAR = 4.0
GOAL = 3.0


def git(repo, *args):
    subprocess.run(
        ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", *args],
        cwd=repo, check=True, stdout=subprocess.DEVNULL,
    )


def put_release(repo, folder):
    shutil.rmtree(repo / "examples", ignore_errors=True)
    shutil.copytree(folder / "examples", repo / "examples")
    shutil.copy(folder / "model_spec.md", repo / "model_spec.md")


def edit(repo, fn):
    spec = repo / "model_spec.md"
    spec.write_text(fn(spec.read_text(encoding="utf-8")), encoding="utf-8")


def add_paragraph(text):
    # After the first paragraph of the first chapter: a new sentence.
    at = text.index("\n\n", text.index("\n# ")) + 2
    return text[:at] + "A paragraph added by the benchmark, as a small release adds one.\n\n" + text[at:]


def retitle_a_rule(text):
    # The first level-2 heading with an id gets a new title (same id).
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("## ") and "{#" in line:
            head, attrs = line.split("{#", 1)
            lines[i] = "## " + head[3:].strip() + " (revised) {#" + attrs
            break
    return "\n".join(lines)


def make_repo(work, corpus):
    releases = sorted(p for p in corpus.iterdir() if (p / "model_spec.md").is_file())
    repo = work / "repo"
    shutil.rmtree(repo, ignore_errors=True)
    repo.mkdir(parents=True)
    git(repo, "init", "-q")
    names = []
    for folder in releases:
        name = folder.name.removeprefix("model-spec-")
        put_release(repo, folder)
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", f"release {name}")
        git(repo, "tag", f"v{name}")
        names.append(name)
    newest = releases[-1]
    for name, change in [("2026-01-15", add_paragraph), ("2026-02-20", retitle_a_rule)]:
        edit(repo, change)
        git(repo, "commit", "-qam", f"release {name}")
        git(repo, "tag", f"v{name}")
        names.append(name)
    current, earlier = names[-1], names[:-1]
    toml = (
        '[book]\ntitle = "The OpenAI Model Spec"\nsrc = "."\n\n'
        '[spec]\nfiles = ["model_spec.md"]\neval-dir = "examples"\n\n'
        f'[versions]\ncurrent = "{current}"\n'
    )
    for name in reversed(earlier):
        toml += f'\n[[versions.release]]\nname = "{name}"\nrev = "v{name}"\n'
    (repo / "book.toml").write_text(toml, encoding="utf-8")
    # The newest release alone, as a folder (zero configuration).
    alone = work / "alone"
    shutil.rmtree(alone, ignore_errors=True)
    alone.mkdir()
    shutil.copy(repo / "model_spec.md", alone / "model_spec.md")
    shutil.copytree(repo / "examples", alone / "examples")
    return repo, alone, names, newest


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--specbook", required=True)
    ap.add_argument("--corpus", required=True, type=Path)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--work", type=Path, default=Path("target/bench/versions"))
    a = ap.parse_args()
    a.work.mkdir(parents=True, exist_ok=True)
    repo, alone, names, _ = make_repo(a.work.resolve(), a.corpus.resolve())
    one, one_all = time_build(a.specbook, alone, a.work / "site-one", a.runs)
    five, five_all = time_build(a.specbook, repo, a.work / "site-five", a.runs)
    ratio = five / one
    files = sum(1 for p in (a.work / "site-five").rglob("*") if p.is_file())
    report = {
        "releases": names,
        "one_release_s": round(one, 3),
        "five_releases_s": round(five, 3),
        "ratio": round(ratio, 2),
        "bar": BAR,
        "goal": GOAL,
        "runs_one_s": [round(t, 3) for t in one_all],
        "runs_five_s": [round(t, 3) for t in five_all],
        "files_five": files,
    }
    print(f"releases: {', '.join(names)}")
    print(f"one release : {one * 1000:7.0f} ms (median of {a.runs})")
    print(f"five releases: {five * 1000:7.0f} ms (median of {a.runs}), {files} files")
    verdict = "goal met" if ratio <= GOAL else ("within the bar" if ratio <= BAR else "OVER THE BAR")
    print(f"ratio: {ratio:.2f}x (bar {BAR:.0f}x, goal {GOAL:.0f}x): {verdict}")
    (a.work / "results.json").write_text(json.dumps(report, indent=2) + "\n")
    return 0 if ratio <= BAR else 1


if __name__ == "__main__":
    sys.exit(main())
