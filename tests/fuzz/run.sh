#!/usr/bin/env bash
# Builds each libFuzzer harness of tests/fuzz/ against the core and index
# libraries in $1 (built with -fsanitize=fuzzer-no-link,address,undefined
# by `make fuzz`) and runs it for $2 seconds, seeded from tests/fixtures,
# the saved regression inputs and ../shared when present.  New corpus
# entries go to $1/corpus/<harness>/ (kept between runs); a crash is saved
# to $1/crashes/<harness>/ and makes the whole run fail, to be copied into
# tests/fuzz/regress/<harness>/ once fixed.
#   bash tests/fuzz/run.sh BUILD_DIR SECONDS [HARNESS...]
set -euo pipefail
cd "$(dirname "$0")/../.."
B=$1
SECONDS_EACH=$2
shift 2
PKGS="fuzz3 sqlite3 libcjson opencc libxml-2.0 libcrypto icu-uc libzstd"
PKG_CFLAGS=$(pkg-config --cflags ${PKGS/fuzz3/fuse3})
PKG_LIBS=$(pkg-config --libs ${PKGS/fuzz3/fuse3})
FLAGS="-O1 -g -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined
       -fno-omit-frame-pointer -fno-sanitize-recover=all"

harnesses=("$@")
if [ ${#harnesses[@]} -eq 0 ]; then
	for f in tests/fuzz/fuzz_*.c; do
		h=${f##*/}
		harnesses+=("${h%.c}")
	done
fi

# One seed directory for all: whole reports suit the parser, decoder and
# table readers; their lines are what names and numbers are made of.
seeds=$B/seeds
rm -rf "$seeds"
mkdir -p "$seeds"
i=0
while IFS= read -r -d '' f; do
	cp "$f" "$seeds/$((i++))"
done < <(find tests/fixtures ../shared -type f \
	 \( -name '*.txt' -o -name '*.md' -o -name '*.html' -o -name '*.htm' \) \
	 -size -256k -print0 2>/dev/null)
[ -d ../shared ] || echo "fuzz: ../shared is absent: seeded from tests/fixtures only"
echo "fuzz: $i seed files"

failed=0
for h in "${harnesses[@]}"; do
	bin=$B/fuzzers/$h
	mkdir -p "$B/fuzzers" "$B/corpus/$h" "$B/crashes/$h"
	# shellcheck disable=SC2086
	clang $FLAGS $PKG_CFLAGS -Icore -Iindex -Itests/fuzz -o "$bin" \
		"tests/fuzz/$h.c" "$B/libindex.a" "$B/libcore.a" $PKG_LIBS
	regress=tests/fuzz/regress/$h
	dirs=("$B/corpus/$h" "$seeds")
	[ -d "$regress" ] && dirs+=("$regress")
	echo "== $h: ${SECONDS_EACH}s"
	# -timeout: one input taking 20 s is a hang; -rss_limit_mb: a leak
	# or an unbounded allocation.
	if ! UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	     "$bin" -max_total_time="$SECONDS_EACH" -timeout=20 \
		-rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
		-artifact_prefix="$B/crashes/$h/" "${dirs[@]}" \
		>"$B/fuzz-$h.log" 2>&1; then
		failed=1
		echo "fuzz: $h FAILED; see $B/fuzz-$h.log and $B/crashes/$h/"
		grep -m5 -E 'ERROR|broken promise|SUMMARY' "$B/fuzz-$h.log" || true
	fi
	grep -E 'stat::number_of_executed_units|stat::new_units_added' \
		"$B/fuzz-$h.log" | sed "s/^/   /" || true
done
exit $failed
