"""Runs the real `plexus serve` against a real `plexus mock` process whose answers misbehave on the wire.

One mock process for the session; one gateway, restarted when a case killed it (so every case gets its own
verdict instead of the first crash failing all that follow). Results go to a table printed at the end and
written to .build/chaos-upstream.txt.
"""
import json
import pathlib
import re
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "support"))
import plexus_process  # noqa: E402

ROOT = plexus_process.ROOT
BINARY = plexus_process.BINARY
KEY = "sk-chaos-test-key"
TABLE_PATH = ROOT / ".build" / "chaos-upstream.txt"


def raise_open_files_limit():
    """Soft RLIMIT_NOFILE to the hard limit, before any child starts: the gateway and mock inherit it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)


raise_open_files_limit()


def http_json(method, url, timeout=5):
    req = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return resp.status, json.loads(resp.read())


class Mock:
    """`plexus mock --port P` as its own process."""

    def __init__(self):
        self.folder = pathlib.Path(tempfile.mkdtemp(prefix="plexus-chaos-mock-"))
        self.port = plexus_process.free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = self.folder / "mock.log"
        log = open(self.log_path, "w")
        self.proc = subprocess.Popen([str(BINARY), "mock", "--port", str(self.port)],
                                     stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                if http_json("GET", self.base + "/health", timeout=1)[0] == 200:
                    return
            except Exception:
                if self.proc.poll() is not None:
                    raise RuntimeError("mock exited: " + self.log_path.read_text())
                time.sleep(0.1)
        self.proc.kill()
        raise RuntimeError("mock did not start within 30 s")

    def stats(self):
        return http_json("GET", self.base + "/mock/stats")[1]

    def requests(self, model):
        return self.stats()["requests_by_model"].get(model, 0)

    def reset_stats(self):
        assert http_json("POST", self.base + "/mock/stats/reset")[0] == 200

    def stop(self):
        plexus_process.stop(self.proc)


class GatewayHost:
    """The gateway under test; `ensure()` starts a fresh one when the last case killed it."""

    def __init__(self, config):
        self.config = config
        self.gateway = None
        self.starts = 0

    def ensure(self):
        if self.gateway is not None and self.gateway.proc.poll() is None and gateway_health(self.gateway) != 200:
            # Alive but not answering (a crash still writing its backtrace): not a gateway to test with.
            self.gateway.proc.kill()
            self.gateway.proc.wait()
        if self.gateway is None or self.gateway.proc.poll() is not None:
            proc, folder, port = plexus_process.start(self.config, {"CHAOS_KEY": KEY}, "plexus-chaos-")
            self.gateway = plexus_process.Gateway(port, folder, proc)
            self.starts += 1
        return self.gateway

    def crash_reason(self):
        """The runtime's own words for a crash in the gateway's log (first matching line), or ''."""
        path = self.gateway.folder / "plexus.log" if self.gateway else None
        if path is None or not path.exists():
            return ""
        for line in path.read_text(errors="replace").splitlines():
            if re.search(r"Fatal error|Fatal access conflict|Program crashed|Simultaneous accesses", line):
                return line.strip()[:100]
        return ""

    def log_tail(self, lines=15):
        if self.gateway is None:
            return ""
        path = self.gateway.folder / "plexus.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def stop(self):
        if self.gateway is not None and self.gateway.proc.poll() is None:
            plexus_process.stop(self.gateway.proc)


def gateway_health(gateway):
    """GET /health status, or the connection error's class name."""
    try:
        with urllib.request.urlopen(gateway.base + "/health", timeout=3) as resp:
            return resp.status
    except Exception as error:
        return type(error).__name__


# Rows of the result table: (behaviour, mode, expected, got, survived).
RESULTS = []


def record(behaviour, mode, expected, got, survived):
    RESULTS.append((behaviour, mode, expected, got, survived))
    print(f"\n  {behaviour:<28} {mode:<7} expected {expected:<34} got {got:<58} survived={survived}")


def format_table():
    header = ("behaviour", "mode", "expected", "client got", "gateway survived")
    rows = [header] + [tuple(str(c) for c in row) for row in RESULTS]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    line = lambda r: " | ".join(c.ljust(w) for c, w in zip(r, widths))  # noqa: E731
    return "\n".join([line(rows[0]), "-+-".join("-" * w for w in widths)] + [line(r) for r in rows[1:]])


def pytest_terminal_summary(terminalreporter):
    if not RESULTS:
        return
    table = format_table()
    terminalreporter.write_sep("=", "upstream faults (behaviour x mode: what the client got, did the gateway survive)")
    terminalreporter.write_line(table)
    TABLE_PATH.parent.mkdir(parents=True, exist_ok=True)
    TABLE_PATH.write_text(table + "\n")
    terminalreporter.write_line(f"(written to {TABLE_PATH})")


@pytest.fixture(scope="session")
def mock():
    m = Mock()
    yield m
    m.stop()
