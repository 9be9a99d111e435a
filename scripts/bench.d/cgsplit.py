#!/usr/bin/env python3
"""Splits a unary request's instructions: the usage insert on the blocking pool, the bookkeeping of the answer (the
usage row stored just before the answer is written, the routing sample, metrics and live event just after), and the
rest (the event loop: the way to the answer, which latency waits for, and
freeing the request afterwards).

    cgsplit.py FILE UNITS"""

import subprocess
import sys

from cgtop import read


def main():
    path, units = sys.argv[1], int(sys.argv[2])
    self_cost, incl, _ = read(path)
    total = sum(self_cost.values())
    names = list(incl)
    demangled = subprocess.run(["swift", "demangle", "--simplified"], input="\n".join(names),
                               capture_output=True, text=True).stdout.split("\n")
    by_name = dict(zip(demangled, names))

    def inclusive(name):
        return incl.get(by_name.get(name, ""), 0)

    insert = inclusive("closure #1 in SQLiteUsageStore.insert(_:)")
    after = inclusive("UnaryBookkeeping.storeRow()") + inclusive("UnaryBookkeeping.Settlement.run()")
    print(f"split per unit: usage insert (pool thread) {insert / units:.0f}, bookkeeping {after / units:.0f}, "
          f"the rest (the event loop: the way to the answer, and freeing it) {(total - insert - after) / units:.0f}")


if __name__ == "__main__":
    main()
