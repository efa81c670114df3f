"""xAPI statements from `trellis export --format xapi`, read by an independent library (tincan).

Not a browser test, but it lives here because this suite has the Python environment. It records
one of each evidence kind (a void included) in a fresh tracker, exports, and loads every
statement with tincan's Statement class, which checks ids, verbs, agents, results and durations.
"""
import json
import os
import pathlib
import subprocess
import tempfile

import pytest
from tincan import Statement, StatementRef

from conftest import ROOT, trellis_binary

FIXTURE = ROOT / "Tests" / "Fixtures" / "valid"


def trellis(database: str, *arguments: str) -> str:
    result = subprocess.run([str(trellis_binary()), *arguments, "--curriculum", str(FIXTURE)], capture_output=True, text=True,
                            timeout=120, env={**os.environ, "TRELLIS_DB": database, "TRELLIS_USER": "coordinator"})
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def statements() -> list:
    folder = tempfile.mkdtemp(prefix="trellis-xapi-")
    database = os.path.join(folder, "tracker.sqlite")
    subprocess.run([str(trellis_binary()), "tracker", "init", "--db", database], check=True, capture_output=True)
    trellis(database, "trainee", "add", "dana", "--name", "Dana Rivera", "--email", "dana@example.org", "--start", "2025-01-01")
    trellis(database, "trainee", "add", "lee", "--name", "Lee Kim", "--start", "2025-01-01")
    recorded = trellis(database, "record", "dana", "module-completed", "welcome", "--date", "2026-01-05")
    trellis(database, "record", "lee", "knowledge-check", "welcome", "--score", "85", "--date", "2026-01-06")
    trellis(database, "record", "dana", "observed-practice", "competency:listening-well", "--level", "competent", "--observer", "Ana", "--date", "2026-01-07")
    trellis(database, "record", "dana", "coaching-session", "--minutes", "45", "--observer", "Ana", "--competencies", "listening-well", "--date", "2026-01-08")
    trellis(database, "record", "dana", "supervisor-signoff", "competency:listening-well", "--observer", "Sam Lee", "--date", "2026-01-09")
    trellis(database, "record", "dana", "reflection", "--note", "What I learned", "--date", "2026-01-10")
    trellis(database, "record", "lee", "continuing-education", "--hours", "1.25", "--topic", "Ethics", "--date", "2026-01-11")
    record_id = recorded.strip().split()[-1]
    trellis(database, "void", record_id, "--reason", "wrong date")
    return json.loads(trellis(database, "export", "--format", "xapi", "--base", "https://training.example.org/xapi"))


def test_every_statement_loads_in_an_independent_reader(statements):
    assert len(statements) == 8
    for data in statements:
        statement = Statement(data)  # raises on an invalid id, verb, actor, result or object
        assert statement.id.version == 5, data["id"]


def test_voids_reference_the_statement_they_cancel(statements):
    void = next(s for s in statements if s["verb"]["id"].endswith("/voided"))
    target = Statement(void).object
    assert isinstance(target, StatementRef)
    assert str(target.id) in {s["id"] for s in statements}


def test_durations_keep_their_value(statements):
    durations = sorted(s["result"]["duration"] for s in statements if "duration" in s.get("result", {}))
    assert durations == ["PT1H15M", "PT45M"]
