/*
 * test_checkpack.c — a report's checks packed into its check_list row
 * (index/checkpack.c) and read back as rows by the view check_result
 * (index/schema.c): its own checks (held and failed, with and without a
 * subject or detail), the checks across years appended through the view's
 * trigger as crossyear.c does, for a report with own checks and for one
 * without, and an own check appended through the view, whose list of
 * kinds is then the one the packing makes; the checks read back in C
 * (rows.c) as the view shows them, and packed across years as its trigger
 * packs them.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ix.h"
#include "store.h"
#include "rows.h"

static nb_check own[] = {
	{"t3.row_total", "一、本年新收", true, "总计 19; 19 = 19"},
	{"t3.balance", "总计", false, "1 + 2 ≠ 4"},
	{"t3.balance", NULL, true, NULL},
	{NULL, "自然人", false, NULL},
};
#define NOWN (sizeof own / sizeof *own)

static sqlite3 *new_index(void)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(ix_schema_create(db, "/raw", stderr), 0);
	return db;
}

/* Report id's checks (n of v) packed into check_list with strs, as
 * store.c does; the id of their list of kinds. */
static int64_t pack_checks(sqlite3 *db, ix_strtab *strs, int64_t id,
			   nb_check *v, size_t n)
{
	nb_report r = {.nchecks = n, .checks = v};
	nb_buf results = {0};
	int64_t kinds;
	nb_buf key = {0};
	assert_int_equal(ix_checks_key(&r, &key), 0);
	assert_int_equal(ix_checks_pack(strs, &r, &key, &kinds, &results), 0);
	nb_buf_free(&key);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO check_list(report,"
		" kinds, results) VALUES(?, ?, ?)", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, kinds);
	sqlite3_bind_text(st, 3, results.s, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	nb_buf_free(&results);
	return kinds;
}

/* Report id's own checks, with a str table of its own. */
static void store_checks(sqlite3 *db, int64_t id)
{
	ix_strtab *strs;
	assert_int_equal(ix_strtab_new(db, &strs), 0);
	pack_checks(db, strs, id, own, NOWN);
	ix_strtab_free(strs);
}

/* A check through the view, as crossyear.c inserts one. */
static void insert_check(sqlite3 *db, int64_t report, const char *scope,
			 const char *rule, const char *subject, int ok,
			 const char *detail)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO check_result(report,"
		" seq, scope, rule, subject, ok, detail)"
		" VALUES(?1, (SELECT coalesce(max(seq) + 1, 0) FROM check_result"
		"  WHERE report = ?1), ?2, ?3, ?4, ?5, ?6)", -1, &st, NULL),
		SQLITE_OK);
	sqlite3_bind_int64(st, 1, report);
	sqlite3_bind_text(st, 2, scope, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, rule, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, subject, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, ok);
	sqlite3_bind_text(st, 6, detail, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

/* The lines sql (one text column) gives for report. */
static char *lines(sqlite3 *db, const char *sql, int64_t report)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, report);
	nb_buf b = {0};
	nb_buf_adds(&b, "");
	while (sqlite3_step(st) == SQLITE_ROW) {
		nb_buf_adds(&b, (const char *)sqlite3_column_text(st, 0));
		nb_buf_addc(&b, '\n');
	}
	sqlite3_finalize(st);
	return nb_buf_take(&b);
}

/* Report's checks, one line each: seq|scope|rule|subject|ok|detail, NULL
 * as "-", with the types of seq and ok. */
static char *rows(sqlite3 *db, int64_t report)
{
	return lines(db, "SELECT seq || '|' || scope || '|' || quote(rule)"
		     " || '|' || quote(subject) || '|' || ok || '|' ||"
		     " quote(detail) || '|' || typeof(seq) || typeof(ok)"
		     " FROM check_result WHERE report = ? ORDER BY seq", report);
}

/* Report 1 with its own checks and two across years, report 2 with one
 * across years alone. */
