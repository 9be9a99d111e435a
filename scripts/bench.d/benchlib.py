"""Helpers for scripts/bench: processes, ports, request bodies, wrk, the stream client, memory readings."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def log(msg):
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


_issued = set()


def free_port():
    """A free loopback port, never one handed out before in this run (the kernel may offer a port twice)."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _issued:
            _issued.add(port)
            return port


def which(name):
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin:/usr/local/sbin")


_apt_updated = False


def ensure_debian_package(binary, package):
    """Installs a Debian package when its binary is missing (apt-get update once, only when needed)."""
    global _apt_updated
    if which(binary):
        return which(binary)
    if not shutil.which("apt-get"):
        sys.exit(f"bench: '{binary}' is missing and apt-get is not available; install {package}")
    log(f"installing {package} (for {binary})")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if not _apt_updated:
        subprocess.run(sudo + ["apt-get", "update", "-q"], check=False, env=env, stdout=subprocess.DEVNULL)
        _apt_updated = True
    subprocess.run(sudo + ["apt-get", "install", "-y", "-q", package], check=True, env=env, stdout=subprocess.DEVNULL)
    if not which(binary):
        sys.exit(f"bench: {package} installed but '{binary}' is still missing")
    return which(binary)


class Proc:
    """A child process started by the benchmark, stopped by its own pid."""

    def __init__(self, name, argv, logdir, env=None, cwd=None):
        self.name = name
        self.log_path = os.path.join(logdir, f"{name}.log")
        self._log = open(self.log_path, "ab")
        self.started = time.monotonic()
        self.popen = subprocess.Popen(argv, stdout=self._log, stderr=subprocess.STDOUT, env=env, cwd=cwd,
                                      start_new_session=True)

    @property
    def pid(self):
        return self.popen.pid

    def alive(self):
        return self.popen.poll() is None

    def stop(self, timeout=10):
        if self.alive():
            self.popen.terminate()
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(5)
        self._log.close()

    def tail(self, n=20):
        try:
            with open(self.log_path, "rb") as f:
                return b"\n".join(f.read().splitlines()[-n:]).decode(errors="replace")
        except OSError:
            return ""


def wait_listening(port, proc, timeout=30.0):
    """Seconds from the process start until the port accepts a connection."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not proc.alive():
            sys.exit(f"bench: {proc.name} exited early:\n{proc.tail()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return time.monotonic() - proc.started
        except OSError:
            time.sleep(0.002)
    sys.exit(f"bench: {proc.name} did not listen on {port} within {timeout} s:\n{proc.tail()}")


def http(url, body=None, headers=None, timeout=10):
    req = urllib.request.Request(url, data=body, headers=headers or {}, method="POST" if body else "GET")
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.status, r.read()


def memory(pid):
    """VmRSS and VmHWM (peak) of a process, in MiB."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":")
                out[key] = int(value.split()[0]) / 1024.0
    return {"rss_mib": round(out.get("VmRSS", 0), 1), "hwm_mib": round(out.get("VmHWM", 0), 1)}


# Request bodies: about 1 KB each, the same conversation in each protocol.

FILLER = "The quick brown fox jumps over the lazy dog while the benchmark counts every byte it sends. "


def _sized(build, size):
    text = FILLER * 20
    lo, hi = 0, len(text)
    while lo < hi:  # the longest prefix whose body stays within `size` bytes
        mid = (lo + hi + 1) // 2
        if len(json.dumps(build(text[:mid]), separators=(",", ":"))) <= size:
            lo = mid
        else:
            hi = mid - 1
    return json.dumps(build(text[:lo]), separators=(",", ":")).encode()


