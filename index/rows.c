/*
 * rows.c — one report's tables read back for rendering, straight from
 * stored_table, stored_row and str: two range scans of the report's rows,
 * the packed cells and headers unpacked in C (cellpack.c), each str id's
 * text looked up once per connection.  The views (report_table,
 * table_column, table_row, cell) show the same, for users; read through
 * them, json_each and json_extract cost ~5 M instructions a report, and
 * the tree phase reads every report three times (its files, _all,
 * 趋势.csv) and the cross-year checks twice more.
 *
 * What a load returns lives in one buffer (the rows' texts, the cells
 * decoded in place) and a few arrays, all reused from load to load: a
 * report allocates nothing once the first few have grown them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ix.h"
#include "store.h"
#include "rows.h"

enum { Q_TABLES, Q_ROWS, Q_STR, Q_CHECKS, Q_CROSS, Q_COUNT };

static const char *const sql[Q_COUNT] = {
	[Q_TABLES] = "SELECT tbl_no, kind, format, name, label_header, ncols,"
		" nrows, headers FROM stored_table WHERE report = ?"
		" ORDER BY tbl_no",
	[Q_ROWS] = "SELECT tbl_no, row_no, label, printed, extra, cells"
		" FROM stored_row WHERE report = ? ORDER BY tbl_no, row_no",
	[Q_STR] = "SELECT text FROM str WHERE id = ?",
	[Q_CHECKS] = "SELECT kinds, results, cross FROM check_list"
		" WHERE report = ?",
	[Q_CROSS] = "SELECT cross FROM check_list WHERE report = ?",
};

/* Where a loaded table's parts are while the arrays may still move. */
typedef struct {
	size_t format, headers, rows;	/* offsets in text, first indexes */
} table_at;

typedef struct {
	size_t printed, cells;		/* offsets in text (NONE: NULL) */
	size_t first;			/* its first cell in cells */
	int64_t tbl;
} row_at;

#define NONE SIZE_MAX

struct ix_rows {
	sqlite3 *db;
	FILE *err;
	sqlite3_stmt *q[Q_COUNT];
	char **strs;		/* str's texts by id, as looked up */
	size_t nstrs;
	nb_buf text;		/* the load's texts */
	ix_table *tables;
	table_at *tat;
	size_t ntables, tcap, tatcap;
	ix_row *rows;
	row_at *rat;
	size_t nrows, rcap, ratcap;
	ix_idv ids;		/* the tables' headers' str ids */
	const char **headers;	/* ... and their texts */
	size_t hcap;
	ix_cellv cells;
	ix_checkv check_ids;	/* a report's checks */
	ix_check *checks;
	size_t ccap;
};

static int db_error(ix_rows *r)
{
	ix_say_db(r->err, r->db);
	return -EIO;
}

int ix_rows_str(ix_rows *r, int64_t id, const char **out)
{
	*out = NULL;
	if (id <= 0)
		return 0;
	if ((size_t)id < r->nstrs && r->strs[id]) {
		*out = r->strs[id];
		return 0;
	}
	sqlite3_stmt *st = r->q[Q_STR];
	sqlite3_bind_int64(st, 1, id);
	int step = sqlite3_step(st), rc = 0;
	if (step == SQLITE_ROW) {
		size_t cap = r->nstrs;
		char **v = nb_grow(r->strs, &cap, (size_t)id + 1, sizeof *v, 256);
		char *s = v ? nb_strdup((const char *)sqlite3_column_text(st, 0))
			: NULL;
		if (v) {
			memset(v + r->nstrs, 0, (cap - r->nstrs) * sizeof *v);
			r->strs = v;
			r->nstrs = cap;
		}
		if (s)
			*out = r->strs[id] = s;
		else
			rc = -ENOMEM;
	} else if (step != SQLITE_DONE) {
		rc = db_error(r);
	}
	sqlite3_reset(st);
	return rc;
}

/* A column's text copied into r->text: its offset, NONE for NULL. */
static size_t keep(ix_rows *r, sqlite3_stmt *st, int col)
{
	const char *s = (const char *)sqlite3_column_text(st, col);
	if (!s)
		return NONE;
	size_t at = r->text.len;
	nb_buf_add(&r->text, s, (size_t)sqlite3_column_bytes(st, col) + 1);
	return at;
}

static const char *text_at(const ix_rows *r, size_t at)
{
	return at == NONE ? NULL : r->text.s + at;
}

