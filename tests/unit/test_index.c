/*
 * test_index.c — the index built from a RAWDIR made of tests/data/index
 * (run from tests/): every serving call, the pieces of _all, reads from
 * many threads, the walk, unreadable and missing files, and where the
 * index goes.  Refreshes are test_refresh.c's; names and CSV rendering
 * on their own test_render.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
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

#include "index.h"
#include "ix.h"
#include "dataset.h"
#include "ixfile.h"
#include "indexfx.h"

#define BOM "\xEF\xBB\xBF"

/* ---- helpers ---------------------------------------------------------------- */

typedef struct {
	char names[64][256];
	uint64_t inos[64];
	uint64_t next[64];
	size_t n;
	size_t stop_after;	/* 0: take everything */
} listing;

static int collect(void *ctx, const char *name, const nb_node *node,
		   uint64_t next_off)
{
	listing *l = ctx;
	assert_true(l->n < 64);
	snprintf(l->names[l->n], sizeof l->names[l->n], "%s", name);
	l->inos[l->n] = node->ino;
	l->next[l->n] = next_off;
	l->n++;
	return l->stop_after && l->n == l->stop_after;
}

static const cJSON *find_check(const cJSON *meta, const char *rule,
			       const char *subject)
{
	const cJSON *c;
	cJSON_ArrayForEach(c, cJSON_GetObjectItem(meta, "checks")) {
		const cJSON *r = cJSON_GetObjectItem(c, "rule");
		const cJSON *s = cJSON_GetObjectItem(c, "subject");
		if (cJSON_IsString(r) && !strcmp(r->valuestring, rule) &&
		    cJSON_IsString(s) && !strcmp(s->valuestring, subject))
			return c;
	}
	return NULL;
}


/* ---- building and serving ---------------------------------------------------- */

/* The pieces of _all: the union of label sequences, the excel dialect of
 * LF records, and agency names that cannot clash with _all. */
static void test_dataset_parts(void **state)
{
	(void)state;
	ix_strv u = {0};
	const char *f19[] = {"一", "二", "（六）其他处理", "（七）总计", "四"};
	const char *f21[] = {"一", "二", "（六）/1", "（六）/2", "（七）总计", "四"};
	const char *other[] = {"x", "一"};
	assert_int_equal(ix_union_merge(&u, f19, 5), 0);
	assert_int_equal(ix_union_merge(&u, f21, 6), 0);
	assert_int_equal(ix_union_merge(&u, other, 2), 0);
	const char *want[] = {"x", "一", "二", "（六）其他处理", "（六）/1",
			      "（六）/2", "（七）总计", "四"};
	assert_int_equal(u.n, 8);
	for (size_t i = 0; i < u.n; i++)
		assert_string_equal(u.v[i], want[i]);
	assert_int_equal(ix_strv_find(&u, "四"), 7);
	assert_int_equal(ix_strv_find(&u, "五"), -1);
	ix_strv_free(&u);

	/* a quoted field's own line break keeps its LF */
	const char lf[] = "a,\"x\ny\"\nb,\"q\"\"\"\n";
	const char crlf[] = "a,\"x\ny\"\r\nb,\"q\"\"\"\r\n";
	size_t n = strlen(lf);
	assert_int_equal(ix_csv_excel(lf, n, 0, NULL, 0), strlen(crlf));
	char out[64];
	for (size_t skip = 0; skip <= strlen(crlf); skip++) {
		for (size_t want_n = 0; want_n < 8; want_n++) {
			size_t got = ix_csv_excel(lf, n, skip, out, want_n);
			size_t left = strlen(crlf) - skip;
			assert_int_equal(got, want_n < left ? want_n : left);
			assert_memory_equal(out, crlf + skip, got);
		}
	}
	/* ix_csv_crlf makes the same, with a quote or without */
	nb_buf xb = {0};
	assert_int_equal(ix_csv_crlf(&xb, lf, n), 0);
	assert_int_equal(xb.len, strlen(crlf));
	assert_memory_equal(xb.s, crlf, xb.len);
	nb_buf_reset(&xb);
	const char plain[] = "a,b\n1,\n,2\n";
	assert_int_equal(ix_csv_crlf(&xb, plain, strlen(plain)), 0);
	assert_string_equal(xb.s, "a,b\r\n1,\r\n,2\r\n");
	assert_int_equal(ix_csv_excel(plain, strlen(plain), 0, NULL, 0),
			 xb.len);
	nb_buf_free(&xb);

	char *name = ix_all_agency_dir(strdup("_all"));
	assert_string_equal(name, "＿all");
	free(name);
	name = ix_all_agency_dir(strdup("青山县人民政府"));
	assert_string_equal(name, "青山县人民政府");
	free(name);
}

