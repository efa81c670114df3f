#!/usr/bin/env python3
"""Benchmark rebuilds and the live preview (`trellis serve`).

    Benchmarks/serve_bench.py [--modules 1000] [--runs 5] [--trellis PATH] [--work DIR]
                              [--results Benchmarks/serve_results.md]

Generates a curriculum of --modules modules with Benchmarks/generate_curriculum.py (read,
not modified), copies it with the repository's Site/ theme into a work folder, and measures,
each as the median of --runs runs:

  cold build         `trellis build --clean` (both editions)
  no-change rebuild  `trellis build` right after a build, nothing changed
  one-body rebuild   `trellis build` after one module's body changed
  save -> reload     with `trellis serve --port 0` running and a page's event stream open
                     (/__trellis/events), the time from writing one module's body to the
                     Server-Sent Event that lists that module's page

Writes a Markdown report to --results and prints it. The binary defaults to the release
build (`swift build -c release --product trellis --static-swift-stdlib`, as Scripts/build-site builds it), built first if missing. Every server
it starts listens on 127.0.0.1 and is stopped (SIGINT) before the script ends.
"""

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(command, **kwargs):
    return subprocess.run(command, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def timed(command, cwd):
    start = time.perf_counter()
    run(command, cwd=cwd)
    return time.perf_counter() - start


def median_ms(values):
    return statistics.median(values) * 1000


def spread(values):
    return f"{min(values) * 1000:.0f}–{max(values) * 1000:.0f}"


def edit_body(path, marker):
    """Appends a sentence to the module's last paragraph, as a trainer saving a small edit would."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r"\n*\Z", f"\n\nA sentence added while benchmarking, edit {marker}.\n", text)
    # Written beside and renamed into place, as most editors save.
    temporary = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".saving")
    with open(temporary, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(temporary, path)


class EventStream:
    """A raw-socket client for the preview's Server-Sent Events (chunked HTTP/1.1)."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.sock.sendall(b"GET /__trellis/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
        self.buffer = b""
        self.text = ""
        head = self._read_until(b"\r\n\r\n")
        if b" 200 " not in head.split(b"\r\n")[0]:
            raise RuntimeError(f"event stream refused: {head!r}")

    def _read_until(self, marker):
        while marker not in self.buffer:
            data = self.sock.recv(65536)
            if not data:
                raise RuntimeError("event stream closed")
            self.buffer += data
        head, _, self.buffer = self.buffer.partition(marker)
        return head

    def next_event(self):
        """The next `build` event's data, as a dict."""
        while "\n\n" not in self.text:
            size_line = self._read_until(b"\r\n")
            size = int(size_line.strip(), 16)
            while len(self.buffer) < size + 2:
                data = self.sock.recv(65536)
                if not data:
                    raise RuntimeError("event stream closed")
                self.buffer += data
            self.text += self.buffer[:size].decode("utf-8")
            self.buffer = self.buffer[size + 2:]
        block, _, self.text = self.text.partition("\n\n")
        for line in block.split("\n"):
            if line.startswith("data: "):
                return json.loads(line[len("data: "):])
        return self.next_event()

    def close(self):
        self.sock.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--modules", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--trellis", default=os.path.join(ROOT, ".build", "release", "trellis"))
    parser.add_argument("--work", default=os.path.join(ROOT, "Benchmarks", "work", "serve"))
    parser.add_argument("--ready-line", default="Watching",
                        help="the start of the line `trellis serve` prints when it is ready for edits (\"Ready:\" for older binaries)")
    parser.add_argument("--results", default=os.path.join(ROOT, "Benchmarks", "serve_results.md"))
    args = parser.parse_args()

    trellis = os.path.abspath(args.trellis)
    if not os.path.exists(trellis):
        run(["swift", "build", "-c", "release", "--product", "trellis", "--static-swift-stdlib"], cwd=ROOT)
    generated = os.path.join(args.work, f"generated-{args.modules}")
    if not os.path.isdir(os.path.join(generated, "trellis")):
        run([sys.executable, os.path.join(ROOT, "Benchmarks", "generate_curriculum.py"), str(args.modules), generated])
    project = os.path.join(args.work, "project")
    # Old files are moved aside, not deleted, until the measurements are done: on an ext4 file
    # system without a journal, files created soon after many deletions are slow to create
    # (see Benchmarks/README.md), which would make every cold build look slower than it is.
    set_aside = os.path.join(args.work, "set-aside")
    if os.path.exists(set_aside):  # left by an interrupted run
        shutil.rmtree(set_aside)
        subprocess.run(["sync"])
        time.sleep(60)
    os.makedirs(set_aside)

    def move_aside(path):
        if os.path.exists(path):
            os.rename(path, os.path.join(set_aside, f"{len(os.listdir(set_aside))}"))

    move_aside(project)
    os.makedirs(project)
    shutil.copytree(os.path.join(generated, "trellis"), os.path.join(project, "Curriculum"))
    shutil.copytree(os.path.join(ROOT, "Site"), os.path.join(project, "Site"))
    modules = sorted(os.listdir(os.path.join(project, "Curriculum", "modules")))
    # Files older than the build stamp's "racily clean" window, as a trainer's files usually are.
    old = time.time() - 60
    for folder, _, files in os.walk(project):
        for name in files:
            os.utime(os.path.join(folder, name), (old, old))

    build = [trellis, "build", "--today", "2026-11-23"]
    cold = []
    for _ in range(args.runs):
        move_aside(os.path.join(project, "_site"))
        cold.append(timed(build + ["--clean"], project))
    timed(build, project)  # records the sources' digests as settled
    unchanged = [timed(build, project) for _ in range(args.runs)]
    body_edits = []
    for run_number in range(args.runs):
        edit_body(os.path.join(project, "Curriculum", "modules", modules[len(modules) // 2 + run_number]), f"build-{run_number}")
        body_edits.append(timed(build, project))

    # The preview: start it, open an event stream, then edit bodies and wait for each event.
    server = subprocess.Popen([trellis, "serve", "--port", "0", "--today", "2026-11-23"], cwd=project,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env=dict(os.environ, TRELLIS_TIMINGS="1"))
    try:
        port = None
        startup = []
        while port is None:
            line = server.stdout.readline()
            if not line:
                raise RuntimeError("trellis serve stopped:\n" + "".join(startup))
            startup.append(line)
            found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            if found:
                port = int(found.group(1))
        # Wait until the server watches the sources, as a trainer would start writing after
        # opening the page (--ready-line: binaries before 2026-12-04 then prepared a cache
        # for edits, and said "Ready:" when done).
        while args.ready_line not in line:
            line = server.stdout.readline()
            if not line:
                raise RuntimeError("trellis serve stopped:\n" + "".join(startup))
            startup.append(line)
        stream = EventStream(port)
        stream.next_event()  # the greeting
        latencies, server_lines = [], []
        for run_number in range(args.runs * 2):
            name = modules[run_number * 7 % len(modules)]
            page = "trainee/modules/" + name[:-3] + ".html"
            start = time.perf_counter()
            edit_body(os.path.join(project, "Curriculum", "modules", name), f"serve-{run_number}")
            while True:
                event = stream.next_event()
                if page in event["changed"] or event["all"]:
                    latencies.append(time.perf_counter() - start)
                    break
            # Then the whole-curriculum files, so the next edit starts on an idle server.
            while "trainee/manual.html" not in event["changed"] and not event["all"]:
                event = stream.next_event()
            server_lines.append(server.stdout.readline().strip())
            server_lines.append(server.stdout.readline().rstrip())  # its timings (TRELLIS_TIMINGS=1)
        stream.close()
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()

    cold_ms = median_ms(cold)
    report = f"""# `trellis build` rebuild and `trellis serve` benchmark

- Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}
- Machine: {os.cpu_count()} CPUs, {platform.system()} {platform.release()}; trellis release build
- Curriculum: {args.modules} modules from `Benchmarks/generate_curriculum.py {args.modules}` with the repository's `Site/`, both editions
- Command: `python3 Benchmarks/serve_bench.py --modules {args.modules} --runs {args.runs}`
- Each figure: median of {args.runs} runs (save → reload: {len(latencies)} edits), min–max in brackets, wall time in milliseconds.
- Before each cold build the previous output is moved aside, not deleted (deleting thousands of files first slows file creation on this machine's file system; see Benchmarks/README.md).

| measurement | median ms | range ms | ÷ cold build |
|---|---:|---:|---:|
| cold build (`trellis build --clean`) | {cold_ms:.0f} | {spread(cold)} | 1 |
| no-change rebuild (`trellis build`) | {median_ms(unchanged):.0f} | {spread(unchanged)} | {median_ms(unchanged) / cold_ms:.1%} |
| one module's body edited, then `trellis build` | {median_ms(body_edits):.0f} | {spread(body_edits)} | {median_ms(body_edits) / cold_ms:.1%} |
| `trellis serve`: save one module's body → reload event for its page | {median_ms(latencies):.0f} | {spread(latencies)} | {median_ms(latencies) / cold_ms:.1%} |

Targets at 200 modules: cold build ≤ 100 ms; no-change `trellis build` ≤ 50 ms; save → reload
event ≤ 100 ms.

The save → reload time runs from the write of the module file to the arrival of the
Server-Sent Event naming its page: inotify noticing the save (plus 10 ms for the editor to
finish writing), then a whole build — reading and checking the curriculum, rendering both
editions in memory, and rewriting the files whose bytes changed — which one event announces.
The server's own lines for these rebuilds (with `TRELLIS_TIMINGS=1`):

```
{chr(10).join(server_lines)}
```
"""
    shutil.rmtree(set_aside)
    with open(args.results, "w", encoding="utf-8") as f:
        f.write(report)
    print(report)


if __name__ == "__main__":
    main()
