"""kill -9 under load (issue 18, point 3): every request whose answer the client received in full is in the usage
log after the restart, and the database passes PRAGMA integrity_check."""
import http.client
import json
import os
import pathlib
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "support"))
import plexus_process  # noqa: E402

KEY = "sk-kill-loop-key"
KILLS = 6


def start(folder, port):
    log = open(folder / "plexus.log", "a")
    proc = subprocess.Popen([str(plexus_process.BINARY), "serve", "--config", str(folder / "plexus.yaml")],
                            stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
            return proc
        except Exception:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError((folder / "plexus.log").read_text()[-2000:])


def client(port, stream, finished, stop):
    body = json.dumps({"model": "m", "stream": stream, "messages": [{"role": "user", "content": "hi"}]})
    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
    while not stop.is_set():
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            for _ in range(50):
                c.request("POST", "/v1/chat/completions", body, headers)
                r = c.getresponse()
                data = r.read()  # the whole answer, to its last byte (chunked terminator included)
                if r.status == 200 and (b"[DONE]" in data if stream else b"chat.completion" in data):
                    finished.append(r.getheader("x-request-id"))
                if stop.is_set():
                    break
            c.close()
        except (OSError, http.client.HTTPException):
            time.sleep(0.02)  # killed: reconnect once it is back


def test_no_finished_request_is_lost_over_a_kill_loop():
    folder = pathlib.Path(tempfile.mkdtemp(prefix="plexus-kill-"))
    port = plexus_process.free_port()
    (folder / "plexus.yaml").write_text(f"""
server: {{host: 127.0.0.1, port: {port}}}
storage: {{url: sqlite://data/plexus.sqlite}}
providers:
  demo: {{api_base_url: "mock://"}}
models:
  m: {{targets: [{{provider: demo, model: "mock:tokens=5"}}]}}
keys:
  k: {{secret: "{KEY}"}}
""")
    finished, stop = [], threading.Event()
    proc = start(folder, port)
    threads = [threading.Thread(target=client, args=(port, i % 2 == 1, finished, stop), daemon=True) for i in range(6)]
    for t in threads:
        t.start()
    try:
        for _ in range(KILLS):
            time.sleep(0.8)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            proc = start(folder, port)
        time.sleep(0.5)
        stop.set()
        for t in threads:
            t.join(timeout=10)
    finally:
        plexus_process.stop(proc)  # SIGTERM: a clean stop flushes
    db = sqlite3.connect(folder / "data" / "plexus.sqlite")
    stored = {row[0] for row in db.execute("SELECT request_id FROM usage")}
    integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    lost = [i for i in finished if i not in stored]
    print(f"\nkill -9 loop: {KILLS} kills under load, {len(finished)} requests finished, {len(lost)} lost "
          f"(threshold 0); integrity_check: {integrity}")
    assert len(finished) > 100
    assert integrity == "ok"
    assert not lost, lost[:5]
