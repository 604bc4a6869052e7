/*
 * test_refresh.c — refreshing an index built from tests/data/index (run
 * from tests/): files changed, added, removed, renamed and unreadable,
 * what is kept and what is parsed again, and _all's blocks after a change
 * laid out as a build from scratch lays them.
 */
#include <errno.h>
#include <fcntl.h>
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
#include <cjson/cJSON.h>
#include <zstd.h>

#include "index.h"
#include "ix.h"
#include "dataset.h"
#include "ixfile.h"
#include "indexfx.h"

#define BOM "\xEF\xBB\xBF"

static void test_incremental(void **state)
{
	fixture *fx = *state;
	add_undecodable(fx);
	build(fx, 0);
	struct stat before, after;
	assert_int_equal(stat(fx->tmp.db, &before), 0);

	/* nothing changed: nothing parsed, the index left as it was, the
	 * unreadable file still reported */
	nb_build_stats s = build(fx, 0);
	assert_true(s.unchanged);
	assert_int_equal(s.parsed, 0);
	assert_int_equal(s.reused, 5);
	assert_int_equal(s.reports, 5);
	assert_int_equal(s.unreadable, 1);
	assert_int_equal(stat(fx->tmp.db, &after), 0);
	assert_int_equal(before.st_ino, after.st_ino);
	assert_int_equal(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
	assert_int_equal(before.st_mtim.tv_sec, after.st_mtim.tv_sec);

	/* one file changed: only it is parsed */
	char path[256];
	snprintf(path, sizeof path, "%s/青山县人民政府/2021.txt", fx->tmp.raw);
	FILE *f = fopen(path, "a");
	assert_non_null(f);
	fputs("附：本报告电子版可在县政府网站下载。\n", f);
	fclose(f);
	struct timespec later[2] = {{.tv_sec = 1700000000}, {.tv_sec = 1700000000}};
	assert_int_equal(utimensat(AT_FDCWD, path, later, 0), 0);
	s = build(fx, 0);
	assert_false(s.unchanged);
	assert_int_equal(s.parsed, 1);
	assert_int_equal(s.reused, 4);
	assert_int_equal(s.reports, 5);
	scratch_assert_no_tmp(&fx->tmp);

	/* the reused reports are whole: their tables and checks came along */
	nb_index *ix;
	assert_int_equal(nb_index_open(fx->tmp.db, 0, &ix), 0);
	size_t len;
	char *csv = slurp(ix, "青山县人民政府/2020/3-收到和处理政府信息公开申请情况/"
			  "申请情况.csv", &len);
	assert_non_null(strstr(csv, "一、本年新收政府信息公开申请数量,5,1,0,0,0,0,6\r\n"));
	free(csv);
	nb_node year = walk(ix, "青山县人民政府/2021");
	assert_int_equal(year.mtime_ns, 1700000000LL * 1000000000);
	char *meta = slurp(ix, "青山县人民政府/2022/meta.json", &len);
	/* cross-year checks are made again, not copied twice */
	const char *first = strstr(meta, "cross_year.t2_current");
	assert_non_null(first);
	cJSON *m = cJSON_Parse(meta);
	int n = 0;
	const cJSON *c;
	cJSON_ArrayForEach(c, cJSON_GetObjectItem(m, "checks"))
		n += !strcmp(cJSON_GetObjectItem(c, "rule")->valuestring,
			     "cross_year.t2_current");
	assert_int_equal(n, 2);
	cJSON_Delete(m);
	free(meta);
	nb_index_close(ix);

	/* a file removed: rebuilt without parsing */
	snprintf(path, sizeof path, "%s/白水镇人民政府/2016年报.txt", fx->tmp.raw);
	assert_int_equal(unlink(path), 0);
	s = build(fx, 0);
	assert_false(s.unchanged);
	assert_int_equal(s.parsed, 0);
	assert_int_equal(s.reused, 4);
	assert_int_equal(s.reports, 4);
	assert_int_equal(nb_index_open(fx->tmp.db, 0, &ix), 0);
	nb_node node;
	nb_node agency = walk(ix, "白水镇人民政府");
	assert_int_equal(nb_index_lookup(ix, agency.ino, "2016~2", &node), -ENOENT);
	assert_int_equal(nb_index_lookup(ix, agency.ino, "2016", &node), 0);
	nb_index_close(ix);

	/* the unreadable file fixed: parsed, counted as a report */
	snprintf(path, sizeof path, "%s/坏文件.txt", fx->tmp.raw);
	const char *fixed = "白水镇人民政府2017年政府信息公开工作年度报告\n"
			    "一、概述\n全年主动公开信息90条。\n";
	write_file(path, fixed, strlen(fixed));
	s = build(fx, 0);
	assert_int_equal(s.parsed, 1);
	assert_int_equal(s.unreadable, 0);
	assert_int_equal(s.reports, 5);

	/* text that is no report: reported, not indexed, and not parsed again
	 * while it stays as it is */
	snprintf(path, sizeof path, "%s/说明.txt", fx->tmp.raw);
	write_file(path, "这里放的是年报。\n", strlen("这里放的是年报。\n"));
	s = build(fx, 0);
	assert_int_equal(s.parsed, 0);
	assert_int_equal(s.unreadable, 0);
	assert_int_equal(s.not_reports, 1);
	assert_int_equal(s.reports, 5);
	s = build(fx, 0);
	assert_true(s.unchanged);
	assert_int_equal(s.unreadable, 0);
	assert_int_equal(s.not_reports, 1);
	fflush(fx->err);
	assert_non_null(strstr(fx->errtext, "说明.txt: not an annual report"));
}


/* Replaces from by to (as long) in the blocks of _all's file name, as if
 * the index had stored them so; returns how many were replaced. */
static int mark_blocks(const char *dbpath, const char *name, const char *from,
		       const char *to)
{
	sqlite3 *db;
	sqlite3_stmt *q, *u;
	assert_int_equal(strlen(from), strlen(to));
	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT b.id, b.size, b.data"
		" FROM all_block b JOIN all_file f ON f.id = b.file"
		" WHERE f.name = ?", -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "UPDATE all_block SET data = ?"
		" WHERE id = ?", -1, &u, NULL), SQLITE_OK);
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	ix_block b = {0};
	int n = 0;
	while (sqlite3_step(q) == SQLITE_ROW) {
		assert_int_equal(ix_block_unpack(&b, sqlite3_column_blob(q, 2),
			(size_t)sqlite3_column_bytes(q, 2),
			sqlite3_column_int64(q, 1)), 0);
		for (char *at = b.s; (at = memmem(at, b.len - (size_t)(at - b.s),
						  from, strlen(from))); n++)
			memcpy(at, to, strlen(to));
		size_t bound = ZSTD_compressBound(b.len);
		char *z = malloc(bound);
		assert_non_null(z);
		size_t zn = ZSTD_compress(z, bound, b.s, b.len, 1);
		assert_false(ZSTD_isError(zn));
		sqlite3_bind_blob(u, 1, z, (int)zn, free);
		sqlite3_bind_int64(u, 2, sqlite3_column_int64(q, 0));
		assert_int_equal(sqlite3_step(u), SQLITE_DONE);
		sqlite3_reset(u);
	}
	ix_block_free(&b);
	sqlite3_finalize(q);
	sqlite3_finalize(u);
	sqlite3_close(db);
	return n;
}

