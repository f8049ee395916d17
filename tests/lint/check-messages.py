#!/usr/bin/env python3
# User-visible messages: _()-marked, one unbroken literal, no final period
# or newline (libvirt's rule; clients append and compare whole messages).
import os
import re
import sys

top = sys.argv[1]
bad = False
for root, _dirs, files in os.walk(os.path.join(top, "src")):
    for name in sorted(files):
        if not name.endswith((".c", ".h")):
            continue
        path = os.path.join(root, name)
        rel = os.path.relpath(path, top)
        text = open(path, encoding="utf-8").read()
        for m in re.finditer(r'\b_\(\s*"((?:[^"\\]|\\.)*)"(\s*)(\S)', text):
            lineno = text.count("\n", 0, m.start()) + 1
            msg, nxt = m.group(1), m.group(3)
            if nxt == '"':
                print(f"{rel}:{lineno}: message split across literals")
                bad = True
            if msg.endswith((".", "\\n")) and not msg.endswith("..."):
                print(f"{rel}:{lineno}: message ends with a period or newline: \"{msg}\"")
                bad = True
        for m in re.finditer(r'vbReport(?:Raw)?Error\(\s*VIR_ERR_\w+,\s*"(?!%s")', text):
            lineno = text.count("\n", 0, m.start()) + 1
            print(f"{rel}:{lineno}: error message not marked with _()")
            bad = True
sys.exit(1 if bad else 0)
