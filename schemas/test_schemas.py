"""Tests for the JSON Schemas in schemas/ (editor support for a curriculum's YAML files).

Run with Scripts/test-schemas. The schemas must accept every file `trellis check` accepts and
reject the field-level errors it reports, so this suite

- validates the shipped curriculum (Curriculum/), the test fixture (Tests/Fixtures/valid/) and
  what `trellis init` and `trellis new module` write;
- checks that each bad example (one field-level error each) is rejected, and each edge case that
  trellis accepts (a single SAMHSA number, `yes` for true, a number as text…) is accepted;
- when a built trellis exists (TRELLIS_BIN, else .build/debug/trellis), runs `trellis check` on
  the same examples, so the schemas and the parser cannot drift apart unnoticed.

YAML is read with yaml.safe_load. PyYAML reads YAML 1.1, as trellis's parser (Yams) does, but it
builds dates and integer keys where trellis and the schemas see text: `to_json` turns them back.
"""

import datetime
import json
import os
import subprocess
from pathlib import Path
from typing import NamedTuple

import pytest
import yaml
from jsonschema import Draft7Validator

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"
SCHEMA_NAMES = ["curriculum", "competencies", "credentials", "module"]
TRELLIS = Path(os.environ.get("TRELLIS_BIN") or ROOT / ".build" / "debug" / "trellis")

needs_trellis = pytest.mark.skipif(
    not (TRELLIS.is_file() and os.access(TRELLIS, os.X_OK)),
    reason=f"no trellis binary at {TRELLIS} (build it, or set TRELLIS_BIN)",
)


def load_schema(name):
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))


VALIDATORS = {name: Draft7Validator(load_schema(name)) for name in SCHEMA_NAMES}


def schema_for(relative_path):
    """The schema of a file in a curriculum folder, by its path relative to that folder."""
    path = Path(relative_path)
    if path.parent.name == "modules" and path.suffix == ".md":
        return "module"
    return {"curriculum.yml": "curriculum", "competencies.yml": "competencies", "credentials.yml": "credentials"}[path.name]


# MARK: - Reading files as trellis does


