"""The web tracker (`trellis tracker serve`) in a real browser: a real server from the trellis
binary on a fresh database, and a person of each role doing their main task through the forms.

A coordinator (site North) also goes through their own pages: adding a trainee, editing one,
voiding a record, the report and its downloads, the due list, a CSV import and a completion record
that is not there yet.

Every page a person sees on the way is checked with axe-core (WCAG 2.1 AA) at phone width
(360×780, mobile) and desktop width (1280×900), for sideways scrolling at 360 px, for requests
that leave the server and for scripts, and photographed into the screenshots folder as
tracker-<page>-<width>.png (with a -full.png of the whole page beside it).

The browser is tracker_server's `tracker_browser`, not conftest's `browser`: conftest's
`--host-resolver-rules=MAP * ~NOTFOUND` also refuses 127.0.0.1, so that one cannot open a local
server. It is the same Chromium with the same options, except that 127.0.0.1 is excluded.

The tests run in order and build on each other (passwords, then each role): run the module as a
whole. The checks of every page are asserted at the end, by their own tests, so that a problem in
one page's markup does not hide whether the tasks themselves work.
"""
import json
import re
import shutil
import urllib.error
import urllib.request

import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import ROOT, Browser
from test_site import describe, run_axe
from tracker_server import SIGN_OFF_COMPETENCY, SIGN_OFF_TITLE, TrackerServer, start_tracker_chromium, tracker_browser  # noqa: F401 (a fixture)

PHONE = (360, 780, True)
DESKTOP = (1280, 900, False)

# Every page a person of some role sees on the way through the tasks below.
EXPECTED_PAGES = {
    "sign-in", "sign-in-error", "set-password", "set-password-error", "password-set", "link-not-valid",
    "my-trainees", "trainee", "observation-form", "observation-form-errors", "sign-off-queue", "sign-off-queue-empty",
    "trainees", "coaching-form", "my-progress", "explain", "accounts", "accounts-new-link", "audit-log", "not-found",
    # A coordinator's pages.
    "add-trainee", "add-trainee-errors", "add-trainee-no-name", "add-trainee-other-site", "trainee-added",
    "edit-trainee", "edit-trainee-error", "trainees-cohort", "trainee-void-error", "trainee-voided", "report", "due",
    "import", "import-problems", "import-check", "import-done", "completion-record-not-yet",
}
# The five that docs/tracker-web.md shows (docs/screenshots/ holds copies).
DOCS_SCREENSHOTS = [
    "tracker-observation-form-360.png", "tracker-sign-off-queue-360.png", "tracker-my-progress-360.png",
    "tracker-accounts-new-link-360.png", "tracker-trainee-1280.png",
]


class PageChecks:
    """What every page showed: axe's violations, sideways scrolling, scripts, error-summary links."""

    def __init__(self, folder):
        self.folder = folder
        self.seen: list[str] = []
        self.axe: list[str] = []
        self.overflow: list[str] = []
        self.scripts: list[str] = []
        self.summary_links: list[str] = []
        self.pages_loaded = 0
        self.other_requests: list[tuple[str, str]] = []  # from other browsers than the shared one
        self.wording: list[str] = []  # what a page says that reads wrong (see says() and plain())

    def source(self, driver) -> None:
        """Every page loaded: no <script> anywhere in it."""
        self.pages_loaded += 1
        if "<script" in driver.page_source.lower():
            self.scripts.append(driver.current_url)

    def check(self, browser: Browser, name: str) -> None:
        """The page now open, at both widths: axe, sideways scrolling, screenshots."""
        driver = browser.driver
        for href in driver.execute_script(
                "return Array.from(document.querySelectorAll('.error-summary a[href^=\"#\"]'))"
                ".map(function (a) { return a.getAttribute('href'); });"):
            if not driver.execute_script("return !!document.getElementById(arguments[0]);", href[1:]):
                self.summary_links.append(f"{name}: the error summary links to {href}, and no element has that id")
        for width, height, mobile in (PHONE, DESKTOP):
            browser.set_viewport(width, height, mobile)
            if mobile:
                scroll_width, inner_width = driver.execute_script(
                    "return [document.documentElement.scrollWidth, window.innerWidth];")
                if scroll_width > inner_width or inner_width != width:
                    self.overflow.append(f"{name}: {scroll_width}px wide in a {inner_width}px window ({width}px asked for)")
            self.axe += describe(run_axe(browser), f"{name} at {width}px")
            driver.save_screenshot(str(self.folder / f"tracker-{name}-{width}.png"))
            total = driver.execute_script("return Math.ceil(document.documentElement.scrollHeight);")
            browser.set_viewport(width, max(height, min(total, 12000)), mobile)
            driver.save_screenshot(str(self.folder / f"tracker-{name}-{width}-full.png"))
        browser.set_viewport(*PHONE)
        self.seen.append(name)


