# nianbaofs — see README.md.  `make` builds ./nianbaofs; `make test` (or
# `make check`) runs every test; `make asan` builds and tests with
# AddressSanitizer and UBSan; `make install` installs the program and its
# manual page under $(DESTDIR)$(PREFIX).

# libxml-2.0: HTML tables with their real rowspan/colspan (a maintained
# HTML parser, not regexes); libcrypto: the sha256 in meta.json; icu-uc:
# Unicode NFC for directory names (compatibility ideographs, accents);
# libzstd: the files of _all stored compressed in blocks (index/blocks.c).
PKGS      := fuse3 sqlite3 libcjson opencc libxml-2.0 libcrypto icu-uc libzstd
CC        ?= cc
CFLAGS    ?= -O2 -g
override CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -MMD -MP
# Warnings are errors where the code is worked on (a git checkout, hence CI),
# not on a packager's newer compiler: WERROR=0 or 1 overrides.
WERROR    ?= $(if $(wildcard .git),1,0)
ifeq ($(WERROR),1)
override CFLAGS += -Werror
endif
# OpenCC's t2s.json by its absolute path: opencc_open looks a bare name up
# in the working directory first, so output would depend on where we run.
OPENCC_T2S := $(shell pkg-config --variable=prefix opencc)/share/opencc/t2s.json
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS)) -DNB_OPENCC_T2S='"$(OPENCC_T2S)"'
PKG_LIBS   := $(shell pkg-config --libs $(PKGS))
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)
# pytest lives in Debian's python3-pytest; a pyenv python3 first on PATH
# may not have it.
PYTHON    ?= $(shell for p in python3 /usr/bin/python3; do $$p -c 'import pytest' 2>/dev/null && { echo $$p; break; }; done)

