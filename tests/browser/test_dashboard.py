"""The dashboard in headless Chromium against the running gateway (mock upstream): issue 6's browser tests."""
import re
import time

import pytest
from openai import OpenAI
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import ADMIN, DOWNLOADS, KEY, SCREENSHOTS

WAIT = 15


def wait(driver, timeout=WAIT):
    return WebDriverWait(driver, timeout)


def css(driver, selector, timeout=WAIT):
    """The first visible element matching `selector`, waiting for it."""
    return wait(driver, timeout).until(EC.visibility_of_element_located((By.CSS_SELECTOR, selector)))


def gone(driver, selector, timeout=WAIT):
    wait(driver, timeout).until(EC.invisibility_of_element_located((By.CSS_SELECTOR, selector)))


def text_in(driver, selector, text, timeout=WAIT):
    wait(driver, timeout).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, selector), text))


def shot(driver, name):
    driver.execute_script("document.querySelectorAll('.toast').forEach((t) => t.remove())")
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


def sdk(gateway, key=KEY):
    return OpenAI(base_url=gateway.base + "/v1", api_key=key, max_retries=0, timeout=30)


def login(driver, gateway):
    """Signs in through the form unless a session is already there."""
    driver.get(gateway.base + "/ui/#/overview")
    wait(driver).until(lambda d: d.find_element(By.ID, "login").is_displayed() or d.find_element(By.ID, "shell").is_displayed())
    if driver.find_element(By.ID, "login").is_displayed():
        field = css(driver, "#admin-key")
        field.clear()
        field.send_keys(ADMIN)
        driver.find_element(By.ID, "login-submit").click()
    css(driver, "#shell")


def go(driver, gateway, page):
    """Opens a page by its hash and waits for the view to render it."""
    driver.get(gateway.base + "/ui/#/" + page)
    css(driver, "#shell")
    wait(driver).until(lambda d: d.find_element(By.ID, "view").get_attribute("data-page") == page.split("/")[0])
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, "#view h1"))


def set_value(driver, element, value):
    """Sets a field's value as typing would, firing input and change events."""
    driver.execute_script(
        "arguments[0].value = arguments[1];"
        "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
        "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));", element, value)


def stored(gateway, *request_ids):
    """Waits until the rows are in the store: a filtered list reads the store, and the usage writer stores rows in
    batches, so a row shown live may not be listed yet (a lookup by id flushes the writer's pending batch)."""
    for rid in request_ids:
        gateway.admin("/usage/" + rid)


def wait_file(gateway, predicate, timeout=WAIT):
    deadline = time.time() + timeout
    while time.time() < deadline:
        text = gateway.config_path.read_text()
        if predicate(text):
            return text
        time.sleep(0.1)
    raise AssertionError("plexus.yaml did not change as expected:\n" + gateway.config_path.read_text())


def test_login_and_logout(driver, gateway):
    driver.delete_all_cookies()
    driver.get(gateway.base + "/")
    assert driver.current_url.startswith(gateway.base + "/ui/")
    css(driver, "#login-form")
    shot(driver, "login")
    assert driver.execute_script("return window.localStorage.length") == 0
    field = css(driver, "#admin-key")
    field.send_keys(ADMIN)
    field.submit()
    css(driver, "#shell")
    text_in(driver, "#view h1", "Overview")
    cookies = {c["name"]: c for c in driver.get_cookies()}
    assert cookies["plexus_session"]["httpOnly"]
    assert driver.execute_script("return window.localStorage.length + window.sessionStorage.length") == 0
    driver.find_element(By.ID, "logout").click()
    css(driver, "#login-form")
    driver.refresh()
    css(driver, "#login-form")  # the session is gone on the server too
    login(driver, gateway)
    text_in(driver, "#view h1", "Overview")


