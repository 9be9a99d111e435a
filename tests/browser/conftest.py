"""Starts the real `plexus` binary with the mock upstream and a headless Chromium for the dashboard tests."""
import os
import pathlib
import shutil
import urllib.request

import pytest

import sys
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "support"))
import plexus_process  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / ".build" / "screenshots"
DOWNLOADS = ROOT / ".build" / "browser-downloads"
ADMIN = "admin-browser-test-key"
KEY = "sk-browser-test-key"

CONFIG = """
server:
  host: 127.0.0.1
  port: {port}
  admin_key: ${{ADMIN}}
storage:
  url: sqlite://data/plexus.sqlite
cooldown:
  initial_seconds: 600
providers:
  demo:
    display_name: Demo mock
    api_base_url: mock://
    models:
      demo-fast:
        pricing: {{ source: simple, input: 1.0, output: 2.0 }}
      demo-slow: {{}}
      demo-embed:
        type: embeddings
        pricing: {{ source: simple, input: 0.02, output: 0 }}
  flaky:
    api_base_url: mock://
models:
  demo:
    additional_aliases: [gpt-4o-mini]
    targets:
      - {{ provider: demo, model: demo-fast }}
  embed:
    targets:
      - {{ provider: demo, model: demo-embed }}
  broken:
    targets:
      - {{ provider: flaky, model: "mock:fail=503" }}
keys:
  browser:
    secret: ${{BROWSER_KEY}}
    comment: used by the browser tests
"""


class Gateway(plexus_process.Gateway):
    def admin(self, path, method="GET", body=None):
        """Calls the management API with the admin key (for checks the page does not show)."""
        import json
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + "/v0/management" + path, data=data, method=method,
                                     headers={"x-admin-key": ADMIN, "content-type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read() or b"null")


@pytest.fixture(scope="session")
def gateway():
    proc, folder, port = plexus_process.start(CONFIG, {"ADMIN": ADMIN, "BROWSER_KEY": KEY}, "plexus-browser-")
    yield Gateway(port, folder, proc)
    plexus_process.stop(proc)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def driver():
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must not try downloads
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    chromedriver = shutil.which("chromedriver")
    assert chromium and chromedriver, "run tests/browser/setup.sh first (chromium, chromium-driver)"
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1366,900", "--no-first-run", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    shutil.rmtree(DOWNLOADS, ignore_errors=True)
    DOWNLOADS.mkdir(parents=True, exist_ok=True)
    options.add_experimental_option("prefs", {
        "download.default_directory": str(DOWNLOADS), "download.prompt_for_download": False,
    })
    d = webdriver.Chrome(service=Service(chromedriver), options=options)
    d.set_page_load_timeout(30)
    d.set_script_timeout(30)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield d
    d.quit()


@pytest.fixture(autouse=True)
def no_console_errors(request):
    """Fails a test when the page logged a SEVERE console entry while it ran."""
    if "driver" not in request.fixturenames:
        yield
        return
    d = request.getfixturevalue("driver")
    d.get_log("browser")  # drop what earlier tests left
    yield
    severe = [e for e in d.get_log("browser") if e.get("level") == "SEVERE"]
    assert not severe, "browser console errors:\n" + "\n".join(e.get("message", "") for e in severe)
