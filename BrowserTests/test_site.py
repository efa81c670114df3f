"""The compiled site, checked in a real browser (headless Chromium through Selenium), opened
straight from disk (file://) as a peer specialist would open it from a USB stick.

Run with Scripts/test, or: python3 -m pytest BrowserTests -q (see conftest.py for the environment).
"""
import html.parser
import json
import pathlib
import re
import urllib.parse
import zipfile
import zlib

import pytest
from axe_core_python.base import AXE_SCRIPT
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from conftest import EDITIONS, ROOT, run_trellis, start_chromium

WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SAMPLE_MODULE = "professional-boundaries"


def url(site: pathlib.Path, edition: str, path: str) -> str:
    page, _, query = path.partition("?")
    return (site / edition / page).as_uri() + ("?" + query if query else "")


def page_types(site: pathlib.Path, edition: str) -> dict[str, str]:
    """One page of every kind the edition has, by name."""
    competency = sorted((site / edition / "competencies").glob("*.html"))[0].name
    pages = {
        "home": "index.html",
        "module": f"modules/{SAMPLE_MODULE}.html",
        "competency": f"competencies/{competency}",
        "competency map": "competency-map.html",
        "search results": "search.html?q=boundaries",
        "404": "404.html",
        # Every module's body, on one page: axe checks the content of all modules here.
        "whole curriculum": "manual.html",
    }
    if edition == "trainer":
        pages["facilitator overview"] = "facilitator.html"
    return pages


def wait_for_search_results(browser) -> list:
    """The result links of search.html, once the search has run (possibly finding nothing)."""
    def searched(driver):
        status = driver.find_element(By.ID, "search-status").text
        return status and not status.startswith("Loading")
    WebDriverWait(browser.driver, 20).until(searched)
    return browser.driver.find_elements(By.CSS_SELECTOR, "#search-results a.search-result")


def open_page(browser, site, edition, path):
    browser.open(url(site, edition, path))
    if path.startswith("search.html?q="):
        wait_for_search_results(browser)


def run_axe(browser) -> list[dict]:
    browser.driver.execute_script(AXE_SCRIPT)
    options = {"runOnly": {"type": "tag", "values": WCAG_AA_TAGS}, "resultTypes": ["violations"]}
    results = browser.driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document, arguments[0]).then(function (r) { done(r); }, function (e) { done({error: String(e)}); });",
        options)
    assert "error" not in results, results.get("error")
    return results["violations"]


def describe(violations: list[dict], where: str) -> list[str]:
    lines = []
    for violation in violations:
        for node in violation["nodes"]:
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"{where}: {violation['id']} ({violation['impact']}) at {node['target']}: {summary}")
    return lines


# ---- Accessibility ------------------------------------------------------------------------

@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("edition", EDITIONS)
def test_every_page_type_has_no_wcag_21_aa_violations(browser, site, edition, scheme):
    browser.set_color_scheme(scheme)
    problems = []
    try:
        for name, path in page_types(site, edition).items():
            open_page(browser, site, edition, path)
            problems += describe(run_axe(browser), f"{edition}/{path} ({scheme}, {name})")
        # The header search with its results panel open.
        open_page(browser, site, edition, f"modules/{SAMPLE_MODULE}.html")
        box = browser.driver.find_element(By.ID, "site-search-input")
        box.send_keys("reunification")
        WebDriverWait(browser.driver, 20).until(
            expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, "#site-search-popup a.search-result")))
        problems += describe(run_axe(browser), f"{edition} header search results ({scheme})")
    finally:
        browser.set_color_scheme("light")
    assert not problems, "axe found WCAG 2.1 AA violations:\n" + "\n".join(problems)


def test_pages_have_one_h1_and_headings_in_order(browser, site):
    for edition in EDITIONS:
        for name, path in page_types(site, edition).items():
            open_page(browser, site, edition, path)
            levels = browser.driver.execute_script(
                "return Array.from(document.querySelectorAll('main h1, main h2, main h3, main h4, main h5, main h6'))"
                ".map(function (h) { return Number(h.tagName[1]); });")
            assert levels.count(1) == 1 and levels[0] == 1, f"{edition}/{path}: headings {levels[:5]}…"
            for before, after in zip(levels, levels[1:]):
                assert after <= before + 1, f"{edition}/{path}: h{before} is followed by h{after}"


# ---- Search -------------------------------------------------------------------------------

SEARCHES = [
    ("boundaries", ["professional-boundaries"]),
    ("reunification", ["child-welfare"]),
    ("tantrum", ["explore", "parenting-across-the-life-span"]),
    ("dual relationship", ["professional-boundaries"]),
]


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("query, expected_modules", SEARCHES)
def test_search_finds_the_expected_module_from_disk(browser, site, edition, query, expected_modules):
    browser.open(url(site, edition, "search.html?q=" + urllib.parse.quote(query)))
    results = wait_for_search_results(browser)
    assert results, f"no results for {query!r}"
    first = results[0].get_attribute("href")
    assert any(f"/modules/{module}.html" in first for module in expected_modules), f"{query!r}: first result is {first}"
    snippet = browser.driver.find_element(By.CSS_SELECTOR, "#search-results li .search-snippet")
    marks = snippet.find_elements(By.TAG_NAME, "mark") + results[0].find_elements(By.TAG_NAME, "mark")
    assert marks, f"{query!r}: the first result highlights no match"
    # The link goes straight to an existing section.
    results[0].click()
    WebDriverWait(browser.driver, 10).until(lambda d: "/modules/" in d.current_url)
    fragment = urllib.parse.urlparse(browser.driver.current_url).fragment
    if fragment:
        assert browser.driver.execute_script("return !!document.getElementById(arguments[0]);",
                                             urllib.parse.unquote(fragment)), browser.driver.current_url


def trainer_only_words(site) -> list[str]:
    """Words that occur in the trainer edition's index but nowhere in the trainee edition's."""
    def words(edition):
        text = (site / edition / "search-index.js").read_text(encoding="utf-8")
        docs = json.loads(text[text.index("{"):text.rindex("}") + 1])["docs"]
        return set(re.findall(r"[a-z]{6,}", " ".join(d["t"] + " " + d["h"] + " " + d["b"] for d in docs).lower()))
    return sorted(words("trainer") - words("trainee"))[:3]


def test_trainee_search_never_finds_trainer_note_text(browser, site):
    words = trainer_only_words(site)
    assert words, "the trainer edition should have words of its own (its trainer notes)"
    for word in words:
        browser.open(url(site, "trainer", "search.html?q=" + word))
        assert wait_for_search_results(browser), f"trainer edition finds no {word!r}"
        browser.open(url(site, "trainee", "search.html?q=" + word))
        wait_for_search_results(browser)
        for result in browser.driver.find_elements(By.CSS_SELECTOR, "#search-results li"):
            # A prefix match on a longer trainee word is fine; the trainer word itself must not appear.
            assert word not in result.text.lower(), f"trainee search shows trainer text {word!r}: {result.text}"
    assert "Trainer note" not in (site / "trainee" / "search-index.js").read_text(encoding="utf-8")


