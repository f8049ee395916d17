#!/bin/sh
# Sources are formatted by machine (.clang-format).
cd "$1" || exit 1
command -v clang-format >/dev/null || { echo "clang-format not installed"; exit 77; }
files=$(git ls-files '*.c' '*.h' 2>/dev/null || find src tests fuzz bench -name '*.[ch]')
[ -n "$files" ] || exit 0
clang-format --dry-run -Werror $files
