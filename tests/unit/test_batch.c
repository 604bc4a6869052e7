/*
 * test_batch.c — rows inserted many to a statement (index/batch.c): every
 * row in, in order, with its own parameters, whatever the count (none,
 * one, a full statement, more than one statement, a short last one), and
 * a failing row failing the insert.
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

static sqlite3 *new_db(void)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(k INTEGER PRIMARY KEY,"
				      " v TEXT, n INTEGER) WITHOUT ROWID",
				      NULL, NULL, NULL), SQLITE_OK);
	return db;
}

typedef struct {
	int64_t first;	/* row i's key is first + i */
	bool null_odd;	/* odd rows leave v unbound: NULL */
} rows;

static void bind(void *ctx, sqlite3_stmt *st, int b, size_t i)
{
	const rows *r = ctx;
	char v[32];
	snprintf(v, sizeof v, "v%zu", i);
	sqlite3_bind_int64(st, b + 1, r->first + (int64_t)i);
	if (!r->null_odd || i % 2 == 0)
		sqlite3_bind_text(st, b + 2, v, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, b + 3, (int64_t)i * 10);
}

/* Whether t holds exactly rows first .. first + n - 1 as bind made them. */
static void check(sqlite3 *db, const rows *r, size_t n)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT k, v, n FROM t"
		" WHERE k >= ? ORDER BY k", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, r->first);
	for (size_t i = 0; i < n; i++) {
		char v[32];
		snprintf(v, sizeof v, "v%zu", i);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int64(st, 0), r->first + (int64_t)i);
		if (r->null_odd && i % 2)
			assert_int_equal(sqlite3_column_type(st, 1), SQLITE_NULL);
		else
			assert_string_equal(sqlite3_column_text(st, 1), v);
		assert_int_equal(sqlite3_column_int64(st, 2), (int64_t)i * 10);
	}
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

static void test_every_count(void **state)
{
	(void)state;
	sqlite3 *db = new_db();
	ix_batch *b;
	assert_int_equal(ix_batch_new(db, "INSERT INTO t(k, v, n) VALUES", 3,
				      &b), 0);
	const size_t counts[] = {0, 1, 2, IX_BATCH_MAX, IX_BATCH_MAX + 1,
				 2 * IX_BATCH_MAX + 5};
	int64_t first = 0;
	for (size_t c = 0; c < sizeof counts / sizeof *counts; c++) {
		/* each count in a range of keys of its own */
		rows r = {.first = first += 1000, .null_odd = c % 2};
		assert_int_equal(ix_batch_insert(b, counts[c], bind, &r), 0);
		check(db, &r, counts[c]);
	}
	ix_batch_free(b);
	sqlite3_close(db);
}

static void test_a_failing_row_fails(void **state)
{
	(void)state;
	sqlite3 *db = new_db();
	ix_batch *b;
	assert_int_equal(ix_batch_new(db, "INSERT INTO t(k, v, n) VALUES", 3,
				      &b), 0);
	rows r = {.first = 7};
	assert_int_equal(ix_batch_insert(b, 3, bind, &r), 0);
	/* key 9 is there already */
	rows again = {.first = 9};
	assert_int_equal(ix_batch_insert(b, 3, bind, &again), -EIO);
	ix_batch_free(b);
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_count),
		cmocka_unit_test(test_a_failing_row_fails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
