#!/usr/bin/env python3
"""CPU time per request of the gateway, of nginx and of the client-relay, passthrough at the benchmark's fixed rate.

    scripts/bench.d/cpu.py [PLEXUS_BINARY] [--bench PLEXUS_BENCH_BINARY] [--rounds 3] [--seconds 8]

Starts the mock, the gateway (release build, usage logging on), nginx and `plexus-bench client-relay` (NIOHTTP1 and
AsyncHTTPClient, nothing else: the floor of a proxy on AsyncHTTPClient) in front of the mock, then for each round
runs wrk at ~1,000 req/s (50 connections, 50 ms mean pause) through each proxy in turn, reading the user and
system CPU time of its processes (every thread; nginx's workers) from /proc before and after.
Prints microseconds of CPU per request, medians over rounds. Latency on a shared host swings with its neighbours;
CPU per request holds better, and says how much of the added latency is the proxy's own work."""

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

TICK = os.sysconf("SC_CLK_TCK")


def tree(pid):
    """`pid` and its descendants."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def cpu_seconds(pid):
    """User and system seconds of `pid`'s processes, every thread."""
    user = system = 0
    for p in tree(pid):
        try:
            tasks = os.listdir(f"/proc/{p}/task")
        except OSError:
            continue
        for t in tasks:
            try:
                with open(f"/proc/{p}/task/{t}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                user += int(fields[11])
                system += int(fields[12])
            except (OSError, ValueError, IndexError):
                pass
    return user / TICK, system / TICK


def fixed_rate_cpu(wrk, target, pid, seconds):
    """User and system microseconds per request of `pid`'s processes over one fixed-rate run, and wrk's result."""
    u0, s0 = cpu_seconds(pid)
    r = B.run_wrk(wrk, target, seconds, 50, delay_ms=50)
    u1, s1 = cpu_seconds(pid)
    n = max(1, r["requests"])
    return (u1 - u0) / n * 1e6, (s1 - s0) / n * 1e6, r


def main():
    p = argparse.ArgumentParser(description="CPU per request: gateway, nginx, client-relay (passthrough, fixed rate).")
    p.add_argument("plexus", nargs="?", default=os.path.join(ROOT, ".build", "release", "plexus"))
    p.add_argument("--bench", default=os.path.join(ROOT, ".build", "release", "plexus-bench"))
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--seconds", type=float, default=8)
    args = p.parse_args()
    d = tempfile.mkdtemp(prefix="plexus-cpu-")
    wrk, ports, procs = stack.start(args.plexus, {"gateway": args.plexus}, d)
    try:
        targets = stack.passthrough_targets(ports, d, ["gateway"])
        targets["client-relay"] = stack.add_relay("client-relay", args.bench, ports, procs, d, targets.pop("direct"))
        for t in targets.values():
            B.run_wrk(wrk, t, 1, 50, delay_ms=50)  # warm-up
        rows = {name: [] for name in targets}
        for _ in range(args.rounds):
            for name, target in targets.items():
                user, system, r = fixed_rate_cpu(wrk, target, procs[name].pid, args.seconds)
                rows[name].append((user, system, r["latency_us"]["p50"]))
        print("\nCPU per request at ~1,000 req/s, passthrough (µs; medians over rounds)\n")
        print("| proxy | user | system | p50 latency |")
        print("|---|---:|---:|---:|")
        for name, values in rows.items():
            user, system, p50 = (statistics.median(v[i] for v in values) for i in range(3))
            print(f"| {name} | {user:.0f} | {system:.0f} | {p50:.0f} |")
    finally:
        stack.stop(procs)


if __name__ == "__main__":
    main()
