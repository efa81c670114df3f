#!/usr/bin/env python3
"""Generate a deterministic synthetic curriculum for the Trellis build benchmark.

    generate_curriculum.py N OUTDIR [--seed SEED]

Writes, under OUTDIR:

    trellis/curriculum.yml, trellis/competencies.yml, trellis/modules/<id>.md
        a valid Trellis curriculum of N modules (ids, competencies, prerequisites,
        tracks and every link and anchor are consistent, so `trellis check` passes);
    hugo/config.toml, hugo/layouts/..., hugo/content/<track>/<id>.md
        the SAME Markdown bodies as a minimal Hugo site (front matter: title, weight);
    bare/<id>.md
        the same bodies with no front matter at all, for the cmark-gfm floor;
    stats.json
        module count, track count, byte totals.

The output depends only on N and the seed (Python's `random.Random` with a fixed seed
is stable across CPython versions for the calls used here).
"""

import argparse
import json
import os
import random

DEFAULT_SEED = 20251123

# --------------------------------------------------------------------------- vocabulary

SUBJECTS = [
    "The facilitator", "A new peer specialist", "Each trainee", "The parent", "Your supervisor",
    "The team", "A good coach", "The group", "An experienced peer", "The family",
    "Every participant", "The trainer", "A caseworker", "The youth partner", "Your co-facilitator",
]
VERBS = [
    "notices", "explains", "reflects on", "writes down", "asks about", "checks", "agrees on",
    "returns to", "plans", "summarises", "practises", "reviews", "shares", "listens for",
    "names", "builds", "records", "revisits", "clarifies", "supports",
]
OBJECTS = [
    "the next small step", "what the parent wants most", "the limits of the role",
    "a realistic goal", "the family's strengths", "the signed release", "the safety plan",
    "a quiet moment of silence", "the words the parent used", "the agency's policy",
    "a warm hand-off", "the shared agenda", "the timeline for follow-up", "a list of options",
    "the reasons behind a choice", "the feelings under the story", "a change of plan",
    "the boundaries of confidentiality", "the meeting notes", "a resource that fits",
]
ADJUNCTS = [
    "before the meeting ends", "without rushing", "in plain language", "at the first visit",
    "when the conversation stalls", "after a difficult call", "with the parent's consent",
    "during supervision", "in the parent's own words", "at each check-in",
    "when plans change", "before offering advice", "as the group warms up",
    "when a crisis passes", "over the following week", "in a short written note",
]
CONNECTIVES = [
    "This matters because", "In practice,", "Often,", "For example,", "As a rule,",
    "Even so,", "Over time,", "When in doubt,", "Most of the time,", "In the first weeks,",
]
CLAUSES = [
    "trust grows slowly and is easy to lose", "parents are the experts on their own lives",
    "small steps are easier to keep than big promises", "silence gives people room to think",
    "a clear role protects both the peer and the parent", "people remember how they were treated",
    "the same words can mean different things to different families",
    "a plan that the parent did not choose rarely lasts", "stress narrows what anyone can hear",
    "good records make the next visit easier", "support works best when it is asked for",
    "hope is easier to share than to explain",
]
EMPH = ["*{}*", "**{}**", "`{}`", "~~{}~~", "*{}*"]

