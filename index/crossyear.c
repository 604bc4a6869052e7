/* crossyear.c — the cross-year checks of one agency's reports: the numbers
 * each of core's cross-year rules (nb_cross_rules) reads, fetched from two
 * consecutive years' tables, and its results stored as check_result rows.
 * The rules themselves are core's. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ix.h"

typedef struct {
	nb_xcell *v;		/* its strings malloc'd */
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
		free((char *)c->v[i].row);
		free((char *)c->v[i].col);
		free((char *)c->v[i].text);
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
		nb_dec v;
		if (!nb_dec_parse((const char *)sqlite3_column_text(st, 2), &v))
			continue;
		nb_xcell *nv = nb_grow(out->v, &out->cap, out->n + 1, sizeof *nv, 32);
		if (!nv) {
			rc = -ENOMEM;
			break;
		}
		out->v = nv;
		nb_xcell *c = &out->v[out->n++];
		*c = (nb_xcell){col_dup(st, 0), col_dup(st, 1), v, col_dup(st, 2)};
		if (!c->row || !c->col || !c->text) {
			rc = -ENOMEM;
			break;
		}
	}
	if (!rc && step != SQLITE_DONE) {
		ix_say_db(x->err, x->db);
		rc = -EIO;
	}
	sqlite3_reset(st);
	if (rc)
		cells_free(out);
	return rc;
}

/* What the report being checked is, for the results (nb_xemit's ctx). */
typedef struct {
	cross *x;
	int64_t id;
} checked;

static int add_check(void *ctx, const char *rule, const char *subject,
		     bool ok, const char *detail)
{
	cross *x = ((checked *)ctx)->x;
	int64_t id = ((checked *)ctx)->id;
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
		ix_say_db(x->err, x->db);
	sqlite3_reset(st);
	return rc;
}

/* Applies rule r to the reports prev and cur of consecutive years. */
static int apply(cross *x, const nb_xrule *r, const ix_yearly *prev,
		 const ix_yearly *cur)
{
	num_cells a, b;
	int rc = load(x, prev->id, r->kind, r->table, &a);
	if (rc)
		return rc;
	if ((rc = load(x, cur->id, r->kind, r->table, &b))) {
		cells_free(&a);
		return rc;
	}
	nb_xyear ya = { prev->year, a.v, a.n }, yb = { cur->year, b.v, b.n };
	checked c = { x, cur->id };
	rc = r->check(&ya, &yb, add_check, &c);
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
		ix_say_db(err, db);
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
		const nb_xrule *rules;
		size_t nrules = nb_cross_rules(&rules);
		for (size_t k = 0; k < nrules && !rc; k++)
			rc = apply(x, &rules[k], &v[prev], &v[i]);
	}
	return rc;
}
