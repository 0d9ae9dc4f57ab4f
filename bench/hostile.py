#!/usr/bin/env python3
"""Times `specbook check` on hostile inputs (issue 10: linear scanning).

    python3 bench/hostile.py [--bin target/release/specbook] [--timeout 120]
                             [--only NAME ...]

Each input is generated into a temporary folder as a one-file spec and
checked once by the given binary (a release build: `cargo build --release`).
Prints one line per input: wall time in seconds (or `>TIMEOUT`), exit code
and the number of diagnostics printed. Exit code 101 (a panic) is marked.
Standard library only; the numbers go into reports, never into tests.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

HEAD = "# Rules {#rules}\n\n"


def repeat_to(unit, size):
    return unit * (size // len(unit))


def inputs():
    """(name, spec text) pairs, in the order they are reported."""
    kb = 1000
    valid_line = "See [?](#rules).\n"
    return [
        ("footnotes, one 200 KB line of [^a]", HEAD + repeat_to("[^a]", 200 * kb) + "\n"),
        ("refs, one 200 KB line of [?](#x)", HEAD + repeat_to("[?](#x)", 200 * kb) + "\n"),
        ("valid refs, 100 KB of lines", HEAD + repeat_to(valid_line, 100 * kb)),
        ("valid refs, 200 KB of lines", HEAD + repeat_to(valid_line, 200 * kb)),
        ("valid refs, 400 KB of lines", HEAD + repeat_to(valid_line, 400 * kb)),
        ("valid refs, one 200 KB line", HEAD + repeat_to("See [?](#rules). ", 200 * kb) + "\n"),
        ("plain text, one 10 MB line", HEAD + repeat_to("word ", 10_000 * kb) + "\n"),
        ("5,000 nested list items", HEAD + "".join("  " * i + "- x\n" for i in range(5000))),
        ("5,000 nested blockquotes", HEAD + ">" * 5000 + " x\n"),
        ("unclosed [ x 200 KB", HEAD + repeat_to("[", 200 * kb) + "\n"),
        ("headings, 20,000 lines", "".join(f"## H{i} {{#h{i}}}\n\n" for i in range(20000))),
        ("heading with 50,000 unknown attributes", "# T {#t" + " x" * 50_000 + "}\n"),
        ("verdict naming 20,000 ids", HEAD + "**Example**: t\n\n~~~xml\n<comparison>\n"
         "<assistant> <!-- BAD[" + ", ".join(["#rules"] * 20_000) + "] -->\nx\n</assistant>\n"
         "</comparison>\n~~~\n"),
        ("invalid UTF-8, 1 MB of 0xFF x", HEAD.encode() + b"\xffx" * 500_000),
        ("10,000 examples with one title", HEAD + "**Example**: same\n\n~~~xml\n<user>\nx\n</user>\n~~~\n\n" * 10_000),
    ]


def run(binary, text, timeout):
    with tempfile.TemporaryDirectory(prefix="specbook-hostile-") as d:
        path = os.path.join(d, "spec.md")
        with open(path, "wb") as f:
            f.write(text if isinstance(text, bytes) else text.encode("utf-8"))
        start = time.monotonic()
        try:
            p = subprocess.run(
                [binary, "check", path],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                timeout=timeout,
                env={**os.environ, "NO_COLOR": "1"},
            )
        except subprocess.TimeoutExpired:
            return None, None, None
        wall = time.monotonic() - start
        lines = p.stderr.decode("utf-8", "replace").splitlines()
        diags = sum(1 for l in lines if ": error: " in l or ": warning: " in l)
        return wall, p.returncode, diags


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default="target/release/specbook")
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--only", nargs="*", help="substrings of input names to run")
    args = ap.parse_args()
    if not os.access(args.bin, os.X_OK):
        print(f"hostile: no executable at {args.bin} (cargo build --release)", file=sys.stderr)
        return 2
    print(f"binary: {args.bin}")
    print(f"{'input':<40} {'bytes':>10} {'seconds':>9} {'exit':>5} {'diags':>7}")
    worst = 0
    for name, text in inputs():
        if args.only and not any(o in name for o in args.only):
            continue
        wall, code, diags = run(args.bin, text, args.timeout)
        size = len(text if isinstance(text, bytes) else text.encode("utf-8"))
        if wall is None:
            print(f"{name:<40} {size:>10} {'>' + str(int(args.timeout)):>9} {'-':>5} {'-':>7}")
            worst = max(worst, 1)
            continue
        mark = "  PANIC" if code == 101 else ""
        print(f"{name:<40} {size:>10} {wall:>9.2f} {code:>5} {diags:>7}{mark}")
        if code == 101:
            worst = 1
    return worst


if __name__ == "__main__":
    sys.exit(main())