def front_matter(text):
    """The YAML between the `---` lines at the top of a module, as FrontMatter.split finds it; None without."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines[0] != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].strip(" \t") in ("---", "..."):
            return "\n".join(lines[1:index])
    return None


def key_text(key):
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, (datetime.date, datetime.datetime)):
        return key.isoformat()
    if key is None:
        return ""
    return str(key)


def to_json(value):
    """PyYAML's value as the schemas see it: dates as YYYY-MM-DD text, every key as text
    (samhsa_categories' numbers included)."""
    if isinstance(value, dict):
        return {key_text(key): to_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [to_json(item) for item in value]
    if isinstance(value, (datetime.date, datetime.datetime)):  # a datetime is a date too
        return value.isoformat()
    return value


def document(relative_path, text):
    if schema_for(relative_path) == "module":
        yaml_text = front_matter(text)
        assert yaml_text is not None, f"{relative_path} has no front matter"
        text = yaml_text
    return to_json(yaml.safe_load(text))


def schema_errors(relative_path, text):
    return list(VALIDATORS[schema_for(relative_path)].iter_errors(document(relative_path, text)))


def describe(errors):
    return "\n".join(f"  {'/'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}" for error in errors)


def curriculum_files(folder):
    """Every file of a curriculum folder that a schema describes, relative to the folder."""
    files = [name for name in ("curriculum.yml", "competencies.yml", "credentials.yml") if (folder / name).is_file()]
    modules = sorted(path.name for path in (folder / "modules").glob("*.md")
                     if not path.name.startswith((".", "_")))
    return files + [f"modules/{name}" for name in modules]


# MARK: - The schemas themselves


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_is_valid_draft_07(name):
    schema = load_schema(name)
    Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["$id"] == f"https://trellis.invalid/schemas/{name}.schema.json"
    assert schema["title"] and schema["description"]


def undocumented_properties(node, path=""):
    """Properties without a description (the text editors show on hover); `if`/`else` only constrain."""
    missing = []
    if isinstance(node, dict):
        for name, property_schema in node.get("properties", {}).items():
            if not (isinstance(property_schema, dict) and property_schema.get("description")):
                missing.append(f"{path}/{name}")
        for key, child in node.items():
            if key not in ("if", "then", "else"):
                missing += undocumented_properties(child, f"{path}/{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            missing += undocumented_properties(child, f"{path}/{index}")
    return missing


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_property_has_a_description(name):
    assert undocumented_properties(load_schema(name)) == []


# MARK: - Real curricula


SHIPPED = [("Curriculum", path) for path in curriculum_files(ROOT / "Curriculum")]
FIXTURE = [("Tests/Fixtures/valid", path) for path in curriculum_files(ROOT / "Tests" / "Fixtures" / "valid")]


def test_real_curricula_are_all_there():
    """Guards the parametrized tests below against passing because they found no files."""
    for files in (SHIPPED, FIXTURE):
        paths = [path for _, path in files]
        assert {"curriculum.yml", "competencies.yml", "credentials.yml"} <= set(paths)
        assert any(path.startswith("modules/") for path in paths)


@pytest.mark.parametrize("folder, path", SHIPPED + FIXTURE, ids=[f"{folder}/{path}" for folder, path in SHIPPED + FIXTURE])
def test_real_curriculum_file_is_valid(folder, path):
    text = (ROOT / folder / path).read_text(encoding="utf-8")
    errors = schema_errors(path, text)
    assert not errors, f"{folder}/{path}:\n{describe(errors)}"


# What `trellis init` writes (--ci none) and `trellis new module family-meetings` adds.
INIT_FILES = ["curriculum.yml", "competencies.yml", "modules/family-meetings.md", "modules/welcome.md"]


@pytest.fixture(scope="module")
def scaffold(tmp_path_factory):
    """A curriculum as `trellis init` writes it, plus a module from `trellis new module`."""
    directory = tmp_path_factory.mktemp("init") / "training"
    subprocess.run([str(TRELLIS), "init", str(directory), "--ci", "none"], check=True, capture_output=True, text=True)
    subprocess.run([str(TRELLIS), "new", "module", "family-meetings", "--title", "Family meetings",
                    "--curriculum", str(directory / "Curriculum")], check=True, capture_output=True, text=True)
    return directory / "Curriculum"


@needs_trellis
def test_init_writes_every_file_a_schema_describes(scaffold):
    written = curriculum_files(scaffold)
    assert written == INIT_FILES, f"trellis init now writes {written}: list them in INIT_FILES"


@needs_trellis
@pytest.mark.parametrize("path", INIT_FILES)
def test_init_file_is_valid(scaffold, path):
    errors = schema_errors(path, (scaffold / path).read_text(encoding="utf-8"))
    assert not errors, f"{path} as trellis init writes it:\n{describe(errors)}"


# MARK: - Examples: a small valid curriculum, and one-field changes to it


BASE = {
    "curriculum.yml": """\
title: Test Training
organization: Test Program
tracks:
  - id: basics
    title: Basics
    modules: [welcome]
schedule:
  - day: Day 1
    focus: Everything
    tracks: [basics]
""",
    "competencies.yml": """\
title: Test Framework
version: "1.0"
scale:
  - id: aware
    name: Aware
    description: Knows what it is.
  - id: competent
    name: Competent
    description: Does it reliably.
progression:
  lapse_after_months: 24
  completion_level: competent
  renewal:
    ethics: [listening-well]
  levels:
    aware:
      modules: any
    competent:
      modules: all
      knowledge_check_min_score: 70
      observed_practice: competent
      observations_min: 2
      observers_min: 2
      coaching_sessions: 1
completion:
  - id: program
    title: The program
    competencies: all
    field_hours_min: 40
domains:
  - id: relating
    title: Relating
    competencies:
      - id: listening-well
        title: Listens well
        description: Listens without judgement.
        indicators:
          - Reflects feelings back.
        samhsa: [1]
        rubric:
          aware: Names two ways to show someone they were heard.
          competent: Reflects feelings back without prompts.
""",
    "credentials.yml": """\
credentials:
  - id: yearly-10
    title: Yearly renewal, 10 hours including 2 ethics
    period_months: 12
    anchor: 2026-01-01
    total_hours: 10
    minimum_hours: {ethics: 2}
    no_double_credit: true
""",
    "modules/welcome.md": """\
---
id: welcome
title: Welcome
summary: What the training is for and how it works.
duration: 90
competencies: [listening-well]
prerequisites: []
objectives:
  - Describe what the training is for.
updated: 2026-01-15
review_by: 2099-01-15
---

## Why this matters

The training starts here.
""",
}


class Case(NamedTuple):
    name: str
    files: dict  # relative path → the file's whole text
    field: str = ""  # the field the schema's errors (and trellis's) must name
    says: str = ""  # what trellis's error says, when not the field's name


def edit(path, old, new, count=1):
    text = BASE[path]
    assert text.count(old) == count, f"{old!r} is not in the base {path} {count} time(s)"
    return text.replace(old, new)


def change(name, path, old, new, field, says="", count=1):
    return Case(name, {path: edit(path, old, new, count)}, field, says)


MODULE, MANIFEST, FRAMEWORK, CREDENTIALS = "modules/welcome.md", "curriculum.yml", "competencies.yml", "credentials.yml"
TRACKS = """tracks:
  - id: basics
    title: Basics
    modules: [welcome]
"""
SCHEDULE = """schedule:
  - day: Day 1
    focus: Everything
    tracks: [basics]
"""

# Each has one field-level error that `trellis check` reports.
BAD = [
    # Module front matter
    change("duration in words", MODULE, "duration: 90", "duration: ninety", "duration"),
    change("duration 0", MODULE, "duration: 90", "duration: 0", "duration"),
    change("duration over a day", MODULE, "duration: 90", "duration: 1441", "duration"),
    change("duration with a fraction", MODULE, "duration: 90", "duration: 90.5", "duration"),
    change("duration quoted", MODULE, "duration: 90", 'duration: "90"', "duration"),
    change("objectives as a single string", MODULE, "objectives:\n  - Describe what the training is for.",
           "objectives: Describe what the training is for.", "objectives"),
    change("objectives empty", MODULE, "objectives:\n  - Describe what the training is for.", "objectives: []", "objectives"),
    change("title missing", MODULE, "title: Welcome\n", "", "title"),
    change("summary empty", MODULE, "summary: What the training is for and how it works.", 'summary: ""', "summary"),
    change("title a list", MODULE, "title: Welcome", "title: [Welcome, Hello]", "title"),
    # Unquoted, PyYAML cannot build this date at all (yaml.safe_load raises); editors read it as
    # text. trellis reads the quoted and the unquoted forms the same way.
    change("review_by month 13", MODULE, "review_by: 2099-01-15", 'review_by: "2027-13-01"', "review_by"),
    change("updated February 30", MODULE, "updated: 2026-01-15", 'updated: "2027-02-30"', "updated"),
    change("updated as words", MODULE, "updated: 2026-01-15", "updated: last spring", "updated"),
    change("module id capitalized", MODULE, "id: welcome", "id: Engage", "id", says="not a valid id"),
    change("competencies missing", MODULE, "competencies: [listening-well]\n", "", "competencies"),
    change("prerequisites a single string", MODULE, "prerequisites: []", "prerequisites: intro", "prerequisites"),
    change("competency in a module a mapping", MODULE, "competencies: [listening-well]",
           "competencies: [{id: listening-well}]", "competencies"),
    # curriculum.yml
    change("tracks missing", MANIFEST, TRACKS, "", "tracks"),
    change("track without title", MANIFEST, "    title: Basics\n", "", "title"),
    change("track modules a single string", MANIFEST, "modules: [welcome]", "modules: welcome", "modules"),
    change("track lists a module twice", MANIFEST, "modules: [welcome]", "modules: [welcome, welcome]", "modules",
           says="placed twice"),
    change("track module id capitalized", MANIFEST, "modules: [welcome]", "modules: [Welcome]", "modules", says="`Welcome`"),
    change("schedule a mapping", MANIFEST, SCHEDULE, "schedule:\n  day: Day 1\n  focus: Everything\n", "schedule"),
    change("schedule entry without focus", MANIFEST, "    focus: Everything\n", "", "focus"),
    # competencies.yml
    change("scale level without name", FRAMEWORK, "    name: Aware\n", "", "name"),
    change("scale a mapping", FRAMEWORK, "scale:\n  - id: aware", "scale:\n  first:\n  - id: aware", "scale"),
    change("rule modules most", FRAMEWORK, "modules: any", "modules: most", "modules"),
    change("knowledge_check_min_score 120", FRAMEWORK, "knowledge_check_min_score: 70", "knowledge_check_min_score: 120",
           "knowledge_check_min_score"),
    change("lapse_after_months -1", FRAMEWORK, "lapse_after_months: 24", "lapse_after_months: -1", "lapse_after_months"),
    change("lapse_after_months over 600", FRAMEWORK, "lapse_after_months: 24", "lapse_after_months: 601", "lapse_after_months"),
    change("competency id with a space", FRAMEWORK, "id: listening-well", "id: a b", "id", says="competency id `a b` is not a valid id"),
    change("competency id with a double hyphen", FRAMEWORK, "id: listening-well", "id: listening--well", "id",
           says="is not a valid id"),
    change("observations_min 0", FRAMEWORK, "observations_min: 2", "observations_min: 0", "observations_min"),
    change("observers without observed_practice", FRAMEWORK, "      observed_practice: competent\n", "", "observed_practice"),
    change("supervisor_signoff maybe", FRAMEWORK, "      coaching_sessions: 1", "      coaching_sessions: 1\n      supervisor_signoff: maybe",
           "supervisor_signoff"),
    change("coaching_sessions in words", FRAMEWORK, "coaching_sessions: 1", "coaching_sessions: weekly", "coaching_sessions"),
    change("rubric a list", FRAMEWORK,
           "        rubric:\n          aware: Names two ways to show someone they were heard.\n"
           "          competent: Reflects feelings back without prompts.\n",
           "        rubric:\n          - Names two ways to show someone they were heard.\n", "rubric"),
    change("indicators empty", FRAMEWORK, "        indicators:\n          - Reflects feelings back.\n", "        indicators: []\n",
           "indicators"),
    change("samhsa 13 without samhsa_categories", FRAMEWORK, "samhsa: [1]", "samhsa: [13]", "samhsa"),
    change("samhsa in words", FRAMEWORK, "samhsa: [1]", "samhsa: [one]", "samhsa"),
    change("samhsa_categories key in words", FRAMEWORK, "progression:", "samhsa_categories:\n  one: Engages peers\nprogression:",
           "samhsa_categories"),
    change("renewal neither list nor all", FRAMEWORK, "ethics: [listening-well]", "ethics: some", "renewal"),
    change("completion empty", FRAMEWORK, "completion:\n  - id: program\n    title: The program\n    competencies: all\n"
           "    field_hours_min: 40\n", "completion: []\n", "completion"),
    change("completion set id capitalized", FRAMEWORK, "id: program", "id: Program", "id", says="not a valid id"),
    change("completion set requires nothing", FRAMEWORK, "competencies: all", "competencies: []", "competencies",
           says="requires no competency"),
    change("field_hours_min -5", FRAMEWORK, "field_hours_min: 40", "field_hours_min: -5", "field_hours_min"),
    # credentials.yml
    change("total_hours lots", CREDENTIALS, "total_hours: 10", "total_hours: lots", "total_hours"),
    change("total_hours missing", CREDENTIALS, "    total_hours: 10\n", "", "total_hours"),
    change("period_months 0", CREDENTIALS, "period_months: 12", "period_months: 0", "period_months"),
    change("period_months 121", CREDENTIALS, "period_months: 12", "period_months: 121", "period_months"),
    change("anchor neither date nor start_date", CREDENTIALS, "anchor: 2026-01-01", "anchor: soon", "anchor"),
    change("minimum_hours a list", CREDENTIALS, "minimum_hours: {ethics: 2}", "minimum_hours: [ethics]", "minimum_hours"),
    change("minimum_hours negative", CREDENTIALS, "minimum_hours: {ethics: 2}", "minimum_hours: {ethics: -2}", "minimum_hours"),
    change("no_double_credit sometimes", CREDENTIALS, "no_double_credit: true", "no_double_credit: sometimes", "no_double_credit"),
]

# Edge cases `trellis check` accepts without an error, which the schemas must accept too.
GOOD = [
    Case("the base curriculum", {}),
    change("samhsa a single number", FRAMEWORK, "samhsa: [1]", "samhsa: 1", "samhsa"),
    Case("samhsa 13 from samhsa_categories", {
        FRAMEWORK: edit(FRAMEWORK, "samhsa: [1]", "samhsa: [1, 13]").replace(
            "progression:", "samhsa_categories:\n  1: Engages peers\n  13: A category of our own\nprogression:"),
    }, "samhsa"),
    change("samhsa 12 without samhsa_categories", FRAMEWORK, "samhsa: [1]", "samhsa: [12]", "samhsa"),
    change("supervisor_signoff yes", FRAMEWORK, "      coaching_sessions: 1", "      coaching_sessions: 1\n      supervisor_signoff: yes",
           "supervisor_signoff"),
    change("rule modules none", FRAMEWORK, "modules: any", "modules: none", "modules"),
    change("lapse_after_months 0", FRAMEWORK, "lapse_after_months: 24", "lapse_after_months: 0", "lapse_after_months"),
    change("renewal all", FRAMEWORK, "ethics: [listening-well]", "ethics: all", "renewal"),
    change("completion set with except and levels", FRAMEWORK, "competencies: all",
           "competencies: all\n    except: []\n    levels: {listening-well: aware}", "competencies"),
    change("completion set listing competencies", FRAMEWORK, "competencies: all", "competencies: [listening-well]", "competencies"),
    Case("competency id a framework code", {
        FRAMEWORK: edit(FRAMEWORK, "listening-well", "C-COM_1.2", count=2),
        MODULE: edit(MODULE, "listening-well", "C-COM_1.2"),
    }, "id"),
    change("version a number", MODULE, "title: Welcome", "title: Welcome\nversion: 1.10", "version"),
    change("day a number", MANIFEST, "day: Day 1", "day: 1", "day"),
    change("schedule entry without tracks", MANIFEST, "    tracks: [basics]\n", "", "tracks"),
    change("summary a folded block", MODULE, "summary: What the training is for and how it works.",
           "summary: >-\n  What the training is for\n  and how it works.", "summary"),
    change("date quoted", MODULE, "updated: 2026-01-15", 'updated: "2026-01-15"', "updated"),
    change("leap day", MODULE, "updated: 2026-01-15", "updated: 2028-02-29", "updated"),
    change("prerequisites empty", MODULE, "prerequisites: []", "prerequisites:", "prerequisites"),
    change("materials listed", MODULE, "review_by: 2099-01-15", "review_by: 2099-01-15\nmaterials:\n  - Flip chart", "materials"),
    change("unknown field (a warning only)", MODULE, "title: Welcome", "title: Welcome\nnotes: for the trainer", "notes"),
    change("duration in hexadecimal", MODULE, "duration: 90", "duration: 0x5A", "duration"),
    change("anchor start_date", CREDENTIALS, "anchor: 2026-01-01", "anchor: start_date", "anchor"),
    change("total_hours with a fraction", CREDENTIALS, "total_hours: 10", "total_hours: 10.5", "total_hours"),
    change("no_double_credit false", CREDENTIALS, "no_double_credit: true", "no_double_credit: false", "no_double_credit"),
]


def mentions(error, field):
    return field in [str(part) for part in error.absolute_path] or f"'{field}'" in error.message


@pytest.mark.parametrize("case", BAD, ids=[case.name for case in BAD])
def test_schema_rejects(case):
    errors = [error for path, text in case.files.items() for error in schema_errors(path, text)]
    assert errors, f"the schema accepts {case.name}"
    unrelated = [error for error in errors if not mentions(error, case.field)]
    assert not unrelated, f"errors about more than `{case.field}`:\n{describe(unrelated)}"


@pytest.mark.parametrize("case", GOOD, ids=[case.name for case in GOOD])
def test_schema_accepts(case):
    for path, text in {**BASE, **case.files}.items():
        errors = schema_errors(path, text)
        assert not errors, f"{path}:\n{describe(errors)}"


# MARK: - The same examples through `trellis check`


def trellis_check(files, directory):
    folder = directory / "Curriculum"
    for path, text in {**BASE, **files}.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text, encoding="utf-8")
    result = subprocess.run(
        [str(TRELLIS), "check", "--curriculum", str(folder), "--db", str(directory / "no-tracker.sqlite"), "--format", "json"],
        capture_output=True, text=True, timeout=120)
    report = json.loads(result.stdout)
    assert result.returncode == (1 if report["errors"] else 0), result.stderr
    return [diagnostic for diagnostic in report["diagnostics"] if diagnostic["severity"] == "error"]


@needs_trellis
@pytest.mark.parametrize("case", BAD, ids=[case.name for case in BAD])
def test_trellis_check_rejects(case, tmp_path):
    errors = trellis_check(case.files, tmp_path)
    says = (case.says or case.field).lower()
    assert any(says in error["message"].lower() for error in errors), \
        f"trellis check does not report {case.name} as expected: {[error['message'] for error in errors]}"


@needs_trellis
@pytest.mark.parametrize("case", GOOD, ids=[case.name for case in GOOD])
def test_trellis_check_accepts(case, tmp_path):
    assert trellis_check(case.files, tmp_path) == []


@needs_trellis
def test_trellis_check_accepts_the_scaffold(scaffold, tmp_path):
    result = subprocess.run([str(TRELLIS), "check", "--curriculum", str(scaffold), "--db", str(tmp_path / "none.sqlite"),
                             "--format", "json"], capture_output=True, text=True, timeout=120)
    assert json.loads(result.stdout)["errors"] == 0
