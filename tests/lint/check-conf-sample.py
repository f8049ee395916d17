#!/usr/bin/env python3
# virtblockd.conf: every setting the daemon knows (the known[] list of
# src/daemon/virtblockd.c) is in the installed sample, commented out with
# a value, and in the table of docs/configuration.md; nothing else is.

import os
import re
import sys

root = sys.argv[1]


def read(*parts):
    with open(os.path.join(root, *parts)) as fh:
        return fh.read()


code = read("src", "daemon", "virtblockd.c")
m = re.search(r"known\[\] = \{(.*?)NULL", code, re.S)
if not m:
    sys.exit("check-conf-sample: no known[] list in src/daemon/virtblockd.c")
known = set(re.findall(r'"([a-z_]+)"', m.group(1)))
sample = set(re.findall(r"^#([a-z_]+) = \S+", read("src", "daemon", "virtblockd.conf"), re.M))
docs = set(re.findall(r"^\| `([a-z_]+)`(?:, `([a-z_]+)`)?", read("docs", "configuration.md"),
                      re.M))
docs = {name for pair in docs for name in pair if name}

bad = False
for what, names in (("src/daemon/virtblockd.conf", sample), ("docs/configuration.md", docs)):
    for name in sorted(known - names):
        print("%s: setting %s is missing" % (what, name))
        bad = True
    for name in sorted(names - known):
        print("%s: setting %s is not one the daemon reads" % (what, name))
        bad = True
sys.exit(1 if bad else 0)