def test_logs_update_live(driver, gateway):
    login(driver, gateway)
    go(driver, gateway, "logs")
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#logs-list table, #logs-empty"))
    before = set(e.get_attribute("data-id") for e in driver.find_elements(By.CSS_SELECTOR, "#logs-list tbody tr"))
    client = sdk(gateway)
    unary = client.chat.completions.with_raw_response.create(model="demo", messages=[{"role": "user", "content": "hi"}])
    unary_id = unary.headers["x-request-id"]
    stream = client.chat.completions.with_raw_response.create(
        model="demo", stream=True, messages=[{"role": "user", "content": "stream please"}])
    stream_id = stream.headers["x-request-id"]
    chunks = [c for c in stream.parse()]
    assert chunks
    for rid in (unary_id, stream_id):
        assert rid not in before
        row = css(driver, f'#logs-list tr[data-id="{rid}"]:not(.running)')
        assert "success" in row.text
    stream_row = driver.find_element(By.CSS_SELECTOR, f'#logs-list tr[data-id="{stream_id}"]')
    assert "≋" in stream_row.text
    assert "demo / demo-fast" in stream_row.text
    shot(driver, "logs")
    stream_row.click()
    text_in(driver, "#view h1", stream_id)
    css(driver, 'table[aria-label="Attempts"]')
    assert "demo-fast" in driver.find_element(By.CSS_SELECTOR, 'table[aria-label="Attempts"]').text
    shot(driver, "request-detail")


def test_logs_list_embeddings_with_their_kind(driver, gateway):
    login(driver, gateway)
    go(driver, gateway, "logs")
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#logs-list table, #logs-empty"))
    raw = sdk(gateway).embeddings.with_raw_response.create(model="embed", input=["one text", "and another"])
    assert len(raw.parse().data) == 2
    rid = raw.headers["x-request-id"]
    row = css(driver, f'#logs-list tr[data-id="{rid}"]:not(.running)')
    assert row.find_element(By.CSS_SELECTOR, ".badge.kind").text == "embeddings"
    assert "embeddings → embeddings" in row.text and "demo / demo-embed" in row.text
    chat = sdk(gateway).chat.completions.with_raw_response.create(model="demo", messages=[{"role": "user", "content": "hi"}])
    chat_row = css(driver, f'#logs-list tr[data-id="{chat.headers["x-request-id"]}"]:not(.running)')
    assert not chat_row.find_elements(By.CSS_SELECTOR, ".badge.kind") and "chat" in chat_row.text
    shot(driver, "logs-embeddings")
    css(driver, f'#logs-list tr[data-id="{rid}"]:not(.running)').click()
    text_in(driver, "#view h1", rid)
    details = driver.find_element(By.CSS_SELECTOR, "#view .kv").text
    assert "Kind\nembeddings" in details or "Kind embeddings" in details


def test_logs_filter_by_client_protocol(driver, gateway):
    """A Responses request is listed as `responses → responses`; the Client API filter keeps it and drops chat rows."""
    # The page first, as in test_logs_update_live: rows of requests sent before it loaded reach the list only once
    # the usage writer flushed them, and their live events went by before the page listened.
    login(driver, gateway)
    go(driver, gateway, "logs")
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#logs-list table, #logs-empty"))
    client = sdk(gateway)
    resp = client.responses.with_raw_response.create(model="demo", input="hello there")
    assert resp.parse().output_text
    rid = resp.headers["x-request-id"]
    chat = client.chat.completions.with_raw_response.create(model="demo", messages=[{"role": "user", "content": "hi"}])
    chat_id = chat.headers["x-request-id"]
    row = css(driver, f'#logs-list tr[data-id="{rid}"]:not(.running)')
    assert "responses → responses" in row.text
    css(driver, f'#logs-list tr[data-id="{chat_id}"]')
    stored(gateway, rid, chat_id)
    set_value(driver, css(driver, 'select[name="client_api"]'), "responses")
    driver.find_element(By.CSS_SELECTOR, 'form[role="search"] button[type="submit"]').click()
    gone(driver, f'#logs-list tr[data-id="{chat_id}"]')
    css(driver, f'#logs-list tr[data-id="{rid}"]')
    shot(driver, "logs-responses-filter")
    # Reset, so later tests see every row again (the page keeps its filters while the app stays loaded).
    driver.find_element(By.XPATH, '//form[@role="search"]//button[text()="Reset"]').click()
    css(driver, f'#logs-list tr[data-id="{chat_id}"]')