static int load_tables(ix_rows *r, int64_t report)
{
	sqlite3_stmt *st = r->q[Q_TABLES];
	int rc = 0, step;
	sqlite3_bind_int64(st, 1, report);
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		ix_table *t = nb_grow(r->tables, &r->tcap, r->ntables + 1,
				      sizeof *t, 16);
		if (t)
			r->tables = t;
		table_at *a = nb_grow(r->tat, &r->tatcap, r->ntables + 1,
				      sizeof *a, 16);
		if (a)
			r->tat = a;
		if (!t || !a) {
			rc = -ENOMEM;
			break;
		}
		t += r->ntables;
		a += r->ntables++;
		*t = (ix_table){
			.no = sqlite3_column_int64(st, 0),
			.kind = sqlite3_column_int64(st, 1),
			.ncols = sqlite3_column_int64(st, 5),
			.nrows = sqlite3_column_int64(st, 6),
		};
		*a = (table_at){.format = keep(r, st, 2), .headers = r->ids.n};
		rc = ix_rows_str(r, sqlite3_column_int64(st, 3), &t->name);
		if (!rc)
			rc = ix_rows_str(r, sqlite3_column_int64(st, 4),
					 &t->label_header);
		const char *h = (const char *)sqlite3_column_text(st, 7);
		if (!rc && h && (rc = ix_ids_unpack(h, &r->ids)) == -EINVAL)
			ix_say(r->err, "%s: report %lld, table %lld: its"
			       " headers are malformed JSON, or not as"
			       " cellpack.c packs them: %s",
			       sqlite3_db_filename(r->db, "main"),
			       (long long)report, (long long)t->no, h);
		t->nheaders = r->ids.n - a->headers;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_error(r);
	sqlite3_reset(st);
	if (rc)
		return rc == -EINVAL ? -EIO : rc;
	const char **hv = nb_grow(r->headers, &r->hcap, r->ids.n + 1,
				  sizeof *hv, 64);
	if (!hv)
		return -ENOMEM;
	r->headers = hv;
	for (size_t i = 0; i < r->ids.n && !rc; i++)
		rc = ix_rows_str(r, r->ids.v[i], &hv[i]);
	return rc;
}

static int load_rows(ix_rows *r, int64_t report)
{
	sqlite3_stmt *st = r->q[Q_ROWS];
	size_t k = 0;		/* the table of the rows coming */
	int rc = 0, step;
	sqlite3_bind_int64(st, 1, report);
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t tbl = sqlite3_column_int64(st, 0);
		while (k < r->ntables && r->tables[k].no < tbl)
			k++;
		if (k == r->ntables || r->tables[k].no != tbl)
			continue;	/* no such table: the views show none */
		ix_row *w = nb_grow(r->rows, &r->rcap, r->nrows + 1, sizeof *w,
				    64);
		if (w)
			r->rows = w;
		row_at *a = nb_grow(r->rat, &r->ratcap, r->nrows + 1, sizeof *a,
				    64);
		if (a)
			r->rat = a;
		if (!w || !a) {
			rc = -ENOMEM;
			break;
		}
		if (!r->tables[k].nrowv++)
			r->tat[k].rows = r->nrows;
		w += r->nrows;
		a += r->nrows++;
		*w = (ix_row){
			.no = sqlite3_column_int64(st, 1),
			.extra = sqlite3_column_int(st, 4),
		};
		*a = (row_at){.printed = keep(r, st, 3), .cells = keep(r, st, 5),
			      .tbl = tbl};
		rc = ix_rows_str(r, sqlite3_column_int64(st, 2), &w->label);
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_error(r);
	sqlite3_reset(st);
	return rc;
}

/* Every pointer into the arrays and the text, now that they stay put; the
 * cells unpacked. */
static int settle(ix_rows *r, int64_t report)
{
	if (r->text.oom)
		return -ENOMEM;
	for (size_t i = 0; i < r->nrows; i++) {
		ix_row *w = &r->rows[i];
		row_at *a = &r->rat[i];
		w->printed = text_at(r, a->printed);
		a->first = r->cells.n;
		if (a->cells == NONE)
			continue;
		int rc = ix_cells_unpack(r->text.s + a->cells, &r->cells);
		if (rc == -EINVAL)
			ix_say(r->err, "%s: report %lld, table %lld, row %lld:"
			       " its cells are malformed JSON, or not as"
			       " cellpack.c packs them",
			       sqlite3_db_filename(r->db, "main"),
			       (long long)report, (long long)a->tbl,
			       (long long)w->no);
		if (rc)
			return rc == -EINVAL ? -EIO : rc;
		w->ncells = r->cells.n - a->first;
	}
	for (size_t i = 0; i < r->nrows; i++)
		r->rows[i].cells = r->cells.v + r->rat[i].first;
	for (size_t i = 0; i < r->ntables; i++) {
		ix_table *t = &r->tables[i];
		t->format = text_at(r, r->tat[i].format);
		t->headers = r->headers + r->tat[i].headers;
		t->rows = r->rows + r->tat[i].rows;
	}
	return 0;
}

