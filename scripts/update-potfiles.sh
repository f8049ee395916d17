#!/bin/sh
# Rewrites po/POTFILES with every source file that marks strings with _(),
# sorted; the lint suite checks that it stays so.
cd "$(dirname "$0")/.." || exit 1
grep -rlE '\b_\("' src --include='*.c' --include='*.h' | LC_ALL=C sort > po/POTFILES
