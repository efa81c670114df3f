#!/usr/bin/env python3
"""Time the Trellis build against Hugo and the cmark-gfm floor (called by run.sh).

    bench.py --work DIR --trellis BIN --floor BIN --theme DIR --runs R N [N ...]

Expects DIR/<N>/{trellis,hugo,bare,stats.json} from generate_curriculum.py. For each N
and each command: prepare (move the outputs aside, see SET_ASIDE), one untimed warm-up run, then R timed
runs. Wall time is measured with time.perf_counter() around spawn-to-exit of the child
only (deleting outputs is not timed); CPU time and peak RSS of that child come from
wait4(2). Finally one extra run of each `trellis build` under `/usr/bin/time -v` gives
the peak RSS figure that is reported. Writes DIR/results.json and prints Markdown.

Other processes skew timings on a small machine, so each set of runs starts only once
other processes use < QUIET_CORES cores (waiting up to QUIET_WAIT seconds), and a set
during which they used more (measured from /proc/stat) is repeated, up to 3 times; the
least disturbed set is reported, with its disturbance figure.
"""

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

# The budgets of the simplification issue (2026-12-04); the 10,000-module time has no target.
HUGO_TARGETS = {1000: 0.6}  # N -> max Trellis (trainee) ÷ Hugo
FLOOR_TARGETS = {1000: 2.5}  # N -> max Trellis (trainee) ÷ cmark-gfm floor
COLD_BUILD_TARGETS = {200: 0.1}  # N -> max seconds for a first build of both editions
RSS_TARGET_MB = 1000
RSS_TARGET_N = 10000
QUIET_CORES = 0.25  # a set of runs during which other processes used more is repeated
QUIET_WAIT = float(os.environ.get("QUIET_WAIT", 900))  # seconds to wait for a quiet machine


def run_once(cmd, cwd):
    """Run cmd; return (wall seconds, cpu seconds, max RSS in KiB). Raises on failure."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            out.seek(0)
            sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{out.read().decode(errors='replace')}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def busy_cpu_seconds():
    """CPU seconds spent by everything on the machine (from /proc/stat), and by this process."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    own = os.times()
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK"), own.user + own.system


def other_load(seconds=2.0):
    """Cores used by other processes over a short window (this process is idle meanwhile)."""
    busy_start, _ = busy_cpu_seconds()
    time.sleep(seconds)
    busy_end, _ = busy_cpu_seconds()
    return (busy_end - busy_start) / seconds


def wait_until_quiet(limit=QUIET_CORES, patience=QUIET_WAIT):
    """Wait (up to `patience` seconds) until other processes use less than `limit` cores."""
    deadline = time.monotonic() + patience
    load = other_load()
    while load >= limit and time.monotonic() < deadline:
        print(f"    waiting: other processes are using {load:.2f} cores", file=sys.stderr, flush=True)
        time.sleep(8)
        load = other_load()
    return load


def measure_once(cmd, prepare, cwd, runs):
    prepare()
    run_once(cmd, cwd)  # warm-up: page cache, dynamic linking, Hugo's caches under /tmp
    walls, cpus, rss = [], [], []
    busy_start, own_start = busy_cpu_seconds()
    for _ in range(runs):
        prepare()
        wall, cpu, maxrss = run_once(cmd, cwd)
        walls.append(wall)
        cpus.append(cpu)
        rss.append(maxrss)
    busy_end, own_end = busy_cpu_seconds()
    # CPU used by other processes while the timed runs went on (should be close to 0).
    other = max(0.0, (busy_end - busy_start) - sum(cpus) - (own_end - own_start))
    return walls, cpus, rss, other / sum(walls)


def measure(name, cmd, prepare, cwd, runs):
    """Time `runs` runs on a quiet machine; a set disturbed by other processes is repeated (up to 3 times)."""
    attempts = []
    for _ in range(3):
        wait_until_quiet()
        attempts.append(measure_once(cmd, prepare, cwd, runs))
        if attempts[-1][3] < QUIET_CORES:
            break
        print(f"    disturbed (other processes used {attempts[-1][3]:.2f} cores); repeating", file=sys.stderr, flush=True)
    walls, cpus, rss, other = min(attempts, key=lambda attempt: attempt[3])
    result = {
        "name": name, "command": " ".join(cmd), "runs": runs, "wall": walls,
        "median": statistics.median(walls), "min": min(walls), "max": max(walls),
        "cpu_median": statistics.median(cpus), "rss_kib_max": max(rss),
        "other_cpu_share": other,
    }
    print(f"  {name:<28} median {result['median']:.3f} s  (min {result['min']:.3f}, max {result['max']:.3f}; "
          f"cpu {result['cpu_median']:.3f} s; rss {max(rss) / 1024:.0f} MiB; "
          f"other processes {result['other_cpu_share']:.2f} cores)", file=sys.stderr, flush=True)
    return result


