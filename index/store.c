/* store.c — one parsed report into the rows of the index.  Labels, headers
 * and the checks' strings go into the stored_* tables as their str ids
 * (strtab.c), not through the views that show them as text; a table row's
 * cells into its stored_row and a table's headers into its stored_table,
 * packed (cellpack.c), the report's checks into one check_list row
 * (checkpack.c).
 *
 * In two steps, so that the one writer thread does little more than bind
 * and step: ix_store_prepare, on the worker that parsed the report, does
 * whatever needs no str id (the cells packed, where each section is in the
 * text, the report's directories, the key of its checks); ix_store_report,
 * on the writer, interns the strings and binds. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ix.h"

enum {
	S_REPORT, S_SECTION, S_TABLE, S_ROW, S_WARNING,
	S_NOTE, S_CHECKS, S_COUNT
};

static const char *const sql[S_COUNT] = {
	[S_REPORT] = "INSERT INTO report(id, agency, agency_as_printed,"
		" agency_source, year, year_rule, title, published, format,"
		" encoding, traditional, text, preamble_off, preamble_len,"
		" preamble_text, agency_dir, year_dir)"
		" VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[S_SECTION] = "INSERT INTO stored_section(report, seq, number,"
		" canonical, name, heading_off, heading_len, heading, text_off,"
		" text_len, text) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
	[S_TABLE] = "INSERT INTO stored_table(report, tbl_no, kind, format,"
		" name, label_header, ncols, nrows, headers)"
		" VALUES(?,?,?,?,?,?,?,?,?)",
	[S_ROW] = "INSERT INTO stored_row(report, tbl_no, row_no, label,"
		" printed, extra, cells) VALUES(?,?,?,?,?,?,?)",
	[S_WARNING] = "INSERT INTO warning(report, seq, text) VALUES(?,?,?)",
	[S_NOTE] = "INSERT INTO note(report, seq, text) VALUES(?,?,?)",
	[S_CHECKS] = "INSERT INTO check_list(report, kinds, results)"
		" VALUES(?,?,?)",
};

struct ix_store {
	sqlite3 *db;
	sqlite3_stmt *st[S_COUNT];
	ix_strtab *strs;
	nb_buf cells;		/* a table's headers, packed (cellpack.c) */
	nb_buf checks;		/* a report's results, packed (checkpack.c) */
};

int ix_store_new(sqlite3 *db, ix_store **out)
{
	ix_store *s = calloc(1, sizeof *s);
	if (!s)
		return -ENOMEM;
	s->db = db;
	int rc = ix_strtab_new(db, &s->strs);
	for (int i = 0; i < S_COUNT && !rc; i++)
		if (sqlite3_prepare_v3(db, sql[i], -1, SQLITE_PREPARE_PERSISTENT,
				       &s->st[i], NULL) != SQLITE_OK)
			rc = -EIO;
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
	ix_strtab_free(s->strs);
	nb_buf_free(&s->cells);
	nb_buf_free(&s->checks);
	free(s);
}

/* A part of the report's text (a section's, the preamble) as where it is
 * there, in bytes; off < 0: not there (stored itself), or no part. */
typedef struct {
	int64_t off, len;
} place;

/* Where a row's packed cells are in ix_ready.cells; off SIZE_MAX: none. */
typedef struct {
	size_t off, len;
} span;

struct ix_ready {
	nb_report *r;
	char *agency_dir, *year_dir;	/* the directories it most likely has */
	place preamble;
	place *heading, *text;	/* a section's, for each */
	nb_buf cells;		/* every row's cells packed, one after another */
	span *row_cells;	/* for each row of each table, in order */
	nb_buf checks_key;	/* ix_checks_key's */
};

/* part as where it is in report, looked for from *from on (sections come
 * in order) and else from the start. */
static place find_place(const char *report, size_t rlen, const char *part,
			size_t *from)
{
	if (!part)
		return (place){-1, 0};
	size_t slen = strlen(part);
	const char *at = NULL;
	if (report && *from <= rlen)
		at = memmem(report + *from, rlen - *from, part, slen);
	if (report && !at)
		at = memmem(report, rlen, part, slen);
	if (!at)
		return (place){-1, 0};
	*from = (size_t)(at - report) + slen;
	return (place){at - report, (int64_t)slen};
}

static int pack_rows(ix_ready *p)
{
	const nb_report *r = p->r;
	size_t nrows = 0, k = 0;
	for (size_t t = 0; t < r->ntables; t++)
		nrows += r->tables[t].nrows;
	if (nrows && !(p->row_cells = calloc(nrows, sizeof *p->row_cells)))
		return -ENOMEM;
	nb_buf row = {0};
	for (size_t t = 0; t < r->ntables; t++) {
		const nb_table *tb = &r->tables[t];
		for (size_t i = 0; i < tb->nrows; i++, k++) {
			span *sp = &p->row_cells[k];
			*sp = (span){SIZE_MAX, 0};
			if (!tb->rows[i].cells)
				continue;
			if (ix_cells_pack(&tb->rows[i], tb->ncols, &row))
				break;
			*sp = (span){p->cells.len, row.len};
			nb_buf_add(&p->cells, row.s, row.len);
		}
	}
	int rc = row.oom || p->cells.oom ? -ENOMEM : 0;
	nb_buf_free(&row);
	return rc;
}