def test_keyboard_slash_focuses_search_and_arrows_choose_a_result(browser, site):
    driver = browser.driver
    browser.open(url(site, "trainee", "modules/engage.html"))
    driver.find_element(By.TAG_NAME, "body").send_keys("/")
    assert driver.switch_to.active_element.get_attribute("id") == "site-search-input"
    driver.switch_to.active_element.send_keys("boundaries")
    WebDriverWait(driver, 20).until(
        expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, "#site-search-popup a.search-result")))
    driver.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
    first = driver.switch_to.active_element
    assert "search-result" in first.get_attribute("class")
    first.send_keys(Keys.ARROW_DOWN)
    second = driver.switch_to.active_element
    assert second.get_attribute("href") != first.get_attribute("href")
    second.send_keys(Keys.ARROW_UP)
    chosen = driver.switch_to.active_element
    target = chosen.get_attribute("href")
    assert "professional-boundaries.html" in target
    chosen.send_keys(Keys.ENTER)
    WebDriverWait(driver, 10).until(lambda d: d.current_url == target)

    # On the search page: "/" focuses its own box; the down arrow reaches the results.
    browser.open(url(site, "trainee", "search.html?q=reunification"))
    wait_for_search_results(browser)
    driver.find_element(By.TAG_NAME, "body").send_keys("/")
    assert driver.switch_to.active_element.get_attribute("id") == "search-page-input"
    driver.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
    assert "child-welfare.html" in driver.switch_to.active_element.get_attribute("href")


def test_header_search_form_works_without_javascript_landing_on_the_search_page(browser, site):
    driver = browser.driver
    browser.open(url(site, "trainee", "index.html"))
    box = driver.find_element(By.ID, "site-search-input")
    box.send_keys("reunification")
    box.send_keys(Keys.ENTER)
    WebDriverWait(driver, 10).until(lambda d: "search.html?q=reunification" in d.current_url)
    assert "child-welfare.html" in wait_for_search_results(browser)[0].get_attribute("href")


# ---- Links and offline --------------------------------------------------------------------

