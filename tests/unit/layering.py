#!/usr/bin/env python3
"""The house rules of lib/, checked: every module (a .c/.h pair) includes only modules of its own
subsystem or of the subsystems it is declared to stand on (lib/README.md draws the same), and no
include cycle runs between modules. Prints each breach; exits 1 when there is one.

    tests/unit/layering.py [SOURCE_ROOT]
"""
import os
import re
import sys

# What each subsystem may include besides itself (the layers of lib/README.md).
STANDS_ON = {
    "base": set(),
    "register": {"base"},
    "batch": {"base", "register"},
    "ingest": {"base", "batch"},
    "read": {"base", "register", "batch"},
    "check": {"base", "register", "batch"},
    "deliver": {"base", "register", "batch"},
    "review": {"base", "register", "batch", "check", "deliver"},
    "night": {"base", "register", "batch", "check", "deliver"},
    "cli": {"base", "register", "batch", "ingest", "read", "check", "deliver", "review", "night"},
}

INCLUDE = re.compile(r'^#include "(\w+)/(\w+)\.h"', re.M)


def modules(lib):
    """{(subsystem, module): set of (subsystem, module) it includes}"""
    graph = {}
    for sub in sorted(os.listdir(lib)):
        path = os.path.join(lib, sub)
        if not os.path.isdir(path):
            continue
        for name in sorted(os.listdir(path)):
            stem, ext = os.path.splitext(name)
            if ext not in (".c", ".h"):
                continue
            with open(os.path.join(path, name), encoding="utf-8") as f:
                text = f.read()
            deps = graph.setdefault((sub, stem), set())
            for dsub, dmod in INCLUDE.findall(text):
                if (dsub, dmod) != (sub, stem):
                    deps.add((dsub, dmod))
    return graph


def cycles(graph):
    """The include cycles between modules, each as a list of modules."""
    found, state, stack = [], {}, []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                found.append(stack[stack.index(dep):] + [dep])
            elif dep not in state:
                visit(dep)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
    lib = os.path.join(root, "lib")
    graph = modules(lib)
    bad = 0
    for (sub, mod), deps in sorted(graph.items()):
        if sub not in STANDS_ON:
            print(f"lib/{sub}/: a subsystem the layering does not know (add it to STANDS_ON "
                  f"and to lib/README.md)")
            bad += 1
            continue
        for dsub, dmod in sorted(deps):
            if dsub != sub and dsub not in STANDS_ON[sub]:
                print(f"lib/{sub}/{mod} includes {dsub}/{dmod}.h: {sub} does not stand on {dsub}")
                bad += 1
            if (dsub, dmod) not in graph:
                print(f"lib/{sub}/{mod} includes {dsub}/{dmod}.h, which does not exist")
                bad += 1
    for c in cycles(graph):
        print("include cycle: " + " -> ".join(f"{s}/{m}" for s, m in c))
        bad += 1
    print(f"{len(graph)} modules in {len({s for s, _ in graph})} subsystems: "
          f"{bad} breach{'es' if bad != 1 else ''} of the layering")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
