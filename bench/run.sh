#!/usr/bin/env bash
# specbook benchmark, one command:  bash bench/run.sh
#
# 1. builds specbook in release mode;
# 2. finds mdBook on PATH, or installs the pinned version from crates.io into
#    target/bench-tools (reused by later runs);
# 3. runs bench/bench.py (python3 standard library only), which generates the
#    inputs in target/bench/, measures, prints a summary and writes
#    target/bench/results.json (and the printed report to target/bench/run.log).
#
# Environment (all optional): BENCH_RUNS (5), BENCH_RUNS_100 (min(3, RUNS)),
# BENCH_MDBOOK_10 (1), BENCH_MDBOOK_100 (0: ~10 min), BENCH_SCALE (1),
# BENCH_SERVE (1), BENCH_SERVE_EDITS (10), BENCH_SERVE_GAP (1.5),
# BENCH_WAIT_QUIET (0: seconds to wait for a load average below the CPU count),
# BENCH_VERSIONS (1: the five-release site of bench/versions.py; 0 skips it),
# BENCH_LSP (1: change → diagnostics of `specbook lsp`, bench/lsp.py; 0 skips it),
# BENCH_TRANSLATIONS (1: two languages against one, bench/translations.py; 0 skips it),
# BENCH_CORPUS (default: ../shared/corpus/model-spec-2025-12-18 beside the
# repo), BENCH_NICE (nice level for the cargo steps, default 10),
# MDBOOK (an mdbook binary to use instead of PATH / the cached install).
# Exit status: that of bench.py (0 pass, 1 a bar failed, 2 error,
# 3 something not measurable yet), or 2 if a build/install step failed.
set -euo pipefail

MDBOOK_VERSION=0.5.4

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
tools="$repo/target/bench-tools"
nice_level="${BENCH_NICE:-10}"
export BENCH_CORPUS="${BENCH_CORPUS:-$(dirname "$repo")/shared/corpus/model-spec-2025-12-18}"

command -v python3 >/dev/null || { echo "bench: python3 is required" >&2; exit 2; }
command -v cargo >/dev/null || { echo "bench: cargo is required" >&2; exit 2; }
if [ ! -f "$BENCH_CORPUS/model_spec.md" ]; then
    echo "bench: corpus not found: $BENCH_CORPUS/model_spec.md (set BENCH_CORPUS)" >&2
    exit 2
fi

echo "== cargo build --release"
if ! nice -n "$nice_level" cargo build --release --quiet; then
    echo "bench: cargo build --release failed" >&2
    exit 2
fi

# mdBook: $MDBOOK, else PATH, else the cached install, else install it.
# Only the `search` feature is enabled (mdBook's default HTML output with its
# search index); `serve`/`watch` would only add compile time.
mdbook="${MDBOOK:-}"
if [ -z "$mdbook" ] && command -v mdbook >/dev/null; then
    mdbook="$(command -v mdbook)"
fi
if [ -z "$mdbook" ]; then
    mdbook="$tools/bin/mdbook"
    if [ ! -x "$mdbook" ] || ! "$mdbook" --version 2>/dev/null | grep -q "v$MDBOOK_VERSION"; then
        echo "== installing mdBook $MDBOOK_VERSION from crates.io into $tools (a few minutes, once)"
        mkdir -p "$tools"
        if ! nice -n "$nice_level" cargo install mdbook --locked --version "$MDBOOK_VERSION" \
                --no-default-features --features search --root "$tools" --quiet; then
            echo "bench: installing mdBook failed" >&2
            exit 2
        fi
    fi
fi
echo "== mdBook: $mdbook ($("$mdbook" --version))"

# The whole report is also kept in target/bench/run.log.
mkdir -p "$repo/target/bench"
set +e
python3 -B "$repo/bench/bench.py" \
    --specbook "$repo/target/release/specbook" \
    --mdbook "$mdbook" \
    --work "$repo/target/bench" \
    --corpus "$BENCH_CORPUS" 2>&1 | tee "$repo/target/bench/run.log"
status="${PIPESTATUS[0]}"

# Issue 12: five releases of the spec in one site against one release.
if [ "${BENCH_VERSIONS:-1}" != 0 ]; then
    echo "== versions: a site of five releases against one"
    python3 -B "$repo/bench/versions.py" \
        --specbook "$repo/target/release/specbook" \
        --corpus "$(dirname "$BENCH_CORPUS")" \
        --runs "${BENCH_RUNS:-5}" \
        --work "$repo/target/bench/versions" 2>&1 | tee -a "$repo/target/bench/run.log"
    vstatus="${PIPESTATUS[0]}"
    [ "$status" != 0 ] || status="$vstatus"
fi
# Issue 14: the spec in two languages against one.
if [ "${BENCH_TRANSLATIONS:-1}" != 0 ]; then
    echo "== translations: a site in two languages against one"
    python3 -B "$repo/bench/translations.py" \
        --specbook "$repo/target/release/specbook" \
        --corpus "$BENCH_CORPUS" \
        --runs "${BENCH_RUNS:-5}" \
        --work "$repo/target/bench/translations" 2>&1 | tee -a "$repo/target/bench/run.log"
    tstatus="${PIPESTATUS[0]}"
    [ "$status" != 0 ] || status="$tstatus"
fi
# Issue 15: `specbook lsp` on the real spec, change → diagnostics.
if [ "${BENCH_LSP:-1}" != 0 ]; then
    echo "== lsp: change → diagnostics on the real spec"
    python3 -B "$repo/bench/lsp.py" \
        --specbook "$repo/target/release/specbook" \
        --corpus "$BENCH_CORPUS" 2>&1 | tee -a "$repo/target/bench/run.log"
    lstatus="${PIPESTATUS[0]}"
    [ "$status" != 0 ] || status="$lstatus"
fi
exit "$status"