class Person:
    """Someone using the tracker in one browser: opens pages, follows links, sends forms."""

    def __init__(self, browser: Browser, server: TrackerServer, checks: PageChecks):
        self.browser = browser
        self.driver = browser.driver
        self.server = server
        self.checks = checks

    # ---- Pages ------------------------------------------------------------------------------

    def open(self, path: str) -> None:
        self.browser.open(self.server.base + path)
        self.checks.source(self.driver)

    def press(self, element) -> None:
        """Clicks a link or a submit button and waits for the page it leads to."""
        page = self.driver.find_element(By.TAG_NAME, "html")
        element.click()

        def left(_):
            try:
                page.is_enabled()
                return False
            except WebDriverException:  # stale, or (Chromium, mid-navigation) "does not belong to the document"
                return True
        WebDriverWait(self.driver, 20).until(left)
        WebDriverWait(self.driver, 20).until(lambda d: d.execute_script("return document.readyState;") == "complete")
        self.browser.collect_requests()
        self.checks.source(self.driver)

    def follow(self, text: str) -> None:
        self.press(self.driver.find_element(By.LINK_TEXT, text))

    def nav(self, text: str) -> None:
        self.press(self.driver.find_element(By.CSS_SELECTOR, "header nav").find_element(By.LINK_TEXT, text))

    def button(self, text: str):
        return self.driver.find_element(By.XPATH, f"//main//button[normalize-space()={xpath_string(text)}]")

    def type(self, field_id: str, text: str) -> None:
        field = self.driver.find_element(By.ID, field_id)
        field.clear()
        field.send_keys(text)

    def check(self, name: str) -> None:
        self.checks.check(self.browser, name)

    @property
    def h1(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "h1").text

    @property
    def main(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "main").text

    def rows(self, section: str) -> list[str]:
        """The text of each body row of the table in the section headed by #section."""
        return [row.text for row in self.driver.find_elements(
            By.CSS_SELECTOR, f"section[aria-labelledby='{section}'] tbody tr")]

    # ---- Signing in and out -----------------------------------------------------------------

    def sign_in(self, login: str, password: str) -> None:
        self.open("/sign-in")
        if self.h1 != "Sign in":  # still signed in from before
            self.sign_out()
            self.open("/sign-in")
        self.type("login", login)
        self.type("password", password)
        self.press(self.button("Sign in"))

    def sign_out(self) -> None:
        self.press(self.driver.find_element(By.CSS_SELECTOR, "form.sign-out button"))
        assert self.h1 == "Sign in"


def xpath_string(text: str) -> str:
    return "'" + text + "'" if "'" not in text else 'concat("' + text.replace('"', '", \'"\', "') + '")'


# ---- Fixtures ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(tmp_path_factory, tracker_browser):
    """The tracker, served from a fresh database; stopped with SIGTERM at the end, which must exit 0."""
    tracker = TrackerServer(tmp_path_factory.mktemp("tracker-web"))
    tracker.prepare()
    tracker.start()
    try:
        tracker_browser.set_viewport(*PHONE)
        yield tracker
    finally:
        tracker_browser.reset_viewport()
        status = tracker.stop()
    assert status == 0, f"the tracker exited {status} after SIGTERM:\n{''.join(tracker.output)}{tracker.errors()}"


@pytest.fixture(scope="module")
def checks(screenshots):
    return PageChecks(screenshots)


@pytest.fixture(scope="module")
def person(tracker_browser, server, checks):
    return Person(tracker_browser, server, checks)


# ---- Setting passwords and signing in -----------------------------------------------------------

def test_every_account_sets_its_password_from_its_one_time_link(person, server):
    driver = person.driver
    for number, account in enumerate(server.accounts.values()):
        person.open(account.link)
        assert person.h1 == "Set your password", person.main
        assert account.login in person.main
        if number == 0:
            person.check("set-password")
            # Too short: the browser's own check (minlength) stops the form first…
            person.type("password", "short pw")
            person.type("confirm", "short pw")
            person.button("Set my password").click()
            assert driver.execute_script("return document.getElementById('password').validity.tooShort;")
            assert driver.current_url == server.base + account.link and not driver.find_elements(By.CSS_SELECTOR, ".error-summary")
            # …and the server's check refuses it too (a browser without form validation).
            driver.execute_script("document.querySelector('main form').noValidate = true;")
            person.press(person.button("Set my password"))
            summary = driver.find_element(By.CSS_SELECTOR, ".error-summary")
            assert "The password was not set" in summary.text
            assert "Use at least 12 characters (this one has 8)." in summary.text
            person.check("set-password-error")
        person.type("password", account.password)
        person.type("confirm", account.password)
        person.press(person.button("Set my password"))
        assert "Your password is set" in person.main, person.main
        if number == 0:
            person.check("password-set")
            person.open(account.link)
            assert person.h1 == "Link not valid" and "not valid any more" in person.main
            person.check("link-not-valid")


def test_sign_in_page_and_a_wrong_password(person, server):
    person.open("/sign-in")
    assert person.h1 == "Sign in"
    person.check("sign-in")
    person.type("login", server.accounts["coordinator"].login)
    person.type("password", "not the right password")
    person.press(person.button("Sign in"))
    assert person.h1 == "Sign in"
    error = person.driver.find_element(By.CSS_SELECTOR, ".error-summary[role='alert']")
    assert error.text == "The login or the password is not right. Check both and try again."
    person.check("sign-in-error")


# ---- Each role's main task ----------------------------------------------------------------------

