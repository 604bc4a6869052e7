/* store.c — one parsed report into the rows of the index.  Labels, headers
 * and the checks' strings go into the stored_* tables as their str ids
 * (strtab.c), not through the views that show them as text; a table row's
 * cells into its stored_row and a table's headers into its stored_table,
 * packed (cellpack.c), the report's checks into one check_list row
 * (checkpack.c).
 *
 * This is the writer thread's part: the report comes made ready by the
 * worker that parsed it (ready.c).  Its strings are interned first, in
 * the order the views' triggers would have met them (so str's ids are
 * theirs); then its sections, its tables and all its tables' rows go in
 * an INSERT each (batch.c).  The writer's store step, 400 of the 10,000
 * bench reports (callgrind): 735,000 instructions a report before the two
 * steps, 281,000 after. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ready.h"
#include "store.h"

enum { S_REPORT, S_TEXT, S_CHECKS, S_COUNT };

static const char *const sql[S_COUNT] = {
	[S_REPORT] = "INSERT INTO stored_report(id, agency, agency_as_printed,"
		" agency_source, year, year_rule, title, published, format,"
		" encoding, traditional, agency_dir, year_dir)"
		" VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[S_TEXT] = "INSERT INTO report_text(id, text, preamble_off,"
		" preamble_len, preamble_text) VALUES(?,?,?,?,?)",
	[S_CHECKS] = "INSERT INTO check_list(report, kinds, results)"
		" VALUES(?,?,?)",
};

enum { B_SECTION, B_TABLE, B_ROW, B_WARNING, B_NOTE, B_COUNT };

static const struct {
	const char *head;
	int nparams;
} batches[B_COUNT] = {
	[B_SECTION] = {"INSERT INTO stored_section(report, seq, number,"
		" canonical, name, heading_off, heading_len, heading, text_off,"
		" text_len, text) VALUES", 11},
	[B_TABLE] = {"INSERT INTO stored_table(report, tbl_no, kind, format,"
		" name, label_header, ncols, nrows, headers) VALUES", 9},
	[B_ROW] = {"INSERT INTO stored_row(report, tbl_no, row_no, label,"
		" printed, extra, cells) VALUES", 7},
	[B_WARNING] = {"INSERT INTO warning(report, seq, text) VALUES", 3},
	[B_NOTE] = {"INSERT INTO note(report, seq, text) VALUES", 3},
};

/* A row of one of the report's tables. */
typedef struct {
	size_t tbl, row;
} row_ref;

struct ix_store {
	sqlite3 *db;
	sqlite3_stmt *st[S_COUNT];
	ix_batch *batch[B_COUNT];
	ix_strtab *strs;
	ix_bytemap *years;	/* agency directory and year: reports stored */
	nb_buf year_key;
	/* the report being stored: */
	int64_t id;
	const ix_ready *p;
	int64_t *sec_name;	/* str ids: a section's name, */
	int64_t *tbl_name, *tbl_label;	/* a table's name and label header, */
	int64_t *row_label;	/* a row's label (rows as in row_cells) */
	row_ref *rows;
	size_t sec_cap, tbl_cap, row_cap;
	nb_buf headers;		/* each table's, packed (cellpack.c), */
	ix_span *tbl_headers;	/* where */
	char *const *run;	/* warnings or notes, from number run_seq */
	size_t run_seq;
	nb_buf checks;		/* a report's results, packed (checkpack.c) */
};

