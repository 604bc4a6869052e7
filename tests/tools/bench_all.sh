#!/bin/bash
# bench_all.sh — figures, not a test: the time of `cat _all/申请情况.csv`
# through a mount of N reports (default 10000), against `cat` of a local
# copy of the same bytes.  The reports are tests/data/index's three years
# of 青山县, each agency renamed, so N/3 agencies of three years.
#
#   tests/tools/bench_all.sh [N] [nianbaofs binary]
#
# Each timed read of the mount is cold: the file system is mounted afresh
# (the kernel's page cache of a FUSE file goes with its mount), while the
# local copy is read from the page cache.  Prints the median of 5 runs.
set -euo pipefail

N=${1:-10000}
BIN=$(realpath "${2:-./nianbaofs}")
HERE=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/nb-bench-all-XXXXXX)
MNT=$WORK/mnt
cleanup() {
	mountpoint -q "$MNT" 2>/dev/null && fusermount3 -u "$MNT"
	rm -rf "$WORK"
}
trap cleanup EXIT

python3 - "$HERE/tests/data/index/青山县人民政府" "$WORK/raw" "$N" <<'EOF'
import pathlib, sys
src, raw, n = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), int(sys.argv[3])
texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(src.glob("*.txt"))}
chars = "东南西北中上下前后左右金木水火土日月星云山河湖海江林松柏桃李梅兰竹菊春夏秋冬红黄蓝白黑青紫绿安平康宁和顺昌盛兴旺福寿永长"
assert n <= len(texts) * len(chars) ** 2, "at most %d reports" % (len(texts) * len(chars) ** 2)
done = i = 0
while done < n:
    name = chars[i // len(chars)] + chars[i % len(chars)]
    i += 1
    d = raw / name
    d.mkdir(parents=True)
    for fn, t in texts.items():
        if done < n:
            (d / fn).write_text(t.replace("青山县", name + "县"), encoding="utf-8")
            done += 1
EOF

mkdir -p "$MNT"
start=$(date +%s.%N)
nice "$BIN" index --db "$WORK/ix.sqlite" "$WORK/raw" > /dev/null
echo "index of $N reports: $(echo "$(date +%s.%N) - $start" | bc) s"

median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
timed() { local s e; s=$(date +%s.%N); "$@" > /dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }

for dialect in excel unix; do
	opts=()
	[ "$dialect" = unix ] && opts=(-o csv=unix)
	runs=()
	for _ in 1 2 3 4 5; do
		"$BIN" --db "$WORK/ix.sqlite" "${opts[@]}" "$WORK/raw" "$MNT"
		runs+=("$(timed cat "$MNT/_all/申请情况.csv")")
		[ "$dialect" = excel ] && [ ! -e "$WORK/local.csv" ] && cp "$MNT/_all/申请情况.csv" "$WORK/local.csv"
		fusermount3 -u "$MNT"
	done
	echo "cat _all/申请情况.csv ($dialect, cold mount): $(printf '%s\n' "${runs[@]}" | median) s"
done
local_runs=()
for _ in 1 2 3 4 5; do
	local_runs+=("$(timed cat "$WORK/local.csv")")
done
echo "cat of a local copy ($(stat -c %s "$WORK/local.csv") bytes): $(printf '%s\n' "${local_runs[@]}" | median) s"
