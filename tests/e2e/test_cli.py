"""`plexus check` and `plexus serve` on good and bad configs, and the repo's default plexus.yaml."""
import os
import shutil
import subprocess
import time
import urllib.request

import openai

import conftest

BAD = """server:
  port: "abc"
  bogus: 1
providers:
  x:
    api_base_url: mock://
    api_key: ${PLEXUS_TEST_UNSET_VAR}
models:
  a:
    targets:
      - { provider: y, model: m }
"""


def clean_env():
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY") and not k.startswith("PLEXUS_")}
    return env


def test_check_and_serve_report_every_problem_with_its_line(tmp_path):
    path = tmp_path / "plexus.yaml"
    path.write_text(BAD)
    check = subprocess.run([str(conftest.BINARY), "check", "--config", str(path)], capture_output=True, text=True,
                           timeout=30, env=clean_env())
    assert check.returncode == 1
    lines = check.stderr.strip().splitlines()
    assert f"{path}:2: server.port: expected an integer" in lines[0]
    assert any(":3: server.bogus: unknown key" in l for l in lines)
    assert any(":7: providers.x.api_key:" in l and "PLEXUS_TEST_UNSET_VAR" in l for l in lines)
    assert any(":11: models.a.targets[0].provider: unknown provider 'y'" in l for l in lines)
    serve = subprocess.run([str(conftest.BINARY), "serve", "--config", str(path)], capture_output=True, text=True,
                           timeout=30, env=clean_env())
    assert serve.returncode == 1
    for line in lines:
        assert line in serve.stderr


def test_default_config_runs_without_secrets(tmp_path):
    shutil.copy(conftest.ROOT / "plexus.yaml", tmp_path / "plexus.yaml")
    check = subprocess.run([str(conftest.BINARY), "check", "--config", str(tmp_path / "plexus.yaml")],
                           capture_output=True, text=True, timeout=30, env=clean_env())
    assert check.returncode == 0, check.stderr
    port = conftest.free_port()
    proc = subprocess.Popen([str(conftest.BINARY), "serve", "--config", str(tmp_path / "plexus.yaml"),
                             "--port", str(port)], env=clean_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except Exception:
                assert time.time() < deadline and proc.poll() is None, "gateway did not start"
                time.sleep(0.1)
        client = openai.OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="sk-plexus-demo", max_retries=0)
        reply = client.chat.completions.with_raw_response.create(
            model="demo", messages=[{"role": "user", "content": "Hello"}])
        assert reply.parse().choices[0].message.content
        # Real providers are off without their keys (enabled: auto): `smart` falls back to the demo alias.
        smart = client.chat.completions.with_raw_response.create(
            model="smart", messages=[{"role": "user", "content": "Hello"}])
        assert smart.headers["x-plexus-provider"] == "demo"
        # Embeddings too: the default model name of most RAG tools is an alias of the demo embedder.
        vectors = client.embeddings.create(model="text-embedding-3-small", input=["a", "b"])
        assert len(vectors.data) == 2 and len(vectors.data[0].embedding) == 16
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert (tmp_path / "data" / "plexus.sqlite").exists()
