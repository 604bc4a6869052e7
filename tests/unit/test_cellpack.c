/*
 * test_cellpack.c — a table row's cells packed into stored_row.cells
 * (index/cellpack.c) and read back as rows by the views cell and cell_view
 * (index/schema.c): every kind of cell (numbers plain, as strings and
 * printed otherwise, blanks, absent cells with and without what was
 * printed, notes, strings to escape) comes back as the table cell of
 * schema 6 held it; a table's headers inserted through table_column are
 * packed as the store packs them; rows.c reads back in C what the views
 * show, JSON the packer does not write included.
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

/* A cell as the parser gives it, and what the table cell of schema 6
 * stored for it (raw NULL for a number printed as its value). */
typedef struct {
	nb_cell_state state;
	const char *value, *raw, *note;
	int want_state;
	const char *want_raw, *want_value;
} kase;

static const kase cases[] = {
	{NB_CELL_NUMBER, "3", "3", NULL, 0, NULL, "3"},
	{NB_CELL_NUMBER, "414.52", "414.52", NULL, 0, NULL, "414.52"},
	{NB_CELL_NUMBER, "4", "+4", NULL, 0, "+4", "4"},
	{NB_CELL_NUMBER, "15", "15（其中修订7件）", "其中修订7件", 0,
	 "15（其中修订7件）", "15"},
	{NB_CELL_NUMBER, "5", "5", "注", 0, NULL, "5"},
	{NB_CELL_NUMBER, "5", NULL, NULL, 0, NULL, "5"},
	{NB_CELL_BLANK, NULL, "—", NULL, 1, "—", NULL},
	{NB_CELL_BLANK, NULL, "", NULL, 1, "", NULL},
	{NB_CELL_BLANK, NULL, "无", "说明", 1, "无", NULL},
	{NB_CELL_ABSENT, NULL, NULL, NULL, 2, NULL, NULL},
	{NB_CELL_ABSENT, NULL, "x\"y\\z\n\t\x01", NULL, 2, "x\"y\\z\n\t\x01",
	 NULL},
	/* a number without a value is absent */
	{NB_CELL_NUMBER, NULL, "abc", NULL, 2, "abc", NULL},
	/* integers that would not read back as the same text */
	{NB_CELL_NUMBER, "-0", "-0", NULL, 0, NULL, "-0"},
	{NB_CELL_NUMBER, "007", "007", NULL, 0, NULL, "007"},
	{NB_CELL_NUMBER, "12345678901234567", "12345678901234567", NULL, 0,
	 NULL, "12345678901234567"},
	{NB_CELL_NUMBER, "0", "0", NULL, 0, NULL, "0"},
	{NB_CELL_NUMBER, "-12", "-12", NULL, 0, NULL, "-12"},
	{NB_CELL_NUMBER, "123456789012345", "123456789012345", NULL, 0, NULL,
	 "123456789012345"},
};
#define NCASES (sizeof cases / sizeof *cases)

static nb_row make_row(nb_cell *cells)
{
	for (size_t i = 0; i < NCASES; i++)
		cells[i] = (nb_cell){
			.state = cases[i].state,
			.value = (char *)cases[i].value,
			.raw = (char *)cases[i].raw,
			.note = (char *)cases[i].note,
		};
	return (nb_row){.cells = cells};
}

static sqlite3 *new_index(void)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(ix_schema_create(db, "/raw", stderr), 0);
	return db;
}

static void exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