static void test_build_and_serve(void **state)
{
	fixture *fx = *state;
	add_undecodable(fx);
	nb_build_stats s = build(fx, 0);
	assert_int_equal(s.files, 6);
	assert_int_equal(s.parsed, 5);
	assert_int_equal(s.reused, 0);
	assert_int_equal(s.reports, 5);
	assert_int_equal(s.unreadable, 1);
	assert_false(s.unchanged);
	/* 2022's 行政规范性文件: 10 + 2 - 0 is not 13 */
	assert_true(s.failed_checks >= 1);
	assert_non_null(strstr(fx->errtext, "坏文件.txt"));
	scratch_assert_no_tmp(&fx->tmp);

	nb_index *ix;
	assert_int_equal(nb_index_open(fx->tmp.db, 0, &ix), 0);
	nb_node root;
	assert_int_equal(nb_index_getattr(ix, NB_ROOT_INO, &root), 0);
	assert_true(root.is_dir);
	assert_int_equal(root.parent, NB_ROOT_INO);
	assert_int_equal(root.nlink, 2 + 1 + 2);	/* _all, two agencies */

	/* the root lists _all, then the agencies in name order, inodes
	 * increasing */
	listing l = {0};
	assert_int_equal(nb_index_readdir(ix, NB_ROOT_INO, 0, collect, &l), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.names[0], "_all");
	assert_string_equal(l.names[1], "白水镇人民政府");
	assert_string_equal(l.names[2], "青山县人民政府");
	assert_true(l.inos[0] < l.inos[1] && l.inos[1] < l.inos[2]);

	/* two reports of one agency and year: in source path order */
	nb_node agency = walk(ix, "白水镇人民政府");
	assert_int_equal(agency.nlink, 2 + 2);
	size_t len;
	char *meta = slurp(ix, "白水镇人民政府/2016/meta.json", &len);
	cJSON *m = cJSON_Parse(meta);
	assert_non_null(m);
	assert_string_equal(cJSON_GetObjectItem(m, "source")->valuestring,
			    "其他/白水镇2016年报（转载）.txt");
	assert_string_equal(cJSON_GetObjectItem(m, "agency")->valuestring,
			    "白水镇人民政府");
	assert_int_equal(cJSON_GetObjectItem(m, "year")->valueint, 2016);
	const cJSON *sha = cJSON_GetObjectItem(m, "sha256");
	assert_true(cJSON_IsString(sha) && strlen(sha->valuestring) == 64);
	cJSON_Delete(m);
	free(meta);
	meta = slurp(ix, "白水镇人民政府/2016~2/meta.json", &len);
	m = cJSON_Parse(meta);
	assert_string_equal(cJSON_GetObjectItem(m, "source")->valuestring,
			    "白水镇人民政府/2016年报.txt");
	cJSON_Delete(m);
	free(meta);

	/* a year directory: sections, meta.json, report.txt, in name order,
	 * read again from the middle after an offset */
	nb_node year = walk(ix, "青山县人民政府/2020");
	assert_true(year.is_dir);
	memset(&l, 0, sizeof l);
	assert_int_equal(nb_index_readdir(ix, year.ino, 0, collect, &l), 0);
	assert_true(l.n >= 6);
	assert_string_equal(l.names[l.n - 2], "meta.json");
	assert_string_equal(l.names[l.n - 1], "report.txt");
	for (size_t i = 1; i < l.n; i++) {
		assert_true(strcmp(l.names[i - 1], l.names[i]) < 0);
		assert_true(l.inos[i - 1] < l.inos[i]);
		assert_int_equal(l.next[i - 1], l.inos[i - 1]);
	}
	assert_int_equal(year.nlink, 2 + (l.n - 2));
	listing rest = {0};
	assert_int_equal(nb_index_readdir(ix, year.ino, l.next[1], collect,
					  &rest), 0);
	assert_int_equal(rest.n, l.n - 2);
	assert_string_equal(rest.names[0], l.names[2]);
	listing part = {.stop_after = 1};
	assert_int_equal(nb_index_readdir(ix, year.ino, 0, collect, &part), 0);
	assert_int_equal(part.n, 1);

	/* CSV bytes exactly: BOM, CRLF; size as served */
	const char *t4 = "青山县人民政府/2020/4-政府信息公开行政复议、行政诉讼情况/"
			 "复议诉讼情况.csv";
	const char *t4_rows =
		"类别,结果维持,结果纠正,其他结果,尚未审结,总计\r\n"
		"行政复议,1,0,0,0,1\r\n"
		"行政诉讼/未经复议直接起诉,0,0,0,0,0\r\n"
		"行政诉讼/复议后起诉,0,0,0,0,0\r\n";
	char *csv = slurp(ix, t4, &len);
	assert_string_equal(csv, BOM "类别,结果维持,结果纠正,其他结果,尚未审结,总计\r\n"
			    "行政复议,1,0,0,0,1\r\n"
			    "行政诉讼/未经复议直接起诉,0,0,0,0,0\r\n"
			    "行政诉讼/复议后起诉,0,0,0,0,0\r\n");
	assert_int_equal(len, 3 + strlen(t4_rows));
	nb_node f = walk(ix, t4);
	assert_int_equal(f.size, len);
	assert_int_equal(f.nlink, 1);
	/* a read inside the file, and one past its end */
	char small[8];
	assert_int_equal(nb_index_read(ix, f.ino, small, 6, 3), 6);
	assert_memory_equal(small, "类别", 6);
	assert_int_equal(nb_index_read(ix, f.ino, small, 8, len), 0);
	free(csv);

	csv = slurp(ix, "青山县人民政府/2020/3-收到和处理政府信息公开申请情况/申请情况.csv",
		    &len);
	const char *head = BOM "项目,自然人,商业企业,科研机构,社会公益组织,"
		"法律服务机构,其他,总计\r\n一、本年新收政府信息公开申请数量,5,1,0,0,0,0,6\r\n";
	assert_memory_equal(csv, head, strlen(head));
	free(csv);

	/* text files end in exactly one newline */
	char *txt = slurp(ix, "青山县人民政府/2020/report.txt", &len);
	assert_true(len > 1 && txt[len - 1] == '\n' && txt[len - 2] != '\n');
	assert_null(strchr(txt, '\r'));
	free(txt);
	txt = slurp(ix, "青山县人民政府/2020/1-总体情况/text.txt", &len);
	assert_non_null(strstr(txt, "认真贯彻落实"));
	assert_true(txt[len - 1] == '\n' && txt[len - 2] != '\n');
	free(txt);

	/* mtimes: a report's nodes take the raw file's */
	struct stat st;
	char raw[256];
	snprintf(raw, sizeof raw, "%s/青山县人民政府/2020.txt", fx->tmp.raw);
	assert_int_equal(stat(raw, &st), 0);
	assert_int_equal(f.mtime_ns, (int64_t)st.st_mtim.tv_sec * 1000000000 +
			 st.st_mtim.tv_nsec);
	assert_int_equal(year.mtime_ns, f.mtime_ns);
	assert_true(root.mtime_ns >= year.mtime_ns);

	/* the cross-year checks land in the later year */
	meta = slurp(ix, "青山县人民政府/2022/meta.json", &len);
	m = cJSON_Parse(meta);
	assert_non_null(m);
	const cJSON *c = find_check(m, "cross_year.t2_current", "行政规范性文件");
	assert_non_null(c);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(c, "ok")));
	c = find_check(m, "cross_year.t2_current", "规章");
	assert_non_null(c);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(c, "ok")));
	cJSON_Delete(m);
	free(meta);
	meta = slurp(ix, "青山县人民政府/2021/meta.json", &len);
	m = cJSON_Parse(meta);
	c = find_check(m, "cross_year.carry_over", "总计");
	assert_non_null(c);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(c, "ok")));
	assert_non_null(strstr(cJSON_GetObjectItem(c, "detail")->valuestring,
			       "四、结转下年度继续办理 1"));
	/* no year before 2020 in the index: no cross-year check there */
	cJSON_Delete(m);
	free(meta);
	meta = slurp(ix, "青山县人民政府/2020/meta.json", &len);
	assert_null(strstr(meta, "cross_year"));
	free(meta);

	/* errors */
	nb_node n;
	assert_int_equal(nb_index_lookup(ix, NB_ROOT_INO, "nope", &n), -ENOENT);
	assert_int_equal(nb_index_getattr(ix, 1u << 30, &n), -ENOENT);
	assert_int_equal(nb_index_read(ix, year.ino, small, 8, 0), -EISDIR);
	assert_int_equal(nb_index_readdir(ix, f.ino, 0, collect, &l), -ENOTDIR);
	uint64_t nodes, bytes;
	assert_int_equal(nb_index_totals(ix, &nodes, &bytes), 0);
	assert_true(nodes > 40 && bytes > 1000);
	nb_index_close(ix);

	/* the same CSV for unix tools: no BOM, LF */
	assert_int_equal(nb_index_open(fx->tmp.db, NB_OPEN_CSV_UNIX, &ix), 0);
	csv = slurp(ix, t4, &len);
	assert_string_equal(csv, "类别,结果维持,结果纠正,其他结果,尚未审结,总计\n"
			    "行政复议,1,0,0,0,1\n"
			    "行政诉讼/未经复议直接起诉,0,0,0,0,0\n"
			    "行政诉讼/复议后起诉,0,0,0,0,0\n");
	assert_int_equal(walk(ix, t4).size, len);
	free(csv);
	/* other files are the same in both */
	txt = slurp(ix, "青山县人民政府/2020/report.txt", &len);
	assert_true(len > 0);
	free(txt);
	nb_index_close(ix);

	/* the schema can be queried: blank stays apart from 0 */
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(fx->tmp.db, &db, SQLITE_OPEN_READONLY, NULL),
			 SQLITE_OK);
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(db,
		"SELECT num, state FROM cell_view WHERE agency = '青山县人民政府'"
		" AND year = 2020 AND table_name = '申请情况'"
		" AND row_label = '一、本年新收政府信息公开申请数量'"
		" AND col_label = '总计'", -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_true(sqlite3_column_double(q, 0) == 6.0);
	assert_string_equal((const char *)sqlite3_column_text(q, 1), "number");
	sqlite3_finalize(q);
	sqlite3_close(db);
}