class LinkCollector(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (attribute, value)

    def handle_starttag(self, tag, attributes):
        for name, value in attributes:
            if name == "id" and value:
                self.ids.add(value)
            elif name in ("href", "src", "action") and value is not None:
                self.links.append((name, value))


def test_every_link_and_anchor_in_the_built_site_resolves(site):
    parsed: dict[pathlib.Path, LinkCollector] = {}

    def parse(path: pathlib.Path) -> LinkCollector:
        if path not in parsed:
            collector = LinkCollector()
            collector.feed(path.read_text(encoding="utf-8"))
            parsed[path] = collector
        return parsed[path]

    problems = []
    checked = 0
    for edition in EDITIONS:
        root = (site / edition).resolve()
        for page in sorted(root.rglob("*.html")):
            for attribute, value in parse(page).links:
                target = urllib.parse.urlsplit(value)
                if target.scheme in ("http", "https", "mailto", "tel"):
                    if attribute != "href":
                        problems.append(f"{page.relative_to(site)}: {attribute} loads {value} from the network")
                    continue
                assert not target.scheme and not target.netloc, f"{page}: unexpected URL {value}"
                checked += 1
                destination = (page.parent / urllib.parse.unquote(target.path)).resolve() if target.path else page
                if root not in destination.parents and destination != root:
                    problems.append(f"{page.relative_to(site)}: {value} leaves the site")
                elif not destination.is_file():
                    problems.append(f"{page.relative_to(site)}: {value} does not exist")
                elif target.fragment and destination.suffix == ".html":
                    if urllib.parse.unquote(target.fragment) not in parse(destination).ids:
                        problems.append(f"{page.relative_to(site)}: {value} has no element with id {target.fragment!r}")
    assert checked > 1000
    assert not problems, "\n".join(problems)


def test_no_request_leaves_the_site_and_no_script_errors(browser, site):
    """Every page type of both editions plus a search: nothing but file: and data: URLs, no console errors."""
    driver = browser.driver
    browser.collect_requests()
    browser.requests.clear()
    driver.get_log("browser")
    errors = []
    for edition in EDITIONS:
        for path in page_types(site, edition).values():
            open_page(browser, site, edition, path)
            errors += [f"{edition}/{path}: {entry['message']}" for entry in driver.get_log("browser")
                       if entry["level"] == "SEVERE"]
        browser.open(url(site, edition, "search.html"))
        driver.find_element(By.ID, "search-page-input").send_keys("home visit")
        wait_for_search_results(browser)
        browser.collect_requests()
    requested = [address for _, address in browser.requests]
    assert any(address.endswith("/static/lunr.min.js") for address in requested), "the search engine was never loaded"
    assert any(address.endswith("/search-index.js") for address in requested), "the search index was never loaded"
    outside = [f"{page} asked for {address}" for page, address in browser.requests
               if not address.startswith(("file://", "data:"))]
    assert not outside, "\n".join(outside)
    assert not errors, "\n".join(errors)


# ---- Layout -------------------------------------------------------------------------------

def on_screen(driver, selector: str) -> bool:
    """Whether the element is what a reader sees at its own centre (WebDriver's is_displayed
    counts everything in a closed <details> as hidden, even when CSS shows it)."""
    return driver.execute_script(
        "var e = document.querySelector(arguments[0]); if (!e) return false; var r = e.getBoundingClientRect();"
        "if (!r.width || !r.height) return false;"
        "var hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);"
        "return !!hit && (hit === e || e.contains(hit));", selector)


@pytest.mark.parametrize("width, height, mobile", [(360, 800, True), (1280, 900, False)])
def test_screenshots_and_no_sideways_scrolling(browser, site, screenshots, width, height, mobile):
    browser.set_viewport(width, height, mobile)
    problems = []
    try:
        for edition in EDITIONS:
            for name, path in page_types(site, edition).items():
                open_page(browser, site, edition, path)
                overflow = browser.driver.execute_script(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;")
                assert overflow <= 1, f"{edition}/{path} scrolls sideways by {overflow}px at {width}px"
                if mobile and edition == "trainee" and name != "whole curriculum":
                    # Rules that depend on layout (scrolling regions, reflow) at phone width.
                    problems += describe(run_axe(browser), f"{edition}/{path} at {width}px")
                if edition == "trainee" and name in ("home", "module", "search results"):
                    browser.driver.save_screenshot(str(screenshots / f"{name.replace(' ', '-')}-{width}.png"))
        # On phones the menu is a button; on desktops its links show at once.
        browser.open(url(site, "trainee", "index.html"))
        summary = browser.driver.find_element(By.CSS_SELECTOR, ".site-menu summary")
        if mobile:
            assert summary.is_displayed() and not on_screen(browser.driver, ".site-menu nav a")
            summary.click()
            assert on_screen(browser.driver, ".site-menu nav a")
            browser.driver.save_screenshot(str(screenshots / f"menu-open-{width}.png"))
        else:
            assert on_screen(browser.driver, ".site-menu nav a") and not summary.is_displayed()
        browser.set_color_scheme("dark")
        open_page(browser, site, "trainee", f"modules/{SAMPLE_MODULE}.html")
        browser.driver.save_screenshot(str(screenshots / f"module-dark-{width}.png"))
        assert not problems, "axe found WCAG 2.1 AA violations:\n" + "\n".join(problems)
    finally:
        browser.set_color_scheme("light")
        browser.reset_viewport()


def test_navigation_works_without_javascript(site, screenshots):
    from conftest import Browser
    browser = Browser(start_chromium(javascript=False))
    try:
        driver = browser.driver
        browser.open(url(site, "trainee", "index.html"))
        assert driver.execute_script("return 1") == 1  # WebDriver scripts still run; the page's do not
        assert on_screen(driver, ".site-menu nav a"), "the desktop menu is hidden without JavaScript"
        browser.set_viewport(360, 800, True)
        browser.open(url(site, "trainee", "index.html"))
        assert not on_screen(driver, ".site-menu nav a"), "the phone menu starts closed"
        driver.find_element(By.CSS_SELECTOR, ".site-menu summary").click()
        assert on_screen(driver, ".site-menu nav a[href$='competency-map.html']")
        driver.find_element(By.CSS_SELECTOR, ".site-menu nav a[href$='competency-map.html']").click()
        WebDriverWait(driver, 10).until(lambda d: d.current_url.endswith("competency-map.html"))
        box = driver.find_element(By.ID, "site-search-input")
        box.send_keys("boundaries", Keys.ENTER)
        WebDriverWait(driver, 10).until(lambda d: "search.html?q=boundaries" in d.current_url)
        assert "Search needs JavaScript" in driver.find_element(By.TAG_NAME, "main").text
        driver.save_screenshot(str(screenshots / "search-no-javascript-360.png"))

        # The reader's controls need the script: without it there are none (no dead buttons),
        # and the pages read as they always have.
        browser.open(url(site, "trainee", "index.html"))
        assert not displayed(driver, ".reader-progress") and not displayed(driver, ".track-progress")
        browser.open(url(site, "trainee", f"modules/{SAMPLE_MODULE}.html"))
        assert not displayed(driver, ".module-done") and not driver.find_elements(By.CSS_SELECTOR, ".reader-settings")
        buttons = [b.text for b in driver.find_elements(By.CSS_SELECTOR, "button") if b.is_displayed()]
        assert buttons == ["Search"], buttons
        assert not on_screen(driver, ".toc a"), "on a phone the contents start closed"
        click(driver, driver.find_element(By.CSS_SELECTOR, ".toc-details > summary"))
        assert on_screen(driver, ".toc a")
        assert on_screen(driver, ".back-to-top a") or driver.find_element(By.CSS_SELECTOR, ".back-to-top a").get_attribute("href").endswith("#main")
        browser.open(url(site, "trainee", "competency-map.html"))
        assert not displayed(driver, ".map-matrix") and displayed(driver, ".map-list")
        browser.set_viewport(1280, 900, False)
        browser.open(url(site, "trainee", f"modules/{SAMPLE_MODULE}.html"))
        assert on_screen(driver, ".toc a"), "on wide screens the contents show beside the lesson"
        browser.open(url(site, "trainee", "competency-map.html"))
        assert displayed(driver, ".map-matrix")
    finally:
        browser.driver.quit()


# ---- Print and offline copies -------------------------------------------------------------

def test_pdf_handouts_and_zip_of_a_small_curriculum(tmp_path, browser):
    """--pdf and --zip on the three-module test curriculum (the shipped one takes a minute to print)."""
    curriculum = ROOT / "Tests" / "Fixtures" / "valid"
    run_trellis("build", "--curriculum", str(curriculum), "--theme", str(ROOT / "Site"), "--output", str(tmp_path),
                "--edition", "trainee", "--pdf", "--zip", "--today", "2026-11-23")
    pdfs = sorted(p.name for p in (tmp_path / "trainee" / "pdf").iterdir())
    modules = sorted(p.stem + ".pdf" for p in (curriculum / "modules").glob("*.md"))
    assert pdfs == sorted(modules + ["manual.pdf"])
    for name in pdfs:
        data = (tmp_path / "trainee" / "pdf" / name).read_bytes()
        assert data.startswith(b"%PDF-") and len(data) > 5000, name
    manual_pages = len(re.findall(rb"/Type\s*/Page[^s]", (tmp_path / "trainee" / "pdf" / "manual.pdf").read_bytes()))
    assert manual_pages >= len(modules), f"the manual has {manual_pages} pages for {len(modules)} modules"

    with zipfile.ZipFile(tmp_path / "trainee.zip") as archive:
        names = archive.namelist()
        assert names == sorted(names), "zip entries are in a fixed order"
        assert "trainee/index.html" in names and "trainee/pdf/manual.pdf" in names
        archive.extractall(tmp_path / "unzipped")
    browser.open((tmp_path / "unzipped" / "trainee" / "index.html").as_uri())
    assert browser.driver.find_element(By.TAG_NAME, "h1").text


# ---- Reader features: progress on this device ------------------------------------------------

def stored(browser) -> dict:
    """What the site keeps in this browser's localStorage (every file: page shares it)."""
    return browser.driver.execute_script(
        "var all = {}; for (var i = 0; i < localStorage.length; i++) { var k = localStorage.key(i);"
        " all[k] = localStorage.getItem(k); } return all;")


@pytest.fixture
def fresh_storage(browser, site):
    """Each reader-feature test starts, and leaves the browser, with nothing stored."""
    browser.open(url(site, "trainee", "404.html"))
    browser.driver.execute_script("localStorage.clear();")
    yield
    browser.reset_viewport()
    browser.set_color_scheme("light")
    browser.open(url(site, "trainee", "404.html"))
    browser.driver.execute_script("localStorage.clear();")


def text_of(driver, selector: str) -> str:
    return driver.execute_script("var e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : null;", selector)


def displayed(driver, selector: str) -> bool:
    """Whether the element is laid out at all (display and the hidden attribute), unlike on_screen."""
    return driver.execute_script(
        "var e = document.querySelector(arguments[0]); return !!e && e.getClientRects().length > 0"
        " && getComputedStyle(e).visibility !== 'hidden';", selector)


def scroll_to(driver, element) -> None:
    """Scrolls at once (the site scrolls smoothly, which WebDriver's clicks do not wait for)."""
    driver.execute_script("document.documentElement.style.scrollBehavior = 'auto';"
                          "arguments[0].scrollIntoView({block: 'center'});", element)


def click(driver, element) -> None:
    scroll_to(driver, element)
    element.click()


def mark_done(browser, site, edition, module):
    browser.open(url(site, edition, f"modules/{module}.html"))
    box = browser.driver.find_element(By.CSS_SELECTOR, ".module-done-box")
    assert box.is_displayed() and not box.is_selected()
    scroll_to(browser.driver, box)
    box.click()
    WebDriverWait(browser.driver, 5).until(lambda d: "Marked as done" in text_of(d, ".module-done-status"))


def module_count(site, edition) -> int:
    return len(set(re.findall(r'<li value="\d+"><a href="(modules/[^"]+)"',
                              (site / edition / "index.html").read_text(encoding="utf-8"))))


def test_mark_as_done_shows_progress_continue_and_reset(browser, site, screenshots, fresh_storage):
    driver = browser.driver
    total = module_count(site, "trainee")
    browser.set_viewport(360, 800, True)
    browser.open(url(site, "trainee", "index.html"))
    assert displayed(driver, ".reader-progress")
    assert text_of(driver, ".reader-progress .progress-count") == f"0 of {total} modules done"
    assert "this is not your training record" in text_of(driver, ".reader-progress .progress-note")
    assert not displayed(driver, ".progress-continue") and not displayed(driver, ".progress-reset")
    assert "stay in this browser, on this device" in text_of(driver, ".site-footer .privacy-note")

    # Mark a module done, and read on to one of its sections.
    mark_done(browser, site, "trainee", SAMPLE_MODULE)
    assert "Done" in text_of(driver, ".module-header .eyebrow")
    assert "this is not your training record" in text_of(driver, ".module-done .progress-note")
    problems = describe(run_axe(browser), "module with Mark as done checked at 360px")
    driver.save_screenshot(str(screenshots / "module-done-360.png"))
    section = driver.execute_script("return document.querySelectorAll('.toc a')[2].hash.slice(1);")
    driver.execute_script("document.documentElement.style.scrollBehavior = 'auto';"
                          "document.getElementById(arguments[0]).scrollIntoView();", section)
    WebDriverWait(driver, 5).until(lambda d: d.execute_script(
        "var a = document.querySelector('.toc a[aria-current]'); return a && a.hash.slice(1);") == section)
    heading = text_of(driver, f"[id='{section}']")
    title = text_of(driver, "h1")

    browser.open(url(site, "trainee", "index.html"))
    assert text_of(driver, ".reader-progress .progress-count") == f"1 of {total} modules done"
    assert driver.execute_script("return document.querySelector('.reader-progress .progress-bar span').style.width;") \
        == f"{round(100 / total)}%"
    item = driver.find_element(By.CSS_SELECTOR, f".module-list a[href='modules/{SAMPLE_MODULE}.html']").find_element(By.XPATH, "..")
    assert item.find_element(By.CSS_SELECTOR, ".done-mark").text.strip().lower() == "done"
    assert len(driver.find_elements(By.CSS_SELECTOR, ".module-list .done-mark")) == 1
    track = item.find_element(By.XPATH, "ancestor::section[contains(@class, 'track')]")
    in_track = len(track.find_elements(By.CSS_SELECTOR, ".module-list > li"))
    assert track.find_element(By.CSS_SELECTOR, ".track-progress .progress-count").text == f"1 of {in_track} done"
    other_tracks = driver.find_elements(By.CSS_SELECTOR, "section.track .track-progress .progress-count")
    assert sum(1 for count in other_tracks if count.text.startswith("0 of")) == len(other_tracks) - 1
    link = driver.find_element(By.CSS_SELECTOR, ".progress-continue-link")
    assert link.is_displayed() and link.text == title
    assert link.get_attribute("href").endswith(f"modules/{SAMPLE_MODULE}.html#{section}")
    assert heading in text_of(driver, ".progress-continue")
    problems += describe(run_axe(browser), "home with progress at 360px")
    driver.execute_script("document.querySelector('.reader-progress').scrollIntoView();")
    driver.save_screenshot(str(screenshots / "home-progress-360.png"))

    # Reset asks first; No keeps everything.
    click(driver, driver.find_element(By.CSS_SELECTOR, ".progress-reset"))
    assert driver.switch_to.active_element.get_attribute("class") == "progress-reset-yes"
    problems += describe(run_axe(browser), "home asking to reset at 360px")
    click(driver, driver.find_element(By.CSS_SELECTOR, ".progress-reset-no"))
    assert driver.switch_to.active_element.get_attribute("class") == "progress-reset"
    assert text_of(driver, ".reader-progress .progress-count") == f"1 of {total} modules done"
    click(driver, driver.find_element(By.CSS_SELECTOR, ".progress-reset"))
    click(driver, driver.find_element(By.CSS_SELECTOR, ".progress-reset-yes"))
    assert text_of(driver, ".reader-progress .progress-count") == f"0 of {total} modules done"
    assert "cleared" in text_of(driver, ".progress-status")
    assert not driver.find_elements(By.CSS_SELECTOR, ".module-list .done-mark")
    assert not displayed(driver, ".progress-continue") and not displayed(driver, ".progress-reset-row")
    assert not any(key.startswith("trellis-progress:") for key in stored(browser))
    browser.open(url(site, "trainee", f"modules/{SAMPLE_MODULE}.html"))
    assert not driver.find_element(By.CSS_SELECTOR, ".module-done-box").is_selected()
    assert not problems, "axe found WCAG 2.1 AA violations:\n" + "\n".join(problems)


def test_unmarking_a_module_and_progress_from_another_visit(browser, site, fresh_storage):
    driver = browser.driver
    mark_done(browser, site, "trainee", SAMPLE_MODULE)
    browser.open(url(site, "trainee", f"modules/{SAMPLE_MODULE}.html"))
    box = driver.find_element(By.CSS_SELECTOR, ".module-done-box")
    assert box.is_selected(), "a reload shows the module as done"
    scroll_to(driver, box)
    box.click()
    assert "No longer marked" in text_of(driver, ".module-done-status")
    assert "Done" not in text_of(driver, ".module-header .eyebrow")
    browser.open(url(site, "trainee", "index.html"))
    assert text_of(driver, ".reader-progress .progress-count").startswith("0 of")
    # The last module opened is still offered.
    assert driver.find_element(By.CSS_SELECTOR, ".progress-continue-link").get_attribute("href").split("#")[0] \
        .endswith(f"modules/{SAMPLE_MODULE}.html")


def test_progress_is_kept_apart_for_each_curriculum_and_edition(browser, site, tmp_path, fresh_storage):
    """Chromium treats every file: page as one origin: two curricula or editions must not share progress."""
    driver = browser.driver
    other = tmp_path / "other"
    run_trellis("build", "--curriculum", str(ROOT / "Tests" / "Fixtures" / "valid"), "--theme", str(ROOT / "Site"),
                "--output", str(other), "--edition", "trainee")
    mark_done(browser, site, "trainee", SAMPLE_MODULE)

    browser.open(url(site, "trainer", "index.html"))
    assert text_of(driver, ".reader-progress .progress-count").startswith("0 of"), "the trainer edition has its own"
    assert not driver.find_elements(By.CSS_SELECTOR, ".module-list .done-mark")
    assert not displayed(driver, ".progress-continue")

    browser.open((other / "trainee" / "index.html").as_uri())
    assert text_of(driver, ".reader-progress .progress-count") == "0 of 3 modules done", "another curriculum has its own"
    browser.open((other / "trainee" / "modules" / "welcome.html").as_uri())
    click(driver, driver.find_element(By.CSS_SELECTOR, ".module-done-box"))
    browser.open((other / "trainee" / "index.html").as_uri())
    assert text_of(driver, ".reader-progress .progress-count") == "1 of 3 modules done"
    assert "Welcome to the work" in text_of(driver, ".progress-continue")

    browser.open(url(site, "trainee", "index.html"))
    assert text_of(driver, ".reader-progress .progress-count").startswith("1 of")
    assert SAMPLE_MODULE in driver.find_element(By.CSS_SELECTOR, ".progress-continue-link").get_attribute("href")
    keys = sorted(key for key in stored(browser) if key.startswith("trellis-progress:"))
    assert keys == ["trellis-progress:trainee:Fixture Training", "trellis-progress:trainee:Parent Peer Specialist Training"], keys
    saved = json.loads(stored(browser)["trellis-progress:trainee:Parent Peer Specialist Training"])
    assert set(saved["done"]) == {SAMPLE_MODULE}


def test_the_site_works_when_the_browser_refuses_storage(browser, site):
    """Private modes can make localStorage throw: no progress controls, everything else works."""
    driver = browser.driver
    script = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source":
        "Object.defineProperty(window, 'localStorage', { configurable: true,"
        " get: function () { throw new DOMException('The operation is insecure.', 'SecurityError'); } });"})
    driver.get_log("browser")
    try:
        browser.open(url(site, "trainee", f"modules/{SAMPLE_MODULE}.html"))
        assert driver.execute_script("try { localStorage; return false; } catch (e) { return true; }")
        assert not displayed(driver, ".module-done"), "no Mark as done that could not be kept"
        assert on_screen(driver, ".toc a") or driver.find_element(By.CSS_SELECTOR, ".toc-details summary")
        larger = driver.find_element(By.CSS_SELECTOR, ".reader-settings .text-larger")
        larger.click()
        assert driver.execute_script("return document.documentElement.dataset.textSize;") == "1", "works for this page"
        box = driver.find_element(By.ID, "site-search-input")
        box.send_keys("reunification")
        WebDriverWait(driver, 20).until(
            expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, "#site-search-popup a.search-result")))
        browser.open(url(site, "trainee", "index.html"))
        assert not displayed(driver, ".reader-progress") and not displayed(driver, ".track-progress")
        errors = [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
        assert not errors, "\n".join(errors)
    finally:
        driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]})


