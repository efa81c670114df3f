"""The web tracker (`trellis tracker serve`) in a real browser: a real server from the trellis
binary on a fresh database, and a person of each role doing their main task through the forms.

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
    "trainees", "coaching-form", "my-progress", "accounts", "accounts-new-link", "audit-log", "not-found",
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


def test_error_summary_links_reach_their_fields(checks):
    assert {"observation-form-errors"} <= set(checks.seen)
    assert not checks.summary_links, "\n".join(checks.summary_links)
