"""Issue 22, point 1: with PostgreSQL storage the Config page lists the stored config versions and restores one."""
import os
import shutil
import uuid

import pytest
from selenium.webdriver.common.by import By

import conftest
from conftest import ADMIN, KEY, plexus_process
from test_dashboard import css, go, login, set_value, shot, text_in, wait, wait_file


@pytest.fixture(scope="module")
def shared_gateway():
    url = os.environ.get("PLEXUS_TEST_POSTGRES_URL")
    assert url, "run scripts/postgres-test-server (scripts/test does) and export PLEXUS_TEST_POSTGRES_URL"
    config = conftest.CONFIG.replace(
        "url: sqlite://data/plexus.sqlite", f'url: "{url}?schema=ui_{uuid.uuid4().hex[:12]}"')
    proc, folder, port = plexus_process.start(config, {"ADMIN": ADMIN, "BROWSER_KEY": KEY}, "plexus-browser-pg-")
    yield conftest.Gateway(port, folder, proc)
    plexus_process.stop(proc)
    shutil.rmtree(folder, ignore_errors=True)


def test_config_versions_are_listed_and_restored(driver, shared_gateway):
    gw = shared_gateway
    login(driver, gw)
    go(driver, gw, "config")
    css(driver, '#config-versions tr[data-version="1"]')
    original = gw.config_path.read_text()
    area = css(driver, "#config-text")
    set_value(driver, area, original.replace("initial_seconds: 600", "initial_seconds: 601"))
    driver.find_element(By.ID, "config-save").click()
    wait_file(gw, lambda text: "initial_seconds: 601" in text)
    go(driver, gw, "overview")
    go(driver, gw, "config")
    row = css(driver, '#config-versions tr[data-version="2"]')
    assert "running" in row.text and "api" in row.text
    shot(driver, "config-versions")
    css(driver, '#config-versions button[data-restore="1"]').click()
    css(driver, "dialog button[data-value=true]").click()
    wait_file(gw, lambda text: "initial_seconds: 600" in text)
    versions = gw.admin("/config/versions")
    assert versions["installed"] == 3
    assert [v["source"] for v in versions["versions"]] == ["restore", "api", "seed"]
    wait(driver).until(lambda d: "initial_seconds: 600" in d.find_element(By.ID, "config-text").get_attribute("value"))
    text_in(driver, '#config-versions tr[data-version="3"]', "running")
