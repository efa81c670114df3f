"""A real `trellis tracker serve` for test_tracker_web.py: a fresh database in a temporary folder,
five trainees (two of them short of hours for a credential deadline a month away) with a little
evidence, one account per role, and the server on a free port.

Everything is made with the trellis binary's own command line (`trellis tracker init`,
`trainee add`, `record`, `user add`, `user assign`), as a program's coordinator would.
"""
import dataclasses
import datetime
import os
import pathlib
import re
import signal
import subprocess
import shutil
import threading

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from conftest import ROOT, Browser, chromium_options, trellis_binary

CURRICULUM = ROOT / "Curriculum"
LINK = re.compile(r"(/password\?token=[A-Za-z0-9_-]+)")
ADDRESS = re.compile(r"The tracker is at (http://127\.0\.0\.1:\d+)/")

# The competency that waits on a supervisor's sign-off only (see prepare()).
SIGN_OFF_COMPETENCY = "professional-boundaries"
SIGN_OFF_TITLE = "Keeps flexible, purposeful boundaries"


@dataclasses.dataclass
class Account:
    login: str
    name: str
    role: str
    password: str
    link: str = ""


@dataclasses.dataclass
class Trainee:
    id: str
    name: str
    site: str
    start: str = "2026-09-01"
    credential: str = ""


def start_for_a_deadline_in(days: int) -> str:
    """A start date whose credential deadline (credentials.yml's two-year-36: a period of 24 months
    from the start date) ends about `days` from today, by the machine's date as the server counts it."""
    today = datetime.date.today()
    year, month = today.year - 2, today.month
    day = min(today.day, [31, 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28,
                          31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1])
    return (datetime.date(year, month, day) + datetime.timedelta(days=days)).isoformat()


# Due for renewal: no continuing-education hours and a deadline about 30 days away (for the
# coordinator's Due and lapsing page; the South one must not show on a North coordinator's page).
DUE_CREDENTIAL = "two-year-36"

TRAINEES = {
    "dana": Trainee("t-north-1", "Dana Rivera", "North"),
    "lee": Trainee("t-north-2", "Lee Kim", "North"),
    "sol": Trainee("t-south-1", "Sol Reyes", "South"),
    "ravi": Trainee("t-north-due", "Ravi Shah", "North", start_for_a_deadline_in(30), DUE_CREDENTIAL),
    "mia": Trainee("t-south-due", "Mia Chen", "South", start_for_a_deadline_in(30), DUE_CREDENTIAL),
}

# Passwords: at least 12 characters, not common, and without the login or the name.
ACCOUNTS = {
    "admin": Account("ada", "Ada Okafor", "admin", "copper lantern willow 41"),
    "coordinator": Account("lena", "Lena Ortiz", "coordinator", "gravel orchid teapot 17"),
    "supervisor": Account("sue", "Sue Lin", "supervisor", "marble falcon quilt 83"),
    "coach": Account("cody", "Cody Park", "coach", "saffron kayak meadow 29"),
    "trainee": Account("dana", "Dana Rivera", "trainee", "velvet harbor cactus 56"),
}


ISOLATION = "--host-resolver-rules=MAP * ~NOTFOUND"


def start_tracker_chromium(javascript: bool = True) -> webdriver.Chrome:
    """conftest's Chromium, except that it may reach the tracker on 127.0.0.1.

    conftest's `--host-resolver-rules=MAP * ~NOTFOUND` sends every address, IP literals
    included, to "not found" (net::ERR_NAME_NOT_RESOLVED for http://127.0.0.1:PORT/), so the
    session's shared `browser` cannot open a page of a local server. This one excludes
    127.0.0.1 only: every other host still fails to resolve, and test_tracker_web.py also
    checks that no page asks for anything but the server.
    """
    options = chromium_options(javascript)
    assert ISOLATION in options.arguments, options.arguments
    options.arguments[options.arguments.index(ISOLATION)] = ISOLATION + ", EXCLUDE 127.0.0.1"
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_script_timeout(60)
    driver.set_page_load_timeout(60)
    return driver


@pytest.fixture(scope="module")
def tracker_browser():
    """A Chromium for the tracker's pages (see start_tracker_chromium), like conftest's `browser`."""
    driver = start_tracker_chromium()
    try:
        yield Browser(driver)
    finally:
        driver.quit()


