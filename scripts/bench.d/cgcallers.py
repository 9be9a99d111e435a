#!/usr/bin/env python3
"""Who calls a function, and how many instructions those calls cost (inclusive), per unit of work.

    cgcallers.py FILE UNITS SUBSTRING [ROWS]      (SUBSTRING of the callee's mangled name)"""

import collections
import subprocess
import sys

from cgtop import read


def main():
    path, units, needle = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    rows = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    _, _, edges = read(path)
    callers = collections.Counter()
    for (caller, callee), cost in edges.items():
        if needle in callee:
            callers[caller] += cost
    text = "\n".join(f"{c / units:11.0f}/unit  {f}" for f, c in callers.most_common(rows))
    out = subprocess.run(["swift", "demangle", "--simplified"], input=text, capture_output=True, text=True)
    print(out.stdout if out.returncode == 0 else text)


if __name__ == "__main__":
    main()
