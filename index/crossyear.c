/* crossyear.c — the cross-year checks of one agency's reports: the numbers
 * each of core's cross-year rules (nb_cross_rules) reads, taken from two
 * consecutive years' tables, and its results kept in check_list.cross.
 * The rules themselves are core's.
 *
 * A report is the later year of one pair and the earlier of the next: its
 * numbers are read once (rows.c), for every rule at once, and kept for the
 * next pair.  Each of the pair's two slots loads through a row reader of
 * its own, so that its numbers point into what that reader loaded, valid
 * until the slot is loaded again: nothing is copied or freed per cell.
 * (A strdup and a free per cell, on the writer's heap fragmented by the
 * parse phase, made glibc's malloc 55 % of this step at 100,000 reports:
 * 5.2 s, against 0.05-0.1 s at 10,000; perf record.)
 *
 * Its results are packed in C (checkpack.c) and written in one UPDATE,
 * their strings given ids in the order check_result's trigger gives them
 * (rule, subject, detail, '[]' for each check), so that the index is what
 * inserting them one by one into check_result made. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ix.h"
#include "store.h"
#include "rows.h"

typedef struct {
	nb_xcell *v;		/* into what the slot's rows loaded */
	size_t n, cap;		/* cap kept from load to load */
} num_cells;

/* One report's numbers, for each rule. */
typedef struct {
	int64_t id;		/* 0: none */
	num_cells *rule;	/* [nrules] */
	ix_rows *rows;		/* the slot's: its numbers point into it */
} numbers;

enum { S_LIST, S_CROSS, S_COUNT };

static const char *const sql[S_COUNT] = {
	/* as check_result's trigger makes it for a report without one */
	[S_LIST] = "INSERT OR IGNORE INTO check_list(report, kinds, results)"
		" VALUES(?, ?, '[]')",
	[S_CROSS] = "UPDATE check_list SET cross = ? WHERE report = ?",
};

struct ix_cross {
	sqlite3 *db;
	FILE *err;
	sqlite3_stmt *q[S_COUNT];
	ix_strtab *strs;
	const nb_xrule *rules;
	size_t nrules;
	numbers slot[2];	/* the pair's two reports */
	nb_buf cross;		/* the report's results, packed */
	int64_t empty;		/* the str id of '[]' */
};
typedef struct ix_cross cross;

static void numbers_clear(cross *x, numbers *s)
{
	for (size_t k = 0; s->rule && k < x->nrules; k++)
		s->rule[k].n = 0;
	s->id = 0;
}

static void numbers_free(cross *x, numbers *s)
{
	for (size_t k = 0; s->rule && k < x->nrules; k++)
		free(s->rule[k].v);
	free(s->rule);
	ix_rows_free(s->rows);
	*s = (numbers){0};
}

static int add_cell(num_cells *out, const char *row, const char *col,
		    nb_dec v, const char *text)
{
	nb_xcell *nv = nb_grow(out->v, &out->cap, out->n + 1, sizeof *nv, 32);
	if (!nv)
		return -ENOMEM;
	out->v = nv;
	nv[out->n++] = (nb_xcell){row, col, v, text};
	return 0;
}

/* Whether rule r reads table tb: its kind, and its name if it names one. */
static bool reads(const nb_xrule *r, const ix_table *tb)
{
	return tb->kind == (int64_t)r->kind &&
		(!r->table || (tb->name && !strcmp(tb->name, r->table)));
}

/* The printed numbers of report id's tables, for each rule those of the
 * tables it reads, in (table, row, column) order: the cells holding a
 * number, in a labelled row and a headed column. */
static int load(cross *x, int64_t id, numbers *s)
{
	const ix_table *v;
	size_t n;
	numbers_clear(x, s);
	int rc = ix_rows_load(s->rows, id, &v, &n);
	for (size_t i = 0; i < n && !rc; i++) {
		const ix_table *tb = &v[i];
		for (size_t k = 0; k < x->nrules && !rc; k++) {
			if (!reads(&x->rules[k], tb))
				continue;
			for (size_t j = 0; j < tb->nrowv && !rc; j++) {
				const ix_row *row = &tb->rows[j];
				for (size_t c = 0; row->label && c < row->ncells &&
				     c < tb->nheaders && !rc; c++) {
					const ix_cell *cell = &row->cells[c];
					nb_dec d;
					if (cell->state == IX_CELL_NUMBER &&
					    tb->headers[c] &&
					    nb_dec_parse(cell->value, &d))
						rc = add_cell(&s->rule[k],
							      row->label,
							      tb->headers[c], d,
							      cell->value);
				}
			}
		}
	}
	if (!rc)
		s->id = id;	/* else none: cleared above */
	return rc;
}

