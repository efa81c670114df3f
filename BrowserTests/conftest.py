"""Fixtures for the browser suite: the built site and one headless Chromium shared by all tests.

Environment:
  TRELLIS_BIN   the trellis binary (default: .build/debug/trellis)
  TRELLIS_SITE  an already built output folder with trainee/ and trainer/ (default: build one)
"""
import atexit
import json
import os
import pathlib
import shutil
import subprocess
import tempfile

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "BrowserTests" / "screenshots"
EDITIONS = ("trainee", "trainer")


def trellis_binary() -> pathlib.Path:
    binary = pathlib.Path(os.environ.get("TRELLIS_BIN", ROOT / ".build" / "debug" / "trellis"))
    if not binary.exists():
        pytest.fail(f"no trellis binary at {binary}: run `swift build --product trellis` or set TRELLIS_BIN")
    return binary


# Builds keep an incremental cache under $XDG_CACHE_HOME/trellis, one folder per output folder:
# the suite's temporary outputs would leave one in the developer's home on every run.
CACHE_HOME = tempfile.mkdtemp(prefix="trellis-browser-tests-cache-")
atexit.register(shutil.rmtree, CACHE_HOME, True)


def run_trellis(*arguments: str) -> subprocess.CompletedProcess:
    result = subprocess.run([str(trellis_binary()), *arguments], capture_output=True, text=True, timeout=600,
                            env={**os.environ, "XDG_CACHE_HOME": CACHE_HOME})
    assert result.returncode == 0, f"trellis {' '.join(arguments)} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> pathlib.Path:
    """The shipped curriculum, built as both editions."""
    if os.environ.get("TRELLIS_SITE"):
        return pathlib.Path(os.environ["TRELLIS_SITE"]).resolve()
    output = tmp_path_factory.mktemp("site")
    result = run_trellis("build", "--curriculum", str(ROOT / "Curriculum"), "--output", str(output))
    assert "search is disabled" not in result.stderr, "install libjs-lunr: " + result.stderr
    return output


def chromium_options(javascript: bool = True) -> Options:
    options = Options()
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            options.binary_location = shutil.which(name)
            break
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
        "--window-size=1280,900", "--no-first-run", "--disable-extensions", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-default-apps", "--force-color-profile=srgb",
        # Nothing may leave the machine even if something tried: every host name fails to resolve.
        "--host-resolver-rules=MAP * ~NOTFOUND",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    return options


def start_chromium(javascript: bool = True) -> webdriver.Chrome:
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not os.path.exists(driver_path):
        pytest.fail("chromedriver is missing: apt-get install chromium chromium-driver")
    # An explicit driver path keeps Selenium Manager from looking for drivers online.
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=chromium_options(javascript))
    driver.set_script_timeout(60)
    driver.set_page_load_timeout(60)
    return driver


class Browser:
    """A Chromium session that records every URL any page asks for."""

    def __init__(self, driver: webdriver.Chrome):
        self.driver = driver
        self.requests: list[tuple[str, str]] = []  # (page, requested URL)

    def open(self, url: str) -> None:
        self.driver.get(url)
        self.collect_requests()

    def collect_requests(self) -> None:
        page = self.driver.current_url
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method") == "Network.requestWillBeSent":
                self.requests.append((page, message["params"]["request"]["url"]))

    def set_color_scheme(self, scheme: str) -> None:
        self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                                    {"media": "", "features": [{"name": "prefers-color-scheme", "value": scheme}]})

    def set_viewport(self, width: int, height: int, mobile: bool) -> None:
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})

    def reset_viewport(self) -> None:
        self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@pytest.fixture(scope="session")
def browser():
    driver = start_chromium()
    try:
        yield Browser(driver)
    finally:
        driver.quit()


@pytest.fixture(scope="session")
def screenshots() -> pathlib.Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
