/* crossyear.c — the consistency rules between consecutive years of one
 * agency (report-format.md, "Across years of one agency"):
 *   cross_year.carry_over  last year's 四、结转下年度继续办理 = this year's
 *                          二、上年结转政府信息公开申请数量, per column;
 *   cross_year.t2_current  (2021 format 第二十条第（一）项) last year's
 *                          现行有效件数 + 本年制发件数 − 本年废止件数 = this
 *                          year's 现行有效件数, per row.
 * A rule is checked only where every number it needs was printed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ix.h"

#define CARRIED_OUT "四、结转下年度继续办理"
#define CARRIED_IN "二、上年结转政府信息公开申请数量"
#define T2_CLAUSE "第二十条第（一）项"
#define T2_ISSUED "本年制发件数"
#define T2_REPEALED "本年废止件数"
#define T2_CURRENT "现行有效件数"

typedef struct {
	char *row, *col;
	int64_t v;		/* scaled by 10^6 (ix_decimal) */
	char *text;
} num_cell;

typedef struct {
	num_cell *v;
	size_t n, cap;
} num_cells;

struct ix_cross {
	sqlite3 *db;
	sqlite3_stmt *cells, *seq, *insert;
	FILE *err;
};
typedef struct ix_cross cross;

static void cells_free(num_cells *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].row);
		free(c->v[i].col);
		free(c->v[i].text);
	}
	free(c->v);
	*c = (num_cells){0};
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	return strdup(s ? s : "");
}

/* The printed numbers of report id's tables of kind (and name, if given). */
static int load(cross *x, int64_t id, int kind, const char *name,
		num_cells *out)
{
	sqlite3_stmt *st = x->cells;
	*out = (num_cells){0};
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, kind);
	if (name)
		sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 3);
	int rc = 0, step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t v;
		if (!ix_decimal((const char *)sqlite3_column_text(st, 2), &v))
			continue;
		if (out->n == out->cap) {
			size_t cap = out->cap ? out->cap * 2 : 32;
			num_cell *nv = realloc(out->v, cap * sizeof *nv);
			if (!nv) {
				rc = -ENOMEM;
				break;
			}
			out->v = nv;
			out->cap = cap;
		}
		num_cell *c = &out->v[out->n++];
		*c = (num_cell){col_dup(st, 0), col_dup(st, 1), v, col_dup(st, 2)};
		if (!c->row || !c->col || !c->text) {
			rc = -ENOMEM;
			break;
		}
	}
	if (!rc && step != SQLITE_DONE) {
		ix_say(x->err, "%s: %s", sqlite3_db_filename(x->db, "main"),
		       sqlite3_errmsg(x->db));
		rc = -EIO;
	}
	sqlite3_reset(st);
	if (rc)
		cells_free(out);
	return rc;
}

/* The cell at row, in the first column whose header starts with col. */
static const num_cell *find(const num_cells *c, const char *row,
			    const char *col)
{
	size_t n = strlen(col);
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].row, row) && !strncmp(c->v[i].col, col, n))
			return &c->v[i];
	return NULL;
}

static int add_check(cross *x, int64_t id, const char *rule,
		     const char *subject, bool ok, const char *detail)
{
	sqlite3_stmt *st = x->seq;
	sqlite3_bind_int64(st, 1, id);
	int64_t seq = sqlite3_step(st) == SQLITE_ROW ?
		sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);

	st = x->insert;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, seq);
	sqlite3_bind_text(st, 3, rule, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, subject, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, ok);
	sqlite3_bind_text(st, 6, detail, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -EIO;
	if (rc)
		ix_say(x->err, "%s: %s", sqlite3_db_filename(x->db, "main"),
		       sqlite3_errmsg(x->db));
	sqlite3_reset(st);
	return rc;
}

static int carry_over(cross *x, const ix_yearly *prev, const ix_yearly *cur)
{
	num_cells a, b;
	int rc = load(x, prev->id, NB_TABLE_REQUESTS, NULL, &a);
	if (rc)
		return rc;
	if ((rc = load(x, cur->id, NB_TABLE_REQUESTS, NULL, &b))) {
		cells_free(&a);
		return rc;
	}
	for (size_t i = 0; i < b.n && !rc; i++) {
		const num_cell *in = &b.v[i];
		if (strcmp(in->row, CARRIED_IN))
			continue;
		const num_cell *out = NULL;
		for (size_t j = 0; j < a.n && !out; j++)
			if (!strcmp(a.v[j].row, CARRIED_OUT) &&
			    !strcmp(a.v[j].col, in->col))
				out = &a.v[j];
		if (!out)
			continue;
		ix_buf d = {0};
		ix_buf_printf(&d, "%d年 %s %s；%d年 %s %s", prev->year,
			      CARRIED_OUT, out->text, cur->year, CARRIED_IN,
			      in->text);
		rc = d.oom ? -ENOMEM :
			add_check(x, cur->id, "cross_year.carry_over", in->col,
				  out->v == in->v, d.s);
		ix_buf_free(&d);
	}
	cells_free(&a);
	cells_free(&b);
	return rc;
}