def test_coach_records_observed_practice_from_a_phone(person, server):
    coach, dana = server.accounts["coach"], server.trainees["dana"]
    person.sign_in(coach.login, coach.password)
    person.nav("My trainees")
    assert person.h1 == "My trainees"
    assert "Dana Rivera" in person.main and "Lee Kim" in person.main and "Sol Reyes" not in person.main
    person.check("my-trainees")
    person.follow(dana.name)
    assert person.h1 == dana.name
    person.follow("Record observed practice")
    assert person.h1 == "Record observed practice"
    person.check("observation-form")

    # Saved empty: nothing is saved, and the form says what to fix, beside each field too.
    person.press(person.button("Save"))
    summary = person.driver.find_element(By.CSS_SELECTOR, ".error-summary")
    assert "Nothing was saved" in summary.text
    assert "Choose the competency you observed." in summary.text
    assert "Choose the level of the practice you saw." in summary.text
    assert person.driver.find_element(By.ID, "competency-error").text == "Choose the competency you observed."
    assert person.driver.find_element(By.ID, "level-error").text == "Choose the level of the practice you saw."
    assert person.driver.find_element(By.ID, "competency").get_attribute("aria-invalid") == "true"
    person.check("observation-form-errors")

    Select(person.driver.find_element(By.ID, "competency")).select_by_value("role-clarity")
    person.driver.find_element(By.CSS_SELECTOR, "input[name='level'][value='practicing']").click()
    person.type("note", "Explained the peer role in plain words at a first home visit.")
    person.press(person.button("Save"))
    assert person.h1 == dana.name and "recorded=observed-practice" in person.driver.current_url
    saved = [row for row in person.rows("evidence-heading") if "observed-practice" in row and "role-clarity" in row]
    assert saved and "Practicing" in saved[0] and coach.login in saved[0], person.rows("evidence-heading")
    person.sign_out()


def test_supervisor_signs_off_from_the_queue(person, server):
    supervisor, dana = server.accounts["supervisor"], server.trainees["dana"]
    person.sign_in(supervisor.login, supervisor.password)
    person.nav("Sign-off queue")
    assert person.h1 == "Sign-off queue"
    items = person.driver.find_elements(By.CSS_SELECTOR, "main section.card")
    assert len(items) == 1, person.main
    assert items[0].find_element(By.TAG_NAME, "h2").text == f"{dana.name}: {SIGN_OFF_TITLE} at Competent"
    assert "observed by Ana Ortiz" in items[0].text and "observed by Ben Cho" in items[0].text
    person.check("sign-off-queue")

    person.press(person.button(f"Sign off {SIGN_OFF_TITLE} for {dana.name}"))
    assert person.h1 == "Sign-off queue"
    assert "Nothing waits for your sign-off." in person.main
    assert not person.driver.find_elements(By.CSS_SELECTOR, "main section.card")
    person.check("sign-off-queue-empty")

    # The level changes at once, on the web and on the command line.
    person.nav("My supervisees")
    person.follow(dana.name)
    row = next(r for r in person.rows("levels-heading") if r.startswith(SIGN_OFF_TITLE))
    assert "Competent" in row, row
    assert f"{SIGN_OFF_COMPETENCY} — {SIGN_OFF_TITLE}: Competent" in server.trellis("progress", dana.id, "--explain", curriculum=True)
    person.sign_out()


def test_coordinator_enters_a_paper_coaching_form_for_an_observer(person, server):
    coordinator, lee = server.accounts["coordinator"], server.trainees["lee"]
    person.sign_in(coordinator.login, coordinator.password)
    person.nav("Trainees")
    assert person.h1 == "Trainees"
    assert "Dana Rivera" in person.main and "Lee Kim" in person.main and "Sol Reyes" not in person.main
    person.check("trainees")
    person.follow(lee.name)
    assert person.h1 == lee.name
    person.check("trainee")
    person.follow("Record a coaching session")
    assert person.h1 == "Record a coaching session"
    person.check("coaching-form")

    person.type("observer", "Rosa Marquez")
    person.type("minutes", "45")
    person.driver.find_element(By.CSS_SELECTOR, "input[name='competencies'][value='role-clarity']").click()
    person.type("next_step", "Practise explaining the role to a new parent")
    person.type("note", "Paper form from the North office.")
    person.press(person.button("Save"))
    assert person.h1 == lee.name, person.main
    entered = [row for row in person.rows("evidence-heading") if "coaching-session" in row and "45 min" in row]
    assert entered, person.rows("evidence-heading")
    assert re.search(rf"entered by {re.escape(coordinator.login)} for Rosa Marquez", entered[0]), entered[0]
    person.sign_out()


def test_trainee_sees_their_progress_and_adds_a_reflection(person, server):
    trainee, dana = server.accounts["trainee"], server.trainees["dana"]
    person.sign_in(trainee.login, trainee.password)
    person.nav("My progress")
    assert person.h1 == "My progress"
    assert person.driver.find_element(By.CSS_SELECTOR, "main p strong").text == dana.name
    row = next(r for r in person.rows("levels-heading") if r.startswith(SIGN_OFF_TITLE))
    assert "Competent" in row, row
    person.check("my-progress")
    # The --explain view of one competency, on a page of its own.
    person.press(person.driver.find_element(By.CSS_SELECTOR, f"a[href='/me/explain/{SIGN_OFF_COMPETENCY}']"))
    assert person.h1 == "How the level was worked out", person.main
    assert "Competent: reached" in person.main, person.main
    person.check("explain")
    person.follow("Back to the whole page")
    assert person.h1 == "My progress"

    Select(person.driver.find_element(By.ID, "competency")).select_by_value(SIGN_OFF_COMPETENCY)
    person.type("note", "Saying no to a ride was easier once I offered the bus pass first.")
    person.press(person.button("Save my reflection"))
    assert person.h1 == "My progress" and "saved=reflection" in person.driver.current_url
    assert any("reflection" in r and SIGN_OFF_COMPETENCY in r for r in person.rows("evidence-heading")), person.rows("evidence-heading")
    person.sign_out()


