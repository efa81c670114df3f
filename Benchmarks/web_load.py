#!/usr/bin/env python3
"""Load benchmark of the web tracker (`trellis tracker serve`) on loopback.

Builds a program with a fixed seed (generate_tracker_data.py: 10,000 trainees, 1,000,000 evidence
rows), imports it into a fresh database, creates one coach account per client, each assigned
`--per-coach` trainees, sets their passwords and signs them in through the real forms. Then
`--clients` concurrent signed-in clients (threads, each with its own keep-alive connection and
session) run three phases of `--seconds` each:

  trainee   GET /trainees/ID            one assigned trainee's transcript page
  dashboard GET /trainees               the coach's cohort dashboard (progress of all assigned)
  record    POST /trainees/ID/observation   observed practice, with the form token

Every request includes the session lookup and touch and the audit entry it causes. Reports
requests, throughput, p50/p99/max latency and errors per phase, and the server's resident memory
each second (first, last, peak), and writes the table to Benchmarks/web_results.md.

Usage:
  swift build -c release --product trellis --static-swift-stdlib --scratch-path .build-release
  python3 Benchmarks/web_load.py --bin .build-release/release/trellis [--trainees 10000 --rows 1000000
                                 --clients 50 --per-coach 50 --seconds 40]
"""
import argparse
import datetime
import http.client
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PASSWORD = "benchmark kettle morning river"

p = argparse.ArgumentParser()
p.add_argument("--bin", required=True)
p.add_argument("--trainees", type=int, default=10000)
p.add_argument("--rows", type=int, default=1000000)
p.add_argument("--clients", type=int, default=50)
p.add_argument("--per-coach", type=int, default=50)
p.add_argument("--seconds", type=float, default=40)
args = p.parse_args()
binary = os.path.abspath(args.bin)
work = os.path.join(HERE, "work", f"tracker-{args.trainees}-{args.rows}")
curriculum = os.path.join(work, "Curriculum")
if not os.path.exists(os.path.join(work, "evidence.csv")):
    subprocess.run([sys.executable, os.path.join(HERE, "generate_tracker_data.py"), work, "--trainees", str(args.trainees),
                    "--rows", str(args.rows)], check=True, stdout=subprocess.DEVNULL)
db_dir = os.path.join(work, "web")
shutil.rmtree(db_dir, ignore_errors=True)
os.makedirs(db_dir, mode=0o700)
db = os.path.join(db_dir, "tracker.sqlite")
env = {**os.environ, "TRELLIS_DB": db, "TRELLIS_USER": "benchmark"}


def trellis(*arguments):
    result = subprocess.run([binary, *arguments], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"trellis {' '.join(arguments[:3])} failed: {result.stderr}")
    return result.stdout


started = time.time()
trellis("tracker", "init")
trellis("import", os.path.join(work, "trainees.csv"), "--curriculum", curriculum)
trellis("import", os.path.join(work, "evidence.csv"), "--curriculum", curriculum)
with open(os.path.join(work, "trainees.csv")) as f:
    trainee_ids = [line.split(",")[0] for line in f.read().splitlines()[1:]]
with open(os.path.join(curriculum, "competencies.yml")) as f:
    competency_ids = sorted(set(re.findall(r"\b(competency-\d+)\b", f.read())))
coaches = []
for number in range(args.clients):
    login = f"coach{number:02d}"
    link = re.search(r"/password\?token=(\S+)", trellis("user", "add", login, "--name", f"Coach {number}", "--role", "coach")).group(1)
    assigned = trainee_ids[number * args.per_coach:(number + 1) * args.per_coach]
    trellis("user", "assign", login, *sum((["--trainee", t] for t in assigned), []))
    coaches.append((login, link, assigned))
print(f"set-up: {args.trainees} trainees, {args.rows} evidence rows, {args.clients} coaches in {time.time() - started:.0f} s", flush=True)

server = subprocess.Popen([binary, "tracker", "serve", "--curriculum", curriculum, "--port", "0"], env=env,
                          stdout=subprocess.PIPE, stderr=open(os.path.join(db_dir, "server-stderr.log"), "w"), text=True)
line = server.stdout.readline()
port = int(re.search(r":(\d+)/", line).group(1))
# The server's log, drained so that it never blocks on a full pipe; printed if a phase has errors.
server_log = []
threading.Thread(target=lambda: server_log.extend(server.stdout), daemon=True).start()


