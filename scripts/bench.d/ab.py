#!/usr/bin/env python3
"""Two plexus binaries side by side, measured in turn on the passthrough scenario: an A/B that holds on a noisy host.

    scripts/bench.d/ab.py OLD_BINARY [NEW_BINARY] [--rounds 10] [--seconds 2]

Both gateways (usage logging on, SQLite each in its own temp folder) run at once in front of one mock, beside
nginx; each round measures direct, nginx, new and old for `--seconds` each, in alternating order, once at the
benchmark's fixed rate (50 connections, ~1,000 req/s) and once with one connection in a closed loop. It prints
the medians over rounds and, per round, new minus old: on a host whose speed drifts minute to minute, the paired
difference is the figure to read. NEW_BINARY defaults to the release build.

    scripts/bench.d/ab.py BIN BIN --new-key limited   # one binary; "new" sends a key with (unreached) limits
"""

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


def measure(wrk, targets, rounds, seconds, connections, delay_ms, pick=lambda r: r["latency_us"]):
    """Each target's `pick` of every round's wrk result (its latency by default), targets taken in turn."""
    results = {name: [] for name in targets}
    for name, target in targets.items():  # warm-up
        B.run_wrk(wrk, target, 1, connections, delay_ms=delay_ms)
    for r in range(rounds):
        order = list(targets) if r % 2 == 0 else list(reversed(list(targets)))
        for name in order:
            results[name].append(pick(B.run_wrk(wrk, targets[name], seconds, connections, delay_ms=delay_ms)))
    return results


def measure_both(wrk, targets, rounds, seconds, report):
    """The two scenarios every side-by-side script runs, each handed to `report(title, results)`."""
    report("Fixed rate, ~1,000 req/s (50 connections)", measure(wrk, targets, rounds, seconds, 50, 50))
    report("One connection, closed loop", measure(wrk, targets, rounds, seconds, 1, 0))


def show(title, results):
    table(title, results)
    pairs = [n["p50"] - o["p50"] for n, o in zip(results["new"], results["old"])]
    faster = sum(1 for p in pairs if p < 0)
    print(f"\nnew − old p50 per round: {pairs}; median {statistics.median(pairs):.0f} µs, new faster in {faster} of {len(pairs)}")


def table(title, results):
    """Each target's p50 and p99 (medians over rounds) and its p50 above the direct one."""
    print(f"\n{title} (latency in µs; medians over rounds)\n")
    print("| target | p50 | p99 | added p50 |")
    print("|---|---:|---:|---:|")
    direct = statistics.median(r["p50"] for r in results["direct"])
    for name, rows in results.items():
        p50 = statistics.median(r["p50"] for r in rows)
        p99 = statistics.median(r["p99"] for r in rows)
        added = "–" if name == "direct" else f"{p50 - direct:.0f}"
        print(f"| {name} | {p50:.0f} | {p99:.0f} | {added} |")


def main():
    p = argparse.ArgumentParser(description="Interleaved A/B of two plexus binaries (passthrough).")
    p.add_argument("old")
    p.add_argument("new", nargs="?", default=os.path.join(ROOT, ".build", "release", "plexus"))
    p.add_argument("--rounds", type=int, default=10)
    p.add_argument("--seconds", type=float, default=2)
    p.add_argument("--new-key", default="bench", choices=sorted(stack.KEYS),
                   help="the key the new gateway's requests send: 'limited' has limits it never reaches")
    args = p.parse_args()
    d = tempfile.mkdtemp(prefix="plexus-ab-")
    wrk, ports, procs = stack.start(args.new, {"new": args.new, "old": args.old}, d)
    try:
        measure_both(wrk, stack.passthrough_targets(ports, d, ["new", "old"], {"new": args.new_key}), args.rounds, args.seconds, show)
    finally:
        stack.stop(procs)


if __name__ == "__main__":
    main()