TOPIC_ADJ = [
    "Active", "Reflective", "Practical", "Shared", "Safe", "Early", "Everyday", "Difficult",
    "Respectful", "Honest", "Steady", "Hopeful", "Clear", "Family", "Community", "Trauma informed",
    "Cultural", "Ethical", "Strengths based", "Collaborative", "Recovery oriented", "Person centred",
]
TOPIC_NOUN = [
    "listening", "goal setting", "boundaries", "documentation", "advocacy", "self care",
    "crisis response", "engagement", "motivation", "planning", "supervision", "referrals",
    "teamwork", "communication", "conflict", "consent", "follow up", "feedback", "storytelling",
    "decision making", "transitions", "resource linking", "home visits", "group work",
]
TOPIC_CONTEXT = [
    "with parents", "in home visits", "in groups", "at school meetings", "in court settings",
    "with youth", "with providers", "on the phone", "in the first session", "after a crisis",
    "across cultures", "in rural areas", "in shelters", "with grandparents", "in recovery",
]
HEADING_WORDS = [
    "Starting", "Opening", "Framing", "Naming", "Mapping", "Checking", "Choosing", "Closing",
    "Planning", "Practising", "Reviewing", "Sharing", "Holding", "Returning to", "Agreeing on",
    "Making sense of", "Working through", "Preparing for", "Listening for", "Asking about",
]
HEADING_OBJ = [
    "the conversation", "the goal", "the first visit", "the role", "strengths", "feelings",
    "next steps", "options", "the plan", "consent", "limits", "the agenda", "the family story",
    "resources", "a hard moment", "progress", "the handover", "difficult questions",
    "small wins", "the record", "silence", "disagreement", "choices", "supports",
]
CALLOUT_KINDS_EXTRA = ["SCENARIO", "REFLECT", "DISCUSS", "KEY-POINTS", "NOTE", "TIP",
                       "IMPORTANT", "WARNING", "CAUTION"]
DOMAINS = [
    ("relating", "Relating and engagement"), ("communicating", "Communication"),
    ("planning", "Planning and goals"), ("resources", "Resources and linking"),
    ("advocacy", "Advocacy"), ("ethics", "Ethics and boundaries"),
    ("safety", "Safety and crisis"), ("wellbeing", "Self-care and supervision"),
]
SKILLS = ["listening", "questioning", "reflecting", "recording", "reviewing", "modelling",
          "pacing", "framing", "closing", "following-up"]


# --------------------------------------------------------------------------- text builders

def sentence(rng):
    kind = rng.random()
    if kind < 0.55:
        s = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(ADJUNCTS)}."
    elif kind < 0.85:
        s = f"{rng.choice(CONNECTIVES)} {rng.choice(CLAUSES)}."
        s = s[0].upper() + s[1:]
    else:
        s = (f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}, "
             f"and {rng.choice(SUBJECTS).lower()} {rng.choice(VERBS)} {rng.choice(OBJECTS)}.")
    if rng.random() < 0.12:
        words = s.split(" ")
        i = rng.randrange(1, len(words) - 1)
        if words[i].isalpha():
            words[i] = rng.choice(EMPH).format(words[i])
        s = " ".join(words)
    return s


def paragraph(rng, lo=2, hi=5):
    return " ".join(sentence(rng) for _ in range(rng.randint(lo, hi)))


def short_item(rng):
    return f"{rng.choice(VERBS).capitalize()} {rng.choice(OBJECTS)} {rng.choice(ADJUNCTS)}."


def heading_text(rng, used):
    while True:
        text = f"{rng.choice(HEADING_WORDS)} {rng.choice(HEADING_OBJ)}"
        if text not in used:
            used.add(text)
            return text


def slug(text):
    # GitHub-style slug; heading texts here are ASCII letters and spaces only.
    return text.lower().replace(" ", "-")


# --------------------------------------------------------------------------- curriculum model

def plan_modules(n, rng, competencies):
    """Titles, headings, competencies, prerequisites and tracks for every module (no bodies yet)."""
    modules = []
    for i in range(n):
        title = f"{rng.choice(TOPIC_ADJ)} {rng.choice(TOPIC_NOUN)} {rng.choice(TOPIC_CONTEXT)}"
        mid = f"m{i + 1:05d}-" + "-".join(title.lower().replace("-", " ").split()[:3])
        used = {"Why this matters", "Knowledge check", "Observation checklist", "Key ideas"}
        sections = []
        for _ in range(rng.randint(2, 3)):
            h2 = heading_text(rng, used)
            subs = [heading_text(rng, used) for _ in range(rng.randint(1, 2))]
            sections.append((h2, subs))
        comps = [competencies[i % len(competencies)]]
        for _ in range(rng.randint(0, 2)):
            c = rng.choice(competencies)
            if c not in comps:
                comps.append(c)
        prereqs = []
        if i > 0 and rng.random() < 0.6:
            prereqs.append(rng.randint(max(0, i - 20), i - 1))
        modules.append({
            "index": i, "id": mid, "title": title[0].upper() + title[1:], "sections": sections,
            "competencies": comps, "prerequisites": prereqs,
            "duration": rng.choice([30, 45, 60, 75, 90, 120, 150]),
        })
    tracks = []
    start = 0
    while start < n:
        size = min(rng.randint(10, 50), n - start)
        tracks.append({
            "id": f"track-{len(tracks) + 1:03d}",
            "title": f"{rng.choice(TOPIC_ADJ)} {rng.choice(TOPIC_NOUN)}".capitalize(),
            "modules": list(range(start, start + size)),
        })
        start += size
    return modules, tracks


