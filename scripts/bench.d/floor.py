#!/usr/bin/env python3
"""How far the gateway is from the floor of a proxy on SwiftNIO: the passthrough scenario against the mock directly,
through nginx, through a bare SwiftNIO TCP relay (`plexus-bench relay`: bytes copied both ways on one event loop,
no HTTP parsing, no authentication, no logging) and through the gateway, measured in turn.

    scripts/bench.d/floor.py [--rounds 6] [--seconds 2]      (release builds of plexus and plexus-bench)

Prints the medians over rounds at the benchmark's fixed rate (50 connections, ~1,000 req/s) and with one connection
in a closed loop: what any SwiftNIO proxy pays on this host (the relay), what nginx pays, and what the gateway adds
on top."""

import argparse
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import benchlib as B  # noqa: E402
import stack  # noqa: E402
from ab import measure_both, table  # noqa: E402


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
        ports["relay"] = B.free_port()
        procs["relay"] = B.Proc("relay", [bench, "relay", "--port", str(ports["relay"]),
                                          "--upstream", str(ports["mock"])], d)
        B.wait_listening(ports["relay"], procs["relay"])
        targets = stack.passthrough_targets(ports, d, ["gateway"])
        direct = targets["direct"]
        targets = {"direct": direct, "nginx": targets["nginx"],
                   "relay": B.Target(direct.url.replace(str(ports["mock"]), str(ports["relay"]), 1), direct.body_path,
                                     direct.headers),
                   "gateway": targets["gateway"]}
        targets["relay"].check()
        measure_both(wrk, targets, args.rounds, args.seconds, table)
    finally:
        stack.stop(procs)


if __name__ == "__main__":
    main()
