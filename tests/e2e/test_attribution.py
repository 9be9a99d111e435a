"""Per-user attribution end to end: each official SDK sends `SECRET:label` as its API key, the gateway
authenticates with SECRET, and the management API lists, filters and groups the rows by the label."""
import json
import pathlib
import sys
import time
import urllib.request

import anthropic
import openai
import pytest
from google import genai
from google.genai import types

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "support"))
import plexus_process  # noqa: E402

KEY = "sk-e2e-shared-team-key"
ADMIN = "admin-e2e-attribution"
CONFIG = """
server: {{host: 127.0.0.1, port: {port}, admin_key: "${{ADMIN}}"}}
storage: {{url: sqlite://data/plexus.sqlite}}
providers:
  demo: {{api_base_url: "mock://", models: [demo-fast]}}
models:
  demo: {{targets: [{{provider: demo, model: demo-fast}}]}}
keys:
  team: {{secret: "${{TEAM_KEY}}"}}
"""
HI = "hi"


@pytest.fixture(scope="module")
def gateway():
    proc, folder, port = plexus_process.start(CONFIG, {"ADMIN": ADMIN, "TEAM_KEY": KEY}, "plexus-attr-")
    yield plexus_process.Gateway(port, folder, proc)
    plexus_process.stop(proc)


def admin(gateway, path):
    request = urllib.request.Request(gateway.base + "/v0/management" + path, headers={"x-admin-key": ADMIN})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


def row(gateway, request_id):
    """The usage row of one request (the API flushes the writer's batch when the row is not stored yet)."""
    return admin(gateway, "/usage/" + request_id)


def test_each_sdk_labels_its_rows(gateway):
    chat = openai.OpenAI(base_url=gateway.base + "/v1", api_key=f"{KEY}:alice", max_retries=0, timeout=30)
    raw = chat.chat.completions.with_raw_response.create(model="demo", messages=[{"role": "user", "content": HI}])
    assert raw.parse().choices[0].message.content
    alice = raw.headers["x-request-id"]

    messages = anthropic.Anthropic(base_url=gateway.base, api_key=f"{KEY}:bob", max_retries=0, timeout=30)
    raw = messages.messages.with_raw_response.create(model="demo", max_tokens=64, messages=[{"role": "user", "content": HI}])
    assert raw.parse().content
    bob = raw.headers["x-request-id"]
    with messages.messages.stream(model="demo", max_tokens=64, messages=[{"role": "user", "content": HI}]) as stream:
        assert stream.get_final_text()

    gemini = genai.Client(api_key=f"{KEY}:carol", http_options=types.HttpOptions(base_url=gateway.base))
    assert gemini.models.generate_content(model="demo", contents=HI).text

    assert row(gateway, alice)["attribution"] == "alice" and row(gateway, alice)["key"] == "team"
    assert row(gateway, bob)["attribution"] == "bob"

    deadline = time.time() + 10
    while time.time() < deadline:
        labels = sorted(r["attribution"] for r in admin(gateway, "/usage")["items"])
        if labels == ["alice", "bob", "bob", "carol"]:
            break
        time.sleep(0.1)
    assert labels == ["alice", "bob", "bob", "carol"]
    only_bob = admin(gateway, "/usage?attribution=bob")["items"]
    assert len(only_bob) == 2 and all(r["attribution"] == "bob" for r in only_bob)
    summary = admin(gateway, "/usage/summary?bucket=day&group_by=attribution")
    assert {b["group"]: b["requests"] for b in summary["buckets"]} == {"alice": 1, "bob": 2, "carol": 1}
    assert KEY not in (gateway.folder / "plexus.log").read_text(), "the secret part is never logged"


def test_a_wrong_secret_with_a_label_is_refused(gateway):
    client = openai.OpenAI(base_url=gateway.base + "/v1", api_key="sk-wrong:alice", max_retries=0, timeout=30)
    with pytest.raises(openai.AuthenticationError):
        client.chat.completions.create(model="demo", messages=[{"role": "user", "content": HI}])
    assert openai.OpenAI(base_url=gateway.base + "/v1", api_key=f"{KEY}:alice", max_retries=0,
                         timeout=30).models.list().data