def callout(rng, kind, title=None):
    head = f"> [!{kind}]" + (f" {title}" if title else "")
    lines = [head]
    if kind == "KEY-POINTS":
        lines += [f"> - {short_item(rng)}" for _ in range(rng.randint(2, 4))]
    elif kind == "TRAINER-NOTE":
        lines.append(f"> **Timing:** about {rng.choice([5, 10, 15, 20])} minutes. {paragraph(rng, 2, 3)}")
        if rng.random() < 0.4:
            lines += [">", f"> {paragraph(rng, 1, 2)}"]
    else:
        lines.append(f"> {paragraph(rng, 1, 3)}")
    return "\n".join(lines)


def module_link(rng, target):
    """A link to another module: plain, or with an anchor to one of its real headings."""
    text = target["title"].lower()
    if rng.random() < 0.5:
        h2, subs = rng.choice(target["sections"])
        anchor = rng.choice([h2] + subs)
        return f"[{text}]({target['id']}.md#{slug(anchor)})"
    return f"[{text}]({target['id']}.md)"


def module_body(rng, module, modules):
    n = len(modules)
    parts = []
    footnotes = []

    # links to 2-3 other modules, spread through the body
    others = [j for j in rng.sample(range(n), min(n, 4)) if j != module["index"]][: rng.randint(2, 3)]
    links = [module_link(rng, modules[j]) for j in others]

    parts.append("## Why this matters")
    parts.append(paragraph(rng, 3, 5))
    parts.append(f"{paragraph(rng, 2, 3)} This module builds on {links[0]}.")
    parts.append(callout(rng, "TRAINER-NOTE", "Session plan"))
    if rng.random() < 0.5:
        parts.append(callout(rng, "REFLECT"))

    extras = rng.sample(CALLOUT_KINDS_EXTRA, rng.randint(1, 2))
    for s, (h2, subs) in enumerate(module["sections"]):
        parts.append(f"## {h2}")
        parts.append(paragraph(rng, 2, 4))
        for k, h3 in enumerate(subs):
            parts.append(f"### {h3}")
            text = paragraph(rng, 2, 5)
            if rng.random() < 0.12:
                number = len(footnotes) + 1
                text += f"[^{number}]"
                footnotes.append(f"[^{number}]: {rng.choice(SUBJECTS)} guide, {rng.randint(2005, 2025)}.")
            parts.append(text)
            shape = (s + k + module["index"]) % 3
            if shape == 0:
                parts.append("\n".join(f"- {short_item(rng)}" for _ in range(rng.randint(3, 5))))
            elif shape == 1:
                parts.append("\n".join(f"{i + 1}. {short_item(rng)}" for i in range(rng.randint(3, 5))))
            else:
                parts.append(paragraph(rng, 2, 3))
        if s == 0:
            rows = rng.randint(3, 5)
            table = ["| Situation | What to try | Why |", "| --- | --- | --- |"]
            for _ in range(rows):
                table.append(f"| {rng.choice(OBJECTS).capitalize()} | {short_item(rng)} | "
                             f"{rng.choice(CLAUSES).capitalize()} |")
            parts.append("\n".join(table))
        if s == 1 and len(links) > 1:
            parts.append(f"For more on this, see {links[1]}. {paragraph(rng, 1, 2)}")
        if s < len(extras):
            kind = extras[s]
            title = rng.choice(HEADING_OBJ).capitalize() if kind == "SCENARIO" else None
            parts.append(callout(rng, kind, title))

    parts.append("## Knowledge check")
    parts.append("\n".join(f"{i + 1}. What {rng.choice(VERBS)} {rng.choice(OBJECTS)}?"
                           for i in range(rng.randint(2, 4))))
    parts.append(callout(rng, "TRAINER-NOTE", "Answers"))

    parts.append("## Observation checklist")
    parts.append("\n".join(f"- [{'x' if rng.random() < 0.3 else ' '}] {short_item(rng)}"
                           for _ in range(rng.randint(3, 5))))
    if len(links) > 2:
        parts.append(f"Next, go on to {links[2]}. See also https://example.org/guides/{module['index'] % 97}.")
    parts.append(callout(rng, "KEY-POINTS"))
    parts.extend(footnotes)
    return "\n\n".join(parts) + "\n"


