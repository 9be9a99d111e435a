#!/usr/bin/env python3
"""Code footprint from callgrind dumps made with --dump-instr=yes --dump-line=no --compress-pos=no
--separate-threads=yes (scripts/bench.d/hot-text).

    footprint.py show LABEL UNITS DUMP      the busiest thread of DUMP (cg.out.N, read as cg.out.N-*): instructions
                                            per unit, distinct 64-byte lines and 4 KiB pages of code it ran
    footprint.py order OUT DUMP...          every function of the gateway's binary run in the dumps, hottest first,
                                            one symbol per line (lld's --symbol-ordering-file)"""

import collections
import glob
import re
import sys


def read(path):
    """(self cost per instruction address, self cost per (object, function))."""
    by_addr, by_fn = collections.Counter(), collections.Counter()
    obj = fn = None
    after_call = False

    names, objs = {}, {}

    def name(table, text):
        m = re.match(r"\((\d+)\)(?:\s+(.*))?", text)
        if not m:
            return text
        if m.group(2):
            table[m.group(1)] = m.group(2)
        return table.get(m.group(1), text)

    for line in open(path, errors="replace"):
        # Names are compressed to ids at first use, which may be a callee's (cob=, cfn=) rather than ob=, fn=.
        if line.startswith("ob="):
            obj = name(objs, line[3:].strip())
        elif line.startswith("cob="):
            name(objs, line[4:].strip())
        elif line.startswith("fn="):
            fn, after_call = name(names, line[3:].strip()), False
        elif line.startswith("cfn="):
            name(names, line[4:].strip())
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


def order(out, dumps):
    total = collections.Counter()
    for dump in dumps:
        for path in threads(dump):
            for (obj, fn), cost in read(path)[1].items():
                if obj and obj.endswith("/plexus") and fn and not fn.startswith("0x"):
                    total[fn.split("'")[0]] += cost
    with open(out, "w") as f:
        for fn, _ in total.most_common():
            f.write(fn + "\n")
    print(f"{len(total)} functions written to {out}")


if __name__ == "__main__":
    if sys.argv[1] == "show":
        show(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        order(sys.argv[2], sys.argv[3:])
