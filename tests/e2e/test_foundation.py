"""Issue 2: OpenAI-compatible traffic end to end through the real binary, with the official `openai` SDK."""
import json
import signal
import sqlite3
import subprocess
import urllib.error
import urllib.request

import openai
import pytest

from conftest import KEY


def client(gateway, key=KEY):
    return openai.OpenAI(base_url=gateway.base + "/v1", api_key=key, max_retries=0, timeout=30)


def test_unary_passthrough(gateway):
    raw = client(gateway).chat.completions.with_raw_response.create(
        model="demo", messages=[{"role": "user", "content": "Hello there"}])
    completion = raw.parse()
    assert completion.choices[0].message.content
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage.completion_tokens > 0
    assert raw.headers["x-plexus-passthrough"] == "true"
    assert raw.headers["x-plexus-provider"] == "demo"
    assert raw.headers["x-plexus-model"] == "demo-fast"
    assert raw.headers["x-request-id"].startswith("req_")


def test_stream_matches_unary(gateway):
    messages = [{"role": "user", "content": "Tell me something"}]
    unary = client(gateway).chat.completions.create(model="demo", messages=messages)
    stream = client(gateway).chat.completions.create(model="demo", messages=messages, stream=True)
    text = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
    assert text == unary.choices[0].message.content


def test_stream_usage_only_when_asked(gateway):
    messages = [{"role": "user", "content": "count"}]
    chunks = list(client(gateway).chat.completions.create(model="demo", messages=messages, stream=True))
    assert all(c.usage is None for c in chunks)
    chunks = list(client(gateway).chat.completions.create(
        model="demo", messages=messages, stream=True, stream_options={"include_usage": True}))
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0


def test_additional_alias_and_direct(gateway):
    assert client(gateway).chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]).choices[0].message.content
    assert client(gateway).chat.completions.create(
        model="direct/demo/demo-fast", messages=[{"role": "user", "content": "hi"}]).choices[0].message.content


def test_bad_key_is_401_in_openai_shape(gateway):
    with pytest.raises(openai.AuthenticationError) as err:
        client(gateway, key="wrong").chat.completions.create(model="demo", messages=[{"role": "user", "content": "x"}])
    assert err.value.status_code == 401
    assert err.value.body["type"] == "authentication_error"
    assert "wrong" not in json.dumps(err.value.body)


def test_unknown_model_lists_allowed_names(gateway):
    with pytest.raises(openai.NotFoundError) as err:
        client(gateway).chat.completions.create(model="nope", messages=[{"role": "user", "content": "x"}])
    assert "demo-slow" in err.value.message


def test_malformed_json_names_position(gateway):
    req = urllib.request.Request(gateway.base + "/v1/chat/completions", data=b'{"model": "demo",',
                                 headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=10)
    body = json.loads(err.value.read())
    assert err.value.code == 400
    assert "byte" in body["error"]["message"]


def test_models_list(gateway):
    ids = {m.id for m in client(gateway).models.list()}
    assert {"demo", "demo-slow", "demo-tools"} <= ids


def test_every_request_leaves_a_row_after_sigterm(tmp_path):
    """A separate gateway: requests (good and bad), SIGTERM, then every row is in the SQLite file."""
    import conftest
    import os
    import time

    port = conftest.free_port()
    (tmp_path / "plexus.yaml").write_text(conftest.CONFIG.format(port=port))
    proc = subprocess.Popen([str(conftest.BINARY), "serve", "--config", str(tmp_path / "plexus.yaml")],
                            env=dict(os.environ, E2E_KEY=KEY), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        gw = conftest.Gateway(port, tmp_path, proc)
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(gw.base + "/health", timeout=1)
                break
            except Exception:
                assert time.time() < deadline, "gateway did not start"
                time.sleep(0.1)
        for _ in range(5):
            client(gw).chat.completions.create(model="demo", messages=[{"role": "user", "content": "x"}])
        list(client(gw).chat.completions.create(model="demo", messages=[{"role": "user", "content": "x"}], stream=True))
        with pytest.raises(openai.AuthenticationError):
            client(gw, key="bad").chat.completions.create(model="demo", messages=[{"role": "user", "content": "x"}])
        with pytest.raises(openai.NotFoundError):
            client(gw).chat.completions.create(model="nope", messages=[{"role": "user", "content": "x"}])
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    db = sqlite3.connect(tmp_path / "data" / "plexus.sqlite")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = db.execute("SELECT status, http_status, streamed, passthrough, key_name, output_tokens FROM usage").fetchall()
    assert len(rows) == 8
    assert sum(1 for r in rows if r[0] == "success") == 6
    assert sorted(r[1] for r in rows if r[0] == "error") == [401, 404]
    assert sum(1 for r in rows if r[2] == 1) == 1
    assert all(r[5] > 0 for r in rows if r[0] == "success")