# ---- Reader features: phone first --------------------------------------------------------------

def test_phone_header_contents_disclosure_and_menu_beside_search(browser, site, screenshots, fresh_storage):
    driver = browser.driver
    browser.set_viewport(360, 800, True)
    browser.open(url(site, "trainee", f"modules/{SAMPLE_MODULE}.html"))
    header = driver.execute_script("return document.querySelector('.site-header').getBoundingClientRect().height;")
    assert header <= 112, f"the phone header is {header}px tall"
    # The contents are one closed line, so the lesson comes sooner.
    assert not driver.execute_script("return document.querySelector('.toc-details').open;")
    toc_height = driver.execute_script("return document.querySelector('.toc').getBoundingClientRect().height;")
    assert toc_height < 60, f"the closed contents take {toc_height}px"
    summary = driver.find_element(By.CSS_SELECTOR, ".toc-details > summary")
    scroll_to(driver, summary)
    summary.click()
    assert on_screen(driver, ".toc a")
    driver.save_screenshot(str(screenshots / "contents-open-360.png"))
    problems = describe(run_axe(browser), "module with its contents open at 360px")
    target = driver.find_elements(By.CSS_SELECTOR, ".toc a")[1]
    fragment = target.get_attribute("hash")
    target.click()
    WebDriverWait(driver, 5).until(lambda d: urllib.parse.urlparse(d.current_url).fragment == fragment[1:])
    assert not driver.execute_script("return document.querySelector('.toc-details').open;"), "choosing a section closes it"

    # The open menu drops below the header: the search box stays visible and usable.
    driver.execute_script("window.scrollTo(0, 0);")
    driver.find_element(By.CSS_SELECTOR, ".site-menu summary").click()
    assert on_screen(driver, ".site-menu nav a") and on_screen(driver, "#site-search-input")
    assert on_screen(driver, ".site-search button[type=submit]")
    panel_top, header_bottom = driver.execute_script(
        "return [document.querySelector('.site-menu-panel').getBoundingClientRect().top,"
        " document.querySelector('.site-header').getBoundingClientRect().bottom];")
    assert panel_top >= header_bottom - 1
    assert on_screen(driver, ".reader-settings .text-larger") and on_screen(driver, ".reader-settings .theme-toggle")
    problems += describe(run_axe(browser), "open menu at 360px")
    driver.save_screenshot(str(screenshots / "menu-and-search-360.png"))
    driver.find_element(By.ID, "site-search-input").click()
    assert not on_screen(driver, ".site-menu nav a"), "moving to the search box closes the menu"
    driver.find_element(By.CSS_SELECTOR, ".site-menu summary").click()
    driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    assert not on_screen(driver, ".site-menu nav a"), "Escape closes the menu"

    # Wide screens: the contents stay open beside the lesson.
    browser.set_viewport(1280, 900, False)
    browser.open(url(site, "trainee", f"modules/{SAMPLE_MODULE}.html"))
    assert driver.execute_script("return document.querySelector('.toc-details').open;")
    assert on_screen(driver, ".toc a")
    toc, lesson = driver.execute_script(
        "return [document.querySelector('.toc').getBoundingClientRect().left,"
        " document.querySelector('.module-body').getBoundingClientRect().right];")
    assert toc > lesson, "the contents sit beside the lesson"
    assert not problems, "axe found WCAG 2.1 AA violations:\n" + "\n".join(problems)


