/*
 * figures.c — a report's key figures for 趋势.csv (trend.c), in order,
 * each as a key <table>/<row>/<column> and its value:
 *
 *   申请情况/<each row>/总计          table 3, in its 总计 column
 *   复议诉讼情况/<each row>/总计      table 4's three totals
 *   第二十条第（…）项/<row>/<column>  every cell of table 2
 *
 * Read table by table with four simple queries: one join of the views
 * re-read a table's headers for each of its rows and a row's packed cells
 * for each figure.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "ix.h"

/* The total column of tables 3 and 4 (the templates' last column). */
#define TOTAL_COLUMN "总计"

enum { Q_TABLES, Q_COLUMNS, Q_ROWS, Q_CELLS, Q_COUNT };

static const char *const sql[Q_COUNT] = {
	/* the tables (?2 table 3, ?3 table 4, ?4 table 2) in that order;
	 * each one's rows, then columns */
	[Q_TABLES] = "SELECT tbl_no, kind = ?4, name FROM report_table"
		" WHERE report = ?1 AND name IS NOT NULL"
		" AND kind IN (?2, ?3, ?4)"
		" ORDER BY CASE kind WHEN ?2 THEN 0 WHEN ?3 THEN 1 ELSE 2 END,"
		" tbl_no",
	[Q_COLUMNS] = "SELECT col_no, header FROM table_column"
		" WHERE report = ? AND tbl_no = ? ORDER BY col_no",
	[Q_ROWS] = "SELECT row_no, label FROM table_row"
		" WHERE report = ? AND tbl_no = ? AND extra = 0 ORDER BY row_no",
	/* ?3: every column (table 2), else those headed ?4 */
	[Q_CELLS] = "SELECT row_no, col_no, value FROM cell"
		" WHERE report = ?1 AND tbl_no = ?2 AND (?3 OR col_no IN"
		"  (SELECT col_no FROM table_column WHERE report = ?1"
		"   AND tbl_no = ?2 AND header = ?4))"
		" ORDER BY row_no, col_no",
};

struct ix_figures {
	sqlite3 *db;
	FILE *err;
	sqlite3_stmt *q[Q_COUNT];
};

static int db_error(ix_figures *t)
{
	ix_say_db(t->err, t->db);
	return -EIO;
}

static const char *text_or(sqlite3_stmt *st, int i, const char *dflt)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	return s ? s : dflt;
}

/* A figure: the first of a key (of a table printed twice, the first). */
static int add_figure(ix_strv *keys, ix_strv *values, const char *table,
		      const char *label, const char *header, const char *value)
{
	nb_buf key = {0};
	nb_buf_printf(&key, "%s/%s/%s", table, label, header);
	int rc = key.oom ? -ENOMEM : 0;
	if (!rc && ix_strv_find(keys, key.s) < 0 &&
	    !(rc = ix_strv_push(keys, key.s)))
		rc = ix_strv_push(values, value);
	nb_buf_free(&key);
	return rc;
}

/* The columns of table tbl a figure is read from: every one (all), else
 * those headed TOTAL_COLUMN. */
static int figure_columns(ix_figures *t, int64_t report, int64_t tbl, bool all,
			  ix_strv *headers, int64_t **cols)
{
	sqlite3_stmt *st = t->q[Q_COLUMNS];
	size_t cap = 0;
	int rc = 0, step;
	*cols = NULL;
	sqlite3_bind_int64(st, 1, report);
	sqlite3_bind_int64(st, 2, tbl);
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *h = text_or(st, 1, "");
		if (!all && strcmp(h, TOTAL_COLUMN))
			continue;
		int64_t *v = nb_grow(*cols, &cap, headers->n + 1, sizeof *v, 8);
		if (!v) {
			rc = -ENOMEM;
			break;
		}
		*cols = v;
		v[headers->n] = sqlite3_column_int64(st, 0);
		rc = ix_strv_push(headers, h);
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_error(t);
	sqlite3_reset(st);
	return rc;
}

/* Table tbl's figures, row by row: each row's value in each of the
 * columns, the cells merged in (row, column) order. */
static int add_table(ix_figures *t, int64_t report, int64_t tbl, bool all,
		     const char *name, ix_strv *keys, ix_strv *values)
{
	ix_strv headers = {0};
	int64_t *cols;
	int rc = figure_columns(t, report, tbl, all, &headers, &cols);
	if (rc || !headers.n) {
		ix_strv_free(&headers);
		free(cols);
		return rc;
	}
	sqlite3_stmt *rows = t->q[Q_ROWS], *cells = t->q[Q_CELLS];
	sqlite3_bind_int64(rows, 1, report);
	sqlite3_bind_int64(rows, 2, tbl);
	sqlite3_bind_int64(cells, 1, report);
	sqlite3_bind_int64(cells, 2, tbl);
	sqlite3_bind_int(cells, 3, all);
	sqlite3_bind_text(cells, 4, TOTAL_COLUMN, -1, SQLITE_STATIC);
	int step, cstep = sqlite3_step(cells);
	while (!rc && (step = sqlite3_step(rows)) == SQLITE_ROW) {
		int64_t row = sqlite3_column_int64(rows, 0);
		for (size_t k = 0; k < headers.n && !rc; k++) {
			int64_t cr = 0, cc = 0;
			for (; cstep == SQLITE_ROW; cstep = sqlite3_step(cells)) {
				cr = sqlite3_column_int64(cells, 0);
				cc = sqlite3_column_int64(cells, 1);
				if (cr > row || (cr == row && cc >= cols[k]))
					break;
			}
			bool here = cstep == SQLITE_ROW && cr == row &&
				cc == cols[k];
			rc = add_figure(keys, values, name, text_or(rows, 1, ""),
					headers.v[k],
					here ? text_or(cells, 2, "") : "");
		}
	}
	if (!rc && (step != SQLITE_DONE ||
		    (cstep != SQLITE_ROW && cstep != SQLITE_DONE)))
		rc = db_error(t);
	sqlite3_reset(rows);
	sqlite3_reset(cells);
	ix_strv_free(&headers);
	free(cols);
	return rc;
}

int ix_figures_read(ix_figures *t, int64_t report, ix_strv *keys,
		    ix_strv *values)
{
	sqlite3_stmt *st = t->q[Q_TABLES];
	sqlite3_bind_int64(st, 1, report);
	sqlite3_bind_int(st, 2, NB_TABLE_REQUESTS);
	sqlite3_bind_int(st, 3, NB_TABLE_APPEALS);
	sqlite3_bind_int(st, 4, NB_TABLE_ACTIVE);
	int rc = 0, step;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = add_table(t, report, sqlite3_column_int64(st, 0),
			       sqlite3_column_int(st, 1), text_or(st, 2, ""),
			       keys, values);
	if (!rc && step != SQLITE_DONE)
		rc = db_error(t);
	sqlite3_reset(st);
	return rc;
}

int ix_figures_new(sqlite3 *db, FILE *err, ix_figures **out)
{
	ix_figures *t = calloc(1, sizeof *t);
	if (!t)
		return -ENOMEM;
	*t = (ix_figures){.db = db, .err = err};
	int rc = 0;
	for (int i = 0; i < Q_COUNT && !rc; i++)
		if (sqlite3_prepare_v3(db, sql[i], -1, SQLITE_PREPARE_PERSISTENT,
				       &t->q[i], NULL) != SQLITE_OK)
			rc = db_error(t);
	if (rc) {
		ix_figures_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

void ix_figures_free(ix_figures *t)
{
	if (!t)
		return;
	for (int i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(t->q[i]);
	free(t);
}