def test_admin_adds_a_coach_account_and_reads_the_audit_log(person, server):
    admin = server.accounts["admin"]
    person.sign_in(admin.login, admin.password)
    person.nav("Accounts")
    assert person.h1 == "Accounts"
    person.check("accounts")
    person.type("login", "cam")
    person.type("name", "Cam Diaz")
    Select(person.driver.find_element(By.ID, "role")).select_by_value("coach")
    person.press(person.button("Add and make a link"))
    notice = person.driver.find_element(By.CSS_SELECTOR, ".notice[role='status']")
    assert "cam" in notice.text
    assert re.fullmatch(r"/password\?token=[A-Za-z0-9_-]+", notice.find_element(By.CSS_SELECTOR, "code.link").text)
    card = person.driver.find_element(By.CSS_SELECTOR, "section.card[aria-label='cam']")
    assert "Cam Diaz · coach" in card.text and "no password yet" in card.text
    person.check("accounts-new-link")

    person.nav("Audit log")
    assert person.h1 == "Audit log"
    table = person.driver.find_element(By.CSS_SELECTOR, "main table").text
    actions = [cell.text for cell in person.driver.find_elements(By.CSS_SELECTOR, "main tbody tr td:nth-child(3)")]
    assert "sign-in" in actions and "view-trainee" in actions and "record-supervisor-signoff" in actions, actions
    # Entries name accounts and records by id, never by name.
    for name in ["Dana Rivera", "Lee Kim", "Cody Park", "Rosa Marquez"]:
        assert name not in table
    person.check("audit-log")
    person.type("action", "sign-in")
    person.press(person.driver.find_element(By.CSS_SELECTOR, "form.filters button"))
    actions = [cell.text for cell in person.driver.find_elements(By.CSS_SELECTOR, "main tbody tr td:nth-child(3)")]
    assert actions and set(actions) == {"sign-in"}, actions
    assert len(actions) == 6  # one wrong password, then coach, supervisor, coordinator, trainee, admin
    outcomes = [cell.text for cell in person.driver.find_elements(By.CSS_SELECTOR, "main tbody tr td:nth-child(6)")]
    assert len(set(outcomes)) == 2, outcomes  # the wrong password's entry says so
    person.sign_out()


def test_a_coach_gets_page_not_found_for_a_trainee_they_are_not_assigned(person, server):
    coach, sol = server.accounts["coach"], server.trainees["sol"]
    person.sign_in(coach.login, coach.password)
    person.open(f"/trainees/{sol.id}")
    assert person.h1 == "Page not found"
    assert "There is no such page, or it is not one you can see." in person.main
    assert sol.name not in person.driver.page_source
    person.check("not-found")

    # The same answer as for a trainee who does not exist: 404, word for word.
    cookie = person.driver.get_cookie("trellis_session")["value"]

    def get(path):
        request = urllib.request.Request(server.base + path, headers={"Cookie": f"trellis_session={cookie}"})
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    unassigned, missing = get(f"/trainees/{sol.id}"), get("/trainees/no-such-trainee")
    assert unassigned[0] == missing[0] == 404
    assert unassigned[1] == missing[1]
    assert get(f"/trainees/{sol.id}/observation")[0] == 404
    # The 404 page shows no navigation and no Sign out button (reported, not asserted): the
    # way on is its own link.
    person.follow("Go to your start page")
    assert person.h1 == "My trainees"
    person.sign_out()


# ---- A coordinator's pages (site North) ----------------------------------------------------------
# In order, in one session: add a trainee, edit details, void a record, the report and its
# downloads, the due list, an import, and a completion record that is not there yet.

COORDINATOR_NAV = ["Trainees", "Add a trainee", "Import", "Report", "Due and lapsing"]
NEW_TRAINEE = {"id": "t-north-3", "name": "Noor Haddad", "email": "noor@example.org", "cohort": "2026-fall", "site": "North"}


def as_coordinator(person, server) -> None:
    """Signed in as the coordinator: stays in the session the test before left, or signs in."""
    coordinator = server.accounts["coordinator"]
    person.open("/trainees")
    who = person.driver.find_elements(By.CSS_SELECTOR, "header .who")
    if not who or not who[0].text.startswith(coordinator.name):
        person.sign_in(coordinator.login, coordinator.password)
    assert person.driver.find_element(By.CSS_SELECTOR, "header .who").text == f"{coordinator.name} (coordinator)"


def fetch(person, path: str):
    """GET with the browser's session cookie: the status, the headers (any case) and the body."""
    cookie = person.driver.get_cookie("trellis_session")["value"]
    request = urllib.request.Request(person.server.base + path, headers={"Cookie": f"trellis_session={cookie}"})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