int ix_store_prepare(nb_report *r, ix_ready **out)
{
	ix_ready *p = calloc(1, sizeof *p);
	if (!p) {
		nb_report_free(r);
		return -ENOMEM;
	}
	p->r = r;
	size_t rlen = r->text ? strlen(r->text) : 0;
	size_t start = 0, from = 0, heading_from = 0;
	p->preamble = find_place(r->text, rlen, r->preamble, &start);
	int rc = 0;
	if (r->nsections &&
	    (!(p->heading = calloc(r->nsections, sizeof *p->heading)) ||
	     !(p->text = calloc(r->nsections, sizeof *p->text))))
		rc = -ENOMEM;
	for (size_t i = 0; i < r->nsections && !rc; i++) {
		const nb_section *sec = &r->sections[i];
		p->heading[i] = find_place(r->text, rlen, sec->heading,
					   &heading_from);
		p->text[i] = find_place(r->text, rlen, sec->text, &from);
	}
	if (!rc)
		rc = ix_report_dirs(r->agency, r->year, &p->agency_dir,
				    &p->year_dir);
	if (!rc)
		rc = pack_rows(p);
	if (!rc)
		rc = ix_checks_key(r, &p->checks_key);
	if (rc) {
		ix_ready_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

void ix_ready_free(ix_ready *p)
{
	if (!p)
		return;
	nb_report_free(p->r);
	free(p->agency_dir);
	free(p->year_dir);
	free(p->heading);
	free(p->text);
	nb_buf_free(&p->cells);
	free(p->row_cells);
	nb_buf_free(&p->checks_key);
	free(p);
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

/* Binds the str id of s (NULL when s is).  0, -ENOMEM or -EIO. */
static int str_id(ix_store *s, sqlite3_stmt *st, int i, const char *text)
{
	int64_t id;
	int rc = ix_strtab_id(s->strs, text, &id);
	if (!rc && id)
		sqlite3_bind_int64(st, i, id);
	return rc;
}

static int run(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -EIO;
}

/* Table t of p's report, its rows from the k-th of the report on. */
static int store_table(ix_store *s, int64_t id, const ix_ready *p, size_t t,
		       size_t k)
{
	const nb_table *tb = &p->r->tables[t];
	sqlite3_stmt *st = s->st[S_TABLE];
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (int64_t)t);
	sqlite3_bind_int(st, 3, tb->kind);
	sqlite3_bind_text(st, 4, nb_format_name(tb->format), -1, SQLITE_STATIC);
	int rc = str_id(s, st, 5, tb->name);
	if (!rc)
		rc = str_id(s, st, 6, tb->label_header);
	sqlite3_bind_int64(st, 7, (int64_t)tb->ncols);
	sqlite3_bind_int64(st, 8, (int64_t)tb->nrows);
	if (!rc && !(rc = ix_headers_pack(s->strs, tb, &s->cells)))
		sqlite3_bind_text(st, 9, s->cells.s, (int)s->cells.len,
				  SQLITE_STATIC);
	if (!rc)
		rc = run(st);
	for (size_t r = 0; r < tb->nrows && !rc; r++) {
		const nb_row *row = &tb->rows[r];
		const span *cells = &p->row_cells[k + r];
		st = s->st[S_ROW];
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (int64_t)t);
		sqlite3_bind_int64(st, 3, (int64_t)r);
		rc = str_id(s, st, 4, row->label);
		text(st, 5, row->printed);
		sqlite3_bind_int(st, 6, row->extra);
		if (cells->off != SIZE_MAX)
			sqlite3_bind_text(st, 7, p->cells.s + cells->off,
					  (int)cells->len, SQLITE_STATIC);
		if (!rc)
			rc = run(st);
	}
	return rc;
}

static int store_strings(ix_store *s, int which, int64_t id, char **v, size_t n)
{
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		if (!v[i])
			continue;
		sqlite3_stmt *st = s->st[which];
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		text(st, 3, v[i]);
		rc = run(st);
	}
	return rc;
}

/* part, the report's text's at pl (find_place), as parameters col and
 * col + 1 (offset and length in bytes), or itself, parameter col + 2,
 * when it is not there. */
static void bind_place(sqlite3_stmt *st, int col, const char *part, place pl)
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

int ix_store_report(ix_store *s, int64_t id, const ix_ready *p)
{
	const nb_report *r = p->r;
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
	text(st, 12, r->text);
	bind_place(st, 13, r->preamble, p->preamble);
	/* the directories it most likely has, named now: tree.c then
	 * updates only the rows whose names differ */
	sqlite3_bind_text(st, 16, p->agency_dir, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 17, p->year_dir, -1, SQLITE_STATIC);
	int rc = run(st);

	for (size_t i = 0; i < r->nsections && !rc; i++) {
		const nb_section *sec = &r->sections[i];
		st = s->st[S_SECTION];
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		sqlite3_bind_int(st, 3, sec->number);
		sqlite3_bind_int(st, 4, sec->canonical);
		rc = str_id(s, st, 5, sec->name);
		bind_place(st, 6, sec->heading, p->heading[i]);
		bind_place(st, 9, sec->text, p->text[i]);
		if (!rc)
			rc = run(st);
	}
	for (size_t t = 0, k = 0; t < r->ntables && !rc; k += r->tables[t++].nrows)
		rc = store_table(s, id, p, t, k);
	if (!rc)
		rc = store_strings(s, S_WARNING, id, r->warnings, r->nwarnings);
	if (!rc)
		rc = store_strings(s, S_NOTE, id, r->notes, r->nnotes);
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
