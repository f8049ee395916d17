#!/bin/bash
# Runs the whole test suite: a gcc build with every suite, then a clang
# build with AddressSanitizer and UndefinedBehaviorSanitizer running the
# unit, golden and integration suites again, then the unit suite of the gcc
# build under valgrind, then each libFuzzer harness of fuzz/ for a bounded
# time.  Ends with "N passed, N failed"; every valgrind run and every
# harness counts as one test.
#
# Usage: scripts/run-tests.sh [meson test options...]
# VB_FUZZ_SECONDS sets each harness's time (default 45, 0 skips fuzzing).
set -uo pipefail
cd "$(dirname "$0")/.."

total_pass=0
total_fail=0

count() {
    # Adds the results of the last `meson test` in build dir $1 to the
    # totals; $2 names its log when it is not testlog.json.
    local out
    out=$(python3 - "$1/meson-logs/${2:-testlog.json}" <<'PY'
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

gcc_built=0
if build build-test; then
    gcc_built=1
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

# Valgrind sees what the sanitizers cannot in the gcc build: uninitialised
# reads, and leaks in the binaries as shipped.  Only definite leaks fail;
# valgrind.supp lists (and explains) the library allocations it ignores.
if [ "$gcc_built" -eq 1 ]; then
    meson test -C build-test --print-errorlogs --num-processes 2 --suite unit \
        --timeout-multiplier 5 --logbase testlog \
        --wrapper "valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=1 --suppressions=$PWD/scripts/valgrind.supp" \
        "$@"
    count build-test testlog-valgrind.json
fi

fuzz_one() {
    # Runs harness $1 of build dir $2 for $3 seconds on a copy of its seed
    # corpus in $4; leaves its log in $4/log and its crash files in $4/art.
    local name=$1 dir=$2 secs=$3 work=$4
    mkdir -p "$work/corpus" "$work/art"
    cp -r "fuzz/corpus/$name/." "$work/corpus/" 2>/dev/null
    "$dir/fuzz/$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$work/art/" "$work/corpus" \
        >"$work/log" 2>&1
}

fuzz_secs=${VB_FUZZ_SECONDS:-45}
if [ "$fuzz_secs" -gt 0 ]; then
    fdir=build-test-fuzz
    if [ ! -f "$fdir/build.ninja" ]; then
        CC=clang meson setup "$fdir" -Dfuzzing=true -Db_sanitize=address,undefined \
            -Db_lundef=false >"$fdir.setup.log" 2>&1 || cat "$fdir.setup.log"
    fi
    harnesses=()
    for src in fuzz/fuzz-*.c; do
        # fuzz-replay.c is the main of the fuzzregress tests, no harness
        [ "$src" = fuzz/fuzz-replay.c ] || harnesses+=("$(basename "$src" .c)")
    done
    fuzzwork=$(mktemp -d "${TMPDIR:-/tmp}/vb-fuzz.XXXXXX")
    if ninja -C "$fdir" "${harnesses[@]/#/fuzz/}"; then
        # two at a time: each gets a core for its whole time
        for i in "${!harnesses[@]}"; do
            fuzz_one "${harnesses[$i]}" "$fdir" "$fuzz_secs" "$fuzzwork/${harnesses[$i]}" &
            if [ $((i % 2)) -eq 1 ]; then
                wait
            fi
        done
        wait
        fuzz_failed=0
        for name in "${harnesses[@]}"; do
            work=$fuzzwork/$name
            arts=("$work"/art/*)
            if [ -e "${arts[0]}" ] || ! grep -q '^Done [0-9]* runs' "$work/log"; then
                echo "FUZZ FAIL $name (log: $work/log)"
                grep -E '^(==[0-9]+== ?ERROR|SUMMARY|.*runtime error)' "$work/log" | head -5
                for art in "${arts[@]}"; do
                    [ -e "$art" ] || continue
                    echo "  crash input: $art"
                    echo "  base64: $(base64 -w0 "$art")"
                done
                total_fail=$((total_fail + 1))
                fuzz_failed=1
            else
                echo "FUZZ OK   $name: $(grep '^Done' "$work/log")"
                total_pass=$((total_pass + 1))
            fi
        done
        # keep the crash files for the human who turns them into tests
        [ "$fuzz_failed" -eq 0 ] && rm -rf "$fuzzwork"
    else
        echo "clang fuzzing build failed"
        total_fail=$((total_fail + 1))
        rm -rf "$fuzzwork"
    fi
fi

echo "${total_pass} passed, ${total_fail} failed"
[ "$total_fail" -eq 0 ]
