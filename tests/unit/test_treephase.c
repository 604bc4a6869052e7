/*
 * test_treephase.c — the tree phase on every core: the read connections it
 * renders on (readers.c) and the phase itself (ix_tree_build) run again
 * over a built index's rows.
 *
 * Readers see what the writer committed before they opened and nothing it
 * writes after; closing them runs the caller's count beside the writer,
 * on a connection of its own that sees all the writer wrote, and ending
 * them leaves the writer journal-less and in a transaction, as the build
 * keeps it; a failed count fails the end; a cancel interrupts them.  The tree
 * phase rebuilt from the rows (reptree.c) gives the very nodes of the
 * build, which measured each report it parsed from the parsed report
 * (prerender.c), and one report that cannot be rendered fails it, said on
 * err.  Every file of a report measured so, meta.json with its checks
 * across years, has the sizes and digest of the file a read renders from
 * the index; each agency's 趋势.csv, measured from the figures of the
 * parsed reports, is what a read renders from the index.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "index.h"
#include "ix.h"
#include "tnode.h"
#include "dataset.h"
#include "scratch.h"

#define DATA "data/index"

static int setup(void **state)
{
	scratch_dir *fx = calloc(1, sizeof *fx);
	if (!fx || scratch_make(fx, "treephase"))
		return -1;
	*state = fx;
	return scratch_copy(fx, DATA);
}

static int teardown(void **state)
{
	scratch_dir *fx = *state;
	int rc = scratch_remove(fx);
	free(fx);
	return rc;
}

static int64_t count(sqlite3 *db, const char *sql)
{
	bool ok;
	int64_t n = ix_query_int(db, sql, &ok);
	assert_true(ok);
	return n;
}

static bool exists(const char *db, const char *suffix)
{
	char path[128];
	snprintf(path, sizeof path, "%s%s", db, suffix);
	return access(path, F_OK) == 0;
}

/* A connection as the build keeps its temporary index: journal-less,
 * exclusive, in a transaction; through vfs (NULL: the default). */
static sqlite3 *open_as_build(const char *path, const char *vfs)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
					 SQLITE_OPEN_CREATE, vfs), SQLITE_OK);
	assert_int_equal(ix_exec(db, "PRAGMA journal_mode = OFF;"
				 "PRAGMA locking_mode = EXCLUSIVE;"
				 "BEGIN;", NULL), 0);
	return db;
}

/* What an ix_after_fn saw: it runs on a thread of its own, where cmocka
 * cannot assert, so it only records. */
typedef struct {
	const char *table;	/* whose rows it counts */
	int rc;			/* what it returns */
	sqlite3 *db;
	int calls;
	int64_t rows;
	bool ok;
} seen;

static int count_rows(sqlite3 *db, FILE *err, void *ctx)
{
	(void)err;
	seen *s = ctx;
	char sql[64];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", s->table);
	s->db = db;
	s->calls++;
	s->rows = ix_query_int(db, sql, &s->ok);
	return s->rc;
}

