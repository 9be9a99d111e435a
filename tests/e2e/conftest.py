"""Starts the real `plexus` binary on a free loopback port with a test config, for the SDK tests."""
import os
import pathlib
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = ROOT / ".build" / "debug" / "plexus"
KEY = "sk-e2e-test-key"

CONFIG = """
server:
  host: 127.0.0.1
  port: {port}
storage:
  url: sqlite://data/plexus.sqlite
providers:
  demo:
    api_base_url: mock://
    models: [demo-fast, demo-slow, demo-tools, demo-thinking]
  only-chat:
    api_base_url: {{ chat: "mock://" }}
  only-messages:
    api_base_url: {{ messages: "mock://" }}
  only-gemini:
    api_base_url: {{ gemini: "mock://" }}
models:
  via-chat:
    targets:
      - {{ provider: only-chat, model: demo-fast }}
  via-messages:
    targets:
      - {{ provider: only-messages, model: demo-fast }}
  via-gemini:
    targets:
      - {{ provider: only-gemini, model: demo-fast }}
  tools-chat:
    targets:
      - {{ provider: only-chat, model: "mock:tools=1" }}
  tools-messages:
    targets:
      - {{ provider: only-messages, model: "mock:tools=1" }}
  tools-gemini:
    targets:
      - {{ provider: only-gemini, model: "mock:tools=1" }}
  parallel-chat:
    targets:
      - {{ provider: only-chat, model: "mock:tools=2" }}
  parallel-messages:
    targets:
      - {{ provider: only-messages, model: "mock:tools=2" }}
  parallel-gemini:
    targets:
      - {{ provider: only-gemini, model: "mock:tools=2" }}
  thinking-chat:
    targets:
      - {{ provider: only-chat, model: "mock:thinking,tools=1" }}
  thinking-messages:
    targets:
      - {{ provider: only-messages, model: "mock:thinking,tools=1" }}
  thinking-gemini:
    targets:
      - {{ provider: only-gemini, model: "mock:thinking,tools=1" }}
  demo:
    additional_aliases: [gpt-4o-mini]
    targets:
      - {{ provider: demo, model: demo-fast }}
  demo-slow:
    targets:
      - {{ provider: demo, model: demo-slow }}
  demo-tools:
    targets:
      - {{ provider: demo, model: demo-tools }}
keys:
  e2e:
    secret: ${{E2E_KEY}}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gateway:
    def __init__(self, port, folder, proc):
        self.port = port
        self.folder = folder
        self.proc = proc
        self.base = f"http://127.0.0.1:{port}"

    @property
    def db(self):
        return self.folder / "data" / "plexus.sqlite"


@pytest.fixture(scope="session")
def gateway():
    assert BINARY.exists(), f"build first: {BINARY} is missing"
    folder = pathlib.Path(tempfile.mkdtemp(prefix="plexus-e2e-"))
    port = free_port()
    (folder / "plexus.yaml").write_text(CONFIG.format(port=port))
    env = dict(os.environ, E2E_KEY=KEY)
    log = open(folder / "plexus.log", "w")
    proc = subprocess.Popen([str(BINARY), "serve", "--config", str(folder / "plexus.yaml")],
                            stdout=log, stderr=subprocess.STDOUT, env=env)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
            break
        except Exception:
            if proc.poll() is not None:
                raise RuntimeError((folder / "plexus.log").read_text())
            time.sleep(0.1)
    else:
        proc.kill()
        raise RuntimeError("gateway did not start within 30 s")
    gw = Gateway(port, folder, proc)
    yield gw
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def pytest_terminal_summary(terminalreporter):
    import test_translation_matrix as m
    if m.RESULTS:
        terminalreporter.write_sep("=", "translation matrix (client SDK x upstream protocol x mode x case)")
        terminalreporter.write_line(m.pytest_sessionfinish_table())