static sqlite3 *checked_index(void)
{
	sqlite3 *db = new_index();
	store_checks(db, 1);
	insert_check(db, 1, "cross_year", "cross_year.carry_over", "总计", 0,
		     "去年 3 ≠ 今年 4");
	insert_check(db, 1, "cross_year", "cross_year.t2_current", NULL, 1, NULL);
	/* a report without own checks */
	insert_check(db, 2, "cross_year", "cross_year.carry_over", "总计", 1,
		     "去年 3 = 今年 3");
	return db;
}

static void test_own_and_across_years(void **state)
{
	(void)state;
	sqlite3 *db = checked_index();
	char *got = rows(db, 1);
	assert_string_equal(got,
		"0|report|'t3.row_total'|'一、本年新收'|1|'总计 19; 19 = 19'|integerinteger\n"
		"1|report|'t3.balance'|'总计'|0|'1 + 2 ≠ 4'|integerinteger\n"
		"2|report|'t3.balance'|NULL|1|NULL|integerinteger\n"
		"3|report|''|'自然人'|0|NULL|integerinteger\n"
		"4|cross_year|'cross_year.carry_over'|'总计'|0|'去年 3 ≠ 今年 4'|integerinteger\n"
		"5|cross_year|'cross_year.t2_current'|NULL|1|NULL|integerinteger\n");
	free(got);
	got = rows(db, 2);
	assert_string_equal(got,
		"0|cross_year|'cross_year.carry_over'|'总计'|1|'去年 3 = 今年 3'|integerinteger\n");
	free(got);
	/* the failed ones, as the summary counts them */
	bool ok;
	assert_int_equal(ix_query_int(db, "SELECT count(*) FROM check_result"
				      " WHERE ok = 0", &ok), 3);
	assert_true(ok);
	sqlite3_close(db);
}

static void test_own_checks_through_the_view(void **state)
{
	(void)state;
	sqlite3 *db = new_index();
	store_checks(db, 1);
	for (size_t i = 0; i < NOWN; i++)
		insert_check(db, 3, "report", own[i].rule ? own[i].rule : "",
			     own[i].subject, own[i].ok, own[i].detail);
	char *a = rows(db, 1), *b = rows(db, 3);
	assert_string_equal(a, b);
	free(a);
	free(b);
	/* the same list of kinds: stored once */
	bool ok;
	assert_int_equal(ix_query_int(db, "SELECT count(DISTINCT kinds)"
				      " FROM check_list", &ok), 1);
	assert_true(ok);
	sqlite3_close(db);
}

/* A list of kinds met again is found by its key: the same id, and only
 * the details looked up, new ones in order; a list differing only in a
 * NULL subject, or a subject moved to the rule, is another list. */
static void test_list_met_again(void **state)
{
	(void)state;
	sqlite3 *db = new_index();
	ix_strtab *strs;
	assert_int_equal(ix_strtab_new(db, &strs), 0);
	int64_t k1 = pack_checks(db, strs, 1, own, NOWN);
	nb_check again[NOWN];
	memcpy(again, own, sizeof own);
	again[0].ok = false;
	again[0].detail = "新的 1";
	again[2].detail = "新的 2";
	int64_t k2 = pack_checks(db, strs, 2, again, NOWN);
	assert_int_equal(k1, k2);
	char *got = rows(db, 2);
	assert_string_equal(got,
		"0|report|'t3.row_total'|'一、本年新收'|0|'新的 1'|integerinteger\n"
		"1|report|'t3.balance'|'总计'|0|'1 + 2 ≠ 4'|integerinteger\n"
		"2|report|'t3.balance'|NULL|1|'新的 2'|integerinteger\n"
		"3|report|''|'自然人'|0|NULL|integerinteger\n");
	free(got);
	bool ok;
	assert_true(ix_query_int(db, "SELECT id FROM str WHERE text = '新的 1'",
				 &ok) + 1 == ix_query_int(db, "SELECT id FROM str"
				 " WHERE text = '新的 2'", &ok));
	nb_check other[NOWN];
	memcpy(other, own, sizeof own);
	other[1].subject = NULL;
	int64_t k3 = pack_checks(db, strs, 3, other, NOWN);
	nb_check moved[] = {{"t3.balance总计", "", true, NULL}};
	nb_check split[] = {{"t3.balance", "总计", true, NULL}};
	int64_t k4 = pack_checks(db, strs, 4, moved, 1);
	int64_t k5 = pack_checks(db, strs, 5, split, 1);
	assert_true(k3 != k1 && k4 != k5);
	ix_strtab_free(strs);
	sqlite3_close(db);
}

