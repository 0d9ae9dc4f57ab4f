"""Timing shared by the benchmarks that compare two `specbook build`s."""

import statistics
import subprocess
import sys
import time


def time_build(specbook, src, out, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        r = subprocess.run([specbook, "build", str(src), "-o", str(out)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        times.append(time.perf_counter() - t)
        if r.returncode != 0:
            sys.exit(f"specbook build {src} failed:\n{r.stderr}")
    return statistics.median(times), times