/* The row packed into stored_row (report 1, table 0, row 0); its text. */
static char *store_row(sqlite3 *db)
{
	nb_cell cells[NCASES];
	nb_row row = make_row(cells);
	nb_buf b = {0};
	assert_int_equal(ix_cells_pack(&row, NCASES, &b), 0);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO stored_row(report,"
		" tbl_no, row_no, label, printed, extra, cells)"
		" VALUES(1, 0, 0, NULL, NULL, 0, ?)", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, b.s, (int)b.len, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	return nb_buf_take(&b);
}

static void assert_text(sqlite3_stmt *st, int col, const char *want)
{
	const char *got = (const char *)sqlite3_column_text(st, col);
	if (!want) {
		assert_int_equal(sqlite3_column_type(st, col), SQLITE_NULL);
		return;
	}
	assert_int_equal(sqlite3_column_type(st, col), SQLITE_TEXT);
	assert_string_equal(got, want);
}

static void test_packed_form(void **state)
{
	(void)state;
	sqlite3 *db = new_index();
	char *packed = store_row(db);
	/* a plain integer costs its digits, a decimal its quotes; every
	 * other cell says what it was, its trailing nulls left out */
	assert_string_equal(packed,
		"[3,\"414.52\",[0,\"+4\",\"4\"],"
		"[0,\"15（其中修订7件）\",\"15\",\"其中修订7件\"],"
		"[0,null,\"5\",\"注\"],5,[1,\"—\"],[1,\"\"],[1,\"无\",null,\"说明\"],"
		"null,[2,\"x\\\"y\\\\z\\u000a\\u0009\\u0001\"],[2,\"abc\"],"
		"\"-0\",\"007\",\"12345678901234567\",0,-12,123456789012345]");
	free(packed);

	/* reusing a buffer empties it first */
	nb_cell one = {.state = NB_CELL_NUMBER, .value = "7", .raw = "7"};
	nb_row row = {.cells = &one};
	nb_buf b = {0};
	nb_buf_adds(&b, "left over");
	assert_int_equal(ix_cells_pack(&row, 1, &b), 0);
	assert_string_equal(b.s, "[7]");
	nb_buf_free(&b);
	sqlite3_close(db);
}

static void test_cell_view_reads_back(void **state)
{
	(void)state;
	sqlite3 *db = new_index();
	free(store_row(db));
	/* a row without cells has no cell rows */
	exec(db, "INSERT INTO stored_row(report, tbl_no, row_no, label, printed,"
		 " extra, cells) VALUES(1, 0, 1, NULL, NULL, 1, NULL)");

	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT row_no, col_no, raw,"
		" value, state, note, typeof(col_no), typeof(state) FROM cell"
		" WHERE report = 1 AND tbl_no = 0 ORDER BY row_no, col_no",
		-1, &st, NULL), SQLITE_OK);
	for (size_t i = 0; i < NCASES; i++) {
		const kase *k = &cases[i];
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(st, 0), 0);
		assert_int_equal(sqlite3_column_int(st, 1), (int)i);
		assert_text(st, 2, k->want_raw);
		assert_text(st, 3, k->want_value);
		assert_int_equal(sqlite3_column_int(st, 4), k->want_state);
		assert_text(st, 5, k->note);
		assert_string_equal(sqlite3_column_text(st, 6), "integer");
		assert_string_equal(sqlite3_column_text(st, 7), "integer");
	}
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);

	/* cell_view: raw as printed, num and state by name, as before */
	exec(db, "INSERT INTO source(id, path, size, mtime_ns) VALUES(1, 'a.txt', 1, 1);"
		 "INSERT INTO report(id, agency, year, year_rule, format,"
		 " traditional, text) VALUES(1, '甲', 2021, 'title', '2021', 0, '');"
		 "INSERT INTO report_table(report, tbl_no, kind, format, name,"
		 " ncols, nrows) VALUES(1, 0, 3, '2021', '申请情况', 18, 2);"
		 "INSERT INTO str(text) VALUES('一、本年新收');"
		 "UPDATE stored_row SET label = last_insert_rowid()"
		 " WHERE row_no = 0;");
	for (size_t i = 0; i < NCASES; i++) {
		char sql[160];
		snprintf(sql, sizeof sql, "INSERT INTO table_column(report,"
			 " tbl_no, col_no, header) VALUES(1, 0, %zu, 'c%zu')", i, i);
		exec(db, sql);
	}
	/* the headers inserted through table_column are packed as the
	 * store packs them */
	char *cols[NCASES], names[NCASES][8];
	for (size_t i = 0; i < NCASES; i++) {
		snprintf(names[i], sizeof names[i], "c%zu", i);
		cols[i] = names[i];
	}
	nb_table tb = {.ncols = NCASES, .cols = cols};
	ix_strtab *strs;
	nb_buf packed = {0};
	assert_int_equal(ix_strtab_new(db, &strs), 0);
	assert_int_equal(ix_headers_pack(strs, &tb, &packed), 0);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT headers FROM"
		" stored_table", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal(sqlite3_column_text(st, 0), packed.s);
	sqlite3_finalize(st);
	nb_buf_free(&packed);
	ix_strtab_free(strs);

	assert_int_equal(sqlite3_prepare_v2(db, "SELECT col_label, raw, value,"
		" num, state, note, row_label FROM cell_view ORDER BY col_no",
		-1, &st, NULL), SQLITE_OK);
	static const char *const state_name[] = {"number", "blank", "absent"};
	for (size_t i = 0; i < NCASES; i++) {
		const kase *k = &cases[i];
		char label[16];
		snprintf(label, sizeof label, "c%zu", i);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_string_equal(sqlite3_column_text(st, 0), label);
		assert_text(st, 1, k->want_state == 0 && !k->want_raw ?
			    k->want_value : k->want_raw);
		assert_text(st, 2, k->want_value);
		if (k->want_value) {
			assert_int_equal(sqlite3_column_type(st, 3), SQLITE_FLOAT);
			assert_true(sqlite3_column_double(st, 3) ==
				    strtod(k->want_value, NULL));
		} else {
			assert_int_equal(sqlite3_column_type(st, 3), SQLITE_NULL);
		}
		assert_string_equal(sqlite3_column_text(st, 4),
				    state_name[k->want_state]);
		assert_text(st, 5, k->note);
		assert_string_equal(sqlite3_column_text(st, 6), "一、本年新收");
	}
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void assert_same(const char *got, sqlite3_stmt *st, int col)
{
	assert_text(st, col, got);
}

