/*
 * trend.c — <agency>/趋势.csv: an agency's key figures, one column per
 * report (its year directory: 2019, 2019~2, …, in that order), one row per
 * figure, named <table>/<row>/<column> as in the report's own CSVs:
 *
 *   申请情况/<each row>/总计          table 3, in its 总计 column
 *   复议诉讼情况/<each row>/总计      table 4's three totals
 *   第二十条第（…）项/<row>/<column>  every cell of table 2
 *
 * Rows are the union of the agency's reports' rows in template order (the
 * labels come from the index, as the core wrote them); a figure a report
 * did not print stays empty.  One small file per agency, rendered with
 * the tree for its size and digest (trendbuild.c) and again when read
 * (rendered.c), by the same code here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "ix.h"
#include "tnode.h"
#include "dataset.h"
#include "trend.h"

typedef ix_trend_column column;

/* the reports of the agency directory ?, in the order of the build's
 * (trendbuild.c) */
static const char members_sql[] = "SELECT r.id, r.year_dir FROM node n"
	" JOIN stored_report r ON r.id = n.report JOIN source s ON s.id = r.id"
	" WHERE n.parent = ? AND n.is_dir ORDER BY " IX_YEAR_KEY ", s.path";

struct ix_trend {
	sqlite3 *db;
	FILE *err;
	sqlite3_stmt *members;
	ix_figures *figures;
	column *cols;
	size_t ncols, cap;
	nb_buf scratch;		/* a dialect being rendered, reused: its
				   file's buffer then gets it in one piece */
};

typedef ix_trend trend;

static int db_error(trend *t)
{
	ix_say_db(t->err, t->db);
	return -EIO;
}

void ix_trend_columns_free(column *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].year_dir);
		free(c[i].keys.v);
		free(c[i].keys_block);
		free(c[i].values.v);
		free(c[i].values_block);
	}
}

static void clear_columns(trend *t)
{
	ix_trend_columns_free(t->cols, t->ncols);
	t->ncols = 0;
}

/* A column of year_dir's (none: ""), without its figures yet. */
static int new_column(column *c, const char *year_dir)
{
	*c = (column){.year_dir = strdup(year_dir ? year_dir : "")};
	return c->year_dir ? 0 : -ENOMEM;
}

int ix_trend_column_of(ix_trend *t, const char *year_dir, const ix_table *v,
		       size_t n, column *c)
{
	int rc = new_column(c, year_dir);
	return rc ? rc : ix_figures_of(t->figures, v, n, c);
}

/* Column c's keys made prev's strings when they are the same figures,
 * as nearly all of an agency's reports' are: an agency of 1,689 reports
 * (bench/gen.py at 100,000) held 64,000 copies of 38 keys while its file
 * was read, 13 MB of the daemon's 50 at its peak (issue 7). */
static void lend_keys(const column *prev, column *c)
{
	if (prev->keys.n != c->keys.n)
		return;
	for (size_t i = 0; i < c->keys.n; i++)
		if (strcmp(prev->keys.v[i], c->keys.v[i]))
			return;
	if (c->keys.n)	/* no keys: keys.v may be NULL, memcpy's undefined */
		memcpy(c->keys.v, prev->keys.v, c->keys.n * sizeof *c->keys.v);
	free(c->keys_block);
	c->keys_block = NULL;
}

/* One report's figures, read from the index, as a new column. */
static int add_column(trend *t, int64_t report, const char *year_dir)
{
	column *v = nb_grow(t->cols, &t->cap, t->ncols + 1, sizeof *v, 8);
	if (!v)
		return -ENOMEM;
	t->cols = v;
	column *c = &t->cols[t->ncols];
	int rc = new_column(c, year_dir);
	if (rc)
		return rc;
	t->ncols++;
	rc = ix_figures_read(t->figures, report, c);
	if (!rc && t->ncols > 1)
		lend_keys(c - 1, c);
	return rc;
}

/* Each column's figures are looked up in the rows' order, which is
 * theirs: each is found where the last left off (hint), not by a search
 * from the start (strcmp was 1 % of a 10,000-report build, perf).  Records
 * end in LF (the unix dialect). */
static void render(column *cols, size_t ncols, const ix_strv *rows, nb_buf *b)
{
	ix_csv_field(b, "项目", true);
	for (size_t c = 0; c < ncols; c++) {
		ix_csv_field(b, cols[c].year_dir, false);
		cols[c].hint = 0;
	}
	ix_csv_end(b);
	for (size_t r = 0; r < rows->n; r++) {
		ix_csv_field(b, rows->v[r], true);
		for (size_t c = 0; c < ncols; c++) {
			column *col = &cols[c];
			long i = ix_strv_find_from(&col->keys, rows->v[r],
						   &col->hint);
			ix_csv_field(b, i >= 0 ? col->values.v[i] : NULL,
				     false);
		}
		ix_csv_end(b);
	}
}

/* The keys of column c in table (all tables when table is NULL: then
 * only the table names, each once), in the column's order. */
static int keys_of(const column *c, const char *table, ix_strv *out)
{
	size_t tn = table ? strlen(table) : 0;
	int rc = 0;
	for (size_t i = 0; i < c->keys.n && !rc; i++) {
		const char *k = c->keys.v[i];
		if (table) {
			if (!strncmp(k, table, tn) && k[tn] == '/')
				rc = ix_strv_push(out, k);
			continue;
		}
		char *name = strndup(k, strcspn(k, "/"));
		if (!name)
			return -ENOMEM;
		if (ix_strv_find(out, name) < 0)
			rc = ix_strv_push(out, name);
		free(name);
	}
	return rc;
}

