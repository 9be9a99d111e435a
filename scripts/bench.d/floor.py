#!/usr/bin/env python3
"""How far the gateway is from the floor of a proxy on SwiftNIO and of one on AsyncHTTPClient: the passthrough
scenario against the mock directly, through nginx, through a bare SwiftNIO TCP relay (`plexus-bench relay`: bytes
copied both ways on one event loop, no HTTP parsing), through `plexus-bench client-relay` (NIOHTTP1's server
pipeline and AsyncHTTPClient, nothing else: no authentication, routing, usage row or journal) and through the
gateway, measured in turn.

    scripts/bench.d/floor.py [--rounds 6] [--seconds 2]      (release builds of plexus and plexus-bench)

Prints the medians over rounds at the benchmark's fixed rate (50 connections, ~1,000 req/s), with one connection
in a closed loop, and the closed-loop throughput with 32 connections as a ratio to nginx's: what any SwiftNIO proxy
pays on this host (the relay), what a proxy pays once its upstream calls go through AsyncHTTPClient (the
client-relay), what nginx pays, and what the gateway adds on top."""

import argparse
import os
import statistics
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import benchlib as B  # noqa: E402
import stack  # noqa: E402
from ab import measure, measure_both, table  # noqa: E402


def throughput(wrk, targets, rounds, seconds):
    """Closed-loop requests per second with the benchmark's 32 connections, medians over rounds, and each proxy's
    ratio to nginx (QUALITY.md asks the gateway for at least 0.5)."""
    rates = measure(wrk, targets, rounds, seconds, 32, 0, pick=lambda r: r["rps"])
    print("\nClosed loop, 32 connections (requests per second; medians over rounds)\n")
    print("| target | req/s | × nginx |")
    print("|---|---:|---:|")
    nginx = statistics.median(rates["nginx"])
    for name, values in rates.items():
        print(f"| {name} | {statistics.median(values):.0f} | {statistics.median(values) / nginx:.2f} |")


def main():
    p = argparse.ArgumentParser(description="Direct, nginx, a bare SwiftNIO relay and the gateway (passthrough).")
    p.add_argument("--rounds", type=int, default=6)
    p.add_argument("--seconds", type=float, default=2)
    args = p.parse_args()
    plexus = os.path.join(ROOT, ".build", "release", "plexus")
    bench = os.path.join(ROOT, ".build", "release", "plexus-bench")
    d = tempfile.mkdtemp(prefix="plexus-floor-")
    wrk, ports, procs = stack.start(plexus, {"gateway": plexus}, d)
    try:
        targets = stack.passthrough_targets(ports, d, ["gateway"])
        targets = {"direct": targets["direct"], "nginx": targets["nginx"],
                   "relay": stack.add_relay("relay", bench, ports, procs, d, targets["direct"]),
                   "client-relay": stack.add_relay("client-relay", bench, ports, procs, d, targets["direct"]),
                   "gateway": targets["gateway"]}
        measure_both(wrk, targets, args.rounds, args.seconds, table)
        throughput(wrk, targets, args.rounds, args.seconds)
    finally:
        stack.stop(procs)


if __name__ == "__main__":
    main()