int ix_rows_load(ix_rows *r, int64_t report, const ix_table **tables,
		 size_t *n)
{
	nb_buf_reset(&r->text);
	r->ntables = r->nrows = r->ids.n = r->cells.n = 0;
	int rc = load_tables(r, report);
	if (!rc)
		rc = load_rows(r, report);
	if (!rc)
		rc = settle(r, report);
	*tables = rc ? NULL : r->tables;
	*n = rc ? 0 : r->ntables;
	return rc;
}

/* The checks as ids, from the report's check_list row (none without one,
 * or when its list of kinds is not in str: the view joins them); with
 * cross_only, those across years alone. */
static int load_checks(ix_rows *r, int64_t report, bool cross_only)
{
	sqlite3_stmt *st = r->q[cross_only ? Q_CROSS : Q_CHECKS];
	sqlite3_bind_int64(st, 1, report);
	int rc = 0, step = sqlite3_step(st);
	const char *kinds = NULL;
	if (step == SQLITE_ROW && cross_only)
		kinds = "[]";
	else if (step == SQLITE_ROW)
		rc = ix_rows_str(r, sqlite3_column_int64(st, 0), &kinds);
	else if (step != SQLITE_DONE)
		rc = db_error(r);
	if (!rc && kinds) {
		int at = cross_only ? 0 : 2;
		const char *results = cross_only ? "[]" :
			(const char *)sqlite3_column_text(st, 1);
		rc = ix_checks_unpack(kinds, results ? results : "",
				      (const char *)sqlite3_column_text(st, at),
				      &r->check_ids);
		if (rc == -EINVAL) {
			ix_say(r->err, "%s: report %lld: its checks are"
			       " malformed JSON, or not as checkpack.c packs"
			       " them",
			       sqlite3_db_filename(r->db, "main"),
			       (long long)report);
			rc = -EIO;
		}
	}
	sqlite3_reset(st);
	return rc;
}

static int checks_of(ix_rows *r, int64_t report, bool cross_only,
		     const ix_check **checks, size_t *n)
{
	*checks = NULL;
	*n = 0;
	r->check_ids.n = 0;
	int rc = load_checks(r, report, cross_only);
	if (rc || !r->check_ids.n)
		return rc;
	ix_check *v = nb_grow(r->checks, &r->ccap, r->check_ids.n,
			      sizeof *v, 64);
	if (!v)
		return -ENOMEM;
	r->checks = v;
	for (size_t i = 0; i < r->check_ids.n && !rc; i++) {
		const ix_check_ids *c = &r->check_ids.v[i];
		v[i].ok = c->ok;
		rc = ix_rows_str(r, c->rule, &v[i].rule);
		if (!rc)
			rc = ix_rows_str(r, c->subject, &v[i].subject);
		if (!rc)
			rc = ix_rows_str(r, c->detail, &v[i].detail);
	}
	if (!rc) {
		*checks = v;
		*n = r->check_ids.n;
	}
	return rc;
}

int ix_rows_checks(ix_rows *r, int64_t report, const ix_check **checks,
		   size_t *n)
{
	return checks_of(r, report, false, checks, n);
}

int ix_rows_cross(ix_rows *r, int64_t report, const ix_check **checks,
		  size_t *n)
{
	return checks_of(r, report, true, checks, n);
}

int ix_rows_new(sqlite3 *db, FILE *err, ix_rows **out)
{
	ix_rows *r = calloc(1, sizeof *r);
	if (!r)
		return -ENOMEM;
	r->db = db;
	r->err = err;
	for (int i = 0; i < Q_COUNT; i++) {
		if (sqlite3_prepare_v3(db, sql[i], -1, SQLITE_PREPARE_PERSISTENT,
				       &r->q[i], NULL) != SQLITE_OK) {
			int rc = db_error(r);
			ix_rows_free(r);
			return rc;
		}
	}
	*out = r;
	return 0;
}

void ix_rows_free(ix_rows *r)
{
	if (!r)
		return;
	for (int i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(r->q[i]);
	for (size_t i = 0; i < r->nstrs; i++)
		free(r->strs[i]);
	free(r->strs);
	nb_buf_free(&r->text);
	free(r->tables);
	free(r->tat);
	free(r->rows);
	free(r->rat);
	free(r->ids.v);
	free(r->headers);
	free(r->cells.v);
	free(r->check_ids.v);
	free(r->checks);
	free(r);
}
