"""Run one command and record its wall time and peak RSS.

    python3 bench/runone.py RESULT.json CMD [ARGS...]

Why a separate, fresh process: on Linux a child's ``ru_maxrss`` starts from
the high-water mark of the address space it was forked from, so a command
started straight from bench.py (which holds the generated 100x corpus in
memory) would report bench.py's own peak.  This small process forks the
command itself, so the floor is this process's few MB only.

Standard output and error are inherited (bench.py points them at files).
RESULT.json gets {"wall_s", "cpu_s" (user + system), "maxrss_kb", "rc"}; the command's exit code is
also this process's exit code (127 if it could not be started).
"""

import json
import os
import sys
import time


def main() -> int:
    result_path, cmd = sys.argv[1], sys.argv[2:]
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # child: become the command
        try:
            os.execvp(cmd[0], cmd)
        except OSError as e:
            os.write(2, f"runone: cannot run {cmd[0]}: {e}\n".encode())
        os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - t0
    rc = os.waitstatus_to_exitcode(status)
    with open(result_path, "w") as f:
        json.dump({"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
                   "maxrss_kb": usage.ru_maxrss, "rc": rc}, f)
    return rc if 0 <= rc < 256 else 1


if __name__ == "__main__":
    sys.exit(main())
