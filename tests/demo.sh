#!/usr/bin/env bash
# `make demo`: installs what is missing (as root), builds nianbaofs, and
# mounts the bundled example reports (tests/fixtures) at ./mnt, so a person
# can browse them with ls, cat and grep.  Safe to run again: an earlier demo
# mount is unmounted first.
set -euo pipefail
cd "$(dirname "$0")/.."

RAWDIR=tests/fixtures
MNT=mnt

mounted() {
	local want
	want=$(realpath -m "$MNT")
	awk -v want="$want" '$2 == want { found = 1 } END { exit !found }' /proc/self/mounts
}

bash .ci/deps.sh

if [ ! -c /dev/fuse ]; then
	echo "demo: /dev/fuse does not exist: nianbaofs needs FUSE (in a container:" >&2
	echo "demo: --device /dev/fuse --cap-add SYS_ADMIN)" >&2
	exit 1
fi

make -j"$(nproc)"

if mounted; then
	echo "demo: unmounting the earlier demo at ./$MNT"
	fusermount3 -u "$MNT" 2>/dev/null || fusermount3 -uz "$MNT"
fi
mkdir -p "$MNT"

reports() {
	find "$RAWDIR" -type f \( -name '*.txt' -o -name '*.md' -o -name '*.html' -o -name '*.htm' \) | wc -l
}
if [ "$(reports)" -eq 0 ] && [ -f "$RAWDIR/make_fixtures.py" ]; then
	echo "demo: writing the example reports with $RAWDIR/make_fixtures.py"
	python3 "$RAWDIR/make_fixtures.py"
fi
if [ "$(reports)" -eq 0 ]; then
	echo "demo: no example reports (.txt, .md, .html) under $RAWDIR" >&2
	exit 1
fi

./nianbaofs index "$RAWDIR" || echo "demo: some files could not be read (see above); mounting the rest"
./nianbaofs "$RAWDIR" "$MNT"

first=$(find "$MNT" -mindepth 2 -maxdepth 2 -type d | sort | head -n 1)
first=${first:-$MNT}
cat <<MSG

The example reports of $RAWDIR are mounted at ./$MNT (read-only).  Try:

  ls $MNT
  ls -R $first
  cat $first/meta.json
  grep -r 予以公开 $MNT --include=*.csv

Unmount with:

  fusermount3 -u $MNT
MSG