static int t2_current(cross *x, const ix_yearly *prev, const ix_yearly *cur)
{
	num_cells a, b;
	int rc = load(x, prev->id, NB_TABLE_ACTIVE, T2_CLAUSE, &a);
	if (rc)
		return rc;
	if ((rc = load(x, cur->id, NB_TABLE_ACTIVE, T2_CLAUSE, &b))) {
		cells_free(&a);
		return rc;
	}
	for (size_t i = 0; i < b.n && !rc; i++) {
		const num_cell *now = &b.v[i];
		if (strncmp(now->col, T2_CURRENT, strlen(T2_CURRENT)))
			continue;
		const num_cell *was = find(&a, now->row, T2_CURRENT);
		const num_cell *issued = find(&b, now->row, T2_ISSUED);
		const num_cell *repealed = find(&b, now->row, T2_REPEALED);
		if (!was || !issued || !repealed)
			continue;
		int64_t expect = was->v + issued->v - repealed->v;
		char sum[48];
		ix_decimal_str(expect, sum, sizeof sum);
		ix_buf d = {0};
		ix_buf_printf(&d, "%d年 %s %s + %d年 %s %s − %s %s = %s；"
			      "%d年 %s %s", prev->year, T2_CURRENT, was->text,
			      cur->year, T2_ISSUED, issued->text, T2_REPEALED,
			      repealed->text, sum, cur->year, T2_CURRENT,
			      now->text);
		rc = d.oom ? -ENOMEM :
			add_check(x, cur->id, "cross_year.t2_current", now->row,
				  expect == now->v, d.s);
		ix_buf_free(&d);
	}
	cells_free(&a);
	cells_free(&b);
	return rc;
}

int ix_cross_new(sqlite3 *db, FILE *err, ix_cross **out)
{
	cross *x = calloc(1, sizeof *x);
	if (!x)
		return -ENOMEM;
	x->db = db;
	x->err = err;
	if (sqlite3_prepare_v2(db,
		"SELECT tr.label, tc.header, c.value FROM cell c"
		" JOIN report_table t ON t.report = c.report AND t.tbl_no = c.tbl_no"
		" JOIN table_row tr ON tr.report = c.report"
		" AND tr.tbl_no = c.tbl_no AND tr.row_no = c.row_no"
		" JOIN table_column tc ON tc.report = c.report"
		" AND tc.tbl_no = c.tbl_no AND tc.col_no = c.col_no"
		" WHERE c.report = ?1 AND t.kind = ?2 AND (?3 IS NULL OR t.name = ?3)"
		" AND c.state = 0 AND tr.label IS NOT NULL"
		" AND tc.header IS NOT NULL"
		" ORDER BY c.tbl_no, c.row_no, c.col_no", -1, &x->cells, NULL) ||
	    sqlite3_prepare_v2(db,
		"SELECT coalesce(max(seq) + 1, 0) FROM check_result"
		" WHERE report = ?", -1, &x->seq, NULL) ||
	    sqlite3_prepare_v2(db,
		"INSERT INTO check_result(report, seq, scope, rule, subject,"
		" ok, detail) VALUES(?, ?, 'cross_year', ?, ?, ?, ?)", -1,
		&x->insert, NULL)) {
		ix_say(err, "%s: %s", sqlite3_db_filename(db, "main"),
		       sqlite3_errmsg(db));
		ix_cross_free(x);
		return -EIO;
	}
	*out = x;
	return 0;
}

void ix_cross_free(ix_cross *x)
{
	if (!x)
		return;
	sqlite3_finalize(x->cells);
	sqlite3_finalize(x->seq);
	sqlite3_finalize(x->insert);
	free(x);
}

int ix_cross_year(ix_cross *x, const ix_yearly *v, size_t n)
{
	int rc = 0;
	size_t prev = 0;	/* first report of the year before v[i]'s */
	for (size_t i = 0; i < n && !rc; i++) {
		if (v[i].year <= 0)
			continue;
		while (prev < n && v[prev].year < v[i].year - 1)
			prev++;
		if (prev >= n || v[prev].year != v[i].year - 1)
			continue;
		rc = carry_over(x, &v[prev], &v[i]);
		if (!rc)
			rc = t2_current(x, &v[prev], &v[i]);
	}
	return rc;
}