/* The union of the columns' figures, table by table: a table's figures of
 * both formats together, tables in their reports' order. */
static int union_rows(const column *cols, size_t ncols, ix_strv *rows)
{
	ix_strv tables = {0};
	int rc = 0;
	for (size_t c = 0; c < ncols && !rc; c++) {
		ix_strv one = {0};
		rc = keys_of(&cols[c], NULL, &one);
		if (!rc)
			rc = ix_union_merge(&tables, (const char *const *)one.v,
					    one.n);
		ix_strv_free(&one);
	}
	for (size_t i = 0; i < tables.n && !rc; i++) {
		ix_strv table = {0};
		for (size_t c = 0; c < ncols && !rc; c++) {
			ix_strv one = {0};
			rc = keys_of(&cols[c], tables.v[i], &one);
			if (!rc)
				rc = ix_union_merge(&table,
						    (const char *const *)one.v,
						    one.n);
			ix_strv_free(&one);
		}
		for (size_t k = 0; k < table.n && !rc; k++)
			rc = ix_strv_push(rows, table.v[k]);
		ix_strv_free(&table);
	}
	ix_strv_free(&tables);
	return rc;
}

/* Whether keys hold each table's figures together (a table's name is a
 * key's part before its first '/'): then they are their own union_rows,
 * one column's being the union of that column alone.  A key of a new
 * table is compared with each table's first key so far, not with every
 * key (182 compares a report, callgrind): the keys before it are grouped.
 * False when that list cannot be had: union_rows then finds the same. */
static bool grouped(const ix_strv *keys)
{
	if (keys->n < 2)
		return true;
	size_t *first = malloc(keys->n * sizeof *first);
	if (!first)
		return false;
	size_t nfirst = 0;
	first[nfirst++] = 0;
	bool ok = true;
	for (size_t i = 1; i < keys->n && ok; i++) {
		const char *k = keys->v[i], *prev = keys->v[i - 1];
		size_t len = strcspn(k, "/");
		if (!strncmp(k, prev, len) && prev[len] == '/')
			continue;	/* the table of the key before */
		for (size_t g = 0; g < nfirst && ok; g++) {
			const char *f = keys->v[first[g]];
			if (!strncmp(k, f, len) && f[len] == '/')
				ok = false;	/* a table seen before */
		}
		first[nfirst++] = i;
	}
	free(first);
	return ok;
}

int ix_trend_render_columns(ix_trend *t, column *cols, size_t n, ix_tnode *f)
{
	/* an agency of one report (70 % of the bench's) needs no union,
	 * which was 2/5 of rendering its file (callgrind) */
	ix_strv rows = {0};
	const ix_strv *rv = &rows;
	int rc = 0;
	if (n == 1 && grouped(&cols[0].keys))
		rv = &cols[0].keys;
	else
		rc = union_rows(cols, n, &rows);
	/* the unix dialect rendered, the excel one made from it by its line
	 * ends (ix_csv_crlf, as reprender.c makes a table's): rendering it
	 * again cost more than the conversion */
	nb_buf *sc = &t->scratch;
	nb_buf_reset(sc);
	if (!rc) {
		render(cols, n, rv, sc);
		nb_buf_add(&f->data_unix, sc->s, sc->len);
		nb_buf_add(&f->data, "\xEF\xBB\xBF", 3);	/* Excel reads the BOM */
		if (sc->oom || f->data_unix.oom)
			rc = -ENOMEM;
	}
	if (!rc)
		rc = ix_csv_crlf(&f->data, f->data_unix.s, f->data_unix.len);
	f->has_unix = !rc;
	ix_strv_free(&rows);
	return rc;
}

int ix_trend_render_members(ix_trend *t, const ix_trend_member *m, size_t n,
			    ix_tnode *f)
{
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++)
		rc = add_column(t, m[i].id, m[i].year_dir);
	if (!rc)
		rc = ix_trend_render_columns(t, t->cols, t->ncols, f);
	clear_columns(t);
	return rc;
}

int ix_trend_open(sqlite3 *db, FILE *err, ix_trend **out)
{
	trend *t = calloc(1, sizeof *t);
	if (!t)
		return -ENOMEM;
	*t = (trend){.db = db, .err = err};
	int rc = 0;
	if (sqlite3_prepare_v3(db, members_sql, -1, SQLITE_PREPARE_PERSISTENT,
			       &t->members, NULL) != SQLITE_OK)
		rc = db_error(t);
	if (!rc)
		rc = ix_figures_new(db, err, &t->figures);
	if (rc) {
		ix_trend_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

int ix_trend_new(sqlite3 *db, ix_trend **out)
{
	return ix_trend_open(db, NULL, out);
}

void ix_trend_free(ix_trend *t)
{
	if (!t)
		return;
	clear_columns(t);
	free(t->cols);
	nb_buf_free(&t->scratch);
	sqlite3_finalize(t->members);
	ix_figures_free(t->figures);
	free(t);
}

int ix_trend_render(ix_trend *t, int64_t agency_ino, ix_tnode *f)
{
	sqlite3_stmt *st = t->members;
	sqlite3_bind_int64(st, 1, agency_ino);
	int rc = 0, step;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *year_dir = (const char *)sqlite3_column_text(st, 1);
		rc = add_column(t, sqlite3_column_int64(st, 0),
				year_dir ? year_dir : "");
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_error(t);
	sqlite3_reset(st);
	if (!rc)
		rc = ix_trend_render_columns(t, t->cols, t->ncols, f);
	clear_columns(t);
	return rc;
}