# --------------------------------------------------------------------------- writers

def yaml_str(s):
    return json.dumps(s)  # JSON strings are valid YAML double-quoted scalars


WRITTEN = set()


def write(path, text):
    """Writes `path` unless it already holds exactly `text`."""
    WRITTEN.add(os.path.abspath(path))
    data = text.encode("utf-8")
    try:
        with open(path, "rb") as f:
            if f.read() == data:
                return
    except OSError:
        pass
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def remove_unwritten(root):
    """Deletes what an earlier generation left under `root` that this one did not write.

    The inputs are updated in place rather than deleted and written again: on a file system
    that delays reusing deleted inodes (see Benchmarks/README.md), deleting tens of thousands
    of files just before the first measurement slows every tool's file creation for minutes.
    """
    for folder, dirs, files in os.walk(root, topdown=False):
        for name in files:
            path = os.path.abspath(os.path.join(folder, name))
            if path not in WRITTEN:
                os.remove(path)
        if not os.listdir(folder):
            os.rmdir(folder)


def competencies_yml(rng):
    lines = ["title: Benchmark competency framework", 'version: "1.0"', "scale:",
             "  - id: aware", "    name: Aware", "    description: Knows what it is.",
             "  - id: competent", "    name: Competent", "    description: Does it reliably.",
             "domains:"]
    ids = []
    for did, dtitle in DOMAINS:
        lines += [f"  - id: {did}", f"    title: {yaml_str(dtitle)}", "    competencies:"]
        for skill in rng.sample(SKILLS, 5):
            cid = f"{did}-{skill}"
            ids.append(cid)
            lines += [f"      - id: {cid}",
                      f"        title: {yaml_str(skill.replace('-', ' ').capitalize() + ' in ' + dtitle.lower())}",
                      f"        description: {yaml_str(sentence(rng))}",
                      "        indicators:"]
            lines += [f"          - {yaml_str(short_item(rng))}" for _ in range(2)]
    return "\n".join(lines) + "\n", ids


HUGO_CONFIG = """baseURL = "http://example.org/"
title = "Benchmark Training"
disableKinds = ["taxonomy", "term", "RSS", "sitemap"]

[markup.goldmark.renderer]
  unsafe = false
"""

