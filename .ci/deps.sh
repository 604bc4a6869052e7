#!/usr/bin/env bash
# Installs the Debian 12 packages nianbaofs needs to build and test, when
# any is missing.  Idempotent: with everything present it changes nothing
# and needs no root.  Used by .ci/run and `make demo`.
set -euo pipefail

# libopencc-data ships /usr/share/opencc/t2s.json (Traditional -> Simplified);
# opencc(1) is what tests/fixtures/make_fixtures.py writes Traditional with.
# libicu-dev: NFC of directory names.  clang and libclang-rt-14-dev (its
# libFuzzer and sanitizer runtimes): make fuzz.  valgrind: make valgrind.
# strace: a test that the old index is only ever opened read-only.
# libzstd-dev: the files of _all are stored compressed in zstd blocks.
PACKAGES=(
	build-essential pkg-config
	libfuse3-dev fuse3
	libsqlite3-dev sqlite3
	libcjson-dev
	libopencc-dev libopencc-data opencc
	libxml2-dev libssl-dev
	libcmocka-dev python3-pytest
	groff-base
	libicu-dev
	libzstd-dev
	clang libclang-rt-14-dev valgrind strace
)

missing=()
for p in "${PACKAGES[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$status" = "install ok installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all build and test packages are installed"
	exit 0
fi

echo "deps: missing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: run as root to install them, or: sudo apt-get install ${missing[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"
