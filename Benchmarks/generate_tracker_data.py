#!/usr/bin/env python3
"""Generates a tracker benchmark data set with a fixed seed (reproducible):
a curriculum with 40 competencies in 8 domains built by 20 modules, N trainees,
and an evidence CSV of M rows (module completions, knowledge checks, observed
practice, sign-offs, coaching sessions, continuing education) in the import format.

Usage: generate_tracker_data.py OUT_DIR [--trainees 10000] [--rows 1000000]
"""
import argparse
import os
import random

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("--trainees", type=int, default=10000)
p.add_argument("--rows", type=int, default=1000000)
args = p.parse_args()
rng = random.Random(20261123)
out = args.out
os.makedirs(f"{out}/Curriculum/modules", exist_ok=True)

domains = [f"domain-{d}" for d in range(8)]
competencies = [f"competency-{c:02d}" for c in range(40)]
modules = [f"module-{m:02d}" for m in range(20)]
builds = {m: competencies[2 * i:2 * i + 2] for i, m in enumerate(modules)}

with open(f"{out}/Curriculum/curriculum.yml", "w") as f:
    f.write("title: Tracker benchmark\ntracks:\n")
    for t in range(4):
        f.write(f"  - id: track-{t}\n    title: Track {t}\n    modules: [{', '.join(modules[5 * t:5 * t + 5])}]\n")
with open(f"{out}/Curriculum/competencies.yml", "w") as f:
    f.write("""title: Benchmark framework
scale:
  - {id: aware, name: Aware, description: Knows it.}
  - {id: practicing, name: Practicing, description: Practises it.}
  - {id: competent, name: Competent, description: Does it.}
  - {id: mentor, name: Mentor, description: Teaches it.}
progression:
  lapse_after_months: 24
  completion_level: competent
  levels:
    aware: {modules: any}
    practicing: {modules: all, knowledge_check_min_score: 70, observed_practice: practicing}
    competent: {modules: all, observed_practice: competent, supervisor_signoff: true}
    mentor: {modules: all, observed_practice: mentor, supervisor_signoff: true, coaching_sessions: 3}
domains:
""")
    for d, domain in enumerate(domains):
        f.write(f"  - id: {domain}\n    title: Domain {d}\n    competencies:\n")
        for c in competencies[5 * d:5 * d + 5]:
            f.write(f"      - {{id: {c}, title: Competency {c[-2:]}, description: A competency., indicators: [Shows it.]}}\n")
for m in modules:
    with open(f"{out}/Curriculum/modules/{m}.md", "w") as f:
        f.write(f"---\nid: {m}\ntitle: Module {m[-2:]}\nsummary: A module.\nduration: 60\n"
                f"competencies: [{', '.join(builds[m])}]\nobjectives: [Describe it.]\n---\n## Body\n\nText.\n")

trainees = [f"t{i:05d}" for i in range(args.trainees)]
with open(f"{out}/trainees.csv", "w") as f:
    f.write("id,name,cohort,site,supervisor,start_date,status\n")
    for i, t in enumerate(trainees):
        f.write(f"{t},Trainee {i},cohort-{i % 12},site-{i % 7},Supervisor {i % 40},2021-12-01,active\n")

levels = ["aware", "practicing", "competent", "mentor"]
kinds = ["module-completed"] * 20 + ["knowledge-check"] * 20 + ["observed-practice"] * 25 + \
        ["supervisor-signoff"] * 15 + ["coaching-session"] * 10 + ["continuing-education"] * 10
with open(f"{out}/evidence.csv", "w") as f:
    f.write("trainee,kind,about,date,score,level,observer,minutes,competencies,hours,topic,category,note\n")
    for row in range(args.rows):
        t = trainees[row % len(trainees)]
        kind = rng.choice(kinds)
        date = f"{rng.randint(2022, 2026)}-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}"
        about = score = level = observer = minutes = comps = hours = topic = category = ""
        if kind in ("module-completed", "knowledge-check"):
            about = rng.choice(modules)
            if kind == "knowledge-check":
                score = str(rng.randint(40, 100))
        elif kind in ("observed-practice", "supervisor-signoff"):
            about = "competency:" + rng.choice(competencies)
            observer = f"Coach {rng.randint(1, 30)}"
            if kind == "observed-practice":
                level = rng.choice(levels)
        elif kind == "coaching-session":
            observer = f"Coach {rng.randint(1, 30)}"
            minutes = str(rng.choice([30, 45, 60]))
            comps = ";".join(rng.sample(competencies, 2))
        else:
            hours = str(rng.choice([1, 1.5, 2, 3, 6]))
            topic = f"Course {rng.randint(1, 60)}"
            category = rng.choice(["ethics", "peer-support", "supervision", ""])
        # What coaches write: a note on every coaching session and on every other observation
        # (from the row number, so the other values stay those of the fixed seed).
        note = ""
        if kind == "coaching-session" or (kind == "observed-practice" and row % 2 == 0):
            note = f"Row {row}: practised open questions and reflective listening; next we plan the home visit together."
        f.write(f"{t},{kind},{about},{date},{score},{level},{observer},{minutes},{comps},{hours},{topic},{category},{note}\n")
print(f"wrote {out}: {len(trainees)} trainees, {args.rows} evidence rows, 40 competencies, 20 modules")