# A value in backticks, an option (--reason) or a command (`trellis progress`): the command line's
# wording, which a person using the web pages cannot act on.
COMMAND_LINE = re.compile(r"`|(^|\s)--[a-z]|\btrellis [a-z]")


def says(checks, page: str, shown: str, meant: str) -> None:
    """Notes a sentence that should read `meant` (asserted at the end, by its own test)."""
    if shown != meant:
        checks.wording.append(f"{page}: {shown!r}, not {meant!r}")


def plain(checks, page: str, text: str) -> None:
    """Notes a message in the command line's wording (asserted at the end, by its own test)."""
    if COMMAND_LINE.search(text):
        checks.wording.append(f"{page}: the command line's wording on a web page: {text!r}")


def field_error(person, field: str) -> str:
    found = person.driver.find_elements(By.ID, f"{field}-error")
    return found[0].text if found else ""


def evidence_row(person, text: str):
    """The row of the trainee page's evidence table whose cells contain `text`."""
    rows = person.driver.find_elements(By.XPATH, "//section[@aria-labelledby='evidence-heading']//tbody/tr"
                                                 f"[td[contains(normalize-space(), {xpath_string(text)})]]")
    assert len(rows) == 1, person.rows("evidence-heading")
    return rows[0]


def lee_evidence(server) -> list[str]:
    """Lee's evidence rows as `trellis export --format csv` prints them (the database, not a page)."""
    lee = server.trainees["lee"].id
    return [line for line in server.trellis("export", "--format", "csv", curriculum=True).splitlines() if f",{lee}," in line]


def test_coordinator_add_a_trainee_form_says_what_to_fix(person, server):
    """Saved with an empty name, an email without @ and another coordinator's site: nothing is
    saved, and the form says so for each field at once."""
    as_coordinator(person, server)
    person.nav("Add a trainee")
    assert person.h1 == "Add a trainee"
    assert [a.text for a in person.driver.find_elements(By.CSS_SELECTOR, "header nav a")] == COORDINATOR_NAV
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", person.driver.find_element(By.ID, "start_date").get_attribute("value"))
    person.check("add-trainee")

    person.type("id", NEW_TRAINEE["id"])
    person.type("email", "noor.example.org")
    person.type("site", "South")
    person.press(person.button("Save"))
    assert person.h1 == "Add a trainee", person.main
    summary = person.driver.find_element(By.CSS_SELECTOR, ".error-summary[role='alert']")
    assert "Nothing was saved" in summary.text
    assert "is not an email address" in field_error(person, "email")
    assert person.driver.find_element(By.ID, "email").get_attribute("aria-invalid") == "true"
    # What was typed is kept.
    assert person.driver.find_element(By.ID, "id").get_attribute("value") == NEW_TRAINEE["id"]
    assert person.driver.find_element(By.ID, "site").get_attribute("value") == "South"
    person.check("add-trainee-errors")
    plain(person.checks, "add-trainee-errors", field_error(person, "email"))
    assert "t-north-3" not in server.trellis("trainee", "list", curriculum=True)

    # Every problem at once, in the summary and beside its field ("each problem shown beside its
    # field", docs/tracker-web.md), not one after another.
    missing = [field for field, words in (("name", "is empty"), ("email", "is not an email address"),
                                          ("site", "only to your own sites"))
               if words not in field_error(person, field) or words not in summary.text]
    assert not missing, (f"the first Save named no problem for {missing}; it showed only:\n{summary.text}")


def test_coordinator_adds_a_trainee_and_lands_on_their_page(person, server):
    as_coordinator(person, server)
    person.nav("Add a trainee")
    # No name, every other field right: refused, and why, beside the name.
    for field in ("id", "email", "cohort", "site"):
        person.type(field, NEW_TRAINEE[field])
    person.press(person.button("Save"))
    assert person.h1 == "Add a trainee", person.main
    assert "is empty" in field_error(person, "name"), person.main
    assert person.driver.find_element(By.ID, "name").get_attribute("aria-invalid") == "true"
    person.check("add-trainee-no-name")
    plain(person.checks, "add-trainee-no-name", field_error(person, "name"))

    # A site that is not theirs, with every other field right: refused, and why.
    person.type("name", NEW_TRAINEE["name"])
    person.type("site", "South")
    person.press(person.button("Save"))
    assert person.h1 == "Add a trainee", person.main
    assert field_error(person, "site") == "You can add trainees only to your own sites: North."
    assert "You can add trainees only to your own sites: North." in person.driver.find_element(By.CSS_SELECTOR, ".error-summary").text
    assert person.driver.find_element(By.ID, "site").get_attribute("aria-invalid") == "true"
    person.check("add-trainee-other-site")

    person.type("site", NEW_TRAINEE["site"])
    person.press(person.button("Save"))
    assert person.h1 == NEW_TRAINEE["name"], person.main
    assert person.driver.current_url == server.base + f"/trainees/{NEW_TRAINEE['id']}"
    details = person.driver.find_element(By.CSS_SELECTOR, "main > p").text
    assert details.startswith(f"Id {NEW_TRAINEE['id']} · cohort 2026-fall · site North · started "), details
    assert "Nothing recorded yet." in person.main
    person.check("trainee-added")
    shown = server.trellis("trainee", "show", NEW_TRAINEE["id"], curriculum=True)
    assert NEW_TRAINEE["name"] in shown and NEW_TRAINEE["email"] in shown, shown