def test_logs_show_and_filter_attribution(driver, gateway):
    """A `SECRET:label` key: the row shows the label in its User column and the User filter keeps only its rows."""
    login(driver, gateway)
    go(driver, gateway, "logs")
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#logs-list table, #logs-empty"))
    labelled = sdk(gateway, key=KEY + ":alice").chat.completions.with_raw_response.create(
        model="demo", messages=[{"role": "user", "content": "hi"}])
    rid = labelled.headers["x-request-id"]
    plain = sdk(gateway).chat.completions.with_raw_response.create(model="demo", messages=[{"role": "user", "content": "hi"}])
    plain_id = plain.headers["x-request-id"]
    row = css(driver, f'#logs-list tr[data-id="{rid}"]:not(.running)')
    assert row.find_element(By.CSS_SELECTOR, "td.attribution").text == "alice"
    css(driver, f'#logs-list tr[data-id="{plain_id}"]:not(.running)')
    stored(gateway, rid, plain_id)
    set_value(driver, css(driver, 'input[name="attribution"]'), "alice")
    driver.find_element(By.CSS_SELECTOR, 'form[role="search"] button[type="submit"]').click()
    gone(driver, f'#logs-list tr[data-id="{plain_id}"]')
    css(driver, f'#logs-list tr[data-id="{rid}"]')
    shot(driver, "logs-attribution")
    driver.find_element(By.XPATH, '//form[@role="search"]//button[text()="Reset"]').click()
    css(driver, f'#logs-list tr[data-id="{plain_id}"]')
    css(driver, f'#logs-list tr[data-id="{rid}"]').click()
    text_in(driver, "#view h1", rid)
    details = driver.find_element(By.CSS_SELECTOR, "#view .kv").text
    assert "User\nalice" in details or "User alice" in details
    # The usage page groups by it; set back to model after, since the page keeps its choice while the app is loaded.
    go(driver, gateway, "usage")
    group_by = driver.find_elements(By.CSS_SELECTOR, "#view .toolbar select")[1]
    set_value(driver, group_by, "attribution")
    text_in(driver, 'table[aria-label="Usage breakdown"]', "alice")
    set_value(driver, group_by, "model")
    text_in(driver, "#view .card h3", "by model")


def test_trace_capture(driver, gateway):
    login(driver, gateway)
    go(driver, gateway, "debug")
    switch = css(driver, "#capture-switch")
    if not switch.is_selected():
        driver.find_element(By.CSS_SELECTOR, 'label[for="capture-switch"]').click()
    wait(driver).until(lambda d: gateway.admin("/debug")["capture"] is True)
    go(driver, gateway, "logs")
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#logs-list table, #logs-empty"))
    response = sdk(gateway).chat.completions.with_raw_response.create(
        model="demo", stream=True, messages=[{"role": "user", "content": "trace me"}])
    rid = response.headers["x-request-id"]
    list(response.parse())
    css(driver, f'#logs-list tr[data-id="{rid}"]:not(.running)').click()
    css(driver, "#trace-view")
    view = driver.find_element(By.ID, "trace-view")
    for title in ("Raw client request", "Transformed upstream request", "Raw upstream response",
                  "Transformed client response", "Reconstructed final message"):
        assert title in view.text
    assert "trace me" in view.text
    shot(driver, "trace")
    go(driver, gateway, "debug")
    css(driver, f'table[aria-label="Traces"] tr[data-id="{rid}"]')
    shot(driver, "debug")
    driver.find_element(By.CSS_SELECTOR, 'label[for="capture-switch"]').click()
    wait(driver).until(lambda d: gateway.admin("/debug")["capture"] is False)


