#!/usr/bin/env python3
"""Where a passthrough request's CPU time goes, by time rather than by instruction: the gateway and the
client-relay (NIOHTTP1 and AsyncHTTPClient alone) at the benchmark's fixed rate, each sampled by `perf record`.

    scripts/bench.d/timesplit.py [--seconds 8] [--plexus BIN] [--bench BIN]      (release builds; installs perf)

For each proxy: its CPU per request (user + system, from /proc, every thread), and that time split by the code that
spent it: AsyncHTTPClient, SwiftNIO, ours, SQLite, the kernel. A sample counts for the module of the innermost frame
that has one; the Swift runtime (retain and release, generic metadata) and the C library count for their caller.
callgrind (`profile`) counts instructions in user space; this counts time, cache misses and the kernel included,
which is what the fixed-rate latency and the closed-loop throughput are made of."""

import argparse
import collections
import itertools
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import benchlib as B  # noqa: E402
import stack  # noqa: E402
from cpu import fixed_rate_cpu  # noqa: E402

# Modules a sample is counted for, by the mangled names' module (`$s<length><module>`): the Swift runtime, the
# standard library and the C library are counted for the module that called them (a retain for the code that
# retained), the kernel for itself.
MODULES = [
    ("AsyncHTTPClient", ("AsyncHTTPClient",)),
    ("SwiftNIO (NIOCore, NIOPosix, NIOHTTP1 and its C parser)", ("NIO", "_NIO", "c_nio_")),
    ("Plexus (our code)", ("Plexus", "plexus")),
    ("SQLite (the usage insert)", ("SQLite", "sqlite")),
]
KERNEL = "kernel (system calls, loopback delivery, wake-ups)"
OTHER = "other (event-loop threads' start, Foundation, unattributed)"
# Our work inside the totals above, inclusive of everything it calls.
PARTS = [("usage row before the answer (summary, journal line and its write)", "UnaryBookkeeping.storeRow("),
         ("usage insert (writer thread)", "SQLiteUsageStore.insert(")]


def module(frame, dso):
    """The module a frame's code belongs to, None for shared runtime code (or "kernel")."""
    if dso.startswith("[kernel"):
        return KERNEL
    if frame.startswith("$s"):
        digits = "".join(itertools.takewhile(str.isdigit, frame[2:]))
        name = frame[2 + len(digits):2 + len(digits) + int(digits)] if digits else ""
        if name in ("s", "") or name.startswith("Swift") or name == "Foundation":
            return None
        frame = name
    return next((label for label, prefixes in MODULES if frame.startswith(prefixes)), None)


def record(wrk, target, pid, seconds, out):
    """CPU microseconds per request of `pid` over a fixed-rate run, sampled by perf into `out`."""
    perf = subprocess.Popen(["perf", "record", "-e", "cpu-clock", "-F", "5000", "-g", "-o", out, "-p", str(pid)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    user, system, _ = fixed_rate_cpu(wrk, target, pid, seconds)
    perf.send_signal(2)
    perf.wait(60)
    return user + system


def stacks(path):
    """Each sample's frames, leaf first, as (mangled name, binary) pairs."""
    text = subprocess.run(["perf", "script", "-i", path, "-F", "ip,sym,dso"], capture_output=True, text=True).stdout
    for block in text.split("\n\n"):
        frames = []
        for line in block.strip().split("\n"):
            fields = line.split()
            if len(fields) >= 3:
                frames.append((fields[1].split("+0x")[0], fields[-1].strip("()")))
        if frames:
            yield frames


def split(path):
    """The share of the samples in `path` counted for each module, and for each of PARTS (inclusive)."""
    samples = list(stacks(path))
    names = sorted({name for frames in samples for name, _ in frames})
    demangled = dict(zip(names, subprocess.run(["swift", "demangle", "--simplified"], input="\n".join(names),
                                               capture_output=True, text=True).stdout.split("\n")))
    counts = collections.Counter()
    for frames in samples:
        counts[next((m for m in (module(name, dso) for name, dso in frames) if m), OTHER)] += 1
        for label, part in PARTS:
            if any(part in demangled.get(name, "") for name, _ in frames):
                counts[label] += 1
    return {label: n / max(1, len(samples)) for label, n in counts.items()}


def main():
    p = argparse.ArgumentParser(description="CPU time per request by module: gateway and client-relay.")
    p.add_argument("--seconds", type=float, default=8)
    p.add_argument("--plexus", default=os.path.join(ROOT, ".build", "release", "plexus"))
    p.add_argument("--bench", default=os.path.join(ROOT, ".build", "release", "plexus-bench"))
    args = p.parse_args()
    B.ensure_debian_package("perf", "linux-perf")
    d = tempfile.mkdtemp(prefix="plexus-timesplit-")
    wrk, ports, procs = stack.start(args.plexus, {"gateway": args.plexus}, d)
    try:
        targets = stack.passthrough_targets(ports, d, ["gateway"])
        targets["client-relay"] = stack.add_relay("client-relay", args.bench, ports, procs, d, targets["direct"])
        rows = {}
        for name in ("client-relay", "gateway"):
            B.run_wrk(wrk, targets[name], 2, 50, delay_ms=50)  # warm-up
            out = os.path.join(d, f"perf-{name}.data")
            per_request = record(wrk, targets[name], procs[name].pid, args.seconds, out)
            rows[name] = (per_request, split(out))
    finally:
        stack.stop(procs)
    print("\nCPU per request at ~1,000 req/s, passthrough, by the code that spent it (µs; perf cpu-clock samples)\n")
    print("| code | " + " | ".join(rows) + " |")
    print("|---|" + "---:|" * len(rows))
    for label in [m for m, _ in MODULES] + [KERNEL, OTHER]:
        print(f"| {label} | " + " | ".join(f"{t * shares.get(label, 0):.0f}" for t, shares in rows.values()) + " |")
    print("| **total** (user and system, /proc) | " + " | ".join(f"**{t:.0f}**" for t, _ in rows.values()) + " |")
    for label, _ in PARTS:
        print(f"| of which, inclusive: {label} | " + " | ".join(f"{t * shares.get(label, 0):.0f}"
                                                                for t, shares in rows.values()) + " |")


if __name__ == "__main__":
    main()