def test_coordinator_edits_a_trainees_cohort(person, server):
    lee = server.trainees["lee"]
    as_coordinator(person, server)
    person.open(f"/trainees/{lee.id}")
    person.follow("Edit details")
    assert person.h1 == f"Edit {lee.name}"
    assert not person.driver.find_elements(By.ID, "id"), "the id cannot change"
    assert person.driver.find_element(By.ID, "name").get_attribute("value") == lee.name
    assert person.driver.find_element(By.ID, "site").get_attribute("value") == "North"
    assert person.driver.find_element(By.ID, "cohort").get_attribute("value") == ""
    person.check("edit-trainee")

    # Moving the trainee to another coordinator's site is refused, and nothing is written.
    person.type("cohort", "2026-spring")
    person.type("site", "South")
    person.press(person.button("Save"))
    assert person.h1 == f"Edit {lee.name}", person.main
    assert field_error(person, "site") == "You can move trainees only between your own sites: North."
    person.check("edit-trainee-error")
    assert "2026-spring" not in server.trellis("trainee", "show", lee.id, curriculum=True)

    person.type("site", "North")
    person.press(person.button("Save"))
    assert person.h1 == lee.name, person.main
    assert "cohort 2026-spring · site North" in person.driver.find_element(By.CSS_SELECTOR, "main > p").text
    # Only the field that changed is written, and the old value is kept in the history.
    history = server.trellis("trainee", "show", lee.id, curriculum=True).split("\nChanges:\n", 1)[1].strip().splitlines()
    coordinator = server.accounts["coordinator"].login
    assert len(history) == 1 and history[0].endswith(f" {coordinator}: cohort — → 2026-spring"), history

    # The trainee list now has a cohort filter, which shows each one's progress.
    person.nav("Trainees")
    Select(person.driver.find_element(By.ID, "cohort")).select_by_value("2026-spring")
    person.press(person.driver.find_element(By.CSS_SELECTOR, "form.filters button"))
    names = [cell.text for cell in person.driver.find_elements(By.CSS_SELECTOR, "main tbody tr td:first-child")]
    assert names == [lee.name], names
    assert "Field hours" in person.driver.find_element(By.CSS_SELECTOR, "main thead").text
    person.check("trainees-cohort")
    count = person.driver.find_element(By.XPATH, "//main/p[contains(., 'trainee')]").text
    says(person.checks, "trainees-cohort", count, "1 trainee.")


def test_coordinator_voids_a_record_with_a_reason(person, server):
    lee = server.trainees["lee"]
    as_coordinator(person, server)
    person.open(f"/trainees/{lee.id}")
    assert person.h1 == lee.name
    row = evidence_row(person, "30 min")
    assert "coaching-session" in row.text and "(voided)" not in row.text

    # Without a reason the browser's own check (required) stops the form first…
    row.find_element(By.XPATH, ".//button[normalize-space()='Void']").click()
    reason = row.find_element(By.CSS_SELECTOR, "input[name='reason']")
    assert person.driver.execute_script("return arguments[0].validity.valueMissing;", reason)
    assert person.driver.current_url == server.base + f"/trainees/{lee.id}"
    # …and the server refuses it too (a browser without form validation).
    person.driver.execute_script("arguments[0].noValidate = true;", row.find_element(By.TAG_NAME, "form"))
    person.press(row.find_element(By.XPATH, ".//button[normalize-space()='Void']"))
    assert person.h1 == lee.name
    error = person.driver.find_element(By.CSS_SELECTOR, ".error-summary[role='alert']")
    assert "a void needs a reason" in error.text, error.text
    assert "(voided)" not in evidence_row(person, "30 min").text
    person.check("trainee-void-error")
    plain(person.checks, "trainee-void-error", error.text)

    row = evidence_row(person, "30 min")
    reason = row.find_element(By.CSS_SELECTOR, "input[name='reason']")
    reason.send_keys("Entered twice: the same session is on the paper form")
    person.press(row.find_element(By.XPATH, ".//button[normalize-space()='Void']"))
    assert person.h1 == lee.name
    assert person.driver.current_url == server.base + f"/trainees/{lee.id}"
    row = evidence_row(person, "30 min")
    assert "coaching-session (voided)" in row.text, row.text
    assert not row.find_elements(By.TAG_NAME, "form"), "a voided record has no Void button"
    assert "voided" in row.get_attribute("class").split()
    assert any(r.split()[1:2] == ["void"] for r in person.rows("evidence-heading")), person.rows("evidence-heading")
    person.check("trainee-voided")