def test_create_alias_writes_config_and_routes(driver, gateway):
    login(driver, gateway)
    go(driver, gateway, "models")
    css(driver, "#new-alias").click()
    set_value(driver, css(driver, "#alias-name"), "browser-alias")
    css(driver, "#add-target").click()
    row = css(driver, ".target-row:last-child")
    provider = row.find_element(By.CSS_SELECTOR, "select[name=provider]")
    set_value(driver, provider, "demo")
    set_value(driver, row.find_element(By.CSS_SELECTOR, "input[name=model]"), "demo-fast")
    driver.find_element(By.ID, "alias-save").click()
    css(driver, 'table[aria-label="Aliases"] tr[data-name="browser-alias"]')
    text = wait_file(gateway, lambda t: "browser-alias" in t)
    assert re.search(r"browser-alias:\s*\n\s+targets:", text)
    wait(driver).until(lambda d: any(m["name"] == "browser-alias" for m in gateway.admin("/models")["models"]))
    answer = sdk(gateway).chat.completions.create(model="browser-alias", messages=[{"role": "user", "content": "hi"}])
    assert answer.choices[0].message.content
    shot(driver, "models")

    # Edit: a second target moved to the front, in-order selector, an additional alias.
    go(driver, gateway, "models/browser-alias")
    set_value(driver, css(driver, "#alias-selector"), "in_order")
    set_value(driver, css(driver, "#alias-extra"), "browser-extra")
    css(driver, "#add-target").click()
    row = css(driver, ".target-row:last-child")
    set_value(driver, row.find_element(By.CSS_SELECTOR, "select[name=provider]"), "demo")
    set_value(driver, row.find_element(By.CSS_SELECTOR, "input[name=model]"), "demo-slow")
    set_value(driver, row.find_element(By.CSS_SELECTOR, "input[name=weight]"), "2")
    row.find_element(By.CSS_SELECTOR, "button[aria-label='Move up']").click()
    shot(driver, "model-editor")
    driver.find_element(By.ID, "alias-save").click()
    css(driver, 'table[aria-label="Aliases"] tr[data-name="browser-alias"]')
    text = wait_file(gateway, lambda t: "browser-extra" in t)
    block = text[text.index("browser-alias:"):]
    assert block.index("demo-slow") < block.index("demo-fast")
    assert "in_order" in block
    answer = sdk(gateway).chat.completions.create(model="browser-extra", messages=[{"role": "user", "content": "hi"}])
    assert answer.choices[0].message.content


def test_provider_create_disable_delete(driver, gateway):
    login(driver, gateway)
    go(driver, gateway, "providers")
    css(driver, "#new-provider").click()
    set_value(driver, css(driver, "#provider-name"), "browser-prov")
    set_value(driver, css(driver, "#provider-display"), "Made in the browser")
    set_value(driver, css(driver, "#provider-url-mode"), "map")
    set_value(driver, css(driver, "input[name=url-chat]"), "mock://")
    set_value(driver, css(driver, "input[name=url-messages]"), "mock://")
    set_value(driver, css(driver, "#provider-key"), "${BROWSER_KEY}")
    css(driver, "#add-model").click()
    model = css(driver, "input[name=model-name]")
    set_value(driver, model, "demo-fast")
    row = model.find_element(By.XPATH, "./..")
    set_value(driver, row.find_element(By.CSS_SELECTOR, "select[aria-label=Pricing]"), "simple")
    set_value(driver, row.find_element(By.CSS_SELECTOR, "input[aria-label='input price']"), "0.5")
    set_value(driver, row.find_element(By.CSS_SELECTOR, "input[aria-label='output price']"), "1.5")
    set_value(driver, css(driver, "input[name=url-embeddings]"), "mock://")
    css(driver, "#add-model").click()
    embedder = driver.find_elements(By.CSS_SELECTOR, "input[name=model-name]")[-1]
    set_value(driver, embedder, "demo-embed")
    set_value(driver, embedder.find_element(By.XPATH, "./..").find_element(By.CSS_SELECTOR, "select[aria-label='Model type']"),
              "embeddings")
    shot(driver, "provider-editor")
    driver.find_element(By.ID, "provider-save").click()
    css(driver, 'table[aria-label="Providers"] tr[data-name="browser-prov"]')
    text = wait_file(gateway, lambda t: "browser-prov" in t)
    assert "${BROWSER_KEY}" in text and KEY not in text  # the reference is written, never the secret
    saved = gateway.admin("/providers/browser-prov")
    assert saved["api_base_url"] == {"chat": "mock://", "messages": "mock://", "embeddings": "mock://"}
    assert saved["models"]["demo-fast"]["pricing"]["input"] == 0.5
    assert "type" not in saved["models"]["demo-fast"] and saved["models"]["demo-embed"]["type"] == "embeddings"
    css(driver, 'tr[data-name="browser-prov"] button[data-action=toggle]').click()
    wait(driver).until(lambda d: gateway.admin("/providers/browser-prov").get("enabled") is False)
    css(driver, 'tr[data-name="browser-prov"] .badge.off')
    css(driver, 'tr[data-name="browser-prov"] button.danger').click()
    css(driver, "dialog button[data-value=true]").click()
    gone(driver, 'tr[data-name="browser-prov"]')
    wait_file(gateway, lambda t: "browser-prov" not in t)


