#!/usr/bin/env python3
"""A/B two or more `trellis` binaries on first builds, runs interleaved.

    python3 Benchmarks/ab_build.py BINARY[,BINARY...] N RUNS [extra build flags...]

    e.g. python3 Benchmarks/ab_build.py /tmp/a/trellis,/tmp/b/trellis 1000 9 --edition trainee

Builds `Benchmarks/work/N/trellis` (made by `Benchmarks/run.sh N` or
`generate_curriculum.py N Benchmarks/work/N`) with each binary in turn, `--clean`, into
`/dev/shm` so that the file system's cost of creating thousands of files (see README.md) does
not blur a difference between binaries. Prints each binary's median wall time with min and max.
Close other CPU-heavy work first.
"""
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    binaries, size, runs, extra = sys.argv[1].split(","), sys.argv[2], int(sys.argv[3]), sys.argv[4:]
    curriculum = os.path.join(ROOT, "Benchmarks", "work", size, "trellis")
    times = {binary: [] for binary in binaries}
    for _ in range(runs):
        for index, binary in enumerate(binaries):
            command = [binary, "build", "--clean", "--curriculum", curriculum, "--theme", os.path.join(ROOT, "Site"),
                       "--output", f"/dev/shm/trellis-ab-{index}", "--today", "2026-11-23", *extra]
            start = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times[binary].append(time.perf_counter() - start)
    for binary, values in times.items():
        print(f"{binary} N={size} {' '.join(extra)}: median {statistics.median(values) * 1000:.0f} ms "
              f"(min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f}, {runs} runs)")


if __name__ == "__main__":
    main()