/* What rows.c reads of report 1 is what the views show. */
static void assert_rows_as_views(sqlite3 *db)
{
	ix_rows *rows;
	const ix_table *v;
	size_t n;
	assert_int_equal(ix_rows_new(db, stderr, &rows), 0);
	assert_int_equal(ix_rows_load(rows, 1, &v, &n), 0);
	sqlite3_stmt *tables, *cols, *trows, *cells;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT tbl_no, kind, format,"
		" name, label_header, ncols, nrows FROM report_table"
		" WHERE report = 1 ORDER BY tbl_no", -1, &tables, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT col_no, header"
		" FROM table_column WHERE report = 1 AND tbl_no = ?"
		" ORDER BY col_no", -1, &cols, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT row_no, label, printed,"
		" extra FROM table_row WHERE report = 1 AND tbl_no = ?"
		" ORDER BY row_no", -1, &trows, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT col_no, raw, value,"
		" state, note FROM cell WHERE report = 1 AND tbl_no = ?"
		" AND row_no = ? ORDER BY col_no", -1, &cells, NULL), SQLITE_OK);
	size_t t = 0;
	for (; sqlite3_step(tables) == SQLITE_ROW; t++) {
		assert_true(t < n);
		const ix_table *tb = &v[t];
		assert_int_equal(tb->no, sqlite3_column_int64(tables, 0));
		assert_int_equal(tb->kind, sqlite3_column_int64(tables, 1));
		assert_same(tb->format, tables, 2);
		assert_same(tb->name, tables, 3);
		assert_same(tb->label_header, tables, 4);
		assert_int_equal(tb->ncols, sqlite3_column_int64(tables, 5));
		assert_int_equal(tb->nrows, sqlite3_column_int64(tables, 6));
		sqlite3_bind_int64(cols, 1, tb->no);
		size_t c = 0;
		for (; sqlite3_step(cols) == SQLITE_ROW; c++) {
			assert_int_equal(sqlite3_column_int64(cols, 0), c);
			assert_true(c < tb->nheaders);
			assert_same(tb->headers[c], cols, 1);
		}
		assert_int_equal(c, tb->nheaders);
		sqlite3_reset(cols);
		sqlite3_bind_int64(trows, 1, tb->no);
		size_t r = 0;
		for (; sqlite3_step(trows) == SQLITE_ROW; r++) {
			assert_true(r < tb->nrowv);
			const ix_row *row = &tb->rows[r];
			assert_int_equal(row->no, sqlite3_column_int64(trows, 0));
			assert_same(row->label, trows, 1);
			assert_same(row->printed, trows, 2);
			assert_int_equal(row->extra, sqlite3_column_int(trows, 3));
			sqlite3_bind_int64(cells, 1, tb->no);
			sqlite3_bind_int64(cells, 2, row->no);
			size_t k = 0;
			for (; sqlite3_step(cells) == SQLITE_ROW; k++) {
				assert_true(k < row->ncells);
				const ix_cell *cell = &row->cells[k];
				assert_int_equal(sqlite3_column_int64(cells, 0), k);
				assert_same(cell->raw, cells, 1);
				assert_same(cell->value, cells, 2);
				assert_int_equal(cell->state,
						 sqlite3_column_int(cells, 3));
				assert_same(cell->note, cells, 4);
			}
			assert_int_equal(k, row->ncells);
			sqlite3_reset(cells);
		}
		assert_int_equal(r, tb->nrowv);
		sqlite3_reset(trows);
	}
	assert_int_equal(t, n);
	sqlite3_finalize(tables);
	sqlite3_finalize(cols);
	sqlite3_finalize(trows);
	sqlite3_finalize(cells);
	ix_rows_free(rows);
}

