#!/bin/sh
# Build, then run the benchmark and print the markdown table (make bench).
set -eu
build=${1:-build}
python3 "$(dirname "$0")/run.py" --build "$build" --markdown
