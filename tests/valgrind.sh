#!/usr/bin/env bash
# valgrind memcheck over `nianbaofs index` and the mount tests (issue 8):
# runs the integration tests of the command line and the mount with
# NIANBAOFS pointing at a wrapper that starts nianbaofs under valgrind
# (the daemon, forked, stays under it), one log per process, then requires
# 0 errors and 0 bytes definitely lost in every log.
#   bash tests/valgrind.sh BINARY PYTHON
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "$1")
PYTHON=$2
command -v valgrind >/dev/null || { echo "valgrind: not installed (apt-get install valgrind)" >&2; exit 1; }

work=$(mktemp -d /tmp/nb-valgrind.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
mkdir "$work/logs"
chmod 777 "$work/logs"
# nianbaofs runs the indexer beside it (fs/indexer.c): followed into it
# (--trace-children); a wrapper of that too, for the tests that copy both.
# Not into fusermount3: setuid, valgrind cannot run it and would say so in
# the log.
for prog in nianbaofs nianbaofs-index; do
	cat >"$work/$prog" <<WRAP
#!/bin/sh
exec valgrind -q --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite \\
  --show-leak-kinds=definite --track-fds=no --child-silent-after-fork=no \\
  --trace-children=yes --trace-children-skip='*/fusermount3' \\
  --log-file="$work/logs/vg-%p.log" "$(dirname "$BIN")/$prog" "\$@"
WRAP
	chmod 755 "$work/$prog"
done

# The tests that only read the mount and the command line; under valgrind
# each operation is ~30x slower, so the load and timing tests stay out.
NIANBAOFS=$work/nianbaofs NB_TOOLS=$(realpath build/tools) \
	"$PYTHON" -m pytest -q -x -p no:cacheprovider \
	tests/integration/test_cli.py tests/integration/test_mount.py \
	-k "not foreground and not 100000 and not concurrent"

logs=("$work"/logs/vg-*.log)
bad=0
for f in "${logs[@]}"; do
	if grep -qE 'ERROR SUMMARY: [1-9]|definitely lost: [1-9]|Invalid (read|write)|uninitialised|Mismatched free' "$f" ||
	   [ -s "$f" ]; then
		echo "== $f"
		cat "$f"
		bad=1
	fi
done
echo "valgrind: ${#logs[@]} processes checked, $([ $bad = 0 ] && echo "0 errors, 0 definite leaks" || echo "ERRORS above")"
exit $bad
