#!/usr/bin/env python3
"""specbook benchmark: build speed against mdBook, scaling, page weight and
live-preview latency.  Python 3 standard library only.

Usually started by ``bench/run.sh``, which builds specbook and installs
mdBook first.  Direct use:

    python3 bench/bench.py --specbook target/release/specbook \
        --mdbook target/bench-tools/bin/mdbook

Measures (see bench/README.md for the bars):

1. specbook build of the real corpus vs mdBook build of the same markdown
   (split into chapters), N runs each after one untimed warm-up: medians and
   ratio (issue 10: <= 1/5).
2. specbook builds of the corpus at 1x, 10x and 100x (generated, unique ids
   per copy): median wall time, peak RSS (issue 10: 100x in <= 3 s, < 400
   MiB), growth 100x/1x (issue 3, bar 3); mdBook at 10x for scale (100x
   opt-in: BENCH_MDBOOK_100=1).
3. Page weight of the built corpus site (issue 3, bar 4).
4. `specbook serve` of the 10x spec (of the corpus with BENCH_SCALE=0):
   save -> reload event latency (issue 10: <= 100 ms), save -> spec.json
   holding the edit, save -> search index updated (reported), and the
   incremental rebuild time (issue 6, bar 3).

Each timed run is a fresh child process whose output folder was deleted
beforehand (outside the timing); wall time is measured around the child, and
peak RSS is the child's own ``ru_maxrss`` from ``os.wait4``.

Environment: BENCH_RUNS (default 5), BENCH_RUNS_100 (default min(3, RUNS)),
BENCH_MDBOOK_10 (default 1), BENCH_MDBOOK_100 (default 0), BENCH_SCALE
(default 1: run the 10x/100x part), BENCH_SERVE (default 1),
BENCH_SERVE_EDITS (10), BENCH_SERVE_GAP (1.5), BENCH_CORPUS (corpus folder),
BENCH_WAIT_QUIET (default 0: seconds to wait for the load average to drop
below the CPU count before measuring).

Exit status: 0 every bar measured passed; 1 a bar failed; 2 the harness or a
build failed; 3 some bar could not be measured (e.g. `specbook build` or
`serve` does not exist yet) and none failed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in bench/
sys.path.insert(0, str(Path(__file__).resolve().parent))
import pageweight  # noqa: E402
import prepare  # noqa: E402
import servebench  # noqa: E402

# The bars: issue 10 section 4 (the four figures), then the earlier ones
# that still hold (page weight from issue 3 bar 4, growth from issue 3 bar 3,
# incremental / full from issue 6 bar 3).
BAR_RATIO_VS_MDBOOK = 0.2      # issue 10: 1x specbook median <= 1/5 x mdBook median
BAR_100X_S = 3.0               # issue 10: 100x build median <= 3 s (2 cores)
BAR_PEAK_RSS_MB = 400          # issue 10: 100x peak RSS < 400 MiB (RSS figures are in MiB)
BAR_RELOAD_MS = 100            # issue 10: serve at 10x: save -> reload event, median
# issue 10, fourth figure: serve at 10x, save -> search index updated (and
# spec.json holding the edit): reported, the issue sets no number.
BAR_GROWTH_100X = 120          # issue 3: 100x median <= 120 x 1x median
BAR_SECTION_KB = 60            # issue 3: largest section page, first visit, gzip
BAR_SINGLE_KB = 120            # issue 3: single-page edition, first visit, gzip
BAR_INCREMENTAL_RATIO = 0.25   # issue 6: incremental rebuild <= 1/4 full build (of the served spec)


class BenchError(Exception):
    """A build failed or the harness cannot go on."""


def log(msg: str = "") -> None:
    print(msg, flush=True)


def env_int(name: str, default: int) -> int:
    v = os.environ.get(name, "").strip()
    try:
        return int(v) if v else default
    except ValueError:
        raise BenchError(f"{name}={v!r} is not an integer")


# ------------------------------------------------------------- running --

RUNONE = Path(__file__).resolve().parent / "runone.py"


def run_once(cmd: list[str]) -> tuple[float, float, int, int, str]:
    """Run `cmd` once: (wall s, CPU s (user + system), peak RSS KiB, exit code, output).

    The command runs under bench/runone.py, a fresh small process that times
    it and reads its own child's peak RSS (see runone.py for why a command
    started directly from here would report this process's peak instead).
    Output goes to temporary files, so no pipe can fill up and stall it.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(suffix=".json") as res:
        rc = subprocess.run([sys.executable, str(RUNONE), res.name, *map(str, cmd)],
                            stdout=out, stderr=err, stdin=subprocess.DEVNULL).returncode
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
        if rc != 0:
            out.seek(0)
            stderr = out.read().decode("utf-8", "replace")[-4000:] + stderr
        try:
            r = json.load(open(res.name))
        except ValueError:
            return 0.0, 0.0, 0, rc or 1, stderr
    return r["wall_s"], r["cpu_s"], r["maxrss_kb"], r["rc"], stderr