def peak_rss_time_v(cmd, prepare, cwd):
    """Peak RSS in KiB as reported by GNU time's `Maximum resident set size`."""
    prepare()
    proc = subprocess.run(["/usr/bin/time", "-v"] + cmd, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"/usr/bin/time -v {' '.join(cmd)} failed:\n{proc.stderr}")
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    return int(match.group(1))


# Outputs are moved here before each run, not deleted, and deleted once all measurements
# are done. On an ext4 file system without a journal (this project's machine), Linux does not
# reuse an inode for 60 s after its file was deleted (360 s while its inode-table block is
# unwritten: `recently_deleted()` in fs/ext4/ialloc.c) and the allocator re-checks every such
# inode for each file it creates. Creating 10,000 files just after deleting 10,000 then costs
# seconds of kernel time that no first build on a real machine pays, and that grows with the
# square of the file count. Renaming the old output costs nothing of the sort.
SET_ASIDE = None
set_aside_count = 0


def set_aside(*paths):
    def prepare():
        global set_aside_count
        for path in paths:
            if os.path.lexists(path):
                set_aside_count += 1
                os.rename(path, os.path.join(SET_ASIDE, str(set_aside_count)))
    return prepare


def capture(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def environment(args):
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = "unknown"
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    commit = capture(["git", "-C", repo, "rev-parse", "--short", "HEAD"])
    dirty = capture(["git", "-C", repo, "status", "--porcelain", "--", "Sources", "Site", "Package.swift"])
    return {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "nproc": capture(["nproc"]), "cpu": cpu, "memory": mem, "kernel": platform.release(),
        "trellis": capture([args.trellis, "--version"]),
        "source": os.environ.get("TRELLIS_SOURCE") or (
            f"working tree at commit {commit}" + (", with uncommitted changes in Sources/ or Site/" if dirty.strip() else "")),
        "repo_state": f"HEAD {commit}" + (", uncommitted changes in Sources/ or Site/" if dirty.strip() else ", clean"),
        "hugo": capture(["hugo", "version"]).split(" BuildDate")[0],
        "cmark_gfm": capture(["pkg-config", "--modversion", "libcmark-gfm"]),
        "swift": capture(["swift", "--version"]).splitlines()[0] if shutil.which("swift") else "unknown",
        "python": platform.python_version(),
    }


def bench_n(n, args):
    base = os.path.join(args.work, str(n))
    with open(os.path.join(base, "stats.json")) as f:
        stats = json.load(f)
    cur, hugo, bare = (os.path.join(base, d) for d in ("trellis", "hugo", "bare"))
    out_trainee, out_both, out_floor = (os.path.join(base, d) for d in ("out-trainee", "out-both", "out-floor"))
    # --clean: the incremental cache (~/.cache/trellis) is not read, as in a first build; it is
    # still written, so its cost is measured. Hugo's cache (resources/) is deleted likewise.
    trellis = [args.trellis, "build", "--clean", "--curriculum", cur, "--theme", args.theme]
    trainee_cmd = trellis + ["--output", out_trainee, "--edition", "trainee"]
    both_cmd = trellis + ["--output", out_both]
    print(f"N={n}: {stats['modules']} modules, {stats['body_bytes'] / 1e6:.1f} MB of Markdown", file=sys.stderr)
    results = {
        "floor": measure("cmark-gfm floor", [args.floor, bare, out_floor], set_aside(out_floor), base, args.runs),
        "trainee": measure("trellis build --edition trainee", trainee_cmd, set_aside(out_trainee), base, args.runs),
        "both": measure("trellis build (both editions)", both_cmd, set_aside(out_both), base, args.runs),
        "check": measure("trellis check", [args.trellis, "check", "--curriculum", cur], lambda: None, base, args.runs),
        "hugo": measure("hugo --quiet", ["hugo", "--quiet"],
                        set_aside(os.path.join(hugo, "public"), os.path.join(hugo, "resources")), hugo, args.runs),
    }
    results["trainee"]["rss_kib_time_v"] = peak_rss_time_v(trainee_cmd, set_aside(out_trainee), base)
    results["both"]["rss_kib_time_v"] = peak_rss_time_v(both_cmd, set_aside(out_both), base)
    pages = {
        "trellis_trainee_html": sum(1 for _, _, files in os.walk(out_trainee) for f in files if f.endswith(".html")),
        "hugo_html": sum(1 for _, _, files in os.walk(os.path.join(hugo, "public")) for f in files if f.endswith(".html")),
    }
    return {"n": n, "stats": stats, "pages": pages, "results": results}


def fmt_s(x):
    return f"{x:.3f}" if x < 10 else f"{x:.2f}"


def verdict(ok):
    return "yes" if ok else "**no**"


def markdown(env, runs, per_n):
    lines = ["# Trellis build benchmark — results", "",
             f"- Date: {env['date']}",
             f"- Machine: {env['nproc']} CPUs ({env['cpu']}), {env['memory']} RAM, Linux {env['kernel']}",
             f"- Trellis {env['trellis']}, release build ({env['source']}; repository: {env['repo_state']}), {env['swift']}",
             f"- {env['hugo']}; cmark-gfm {env['cmark_gfm']} (Debian libcmark-gfm); Python {env['python']}",
             f"- 1-minute load average before / after the measurements: {env['load_before']} / {env['load_after']} "
             "(anything else running on the machine skews the figures).",
             f"- Each figure: median of {runs} timed runs after 1 untimed warm-up; outputs moved aside before every run "
             "(not timed; see Benchmarks/README.md); input files in the page cache.",
             "- Produced by `Benchmarks/run.sh " + " ".join(str(r["n"]) for r in per_n) + "`.", ""]
    lines += ["## Inputs", "",
              "| N | modules | tracks | Markdown bodies | body size min / median / max | Trellis pages (trainee) | Hugo pages |",
              "|---:|---:|---:|---:|---:|---:|---:|"]
    for r in per_n:
        s = r["stats"]
        lines.append(f"| {r['n']:,} | {s['modules']:,} | {s['tracks']} | {s['body_bytes'] / 1e6:.1f} MB "
                     f"({s['trellis_module_bytes'] / 1e6:.1f} MB with front matter) | "
                     f"{s['body_bytes_min'] / 1e3:.1f} / {s['body_bytes_median'] / 1e3:.1f} / {s['body_bytes_max'] / 1e3:.1f} KB | "
                     f"{r['pages']['trellis_trainee_html']:,} | {r['pages']['hugo_html']:,} |")
    lines += ["", "## Wall time (seconds)", "",
              "| N | cmark-gfm floor | trellis trainee | trellis both editions | hugo | trellis check only |",
              "|---:|---:|---:|---:|---:|---:|"]
    for r in per_n:
        x = r["results"]

        def cell(key):
            return f"{fmt_s(x[key]['median'])} ({fmt_s(x[key]['min'])}–{fmt_s(x[key]['max'])})"
        lines.append(f"| {r['n']:,} | {cell('floor')} | {cell('trainee')} | {cell('both')} | {cell('hugo')} | {cell('check')} |")
    lines += ["", "Median (min–max). Other processes' CPU use during each set of timed runs, in cores "
              "(0 = the machine was otherwise idle; see \"Reading the results\" in README.md):", "",
              "| N | floor | trellis trainee | trellis both | hugo | trellis check |", "|---:|---:|---:|---:|---:|---:|"]
    for r in per_n:
        x = r["results"]
        lines.append(f"| {r['n']:,} | " + " | ".join(f"{x[k]['other_cpu_share']:.2f}"
                                                     for k in ("floor", "trainee", "both", "hugo", "check")) + " |")
    lines += ["", "CPU time (user+sys, median) and CPU ÷ wall, which shows how much of the cores each tool used:", "",
              "| N | floor | trellis trainee | trellis both | hugo | trellis check |", "|---:|---:|---:|---:|---:|---:|"]
    for r in per_n:
        x = r["results"]
        lines.append(f"| {r['n']:,} | " + " | ".join(
            f"{fmt_s(x[k]['cpu_median'])} ({x[k]['cpu_median'] / x[k]['median']:.2f}×)"
            for k in ("floor", "trainee", "both", "hugo", "check")) + " |")
    lines += ["", "## Ratios, memory and targets", "",
              "| N | trellis trainee ÷ hugo | trellis both ÷ hugo | trellis trainee ÷ floor | trellis both ÷ floor "
              "| peak RSS trellis trainee | peak RSS trellis both | peak RSS hugo |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in per_n:
        x = r["results"]
        lines.append(
            f"| {r['n']:,} | {x['trainee']['median'] / x['hugo']['median']:.2f}× | {x['both']['median'] / x['hugo']['median']:.2f}× | "
            f"{x['trainee']['median'] / x['floor']['median']:.1f}× | {x['both']['median'] / x['floor']['median']:.1f}× | "
            f"{x['trainee']['rss_kib_time_v'] / 1024:.0f} MiB | {x['both']['rss_kib_time_v'] / 1024:.0f} MiB | "
            f"{x['hugo']['rss_kib_max'] / 1024:.0f} MiB |")
    lines += ["", "| Target | N | measured | met? |", "|---|---:|---:|:---:|"]
    for r in per_n:
        x = r["results"]
        n = r["n"]
        if n in COLD_BUILD_TARGETS:
            seconds = x["both"]["median"]
            lines.append(f"| trellis (both editions) first build ≤ {COLD_BUILD_TARGETS[n]:g} s | {n:,} | {seconds:.3f} s | "
                         f"{verdict(seconds <= COLD_BUILD_TARGETS[n])} |")
        if n in HUGO_TARGETS:
            ratio = x["trainee"]["median"] / x["hugo"]["median"]
            lines.append(f"| trellis (trainee) ≤ {HUGO_TARGETS[n]}× hugo | {n:,} | {ratio:.2f}× | {verdict(ratio <= HUGO_TARGETS[n])} |")
        if n in FLOOR_TARGETS:
            ratio = x["trainee"]["median"] / x["floor"]["median"]
            lines.append(f"| trellis (trainee) ≤ {FLOOR_TARGETS[n]:g}× cmark-gfm floor | {n:,} | {ratio:.2f}× | "
                         f"{verdict(ratio <= FLOOR_TARGETS[n])} |")
    for r in per_n:
        if r["n"] == RSS_TARGET_N:
            rss = r["results"]["both"]["rss_kib_time_v"] / 1024
            lines.append(f"| peak RSS of `trellis build` (both editions) ≤ 1 GB | {r['n']:,} | {rss:.0f} MiB | "
                         f"{verdict(rss * 1.048576 <= RSS_TARGET_MB)} |")
    lines += ["", "Peak RSS for Trellis is GNU time's \"Maximum resident set size\" from one extra run under "
              "`/usr/bin/time -v`; for Hugo it is the largest `ru_maxrss` of the timed runs. "
              "The floor renders each file once; the both-editions build renders each module twice.", ""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", required=True)
    parser.add_argument("--trellis", required=True)
    parser.add_argument("--floor", required=True)
    parser.add_argument("--theme", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--output", required=True, help="results.md to write")
    parser.add_argument("sizes", nargs="+", type=int)
    args = parser.parse_args()
    for key in ("work", "trellis", "floor", "theme"):
        setattr(args, key, os.path.abspath(getattr(args, key)))
    global SET_ASIDE
    SET_ASIDE = os.path.join(args.work, "set-aside")
    if os.path.exists(SET_ASIDE):  # left by an interrupted run
        shutil.rmtree(SET_ASIDE)
        print("  deleted the outputs an earlier run had set aside; waiting 60 s "
              "so that their inodes do not slow the first measurement", file=sys.stderr, flush=True)
        subprocess.run(["sync"])
        time.sleep(60)
    os.makedirs(SET_ASIDE)
    env = environment(args)
    env["load_before"] = open("/proc/loadavg").read().split()[0]
    per_n = [bench_n(n, args) for n in args.sizes]
    env["load_after"] = open("/proc/loadavg").read().split()[0]
    shutil.rmtree(SET_ASIDE)
    with open(os.path.join(args.work, "results.json"), "w") as f:
        json.dump({"environment": env, "runs": args.runs, "sizes": per_n}, f, indent=2)
    text = markdown(env, args.runs, per_n)
    with open(args.output, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
