/*
 * test_blocks.c — the files of _all stored in compressed blocks
 * (index/blocks.c, chunks.c), the preamble and a section's heading stored
 * as places in the report's text and a section's directory only when it
 * is not N-name: reads across a block's end in both dialects, an excel
 * read starting inside a block, a file of _all with no records, a rebuild
 * that takes unchanged reports' chunks out of the old blocks and copies
 * the old blocks a file starts and ends with, laid out as a build from
 * scratch lays them; the cache of
 * the blocks decompressed last (index/blockcache.c): each block of a file
 * read 128 KiB at a time decompressed once, never served for another
 * block of the same size, nor across a switch to a rebuilt index.
 *
 * The collection is made here: one fixture report copied under enough
 * agency names that _all/申请情况.csv spans several blocks.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <zstd.h>

#include "index.h"
#include "ix.h"
#include "dataset.h"
#include "ixfile.h"
#include "scratch.h"
#include "serve.h"

#define REPORT "data/index/青山县人民政府/2021.txt"
/* reports made; their 申请情况 rows alone (~2.5 KB each) fill 3 blocks */
#define NREPORTS 80

typedef struct {
	scratch_dir tmp;
	char scratch[96];	/* an index built from scratch, to compare */
	char *text;		/* the fixture report */
	size_t len;
} fixture;

/* The agency of report i (< 100): "青山" and two stems, "县人民政府". */
static void agency(int i, char *out, size_t len)
{
	static const char *const stem[] = {
		"甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸",
	};
	snprintf(out, len, "青山%s%s县", stem[i / 10 % 10], stem[i % 10]);
}

/* Report i: the fixture under agency i, of year (2020 or later), with its
 * first number changed to n. */
static void write_report_of(fixture *fx, int i, int n, int year)
{
	char dir[160], path[200], name[32];
	agency(i, name, sizeof name);
	snprintf(dir, sizeof dir, "%s/%s人民政府", fx->tmp.raw, name);
	mkdir(dir, 0755);
	snprintf(path, sizeof path, "%s/%d.txt", dir, year);
	nb_buf b = {0};
	const char *t = fx->text;
	for (const char *at; (at = strstr(t, "青山县"));
	     t = at + strlen("青山县")) {
		nb_buf_add(&b, t, (size_t)(at - t));
		nb_buf_adds(&b, name);
	}
	nb_buf_adds(&b, t);
	char digits[8];
	snprintf(digits, sizeof digits, "%04d", year);
	if (year != 2021)
		for (char *y; (y = strstr(b.s, "2021年"));)
			memcpy(y, digits, 4);
	char *num = strstr(b.s, "行政规范性文件 | 3 |");
	assert_non_null(num);
	num[strlen("行政规范性文件 | ")] = (char)('0' + n % 10);
	assert_false(b.oom);
	write_file(path, b.s, b.len);
	nb_buf_free(&b);
}

/* Removes report i of year, which write_report_of wrote. */
static void remove_report_of(fixture *fx, int i, int year)
{
	char path[200], name[32];
	agency(i, name, sizeof name);
	snprintf(path, sizeof path, "%s/%s人民政府/%d.txt", fx->tmp.raw, name,
		 year);
	assert_int_equal(unlink(path), 0);
}

/* Report i of 2020 for odd i, 2021 for even (two years, so two year
 * slices). */
static void write_report(fixture *fx, int i, int n)
{
	write_report_of(fx, i, n, i % 2 ? 2020 : 2021);
}

static int setup(void **state)
{
	fixture *fx = calloc(1, sizeof *fx);
	if (!fx)
		return -1;
	if (scratch_make(&fx->tmp, "blocks"))
		return -1;
	snprintf(fx->scratch, sizeof fx->scratch, "%s/scratch.sqlite", fx->tmp.dir);
	FILE *f = fopen(REPORT, "rb");
	if (!f || mkdir(fx->tmp.raw, 0755))
		return -1;
	fx->text = calloc(1, 65536);
	fx->len = fx->text ? fread(fx->text, 1, 65535, f) : 0;
	fclose(f);
	if (!fx->len)
		return -1;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	fixture *fx = *state;
	int rc = scratch_remove(&fx->tmp);
	free(fx->text);
	free(fx);
	return rc;
}