def test_the_lesson_starts_on_the_first_phone_screen(browser, site, fresh_storage):
    """At 360 x 800 the overview and the contents are one line each, so the lesson's first
    heading is on the first screen; from tablets up, and in print, the overview is open."""
    driver = browser.driver
    browser.set_viewport(360, 800, True)
    late = []
    for page in sorted((site / "trainee" / "modules").glob("*.html")):
        browser.open(url(site, "trainee", f"modules/{page.name}"))
        assert not driver.execute_script("return document.querySelector('.overview-details').open;")
        top = driver.execute_script("return document.querySelector('.module-body').getBoundingClientRect().top;")
        if top > 800:
            late.append(f"{page.stem}: {top:.0f}px")
    assert not late, "the lesson starts below the first screen: " + ", ".join(late)
    # The overview opens, and it is open from tablets up.
    browser.open(url(site, "trainee", f"modules/{SAMPLE_MODULE}.html"))
    driver.find_element(By.CSS_SELECTOR, ".overview-details > summary").click()
    assert on_screen(driver, ".module-overview li")
    browser.set_viewport(800, 900, False)
    browser.open(url(site, "trainee", f"modules/{SAMPLE_MODULE}.html"))
    assert driver.execute_script("return document.querySelector('.overview-details').open;")


def test_reading_progress_bar_and_back_to_top(browser, site, screenshots, fresh_storage):
    driver = browser.driver
    browser.set_viewport(360, 800, True)
    try:
        for motion in ("no-preference", "reduce"):
            driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                                   {"media": "", "features": [{"name": "prefers-reduced-motion", "value": motion}]})
            browser.open(url(site, "trainee", f"modules/{SAMPLE_MODULE}.html"))
            bar = driver.find_element(By.CSS_SELECTOR, ".reading-progress")
            assert bar.get_attribute("aria-hidden") == "true"
            assert displayed(driver, ".reading-progress"), "a long module shows how far you have read"
            scale = "return new DOMMatrix(getComputedStyle(document.querySelector('.reading-progress span')).transform).a;"
            assert driver.execute_script(scale) < 0.05
            assert not on_screen(driver, ".back-to-top a"), "no Back to top at the top"
            driver.execute_script("document.documentElement.style.scrollBehavior = 'auto';"
                                  "window.scrollTo(0, (document.documentElement.scrollHeight - innerHeight) / 2);")
            WebDriverWait(driver, 5).until(lambda d: 0.3 < d.execute_script(scale) < 0.7)
            WebDriverWait(driver, 5).until(lambda d: on_screen(d, ".back-to-top a"))
            if motion == "no-preference":
                driver.save_screenshot(str(screenshots / "module-reading-360.png"))
                problems = describe(run_axe(browser), "module scrolled halfway at 360px")
                assert not problems, "\n".join(problems)
            else:
                assert driver.execute_script("return getComputedStyle(document.documentElement).scrollBehavior;") == "auto"
                assert driver.execute_script(
                    "return getComputedStyle(document.querySelector('.toc-details > summary'), '::before').transitionDuration;") == "0s"
            driver.execute_script("document.documentElement.style.scrollBehavior = '';")
            driver.find_element(By.CSS_SELECTOR, ".back-to-top a").click()
            WebDriverWait(driver, 10).until(lambda d: d.execute_script("return window.scrollY;") == 0)
            assert driver.switch_to.active_element.get_attribute("id") == "main", "the focus moves to the content"
            # At the end of the page it sits in its place above the footer.
            driver.execute_script("document.documentElement.style.scrollBehavior = 'auto';"
                                  "window.scrollTo(0, document.documentElement.scrollHeight);")
            WebDriverWait(driver, 5).until(lambda d: "is-floating" not in
                                           d.find_element(By.CSS_SELECTOR, ".back-to-top").get_attribute("class"))
            assert on_screen(driver, ".back-to-top a")
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "", "features": []})
    browser.open(url(site, "trainee", "404.html"))
    assert not driver.find_elements(By.CSS_SELECTOR, ".reading-progress, .back-to-top")


