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