class Client:
    """One browser: a keep-alive connection, its cookies and the page's form token."""

    def __init__(self):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies = {}
        self.csrf = None

    def request(self, method, path, fields=None):
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields + [("_csrf", self.csrf or "")])
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";")[0]
            if "Max-Age=0" in header or not value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        match = re.search(r'name="_csrf" value="([^"]+)"', text)
        if match:
            self.csrf = match.group(1)
        return response.status, text


clients = []
for login, link, assigned in coaches:
    client = Client()
    client.request("GET", f"/password?token={link}")
    status, _ = client.request("POST", "/password", [("token", link), ("password", PASSWORD), ("confirm", PASSWORD)])
    assert status == 200, f"set password for {login}: {status}"
    client.request("GET", "/sign-in")
    status, _ = client.request("POST", "/sign-in", [("login", login), ("password", PASSWORD)])
    assert status == 303, f"sign in {login}: {status}"
    status, _ = client.request("GET", "/trainees")
    assert status == 200
    clients.append((client, assigned))

memory = []
stop_memory = threading.Event()


def sample_memory():
    while not stop_memory.is_set():
        with open(f"/proc/{server.pid}/status") as f:
            memory.append(int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1)) / 1024)
        time.sleep(1)


threading.Thread(target=sample_memory, daemon=True).start()


def phase(name, action, expected):
    latencies, errors = [], []
    lock = threading.Lock()
    deadline = time.time() + args.seconds

    def run(client, assigned, seed):
        rng = random.Random(seed)
        mine, bad = [], []
        while time.time() < deadline:
            trainee = rng.choice(assigned)
            start = time.perf_counter()
            try:
                status, _ = action(client, trainee, rng)
            except (http.client.HTTPException, OSError) as error:
                status = type(error).__name__
                client.connection.close()
            mine.append(time.perf_counter() - start)
            if status != expected:
                bad.append(status)
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=run, args=(c, a, n)) for n, (c, a) in enumerate(clients)]
    begun = time.time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.time() - begun
    latencies.sort()

    def at(q):
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000

    if errors:
        print(f"{name}: errors {sorted(set(map(str, errors)))}; the server's last lines:\n" + "".join(server_log[-20:]), flush=True)
    row = (name, len(latencies), len(latencies) / elapsed, at(0.5), at(0.99), latencies[-1] * 1000, len(errors))
    print(f"{name}: {row[1]} requests, {row[2]:.0f}/s, p50 {row[3]:.1f} ms, p99 {row[4]:.1f} ms, max {row[5]:.1f} ms, errors {row[6]}",
          flush=True)
    return row


def observe(client, trainee, rng):
    return client.request("POST", f"/trainees/{trainee}/observation",
                          [("date", datetime.date.today().isoformat()), ("competency", rng.choice(competency_ids)),
                           ("level", "practicing"), ("note", "benchmark observation")])


rows = [
    phase("trainee page (GET /trainees/ID)", lambda c, t, r: c.request("GET", f"/trainees/{t}"), 200),
    phase(f"dashboard of {args.per_coach} (GET /trainees)", lambda c, t, r: c.request("GET", "/trainees"), 200),
    phase("record observation (POST)", observe, 303),
]
stop_memory.set()
server.terminate()
exit_status = server.wait(timeout=60)

commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
table = [
    f"Web tracker load, {now}, commit {commit}: {args.trainees:,} trainees, {args.rows:,} evidence rows, "
    f"{args.clients} signed-in clients on loopback, {args.seconds:.0f} s per phase "
    f"(`python3 Benchmarks/web_load.py --bin {args.bin}`).",
    "",
    "| phase | requests | per second | p50 ms | p99 ms | max ms | errors |",
    "|---|---:|---:|---:|---:|---:|---:|",
] + [f"| {r[0]} | {r[1]:,} | {r[2]:.0f} | {r[3]:.1f} | {r[4]:.1f} | {r[5]:.1f} | {r[6]} |" for r in rows] + [
    "",
    f"Server memory (RSS): {memory[0]:.0f} MiB at the start of the load, {memory[-1]:.0f} MiB at the end, "
    f"{max(memory):.0f} MiB at most, over {len(memory)} s. SIGTERM: exit status {exit_status}.",
]
print("\n".join(table))
with open(os.path.join(HERE, "web_results.md"), "w") as f:
    f.write("\n".join(table) + "\n")