/*
 * _all is rebuilt incrementally: an unchanged report's chunks are taken
 * from the old index's blocks, not rendered again (a mark put into them
 * survives), a changed report's are rendered again, and so are those of a
 * report whose cross-year checks changed with it; every file then equals
 * a build from scratch.
 */
static void test_dataset_incremental(void **state)
{
	fixture *fx = *state;
	build(fx, 0);

	assert_true(mark_blocks(fx->tmp.db, "reports.csv", ",UTF-8,", ",UTF-X,") >= 4);

	/* 2021's 现行有效件数 10 -> 11: 2022's cross-year check now holds */
	char path[256];
	snprintf(path, sizeof path, "%s/青山县人民政府/2021.txt", fx->tmp.raw);
	size_t len;
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char text[16384];
	len = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[len] = 0;
	char *at = strstr(text, "行政规范性文件 | 3 | 1 | 10");
	assert_non_null(at);
	at[strlen("行政规范性文件 | 3 | 1 | 1")] = '1';
	write_file(path, text, len);
	nb_build_stats s = build(fx, 0);
	assert_int_equal(s.parsed, 1);

	nb_index *ix;
	assert_int_equal(nb_index_open(fx->tmp.db, 0, &ix), 0);
	char *csv = slurp(ix, "_all/reports.csv", &len);
	/* copied: the mark is still there; rendered: 2021, and 2022 whose
	 * cross-year checks changed */
	assert_non_null(strstr(csv, "青山县人民政府/2020,"));
	assert_non_null(strstr(strstr(csv, "青山县人民政府/2020,"), ",UTF-X,"));
	char *y21 = strstr(csv, "青山县人民政府/2021,");
	char *y22 = strstr(csv, "青山县人民政府/2022,");
	assert_non_null(y21);
	assert_non_null(y22);
	*strchr(y21, '\r') = 0;
	*strchr(y22, '\r') = 0;
	assert_non_null(strstr(y21, ",UTF-8,"));
	assert_non_null(strstr(y22, ",UTF-8,"));
	free(csv);
	csv = slurp(ix, "_all/checks.csv", &len);
	assert_null(strstr(csv, "cross_year.t2_current"));
	free(csv);
	nb_index_close(ix);

	/* every other file as a build from scratch makes it */
	char scratch[128];
	snprintf(scratch, sizeof scratch, "%s/scratch.sqlite", fx->tmp.dir);
	assert_int_equal(nb_index_build(scratch, fx->tmp.raw, fx->err, &s), 0);
	const char *paths[] = {
		"_all/checks.csv", "_all/warnings.csv", "_all/申请情况.csv",
		"_all/复议诉讼情况.csv", "_all/第二十条第（一）项.csv",
		"_all/2021/申请情况.csv", "_all/2022/第二十条第（一）项.csv",
		"青山县人民政府/趋势.csv",
	};
	for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
		assert_same_file(fx->tmp.db, scratch, paths[i], 0);
		assert_same_file(fx->tmp.db, scratch, paths[i], NB_OPEN_CSV_UNIX);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_incremental, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dataset_incremental, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