def test_coordinator_reads_the_report_and_downloads_it(person, server):
    as_coordinator(person, server)
    person.nav("Report")
    assert person.h1 == "Program report"
    north = {t.id for t in server.trainees.values() if t.site == "North"}
    south = {t.id for t in server.trainees.values() if t.site != "North"}
    ids = {cell.text for cell in person.driver.find_elements(By.CSS_SELECTOR, "main tbody tr td:first-child")}
    assert north <= ids and not ids & south, ids
    for trainee in server.trainees.values():
        assert (trainee.name in person.main) == (trainee.site == "North"), trainee
    sites = {cell.text for cell in person.driver.find_elements(By.CSS_SELECTOR, "main tbody tr td:nth-child(4)")}
    assert sites == {"North"}, sites
    person.check("report")

    links = {a.text: a.get_attribute("href") for a in person.driver.find_elements(By.CSS_SELECTOR, "main a.button")}
    assert links == {"Download CSV": server.base + "/reports/trainees.csv",
                     "Download JSON": server.base + "/reports/trainees.json"}, links
    status, headers, body = fetch(person, "/reports/trainees.csv")
    assert status == 200 and headers["Content-Type"].startswith("text/csv"), (status, headers)
    assert headers.get("Content-Disposition") == 'attachment; filename="trainees.csv"', headers
    lines = body.decode().splitlines()
    assert lines[0].startswith("trainee,name,cohort,site,"), lines[0]
    assert {line.split(",", 1)[0] for line in lines[1:]} == ids, lines
    status, headers, body = fetch(person, "/reports/trainees.json")
    assert status == 200 and headers["Content-Type"].startswith("application/json"), (status, headers)
    assert headers.get("Content-Disposition") == 'attachment; filename="trainees.json"', headers
    rows = json.loads(body)
    assert {row["id"] for row in rows} == ids, rows


def test_coordinator_sees_who_is_due_and_lapsing(person, server):
    ravi, mia = server.trainees["ravi"], server.trainees["mia"]
    as_coordinator(person, server)
    person.nav("Due and lapsing")
    assert person.h1 == "Due and lapsing"
    rows = [row.text for row in person.driver.find_elements(By.CSS_SELECTOR, "main tbody tr")]
    assert len(rows) == 1 and rows[0].startswith(f"{ravi.id} {ravi.credential} "), rows
    assert mia.id not in person.main
    days_left = int(person.driver.find_element(By.CSS_SELECTOR, "main tbody tr td:nth-child(4)").text)
    assert 0 < days_left <= 30, days_left
    person.check("due")
    person.follow(ravi.id)
    assert person.h1 == ravi.name


def test_coordinator_imports_an_evidence_file(person, server, tmp_path):
    lee = server.trainees["lee"].id
    header = "trainee,kind,about,date,score,level,observer\n"
    good_rows = [f"{lee},knowledge-check,module:peer-role,2026-11-02,90,,\n",
                 f"{lee},observed-practice,competency:role-clarity,2026-11-03,,practicing,Ana Ortiz\n"]
    bad = tmp_path / "evidence-with-a-bad-level.csv"
    bad.write_text(header + good_rows[0] + good_rows[1].replace("practicing", "expert"))
    good = tmp_path / "evidence.csv"
    good.write_text(header + "".join(good_rows))
    before = lee_evidence(server)

    as_coordinator(person, server)
    person.nav("Import")
    assert person.h1 == "Import a CSV file"
    person.check("import")

    # One bad row: its line is named, and nothing is written.
    person.driver.find_element(By.ID, "file").send_keys(str(bad))
    person.press(person.button("Check the file"))
    assert person.h1 == "Check of the file", person.main
    summary = person.driver.find_element(By.CSS_SELECTOR, ".error-summary[role='alert']")
    assert summary.text.startswith("Nothing was written."), summary.text
    heading = person.driver.find_element(By.ID, "problems-heading").text
    problems = [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
                for row in summary.find_elements(By.CSS_SELECTOR, "tbody tr")]
    assert len(problems) == 1 and problems[0][0] == "3" and "expert" in problems[0][1], problems
    assert "aware, practicing, competent, mentor" in problems[0][2], problems
    plain(person.checks, "import-problems", problems[0][1])
    says(person.checks, "import-problems", heading, "Nothing was written. 1 problem to fix in the file:")
    assert not person.driver.find_elements(By.XPATH, "//main//button[normalize-space()='Import it']")
    person.check("import-problems")
    assert lee_evidence(server) == before

    person.follow("Upload the corrected file")
    assert person.h1 == "Import a CSV file"
    person.driver.find_element(By.ID, "file").send_keys(str(good))
    person.press(person.button("Check the file"))
    assert person.h1 == "Check of the file", person.main
    report = person.driver.find_element(By.XPATH, "//main/p[contains(., 'It would add')]").text
    assert report.endswith("evidence file with 2 rows. It would add 2; 0 are already on record."), report
    assert not person.driver.find_elements(By.CSS_SELECTOR, ".error-summary")
    person.check("import-check")
    says(person.checks, "import-check", report, "An evidence file with 2 rows. It would add 2; 0 are already on record.")
    assert lee_evidence(server) == before, "checking wrote rows"

    person.press(person.button("Import it"))
    assert person.h1 == "Imported", person.main
    notice = person.driver.find_element(By.CSS_SELECTOR, ".notice[role='status']")
    assert notice.text == "Imported: 2 added, 0 already on record.", notice.text
    person.check("import-done")
    added = [line for line in lee_evidence(server) if line not in before]
    assert len(added) == 2 and any("knowledge-check" in line for line in added) and any("observed-practice" in line for line in added), added