B         ?= build
CORE_SRC  := $(wildcard core/*.c)
INDEX_SRC := $(wildcard index/*.c)
FS_SRC    := $(wildcard fs/*.c)
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
TOOL_SRC  := $(wildcard tests/tools/*.c)

CORE_OBJ  := $(CORE_SRC:%.c=$(B)/%.o)
INDEX_OBJ := $(INDEX_SRC:%.c=$(B)/%.o)
FS_OBJ    := $(FS_SRC:%.c=$(B)/%.o)
# Two programs share the fs objects (as an archive, so that each takes
# only what it calls): the mount, and the indexer it runs for every build
# (fs/indexer.c).
FS_MAINS  := $(B)/fs/main.o $(B)/fs/indexer_main.o
FS_LIB_OBJ := $(filter-out $(FS_MAINS),$(FS_OBJ))
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
TOOL_BIN  := $(TOOL_SRC:tests/tools/%.c=$(B)/tools/%)
BIN       ?= nianbaofs
# beside BIN, where the mount looks first (fs/indexer.c)
INDEXER   := $(dir $(BIN))nianbaofs-index

PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/libexec/nianbaofs
MANDIR    ?= $(PREFIX)/share/man
MANPAGE   := fs/nianbaofs.1

.PHONY: all test check unit integration accuracy asan bench bench-parse prose \
	clean demo install uninstall manlint soak fuzz fuzz-regress valgrind
all: $(BIN) $(INDEXER)

# --as-needed: the mount never parses, so it does not load OpenCC or
# libxml2; only the indexer needs them.  It does load ICU (names rendered
# on read are put in NFC: names.c) and libcrypto (the default index's
# name: dbpath.c), ~8 ms of CPU at every start (perf stat -r 40 of a
# program linked with both, against one with neither).
$(BIN): $(B)/fs/main.o $(B)/libfs.a $(B)/libindex.a $(B)/libcore.a
	$(CC) $(CFLAGS) $(LDFLAGS) -Wl,--as-needed -o $@ $< $(B)/libfs.a $(B)/libindex.a $(B)/libcore.a $(PKG_LIBS)

$(INDEXER): $(B)/fs/indexer_main.o $(B)/libfs.a $(B)/libindex.a $(B)/libcore.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libfs.a $(B)/libindex.a $(B)/libcore.a $(PKG_LIBS)

# Archives are written anew, not updated: an object whose source was
# removed or renamed must not linger in them.
$(B)/libcore.a: $(CORE_OBJ)
	rm -f $@ && ar rcs $@ $^
$(B)/libindex.a: $(INDEX_OBJ)
	rm -f $@ && ar rcs $@ $^
$(B)/libfs.a: $(FS_LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Icore -Iindex -c -o $@ $<
# where `make install` puts the indexer, for the mount to find it
$(B)/fs/indexer.o: override CFLAGS += -DNB_LIBEXECDIR='"$(LIBEXECDIR)"'

$(B)/tests/%: tests/unit/%.c $(B)/libindex.a $(B)/libcore.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Icore -Iindex -o $@ $< $(B)/libindex.a $(B)/libcore.a $(PKG_LIBS) $(CMOCKA_LIBS)

# fs units tested alone: the kernel's lookup counts
$(B)/tests/test_lookups: tests/unit/test_lookups.c $(B)/fs/lookups.o
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Icore -Iindex -Ifs -o $@ $< $(B)/fs/lookups.o $(PKG_LIBS) $(CMOCKA_LIBS)

# and what reaches the terminal in the foreground
$(B)/tests/test_log: tests/unit/test_log.c $(B)/fs/log.o $(B)/libindex.a $(B)/libcore.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Icore -Iindex -Ifs -o $@ $< $(B)/fs/log.o $(B)/libindex.a $(B)/libcore.a $(PKG_LIBS) $(CMOCKA_LIBS)

# read_file and the corpus helpers of tests/tools/lib are the tools' own
$(B)/tools/%: tests/tools/%.c $(B)/tools/lib/corpus.o $(B)/libindex.a $(B)/libcore.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Icore -Iindex -Itests/tools/lib -o $@ $< $(B)/tools/lib/corpus.o $(B)/libindex.a $(B)/libcore.a $(PKG_LIBS)

# accuracy scores with tests/tools/lib/score.c, under the text transforms of
# transform.c too.
$(B)/tools/lib/%.o: tests/tools/lib/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Icore -c -o $@ $<
ACC_LIB := $(B)/tools/lib/corpus.o $(B)/tools/lib/score.o $(B)/tools/lib/transform.o
$(B)/tools/accuracy: tests/tools/accuracy.c $(ACC_LIB) $(B)/libindex.a $(B)/libcore.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Icore -Itests/tools/lib -o $@ $< $(ACC_LIB) $(B)/libcore.a $(PKG_LIBS)

unit: $(UNIT_BIN) $(TOOL_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; (cd tests && ../$$t); done

integration: $(BIN) $(INDEXER) $(TOOL_BIN)
	@test -n "$(PYTHON)" || { echo "pytest not found: apt-get install python3-pytest"; exit 1; }
	NIANBAOFS=$(abspath $(BIN)) NB_TOOLS=$(abspath $(B)/tools) $(PYTHON) -m pytest -q tests/integration

# The load test of issue 8 for a minute: 8 readers while RAWDIR changes
# every half second (make test runs it for 10 s).
soak: $(BIN) $(INDEXER) $(TOOL_BIN)
	@test -n "$(PYTHON)" || { echo "pytest not found: apt-get install python3-pytest"; exit 1; }
	NB_LOAD_SECONDS=60 NIANBAOFS=$(abspath $(BIN)) NB_TOOLS=$(abspath $(B)/tools) \
	  $(PYTHON) -m pytest -q -s tests/integration/test_live.py -k test_load

test: unit fuzz-regress integration manlint
check: test

# The manual page is mdoc(7), read by man(1) as it is; groff says what it
# cannot lay out, and any such warning fails the lint.  Warnings about
# glyphs (-Wchar) depend on the fonts installed, not on the page.
manlint:
	@out=$$(groff -k -mandoc -Tutf8 -ww -Wchar -z $(MANPAGE) 2>&1); \
	  if [ -n "$$out" ]; then echo "$$out"; exit 1; fi; echo "manlint: $(MANPAGE) ok"

# ---- found by machines (tests/fuzz/, issue 8) ------------------------------
# `make fuzz` runs each libFuzzer harness for FUZZ_SECONDS (CI: 60);
# `make fuzz-regress` (part of `make test`) runs every input the fuzzers
# ever crashed on, saved in tests/fuzz/regress/<harness>/, through a plain
# driver, so that they stay fixed under gcc, ASan and valgrind.
FUZZ_SECONDS ?= 600
FUZZ_B       := build-fuzz
FUZZ_NAMES   := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_REGRESS := $(FUZZ_NAMES:%=$(B)/fuzz/%)

$(B)/fuzz/%: tests/fuzz/%.c tests/fuzz/standalone.c tests/fuzz/fuzz.h $(B)/libindex.a $(B)/libcore.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Icore -Iindex -Itests/fuzz -o $@ $< tests/fuzz/standalone.c $(B)/libindex.a $(B)/libcore.a $(PKG_LIBS)

fuzz-regress: $(FUZZ_REGRESS)
	@set -e; for h in $(FUZZ_NAMES); do \
	  files=$$(find tests/fuzz/regress/$$h -type f 2>/dev/null | sort); \
	  echo "== $$h: $$(echo "$$files" | grep -c . || true) saved inputs"; \
	  [ -z "$$files" ] || $(B)/fuzz/$$h $$files; done

# valgrind memcheck over `nianbaofs index` and the mount tests: 0 errors
# and 0 definite leaks in every process (tests/valgrind.sh).
valgrind: $(BIN) $(INDEXER) $(TOOL_BIN)
	bash tests/valgrind.sh $(BIN) $(PYTHON)

fuzz:
	$(MAKE) B=$(FUZZ_B) CC=clang \
	  CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  $(FUZZ_B)/libcore.a $(FUZZ_B)/libindex.a
	bash tests/fuzz/run.sh $(FUZZ_B) $(FUZZ_SECONDS)

accuracy: $(B)/tools/accuracy
	$(B)/tools/accuracy tests/fixtures

# Figures, not tests (never run in CI).  `make bench` indexes and mounts
# BENCH_N generated reports (bench/gen.py) and compares every command with
# a local copy of the tree in the same run; the table goes to
# bench/results-$(BENCH_N).md.  Needs hyperfine and /usr/bin/time; the
# cold runs need root (they drop the page cache).
BENCH_N ?= 10000
BENCH_RUNS ?= 5
BENCH_PASSES ?= find,ls,grep,cat,all
bench: $(BIN) $(INDEXER) bench-parse
	nice python3 bench/run.py -n $(BENCH_N) --runs $(BENCH_RUNS) \
	  --passes $(BENCH_PASSES) $(BIN)

# Parse time per KiB as a report grows (linear = 1.00x).
bench-parse: $(B)/tools/bench_parse
	@for f in tests/fixtures/layout/xishan-2019-split.txt tests/fixtures/html/jinghai-2019-nbsp.html; do \
	  echo "== $$f"; $(B)/tools/bench_parse $$f; done

# Figures, not a test: the share of hard-wrapped phrases the core joins back
# (the fixtures' prose wrapped as PDF text, layout and raw order).
prose: $(B)/tools/wrapjoin
	$(B)/tools/wrapjoin tests/fixtures

# NB_TIME_FACTOR: the time bounds of the bad-input tests, for sanitizers.
asan:
	NB_TIME_FACTOR=5 $(MAKE) B=build-asan BIN=build-asan/nianbaofs \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  LDFLAGS="-fsanitize=address,undefined" test

install: $(BIN) $(INDEXER)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/nianbaofs
	install -m 0755 $(INDEXER) $(DESTDIR)$(LIBEXECDIR)/nianbaofs-index
	install -m 0644 $(MANPAGE) $(DESTDIR)$(MANDIR)/man1/nianbaofs.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/nianbaofs $(DESTDIR)$(LIBEXECDIR)/nianbaofs-index \
	  $(DESTDIR)$(MANDIR)/man1/nianbaofs.1

demo: ; bash tests/demo.sh

clean:
	rm -rf build build-asan $(FUZZ_B) $(BIN) $(INDEXER)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