def output_size(out: Path) -> tuple[int, int]:
    """(files, bytes) of a build's output (a folder, or one file)."""
    if out.is_file():
        return 1, out.stat().st_size
    files = [f for f in out.rglob("*") if f.is_file()]
    return len(files), sum(f.stat().st_size for f in files)


def measure_series(jobs: list[tuple[str, object, Path]], runs: int, warmup: int = 1,
                   fresh: bool = True) -> dict[str, dict]:
    """Time several builds, `runs` times each after `warmup` untimed rounds.

    jobs: (label, make_cmd, out); make_cmd(out) gives the command line.
    The jobs are interleaved round by round (A B C, B C A, C A B, ...), so a
    change in the machine's load during the series hits every tool alike
    and the ratios stay fair.  With `fresh`, `out` is deleted before every
    run (outside the timing) so each build starts from nothing; without, each
    build after the first goes into the previous one's output, as an author's
    next build does (mdBook empties its output folder and writes every file
    again; specbook keeps the files whose bytes did not change).  Raises
    BenchError with the tool's output if any run fails.
    """
    times: dict[str, list[float]] = {label: [] for label, _, _ in jobs}
    cpu: dict[str, list[float]] = {label: [] for label, _, _ in jobs}
    rss: dict[str, list[int]] = {label: [] for label, _, _ in jobs}
    for i in range(warmup + runs):
        k = i % len(jobs)
        for label, make_cmd, out in jobs[k:] + jobs[:k]:
            if out.exists() and (fresh or i == 0):
                shutil.rmtree(out) if out.is_dir() else out.unlink()
            cmd = make_cmd(out)
            wall, cpu_s, maxrss_kb, rc, stderr = run_once(cmd)
            if rc != 0:
                raise BenchError(
                    f"{label}: `{' '.join(map(str, cmd))}` exited with {rc}; its output:\n{stderr.rstrip()}")
            if i >= warmup:
                times[label].append(wall)
                cpu[label].append(cpu_s)
                rss[label].append(maxrss_kb)
    results = {}
    for label, _, out in jobs:
        t = times[label]
        nfiles, nbytes = output_size(out)
        res = results[label] = {
            "runs": runs,
            "times_s": [round(x, 4) for x in t],
            "median_s": round(statistics.median(t), 4),
            "min_s": round(min(t), 4),
            "max_s": round(max(t), 4),
            "cpu_median_s": round(statistics.median(cpu[label]), 4),
            "peak_rss_mb": round(max(rss[label]) / 1024, 1),
            "output_files": nfiles,
            "output_mb": round(nbytes / 2**20, 1),
        }
        log(f"  {label:<34} median {res['median_s']:8.3f} s   min {res['min_s']:8.3f} s   "
            f"CPU {res['cpu_median_s']:7.3f} s   peak RSS {res['peak_rss_mb']:6.1f} MiB   "
            f"({runs} runs; output {nfiles} files, {res['output_mb']} MiB)")
    return results


def timed_steps(make_cmd, out: Path) -> dict[str, float]:
    """One build with SPECBOOK_TIMINGS=1: each step's milliseconds, in order."""
    if out.exists():
        shutil.rmtree(out)
    r = subprocess.run([str(c) for c in make_cmd(out)], capture_output=True, text=True,
                       env={**os.environ, "SPECBOOK_TIMINGS": "1"})
    steps = {}
    for m in re.finditer(r"^timing: (.+?) ([0-9.]+) ms", r.stderr, re.M):
        steps[m.group(1)] = float(m.group(2))
    return steps


def copy_time(site: Path) -> float:
    """Seconds `cp -r` takes to copy a built site (the copy is deleted)."""
    copy = site.with_name(site.name + "-copy")
    if copy.exists():
        shutil.rmtree(copy)
    t = time.perf_counter()
    subprocess.run(["cp", "-r", str(site), str(copy)], check=True)
    took = time.perf_counter() - t
    shutil.rmtree(copy)
    return round(took, 2)


