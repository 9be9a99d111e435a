#!/usr/bin/env python3
"""Self (or inclusive) instruction counts per function from a callgrind output, per unit of work, demangled.

    cgtop.py FILE UNITS [self|incl] [ROWS]

callgrind_annotate 3.19 folds everything into `clone` for these binaries, so this reads the format itself."""

import collections
import re
import subprocess
import sys


def expand(table, text):
    """A compressed name: `(id) name` defines id in table, `(id)` alone refers to it; anything else is literal."""
    m = re.match(r"\((\d+)\)(?:\s+(.*))?", text)
    if not m:
        return text
    if m.group(2):
        table[m.group(1)] = m.group(2)
    return table.get(m.group(1), text)


def read(path):
    """Self and inclusive cost per function, and the inclusive cost of each caller -> callee edge."""
    names, self_cost, incl, edges = {}, collections.Counter(), collections.Counter(), collections.Counter()
    fn, cfn, after_call = None, None, False

    def name(text):
        return expand(names, text)

    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        if line.startswith("fn="):
            fn, after_call = name(line[3:]), False
        elif line.startswith("cfn="):
            cfn = name(line[4:])
        elif line.startswith("calls="):
            after_call = True
        elif line and (line[0].isdigit() or line[0] in "+-*"):
            parts = line.split()
            if len(parts) < 2:
                continue
            cost = int(parts[1])
            if after_call:
                if cfn != fn:
                    incl[fn] += cost
                    edges[(fn, cfn)] += cost
                after_call = False
            else:
                self_cost[fn] += cost
                incl[fn] += cost
    return self_cost, incl, edges


def main():
    path, units = sys.argv[1], int(sys.argv[2])
    mode = sys.argv[3] if len(sys.argv) > 3 else "self"
    rows = int(sys.argv[4]) if len(sys.argv) > 4 else 40
    self_cost, incl, _ = read(path)
    total = sum(self_cost.values())
    table = (self_cost if mode == "self" else incl).most_common(rows)
    text = "\n".join(f"{c / total * 100:6.2f}% {c / units:11.0f}/unit  {f}" for f, c in table)
    demangled = subprocess.run(["swift", "demangle", "--simplified"], input=text, capture_output=True, text=True)
    print(f"total {total} instructions, {total / units:.0f} per unit ({units} units)")
    print(demangled.stdout if demangled.returncode == 0 else text)


if __name__ == "__main__":
    main()
