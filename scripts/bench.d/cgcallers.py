#!/usr/bin/env python3
"""Who calls a function, and how many instructions those calls cost (inclusive), per unit of work.

    cgcallers.py FILE UNITS SUBSTRING [ROWS]"""

import collections
import re
import subprocess
import sys


def main():
    path, units, needle = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    rows = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    names, callers = {}, collections.Counter()
    fn = cfn = None
    after_call = False

    def name(text):
        m = re.match(r"\((\d+)\)(?:\s+(.*))?", text)
        if not m:
            return text
        if m.group(2):
            names[m.group(1)] = m.group(2)
        return names.get(m.group(1), text)

    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        if line.startswith("fn="):
            fn, after_call = name(line[3:]), False
        elif line.startswith("cfn="):
            cfn = name(line[4:])
        elif line.startswith("calls="):
            after_call = True
        elif after_call and line and (line[0].isdigit() or line[0] in "+-*"):
            parts = line.split()
            if len(parts) >= 2 and needle in cfn and fn != cfn:
                callers[fn] += int(parts[1])
            after_call = False
    text = "\n".join(f"{c / units:11.0f}/unit  {f}" for f, c in callers.most_common(rows))
    out = subprocess.run(["swift", "demangle", "--simplified"], input=text, capture_output=True, text=True)
    print(out.stdout if out.returncode == 0 else text)


if __name__ == "__main__":
    main()