int ix_store_new(sqlite3 *db, ix_store **out)
{
	ix_store *s = calloc(1, sizeof *s);
	if (!s)
		return -ENOMEM;
	s->db = db;
	int rc = ix_strtab_new(db, &s->strs);
	if (!rc)
		rc = ix_bytemap_new(&s->years);
	for (int i = 0; i < S_COUNT && !rc; i++)
		if (sqlite3_prepare_v3(db, sql[i], -1, SQLITE_PREPARE_PERSISTENT,
				       &s->st[i], NULL) != SQLITE_OK)
			rc = -EIO;
	for (int i = 0; i < B_COUNT && !rc; i++)
		rc = ix_batch_new(db, batches[i].head, batches[i].nparams,
				  &s->batch[i]);
	if (rc) {
		ix_store_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void ix_store_free(ix_store *s)
{
	if (!s)
		return;
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	for (int i = 0; i < B_COUNT; i++)
		ix_batch_free(s->batch[i]);
	ix_strtab_free(s->strs);
	ix_bytemap_free(s->years);
	nb_buf_free(&s->year_key);
	free(s->sec_name);
	free(s->tbl_name);
	free(s->tbl_label);
	free(s->tbl_headers);
	free(s->row_label);
	free(s->rows);
	nb_buf_free(&s->headers);
	nb_buf_free(&s->checks);
	free(s);
}

/* Binds text, NULL when s is NULL.  SQLITE_STATIC: every statement is
 * stepped and reset before the report is freed. */
static void text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* A str id, NULL for 0 (none). */
static void id_or_null(sqlite3_stmt *st, int i, int64_t id)
{
	if (id)
		sqlite3_bind_int64(st, i, id);
}

static int run(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -EIO;
}

/* part, the report's text's at pl (ready.c), as parameters col and
 * col + 1 (offset and length in bytes), or itself, parameter col + 2,
 * when it is not there. */
static void bind_place(sqlite3_stmt *st, int col, const char *part,
		       ix_place pl)
{
	if (!part)
		return;
	if (pl.off < 0) {
		text(st, col + 2, part);
		return;
	}
	sqlite3_bind_int64(st, col, pl.off);
	sqlite3_bind_int64(st, col + 1, pl.len);
}

/* Room for the report's ids: 0 or -ENOMEM. */
static int make_room(ix_store *s, const ix_ready *p)
{
	const nb_report *r = p->r;
	int64_t *v;
	size_t cap;
	if (r->nsections > s->sec_cap) {
		cap = s->sec_cap;
		if (!(v = nb_grow(s->sec_name, &cap, r->nsections, sizeof *v, 16)))
			return -ENOMEM;
		s->sec_name = v;
		s->sec_cap = cap;
	}
	if (r->ntables > s->tbl_cap) {
		void *a = NULL, *b = NULL, *c = NULL;
		size_t ca = s->tbl_cap, cb = s->tbl_cap, cc = s->tbl_cap;
		if ((a = nb_grow(s->tbl_name, &ca, r->ntables, sizeof *v, 16)))
			s->tbl_name = a;
		if ((b = nb_grow(s->tbl_label, &cb, r->ntables, sizeof *v, 16)))
			s->tbl_label = b;
		if ((c = nb_grow(s->tbl_headers, &cc, r->ntables,
				 sizeof *s->tbl_headers, 16)))
			s->tbl_headers = c;
		if (!a || !b || !c)
			return -ENOMEM;
		s->tbl_cap = ca;
	}
	if (p->nrows > s->row_cap) {
		void *a = NULL, *b = NULL;
		size_t ca = s->row_cap, cb = s->row_cap;
		if ((a = nb_grow(s->row_label, &ca, p->nrows, sizeof *v, 64)))
			s->row_label = a;
		if ((b = nb_grow(s->rows, &cb, p->nrows, sizeof *s->rows, 64)))
			s->rows = b;
		if (!a || !b)
			return -ENOMEM;
		s->row_cap = ca;
	}
	return 0;
}

/* The str ids of the report's strings, in the order the views' triggers
 * met them: each section's name, then each table's name, label header,
 * headers and rows' labels. */
static int intern(ix_store *s, const ix_ready *p)
{
	const nb_report *r = p->r;
	int rc = make_room(s, p);
	for (size_t i = 0; i < r->nsections && !rc; i++)
		rc = ix_strtab_id(s->strs, r->sections[i].name, &s->sec_name[i]);
	nb_buf_reset(&s->headers);
	nb_buf one = {0};
	size_t k = 0;
	for (size_t t = 0; t < r->ntables && !rc; t++) {
		const nb_table *tb = &r->tables[t];
		rc = ix_strtab_id(s->strs, tb->name, &s->tbl_name[t]);
		if (!rc)
			rc = ix_strtab_id(s->strs, tb->label_header,
					  &s->tbl_label[t]);
		if (!rc && !(rc = ix_headers_pack(s->strs, tb, &one))) {
			s->tbl_headers[t] = (ix_span){s->headers.len, one.len};
			nb_buf_add(&s->headers, one.s, one.len);
		}
		for (size_t i = 0; i < tb->nrows && !rc; i++, k++) {
			s->rows[k] = (row_ref){t, i};
			rc = ix_strtab_id(s->strs, tb->rows[i].label,
					  &s->row_label[k]);
		}
	}
	nb_buf_free(&one);
	return !rc && s->headers.oom ? -ENOMEM : rc;
}

static void bind_section(void *ctx, sqlite3_stmt *st, int b, size_t i)
{
	const ix_store *s = ctx;
	const nb_section *sec = &s->p->r->sections[i];
	sqlite3_bind_int64(st, b + 1, s->id);
	sqlite3_bind_int64(st, b + 2, (int64_t)i);
	sqlite3_bind_int(st, b + 3, sec->number);
	sqlite3_bind_int(st, b + 4, sec->canonical);
	id_or_null(st, b + 5, s->sec_name[i]);
	bind_place(st, b + 6, sec->heading, s->p->heading[i]);
	bind_place(st, b + 9, sec->text, s->p->text[i]);
}

static void bind_table(void *ctx, sqlite3_stmt *st, int b, size_t t)
{
	const ix_store *s = ctx;
	const nb_table *tb = &s->p->r->tables[t];
	sqlite3_bind_int64(st, b + 1, s->id);
	sqlite3_bind_int64(st, b + 2, (int64_t)t);
	sqlite3_bind_int(st, b + 3, tb->kind);
	sqlite3_bind_text(st, b + 4, nb_format_name(tb->format), -1,
			  SQLITE_STATIC);
	id_or_null(st, b + 5, s->tbl_name[t]);
	id_or_null(st, b + 6, s->tbl_label[t]);
	sqlite3_bind_int64(st, b + 7, (int64_t)tb->ncols);
	sqlite3_bind_int64(st, b + 8, (int64_t)tb->nrows);
	sqlite3_bind_text(st, b + 9, s->headers.s + s->tbl_headers[t].off,
			  (int)s->tbl_headers[t].len, SQLITE_STATIC);
}

static void bind_row(void *ctx, sqlite3_stmt *st, int b, size_t k)
{
	const ix_store *s = ctx;
	const row_ref *ref = &s->rows[k];
	const nb_row *row = &s->p->r->tables[ref->tbl].rows[ref->row];
	const ix_span *cells = &s->p->row_cells[k];
	sqlite3_bind_int64(st, b + 1, s->id);
	sqlite3_bind_int64(st, b + 2, (int64_t)ref->tbl);
	sqlite3_bind_int64(st, b + 3, (int64_t)ref->row);
	id_or_null(st, b + 4, s->row_label[k]);
	text(st, b + 5, row->printed);
	sqlite3_bind_int(st, b + 6, row->extra);
	if (cells->off != SIZE_MAX)
		sqlite3_bind_text(st, b + 7, s->p->cells.s + cells->off,
				  (int)cells->len, SQLITE_STATIC);
}

/* Warnings and notes: run[i] is number run_seq + i. */
static void bind_string(void *ctx, sqlite3_stmt *st, int b, size_t i)
{
	const ix_store *s = ctx;
	sqlite3_bind_int64(st, b + 1, s->id);
	sqlite3_bind_int64(st, b + 2, (int64_t)(s->run_seq + i));
	text(st, b + 3, s->run[i]);
}

/* v's strings, each numbered by its place; NULLs are not stored. */
static int store_strings(ix_store *s, int which, char *const *v, size_t n)
{
	int rc = 0;
	for (size_t i = 0; i < n && !rc;) {
		size_t j = i;
		while (j < n && v[j])
			j++;
		s->run = v + i;
		s->run_seq = i;
		rc = ix_batch_insert(s->batch[which], j - i, bind_string, s);
		i = j + 1;
	}
	return rc;
}

/* The year directory of p's report when not its worker's "2019": the k-th
 * report of an agency and year that this build stores is named "2019~k"
 * now, as tree.c names it, for a build stores reports in source path
 * order, the order tree.c numbers them in.  tree.c then updates only the
 * rows whose names differ, in a refresh those of the reports after a kept
 * one of their agency and year: an UPDATE of a report's row writes its
 * text again (39,882 of the 100,000 bench reports have a "~k" directory:
 * 0.8-1.3 s of updates). */
static int name_year(ix_store *s, const ix_ready *p, int year, char **named)
{
	*named = NULL;
	nb_buf *key = &s->year_key;
	nb_buf_reset(key);
	nb_buf_add(key, p->agency_dir, strlen(p->agency_dir) + 1);
	nb_buf_add(key, &year, sizeof year);
	if (key->oom)
		return -ENOMEM;
	int64_t k = ix_bytemap_get(s->years, key->s, key->len) + 1;
	if (ix_bytemap_set(s->years, key->s, key->len, k))
		return -ENOMEM;
	if (k > 1 && !(*named = ix_year_dir(year, (unsigned)k)))
		return -ENOMEM;
	return 0;
}

int ix_store_report(ix_store *s, int64_t id, const ix_ready *p)
{
	const nb_report *r = p->r;
	s->id = id;
	s->p = p;
	int rc = intern(s, p);
	if (rc)
		return rc;
	sqlite3_stmt *st = s->st[S_REPORT];
	sqlite3_bind_int64(st, 1, id);
	text(st, 2, r->agency);
	text(st, 3, r->agency_as_printed);
	text(st, 4, r->agency_source);
	sqlite3_bind_int(st, 5, r->year);
	sqlite3_bind_text(st, 6, nb_year_rule_name(r->year_rule), -1,
			  SQLITE_STATIC);
	text(st, 7, r->title);
	text(st, 8, r->published[0] ? r->published : NULL);
	sqlite3_bind_text(st, 9, nb_format_name(r->format), -1, SQLITE_STATIC);
	text(st, 10, r->encoding);
	sqlite3_bind_int(st, 11, r->traditional);
	/* the directories it most likely has, named now */
	char *year_dir;
	if ((rc = name_year(s, p, r->year, &year_dir)))
		return rc;
	sqlite3_bind_text(st, 12, p->agency_dir, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, year_dir ? year_dir : p->year_dir, -1,
			  SQLITE_STATIC);
	rc = run(st);
	free(year_dir);
	if (!rc) {
		st = s->st[S_TEXT];
		sqlite3_bind_int64(st, 1, id);
		text(st, 2, r->text);
		bind_place(st, 3, r->preamble, p->preamble);
		rc = run(st);
	}
	if (!rc)
		rc = ix_batch_insert(s->batch[B_SECTION], r->nsections,
				     bind_section, s);
	if (!rc)
		rc = ix_batch_insert(s->batch[B_TABLE], r->ntables, bind_table,
				     s);
	if (!rc)
		rc = ix_batch_insert(s->batch[B_ROW], p->nrows, bind_row, s);
	if (!rc)
		rc = store_strings(s, B_WARNING, r->warnings, r->nwarnings);
	if (!rc)
		rc = store_strings(s, B_NOTE, r->notes, r->nnotes);
	if (!rc && r->nchecks) {
		int64_t kinds;
		st = s->st[S_CHECKS];
		rc = ix_checks_pack(s->strs, r, &p->checks_key, &kinds,
				    &s->checks);
		if (!rc) {
			sqlite3_bind_int64(st, 1, id);
			sqlite3_bind_int64(st, 2, kinds);
			sqlite3_bind_text(st, 3, s->checks.s, (int)s->checks.len,
					  SQLITE_STATIC);
			rc = run(st);
		}
	}
	return rc;
}
