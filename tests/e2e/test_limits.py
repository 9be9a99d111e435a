"""Issue 21: key limits through the official SDKs: each client protocol's own 429, Retry-After, what is left."""
import concurrent.futures
import json
import threading
import time
import urllib.request

import anthropic
import openai
import pytest
from google import genai
from google.genai import errors as genai_errors
from google.genai import types as genai_types

import conftest
from conftest import plexus_process

CONFIG = """
server:
  host: 127.0.0.1
  port: {port}
  admin_key: admin-limits
storage:
  url: sqlite://data/plexus.sqlite
providers:
  demo:
    api_base_url: mock://
    models:
      demo-fast: {{ pricing: {{ source: simple, input: 1.0, output: 4.0 }} }}
      "mock:tokens=60,tps=20": {{ pricing: {{ source: simple, input: 1.0, output: 4.0 }} }}
models:
  demo:
    targets: [ {{ provider: demo, model: demo-fast }} ]
  slow:
    targets: [ {{ provider: demo, model: "mock:tokens=60,tps=20" }} ]
keys:
  openai-2rpm: {{ secret: sk-openai-2rpm, limits: {{ requests_per_minute: 2 }} }}
  anthropic-2rpm: {{ secret: sk-anthropic-2rpm, limits: {{ requests_per_minute: 2 }} }}
  gemini-2rpm: {{ secret: sk-gemini-2rpm, limits: {{ requests_per_minute: 2 }} }}
  responses-2rpm: {{ secret: sk-responses-2rpm, limits: {{ requests_per_minute: 2 }} }}
  three-at-once: {{ secret: sk-three, limits: {{ concurrent_requests: 3 }} }}
  tiny-budget: {{ secret: sk-budget, limits: {{ budget: {{ usd: 0.00001, period: day }} }} }}
"""


@pytest.fixture(scope="module")
def gw():
    proc, folder, port = plexus_process.start(CONFIG, {}, "plexus-limits-")
    yield plexus_process.Gateway(port, folder, proc)
    plexus_process.stop(proc)


def openai_client(gw, key):
    return openai.OpenAI(base_url=gw.base + "/v1", api_key=key, max_retries=0, timeout=30)


def test_openai_chat_gets_rate_limit_error_with_retry_after(gw):
    client = openai_client(gw, "sk-openai-2rpm")
    for left in ("1", "0"):
        raw = client.chat.completions.with_raw_response.create(
            model="demo", messages=[{"role": "user", "content": "hi"}])
        assert raw.headers["x-plexus-limit-requests-remaining"] == left
    with pytest.raises(openai.RateLimitError) as refused:
        client.chat.completions.create(model="demo", messages=[{"role": "user", "content": "hi"}])
    assert refused.value.status_code == 429
    assert 1 <= int(refused.value.response.headers["retry-after"]) <= 60
    assert refused.value.body["type"] == "rate_limit_error"
    assert "2 requests per minute" in refused.value.message


def test_openai_responses_gets_rate_limit_error(gw):
    client = openai_client(gw, "sk-responses-2rpm")
    for _ in range(2):
        assert client.responses.create(model="demo", input="hi").output_text
    with pytest.raises(openai.RateLimitError) as refused:
        client.responses.create(model="demo", input="hi")
    assert refused.value.response.headers["x-plexus-limit-requests-remaining"] == "0"


def test_anthropic_gets_rate_limit_error(gw):
    client = anthropic.Anthropic(base_url=gw.base, api_key="sk-anthropic-2rpm", max_retries=0, timeout=30)
    for _ in range(2):
        client.messages.create(model="demo", max_tokens=64, messages=[{"role": "user", "content": "hi"}])
    with pytest.raises(anthropic.RateLimitError) as refused:
        client.messages.create(model="demo", max_tokens=64, messages=[{"role": "user", "content": "hi"}])
    assert refused.value.status_code == 429
    assert refused.value.body["error"]["type"] == "rate_limit_error"
    assert int(refused.value.response.headers["retry-after"]) >= 1


def test_gemini_gets_resource_exhausted(gw):
    client = genai.Client(api_key="sk-gemini-2rpm", http_options=genai_types.HttpOptions(
        base_url=gw.base, retry_options=genai_types.HttpRetryOptions(attempts=1)))
    for _ in range(2):
        assert client.models.generate_content(model="demo", contents="hi").text
    with pytest.raises(genai_errors.ClientError) as refused:
        client.models.generate_content(model="demo", contents="hi")
    assert refused.value.code == 429
    assert refused.value.status == "RESOURCE_EXHAUSTED"


def test_concurrent_streams_over_the_cap_are_refused(gw):
    """Eight streams at once for a key allowed three: three stream to the end, five get 429."""
    client = openai_client(gw, "sk-three")
    start = threading.Barrier(8)

    def one(_):
        start.wait()
        try:
            stream = client.chat.completions.create(
                model="slow", stream=True, messages=[{"role": "user", "content": "count"}])
            return "ok" if "".join(c.choices[0].delta.content or "" for c in stream if c.choices) else "empty"
        except openai.RateLimitError:
            return "limited"

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(one, range(8)))
    assert sorted(outcomes) == ["limited"] * 5 + ["ok"] * 3
    # Slots come back when streams end.
    assert client.chat.completions.create(model="demo", messages=[{"role": "user", "content": "hi"}]).choices


def test_a_spent_budget_refuses_and_the_rows_say_limited(gw):
    client = openai_client(gw, "sk-budget")
    client.chat.completions.create(model="demo", messages=[{"role": "user", "content": "hi"}])
    deadline = time.time() + 5
    while True:
        try:
            client.chat.completions.create(model="demo", messages=[{"role": "user", "content": "hi"}])
        except openai.RateLimitError as refused:
            assert "budget" in refused.message
            assert refused.response.headers["x-plexus-limit-budget-remaining-usd"] == "0"
            break
        assert time.time() < deadline, "the budget never ran out"
    request = urllib.request.Request(gw.base + "/v0/management/usage?key=tiny-budget&status=limited",
                                     headers={"x-admin-key": "admin-limits"})
    deadline = time.time() + 5
    while True:
        items = json.load(urllib.request.urlopen(request, timeout=5))["items"]
        if items or time.time() > deadline:
            break
        time.sleep(0.2)
    assert items and all(i["http_status"] == 429 for i in items)
    limits = urllib.request.Request(gw.base + "/v0/management/limits?key=tiny-budget",
                                    headers={"x-admin-key": "admin-limits"})
    use = json.load(urllib.request.urlopen(limits, timeout=5))["keys"][0]
    assert use["budget"]["remaining_usd"] == 0 and use["budget"]["spent_usd"] > 0.00001