typedef struct {
	nb_index *ix;
	uint64_t ino;
	const char *expect;
	size_t len;
	int failures;
} reader;

static void *read_many(void *arg)
{
	reader *r = arg;
	char buf[512];
	for (int i = 0; i < 300; i++) {
		nb_node n;
		size_t off = (size_t)i % r->len;
		ssize_t got = nb_index_read(r->ix, r->ino, buf, sizeof buf, off);
		if (got != (ssize_t)(r->len - off) ||
		    memcmp(buf, r->expect + off, (size_t)got) ||
		    nb_index_getattr(r->ix, r->ino, &n) || n.size != r->len)
			r->failures++;
	}
	return NULL;
}

/* The filesystem calls from several threads at once. */
static void test_threads(void **state)
{
	fixture *fx = *state;
	build(fx, 0);
	nb_index *ix;
	assert_int_equal(nb_index_open(fx->tmp.db, 0, &ix), 0);
	size_t len;
	const char *path = "青山县人民政府/2020/4-政府信息公开行政复议、行政诉讼情况/"
			   "复议诉讼情况.csv";
	char *expect = slurp(ix, path, &len);
	assert_true(len < 512);
	reader r[4];
	pthread_t th[4];
	for (int i = 0; i < 4; i++) {
		r[i] = (reader){ix, walk(ix, path).ino, expect, len, 0};
		assert_int_equal(pthread_create(&th[i], NULL, read_many, &r[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(r[i].failures, 0);
	}
	free(expect);
	nb_index_close(ix);
}

static void test_walk(void **state)
{
	fixture *fx = *state;
	char path[256];
	/* a loop, a directory named like a report, files that are not reports */
	snprintf(path, sizeof path, "%s/青山县人民政府/loop", fx->tmp.raw);
	assert_int_equal(symlink("..", path), 0);
	snprintf(path, sizeof path, "%s/x.txt", fx->tmp.raw);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof path, "%s/notes.pdf", fx->tmp.raw);
	write_file(path, "%PDF", 4);
	snprintf(path, sizeof path, "%s/x.txt/深层.MD", fx->tmp.raw);
	write_file(path, "# 标题\n", strlen("# 标题\n"));

	ix_files files;
	assert_int_equal(ix_walk(fx->tmp.raw, fx->err, &files, NULL), 0);
	assert_int_equal(files.n, 6);
	for (size_t i = 1; i < files.n; i++)
		assert_true(strcmp(files.v[i - 1].rel, files.v[i].rel) < 0);
	assert_string_equal(files.v[0].rel, "x.txt/深层.MD");
	ix_files_free(&files);
	fflush(fx->err);
	assert_non_null(strstr(fx->errtext, "loop"));
}

static void test_empty_and_missing(void **state)
{
	fixture *fx = *state;
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'/*", fx->tmp.raw);
	assert_int_equal(system(cmd), 0);
	nb_build_stats s = build(fx, 0);
	assert_int_equal(s.files, 0);
	assert_int_equal(s.reports, 0);
	nb_index *ix;
	assert_int_equal(nb_index_open(fx->tmp.db, 0, &ix), 0);
	listing l = {0};
	assert_int_equal(nb_index_readdir(ix, NB_ROOT_INO, 0, collect, &l), 0);
	assert_int_equal(l.n, 1);	/* _all, its lists holding only headers */
	assert_string_equal(l.names[0], "_all");
	size_t len;
	char *csv = slurp(ix, "_all/checks.csv", &len);
	assert_string_equal(csv, "\xEF\xBB\xBF机关,年度,目录,规则,对象,说明\r\n");
	free(csv);
	nb_index_close(ix);

	/* no RAWDIR: an error, and the index stays as it was */
	struct stat before, after;
	assert_int_equal(stat(fx->tmp.db, &before), 0);
	snprintf(fx->tmp.raw, sizeof fx->tmp.raw, "%s/absent", fx->tmp.dir);
	build(fx, -ENOENT);
	assert_int_equal(stat(fx->tmp.db, &after), 0);
	assert_int_equal(before.st_ino, after.st_ino);
}

static void test_refuses_foreign_file(void **state)
{
	fixture *fx = *state;
	write_file(fx->tmp.db, "my notes\n", 9);
	build(fx, -EEXIST);
	char buf[16] = "";
	FILE *f = fopen(fx->tmp.db, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof buf, f));
	fclose(f);
	assert_string_equal(buf, "my notes\n");
	scratch_assert_no_tmp(&fx->tmp);
	nb_index *ix;
	assert_int_not_equal(nb_index_open(fx->tmp.db, 0, &ix), 0);
}

static void test_default_path(void **state)
{
	fixture *fx = *state;
	char cache[160], a[PATH_MAX], b[PATH_MAX], other[PATH_MAX];
	snprintf(cache, sizeof cache, "%s/cache", fx->tmp.dir);
	setenv("XDG_CACHE_HOME", cache, 1);
	assert_int_equal(nb_index_default_path(fx->tmp.raw, a, sizeof a), 0);
	char spelled[200];
	snprintf(spelled, sizeof spelled, "%s/./青山县人民政府/..", fx->tmp.raw);
	assert_int_equal(nb_index_default_path(spelled, b, sizeof b), 0);
	assert_string_equal(a, b);
	assert_int_equal(nb_index_default_path(fx->tmp.dir, other, sizeof other), 0);
	assert_string_not_equal(a, other);

	size_t n = strlen(cache);
	assert_memory_equal(a, cache, n);
	assert_memory_equal(a + n, "/nianbaofs/", 11);
	const char *key = a + n + 11;
	assert_int_equal(strlen(key), 16 + strlen(".sqlite"));
	assert_int_equal(strspn(key, "0123456789abcdef"), 16);
	assert_string_equal(key + 16, ".sqlite");
	struct stat st;
	char dir[200];
	snprintf(dir, sizeof dir, "%s/nianbaofs", cache);
	assert_int_equal(stat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));

	char tiny[8];
	assert_int_equal(nb_index_default_path(fx->tmp.raw, tiny, sizeof tiny),
			 -ENAMETOOLONG);
	unsetenv("XDG_CACHE_HOME");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dataset_parts),
		cmocka_unit_test_setup_teardown(test_build_and_serve, setup, teardown),
		cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_and_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses_foreign_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_path, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