def test_text_size_and_light_or_dark_switch_are_remembered(browser, site, screenshots, fresh_storage):
    driver = browser.driver
    size = "return parseFloat(getComputedStyle(document.documentElement).fontSize);"
    background = "return getComputedStyle(document.body).backgroundColor;"
    browser.open(url(site, "trainee", f"modules/{SAMPLE_MODULE}.html"))
    assert driver.execute_script(size) == 16
    larger = driver.find_element(By.CSS_SELECTOR, ".reader-settings .text-larger")
    larger.click()
    larger.click()
    assert driver.execute_script(size) == 20
    browser.open(url(site, "trainee", "index.html"))
    assert driver.execute_script(size) == 20, "the text size is remembered"
    overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth;")
    assert overflow <= 1
    for _ in range(5):
        driver.find_element(By.CSS_SELECTOR, ".reader-settings .text-smaller").click()
    assert driver.execute_script(size) == 15
    assert driver.find_element(By.CSS_SELECTOR, ".reader-settings .text-smaller").get_attribute("aria-disabled") == "true"
    driver.find_element(By.CSS_SELECTOR, ".reader-settings .text-larger").click()
    assert driver.execute_script(size) == 16 and "trellis-text-size" not in stored(browser)

    # Dark by choice, on a device set to light; then light by choice on a device set to dark.
    problems = []
    for device, choice, colour in (("light", "dark", "rgb(21, 24, 28)"), ("dark", "light", "rgb(255, 255, 255)")):
        browser.set_color_scheme(device)
        browser.set_viewport(360, 800, True)
        browser.open(url(site, "trainee", f"modules/{SAMPLE_MODULE}.html"))
        toggle = driver.find_element(By.CSS_SELECTOR, ".reader-settings .theme-toggle")
        assert toggle.get_attribute("aria-pressed") == str(device == "dark").lower()
        driver.find_element(By.CSS_SELECTOR, ".site-menu summary").click()
        toggle.click()
        assert driver.execute_script("return document.documentElement.dataset.theme;") == choice
        assert toggle.get_attribute("aria-pressed") == str(choice == "dark").lower()
        assert driver.execute_script(background) == colour
        driver.save_screenshot(str(screenshots / f"menu-{choice}-by-choice-360.png"))
        problems += describe(run_axe(browser), f"module with the menu open, {choice} chosen on a {device} device, at 360px")
        driver.find_element(By.CSS_SELECTOR, ".site-menu summary").click()
        driver.save_screenshot(str(screenshots / f"module-{choice}-by-choice-360.png"))
        for width, height, mobile in ((360, 800, True), (1280, 900, False)):
            browser.set_viewport(width, height, mobile)
            for page in (f"modules/{SAMPLE_MODULE}.html", "index.html", "competency-map.html"):
                browser.open(url(site, "trainee", page))
                assert driver.execute_script("return document.documentElement.dataset.theme;") == choice, "remembered"
                assert driver.execute_script(background) == colour
                problems += describe(run_axe(browser), f"{page}, {choice} chosen on a {device} device, at {width}px")
        driver.save_screenshot(str(screenshots / f"competency-map-{choice}-by-choice-1280.png"))
        # Choosing what the device shows anyway goes back to following the device.
        driver.find_element(By.CSS_SELECTOR, ".reader-settings .theme-toggle").click()
        assert driver.execute_script("return document.documentElement.dataset.theme || null;") is None
        assert "trellis-theme" not in stored(browser)
    assert not problems, "axe found WCAG 2.1 AA violations:\n" + "\n".join(problems)


