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
echo
echo "== renacer -q --source -f -e trace=write,getppid -- $build/tests/src_sites"
"$build/renacer" -q --source -f -e trace=write,getppid -- "$build/tests/src_sites" >/dev/null
echo
echo "== renacer -q --anomaly-realtime -e trace=clock_nanosleep -- $build/tests/delays spike"
"$build/renacer" -q --anomaly-realtime -e trace=clock_nanosleep -o /dev/null -- "$build/tests/delays" spike