def measure(label: str, make_cmd, out: Path, runs: int, warmup: int = 1, fresh: bool = True) -> dict:
    """measure_series for a single build."""
    return measure_series([(label, make_cmd, out)], runs, warmup, fresh)[label]


def has_subcommand(binary: Path, name: str) -> bool:
    try:
        out = subprocess.run([str(binary), "--help"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False
    return re.search(rf"^\s+{re.escape(name)}\b", out, re.M) is not None


def git_state(repo: Path) -> str:
    """`git describe --always --dirty` of the repository (what was measured)."""
    try:
        r = subprocess.run(["git", "-C", str(repo), "describe", "--always", "--dirty"],
                           capture_output=True, text=True, timeout=30)
        return r.stdout.strip() or "?"
    except (OSError, subprocess.TimeoutExpired):
        return "?"


def version_of(binary: Path) -> str:
    try:
        r = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=30)
        return (r.stdout or r.stderr).strip()
    except (OSError, subprocess.TimeoutExpired):
        return "?"


# --------------------------------------------------------------- main --

def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def main() -> int:
    repo = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--specbook", type=Path, default=repo / "target/release/specbook")
    ap.add_argument("--mdbook", type=Path, default=None, help="mdbook binary (mdBook part skipped without)")
    ap.add_argument("--work", type=Path, default=repo / "target/bench")
    ap.add_argument("--corpus", type=Path, default=Path(os.environ.get(
        "BENCH_CORPUS", repo.parent / "shared/corpus/model-spec-2025-12-18")))
    args = ap.parse_args()

    runs = env_int("BENCH_RUNS", 5)
    runs_100 = env_int("BENCH_RUNS_100", min(3, runs))
    runs_mdbook_10 = min(3, runs)
    want_mdbook_10 = env_int("BENCH_MDBOOK_10", 1) == 1
    want_mdbook_100 = env_int("BENCH_MDBOOK_100", 0) == 1
    want_scale = env_int("BENCH_SCALE", 1) == 1
    want_serve = env_int("BENCH_SERVE", 1) == 1
    if runs < 1 or runs_100 < 1:
        raise BenchError("BENCH_RUNS and BENCH_RUNS_100 must be at least 1")

    specbook = args.specbook.resolve()
    corpus = args.corpus.resolve()
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    if not specbook.is_file():
        raise BenchError(f"specbook binary not found: {specbook} (run `cargo build --release`)")
    if not (corpus / "model_spec.md").is_file():
        raise BenchError(f"corpus not found: {corpus}/model_spec.md")

    # `build` is the real thing; until it exists, `export` stands in so the
    # harness itself can be exercised (its figures then prove nothing).
    has_build = has_subcommand(specbook, "build")
    has_serve = has_subcommand(specbook, "serve")
    if has_build:
        def specbook_cmd(src: Path):
            return lambda out: [str(specbook), "build", str(src), "-o", str(out)]
    else:
        log("WARNING: `specbook build` does not exist yet: timing `specbook export` as a stand-in.")
        log("         The specbook figures below are NOT valid for the bars.")

        def specbook_cmd(src: Path):
            return lambda out: [str(specbook), "export", str(src), "-o", str(out)]

    mdbook = args.mdbook.resolve() if args.mdbook else None
    wait_quiet = env_int("BENCH_WAIT_QUIET", 0)
    if wait_quiet > 0:
        # On a shared machine: wait (at most BENCH_WAIT_QUIET s) until the
        # 1-minute load average drops below the number of CPUs.
        end = time.monotonic() + wait_quiet
        while os.getloadavg()[0] >= (os.cpu_count() or 1) and time.monotonic() < end:
            log(f"waiting for a quieter machine: load average {os.getloadavg()[0]:.2f}")
            time.sleep(min(30, max(1, end - time.monotonic())))
    load_before = os.getloadavg()
    results: dict = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "loadavg_at_start": [round(x, 2) for x in load_before],
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "specbook": {"binary": str(specbook), "version": version_of(specbook), "git": git_state(repo),
                     "command": "build" if has_build else "export (stand-in)"},
        "mdbook": {"binary": str(mdbook) if mdbook else None,
                   "version": version_of(mdbook) if mdbook else None},
        "corpus": str(corpus),
        "config": {"runs": runs, "runs_100x": runs_100, "mdbook_10x": want_mdbook_10,
                   "mdbook_100x": want_mdbook_100},
    }
    log(f"specbook: {results['specbook']['version']} ({results['specbook']['command']}), "
        f"tree {results['specbook']['git']}")
    log(f"mdBook:   {results['mdbook']['version']}")
    log(f"corpus:   {corpus}")
    log(f"machine:  {os.cpu_count()} CPUs, load average {load_before[0]:.2f} at start"
        + ("  (busy machine: timings are noisy)" if load_before[0] > 0.5 * (os.cpu_count() or 1) else ""))

    # ---- inputs
    log("\n== preparing inputs in " + str(work))
    t = time.perf_counter()
    spec_10 = prepare.scaled_spec(corpus, work / "spec-10x", 10) if want_scale else None
    spec_100 = prepare.scaled_spec(corpus, work / "spec-100x", 100) if want_scale else None
    if mdbook:
        book_1 = prepare.mdbook_project(corpus, work / "mdbook-1x")
        book_1_spec_only = prepare.mdbook_project(corpus, work / "mdbook-1x-spec-only", with_examples=False)
        book_10 = prepare.mdbook_project(spec_10, work / "mdbook-10x") if want_scale and want_mdbook_10 else None
        book_100 = prepare.mdbook_project(spec_100, work / "mdbook-100x") if want_scale and want_mdbook_100 else None
    log(f"  done in {time.perf_counter() - t:.1f} s")

    out = work / "out"
    out.mkdir(exist_ok=True)
    ext = "" if has_build else ".json"
    fig: dict = {}

    # ---- 1. specbook vs mdBook on the corpus
    log(f"\n== corpus (1x): specbook vs mdBook, {runs} runs each after a warm-up, interleaved")
    jobs = [("specbook build, corpus", specbook_cmd(corpus), out / f"specbook-1x{ext}")]
    if mdbook:
        def mdbook_cmd(book: Path):
            return lambda o: [str(mdbook), "build", str(book), "--dest-dir", str(o)]
        jobs += [("mdBook build, same markdown", mdbook_cmd(book_1), out / "mdbook-1x"),
                 ("mdBook build, spec only (info)", mdbook_cmd(book_1_spec_only), out / "mdbook-1x-spec-only")]
    m = measure_series(jobs, runs)
    fig["specbook_1x"] = m["specbook build, corpus"]
    if mdbook:
        fig["mdbook_1x"] = m["mdBook build, same markdown"]
        fig["mdbook_1x_spec_only"] = m["mdBook build, spec only (info)"]
        fig["ratio_vs_mdbook"] = round(fig["specbook_1x"]["median_s"] / fig["mdbook_1x"]["median_s"], 3)
        fig["ratio_vs_mdbook_spec_only"] = round(
            fig["specbook_1x"]["median_s"] / fig["mdbook_1x_spec_only"]["median_s"], 3)
        fig["cpu_ratio_vs_mdbook"] = round(
            fig["specbook_1x"]["cpu_median_s"] / fig["mdbook_1x"]["cpu_median_s"], 3)
        log(f"  ratio specbook / mdBook = {fig['ratio_vs_mdbook']:.3f}   (bar <= {BAR_RATIO_VS_MDBOOK}; "
            f"vs mdBook without the eval pages: {fig['ratio_vs_mdbook_spec_only']:.3f}; "
            f"CPU time ratio, for information: {fig['cpu_ratio_vs_mdbook']:.3f})")
        # The same builds again, each into its own previous output.
        log(f"\n== corpus (1x) again, each build into its previous output: {runs} runs each, interleaved")
        m = measure_series([(f"{label} (again)", cmd, o.with_name(o.name + "-again"))
                            for label, cmd, o in jobs[:2]], runs, fresh=False)
        fig["specbook_1x_again"] = m["specbook build, corpus (again)"]
        fig["mdbook_1x_again"] = m["mdBook build, same markdown (again)"]
        fig["ratio_vs_mdbook_again"] = round(
            fig["specbook_1x_again"]["median_s"] / fig["mdbook_1x_again"]["median_s"], 3)
        log(f"  ratio specbook / mdBook, each into its previous output = {fig['ratio_vs_mdbook_again']:.3f}")
        # The same builds from nothing with both outputs in memory (tmpfs),
        # where there is one: the programs without the disk. On a disk that
        # creates files slowly, most of a 1x build's wall time is the
        # kernel creating files, and specbook writes about three times as
        # many as mdBook (rule downloads, search shards).
        ram = Path("/dev/shm")
        if ram.is_dir() and os.access(ram, os.W_OK):
            ram_jobs = [(f"{label} (output in memory)", cmd, ram / f"bench-{os.getpid()}-{o.name}")
                        for label, cmd, o in jobs[:2]]
            try:
                log(f"\n== corpus (1x) again, both outputs in memory (tmpfs): {runs} runs each, interleaved")
                m = measure_series(ram_jobs, runs)
                fig["specbook_1x_ram"] = m["specbook build, corpus (output in memory)"]
                fig["mdbook_1x_ram"] = m["mdBook build, same markdown (output in memory)"]
                fig["ratio_vs_mdbook_ram"] = round(
                    fig["specbook_1x_ram"]["median_s"] / fig["mdbook_1x_ram"]["median_s"], 3)
                log(f"  ratio specbook / mdBook, outputs in memory = {fig['ratio_vs_mdbook_ram']:.3f}")
            finally:
                for _, _, o in ram_jobs:
                    shutil.rmtree(o, ignore_errors=True)
    else:
        log("  mdBook not given (--mdbook): comparison skipped")

    # ---- 2. scaling
    if want_scale:
        log(f"\n== scaling: specbook at 10x ({runs} runs) and 100x ({runs_100} runs), each interleaved with 1x")
        # Each scaled series is interleaved with 1x builds, and the growth is
        # taken against those: a 1x median from another moment, under
        # another load, would skew the ratio either way.
        paired = out / f"specbook-1x-paired{ext}"
        m = measure_series([("specbook build, 1x (paired)", specbook_cmd(corpus), paired),
                            ("specbook build, 10x", specbook_cmd(spec_10), out / f"specbook-10x{ext}")], runs)
        fig["specbook_1x_paired_10x"], fig["specbook_10x"] = m["specbook build, 1x (paired)"], m["specbook build, 10x"]
        m = measure_series([("specbook build, 1x (paired)", specbook_cmd(corpus), paired),
                            ("specbook build, 100x", specbook_cmd(spec_100), out / f"specbook-100x{ext}")],
                           runs_100, warmup=0)
        fig["specbook_1x_paired_100x"], fig["specbook_100x"] = m["specbook build, 1x (paired)"], m["specbook build, 100x"]
        # 100x again, each build into the previous one's output (the first
        # makes it): what an author's next build costs.
        fig["specbook_100x_again"] = measure("specbook build, 100x (again)", specbook_cmd(spec_100),
                                             out / f"specbook-100x-again{ext}", runs_100, warmup=1, fresh=False)
        # 100x from nothing with the output in memory (tmpfs), where there
        # is one: the same program without the disk, to tell the two apart
        # (on a disk that creates files slowly the two differ by seconds).
        ram = Path("/dev/shm")
        if ram.is_dir() and os.access(ram, os.W_OK):
            ram_out = ram / f"specbook-bench-100x-{os.getpid()}{ext}"
            try:
                fig["specbook_100x_ram"] = measure("specbook build, 100x, output in memory (tmpfs)",
                                                   specbook_cmd(spec_100), ram_out, runs_100, warmup=0)
            finally:
                shutil.rmtree(ram_out, ignore_errors=True)
        for f in ("10x", "100x"):
            big, one = fig[f"specbook_{f}"], fig[f"specbook_1x_paired_{f}"]
            fig[f"growth_{f}"] = round(big["median_s"] / one["median_s"], 1)
            fig[f"growth_{f}_cpu"] = round(big["cpu_median_s"] / one["cpu_median_s"], 1)
        fig["peak_rss_mb"] = max(fig[k]["peak_rss_mb"] for k in ("specbook_1x", "specbook_10x", "specbook_100x"))
        log(f"  growth 10x/1x = {fig['growth_10x']}, 100x/1x = {fig['growth_100x']} (bar <= {BAR_GROWTH_100X}; "
            f"in CPU time: {fig['growth_10x_cpu']}, {fig['growth_100x_cpu']}); "
            f"peak RSS {fig['peak_rss_mb']} MiB (bar < {BAR_PEAK_RSS_MB} MiB)")
        # Where the 100x time goes: one more build with SPECBOOK_TIMINGS
        # (each step's time and the peak memory after it), and the floor
        # this machine sets: copying the built site (`cp -r`, data already
        # in memory) costs what creating its files costs, whatever made them.
        fig["specbook_100x_steps"] = timed_steps(specbook_cmd(spec_100), out / f"specbook-100x{ext}")
        log("  100x by step: " + ", ".join(f"{k} {v} ms" for k, v in fig["specbook_100x_steps"].items()))
        fig["copy_100x_s"] = copy_time(out / f"specbook-100x{ext}")
        log(f"  floor: `cp -r` of the built 100x site ({fig['specbook_100x']['output_files']} files, "
            f"{fig['specbook_100x']['output_mb']} MiB) takes {fig['copy_100x_s']} s here")
        if mdbook and want_mdbook_10:
            fig["mdbook_10x"] = measure("mdBook build, 10x (scale)", mdbook_cmd(book_10), out / "mdbook-10x",
                                        runs_mdbook_10, warmup=0)
        if mdbook and want_mdbook_100:
            fig["mdbook_100x"] = measure("mdBook build, 100x (scale)", mdbook_cmd(book_100), out / "mdbook-100x",
                                         1, warmup=0)

    # ---- 3. page weight, on the site left by the last 1x build
    if has_build:
        log("\n== page weight of the corpus site (first visit, gzip)")
        site = out / "specbook-1x"
        if not site.is_dir():
            measure("specbook build, corpus", specbook_cmd(corpus), site, 1, warmup=0)
        pw = pageweight.report(site, BAR_SECTION_KB, BAR_SINGLE_KB)
        fig["page_weight"] = pw
        for key, name in (("largest_section_page", "largest section page"), ("single_page_edition", "single-page edition")):
            w = pw[key]
            if "error" in w:
                log(f"  {name}: {w['error']}")
                continue
            log(f"  {name} {w['page']}: {w['total_kb']} KB gzip (HTML {w['html_gz'] / pageweight.KB:.1f} KB + "
                f"{len(w['assets_gz'])} assets {sum(w['assets_gz'].values()) / pageweight.KB:.1f} KB)   "
                f"bar <= {w['limit_kb']} KB: {w['verdict']}")
            for a, n in w["assets_gz"].items():
                log(f"      {n / pageweight.KB:7.1f} KB  {a}")
            for m in w["missing"]:
                log(f"      MISSING {m}")
        log(f"  requests to other hosts: {len(pw['external_requests'])}")
        for e in pw["external_requests"][:20]:
            log(f"      {e}")
        official = corpus / "official.html"
        if official.is_file():
            fig["official_html_gz_kb"] = round(pageweight.gz(official.read_bytes()) / pageweight.KB, 1)

    # ---- 4. serve
    if want_serve and has_serve:
        serve_src, serve_scale = (spec_10, "10x") if want_scale else (corpus, "1x")
        fig["serve_scale"] = serve_scale
        log(f"\n== specbook serve at {serve_scale}: save -> reload event, spec.json, search index, "
            "incremental rebuild")
        # The full build it is compared with, timed now, under the same load.
        fig["specbook_full_before_serve"] = measure(f"specbook build, {serve_scale} (full)", specbook_cmd(serve_src),
                                                    out / f"specbook-{serve_scale}-before-serve{ext}", runs)
        try:
            fig["serve"] = servebench.run(specbook, serve_src, work,
                                          edits=env_int("BENCH_SERVE_EDITS", 10),
                                          gap=float(os.environ.get("BENCH_SERVE_GAP", "1.5")), log=log,
                                          name=f"serve-{serve_scale}")
            s = fig["serve"]
            if s["idle_rebuilds"]:
                log(f"  idle rebuilds: {s['idle_rebuilds']} in {s['idle_window_s']} s without any edit")
            log(f"  save -> reload: median {s['save_to_reload_median_ms']} ms  {s['save_to_reload_ms']}")
            log(f"  save -> spec.json served: median {s['save_to_spec_json_median_ms']} ms  "
                f"{s['save_to_spec_json_ms']}" + (f"  ({s['spec_json_failures']} not served)" if s["spec_json_failures"] else ""))
            log(f"  save -> search index updated: median {s['save_to_search_median_ms']} ms  "
                f"{s['save_to_search_ms']}")
            log(f"  incremental rebuild (server's own figure): median {s['incremental_rebuild_median_ms']} ms  "
                f"{s['incremental_rebuild_ms']}")
        except Exception as e:  # noqa: BLE001 -- any failure of serve is a result, not a crash
            msg = str(e) if isinstance(e, servebench.ServeBenchError) else f"{type(e).__name__}: {e}"
            fig["serve"] = {"error": msg}
            log(f"  serve benchmark failed: {msg}")

    results["figures"] = fig
    results["machine"]["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    serve_state = "run" if (has_serve and want_serve) else ("skipped (BENCH_SERVE=0)" if has_serve
                                                          else "`specbook serve` missing")
    results["bars"] = bars = evaluate(fig, has_build, serve_state, bool(mdbook), want_scale)
    print_summary(fig, bars)
    (work / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    log(f"\nwritten: {work / 'results.json'}")
    verdicts = [b["verdict"] for b in bars]
    if "FAIL" in verdicts:
        return 1
    return 3 if "n/a" in verdicts else 0


def evaluate(fig: dict, has_build: bool, serve: str, mdbook: bool, scale: bool) -> list[dict]:
    """The bars with their measured values and verdicts (n/a = not measured)."""
    bars = []

    def bar(name, value, limit, ok, why=None):
        b = {"bar": name, "value": value, "limit": limit, "verdict": verdict(ok)}
        if why:
            b["note"] = why
        bars.append(b)

    stand_in = None if has_build else "`specbook build` missing: stand-in figures"
    s = fig.get("serve")
    serve_ok = serve == "run" and s is not None and "error" not in s
    serve_why = (serve if serve != "run" else "not run") if s is None or serve != "run" else s.get("error", "")[:300]
    at = fig.get("serve_scale", "10x")
    # The four figures of issue 10, section 4.
    if serve_ok:
        lat = s["save_to_reload_median_ms"]
        notes = []
        if s["missed_events"]:
            notes.append(f"{s['missed_events']} edits got no event")
        if s["idle_rebuilds"]:
            notes.append(f"{s['idle_rebuilds']} rebuilds in {s['idle_window_s']:.0f} s idle")
        if at != "10x":
            notes.append(f"measured at {at}, not 10x")
        bar(f"1. save -> served at {at} (reload event), median ms", lat, f"<= {BAR_RELOAD_MS}",
            (lat <= BAR_RELOAD_MS and s["missed_events"] == 0) if at == "10x" else None, "; ".join(notes) or None)
    else:
        bar(f"1. save -> served at {at} (reload event), median ms", None, f"<= {BAR_RELOAD_MS}",
            False if s is not None and "error" in s else None, serve_why)
    if scale:
        t, m = fig["specbook_100x"]["median_s"], fig["peak_rss_mb"]
        bar("2. 100x build, median wall s", round(t, 2), f"<= {BAR_100X_S}",
            None if stand_in else t <= BAR_100X_S, stand_in)
        bar("2. peak RSS, up to 100x (MiB)", m, f"< {BAR_PEAK_RSS_MB}",
            None if stand_in else m < BAR_PEAK_RSS_MB, stand_in)
    else:
        bar("2. 100x build", None, f"<= {BAR_100X_S}", None, "BENCH_SCALE=0")
    if scale and "specbook_100x_again" in fig:
        bars.append({"bar": "2. 100x build into its previous output, median wall s",
                     "value": round(fig["specbook_100x_again"]["median_s"], 2), "limit": "report",
                     "verdict": "info"})
    if scale and "specbook_100x_ram" in fig:
        bars.append({"bar": "2. 100x build, output in memory (tmpfs), median wall s",
                     "value": round(fig["specbook_100x_ram"]["median_s"], 2), "limit": "report",
                     "verdict": "info",
                     "note": f"min {fig['specbook_100x_ram']['min_s']:.2f} s, "
                             f"peak {fig['specbook_100x_ram']['peak_rss_mb']} MiB"})
    if mdbook:
        r = fig["ratio_vs_mdbook"]
        bar("3. specbook / mdBook, 1x (median)", r, f"<= {BAR_RATIO_VS_MDBOOK}",
            None if stand_in else r <= BAR_RATIO_VS_MDBOOK, stand_in)
        if "ratio_vs_mdbook_again" in fig:
            bars.append({"bar": "3. the same, each build into its previous output", "value":
                         fig["ratio_vs_mdbook_again"], "limit": "report", "verdict": "info",
                         "note": f"{fig['specbook_1x_again']['median_s']:.3f} s / "
                                 f"{fig['mdbook_1x_again']['median_s']:.3f} s"})
        if "ratio_vs_mdbook_ram" in fig:
            bars.append({"bar": "3. the same, both outputs in memory (tmpfs)", "value":
                         fig["ratio_vs_mdbook_ram"], "limit": "report", "verdict": "info",
                         "note": f"{fig['specbook_1x_ram']['median_s']:.3f} s / "
                                 f"{fig['mdbook_1x_ram']['median_s']:.3f} s"})
    else:
        bar("3. specbook / mdBook, 1x (median)", None, f"<= {BAR_RATIO_VS_MDBOOK}", None, "no mdBook")
    if serve_ok and s.get("save_to_search_median_ms") is not None:
        notes = [f"save -> spec.json served: median {s['save_to_spec_json_median_ms']} ms"]
        if s["spec_json_failures"]:
            notes.append(f"{s['spec_json_failures']} spec.json requests failed")
        bars.append({"bar": f"4. save -> search index updated at {at}, median ms",
                     "value": s["save_to_search_median_ms"], "limit": "report",
                     "verdict": "FAIL" if s["spec_json_failures"] else "info", "note": "; ".join(notes)})
    else:
        bar(f"4. save -> search index updated at {at}, median ms", None, "report", None, serve_why or "not measured")
    # Earlier bars that still hold.
    if scale:
        g = fig["growth_100x"]
        bar("issue 3 bar 3: 100x build / 1x build (median)", g, f"<= {BAR_GROWTH_100X}",
            None if stand_in else g <= BAR_GROWTH_100X, stand_in)
    pw = fig.get("page_weight")
    for key, name in (("largest_section_page", "issue 3 bar 4: largest section page, gzip KB"),
                      ("single_page_edition", "issue 3 bar 4: single-page edition, gzip KB")):
        if pw is None:
            bar(name, None, "", None, "no site built")
        else:
            w = pw[key]
            bars.append({"bar": name, "value": w.get("total_kb"), "limit": f"<= {w['limit_kb']}",
                         "verdict": w["verdict"], **({"note": w["error"]} if "error" in w else {})})
    if pw is None:
        bar("issue 3 bar 4: requests to other hosts", None, "0", None, "no site built")
    else:
        bar("issue 3 bar 4: requests to other hosts", len(pw["external_requests"]), "0",
            not pw["external_requests"])
    if not serve_ok:
        bar("issue 6 bar 3: incremental rebuild / full build", None, f"<= {BAR_INCREMENTAL_RATIO}",
            False if s is not None and "error" in s else None, serve_why)
    else:
        inc = s["incremental_rebuild_median_ms"]
        if inc is None:
            bar("issue 6 bar 3: incremental rebuild / full build", None, f"<= {BAR_INCREMENTAL_RATIO}", None,
                "serve printed no rebuild time (expected a line like 'rebuilt in 12.3 ms')")
        else:
            full_ms = fig["specbook_full_before_serve"]["median_s"] * 1000
            r = round(inc / full_ms, 3)
            s["incremental_over_full"] = r
            bar("issue 6 bar 3: incremental rebuild / full build", r, f"<= {BAR_INCREMENTAL_RATIO}",
                r <= BAR_INCREMENTAL_RATIO, f"{inc} ms / {full_ms:.1f} ms")
    return bars


def print_summary(fig: dict, bars: list[dict]) -> None:
    def cell(key):
        if key not in fig:
            return "-"
        r = fig[key]
        return f"{r['median_s']:.3f} s {r['cpu_median_s']:.2f} s {r['peak_rss_mb']:.0f} MiB"

    log("\n== summary")
    log(f"  {'build: median wall, CPU, peak RSS':<38} {'specbook':>26} {'mdBook':>26}")
    for f in ("1x", "10x", "100x"):
        log(f"  {'corpus ' + f:<38} {cell('specbook_' + f):>26} {cell('mdbook_' + f):>26}")
    if "mdbook_1x_spec_only" in fig:
        log(f"  {'corpus 1x, mdBook without eval pages':<38} {'':>26} {cell('mdbook_1x_spec_only'):>26}")
    if "official_html_gz_kb" in fig:
        log(f"  (official page for reference: {fig['official_html_gz_kb']} KB gzip HTML, before its CDN assets)")
    log("")
    log(f"  {'bar':<56} {'value':>10} {'limit':>9}  verdict")
    for b in bars:
        v = "-" if b["value"] is None else str(b["value"])
        note = f"  ({b['note']})" if b.get("note") else ""
        log(f"  {b['bar']:<56} {v:>10} {b['limit']:>9}  {b['verdict']}{note}")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as e:
        print(f"\nbench: error: {e}", file=sys.stderr, flush=True)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