def test_usage_csv_export(driver, gateway):
    login(driver, gateway)
    go(driver, gateway, "usage")
    css(driver, "#usage-csv").click()
    deadline = time.time() + WAIT
    files = []
    while time.time() < deadline and not files:
        files = [f for f in DOWNLOADS.glob("plexus-usage-*.csv")]
        time.sleep(0.1)
    assert files, "no CSV was downloaded"
    lines = files[0].read_text().strip().split("\n")
    assert lines[0].startswith("bucket_start,model,requests,errors")
    assert len(lines) > 1


def test_create_key_and_use_it(driver, gateway):
    login(driver, gateway)
    go(driver, gateway, "keys")
    css(driver, "#new-key").click()
    set_value(driver, css(driver, "#key-name"), "browser-made")
    set_value(driver, css(driver, "#key-comment"), "made in the browser test")
    css(driver, 'input[name=allowed][value="demo"]').click()
    driver.find_element(By.ID, "key-save").click()
    secret = css(driver, "#new-secret").text.strip()
    assert secret.startswith("sk-plexus-")
    shot(driver, "key-secret")
    driver.find_element(By.CSS_SELECTOR, "dialog button[data-value=true]").click()
    css(driver, 'table[aria-label="Keys"] tr[data-name="browser-made"]')
    assert secret not in driver.page_source  # shown once, then gone
    text = wait_file(gateway, lambda t: "browser-made" in t and "secret_sha256" in t)
    assert secret not in text
    answer = sdk(gateway, key=secret).chat.completions.create(model="demo", messages=[{"role": "user", "content": "hi"}])
    assert answer.choices[0].message.content
    shot(driver, "keys")


def key_block(text, name):
    """The lines of `keys.NAME` in plexus.yaml (up to the next entry at its indentation)."""
    lines = text.split("\n")
    start = next(i for i, l in enumerate(lines) if l.strip() == f"{name}:")
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = next((i for i in range(start + 1, len(lines))
                if lines[i].strip() and len(lines[i]) - len(lines[i].lstrip()) <= indent), len(lines))
    return "\n".join(lines[start:end])


def use_line(driver, key, field):
    return css(driver, f'table[aria-label="Keys"] tr[data-name="{key}"] [data-field="{field}"]')