static void test_readers_see_what_was_committed(void **state)
{
	scratch_dir *fx = *state;
	sqlite3 *w = open_as_build(fx->db, NULL);
	assert_int_equal(ix_exec(w, "CREATE TABLE t(x);"
				 "INSERT INTO t VALUES(1), (2);", NULL), 0);
	ix_readers *r;
	assert_int_equal(ix_readers_open(w, NULL, NULL, &r), 0);
	assert_true(ix_readers_count(r) >= 1);
	/* written after they opened: theirs stays the committed state */
	assert_int_equal(ix_exec(w, "INSERT INTO t VALUES(3);", NULL), 0);
	assert_true(exists(fx->db, "-wal"));
	for (unsigned i = 0; i < ix_readers_count(r); i++)
		assert_int_equal(count(ix_readers_db(r, i),
				       "SELECT count(*) FROM t"), 2);
	assert_int_equal(count(w, "SELECT count(*) FROM t"), 3);

	/* the count beside the writer sees all it wrote, and the writer
	 * goes on writing (still in WAL) until the end */
	seen s = {.table = "t"};
	assert_int_equal(ix_readers_close(r, 0, count_rows, &s), 0);
	assert_int_equal(ix_exec(w, "INSERT INTO t VALUES(4);"
				 "CREATE INDEX t_x ON t(x);", NULL), 0);
	assert_int_equal(ix_readers_end(r, 0), 0);
	assert_int_equal(s.calls, 1);
	assert_true(s.ok);
	assert_int_equal(s.rows, 3);
	assert_ptr_not_equal(s.db, w);
	/* the writer as it was: in a transaction, journal-less, no WAL */
	assert_int_equal(sqlite3_get_autocommit(w), 0);
	assert_false(exists(fx->db, "-wal"));
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(w, "PRAGMA main.journal_mode", -1,
					    &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "off");
	sqlite3_finalize(st);
	assert_int_equal(ix_exec(w, "COMMIT;", NULL), 0);
	assert_int_equal(sqlite3_close(w), SQLITE_OK);

	/* a rollback-journal file (header bytes 18, 19), with every row */
	unsigned char head[20];
	FILE *f = fopen(fx->db, "rb");
	assert_non_null(f);
	assert_int_equal(fread(head, 1, sizeof head, f), sizeof head);
	fclose(f);
	assert_int_equal(head[18], 1);
	assert_int_equal(head[19], 1);
	assert_int_equal(sqlite3_open(fx->db, &w), SQLITE_OK);
	assert_int_equal(count(w, "SELECT count(*) FROM t"), 4);
	assert_int_equal(count(w, "SELECT count(*) FROM sqlite_schema"
			       " WHERE name = 't_x'"), 1);
	sqlite3_close(w);
}

/* A count that fails fails the end, which switches nothing back: the
 * build is thrown away. */
static void test_a_failed_count_fails_the_end(void **state)
{
	scratch_dir *fx = *state;
	sqlite3 *w = open_as_build(fx->db, NULL);
	assert_int_equal(ix_exec(w, "CREATE TABLE t(x);", NULL), 0);
	ix_readers *r;
	assert_int_equal(ix_readers_open(w, NULL, NULL, &r), 0);
	seen s = {.table = "t", .rc = -EIO};
	assert_int_equal(ix_readers_close(r, 0, count_rows, &s), 0);
	assert_int_equal(ix_readers_end(r, 0), -EIO);
	assert_int_equal(s.calls, 1);
	assert_int_equal(sqlite3_close(w), SQLITE_OK);
	ix_tmp_discard(fx->db);
	assert_false(exists(fx->db, "-wal"));
}

static void test_readers_stop_at_cancel(void **state)
{
	scratch_dir *fx = *state;
	sqlite3 *w = open_as_build(fx->db, NULL);
	assert_int_equal(ix_exec(w, "CREATE TABLE t(x);", NULL), 0);
	atomic_int flag = 1;
	ix_readers *r;
	assert_int_equal(ix_readers_open(w, NULL, &flag, &r), 0);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(ix_readers_db(r, 0),
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1"
		" FROM n WHERE i < 100000000) SELECT count(*) FROM n", -1, &st,
		NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_INTERRUPT);
	sqlite3_finalize(st);
	/* after a failure nothing is switched back: the build is dropped,
	 * its file with the WAL a reader that has read leaves behind */
	seen s = {.table = "t"};
	assert_int_equal(ix_readers_close(r, NB_CANCELLED, count_rows, &s),
			 NB_CANCELLED);
	assert_int_equal(ix_readers_end(r, NB_CANCELLED), NB_CANCELLED);
	assert_int_equal(s.calls, 0);
	assert_int_equal(sqlite3_close(w), SQLITE_OK);
	ix_tmp_discard(fx->db);
	assert_false(exists(fx->db, ""));
	assert_false(exists(fx->db, "-wal"));
	assert_false(exists(fx->db, "-shm"));
}

/* The index of DATA, then a connection to it as the build has it just
 * before its tree phase: the nodes and their indexes, _all and the checks
 * across years (which the tree phase adds) gone, the reports' rows kept. */
static sqlite3 *before_tree_phase(scratch_dir *fx, const char *vfs)
{
	assert_int_equal(nb_index_build(fx->db, fx->raw, NULL, NULL), 0);
	sqlite3 *db = open_as_build(fx->db, vfs);
	assert_int_equal(ix_exec(db, "CREATE TEMP TABLE built AS"
				 " SELECT * FROM node;"
				 "DELETE FROM node; DROP INDEX node_name;"
				 "DROP INDEX node_ino; DELETE FROM chunk_node;"
				 "DELETE FROM chunk; DELETE FROM all_block;"
				 "DELETE FROM all_file;"
				 "UPDATE check_list SET cross = NULL;", NULL), 0);
	return db;
}