static nb_build_stats build(const char *db, const char *raw)
{
	nb_build_stats s;
	assert_int_equal(nb_index_build(db, raw, stderr, &s), 0);
	return s;
}

/* The NREPORTS reports written and indexed. */
static void build_reports(fixture *fx)
{
	for (int i = 0; i < NREPORTS; i++)
		write_report(fx, i, i);
	build(fx->tmp.db, fx->tmp.raw);
}

/* Body offsets where a block of _all's file name starts, in the dialect. */
static size_t block_starts(const char *db, const char *name, bool excel,
			   int64_t *v, size_t max)
{
	sqlite3 *d;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open_v2(db, &d, SQLITE_OPEN_READONLY, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(d, excel ?
		"SELECT b.off_excel FROM all_block b JOIN all_file f"
		" ON f.id = b.file WHERE f.name = ? ORDER BY b.off" :
		"SELECT b.off FROM all_block b JOIN all_file f"
		" ON f.id = b.file WHERE f.name = ? ORDER BY b.off",
		-1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	size_t n = 0;
	while (sqlite3_step(st) == SQLITE_ROW && n < max)
		v[n++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(d);
	return n;
}

/* Read as the kernel reads, 128 KiB at a time, by an index just opened:
 * the block a read ends in is where the next one starts, decompressed
 * once for both (nblocks blocks in all). */
static void check_each_block_once(const char *db, unsigned flags,
				  size_t nblocks)
{
	nb_index *ix;
	assert_int_equal(nb_index_open(db, flags, &ix), 0);
	nb_node n = walk(ix, "_all/申请情况.csv");
	char *buf = malloc(131072);
	assert_non_null(buf);
	uint64_t off = 0;
	ssize_t got;
	while ((got = nb_index_read(ix, n.ino, buf, 131072, off)) > 0)
		off += (uint64_t)got;
	assert_int_equal(got, 0);
	assert_int_equal(off, n.size);
	assert_int_equal(ix_chunks_unpacked(ix_serve_chunks(ix)), nblocks);
	free(buf);
	nb_index_close(ix);
}

/* Reads of every size around every block's start equal the whole file. */
static void check_reads(const char *db, unsigned flags)
{
	bool excel = !(flags & NB_OPEN_CSV_UNIX);
	nb_index *ix;
	assert_int_equal(nb_index_open(db, flags, &ix), 0);
	size_t len;
	char *whole = slurp(ix, "_all/申请情况.csv", &len);
	nb_node n = walk(ix, "_all/申请情况.csv");
	/* the header: the file's first record, a BOM before it in excel */
	size_t head = (size_t)(strchr(whole, '\n') + 1 - whole);
	int64_t starts[64];
	size_t nb = block_starts(db, "申请情况.csv", excel, starts, 64);
	assert_true(nb >= 3);
	assert_int_equal(starts[0], 0);
	const size_t sizes[] = {1, 2, 3, 100, 4096, IX_BLOCK_SIZE + 7, 131072};
	char *buf = malloc(131072);
	assert_non_null(buf);
	for (size_t b = 1; b < nb; b++) {
		for (int d = -3; d <= 3; d++) {
			size_t off = head + (size_t)starts[b] + (size_t)d;
			for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
				size_t want = len - off < sizes[s] ? len - off : sizes[s];
				ssize_t got = nb_index_read(ix, n.ino, buf, sizes[s], off);
				assert_int_equal(got, (ssize_t)want);
				assert_memory_equal(buf, whole + off, want);
			}
		}
	}
	/* in excel, a read inside a block and inside a record's CRLF */
	if (excel) {
		size_t mid = head + (size_t)starts[1] + 1000;
		char *cr = strchr(whole + mid, '\r');
		assert_non_null(cr);
		size_t at = (size_t)(cr - whole) + 1;	/* between CR and LF */
		assert_int_equal(nb_index_read(ix, n.ino, buf, 5, at), 5);
		assert_memory_equal(buf, whole + at, 5);
		assert_int_equal(buf[0], '\n');
	}
	free(buf);
	free(whole);
	nb_index_close(ix);
	check_each_block_once(db, flags, nb);
}

/* The unix and excel files of _all say the same records. */
static void check_dialects(const char *db, const char *path)
{
	nb_index *x, *u;
	assert_int_equal(nb_index_open(db, 0, &x), 0);
	assert_int_equal(nb_index_open(db, NB_OPEN_CSV_UNIX, &u), 0);
	size_t lx, lu;
	char *bx = slurp(x, path, &lx), *bu = slurp(u, path, &lu);
	assert_memory_equal(bx, "\xEF\xBB\xBF", 3);
	size_t k = 0;
	for (size_t i = 3; i < lx; i++)
		if (bx[i] != '\r')
			bx[k++] = bx[i];
	assert_int_equal(k, lu);
	assert_memory_equal(bx, bu, lu);
	free(bx);
	free(bu);
	nb_index_close(x);
	nb_index_close(u);
}

static void test_reads_across_blocks(void **state)
{
	fixture *fx = *state;
	build_reports(fx);
	check_reads(fx->tmp.db, 0);
	check_reads(fx->tmp.db, NB_OPEN_CSV_UNIX);
	check_dialects(fx->tmp.db, "_all/申请情况.csv");
	check_dialects(fx->tmp.db, "_all/2020/申请情况.csv");
	check_dialects(fx->tmp.db, "_all/reports.csv");

	/* every block but the last of a file holds at least IX_BLOCK_SIZE
	 * bytes less one chunk; none holds more unless one chunk does */
	sqlite3 *d;
	assert_int_equal(sqlite3_open(fx->tmp.db, &d), SQLITE_OK);
	bool ok;
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM all_block b"
		 " WHERE b.size > %d AND EXISTS (SELECT 1 FROM chunk c"
		 " WHERE c.file = b.file AND c.off > b.off"
		 " AND c.off < b.off + b.size)", IX_BLOCK_SIZE);
	assert_int_equal(ix_query_int(d, sql, &ok), 0);
	assert_true(ok);
	/* the chunks tile each file's body exactly */
	assert_int_equal(ix_query_int(d, "SELECT count(*) FROM chunk c"
		" WHERE c.off > 0 AND NOT EXISTS (SELECT 1 FROM chunk p"
		" WHERE p.file = c.file AND p.off + p.size = c.off"
		" AND p.off_excel + p.size + p.records = c.off_excel)", &ok), 0);
	assert_true(ok);
	sqlite3_close(d);
}

/* A file of _all without a record is its header alone; no block. */
static void test_empty_file(void **state)
{
	fixture *fx = *state;
	write_report(fx, 1, 3);	/* no warning, no failed check */
	build(fx->tmp.db, fx->tmp.raw);
	for (int d = 0; d < 2; d++) {
		nb_index *ix;
		assert_int_equal(nb_index_open(fx->tmp.db, d ? NB_OPEN_CSV_UNIX : 0,
					       &ix), 0);
		size_t len;
		char *csv = slurp(ix, "_all/warnings.csv", &len);
		assert_string_equal(csv + (d ? 0 : 3), d ? "机关,年度,目录,警告\n" :
				    "机关,年度,目录,警告\r\n");
		nb_node n = walk(ix, "_all/warnings.csv");
		char c;
		assert_int_equal(nb_index_read(ix, n.ino, &c, 1, len), 0);
		assert_int_equal(nb_index_read(ix, n.ino, &c, 1, len + 9), 0);
		free(csv);
		nb_index_close(ix);
	}
	sqlite3 *d;
	assert_int_equal(sqlite3_open(fx->tmp.db, &d), SQLITE_OK);
	bool ok;
	assert_int_equal(ix_query_int(d, "SELECT count(*) FROM all_block b"
		" JOIN all_file f ON f.id = b.file WHERE f.name = 'warnings.csv'",
		&ok), 0);
	/* the preamble is a place in the text, shown as text */
	assert_int_equal(ix_query_int(d, "SELECT count(*) FROM report"
		" WHERE preamble_off IS NOT NULL AND preamble_text IS NULL"
		" AND preamble LIKE '本报告根据%'", &ok), 1);
	/* a section's heading is a place in the text too */
	assert_int_equal(ix_query_int(d, "SELECT count(*) FROM section s"
		" JOIN stored_section t USING(report, seq) WHERE t.heading IS NULL"
		" AND t.heading_off IS NOT NULL AND s.seq = 0"
		" AND s.heading = '一、总体情况'", &ok), 1);
	/* a section's directory is stored only when it is not N-name */
	assert_int_equal(ix_query_int(d, "SELECT count(*) FROM section s"
		" JOIN stored_section t USING(report, seq) WHERE t.dir IS NULL"
		" AND s.dir = s.number || '-' || s.name", &ok), 6);
	assert_int_equal(sqlite3_exec(d, "UPDATE stored_section SET dir = 'x'"
				      " WHERE seq = 0", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(ix_query_int(d, "SELECT count(*) FROM section"
		" WHERE seq = 0 AND dir = 'x'", &ok), 1);
	sqlite3_close(d);
}

/* A rebuild after one report changed, one was added and one removed
 * takes the others' chunks out of the old blocks (test_index.c shows they
 * are not rendered again) and serves what a build from scratch serves. */
/* The files of _all laid out in the same blocks in both indexes: a
 * refresh copies the old blocks a file starts with only where a build
 * from scratch would have cut them the same. */
static void assert_same_blocks(const char *db, const char *scratch)
{
	static const char *const names[] = {
		"申请情况.csv", "reports.csv", "checks.csv", "warnings.csv",
	};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		for (int excel = 0; excel < 2; excel++) {
			int64_t a[256], b[256];
			size_t na = block_starts(db, names[i], excel, a, 256);
			size_t nb = block_starts(scratch, names[i], excel, b, 256);
			assert_int_equal(na, nb);
			assert_memory_equal(a, b, na * sizeof *a);
		}
	}
}

/* The refreshed index serves _all's files as a build from scratch of the
 * same reports does, laid out in the same blocks. */
static void assert_as_from_scratch(fixture *fx)
{
	unlink(fx->scratch);
	build(fx->scratch, fx->tmp.raw);
	const char *paths[] = {
		"_all/申请情况.csv", "_all/2020/申请情况.csv",
		"_all/2021/申请情况.csv", "_all/reports.csv",
		"_all/checks.csv",
	};
	for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
		assert_same_file(fx->tmp.db, fx->scratch, paths[i], 0);
		assert_same_file(fx->tmp.db, fx->scratch, paths[i],
				 NB_OPEN_CSV_UNIX);
	}
	assert_same_blocks(fx->tmp.db, fx->scratch);
	check_reads(fx->tmp.db, 0);
}

/* Refreshes the index, which parses that many reports, and checks it
 * against a build from scratch. */
static void refresh_as_from_scratch(fixture *fx, unsigned parsed)
{
	nb_build_stats s = build(fx->tmp.db, fx->tmp.raw);
	assert_int_equal(s.parsed, parsed);
	assert_as_from_scratch(fx);
}

/* A refresh after a report was added at the end of _all's order (a year
 * after the others'), then after the last report changed, then one in
 * the middle, then one at the start: the blocks before each are copied,
 * and those after it once a block ends after the same chunk in both
 * layouts; the files are what a build from scratch makes, block for
 * block. */
static void test_rebuild_keeps_the_start(void **state)
{
	fixture *fx = *state;
	build_reports(fx);
	int64_t before[64];
	size_t nbefore = block_starts(fx->tmp.db, "申请情况.csv", false,
				      before, 64);
	assert_true(nbefore >= 3);

	static const int changed[] = {NREPORTS, NREPORTS, NREPORTS / 2 + 1, 1};
	for (size_t k = 0; k < sizeof changed / sizeof *changed; k++) {
		if (changed[k] == NREPORTS)
			write_report_of(fx, NREPORTS, (int)k, 2022);
		else
			write_report(fx, changed[k], changed[k] + 5);
		refresh_as_from_scratch(fx, 1);
	}
}

/* A refresh after a report early in _all's order went, then after it came
 * back, then after two changed far apart, then after one changed and
 * another went, then after the first went: every later chunk moves by the
 * sizes that changed, and
 * the old blocks between and after the changes are copied, moved.  Four
 * years of each agency, so that _all/申请情况.csv spans enough blocks for
 * both layouts to end one after the same chunk again; the files are what
 * a build from scratch makes, block for block. */
static void test_rebuild_keeps_the_end(void **state)
{
	fixture *fx = *state;
	for (int year = 2019; year <= 2022; year++)
		for (int i = 0; i < 100; i++)
			write_report_of(fx, i, i, year);
	build(fx->tmp.db, fx->tmp.raw);

	remove_report_of(fx, 3, 2019);
	refresh_as_from_scratch(fx, 0);
	write_report_of(fx, 3, 3, 2019);
	refresh_as_from_scratch(fx, 1);

	/* two changes far apart: the blocks between them end after the same
	 * chunks as the old ones, but the old ones after are not the new */
	write_report_of(fx, 10, 7, 2019);
	write_report_of(fx, 10, 7, 2022);
	refresh_as_from_scratch(fx, 2);

	/* a change, then far after it a report gone: the reports either
	 * side of the one gone follow each other in the new order but not in
	 * the old, and the old blocks between them are not copied */
	write_report_of(fx, 20, 9, 2019);
	remove_report_of(fx, 30, 2022);
	refresh_as_from_scratch(fx, 1);

	/* the first report of the order gone (agency 33's name sorts first:
	 * 丁 is U+4E01): the old files start with its chunks, and no old
	 * block is copied from their start */
	remove_report_of(fx, 33, 2019);
	refresh_as_from_scratch(fx, 0);
}

static void test_rebuild_keeps_chunks(void **state)
{
	fixture *fx = *state;
	build_reports(fx);

	write_report(fx, 40, 7);	/* 40 changes: 1 -> 7 new rows */
	write_report(fx, NREPORTS, 2);	/* one more */
	remove_report_of(fx, 5, 2020);
	nb_build_stats s = build(fx->tmp.db, fx->tmp.raw);
	assert_int_equal(s.parsed, 2);
	assert_int_equal(s.reused, NREPORTS - 2);
	build(fx->scratch, fx->tmp.raw);
	const char *paths[] = {
		"_all/申请情况.csv", "_all/2020/申请情况.csv",
		"_all/2021/申请情况.csv", "_all/reports.csv", "_all/checks.csv",
		"_all/warnings.csv", "_all/第二十条第（一）项.csv",
	};
	for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
		assert_same_file(fx->tmp.db, fx->scratch, paths[i], 0);
		assert_same_file(fx->tmp.db, fx->scratch, paths[i], NB_OPEN_CSV_UNIX);
	}
	assert_same_blocks(fx->tmp.db, fx->scratch);
	check_reads(fx->tmp.db, 0);

	/* the preamble of a reused report is copied with its place */
	sqlite3 *d;
	assert_int_equal(sqlite3_open(fx->tmp.db, &d), SQLITE_OK);
	bool ok;
	assert_int_equal(ix_query_int(d, "SELECT count(*) FROM report"
		" WHERE preamble_off IS NULL OR preamble IS NULL", &ok), 0);
	assert_true(ok);
	sqlite3_close(d);
}

