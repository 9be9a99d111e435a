"""Issue 22: two real gateways on one PostgreSQL database, checked through the admin API and the official SDKs,
then behind nginx (Debian's package) as the load balancer while one of them is stopped mid-traffic.

Needs PLEXUS_TEST_POSTGRES_URL: scripts/test starts a throwaway PostgreSQL (scripts/postgres-test-server)."""
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.request
import uuid

import openai
import pytest

from conftest import plexus_process

ADMIN = "admin-cluster"
KEY = "sk-cluster-key"
CONFIG = """
server:
  host: 127.0.0.1
  port: {port}
  admin_key: admin-cluster
storage:
  url: "@URL@?schema=@SCHEMA@"
cooldown: {{ initial_seconds: 60, max_seconds: 120 }}
providers:
  demo:
    api_base_url: mock://
models:
  demo:
    targets: [ {{ provider: demo, model: demo-fast }} ]
  slow:
    targets: [ {{ provider: demo, model: "mock:tokens=40,tps=40" }} ]
  flaky:
    targets: [ {{ provider: demo, model: "mock:fail=503" }} ]
keys:
  cluster: {{ secret: sk-cluster-key }}
  six: {{ secret: sk-six-per-minute, limits: {{ requests_per_minute: 6 }} }}
"""

NGINX = """
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
daemon off;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    upstream plexus {{
        server 127.0.0.1:{a} max_fails=1 fail_timeout=30s;
        server 127.0.0.1:{b} max_fails=1 fail_timeout=30s;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://plexus;
            proxy_buffering off;
            proxy_next_upstream error timeout;
        }}
    }}
}}
"""


def postgres_url():
    url = os.environ.get("PLEXUS_TEST_POSTGRES_URL")
    assert url, "run scripts/postgres-test-server (scripts/test does) and export PLEXUS_TEST_POSTGRES_URL"
    return url


@pytest.fixture(scope="module")
def pair():
    schema = "e2e_" + uuid.uuid4().hex[:12]
    config = CONFIG.replace("@URL@", postgres_url()).replace("@SCHEMA@", schema)
    first = plexus_process.start(config, {}, "plexus-cluster-a-")
    second = plexus_process.start(config, {}, "plexus-cluster-b-")
    gateways = [plexus_process.Gateway(p, f, proc) for proc, f, p in (first, second)]
    yield gateways
    for g in gateways:
        if g.proc.poll() is None:
            plexus_process.stop(g.proc)


def admin(gw, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(gw.base + "/v0/management" + path, data=data, method=method,
                                     headers={"x-admin-key": ADMIN, "content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def client(base, key=KEY):
    return openai.OpenAI(base_url=base + "/v1", api_key=key, max_retries=0, timeout=30)


def until(check, limit):
    """Seconds until `check()` holds (polled every 10 ms), or None after `limit` seconds."""
    start = time.monotonic()
    while time.monotonic() - start < limit:
        try:
            if check():
                return time.monotonic() - start
        except Exception:
            pass
        time.sleep(0.01)
    return None


def chat(base, model, key=KEY):
    return client(base, key).chat.completions.create(model=model, messages=[{"role": "user", "content": "hi"}])


def test_a_config_change_reaches_the_other_instance_within_a_second(pair):
    a, b = pair
    with pytest.raises(openai.NotFoundError):
        chat(b.base, "added")
    admin(a, "PUT", "/models/added", {"targets": [{"provider": "demo", "model": "demo-fast"}]})
    took = until(lambda: chat(b.base, "added").choices, 1.0)
    print(f"\ncluster: config change on A served by B after {took * 1000:.0f} ms" if took else "\nnever")
    assert took is not None
    versions = admin(b, "GET", "/config/versions")
    assert [v["source"] for v in versions["versions"]][:2] == ["api", "seed"]


def test_a_cooldown_set_on_one_instance_is_seen_by_the_other(pair):
    a, b = pair
    with pytest.raises(openai.APIStatusError):
        chat(a.base, "flaky")
    took = until(lambda: admin(b, "GET", "/cooldowns")["cooldowns"], 1.0)
    print(f"\ncluster: cooldown set on A listed by B after {took * 1000:.0f} ms" if took else "\nnever")
    assert took is not None
    admin(b, "DELETE", "/cooldowns")
    assert until(lambda: not admin(a, "GET", "/cooldowns")["cooldowns"], 1.0) is not None


def test_key_limits_hold_across_instances(pair):
    a, b = pair
    outcomes = []
    for i in range(12):
        try:
            chat((a, b)[i % 2].base, "demo", key="sk-six-per-minute")
            outcomes.append("ok")
        except openai.RateLimitError:
            outcomes.append("limited")
    assert outcomes.count("ok") == 6 and outcomes.count("limited") == 6


def test_a_stored_response_continues_on_the_other_instance(pair):
    a, b = pair
    first = client(a.base).responses.create(model="demo", input="Remember the word teal.")
    second = client(b.base).responses.create(model="demo", input="Which word?", previous_response_id=first.id)
    assert second.output_text
    assert client(b.base).responses.retrieve(first.id).id == first.id


def test_one_instance_stops_behind_nginx_and_new_requests_do_not_fail(pair):
    a, b = pair
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(nginx):
        subprocess.run(["apt-get", "update", "-qq"], check=False, stdout=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "-qq", "nginx-light"], check=True, stdout=subprocess.DEVNULL,
                       env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    folder = tempfile.mkdtemp(prefix="plexus-lb-")
    port = plexus_process.free_port()
    with open(os.path.join(folder, "nginx.conf"), "w") as f:
        f.write(NGINX.format(dir=folder, a=a.port, b=b.port, port=port))
    lb = subprocess.Popen([nginx, "-c", os.path.join(folder, "nginx.conf"), "-p", folder])
    base = f"http://127.0.0.1:{port}"
    assert until(lambda: chat(base, "demo").choices, 10) is not None
    results, lock, stop_at = [], threading.Lock(), []

    def worker(stream):
        deadline = time.monotonic() + 6
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                if stream:
                    text = "".join(c.choices[0].delta.content or "" for c in client(base).chat.completions.create(
                        model="slow", stream=True, messages=[{"role": "user", "content": "count"}]) if c.choices)
                    ok = bool(text)
                else:
                    ok = bool(chat(base, "demo").choices)
            except Exception as error:  # noqa: BLE001 - every failure a client sees is counted
                ok = False
                print(f"\nclient error ({'stream' if stream else 'unary'}): {error!r}")
            with lock:
                results.append((started, stream, ok))

    threads = [threading.Thread(target=worker, args=(i < 2,)) for i in range(8)]
    for t in threads:
        t.start()
    time.sleep(2)
    stop_at.append(time.monotonic())
    a.proc.terminate()  # SIGTERM: A stops accepting and finishes what it has
    for t in threads:
        t.join(timeout=30)
    a.proc.wait(timeout=20)
    lb.terminate()
    lb.wait(timeout=10)
    stopped = stop_at[0]
    before = [r for r in results if r[0] < stopped]
    after = [r for r in results if r[0] >= stopped]
    failed_before = sum(1 for r in before if not r[2])
    failed_after = sum(1 for r in after if not r[2])
    print(f"\ncluster behind nginx: {len(results)} requests ({sum(1 for r in results if r[1])} streams); "
          f"A stopped (SIGTERM) 2 s in; {len(before)} started before the stop, {failed_before} failed; "
          f"{len(after)} started after, {failed_after} failed; A exited {a.proc.returncode}")
    assert after, "traffic went on after the stop"
    assert failed_after == 0, "new requests must not fail"
    assert a.proc.returncode == 0
