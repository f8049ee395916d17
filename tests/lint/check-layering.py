#!/usr/bin/env python3
# Includes point only down: rpc -> driver -> qemu_glue -> conf -> util.
# (The link graph enforces it too; this names the offending line.)
import os
import re
import sys

top = sys.argv[1]
layers = ["util", "conf", "qemu_glue", "driver", "rpc", "daemon"]
owner = {}
for layer in layers:
    d = os.path.join(top, "src", layer)
    for name in os.listdir(d) if os.path.isdir(d) else []:
        if name.endswith(".h"):
            owner[name] = layer

bad = False
for layer in layers:
    d = os.path.join(top, "src", layer)
    if not os.path.isdir(d):
        continue
    for name in sorted(os.listdir(d)):
        if not name.endswith((".c", ".h")):
            continue
        with open(os.path.join(d, name), encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                if not m:
                    continue
                inc = os.path.basename(m.group(1))
                if inc in owner and layers.index(owner[inc]) > layers.index(layer):
                    print(f"src/{layer}/{name}:{lineno}: includes {inc} from the higher layer "
                          f"'{owner[inc]}'")
                    bad = True
sys.exit(1 if bad else 0)
