#!/usr/bin/env python3
# Every string marked for translation must be in po/virtblockd.pot; the
# pot is regenerated with `ninja -C build virtblockd-pot`.
import os
import re
import subprocess
import sys
import tempfile

top = sys.argv[1]
with open(os.path.join(top, "po", "POTFILES"), encoding="utf-8") as fh:
    files = [line.strip() for line in fh if line.strip() and not line.startswith("#")]


def msgids(text):
    ids = set()
    for block in re.findall(r'^msgid ((?:".*"\n)+)', text, re.M):
        ids.add("".join(re.findall(r'"(.*)"', block)))
    ids.discard("")
    return ids


with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "fresh.pot")
    subprocess.run(["xgettext", "--from-code=UTF-8", "--keyword=_", "--keyword=N_",
                    "--add-comments=TRANSLATORS:", "-o", out] + files,
                   cwd=top, check=True)
    fresh = msgids(open(out, encoding="utf-8").read()) if os.path.exists(out) else set()

potpath = os.path.join(top, "po", "virtblockd.pot")
committed = msgids(open(potpath, encoding="utf-8").read()) if os.path.exists(potpath) else set()
missing = sorted(fresh - committed)
for m in missing:
    print(f"po/virtblockd.pot lacks msgid \"{m}\"")
if missing:
    print("regenerate it: ninja -C build virtblockd-pot")
sys.exit(1 if missing else 0)
