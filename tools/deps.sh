#!/bin/sh
# Install what renacer needs to build and test on Debian 12: Debian packages
# with apt-get, the e2e tests' JavaScript consumers with npm ci. Idempotent:
# does nothing when everything is present. Run as root (CI is root).
set -eu
# chromium renders the HTML report in its e2e test; strace is the decoding oracle.
# "deps.sh bench" also installs the other tracers the benchmark compares with.
extra=""
[ "${1:-}" = bench ] && extra="linux-perf bpftrace"
pkgs="$extra meson ninja-build pkg-config gcc g++ clang libclang-rt-14-dev libbpf-dev bpftool linux-libc-dev libcmocka-dev libdw-dev libelf-dev libiberty-dev libjansson-dev libcurl4-openssl-dev libopenblas-dev liblapacke-dev python3
python3-pytest python3-jsonschema strace chromium"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: missing packages:$missing (run as root or install them)" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing
fi

# JavaScript consumers used by the e2e tests (tests/js/package.json, locked).
js="$(dirname "$0")/../tests/js"
if [ ! -d "$js/node_modules/speedscope" ]; then
	command -v npm >/dev/null 2>&1 || { echo "deps: npm is needed for tests/js" >&2; exit 1; }
	(cd "$js" && npm ci --no-audit --no-fund --silent)
fi