# ---- Reader features: the competency map on every screen -------------------------------------

def test_competency_map_is_a_list_wherever_the_table_does_not_fit(browser, site, screenshots):
    driver = browser.driver
    source = (site / "trainee" / "competency-map.html").read_text(encoding="utf-8")
    competencies = len(re.findall(r'<dt><a href="competencies/', source))
    assert competencies == len(list((site / "trainee" / "competencies").glob("*.html")))
    try:
        browser.set_viewport(360, 800, True)
        browser.open(url(site, "trainee", "competency-map.html"))
        assert not displayed(driver, ".map-matrix") and displayed(driver, ".map-note")
        assert len(driver.find_elements(By.CSS_SELECTOR, ".map-list dt a")) == competencies
        lonely = driver.execute_script(
            "return Array.from(document.querySelectorAll('.map-list dt')).filter(function (dt) {"
            " var next = dt.nextElementSibling; return !next || next.tagName !== 'DD'; })"
            ".map(function (dt) { return dt.textContent; });")
        assert not lonely, f"competencies with no modules listed: {lonely}"
        first = driver.find_element(By.CSS_SELECTOR, ".map-list dd a")
        assert "/modules/" in first.get_attribute("href")
        driver.execute_script("document.getElementById('domains').scrollIntoView();")
        driver.save_screenshot(str(screenshots / "competency-map-360.png"))

        browser.set_viewport(1280, 900, False)
        browser.open(url(site, "trainee", "competency-map.html"))
        assert displayed(driver, ".map-matrix") and not displayed(driver, ".map-note")
        cut = driver.execute_script("var w = document.querySelector('.map-matrix'); return w.scrollWidth - w.clientWidth;")
        assert cut <= 0, f"the table is cut off by {cut}px at 1280px"
        right = driver.execute_script("return Math.max.apply(null, Array.from(document.querySelectorAll('.matrix th'))"
                                      ".map(function (th) { return th.getBoundingClientRect().right; }));")
        assert right <= 1280
        driver.save_screenshot(str(screenshots / "competency-map-1280.png"))

        # In between, a table wider than the screen gives way to the list rather than being cut off.
        for width in (800, 1024):
            browser.set_viewport(width, 900, False)
            browser.open(url(site, "trainee", "competency-map.html"))
            fits = driver.execute_script("var w = document.querySelector('.map-matrix');"
                                         " return w.getClientRects().length > 0 && w.scrollWidth <= w.clientWidth;")
            assert fits or (not displayed(driver, ".map-matrix") and displayed(driver, ".map-note")), f"at {width}px"
            problems = describe(run_axe(browser), f"competency map at {width}px")
            assert not problems, "\n".join(problems)
        # Larger text can make the table too wide: the list takes over at once.
        browser.set_viewport(1280, 900, False)
        browser.open(url(site, "trainee", "competency-map.html"))
        for _ in range(3):
            driver.find_element(By.CSS_SELECTOR, ".reader-settings .text-larger").click()
        assert not displayed(driver, ".map-matrix") and displayed(driver, ".map-note")
    finally:
        driver.execute_script("localStorage.clear();")
        browser.reset_viewport()


# ---- Reader features: search ---------------------------------------------------------------

def test_search_results_are_grouped_by_module(browser, site):
    driver = browser.driver
    for query in ("boundaries", "home visit", "parent"):
        browser.open(url(site, "trainee", "search.html?q=" + urllib.parse.quote(query)))
        wait_for_search_results(browser)
        groups = driver.find_elements(By.CSS_SELECTOR, "#search-results > li.search-group")
        assert groups, query
        titles = [group.find_element(By.CSS_SELECTOR, "h2.search-group-title").text for group in groups]
        assert len(titles) == len(set(titles)), f"{query!r}: a module appears twice: {titles}"
        for group in groups:
            pages = {link.get_attribute("href").split("#")[0]
                     for link in group.find_elements(By.CSS_SELECTOR, ".search-sections a.search-result")}
            assert len(pages) == 1, f"{query!r}: one group links to {pages}"
        status = driver.find_element(By.ID, "search-status").text
        assert re.match(r"\d+ sections? in \d+ modules? for", status), status
        assert f"in {len(groups)} module" in status or "best 50 shown" in status
    # The best module first: its title matches.
    browser.open(url(site, "trainee", "search.html?q=boundaries"))
    wait_for_search_results(browser)
    first = driver.find_element(By.CSS_SELECTOR, "#search-results > li.search-group")
    assert "Professional boundaries" in first.find_element(By.CSS_SELECTOR, ".search-group-title").text
    # The header's panel: the best four modules, two sections each.
    browser.open(url(site, "trainee", "index.html"))
    driver.find_element(By.ID, "site-search-input").send_keys("parent")
    WebDriverWait(driver, 20).until(
        expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, "#site-search-popup a.search-result")))
    groups = driver.find_elements(By.CSS_SELECTOR, "#site-search-popup li.search-group")
    assert 1 <= len(groups) <= 4
    assert all(len(group.find_elements(By.CSS_SELECTOR, ".search-sections > li")) <= 2 for group in groups)
    assert driver.find_element(By.CSS_SELECTOR, "#site-search-popup .search-popup-all a").text.startswith("All ")


MARKS_IN_CONTEXT = """
return Array.from(document.querySelectorAll(arguments[0] + ' mark')).map(function (mark) {
  var before = mark.previousSibling, after = mark.nextSibling;
  return [before && before.nodeType === 3 ? before.data.slice(-1) : '', mark.textContent,
          after && after.nodeType === 3 ? after.data.charAt(0) : ''];
});"""


@pytest.mark.parametrize("query, typed_prefix", [("self", False), ("harm", False), ("parent", False), ("care", False),
                                                  ("boun", True), ("kin", True)])
def test_search_highlights_whole_words_or_typed_prefixes_never_inside_a_word(browser, site, query, typed_prefix):
    driver = browser.driver
    browser.open(url(site, "trainee", "search.html?q=" + query))
    assert wait_for_search_results(browser), query
    marks = driver.execute_script(MARKS_IN_CONTEXT, "#search-results")
    assert marks, f"{query!r}: nothing highlighted"
    letter = re.compile(r"\w")
    for before, text, after in marks:
        assert not letter.match(before), f"{query!r}: a mark starts inside a word: …{before}[{text}]{after}…"
        assert re.fullmatch(r"\w+", text), f"{query!r}: a mark spans more than one word: [{text}]"
        if typed_prefix:
            assert text.lower() == query, f"{query!r}: the typed part is marked, not [{text}]"
        elif letter.match(after):
            # Only the word being typed may be marked in part, as a prefix.
            assert text.lower() == query, f"{query!r}: a mark ends inside a word: [{text}]{after}…"
    if query == "self":
        texts = driver.execute_script("return document.getElementById('search-results').textContent;")
        assert "self-" in texts.lower(), "the test needs a hyphenated word such as self-care"


