#!/bin/sh
# make demo: trace the bundled example program, then show the -c table.
set -eu
build=${1:-build}
echo "== renacer -- $build/tests/hello"
"$build/renacer" -- "$build/tests/hello"
echo
echo "== renacer -c -- $build/tests/hello"
"$build/renacer" -c -- "$build/tests/hello"
echo
echo "== renacer -e trace=%file -T -- ls /"
"$build/renacer" -e trace=%file -T -- ls / >/dev/null