static void add_quoted(nb_buf *b, const char *s)
{
	if (!s) {
		nb_buf_adds(b, "NULL");
		return;
	}
	nb_buf_addc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			nb_buf_addc(b, '\'');
		nb_buf_addc(b, *s);
	}
	nb_buf_addc(b, '\'');
}

/* Report's checks as rows.c reads them, in the lines of the view's
 * SELECT quote(rule) || '|' || quote(subject) || '|' || ok || '|' ||
 * quote(detail). */
static char *read_in_c(ix_rows *r, int64_t report)
{
	const ix_check *v;
	size_t n;
	assert_int_equal(ix_rows_checks(r, report, &v, &n), 0);
	nb_buf b = {0};
	nb_buf_adds(&b, "");
	for (size_t i = 0; i < n; i++) {
		add_quoted(&b, v[i].rule);
		nb_buf_addc(&b, '|');
		add_quoted(&b, v[i].subject);
		nb_buf_printf(&b, "|%d|", v[i].ok);
		add_quoted(&b, v[i].detail);
		nb_buf_addc(&b, '\n');
	}
	return nb_buf_take(&b);
}

static char *read_by_view(sqlite3 *db, int64_t report)
{
	return lines(db, "SELECT quote(rule) || '|' || quote(subject) || '|'"
		     " || ok || '|' || quote(detail) FROM check_result"
		     " WHERE report = ? ORDER BY seq", report);
}

static int64_t str_id(sqlite3 *db, const char *s)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT id FROM str"
		" WHERE text = ?", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, s, -1, SQLITE_STATIC);
	int64_t id = sqlite3_step(st) == SQLITE_ROW ?
		sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return id;
}

/* What rows.c reads back in C is what check_result shows, and what
 * ix_cross_pack packs is what its trigger packs. */
static void test_read_back_in_c(void **state)
{
	(void)state;
	sqlite3 *db = checked_index();
	ix_rows *r;
	assert_int_equal(ix_rows_new(db, stderr, &r), 0);
	for (int64_t id = 1; id <= 3; id++) {
		char *a = read_by_view(db, id), *b = read_in_c(r, id);
		assert_string_equal(b, a);
		free(a);
		free(b);
	}
	nb_buf cross = {0};
	ix_cross_pack(&cross, str_id(db, "cross_year.carry_over"),
		      str_id(db, "总计"), false, str_id(db, "去年 3 ≠ 今年 4"));
	ix_cross_pack(&cross, str_id(db, "cross_year.t2_current"), 0, true, 0);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT cross FROM check_list"
		" WHERE report = 1", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal(cross.s, sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	nb_buf_free(&cross);

	/* a packing that is not one fails */
	assert_int_equal(ix_exec(db, "UPDATE check_list SET results = '[1,'"
				 " WHERE report = 1", NULL), 0);
	const ix_check *v;
	size_t n;
	assert_int_equal(ix_rows_checks(r, 1, &v, &n), -EIO);
	ix_rows_free(r);
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_and_across_years),
		cmocka_unit_test(test_own_checks_through_the_view),
		cmocka_unit_test(test_list_met_again),
		cmocka_unit_test(test_read_back_in_c),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
