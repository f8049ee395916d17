#!/bin/bash
# Runs the whole test suite: a gcc build with every suite, then a clang
# build with AddressSanitizer and UndefinedBehaviorSanitizer running the
# unit, golden and integration suites again.  Ends with "N passed, N failed".
#
# Usage: scripts/run-tests.sh [meson test options...]
set -uo pipefail
cd "$(dirname "$0")/.."

total_pass=0
total_fail=0

count() {
    # Adds the results of the last `meson test` in build dir $1 to the totals.
    local out
    out=$(python3 - "$1/meson-logs/testlog.json" <<'PY'
import json, sys
p = f = 0
with open(sys.argv[1]) as fh:
    for line in fh:
        r = json.loads(line).get("result")
        if r in ("OK", "EXPECTEDFAIL", "SKIP"):
            p += 1
        else:
            f += 1
print(p, f)
PY
) || out="0 1"
    total_pass=$((total_pass + ${out% *}))
    total_fail=$((total_fail + ${out#* }))
}

build() {
    local dir=$1; shift
    if [ ! -f "$dir/build.ninja" ]; then
        meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 || { cat "$dir.setup.log"; return 1; }
    fi
    ninja -C "$dir" || return 1
}

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

if build build-test; then
    meson test -C build-test --print-errorlogs --num-processes 2 "$@"
    count build-test
else
    echo "gcc build failed"
    total_fail=$((total_fail + 1))
fi

if CC=clang build build-test-asan -Db_sanitize=address,undefined -Db_lundef=false; then
    meson test -C build-test-asan --print-errorlogs --num-processes 2 \
        --suite unit --suite golden --suite integration "$@"
    count build-test-asan
else
    echo "clang sanitizer build failed"
    total_fail=$((total_fail + 1))
fi

echo "${total_pass} passed, ${total_fail} failed"
[ "$total_fail" -eq 0 ]