# ---- Reader features: page titles and print --------------------------------------------------

def test_home_page_title_names_the_curriculum_once(site):
    for edition in EDITIONS:
        home = (site / edition / "index.html").read_text(encoding="utf-8")
        title = re.search(r"<title>(.*?)</title>", home).group(1)
        assert title == "Parent Peer Specialist Training", title
        module = (site / edition / "modules" / f"{SAMPLE_MODULE}.html").read_text(encoding="utf-8")
        assert re.search(r"<title>Professional boundaries[^<]* · Parent Peer Specialist Training</title>", module)


def test_printing_leaves_out_the_reader_controls(browser, site, screenshots, fresh_storage):
    driver = browser.driver
    mark_done(browser, site, "trainee", SAMPLE_MODULE)
    driver.find_element(By.CSS_SELECTOR, ".reader-settings .text-larger").click()
    try:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print", "features": []})
        browser.open(url(site, "trainee", f"modules/{SAMPLE_MODULE}.html"))
        for selector in (".module-done", ".reading-progress", ".back-to-top", ".reader-settings", ".toc", ".site-header",
                         ".done-mark"):
            assert not displayed(driver, selector), f"{selector} is printed"
        assert driver.execute_script("return parseFloat(getComputedStyle(document.documentElement).fontSize);") == 16, \
            "the reader's text size is for the screen"
        assert driver.execute_script("return getComputedStyle(document.documentElement).getPropertyValue('--running-title');") \
            .strip().strip('"').startswith("Professional boundaries")
        driver.save_screenshot(str(screenshots / "module-print.png"))
        browser.open(url(site, "trainee", "index.html"))
        for selector in (".reader-progress", ".track-progress", ".done-mark"):
            assert not displayed(driver, selector), f"{selector} is printed"
        browser.open(url(site, "trainee", "competency-map.html"))
        assert not displayed(driver, ".map-note") and displayed(driver, ".map-list")
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "", "features": []})


def pdf_page_lines(data: bytes) -> list[list[str]]:
    """The lines of text on each page of a PDF that Chromium printed (enough of PDF for Skia's
    output: objects in the clear, Type0 fonts with a ToUnicode map, glyphs drawn with Tj)."""
    objects = {int(n): body for n, body in re.findall(rb"(?m)^(\d+) 0 obj\s*(.*?)endobj", data, re.S)}

    def stream(number):
        body = objects[number]
        raw = re.search(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S).group(1)
        return zlib.decompress(raw) if b"/FlateDecode" in body else raw

    def unicode_map(number):
        text, table = stream(number).decode("latin-1"), {}
        for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
            for code, value in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                table[int(code, 16)] = bytes.fromhex(value).decode("utf-16-be")
        for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
            for first, last, value in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                for offset, code in enumerate(range(int(first, 16), int(last, 16) + 1)):
                    table[code] = chr(int(value, 16) + offset)
        return table

    maps: dict[int, dict] = {}
    pages = []
    for number in sorted(objects):
        body = objects[number]
        if not re.search(rb"/Type\s*/Page[^s]", body):
            continue
        resources = re.search(rb"/Resources\s+(\d+) 0 R", body)
        resources = objects[int(resources.group(1))] if resources else body
        fonts = dict(re.findall(rb"/(F\d+)\s+(\d+) 0 R", re.search(rb"/Font\s*<<(.*?)>>", resources, re.S).group(1)))
        contents = re.search(rb"/Contents\s*(\[[^\]]*\]|\d+ 0 R)", body).group(1)
        blocks = []  # (y, x, text) of each BT … ET block
        for content in (int(n) for n in re.findall(rb"(\d+) 0 R", contents)):
            font, x, y, text, start = {}, 0.0, 0.0, "", (0.0, 0.0)
            for match in re.finditer(rb"/(F\d+)\s+[\d.]+\s+Tf|([-\d.]+) [-\d.]+ [-\d.]+ [-\d.]+ ([-\d.]+) ([-\d.]+) Tm"
                                     rb"|<([0-9A-Fa-f]*)>\s*Tj|\b(BT|ET)\b", stream(content)):
                if match.group(1):
                    font_object = int(fonts[match.group(1)])
                    if font_object not in maps:
                        reference = re.search(rb"/ToUnicode\s+(\d+) 0 R", objects[font_object])
                        maps[font_object] = unicode_map(int(reference.group(1))) if reference else {}
                    font = maps[font_object]
                elif match.group(2):
                    x, y = float(match.group(3)), float(match.group(4))
                elif match.group(6):
                    if match.group(6) == b"ET" and text:
                        blocks.append((round(start[1]), start[0], text))
                    text = ""
                else:
                    if not text:
                        start = (x, y)
                    codes = bytes.fromhex(match.group(5).decode())
                    text += "".join(font.get(int.from_bytes(codes[i:i + 2], "big"), "?") for i in range(0, len(codes), 2))
        lines: dict[int, list[str]] = {}
        for y, _, text in sorted(blocks):
            lines.setdefault(y, []).append(text)
        pages.append([re.sub(r"\s+", " ", " ".join(parts)).strip() for _, parts in sorted(lines.items())])
    return pages


def test_pdf_handouts_have_the_title_and_page_numbers_in_a_running_footer(tmp_path):
    curriculum = ROOT / "Tests" / "Fixtures" / "valid"
    run_trellis("build", "--curriculum", str(curriculum), "--theme", str(ROOT / "Site"), "--output", str(tmp_path),
                "--edition", "trainee", "--pdf", "--today", "2026-11-23")
    pdf = tmp_path / "trainee" / "pdf"
    handout = pdf_page_lines((pdf / "welcome.pdf").read_bytes())
    assert any("Welcome to the work" in line for line in handout[0]), handout[0]
    for number, page in enumerate(handout, start=1):
        assert any(line.startswith("Welcome to the work") and line.endswith(f"Page {number} of {len(handout)}")
                   for line in page), f"page {number} of welcome.pdf has no running footer: {page}"
    # The whole curriculum: the curriculum's title on its first page, then each module's own.
    manual = pdf_page_lines((pdf / "manual.pdf").read_bytes())
    footers = []
    for number, page in enumerate(manual, start=1):
        footer = [line for line in page if line.endswith(f"Page {number} of {len(manual)}")]
        assert footer, f"page {number} of manual.pdf has no page number: {page}"
        footers.append(footer[0])
    assert footers[0].startswith("Fixture Training")
    for title in ("Welcome to the work", "Listening", "Planning together"):
        assert any(footer.startswith(title + " ") for footer in footers), f"no page of the manual is headed {title!r}: {footers}"
    # Nothing the reader's controls add is printed.
    assert not any("Mark as done" in line or "Back to top" in line for page in handout + manual for line in page)
