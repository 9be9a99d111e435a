#!/usr/bin/env python3
"""Memory over a long mixed load (QUALITY.md: RSS flat, under 5 % growth, over a 30-minute soak).

    scripts/bench.d/soak.py [--minutes 30] [--rate 300]      (release builds of plexus and plexus-bench)

The mock and the gateway (release build, usage logging on, SQLite) run as in `scripts/bench`; the load goes round
in cycles: passthrough, OpenAI -> Anthropic and Anthropic -> Gemini unary at a fixed rate (wrk), passthrough and
translated streams of 500 events (plexus-bench), and requests that fail (malformed JSON, an unknown model, a wrong
key, a field of the wrong type, a body that is not an object), so error paths are soaked too. The gateway's RSS
and its anonymous part (heap and stacks, where a leak would show; the rest is the binary's own pages) are sampled
every few seconds. The figure is the growth of the median over the last three minutes against the median over
minutes 2-4 (the first minute warms caches, pools and SQLite's page cache); the peak and the medians by minute
are printed as well."""

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


def rss(pid):
    """Resident memory of a process in MiB: all of it, and its anonymous part (heap and stacks: what a leak grows;
    the rest is the binary's pages, touched as new code paths run)."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "RssAnon:")):
                key, value = line.split(":")
                out[key] = round(int(value.split()[0]) / 1024.0, 1)
    return out.get("VmRSS", 0.0), out.get("RssAnon", 0.0)


class Sampler(threading.Thread):
    """The gateway's RSS and its anonymous part every `every` seconds, as (seconds since start, MiB, MiB)."""

    def __init__(self, pid, every):
        super().__init__(daemon=True)
        self.pid, self.every, self.samples, self.done = pid, every, [], threading.Event()
        self.start_time = time.monotonic()

    def run(self):
        while not self.done.is_set():
            self.samples.append((round(time.monotonic() - self.start_time, 1), *rss(self.pid)))
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


def growth(samples, column):
    """Median of a column over minutes 2-4 and over the last three minutes, and the growth between them, in %."""
    end = samples[-1][0]
    early = [s[column] for s in samples if 60 <= s[0] <= 240] or [s[column] for s in samples[: len(samples) // 3]]
    late = [s[column] for s in samples if s[0] >= end - 180] or [s[column] for s in samples[-len(samples) // 3:]]
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
        early, late, pct = growth(samples, 1)
        anon_early, anon_late, anon_pct = growth(samples, 2)
        peak = max(s[1] for s in samples)
        rows = os.path.getsize(os.path.join(d, "plexus.sqlite")) / 2**20
        print(f"\nSoak: {args.minutes:g} minutes, {cycles} cycles, requests {json.dumps(totals)}; "
              f"SQLite file {rows:.0f} MiB\n")
        print("| memory | median of minutes 2-4 | median of the last 3 minutes | growth | budget |")
        print("|---|---:|---:|---:|---|")
        print(f"| RSS (peak {peak:.1f} MiB) | {early:.1f} MiB | {late:.1f} MiB | {pct:+.2f} % | < 5 % growth |")
        print(f"| anonymous (heap, stacks) | {anon_early:.1f} MiB | {anon_late:.1f} MiB | {anon_pct:+.2f} % | |")
        per_minute = {}
        for s in samples:
            per_minute.setdefault(int(s[0] // 60), []).append(s)
        print("\nBy minute (MiB, medians of samples; RSS / anonymous): " + ", ".join(
            f"{k}: {statistics.median(x[1] for x in v):.1f} / {statistics.median(x[2] for x in v):.1f}"
            for k, v in sorted(per_minute.items())))
        print("SOAK_JSON " + json.dumps({"minutes": args.minutes, "cycles": cycles, "requests": totals,
                                         "rss_mib": [early, late, pct], "anon_mib": [anon_early, anon_late, anon_pct],
                                         "peak_mib": peak, "samples": samples}))
    finally:
        for proc in reversed(list(procs.values())):
            proc.stop()


if __name__ == "__main__":
    main()