def test_key_limits_edit_and_use(driver, gateway):
    """Limits set in the key editor reach plexus.yaml; the list shows this minute's use and spend against them."""
    login(driver, gateway)
    secret = gateway.admin("/keys/browser-limited", "PUT", {"comment": "limits test", "generate_secret": True})["secret"]
    go(driver, gateway, "keys/browser-limited")
    css(driver, "#key-limits")
    assert css(driver, "#key-rpm").get_attribute("value") == ""
    set_value(driver, css(driver, "#key-rpm"), "5")
    set_value(driver, css(driver, "#key-budget-usd"), "1")
    set_value(driver, css(driver, "#key-budget-period"), "day")
    shot(driver, "key-limits-editor")
    driver.find_element(By.ID, "key-save").click()
    css(driver, 'table[aria-label="Keys"] tr[data-name="browser-limited"]')
    text = wait_file(gateway, lambda t: "requests_per_minute" in t)
    block = key_block(text, "browser-limited")
    assert re.search(r"\n\s+limits:\s*\n\s+requests_per_minute: 5\s*\n", block), block
    assert re.search(r"\n\s+budget:\s*\n\s+(usd: 1(\.0)?\s*\n\s+period: day|period: day\s*\n\s+usd: 1(\.0)?)\b", block), block
    assert "tokens_per_minute" not in block and "concurrent_requests" not in block
    saved = gateway.admin("/keys/browser-limited")
    assert saved["limits"] == {"requests_per_minute": 5, "budget": {"usd": 1, "period": "day"}}
    assert saved["comment"] == "limits test" and "secret_sha256" in saved  # the rest of the key is kept

    # Two priced requests and one to a target without pricing (it counts $0, and the page says so).
    client = sdk(gateway, key=secret)
    for model in ("demo", "demo", "direct/demo/demo-slow"):
        assert client.chat.completions.create(model=model, messages=[{"role": "user", "content": "hi"}]).choices
    deadline = time.time() + WAIT
    while True:
        use = gateway.admin("/limits?key=browser-limited")["keys"][0]
        if use["today_unpriced_requests"] == 1 and use["today_spend_usd"] > 0 and use["budget"]["unpriced_requests"] == 1:
            break
        assert time.time() < deadline, use
        time.sleep(0.1)
    assert use["requests_this_minute"] == 3 and use["budget"]["spent_usd"] > 0

    go(driver, gateway, "keys")
    requests_line = use_line(driver, "browser-limited", "requests")
    assert (requests_line.get_attribute("data-used"), requests_line.get_attribute("data-limit")) == ("3", "5")
    assert "3 / 5" in requests_line.text
    row = driver.find_element(By.CSS_SELECTOR, 'tr[data-name="browser-limited"]')
    assert not row.find_elements(By.CSS_SELECTOR, '[data-field="tokens"], [data-field="concurrent"], [data-field="no-limits"]')
    today = use_line(driver, "browser-limited", "today")
    assert float(today.get_attribute("data-usd")) == pytest.approx(use["today_spend_usd"])
    assert today.find_element(By.CSS_SELECTOR, ".use-amount").text.startswith("$0.")  # fractions of a cent here
    budget = use_line(driver, "browser-limited", "budget")
    assert budget.get_attribute("data-period") == "day" and budget.get_attribute("data-limit") == "1"
    assert float(budget.get_attribute("data-usd")) == pytest.approx(use["budget"]["spent_usd"])
    assert "Budget (day)" in budget.text and "of $1" in budget.text
    assert float(budget.find_element(By.TAG_NAME, "progress").get_attribute("value")) == pytest.approx(use["budget"]["spent_usd"])
    note = use_line(driver, "browser-limited", "today-unpriced")
    assert note.text == "1 request with unknown cost today counted as $0"
    assert not row.find_elements(By.CSS_SELECTOR, '[data-field="budget-unpriced"]')  # a daily budget: said once
    # A key without limits: "no limits", and still today's spend.
    assert use_line(driver, "browser", "no-limits").text == "no limits"
    plain = gateway.admin("/limits?key=browser")["keys"][0]
    assert plain["limits"] is None and "requests_this_minute" not in plain
    assert float(use_line(driver, "browser", "today").get_attribute("data-usd")) == pytest.approx(plain["today_spend_usd"])
    shot(driver, "keys-limits")

    # The server's validation error is shown in the form (the browser's own check is taken away first).
    go(driver, gateway, "keys/browser-limited")
    rpm = css(driver, "#key-rpm")
    assert rpm.get_attribute("value") == "5"
    assert css(driver, "#key-budget-usd").get_attribute("value") == "1"
    assert css(driver, "#key-budget-period").get_attribute("value") == "day"
    before = gateway.config_path.read_text()
    driver.execute_script("arguments[0].removeAttribute('min')", rpm)
    set_value(driver, rpm, "0")
    driver.find_element(By.ID, "key-save").click()
    problem = css(driver, "#key-form .alert.error")
    assert "requests_per_minute" in problem.text and "above 0" in problem.text, problem.text
    assert gateway.config_path.read_text() == before
    # The browser logs the refused PUT as a console error: that one is expected (any other fails the test).
    severe = [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    assert all("/keys/browser-limited" in m and "422" in m for m in severe), severe

    # All fields emptied: the limits are removed from plexus.yaml.
    for selector in ("#key-rpm", "#key-budget-usd"):
        set_value(driver, css(driver, selector), "")
    driver.find_element(By.ID, "key-save").click()
    css(driver, 'table[aria-label="Keys"] tr[data-name="browser-limited"]')
    text = wait_file(gateway, lambda t: "limits:" not in key_block(t, "browser-limited"))
    assert "requests_per_minute" not in text
    assert "limits" not in gateway.admin("/keys/browser-limited")
    text_in(driver, 'tr[data-name="browser-limited"] [data-field="no-limits"]', "no limits")


def test_config_error_shows_its_line(driver, gateway):
    login(driver, gateway)
    go(driver, gateway, "config")
    area = css(driver, "#config-text")
    original = gateway.config_path.read_text()
    assert area.get_attribute("value") == original
    lines = original.split("\n")
    index = next(i for i, l in enumerate(lines) if l.strip().startswith("initial_seconds:"))
    lines[index] = "  initial_seconds: -5"
    set_value(driver, area, "\n".join(lines))
    driver.find_element(By.ID, "config-save").click()
    problem = css(driver, f'#config-problems li[data-line="{index + 1}"]')
    assert f"line {index + 1}" in problem.text
    assert "initial_seconds" in problem.text
    css(driver, ".code-editor .gutter div.bad")
    assert gateway.config_path.read_text() == original  # nothing written
    shot(driver, "config-error")
    problem.find_element(By.TAG_NAME, "button").click()  # jumps to the line
    selected = driver.execute_script("const a = arguments[0]; return a.value.slice(a.selectionStart, a.selectionEnd);", area)
    assert selected == "  initial_seconds: -5"


def test_clear_cooldown(driver, gateway):
    login(driver, gateway)
    client = sdk(gateway)
    with pytest.raises(Exception):
        client.chat.completions.create(model="broken", messages=[{"role": "user", "content": "fail"}])
    wait(driver).until(lambda d: gateway.admin("/cooldowns")["cooldowns"])
    go(driver, gateway, "performance")
    row = css(driver, '#cooldowns tr[data-target="flaky/mock:fail=503"]')
    assert re.search(r"\d+m \d+s|\d+s", row.find_element(By.CSS_SELECTOR, ".countdown").text)
    shot(driver, "performance")
    row.find_element(By.TAG_NAME, "button").click()
    gone(driver, '#cooldowns tr[data-target="flaky/mock:fail=503"]')
    css(driver, "#cooldowns .empty")
    assert gateway.admin("/cooldowns")["cooldowns"] == []


PAGES = ["overview", "logs", "debug", "providers", "models", "keys", "config", "performance", "usage"]


def test_every_page_renders_and_screenshots(driver, gateway):
    login(driver, gateway)
    for page in PAGES:
        go(driver, gateway, page)
        wait(driver).until(lambda d: not d.find_elements(By.CSS_SELECTOR, "#view .alert.error"))
        shot(driver, page)
    driver.set_window_size(390, 844)
    try:
        for page in ("overview", "logs"):
            go(driver, gateway, page)
            shot(driver, f"{page}-phone")
        toggle = css(driver, "#nav-toggle")
        toggle.click()
        css(driver, "#nav a[data-page=usage]").click()
        text_in(driver, "#view h1", "Usage")
    finally:
        driver.set_window_size(1366, 900)