class TrackerServer:
    """The database, the accounts' one-time links, and the running server."""

    def __init__(self, folder: pathlib.Path):
        self.folder = folder
        self.db = folder / "tracker.sqlite"
        self.accounts = {role: dataclasses.replace(account) for role, account in ACCOUNTS.items()}
        self.trainees = TRAINEES
        self.process: subprocess.Popen | None = None
        self.base = ""
        self.output: list[str] = []
        self.returncode: int | None = None
        self._listening = threading.Event()

    # ---- The command line ------------------------------------------------------------------

    def trellis(self, *arguments: str, curriculum: bool = False) -> str:
        command = [str(trellis_binary()), *arguments, "--db", str(self.db)]
        if curriculum:
            command += ["--curriculum", str(CURRICULUM)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=self.folder,
                                env={**os.environ, "TRELLIS_USER": "setup", "XDG_CACHE_HOME": str(self.folder / "cache")})
        assert result.returncode == 0, f"trellis {' '.join(arguments)} failed:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def record(self, trainee: str, *arguments: str) -> None:
        self.trellis("record", trainee, *arguments, curriculum=True)

    def prepare(self) -> None:
        self.trellis("tracker", "init")
        for trainee in self.trainees.values():
            credential = ["--credential", trainee.credential] if trainee.credential else []
            self.trellis("trainee", "add", trainee.id, "--name", trainee.name, "--site", trainee.site,
                         "--start", trainee.start, *credential, curriculum=True)

        dana, lee, sol = (self.trainees[key].id for key in ("dana", "lee", "sol"))
        # Dana: everything Competent in professional boundaries needs except the sign-off. The
        # professional-boundaries module is the only one that builds it (its `competencies:`);
        # Practicing needs a knowledge check of 70 or more; Competent needs two observations at
        # Competent by two different observers, and a supervisor's sign-off.
        self.record(dana, "module-completed", "module:professional-boundaries", "--date", "2026-10-01")
        self.record(dana, "knowledge-check", "module:professional-boundaries", "--score", "85", "--date", "2026-10-02")
        self.record(dana, "observed-practice", f"competency:{SIGN_OFF_COMPETENCY}", "--level", "competent",
                    "--observer", "Ana Ortiz", "--date", "2026-10-10", "--note", "Declined a ride warmly and offered the bus pass.")
        self.record(dana, "observed-practice", f"competency:{SIGN_OFF_COMPETENCY}", "--level", "competent",
                    "--observer", "Ben Cho", "--date", "2026-10-20")
        self.record(dana, "module-completed", "module:peer-role", "--date", "2026-09-20")
        self.record(dana, "field-hours", "--hours", "6", "--setting", "Family Resource Center, North",
                    "--observer", "Ana Ortiz", "--date", "2026-10-15")
        self.record(lee, "module-completed", "module:peer-role", "--date", "2026-09-22")
        self.record(lee, "coaching-session", "--minutes", "30", "--observer", "Ana Ortiz",
                    "--competencies", "role-clarity", "--date", "2026-10-05")
        self.record(sol, "module-completed", "module:engage", "--date", "2026-09-25")

        explanation = self.trellis("progress", dana, "--explain", curriculum=True)
        section = explanation.split(f"\n{SIGN_OFF_COMPETENCY} — ", 1)[1].split("\n\n", 1)[0]
        competent = section.split("✗ Competent", 1)[1].split("✗ Mentor", 1)[0]
        missing = [line.strip() for line in competent.splitlines() if line.strip().startswith("missing:")]
        assert missing == ["missing: a supervisor sign-off"], f"the sign-off queue would be empty:\n{section}"

        for role, account in self.accounts.items():
            extra = ["--trainee", dana] if role == "trainee" else []
            printed = self.trellis("user", "add", account.login, "--name", account.name, "--role", account.role, *extra)
            found = LINK.search(printed)
            assert found, f"no one-time link in:\n{printed}"
            account.link = found.group(1)
        self.trellis("user", "assign", self.accounts["coordinator"].login, "--site", "North")
        for role in ("supervisor", "coach"):
            for trainee in (dana, lee):
                self.trellis("user", "assign", self.accounts[role].login, "--trainee", trainee)

    # ---- The server ------------------------------------------------------------------------

    def start(self) -> None:
        self.stderr = open(self.folder / "server.stderr", "w")
        self.process = subprocess.Popen(
            [str(trellis_binary()), "tracker", "serve", "--db", str(self.db), "--curriculum", str(CURRICULUM), "--port", "0"],
            stdout=subprocess.PIPE, stderr=self.stderr, text=True, cwd=self.folder,
            env={**os.environ, "XDG_CACHE_HOME": str(self.folder / "cache")})
        self._reader = threading.Thread(target=self._read_output, daemon=True)
        self._reader.start()
        if not self._listening.wait(60) or not self.base:
            self.stop()
            raise AssertionError("the tracker never said where it listens:\n" + "".join(self.output) + self.errors())

    def _read_output(self) -> None:
        for line in self.process.stdout:
            self.output.append(line)
            found = ADDRESS.search(line)
            if found and not self.base:
                self.base = found.group(1)
                self._listening.set()
        self._listening.set()  # the process ended

    def errors(self) -> str:
        return (self.folder / "server.stderr").read_text(errors="replace")

    def stop(self) -> int:
        """SIGTERM, then the exit status (waits for the server to finish its requests and close)."""
        if self.process is None:
            return 0
        if self.returncode is None:
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGTERM)
            try:
                self.returncode = self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.returncode = self.process.wait(10)
                self.output.append("(killed: it did not stop within 30 s of SIGTERM)\n")
            self._reader.join(10)
            self.stderr.close()
        return self.returncode
