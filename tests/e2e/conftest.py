"""Starts the real `plexus` binary on a free loopback port with a test config, for the SDK tests."""
import pathlib

import pytest

import sys
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "support"))
import plexus_process  # noqa: E402

ROOT = plexus_process.ROOT
BINARY = plexus_process.BINARY
free_port = plexus_process.free_port
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
  only-embeddings:
    api_base_url: {{ embeddings: "mock://" }}
  only-responses:
    api_base_url: {{ responses: "mock://" }}
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
  via-responses:
    targets:
      - {{ provider: only-responses, model: demo-fast }}
  tools-chat:
    targets:
      - {{ provider: only-chat, model: "mock:tools=1" }}
  tools-messages:
    targets:
      - {{ provider: only-messages, model: "mock:tools=1" }}
  tools-gemini:
    targets:
      - {{ provider: only-gemini, model: "mock:tools=1" }}
  tools-responses:
    targets:
      - {{ provider: only-responses, model: "mock:tools=1" }}
  parallel-chat:
    targets:
      - {{ provider: only-chat, model: "mock:tools=2" }}
  parallel-messages:
    targets:
      - {{ provider: only-messages, model: "mock:tools=2" }}
  parallel-gemini:
    targets:
      - {{ provider: only-gemini, model: "mock:tools=2" }}
  parallel-responses:
    targets:
      - {{ provider: only-responses, model: "mock:tools=2" }}
  thinking-chat:
    targets:
      - {{ provider: only-chat, model: "mock:thinking,tools=1" }}
  thinking-messages:
    targets:
      - {{ provider: only-messages, model: "mock:thinking,tools=1" }}
  thinking-gemini:
    targets:
      - {{ provider: only-gemini, model: "mock:thinking,tools=1" }}
  thinking-responses:
    targets:
      - {{ provider: only-responses, model: "mock:thinking,tools=1" }}
  embed-openai-shaped:
    targets:
      - {{ provider: only-embeddings, model: demo-embed }}
  embed-google:
    targets:
      - {{ provider: only-gemini, model: demo-embed }}
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


Gateway = plexus_process.Gateway


@pytest.fixture(scope="session")
def gateway():
    proc, folder, port = plexus_process.start(CONFIG, {"E2E_KEY": KEY}, "plexus-e2e-")
    yield Gateway(port, folder, proc)
    plexus_process.stop(proc)


def pytest_terminal_summary(terminalreporter):
    import test_translation_matrix as m
    if m.RESULTS:
        terminalreporter.write_sep("=", "translation matrix (client SDK x upstream protocol x mode x case)")
        terminalreporter.write_line(m.pytest_sessionfinish_table())
    import test_embeddings as e
    if e.RESULTS:
        terminalreporter.write_sep("=", "embeddings matrix (client SDK and vector encoding x upstream kind)")
        terminalreporter.write_line(e.matrix_table())
