#!/bin/sh
# util-migrate.sh — the two mechanical rewrites of index/ onto core's
# utility layer (core/util.h), kept as a script so that they can be made
# again on top of other work on index/.  Run from the top of the tree:
#
#   sh tests/tools/util-migrate.sh errmsg   ix_say(err, "%s: %s",
#       sqlite3_db_filename(db, "main"), sqlite3_errmsg(db)) becomes
#       ix_say_db(err, db), defined once next to ix_say (index/say.c, or
#       index/buf.c before the buf step);
#   sh tests/tools/util-migrate.sh buf      ix_buf becomes core's nb_buf:
#       the type and calls renamed, ix.h includes util.h, index/buf.c keeps
#       only the messages and becomes index/say.c; then every
#           if (a->n == a->cap) {
#                   size_t cap = a->cap ? a->cap * 2 : MIN;
#                   T *v = realloc(a->v, cap * sizeof *v);
#                   if (!v) FAIL
#                   a->v = v;
#                   a->cap = cap;
#           }
#       in index/ becomes nb_grow (core/util.h):
#           T *v = nb_grow(a->v, &a->cap, a->n + 1, sizeof *v, MIN);
#           if (!v) FAIL
#           a->v = v;
#
# Each step does nothing when already done; both leave a tree that builds.
set -eu

files() {
	ls index/*.c index/*.h tests/unit/*.c tests/fuzz/*.c tests/tools/*.c \
		fs/*.c fs/*.h 2>/dev/null
}

say_file() {
	if [ -f index/say.c ]; then echo index/say.c; else echo index/buf.c; fi
}

errmsg() {
	if ! grep -q 'ix_say_db' index/ix.h; then
		perl -0pi -e 's{(void ix_say\(FILE \*err, const char \*fmt, \.\.\.\)\n\t__attribute__\(\(format\(printf, 2, 3\)\)\);\n)}{$1/* ix_say of db'"'"'s file name and its last SQLite error. */\nvoid ix_say_db(FILE *err, sqlite3 *db);\n}' index/ix.h
		grep -q 'ix_say_db' index/ix.h || { echo "ix.h: ix_say's declaration not found" >&2; exit 1; }
	fi
	f=$(say_file)
	if ! grep -q '^void ix_say_db' "$f"; then
		cat >> "$f" <<'EOC'

void ix_say_db(FILE *err, sqlite3 *db)
{
	ix_say(err, "%s: %s", sqlite3_db_filename(db, "main"),
	       sqlite3_errmsg(db));
}
EOC
	fi
	# The call's two db expressions must be the same one.
	perl -0pi -e 's{ix_say\(([\w>.-]+), "%s: %s", sqlite3_db_filename\(([\w>.-]+), "main"\),\s*sqlite3_errmsg\(\2\)\);}{ix_say_db($1, $2);}g' \
		$(ls index/*.c | grep -v "index/$(basename "$f")")
}

buf() {
	if [ -f index/buf.c ] && grep -q 'ix_buf_add' index/buf.c; then
		# index/buf.c: the buffer goes, the messages stay, as say.c
		perl -0pi -e 's{static bool grow\(ix_buf \*b, size_t extra\)\n\{.*?\n\}\n\n}{}s;
			s{void ix_buf_add\(ix_buf \*b, .*?\n\}\n\n}{}s;
			s{void ix_buf_adds\(ix_buf \*b, .*?\n\}\n\n}{}s;
			s{void ix_buf_printf\(ix_buf \*b, .*?\n\}\n\n}{}s;
			s{void ix_buf_free\(ix_buf \*b\)\n\{.*?\n\}\n\n}{}s;
			s{^/\* buf\.c — a growable byte buffer, and messages for the caller.s stream\. \*/}{/* say.c — messages for the caller\x27s stream: printable, one line each. */}m' index/buf.c
		git mv index/buf.c index/say.c
	fi
	if grep -q 'ix_buf' index/ix.h; then
		perl -0pi -e 's{/\* ---- growable byte buffer \(buf\.c\) -+ \*/\n\ntypedef struct \{\n.*?\} ix_buf;\n\n}{}s;
			s{void ix_buf_add\(ix_buf \*b, const void \*s, size_t n\);\n}{};
			s{void ix_buf_adds\(ix_buf \*b, const char \*s\);[^\n]*\n}{};
			s{void ix_buf_printf\(ix_buf \*b, const char \*fmt, \.\.\.\)\n\t__attribute__\(\(format\(printf, 2, 3\)\)\);\n}{};
			s{void ix_buf_free\(ix_buf \*b\);\n}{};
			s{(typedef struct ix_inos ix_inos;\n)\n\n}{$1\n/* ---- messages (say.c) ------------------------------------------------------ */\n\n};
			s{#include "nianbao.h"\n}{#include "nianbao.h"\n#include "util.h"\n}' index/ix.h
	fi
	sed -i 's/\bix_buf_free\b/nb_buf_free/g; s/\bix_buf_printf\b/nb_buf_printf/g;
		s/\bix_buf_adds\b/nb_buf_adds/g; s/\bix_buf_add\b/nb_buf_add/g;
		s/\bix_buf\b/nb_buf/g' $(files)
	# (index/crossyear.c included util.h itself before ix.h did)
	sed -i '/^#include "util.h"$/d' index/crossyear.c
	grow index/*.c
}

grow() {
	python3 - "$@" <<'EOP'
import re, sys
block = re.compile(r"""(?P<i>\t+)if \((?P<n>[\w>.*-]+) == (?P<cap>[\w>.*-]+)\) \{
\t+size_t (?P<nc>\w+) = (?P=cap) \? (?P=cap) \* 2 : (?P<min>\d+);
\t+(?P<T>\w+ \*+)(?P<nv>\w+) = realloc\((?P<arr>[\w>.-]+), (?P=nc) \* sizeof \*(?P=nv)\);
\t+if \(!(?P=nv)\)(?P<fail>( \{\n(?:.*\n)*?\t+\}| *\n\t+return [^;]+;))
\t+(?P=arr) = (?P=nv);
\t+(?P=cap) = (?P=nc);
(?P=i)\}
""")

def grown(m):
    i, cap = m["i"], m["cap"]
    where = cap[1:] if cap.startswith("*") else "&" + cap
    # the failure branch loses the level of the if it was in
    fail = re.sub(r"\n\t", "\n", m["fail"])
    return (f"{i}{m['T']}{m['nv']} = nb_grow({m['arr']}, {where}, "
            f"{m['n']} + 1, sizeof *{m['nv']}, {m['min']});\n"
            f"{i}if (!{m['nv']}){fail}\n{i}{m['arr']} = {m['nv']};\n")

for path in sys.argv[1:]:
    with open(path) as f:
        text = f.read()
    new = block.sub(grown, text)
    if new != text:
        with open(path, "w") as f:
            f.write(new)
EOP
}

case "${1:-}" in
errmsg) errmsg ;;
buf) buf ;;
*) echo "usage: $0 errmsg|buf" >&2; exit 2 ;;
esac