static numbers *held(cross *x, int64_t id)
{
	for (int i = 0; i < 2; i++)
		if (x->slot[i].id == id)
			return &x->slot[i];
	return NULL;
}

/* Report id's numbers: kept from the pair before, else loaded into the
 * slot that does not hold keep's. */
static int numbers_of(cross *x, int64_t id, int64_t keep,
		      const numbers **out)
{
	numbers *s = held(x, id);
	if (s) {
		*out = s;
		return 0;
	}
	s = x->slot[0].id == keep ? &x->slot[1] : &x->slot[0];
	*out = s;
	return load(x, id, s);
}

/* A result of the report being checked (nb_xemit's; ctx the cross). */
static int add_check(void *ctx, const char *rule, const char *subject,
		     bool ok, const char *detail)
{
	cross *x = ctx;
	int64_t r, s, d;
	int rc = ix_strtab_id(x->strs, rule, &r);
	if (!rc)
		rc = ix_strtab_id(x->strs, subject, &s);
	if (!rc)
		rc = ix_strtab_id(x->strs, detail, &d);
	if (!rc)
		rc = ix_strtab_id(x->strs, "[]", &x->empty);
	if (rc)
		return rc;
	ix_cross_pack(&x->cross, r, s, ok, d);
	return x->cross.oom ? -ENOMEM : 0;
}

/* Writes the results packed for report id. */
static int write_checks(cross *x, int64_t id)
{
	sqlite3_stmt *st = x->q[S_LIST];
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, x->empty);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -EIO;
	sqlite3_reset(st);
	if (!rc) {
		st = x->q[S_CROSS];
		sqlite3_bind_text(st, 1, x->cross.s, (int)x->cross.len,
				  SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, id);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -EIO;
		sqlite3_reset(st);
	}
	if (rc)
		ix_say_db(x->err, x->db);
	return rc;
}

/* Applies every rule to the reports prev and cur of consecutive years. */
static int apply(cross *x, const ix_yearly *prev, const ix_yearly *cur)
{
	const numbers *a, *b;
	int rc = numbers_of(x, prev->id, cur->id, &a);
	if (!rc)
		rc = numbers_of(x, cur->id, prev->id, &b);
	nb_buf_reset(&x->cross);
	for (size_t k = 0; k < x->nrules && !rc; k++) {
		const num_cells *ca = &a->rule[k], *cb = &b->rule[k];
		nb_xyear ya = {prev->year, ca->v, ca->n};
		nb_xyear yb = {cur->year, cb->v, cb->n};
		rc = x->rules[k].check(&ya, &yb, add_check, x);
	}
	if (!rc && x->cross.len)
		rc = write_checks(x, cur->id);
	return rc;
}

int ix_cross_new(sqlite3 *db, FILE *err, ix_cross **out)
{
	cross *x = calloc(1, sizeof *x);
	if (!x)
		return -ENOMEM;
	x->db = db;
	x->err = err;
	x->nrules = nb_cross_rules(&x->rules);
	int rc = ix_strtab_new(db, &x->strs);
	if (rc == -EIO)
		ix_say_db(err, db);
	for (int i = 0; i < S_COUNT && !rc; i++) {
		if (sqlite3_prepare_v3(db, sql[i], -1, SQLITE_PREPARE_PERSISTENT,
				       &x->q[i], NULL) != SQLITE_OK) {
			ix_say_db(err, db);
			rc = -EIO;
		}
	}
	for (int i = 0; i < 2 && !rc; i++) {
		if (!(x->slot[i].rule = calloc(x->nrules + 1,
					       sizeof *x->slot[i].rule)))
			rc = -ENOMEM;
		else
			rc = ix_rows_new(db, err, &x->slot[i].rows);
	}
	if (rc) {
		ix_cross_free(x);
		return rc;
	}
	*out = x;
	return 0;
}

void ix_cross_free(ix_cross *x)
{
	if (!x)
		return;
	for (int i = 0; i < 2; i++)
		numbers_free(x, &x->slot[i]);
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(x->q[i]);
	ix_strtab_free(x->strs);
	nb_buf_free(&x->cross);
	free(x);
}

int ix_cross_forget(ix_cross *x, int64_t id)
{
	sqlite3_stmt *st = x->q[S_CROSS];
	sqlite3_bind_null(st, 1);
	sqlite3_bind_int64(st, 2, id);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -EIO;
	sqlite3_reset(st);
	if (rc)
		ix_say_db(x->err, x->db);
	return rc;
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
		rc = apply(x, &v[prev], &v[i]);
	}
	return rc;
}