/* The phase run again through vfs gives the nodes of the build, and what
 * runs after it sees them all. */
static void same_nodes_again(scratch_dir *fx, const char *vfs)
{
	sqlite3 *db = before_tree_phase(fx, vfs);
	assert_true(count(db, "SELECT count(*) FROM temp.built") > 20);
	seen s = {.table = "node"};
	assert_int_equal(ix_tree_build(db, fx->raw, NULL, NULL, NULL,
				       count_rows, &s), 0);
	assert_int_equal(s.calls, 1);
	assert_true(s.ok);
	assert_int_equal(s.rows, count(db, "SELECT count(*) FROM node"));
	/* node's indexes back: by number kept up, by name sorted after */
	assert_int_equal(count(db, "SELECT count(*) FROM sqlite_schema"
			       " WHERE type = 'index' AND tbl_name = 'node'"
			       " AND name IN ('node_ino', 'node_name')"), 2);
	assert_int_equal(sqlite3_get_autocommit(db), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM (SELECT * FROM node"
			       " EXCEPT SELECT * FROM temp.built)"), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM (SELECT * FROM"
			       " temp.built EXCEPT SELECT * FROM node)"), 0);
	assert_int_equal(ix_exec(db, "COMMIT;", NULL), 0);
	sqlite3_close(db);
	assert_false(exists(fx->db, "-wal"));
}

static void test_tree_phase_again_same_nodes(void **state)
{
	same_nodes_again(*state, NULL);
}

/* A file system without the shared memory WAL needs: one reader, the
 * writer itself, the file never in WAL. */
static void test_without_wal_the_writer_renders(void **state)
{
	scratch_dir *fx = *state;
	sqlite3 *w = open_as_build(fx->db, "unix-none");
	assert_int_equal(ix_exec(w, "CREATE TABLE t(x);"
				 "INSERT INTO t VALUES(1);", NULL), 0);
	ix_readers *r;
	assert_int_equal(ix_readers_open(w, NULL, NULL, &r), 0);
	assert_int_equal(ix_readers_count(r), 1);
	assert_ptr_equal(ix_readers_db(r, 0), w);
	assert_int_equal(sqlite3_get_autocommit(w), 0);
	assert_int_equal(ix_exec(w, "INSERT INTO t VALUES(2);", NULL), 0);
	seen s = {.table = "t"};
	assert_int_equal(ix_readers_close(r, 0, count_rows, &s), 0);
	/* on the writer, before the close returns */
	assert_int_equal(s.calls, 1);
	assert_ptr_equal(s.db, w);
	assert_int_equal(s.rows, 2);
	assert_int_equal(ix_readers_end(r, 0), 0);
	assert_false(exists(fx->db, "-wal"));
	assert_int_equal(count(w, "SELECT count(*) FROM t"), 2);
	assert_int_equal(ix_exec(w, "COMMIT;", NULL), 0);
	sqlite3_close(w);
	assert_int_equal(remove(fx->db), 0);

	same_nodes_again(fx, "unix-none");
}

static void test_tree_phase_fails_with_one_report(void **state)
{
	scratch_dir *fx = *state;
	sqlite3 *db = before_tree_phase(fx, NULL);
	/* one row's cells that _all cannot read */
	assert_int_equal(ix_exec(db, "UPDATE stored_row SET cells = '[1,'"
				 " WHERE (report, tbl_no, row_no) = (SELECT report,"
				 " tbl_no, row_no FROM stored_row"
				 " WHERE cells IS NOT NULL LIMIT 1);", NULL), 0);
	char *msgs = NULL;
	size_t len = 0;
	FILE *err = open_memstream(&msgs, &len);
	assert_non_null(err);
	seen s = {.table = "node"};
	assert_int_equal(ix_tree_build(db, fx->raw, NULL, err, NULL,
				       count_rows, &s), -EIO);
	assert_int_equal(s.calls, 0);
	fclose(err);
	assert_non_null(strstr(msgs, "malformed JSON"));
	free(msgs);
	sqlite3_close(db);
	assert_false(exists(fx->db, "-wal"));
}

/* Every 趋势.csv node of the index at path has the sizes and digest of
 * the file a read renders (rendered.c's way); returns how many. */
