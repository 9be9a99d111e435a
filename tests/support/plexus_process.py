"""Runs the real `plexus` binary on a free loopback port with a config written to a temporary folder.

Shared by the end-to-end and browser suites (each adds its own config and fixtures).
"""
import os
import pathlib
import resource
import socket
import subprocess
import tempfile
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[2]
# PLEXUS_BINARY runs the suites against another build (the deployment build, say); the test command uses the debug one.
BINARY = pathlib.Path(os.environ.get("PLEXUS_BINARY", ROOT / ".build" / "debug" / "plexus"))


class Gateway:
    """A running gateway: its port, folder (config, log, database) and process."""

    def __init__(self, port, folder, proc):
        self.port = port
        self.folder = folder
        self.proc = proc
        self.base = f"http://127.0.0.1:{port}"

    @property
    def config_path(self):
        return self.folder / "plexus.yaml"

    @property
    def db(self):
        return self.folder / "data" / "plexus.sqlite"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(config_template, env, prefix, limit=None):
    """Writes `config_template.format(port=P)` and starts `plexus serve` on it; waits (30 s at most) for /health.

    `limit` sets RLIMIT_NOFILE (soft = hard: `serve` raises its soft limit to the hard one).
    Returns (process, folder, port).
    """
    assert BINARY.exists(), f"build first: {BINARY} is missing"
    folder = pathlib.Path(tempfile.mkdtemp(prefix=prefix))
    port = free_port()
    (folder / "plexus.yaml").write_text(config_template.format(port=port))
    log = open(folder / "plexus.log", "w")
    preexec = (lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))) if limit else None
    proc = subprocess.Popen([str(BINARY), "serve", "--config", str(folder / "plexus.yaml")],
                            stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, **env), preexec_fn=preexec)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
            return proc, folder, port
        except Exception:
            if proc.poll() is not None:
                raise RuntimeError((folder / "plexus.log").read_text()[-3000:])
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("gateway did not start within 30 s")


def stop(proc):
    """SIGTERM, then SIGKILL after 15 s."""
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def rss_mib(pid):
    """The process's resident set, in MiB."""
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return 0.0