/* Frames of the same size and different bytes are told apart; the same
 * frame again is not decompressed again. */
static void test_block_cache(void **state)
{
	(void)state;
	char a[IX_BLOCK_SIZE], b[IX_BLOCK_SIZE];
	for (size_t i = 0; i < sizeof a; i++) {
		a[i] = (char)('a' + i % 7);
		b[i] = (char)('a' + i % 5);
	}
	size_t cap = ZSTD_compressBound(sizeof a);
	char *za = malloc(cap), *zb = malloc(cap);
	assert_non_null(za);
	assert_non_null(zb);
	size_t na = ZSTD_compress(za, cap, a, sizeof a, IX_BLOCK_LEVEL);
	size_t nbz = ZSTD_compress(zb, cap, b, sizeof b, IX_BLOCK_LEVEL);
	assert_false(ZSTD_isError(na) || ZSTD_isError(nbz));
	ix_block_cache *c;
	assert_int_equal(ix_block_cache_new(&c), 0);
	ix_block out = {0};
	const char *want[] = {a, b, a, b, a};
	const char *z[] = {za, zb, za, zb, za};
	const size_t zn[] = {na, nbz, na, nbz, na};
	for (int i = 0; i < 5; i++) {
		assert_int_equal(ix_block_cache_unpack(c, &out, z[i], zn[i],
						       IX_BLOCK_SIZE), 0);
		assert_int_equal(out.len, IX_BLOCK_SIZE);
		assert_memory_equal(out.s, want[i], IX_BLOCK_SIZE);
	}
	assert_int_equal(ix_block_cache_unpacked(c), 2);
	/* a frame cut short is damage, cached or not */
	assert_int_equal(ix_block_cache_unpack(c, &out, za, na - 1,
					       IX_BLOCK_SIZE), -EIO);
	assert_int_equal(ix_block_cache_unpack(c, &out, za, na,
					       IX_BLOCK_SIZE + 1), -EIO);
	ix_block_free(&out);
	ix_block_cache_free(c);
	free(za);
	free(zb);
}