static int trend_files_as_read(const char *path)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
			 SQLITE_OK);
	ix_trend *t;
	assert_int_equal(ix_trend_new(db, &t), 0);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT parent, size, size_unix,"
					    " digest FROM node WHERE name ="
					    " '趋势.csv'", -1, &st, NULL),
			 SQLITE_OK);
	int n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		ix_tnode f = {0};
		assert_int_equal(ix_trend_render(t, sqlite3_column_int64(st, 0),
						 &f), 0);
		ix_tnode_digest(&f);
		assert_int_equal((int64_t)f.data.len, sqlite3_column_int64(st, 1));
		assert_int_equal((int64_t)f.data_unix.len,
				 sqlite3_column_int64(st, 2));
		assert_int_equal(f.digest, sqlite3_column_int64(st, 3));
		ix_tnode_free(&f);
		n++;
	}
	sqlite3_finalize(st);
	ix_trend_free(t);
	sqlite3_close(db);
	return n;
}

static void test_trend_files_as_a_read_renders_them(void **state)
{
	scratch_dir *fx = *state;
	/* agencies of two and three reports: their figures' union */
	assert_int_equal(nb_index_build(fx->db, fx->raw, NULL, NULL), 0);
	assert_int_equal(trend_files_as_read(fx->db), 2);
	/* an agency of one report: its own figures */
	char path[256];
	snprintf(path, sizeof path, "%s/其他/白水镇2016年报（转载）.txt", fx->raw);
	assert_int_equal(remove(path), 0);
	assert_int_equal(remove(fx->db), 0);
	assert_int_equal(nb_index_build(fx->db, fx->raw, NULL, NULL), 0);
	assert_int_equal(trend_files_as_read(fx->db), 2);
}

/* Every report file's node of the index at path has the sizes and digest
 * of the file a read renders (rendered.c's way: ix_reptree_render); returns
 * how many. */
static int report_files_as_read(const char *path)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
			 SQLITE_OK);
	ix_reptree *t;
	assert_int_equal(ix_reptree_new(db, NULL, false, &t), 0);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT report, part, size,"
					    " size_unix, digest FROM node"
					    " WHERE report IS NOT NULL"
					    " AND NOT is_dir ORDER BY report,"
					    " part", -1, &st, NULL), SQLITE_OK);
	int n = 0;
	int64_t id = 0;
	ix_tnode year = {0};
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_int64(st, 0) != id) {
			ix_tnode_free(&year);
			id = sqlite3_column_int64(st, 0);
			assert_int_equal(ix_reptree_render(t, id, &year), 0);
			ix_tnode_digest(&year);
		}
		const ix_tnode *f = ix_tnode_file(&year,
						  sqlite3_column_int64(st, 1));
		assert_non_null(f);
		assert_int_equal((int64_t)f->data.len,
				 sqlite3_column_int64(st, 2));
		if (f->has_unix)
			assert_int_equal((int64_t)f->data_unix.len,
					 sqlite3_column_int64(st, 3));
		else
			assert_int_equal(sqlite3_column_type(st, 3), SQLITE_NULL);
		assert_int_equal(f->digest, sqlite3_column_int64(st, 4));
		n++;
	}
	ix_tnode_free(&year);
	sqlite3_finalize(st);
	ix_reptree_free(t);
	sqlite3_close(db);
	return n;
}

static void test_report_files_as_a_read_renders_them(void **state)
{
	scratch_dir *fx = *state;
	assert_int_equal(nb_index_build(fx->db, fx->raw, NULL, NULL), 0);
	/* meta.json finished in the tree phase: some have checks across
	 * years */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(fx->db, &db), SQLITE_OK);
	assert_true(count(db, "SELECT count(*) FROM check_list"
			  " WHERE cross IS NOT NULL") > 0);
	int64_t files = count(db, "SELECT count(*) FROM node"
			      " WHERE report IS NOT NULL AND NOT is_dir");
	sqlite3_close(db);
	assert_true(files > 20);
	assert_int_equal(report_files_as_read(fx->db), files);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_readers_see_what_was_committed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_failed_count_fails_the_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readers_stop_at_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tree_phase_again_same_nodes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_without_wal_the_writer_renders, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tree_phase_fails_with_one_report, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trend_files_as_a_read_renders_them, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_files_as_a_read_renders_them, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