def test_coordinator_completion_record_before_completion_is_an_error_page(person, server):
    lee = server.trainees["lee"]
    as_coordinator(person, server)
    person.open(f"/trainees/{lee.id}")
    person.follow("Completion record")
    assert person.driver.current_url == server.base + f"/trainees/{lee.id}/certificate"
    assert "There is no completion record yet" in person.driver.find_element(By.CSS_SELECTOR, "main .notice[role='alert']").text, person.main
    assert "Error 422" in person.main
    # The error page keeps the coordinator's navigation and Sign out.
    assert [a.text for a in person.driver.find_elements(By.CSS_SELECTOR, "header nav a")] == COORDINATOR_NAV
    assert person.driver.find_elements(By.CSS_SELECTOR, "header form.sign-out button")
    status, _, body = fetch(person, f"/trainees/{lee.id}/certificate")
    assert status == 422 and b"There is no completion record yet" in body, status
    person.check("completion-record-not-yet")
    message = person.driver.find_element(By.CSS_SELECTOR, "main .notice[role='alert']").text
    plain(person.checks, "completion-record-not-yet", message)
    if person.h1 == "Unprocessable Content":
        person.checks.wording.append("completion-record-not-yet: the heading (and title) is the HTTP status phrase "
                                     "'Unprocessable Content', not what happened")
    person.follow("Go to your start page")
    assert person.h1 == "Trainees"
    person.sign_out()


def test_forms_work_with_javascript_off(server, checks):
    """A coach records a coaching session in a Chromium with JavaScript turned off."""
    browser = Browser(start_tracker_chromium(javascript=False))
    try:
        browser.set_viewport(*PHONE)
        coach, lee = server.accounts["coach"], server.trainees["lee"]
        person = Person(browser, server, checks)
        person.sign_in(coach.login, coach.password)
        assert person.h1 == "My trainees"
        person.follow(lee.name)
        person.follow("Record a coaching session")
        assert not browser.driver.find_elements(By.ID, "observer"), "a coach is the observer: there is no name to type"
        person.type("minutes", "20")
        person.driver.find_element(By.CSS_SELECTOR, "input[name='competencies'][value='role-clarity']").click()
        person.type("next_step", "Role-play the first visit")
        person.press(person.button("Save"))
        assert person.h1 == lee.name
        saved = [row for row in person.rows("evidence-heading") if "coaching-session" in row and "20 min" in row]
        assert saved and coach.login in saved[0] and "entered by" not in saved[0], person.rows("evidence-heading")
        person.sign_out()
        browser.collect_requests()
        checks.other_requests += browser.requests
    finally:
        browser.driver.quit()


# ---- Screenshots for the docs, and the server's stop ---------------------------------------------

def test_screenshots_for_the_docs(checks, screenshots):
    """The five pages docs/tracker-web.md shows were photographed (copy them into docs/screenshots/
    by hand when the pages change: a test does not write into the repository)."""
    for name in DOCS_SCREENSHOTS:
        source = screenshots / name
        assert source.is_file() and source.stat().st_size > 5000, f"no screenshot {source}"


def test_sigterm_stops_the_server_cleanly(server):
    status = server.stop()
    assert status == 0, f"exit status {status}:\n{''.join(server.output)}{server.errors()}"
    assert "Stopped; the database is closed." in "".join(server.output), server.output


# ---- What every page showed ------------------------------------------------------------------------
# Asserted last, so that a problem in the templates fails these and not the tasks above.

def test_every_page_was_seen(checks):
    missing = EXPECTED_PAGES - set(checks.seen)
    assert not missing, f"pages never checked (run the whole module, in order): {sorted(missing)}"


def test_every_tracker_page_has_no_wcag_21_aa_violations(checks):
    assert checks.seen
    assert not checks.axe, "axe found WCAG 2.1 AA violations:\n" + "\n".join(checks.axe)


def test_no_tracker_page_scrolls_sideways_at_360px(checks):
    assert checks.seen
    assert not checks.overflow, "\n".join(checks.overflow)


def test_no_request_leaves_the_server(tracker_browser, server, checks):
    tracker_browser.collect_requests()
    requests = tracker_browser.requests + checks.other_requests
    addresses = [address for _, address in requests]
    assert any(address == server.base + "/static/tracker.css" for address in addresses), "the stylesheet was never loaded"
    outside = [f"{page} asked for {address}" for page, address in requests
               if not (address == server.base or address.startswith((server.base + "/", "data:", "about:")))]
    assert not outside, "\n".join(outside)


def test_no_page_has_a_script(checks):
    assert checks.pages_loaded >= 40
    assert not checks.scripts, "pages with <script: " + ", ".join(checks.scripts)


def test_coordinator_pages_speak_plainly(checks):
    """The coordinator's pages in plain words: no command-line wording, and grammar that fits the count."""
    assert {"add-trainee-no-name", "trainee-void-error", "import-problems", "completion-record-not-yet"} <= set(checks.seen)
    assert not checks.wording, "\n".join(checks.wording)


def test_error_summary_links_reach_their_fields(checks):
    assert {"observation-form-errors", "add-trainee-errors", "edit-trainee-error"} <= set(checks.seen)
    assert not checks.summary_links, "\n".join(checks.summary_links)