def chat_body(model, stream=False, size=1024):
    def build(text):
        b = {"model": model, "messages": [
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": text}]}
        if stream:
            b["stream"] = True
        else:
            b["max_tokens"] = 256
        return b
    return _sized(build, size)


def messages_body(model, stream=False, max_tokens=256, size=1024):
    def build(text):
        b = {"model": model, "max_tokens": max_tokens, "system": "You are a helpful assistant.",
             "messages": [{"role": "user", "content": text}]}
        if stream:
            b["stream"] = True
        return b
    return _sized(build, size)


def gemini_body(size=1024):
    def build(text):
        return {"systemInstruction": {"parts": [{"text": "You are a helpful assistant."}]},
                "contents": [{"role": "user", "parts": [{"text": text}]}],
                "generationConfig": {"maxOutputTokens": 256}}
    return _sized(build, size)


class Target:
    """One URL with its body and headers: the mock itself, nginx, the gateway or a peer."""

    def __init__(self, url, body_path, headers):
        self.url = url
        self.body_path = body_path
        self.headers = headers

    def check(self, expect_stream=False):
        with open(self.body_path, "rb") as f:
            body = f.read()
        hdrs = dict(h.split(": ", 1) for h in self.headers)
        hdrs["Content-Type"] = "application/json"
        try:
            status, data = http(self.url, body, hdrs, timeout=30)
        except Exception as e:  # noqa: BLE001 - report whatever went wrong
            detail = e.read()[:300] if hasattr(e, "read") else b""
            sys.exit(f"bench: {self.url} failed its check: {e} {detail!r}")
        if status != 200 or (expect_stream and b"data:" not in data):
            sys.exit(f"bench: {self.url} answered {status}: {data[:300]!r}")


# The load generators run with real-time priority (SCHED_FIFO) when the script may set it: on a 2-core machine a
# client starved by the servers it measures reports its own scheduling delay as latency. A stream client waiting
# for a core while gateway and mock relayed a burst of events measured 2-5 ms of "TTFT" where tcpdump showed the
# gateway's first text leaving 0.7 ms after the request; with SCHED_FIFO the client measures what the wire shows
# (a raised nice level was not enough). In production the client is on another machine. Same for every target.
def _priority():
    if not (hasattr(os, "geteuid") and os.geteuid() == 0):
        return []
    if shutil.which("chrt") and subprocess.run(["chrt", "-f", "10", "true"], check=False).returncode == 0:
        return ["chrt", "-f", "10"]
    return ["nice", "-n", "-10"]


PRIORITY = _priority()


def run_wrk(wrk, target, seconds, connections, threads=1, delay_ms=0, timeout_s=10):
    env = dict(os.environ, BENCH_BODY=target.body_path, BENCH_HEADERS="\n".join(target.headers),
               BENCH_DELAY_MS=str(delay_ms))
    argv = PRIORITY + [wrk, "-t", str(threads), "-c", str(connections), "-d", f"{seconds:g}s", "--timeout", f"{timeout_s}s",
            "-s", os.path.join(HERE, "post.lua"), target.url]
    out = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    for line in out.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            r = json.loads(line[len("BENCH_JSON "):])
            r["rps"] = round(r["requests"] / (r["duration_us"] / 1e6), 1)
            r["error_count"] = sum(r["errors"].values())
            return r
    sys.exit(f"bench: wrk gave no result for {target.url}:\n{out.stdout}\n{out.stderr}")


def merge_slices(parts):
    """One wrk result from slices of the same load: counts summed, rate and latency percentiles as medians."""
    def med(values):
        values = sorted(values)
        return values[len(values) // 2] if len(values) % 2 else (values[len(values) // 2 - 1] + values[len(values) // 2]) / 2
    merged = dict(parts[0])
    merged["requests"] = sum(p["requests"] for p in parts)
    merged["duration_us"] = sum(p["duration_us"] for p in parts)
    merged["rps"] = round(med([p["rps"] for p in parts]), 1)
    merged["error_count"] = sum(p["error_count"] for p in parts)
    merged["errors"] = {k: sum(p["errors"].get(k, 0) for p in parts) for k in parts[0]["errors"]}
    merged["latency_us"] = {k: med([p["latency_us"][k] for p in parts]) for k in parts[0]["latency_us"]}
    merged["slices"] = len(parts)
    return merged


def run_streams(client, target, count, concurrency=1, warmup=3):
    argv = PRIORITY + [client, "streams", "--url", target.url, "--body", target.body_path, "--count", str(count),
            "--concurrency", str(concurrency), "--warmup", str(warmup)]
    for h in target.headers:
        argv += ["--header", h]
    out = subprocess.run(argv, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.exit(f"bench: plexus-bench streams failed for {target.url}:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def hold_streams(client, target, streams, seconds, watch_pid, logdir):
    """Holds `streams` streams open through the gateway; samples the gateway's memory while they are open."""
    argv = [client, "hold", "--url", target.url, "--body", target.body_path, "--streams", str(streams),
            "--seconds", str(seconds)]
    for h in target.headers:
        argv += ["--header", h]
    out_path = os.path.join(logdir, "hold.out")
    with open(out_path, "w") as out:
        p = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
        ready, peak = None, {"rss_mib": 0.0, "hwm_mib": 0.0}
        while p.poll() is None:
            time.sleep(0.25)
            with open(out_path) as f:
                for line in f:
                    if line.startswith('{"ready"'):
                        ready = json.loads(line)
            if ready:
                m = memory(watch_pid)
                peak = {"rss_mib": max(peak["rss_mib"], m["rss_mib"]), "hwm_mib": m["hwm_mib"]}
        p.wait()
    return {"ready": ready, "gateway": peak}