/* A rebuild switched to (as a live mount does, fs/snapshot.c) serves its
 * own blocks, while the index it replaced, still open, serves its old
 * ones: no block decompressed for one is served for the other. */
/* the file of _all holding the number write_report changes */
#define CHANGED "_all/第二十条第（一）项.csv"

static void test_block_cache_across_a_switch(void **state)
{
	fixture *fx = *state;
	build_reports(fx);
	nb_index *old;
	assert_int_equal(nb_index_open(fx->tmp.db, 0, &old), 0);
	size_t olen;
	char *before = slurp(old, CHANGED, &olen);

	write_report(fx, 40, 7);	/* changes bytes inside a block */
	build(fx->tmp.db, fx->tmp.raw);
	build(fx->scratch, fx->tmp.raw);
	nb_index *cur, *ref;
	assert_int_equal(nb_index_open(fx->tmp.db, 0, &cur), 0);
	assert_int_equal(nb_index_open(fx->scratch, 0, &ref), 0);
	size_t clen, rlen, again_len;
	char *now = slurp(cur, CHANGED, &clen);
	char *want = slurp(ref, CHANGED, &rlen);
	assert_int_equal(clen, rlen);
	assert_memory_equal(now, want, rlen);
	assert_true(clen != olen || memcmp(now, before, olen) != 0);
	char *again = slurp(old, CHANGED, &again_len);
	assert_int_equal(again_len, olen);
	assert_memory_equal(again, before, olen);
	free(before);
	free(now);
	free(want);
	free(again);
	nb_index_close(old);
	nb_index_close(cur);
	nb_index_close(ref);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reads_across_blocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rebuild_keeps_chunks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rebuild_keeps_the_end, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rebuild_keeps_the_start, setup,
						teardown),
		cmocka_unit_test(test_block_cache),
		cmocka_unit_test_setup_teardown(test_block_cache_across_a_switch,
						setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
