#!/usr/bin/env python3
# po/POTFILES must list exactly the source files that mark strings with _(
# so that every user-visible message reaches translators.
import os
import re
import sys

top = sys.argv[1]
marked = set()
for sub in ("src",):
    for root, _dirs, files in os.walk(os.path.join(top, sub)):
        for name in files:
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(root, name)
            with open(path, encoding="utf-8") as fh:
                if re.search(r'\b_\("', fh.read()):
                    marked.add(os.path.relpath(path, top))

with open(os.path.join(top, "po", "POTFILES"), encoding="utf-8") as fh:
    listed = [line.strip() for line in fh if line.strip() and not line.startswith("#")]

bad = False
for f in sorted(marked - set(listed)):
    print(f"po/POTFILES lacks {f}, which marks strings with _()")
    bad = True
for f in sorted(set(listed) - marked):
    print(f"po/POTFILES lists {f}, which marks no string")
    bad = True
if listed != sorted(listed):
    print("po/POTFILES is not sorted")
    bad = True
sys.exit(1 if bad else 0)
