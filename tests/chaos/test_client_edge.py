"""The gateway's edge against hostile clients (issue 18): a slow-header flood and a pipelining flood against the
real binary. Each prints its figure with its threshold and fails when the threshold is missed."""
import json
import pathlib
import socket
import sys
import time
import urllib.request

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "support"))
import plexus_process  # noqa: E402

KEY = "sk-edge-test-key"
CONFIG = """
server: {{host: 127.0.0.1, port: {port}, header_timeout_seconds: 2, idle_timeout_seconds: 5}}
storage: {{url: sqlite://data/plexus.sqlite}}
providers:
  demo: {{api_base_url: "mock://"}}
models:
  fast: {{targets: [{{provider: demo, model: demo-fast}}]}}
keys:
  k: {{secret: "%s"}}
""" % KEY


def chat_ok(port):
    body = json.dumps({"model": "fast", "messages": [{"role": "user", "content": "hi"}]}).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/chat/completions", data=body, headers={
        "Authorization": f"Bearer {KEY}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status == 200


def test_slow_header_flood_is_shed_and_service_continues():
    """1,200 connections each dripping a request head: the header timeout (2 s) closes them, and a normal
    client is served meanwhile and after."""
    proc, folder, port = plexus_process.start(CONFIG, {}, "plexus-edge-")
    socks = []
    try:
        for _ in range(1200):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(b"POST /v1/chat/completions HTTP/1.1\r\n")
            socks.append(s)
        served_during = chat_ok(port)
        time.sleep(4)  # past the header timeout
        closed = 0
        for s in socks:
            s.settimeout(0.5)
            try:
                s.sendall(b"x")
                closed += s.recv(1) == b""
            except OSError:
                closed += 1
        print(f"\nslow-header flood: {closed}/1200 closed by the gateway after 4 s (threshold: all); "
              f"served during the flood: {served_during}")
        assert proc.poll() is None
        assert served_during and chat_ok(port)
        assert closed == 1200
    finally:
        for s in socks:
            s.close()
        plexus_process.stop(proc)


def test_pipelining_flood_keeps_memory_bounded():
    """One client pipelines requests for 10 s and never reads an answer: the gateway's RSS grows by at most
    64 MiB, and it still serves others."""
    proc, folder, port = plexus_process.start(CONFIG, {}, "plexus-edge-")
    try:
        chat_ok(port)
        before = plexus_process.rss_mib(proc.pid)
        body = json.dumps({"model": "fast", "messages": [{"role": "user", "content": "hi"}]}).encode()
        req = (b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY.encode()
               + b"\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        s = socket.create_connection(("127.0.0.1", port))
        s.setblocking(False)
        sent, peak, start = 0, before, time.time()
        burst = req * 200
        while time.time() - start < 10:
            try:
                sent += s.send(burst)
            except BlockingIOError:
                time.sleep(0.01)
            peak = max(peak, plexus_process.rss_mib(proc.pid))
        grown = peak - before
        print(f"\npipelining flood: {sent / 1e6:.1f} MB sent unread, RSS {before:.0f} -> peak {peak:.0f} MiB "
              f"(+{grown:.0f}; threshold +64)")
        assert proc.poll() is None
        assert chat_ok(port)
        s.close()
        assert grown <= 64
    finally:
        plexus_process.stop(proc)
