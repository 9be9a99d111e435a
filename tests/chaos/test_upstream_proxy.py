"""Upstream traffic through an HTTP proxy (CONNECT tunnels): HTTP_PROXY from the environment, NO_PROXY, and a
provider's own `proxy:` with credentials, against the real binary and `plexus mock` on loopback."""
import json
import os
import pathlib
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "support"))
import plexus_process  # noqa: E402
from connect_proxy import ConnectProxy  # noqa: E402

KEY = "sk-proxy-test"

CONFIG = """
server: {{host: 127.0.0.1, port: {port}}}
storage: {{url: sqlite://data/plexus.sqlite}}
providers:
  viaenv:
    api_base_url: http://127.0.0.1:MOCKPORT/v1
  viaown:
    api_base_url: http://localhost:MOCKPORT/v1
    proxy: http://tester:s3cret@127.0.0.1:OWNPROXY
models:
  env: {{targets: [{{provider: viaenv, model: demo-fast}}]}}
  own: {{targets: [{{provider: viaown, model: demo-fast}}]}}
keys:
  k: {{secret: {key}}}
"""


@pytest.fixture(scope="module")
def mock():
    port = plexus_process.free_port()
    proc = subprocess.Popen([str(plexus_process.BINARY), "mock", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
            break
        except Exception:
            time.sleep(0.1)
    yield port
    proc.kill()
    proc.wait(timeout=10)


def chat(port, model, stream=False):
    body = json.dumps({"model": model, "stream": stream, "messages": [{"role": "user", "content": "hi"}]}).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/chat/completions", data=body, headers={
        "Authorization": f"Bearer {KEY}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=15) as r:
        return r.status, r.read().decode()


def start_gateway(mock_port, own_proxy_port, env):
    config = CONFIG.replace("MOCKPORT", str(mock_port)).replace("OWNPROXY", str(own_proxy_port))
    return plexus_process.start(config.replace("{key}", KEY), env, "plexus-proxy-")


@pytest.mark.parametrize("no_proxy", [None, "localhost,127.0.0.1"])
def test_environment_proxy_and_no_proxy(mock, no_proxy):
    env_proxy, own_proxy = ConnectProxy(), ConnectProxy()
    env = {"HTTP_PROXY": f"http://127.0.0.1:{env_proxy.port}", "NO_PROXY": no_proxy or ""}
    proc, folder, port = start_gateway(mock, own_proxy.port, env)
    try:
        for stream in (False, True):
            status, text = chat(port, "env", stream)
            assert status == 200 and ("[DONE]" in text if stream else '"chat.completion"' in text)
        tunnels = [line for line, _ in env_proxy.requests]
        if no_proxy:
            assert tunnels == [], "NO_PROXY named the host, yet the proxy was used"
        else:
            assert tunnels and all(t.startswith(f"CONNECT 127.0.0.1:{mock} ") for t in tunnels), tunnels
        assert own_proxy.requests == []
        log = (folder / "plexus.log").read_text()
        assert "s3cret" not in log
    finally:
        plexus_process.stop(proc)
        env_proxy.close()
        own_proxy.close()


def test_providers_own_proxy_wins_and_sends_credentials(mock):
    env_proxy, own_proxy = ConnectProxy(), ConnectProxy()
    proc, folder, port = start_gateway(mock, own_proxy.port, {"HTTP_PROXY": f"http://127.0.0.1:{env_proxy.port}"})
    try:
        status, text = chat(port, "own")
        assert status == 200 and '"chat.completion"' in text
        assert env_proxy.requests == []
        line, auth = own_proxy.requests[0]
        assert line.startswith(f"CONNECT localhost:{mock} ")
        assert auth == "Basic dGVzdGVyOnMzY3JldA=="  # tester:s3cret
        assert "s3cret" not in (folder / "plexus.log").read_text()
    finally:
        plexus_process.stop(proc)
        env_proxy.close()
        own_proxy.close()


def test_a_dead_proxy_fails_the_attempt_quickly_and_clearly(mock):
    dead = socket.socket()
    dead.bind(("127.0.0.1", 0))
    dead_port = dead.getsockname()[1]
    dead.close()
    own_proxy = ConnectProxy()
    proc, folder, port = start_gateway(mock, own_proxy.port, {"HTTP_PROXY": f"http://127.0.0.1:{dead_port}"})
    try:
        started = time.time()
        with pytest.raises(urllib.error.HTTPError) as e:
            chat(port, "env")
        assert e.value.code in (502, 503)
        assert time.time() - started < 10
        assert proc.poll() is None
    finally:
        plexus_process.stop(proc)
        own_proxy.close()