HUGO_BASEOF = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ .Title }} · {{ .Site.Title }}</title></head>
<body>
{{ block "main" . }}{{ end }}
</body>
</html>
"""

HUGO_SINGLE = """{{ define "main" }}
<main>
<h1>{{ .Title }}</h1>
{{ .Content }}
<nav>
{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
</nav>
</main>
{{ end }}
"""

HUGO_LIST = """{{ define "main" }}
<main>
<h1>{{ .Title }}</h1>
<ol>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}
</ol>
</main>
{{ end }}
"""

HUGO_INDEX = """{{ define "main" }}
<main>
<h1>{{ .Site.Title }}</h1>
<ul>
{{ range .Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> ({{ len .Pages }} modules)</li>
{{ end }}
</ul>
</main>
{{ end }}
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, help="number of modules")
    parser.add_argument("outdir")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args()
    if args.n < 4:
        parser.error("N must be at least 4")

    rng = random.Random(args.seed)

    comp_text, comp_ids = competencies_yml(rng)
    modules, tracks = plan_modules(args.n, rng, comp_ids)
    track_of = {}
    for t in tracks:
        for position, i in enumerate(t["modules"]):
            track_of[i] = (t, position)

    trellis = os.path.join(args.outdir, "trellis")
    hugo = os.path.join(args.outdir, "hugo")
    bare = os.path.join(args.outdir, "bare")
    write(os.path.join(trellis, "competencies.yml"), comp_text)

    cur = ["title: Benchmark Training", "organization: Trellis benchmark",
           f"description: A synthetic curriculum of {args.n} modules (seed {args.seed}).", "tracks:"]
    for t in tracks:
        cur += [f"  - id: {t['id']}", f"    title: {yaml_str(t['title'])}", "    modules:"]
        cur += [f"      - {modules[i]['id']}" for i in t["modules"]]
    write(os.path.join(trellis, "curriculum.yml"), "\n".join(cur) + "\n")

    write(os.path.join(hugo, "config.toml"), HUGO_CONFIG)
    write(os.path.join(hugo, "layouts", "_default", "baseof.html"), HUGO_BASEOF)
    write(os.path.join(hugo, "layouts", "_default", "single.html"), HUGO_SINGLE)
    write(os.path.join(hugo, "layouts", "_default", "list.html"), HUGO_LIST)
    write(os.path.join(hugo, "layouts", "index.html"), HUGO_INDEX)
    write(os.path.join(hugo, "content", "_index.md"), '---\ntitle: "Benchmark Training"\n---\n')
    for t in tracks:
        write(os.path.join(hugo, "content", t["id"], "_index.md"),
              f"---\ntitle: {yaml_str(t['title'])}\n---\n")

    body_bytes = trellis_bytes = hugo_bytes = 0
    sizes = []
    for m in modules:
        body = module_body(rng, m, modules)
        raw = body.encode("utf-8")
        body_bytes += len(raw)
        sizes.append(len(raw))
        objectives = [short_item(rng) for _ in range(rng.randint(2, 4))]
        fm = ["---", f"id: {m['id']}", f"title: {yaml_str(m['title'])}",
              f"summary: {yaml_str(sentence(rng))}", f"duration: {m['duration']}",
              f"competencies: [{', '.join(m['competencies'])}]",
              f"prerequisites: [{', '.join(modules[p]['id'] for p in m['prerequisites'])}]",
              "objectives:"] + [f"  - {yaml_str(o)}" for o in objectives] + ["---", ""]
        trellis_text = "\n".join(fm) + body
        write(os.path.join(trellis, "modules", m["id"] + ".md"), trellis_text)
        trellis_bytes += len(trellis_text.encode("utf-8"))
        track, position = track_of[m["index"]]
        hugo_text = f"---\ntitle: {yaml_str(m['title'])}\nweight: {position + 1}\n---\n" + body
        write(os.path.join(hugo, "content", track["id"], m["id"] + ".md"), hugo_text)
        hugo_bytes += len(hugo_text.encode("utf-8"))
        write(os.path.join(bare, m["id"] + ".md"), body)

    sizes.sort()
    stats = {
        "modules": args.n, "tracks": len(tracks), "competencies": len(comp_ids), "seed": args.seed,
        "body_bytes": body_bytes, "trellis_module_bytes": trellis_bytes, "hugo_content_bytes": hugo_bytes,
        "body_bytes_min": sizes[0], "body_bytes_median": sizes[len(sizes) // 2], "body_bytes_max": sizes[-1],
    }
    write(os.path.join(args.outdir, "stats.json"), json.dumps(stats, indent=2) + "\n")
    # Not hugo/public or hugo/resources: Hugo's output, which bench.py moves aside itself.
    for sub in ("trellis", "hugo/content", "hugo/layouts", "bare"):
        remove_unwritten(os.path.join(args.outdir, sub))
    print(json.dumps(stats))


if __name__ == "__main__":
    main()
