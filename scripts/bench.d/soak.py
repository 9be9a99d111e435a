#!/usr/bin/env python3
"""Memory over a long mixed load (QUALITY.md: RSS flat, under 5 % growth, over a 30-minute soak).

    scripts/bench.d/soak.py [--minutes 30] [--rate 300]      (release builds of plexus and plexus-bench)

The mock and the gateway (release build, usage logging on, SQLite) run as in `scripts/bench`; the load goes round
in cycles: passthrough, OpenAI -> Anthropic and Anthropic -> Gemini unary at a fixed rate (wrk), passthrough and
translated streams of 500 events (plexus-bench), and requests that fail (malformed JSON, an unknown model, a wrong
key, a body over the limit), so error paths are soaked too. The gateway's RSS is sampled every few seconds. The
figure is the growth of the median RSS over the last three minutes against the median over minutes 2-4 (the first
minute warms caches, pools and SQLite's page cache); the peak and every sample are printed as well."""

import argparse
import importlib.machinery
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import benchlib as B  # noqa: E402

bench = importlib.machinery.SourceFileLoader("bench", os.path.join(ROOT, "scripts", "bench")).load_module()


class Sampler(threading.Thread):
    """The gateway's RSS every `every` seconds, as (seconds since start, MiB)."""

    def __init__(self, pid, every):
        super().__init__(daemon=True)
        self.pid, self.every, self.samples, self.done = pid, every, [], threading.Event()
        self.start_time = time.monotonic()

    def run(self):
        while not self.done.is_set():
            self.samples.append((round(time.monotonic() - self.start_time, 1), B.memory(self.pid)["rss_mib"]))
            self.done.wait(self.every)


def failing_requests(port, key):
    """Requests the gateway must refuse, each in its client's protocol; returns how many were refused."""
    base = f"http://127.0.0.1:{port}"
    auth = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    cases = [
        ("/v1/chat/completions", b'{"model": "bench-chat", "messages": [', auth),
        ("/v1/chat/completions", json.dumps({"model": "no-such-model", "messages": []}).encode(), auth),
        ("/v1/chat/completions", B.chat_body("bench-chat"), {"Authorization": "Bearer sk-wrong"}),
        ("/v1/messages", b'{"model": "bench-gem", "max_tokens": "x"}', {"x-api-key": key}),
        ("/v1beta/models/bench-gem:generateContent", b"[]", {"x-goog-api-key": key}),
    ]
    refused = 0
    for path, body, headers in cases:
        try:
            urllib.request.urlopen(urllib.request.Request(base + path, data=body, headers=headers), timeout=10)
        except urllib.error.HTTPError as e:
            e.read()
            refused += 1
    return refused


def cycle(args, wrk, client, t, port):
    """One round of every kind of load; returns requests sent by kind."""
    conns = 15
    delay = max(1, round(conns * 1000 / args.rate))
    sent = {}
    for s in ("pass", "o2a", "a2g"):
        r = B.run_wrk(wrk, t[s]["gateway"], args.slice, conns, delay_ms=delay)
        sent[s] = r["requests"]
        if r["error_count"]:
            sys.exit(f"soak: {r['error_count']} wrk errors in {s}: {r['errors']}")
    for s in ("pass_s", "o2a_s"):
        r = B.run_streams(client, t[s]["gateway"], args.streams, concurrency=4, warmup=0)
        sent[s] = r["streams"]
    sent["refused"] = failing_requests(port, bench.KEY)
    return sent


def growth(samples, minutes):
    """Median RSS over minutes 2-4 and over the last three minutes, and the growth between them, in %."""
    end = samples[-1][0]
    early = [m for t, m in samples if 60 <= t <= 240] or [m for _, m in samples[: len(samples) // 3]]
    late = [m for t, m in samples if t >= end - 180] or [m for _, m in samples[-len(samples) // 3:]]
    a, b = statistics.median(early), statistics.median(late)
    return a, b, round((b - a) / a * 100, 2)


def main():
    p = argparse.ArgumentParser(description="Gateway memory over a long mixed load.")
    p.add_argument("--minutes", type=float, default=30)
    p.add_argument("--rate", type=int, default=300, help="unary req/s while a unary slice runs (default 300)")
    p.add_argument("--slice", type=float, default=15, help="seconds per unary scenario in each cycle")
    p.add_argument("--streams", type=int, default=20, help="streams per stream scenario in each cycle")
    p.add_argument("--every", type=float, default=5, help="seconds between RSS samples")
    args = p.parse_args()
    plexus = os.path.join(ROOT, ".build", "release", "plexus")
    client = os.path.join(ROOT, ".build", "release", "plexus-bench")
    wrk = B.ensure_debian_package("wrk", "wrk")
    args.nginx = B.ensure_debian_package("nginx", "nginx-light")
    args.peers = False
    d = tempfile.mkdtemp(prefix="plexus-soak-")
    B.log(f"soak: {args.minutes:g} minutes, temp folder {d}")
    ports, procs, _ = bench.start_servers(args, plexus, client, d, False)
    try:
        t = bench.targets(ports, bench.write_bodies(d))
        sampler = Sampler(procs["gateway"].pid, args.every)
        sampler.start()
        totals, cycles, deadline = {}, 0, time.monotonic() + args.minutes * 60
        while time.monotonic() < deadline:
            for kind, n in cycle(args, wrk, client, t, ports["gateway"]).items():
                totals[kind] = totals.get(kind, 0) + n
            cycles += 1
            if cycles % 5 == 0:
                B.log(f"soak: {cycles} cycles, RSS {sampler.samples[-1][1]} MiB, {totals}")
        sampler.done.set()
        sampler.join()
        samples = sampler.samples
        early, late, pct = growth(samples, args.minutes)
        peak = max(m for _, m in samples)
        rows = os.path.getsize(os.path.join(d, "plexus.sqlite")) / 2**20
        print(f"\nSoak: {args.minutes:g} minutes, {cycles} cycles, requests {json.dumps(totals)}; "
              f"SQLite file {rows:.0f} MiB\n")
        print("| RSS, median of minutes 2-4 | median of the last 3 minutes | growth | peak | budget |")
        print("|---:|---:|---:|---:|---|")
        print(f"| {early:.1f} MiB | {late:.1f} MiB | {pct:+.2f} % | {peak:.1f} MiB | < 5 % growth |")
        per_minute = {}
        for s, m in samples:
            per_minute.setdefault(int(s // 60), []).append(m)
        print("\nRSS by minute (MiB, median of samples): "
              + ", ".join(f"{k}: {statistics.median(v):.1f}" for k, v in sorted(per_minute.items())))
        print("SOAK_JSON " + json.dumps({"minutes": args.minutes, "cycles": cycles, "requests": totals,
                                         "early_mib": early, "late_mib": late, "growth_pct": pct,
                                         "peak_mib": peak, "samples": samples}))
    finally:
        for proc in reversed(list(procs.values())):
            proc.stop()


if __name__ == "__main__":
    main()
