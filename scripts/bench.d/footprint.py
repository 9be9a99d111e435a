#!/usr/bin/env python3
"""Code footprint from callgrind dumps made with --dump-instr=yes --dump-line=no --compress-pos=no
--separate-threads=yes (scripts/bench.d/hot-text).

    footprint.py show LABEL UNITS DUMP      the busiest thread of DUMP (cg.out.N, read as cg.out.N-*): instructions
                                            per unit, distinct 64-byte lines and 4 KiB pages of code it ran
    footprint.py order OUT DUMP...          every function of the gateway's binary run in the dumps, one symbol per
                                            line (lld's --symbol-ordering-file): the first dump's, hottest first, then
                                            each next dump's not yet written"""

import collections
import glob
import os
import re
import shutil
import subprocess
import sys

from cgtop import expand


def read(path):
    """(self cost per instruction address, self cost per (object, function))."""
    by_addr, by_fn = collections.Counter(), collections.Counter()
    obj = fn = None
    after_call = False
    names, objs = {}, {}
    for line in open(path, errors="replace"):
        # Names are compressed to ids at first use, which may be a callee's (cob=, cfn=) rather than ob=, fn=.
        if line.startswith("ob="):
            obj = expand(objs, line[3:].strip())
        elif line.startswith("cob="):
            expand(objs, line[4:].strip())
        elif line.startswith("fn="):
            fn, after_call = expand(names, line[3:].strip()), False
        elif line.startswith("cfn="):
            expand(names, line[4:].strip())
        elif line.startswith("calls="):
            after_call = True
        elif line.startswith("0x"):
            if after_call:  # the inclusive cost of a call, not this function's own
                after_call = False
                continue
            addr, cost = line.split()[:2]
            by_addr[int(addr, 16)] += int(cost)
            by_fn[(obj, fn)] += int(cost)
    return by_addr, by_fn


def threads(dump):
    return sorted(glob.glob(dump + "-*")) or [dump]


def show(label, units, dump):
    best = max((read(p) for p in threads(dump)), key=lambda r: sum(r[0].values()))
    by_addr = best[0]
    lines = {a >> 6 for a in by_addr}
    pages = {a >> 12 for a in by_addr}
    print(f"{label:8s} busiest thread: {sum(by_addr.values()) / units:9.0f} instructions per unit, "
          f"{len(lines):5d} code lines ({len(lines) * 64 // 1024} KiB), {len(pages):4d} code pages")


def monolithic(limit=64 * 1024):
    """Functions of the toolchain's static libraries that share one big `.text` section (the Swift standard
    library's Swift.o keeps most of its 1.6 MB there): ordering one of them would pull the whole section forward
    and spread the hot code over megabytes, so the order leaves them where they are."""
    lib = os.path.join(os.path.dirname(os.path.realpath(shutil.which("swift"))), "..", "lib", "swift_static", "linux")
    names = set()
    for archive in glob.glob(os.path.join(lib, "*.a")):
        out = subprocess.run(["readelf", "-SsW", archive], capture_output=True, text=True, errors="replace").stdout
        big = set()
        for line in out.splitlines():
            if line.startswith("File: "):
                big = set()
            m = re.match(r"\s*\[\s*(\d+)\] \.text\s+PROGBITS\s+\S+\s+\S+\s+(\S+)", line)
            if m and int(m.group(2), 16) > limit:
                big.add(m.group(1))
            m = re.match(r"\s*\d+: \S+\s+\d+ FUNC\s+\S+\s+\S+\s+(\d+) (\S+)", line)
            if m and m.group(1) in big:
                names.add(m.group(2))
    return names


def order(out, dumps):
    """Scenario by scenario in the order given, each one's functions not yet placed, hottest first: every scenario
    then runs code packed at the front (the first in the fewest pages), not spread among the others' functions."""
    placed = []
    seen = monolithic()
    for dump in dumps:
        cost = collections.Counter()
        for path in threads(dump):
            for (obj, fn), c in read(path)[1].items():
                if obj and obj.endswith("/plexus") and fn and not fn.startswith("0x"):
                    cost[fn.split("'")[0]] += c
        new = [fn for fn, _ in cost.most_common() if fn not in seen]
        seen.update(new)
        placed += new
    with open(out, "w") as f:
        f.write("".join(fn + "\n" for fn in placed))
    print(f"{len(placed)} functions written to {out}")


if __name__ == "__main__":
    if sys.argv[1] == "show":
        show(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        order(sys.argv[2], sys.argv[3:])