static void test_read_back_in_c(void **state)
{
	(void)state;
	sqlite3 *db = new_index();
	free(store_row(db));
	exec(db, "INSERT INTO stored_row(report, tbl_no, row_no, label, printed,"
		 " extra, cells) VALUES(1, 0, 1, NULL, '一 、本年', 1, NULL);"
		 "INSERT INTO report_table(report, tbl_no, kind, format, name,"
		 " label_header, ncols, nrows) VALUES(1, 0, 3, '2021', '申请情况',"
		 " '项目', 18, 2), (1, 2, 2, '2019', NULL, NULL, 0, 0);"
		 "INSERT INTO str(text) VALUES('一、本年新收');"
		 "UPDATE stored_row SET label = last_insert_rowid()"
		 " WHERE row_no = 0;"
		 "INSERT INTO table_column(report, tbl_no, col_no, header)"
		 " VALUES(1, 0, 0, 'a'), (1, 0, 2, 'c');"
		 /* a row of a table that is not there: no view shows it */
		 "INSERT INTO stored_row(report, tbl_no, row_no, label, printed,"
		 " extra, cells) VALUES(1, 1, 0, NULL, NULL, 0, '[1]');"
		 /* JSON the packer does not write, but a reader must read as
		  * SQLite does: spaces, every escape, a surrogate pair */
		 "INSERT INTO stored_row(report, tbl_no, row_no, label, printed,"
		 " extra, cells) VALUES(1, 2, 0, NULL, NULL, 0,"
		 " ' [ 1 , \"a\\/b\\n\\t\\r\\b\\f\\u4e2d\\ud83d\\ude00\" ,"
		 "  [ 1 , null , null , \"x\" ] , null , [2] , [0,\"+4\",\"4\"] ] ');");
	assert_rows_as_views(db);

	/* a row whose cells are not a packing fails, and says so */
	exec(db, "UPDATE stored_row SET cells = '[1,' WHERE row_no = 0"
		 " AND tbl_no = 0");
	ix_rows *rows;
	const ix_table *v;
	size_t n;
	char *msgs = NULL;
	size_t len = 0;
	FILE *err = open_memstream(&msgs, &len);
	assert_non_null(err);
	assert_int_equal(ix_rows_new(db, err, &rows), 0);
	assert_int_equal(ix_rows_load(rows, 1, &v, &n), -EIO);
	assert_null(v);
	fclose(err);
	assert_non_null(strstr(msgs, "report 1, table 0, row 0"));
	free(msgs);
	/* and the next load starts afresh */
	exec(db, "UPDATE stored_row SET cells = '[7]' WHERE row_no = 0"
		 " AND tbl_no = 0");
	assert_int_equal(ix_rows_load(rows, 1, &v, &n), 0);
	assert_string_equal(v[0].rows[0].cells[0].value, "7");
	ix_rows_free(rows);
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_packed_form),
		cmocka_unit_test(test_cell_view_reads_back),
		cmocka_unit_test(test_read_back_in_c),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
