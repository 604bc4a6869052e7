# nianbaofs — see README.md.  `make` builds ./nianbaofs; `make test` (or
# `make check`) runs every test; `make asan` builds and tests with
# AddressSanitizer and UBSan; `make install` installs the program and its
# manual page under $(DESTDIR)$(PREFIX).

# libxml-2.0: HTML tables with their real rowspan/colspan (a maintained
# HTML parser, not regexes); libcrypto: the sha256 in meta.json.
PKGS      := fuse3 sqlite3 libcjson opencc libxml-2.0 libcrypto
CC        ?= cc
CFLAGS    ?= -O2 -g
override CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -MMD -MP
# Warnings are errors where the code is worked on (a git checkout, hence CI),
# not on a packager's newer compiler: WERROR=0 or 1 overrides.
WERROR    ?= $(if $(wildcard .git),1,0)
ifeq ($(WERROR),1)
override CFLAGS += -Werror
endif
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
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
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
TOOL_BIN  := $(TOOL_SRC:tests/tools/%.c=$(B)/tools/%)
BIN       ?= nianbaofs

PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man
MANPAGE   := fs/nianbaofs.1

.PHONY: all test check unit integration accuracy asan bench prose clean demo \
	install uninstall manlint
all: $(BIN)

$(BIN): $(FS_OBJ) $(B)/libindex.a $(B)/libcore.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(FS_OBJ) $(B)/libindex.a $(B)/libcore.a $(PKG_LIBS)

$(B)/libcore.a: $(CORE_OBJ)
	ar rcs $@ $^
$(B)/libindex.a: $(INDEX_OBJ)
	ar rcs $@ $^

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Icore -Iindex -c -o $@ $<

$(B)/tests/%: tests/unit/%.c $(B)/libindex.a $(B)/libcore.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Icore -Iindex -o $@ $< $(B)/libindex.a $(B)/libcore.a $(PKG_LIBS) $(CMOCKA_LIBS)

$(B)/tools/%: tests/tools/%.c $(B)/libindex.a $(B)/libcore.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Icore -Iindex -o $@ $< $(B)/libindex.a $(B)/libcore.a $(PKG_LIBS)

# accuracy also scores the corpus under the text transforms of tests/tools/lib.
$(B)/tools/lib/%.o: tests/tools/lib/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Icore -c -o $@ $<
ACC_LIB := $(B)/tools/lib/corpus.o $(B)/tools/lib/transform.o
$(B)/tools/accuracy: tests/tools/accuracy.c $(ACC_LIB) $(B)/libindex.a $(B)/libcore.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Icore -Itests/tools/lib -o $@ $< $(ACC_LIB) $(B)/libcore.a $(PKG_LIBS)

unit: $(UNIT_BIN) $(TOOL_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; (cd tests && ../$$t); done

integration: $(BIN) $(TOOL_BIN)
	@test -n "$(PYTHON)" || { echo "pytest not found: apt-get install python3-pytest"; exit 1; }
	NIANBAOFS=$(abspath $(BIN)) NB_TOOLS=$(abspath $(B)/tools) $(PYTHON) -m pytest -q tests/integration

test: unit integration manlint
check: test

# The manual page is mdoc(7), read by man(1) as it is; groff says what it
# cannot lay out, and any such warning fails the lint.  Warnings about
# glyphs (-Wchar) depend on the fonts installed, not on the page.
manlint:
	@out=$$(groff -k -mandoc -Tutf8 -ww -Wchar -z $(MANPAGE) 2>&1); \
	  if [ -n "$$out" ]; then echo "$$out"; exit 1; fi; echo "manlint: $(MANPAGE) ok"

accuracy: $(B)/tools/accuracy
	$(B)/tools/accuracy tests/fixtures

# Figures, not a test: parse time per KiB as a report grows (linear = 1.00x).
bench: $(B)/tools/bench_parse
	@for f in tests/fixtures/layout/xishan-2019-split.txt tests/fixtures/html/jinghai-2019-nbsp.html; do \
	  echo "== $$f"; $(B)/tools/bench_parse $$f; done

# Figures, not a test: the share of hard-wrapped phrases the core joins back
# (the fixtures' prose wrapped as PDF text, layout and raw order).
prose: $(B)/tools/wrapjoin
	$(B)/tools/wrapjoin tests/fixtures

asan:
	$(MAKE) B=build-asan BIN=build-asan/nianbaofs \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  LDFLAGS="-fsanitize=address,undefined" test

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/nianbaofs
	install -m 0644 $(MANPAGE) $(DESTDIR)$(MANDIR)/man1/nianbaofs.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/nianbaofs $(DESTDIR)$(MANDIR)/man1/nianbaofs.1

demo: ; bash tests/demo.sh

clean:
	rm -rf build build-asan $(BIN)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
