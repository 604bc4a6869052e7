/*
 * reptree.c — every file of one report's year directory, rendered from the
 * report's rows: report.txt, meta.json, each section's text.txt and each
 * table's CSV in both dialects.
 *
 * The same code renders a report when the index is built (tree.c stores
 * only each file's sizes, a digest and its place) and when a file is read
 * (rendered.c), so that what is served is byte for byte what was measured.
 * A file is found again by its place: its rank among the report's files,
 * depth first with every directory's children in name order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "ix.h"
#include "dataset.h"
#include "rows.h"

/* ---- statements ------------------------------------------------------------ */

enum {
	Q_REPORT, Q_SECTIONS, Q_SECTION_DIR, Q_WARNINGS, Q_NOTES, Q_COUNT
};

static const char *const sql[Q_COUNT] = {
	[Q_REPORT] = "SELECT r.agency, r.agency_as_printed, r.agency_source,"
		" r.year, r.year_rule, r.title, r.published, r.format,"
		" r.encoding, r.traditional, r.text, s.path, s.sha256"
		" FROM report r JOIN source s ON s.id = r.id WHERE r.id = ?",
	[Q_SECTIONS] = "SELECT seq, number, name, heading, text, canonical"
		" FROM section WHERE report = ? ORDER BY seq",
	/* NULL when it is N-name, as the view section then shows it */
	[Q_SECTION_DIR] = "UPDATE stored_section SET dir = ?1 WHERE report = ?2"
		" AND seq = ?3 AND dir IS NOT ?1",
	[Q_WARNINGS] = "SELECT text FROM warning WHERE report = ? ORDER BY seq",
	[Q_NOTES] = "SELECT text FROM note WHERE report = ? ORDER BY seq",
};

struct ix_reptree {
	sqlite3 *db;
	FILE *err;
	bool name_sections;	/* record each section's directory (the build) */
	sqlite3_stmt *q[Q_COUNT];
	ix_rows *rows;		/* the report's tables */
	const ix_table *tables;	/* ... as the last render loaded them */
	size_t ntables;
	const char **cells;	/* a table's CSV fields, reused */
	size_t cap;
	nb_buf scratch;		/* a file being rendered, reused */
};

static int db_error(ix_reptree *t)
{
	ix_say_db(t->err, t->db);
	return -EIO;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* ---- rendering one report --------------------------------------------------- */

/* Moves the file rendered in t->scratch into b, which gets it in one
 * allocation: a file rendered into its own buffer grew it by doubling, a
 * realloc and a copy each time (meta.json's alone were 1.2 % of a
 * 10,000-report build's CPU, perf). */
static int take_scratch(ix_reptree *t, nb_buf *b)
{
	nb_buf *sc = &t->scratch;
	bool oom = sc->oom;
	if (!oom && sc->len)
		nb_buf_add(b, sc->s, sc->len);
	nb_buf_reset(sc);
	return oom || b->oom ? -ENOMEM : 0;
}

/* A table's kind is the number of its section. */
static const char *canonical_name(int kind)
{
	const char *name = kind >= NB_TABLE_ACTIVE && kind <= NB_TABLE_APPEALS ?
		nb_canonical_name(kind) : NULL;
	return name ? name : "表格";
}

typedef struct {
	int canonical;
	size_t kid;		/* an index in the year directory's kids, which
				   move when the array grows */
} section_dir;

typedef struct {
	ix_reptree *t;
	int64_t id;
	ix_tnode year;		/* the year directory being built */
	section_dir *secs;
	size_t nsecs, cap;
	/* what meta.json shows besides the report's own fields: */
	ix_strv tables;		/* template_tables: name, format, ... */
	ix_strv printed;	/* labels_as_printed: key, label, ... */
	ix_strv sections;	/* the sections' directories */
	ix_secdirs *dirs;	/* the build's: each section's directory */
} report_build;

/* Adds key and value to pairs (key, value, ...) unless key is there: of
 * a table printed twice, the first. */
static int add_pair(ix_strv *pairs, const char *key, const char *value)
{
	for (size_t i = 0; i + 1 < pairs->n; i += 2)
		if (!strcmp(pairs->v[i], key))
			return 0;
	int rc = ix_strv_push(pairs, key);
	return rc ? rc : ix_strv_push(pairs, value);
}

static int add_section_dir(report_build *rb, char *name, int canonical,
			   const char *text, size_t *kid)
{
	ix_tnode *dir = ix_tnode_add(&rb->year, name, "", true);
	if (!dir)
		return -ENOMEM;
	ix_tnode *f = ix_tnode_add(dir, strdup("text.txt"), "", false);
	if (!f)
		return -ENOMEM;
	ix_render_text(&f->data, text);
	if (ix_strv_push(&rb->sections, dir->name))
		return -ENOMEM;
	section_dir *v = nb_grow(rb->secs, &rb->cap, rb->nsecs + 1, sizeof *v, 8);
	if (!v)
		return -ENOMEM;
	rb->secs = v;
	*kid = rb->year.nkids - 1;
	rb->secs[rb->nsecs++] = (section_dir){.canonical = canonical,
					      .kid = *kid};
	return 0;
}

static int add_dir(ix_secdirs *d, int64_t seq, const char *dir)
{
	ix_secdir *v = nb_grow(d->v, &d->cap, d->n + 1, sizeof *v, 8);
	if (!v)
		return -ENOMEM;
	d->v = v;
	v[d->n] = (ix_secdir){.seq = seq, .dir = dir ? strdup(dir) : NULL};
	if (dir && !v[d->n].dir)
		return -ENOMEM;
	d->n++;
	return 0;
}

void ix_secdirs_free(ix_secdirs *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].dir);
	free(d->v);
	*d = (ix_secdirs){0};
}

static int render_sections(report_build *rb)
{
	ix_reptree *t = rb->t;
	sqlite3_stmt *st = t->q[Q_SECTIONS];
	sqlite3_bind_int64(st, 1, rb->id);
	int rc = 0, step;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = col_text(st, 2);
		if (!name || !*name)
			name = col_text(st, 3);
		nb_buf full = {0};
		nb_buf_printf(&full, "%d-%s", sqlite3_column_int(st, 1),
			      name ? name : "");
		size_t kid;
		rc = full.oom ? -ENOMEM :
			add_section_dir(rb, ix_name(full.s, "", "_"),
					sqlite3_column_int(st, 5),
					col_text(st, 4), &kid);
		const char *dir = rc ? NULL : rb->year.kids[kid].name;
		bool plain = dir && !strcmp(dir, full.s);
		nb_buf_free(&full);
		if (!rc && rb->dirs)
			rc = add_dir(rb->dirs, sqlite3_column_int64(st, 0),
				     plain ? NULL : dir);
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_error(t);
	sqlite3_reset(st);
	return rc;
}

/* The year directory's kid that holds tables of kind: the first section of
 * that canonical number, else a directory named for it. */
static int table_dir(report_build *rb, int kind, size_t *kid)
{
	for (size_t i = 0; i < rb->nsecs; i++) {
		if (rb->secs[i].canonical == kind) {
			*kid = rb->secs[i].kid;
			return 0;
		}
	}
	nb_buf full = {0};
	nb_buf_printf(&full, "%d-%s", kind, canonical_name(kind));
	if (full.oom)
		return -ENOMEM;
	char *name = ix_name(full.s, "", "_");
	nb_buf_free(&full);
	if (!name)
		return -ENOMEM;
	for (size_t i = 0; i < rb->nsecs; i++) {
		if (!strcmp(rb->year.kids[rb->secs[i].kid].name, name)) {
			free(name);
			*kid = rb->secs[i].kid;
			return 0;
		}
	}
	/* a directory of its own, holding the tables the report printed
	 * without a heading of this number */
	int rc = add_section_dir(rb, name, kind, NULL, kid);
	return rc;
}

/* A table's rows as CSV, in both line-end variants; the labels of the
 * rows printed otherwise (label, then as printed) appended to printed. */
static int render_csv(report_build *rb, const ix_table *tb, ix_tnode *f,
		      ix_strv *printed)
{
	ix_reptree *t = rb->t;
	size_t ncols = (size_t)tb->ncols, nrows = (size_t)tb->nrows;
	/* the header, each row's label, then the values row by row */
	size_t n = ncols + nrows + ncols * nrows + 1;
	const char **v = nb_grow(t->cells, &t->cap, n, sizeof *v, 256);
	if (!v)
		return -ENOMEM;
	t->cells = v;
	memset(v, 0, n * sizeof *v);
	const char **header = v, **labels = v + ncols,
		**values = labels + nrows;
	for (size_t c = 0; c < ncols && c < tb->nheaders; c++)
		header[c] = tb->headers[c];
	int rc = 0;
	for (size_t i = 0; i < tb->nrowv && !rc; i++) {
		const ix_row *row = &tb->rows[i];
		if (row->no >= 0 && (size_t)row->no < nrows) {
			size_t r = (size_t)row->no;
			labels[r] = row->label;
			for (size_t c = 0; c < ncols && c < row->ncells; c++)
				if (row->cells[c].state == IX_CELL_NUMBER)
					values[r * ncols + c] =
						row->cells[c].value;
		}
		if (row->printed &&
		    !(rc = ix_strv_push(printed, row->label ? row->label : "")))
			rc = ix_strv_push(printed, row->printed);
	}
	if (rc)
		return rc;

	f->has_unix = true;
	nb_buf *b = &t->scratch;
	for (int d = 0; d < 2 && !rc; d++) {
		bool crlf = !d;
		if (crlf)	/* Excel reads the BOM */
			nb_buf_add(b, "\xEF\xBB\xBF", 3);
		ix_csv_field(b, tb->label_header, true);
		for (size_t c = 0; c < ncols; c++)
			ix_csv_field(b, header[c], false);
		ix_csv_end(b, crlf);
		for (size_t r = 0; r < nrows; r++) {
			ix_csv_field(b, labels[r], true);
			for (size_t c = 0; c < ncols; c++)
				ix_csv_field(b, values[r * ncols + c], false);
			ix_csv_end(b, crlf);
		}
		rc = take_scratch(t, d ? &f->data_unix : &f->data);
	}
	return rc;
}

static int render_tables(report_build *rb)
{
	const ix_table *v;
	size_t n;
	int rc = ix_rows_load(rb->t->rows, rb->id, &v, &n);
	rb->t->tables = v;
	rb->t->ntables = n;
	for (size_t i = 0; i < n && !rc; i++) {
		const ix_table *ti = &v[i];
		size_t kid;
		if (ti->ncols < 0 || ti->nrows < 0 ||
		    (rc = table_dir(rb, (int)ti->kind, &kid)))
			break;
		char fallback[32];
		snprintf(fallback, sizeof fallback, "表格%lld",
			 (long long)ti->no + 1);
		ix_tnode *f = ix_tnode_add(&rb->year.kids[kid],
				   ix_name(ti->name, ".csv", fallback), ".csv",
				   false);
		if (!f) {
			rc = -ENOMEM;
			break;
		}
		ix_strv as = {0};
		rc = render_csv(rb, ti, f, &as);
		const char *key = ti->name ? ti->name : fallback;
		if (!rc)
			rc = add_pair(&rb->tables, key, ti->format);
		for (size_t k = 0; k + 1 < as.n && !rc; k += 2) {
			nb_buf kb = {0};
			nb_buf_printf(&kb, "%s/%s", key, as.v[k]);
			rc = kb.oom ? -ENOMEM :
				add_pair(&rb->printed, kb.s, as.v[k + 1]);
			nb_buf_free(&kb);
		}
		ix_strv_free(&as);
	}
	return rc;
}

/* The strings of statement which (a warning's or note's text) for report
 * id, as an array. */
static int put_strings(ix_reptree *t, int which, int64_t id, ix_json *j)
{
	sqlite3_stmt *st = t->q[which];
	sqlite3_bind_int64(st, 1, id);
	int rc = 0, step;
	ix_json_array(j);
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		ix_json_string(j, col_text(st, 0));
	ix_json_close(j);
	if (step != SQLITE_DONE)
		rc = db_error(t);
	sqlite3_reset(st);
	return rc;
}

static int put_checks(ix_reptree *t, int64_t id, ix_json *j)
{
	const ix_check *v;
	size_t n;
	int rc = ix_rows_checks(t->rows, id, &v, &n);
	ix_json_array(j);
	for (size_t i = 0; i < n && !rc; i++) {
		ix_json_object(j);
		ix_json_key(j, "rule");
		ix_json_string(j, v[i].rule);
		ix_json_key(j, "subject");
		ix_json_string(j, v[i].subject);
		ix_json_key(j, "ok");
		ix_json_bool(j, v[i].ok);
		ix_json_key(j, "detail");
		ix_json_string(j, v[i].detail ? v[i].detail : "");
		ix_json_close(j);
	}
	ix_json_close(j);
	return rc;
}

/* pairs (key, value, ...) as an object. */
static void put_pairs(ix_json *j, const ix_strv *pairs)
{
	ix_json_object(j);
	for (size_t i = 0; i + 1 < pairs->n; i += 2) {
		ix_json_key(j, pairs->v[i]);
		ix_json_string(j, pairs->v[i + 1]);
	}
	ix_json_close(j);
}

/* A fact of the report: column i of facts, a string or null. */
static void put_fact(ix_json *j, const char *key, sqlite3_stmt *facts, int i)
{
	ix_json_key(j, key);
	ix_json_string(j, col_text(facts, i));
}

/* meta.json: the report's own fields (facts, the row of Q_REPORT), then
 * what rendering the rest found. */
static int render_meta(report_build *rb, sqlite3_stmt *facts, nb_buf *b)
{
	ix_reptree *t = rb->t;
	ix_json j = {.b = b};
	ix_json_object(&j);
	put_fact(&j, "agency", facts, 0);
	put_fact(&j, "agency_as_printed", facts, 1);
	put_fact(&j, "agency_source", facts, 2);
	int year = sqlite3_column_int(facts, 3);
	ix_json_key(&j, "year");
	if (year > 0)
		ix_json_int(&j, year);
	else
		ix_json_null(&j);
	put_fact(&j, "year_rule", facts, 4);
	put_fact(&j, "title", facts, 5);
	put_fact(&j, "published", facts, 6);
	put_fact(&j, "template", facts, 7);
	ix_json_key(&j, "template_tables");
	put_pairs(&j, &rb->tables);
	/* a raw path need not be UTF-8 (GBK names from zip files), JSON
	 * must be: shown as nb_printable shows it (README, "Names") */
	const char *source = col_text(facts, 11);
	char *p = source ? nb_printable(source, false) : NULL;
	if (source && !p)
		return -ENOMEM;
	ix_json_key(&j, "source");
	ix_json_string(&j, p);
	free(p);
	put_fact(&j, "sha256", facts, 12);
	put_fact(&j, "encoding", facts, 8);
	ix_json_key(&j, "traditional");
	ix_json_bool(&j, sqlite3_column_int(facts, 9));
	ix_json_key(&j, "warnings");
	int rc = put_strings(t, Q_WARNINGS, rb->id, &j);
	if (!rc) {
		ix_json_key(&j, "notes");
		rc = put_strings(t, Q_NOTES, rb->id, &j);
	}
	if (!rc) {
		ix_json_key(&j, "labels_as_printed");
		put_pairs(&j, &rb->printed);
		ix_json_key(&j, "checks");
		rc = put_checks(t, rb->id, &j);
	}
	if (!rc) {
		ix_json_key(&j, "sections");
		ix_json_array(&j);
		for (size_t i = 0; i < rb->sections.n; i++)
			ix_json_string(&j, rb->sections.v[i]);
		ix_json_close(&j);
		ix_json_close(&j);
		nb_buf_add(b, "\n", 1);
	}
	return rc ? rc : b->oom ? -ENOMEM : 0;
}

/* report.txt; the report's own fields stay in the row of Q_REPORT, for
 * meta.json once the rest is rendered. */
static int render_facts(report_build *rb)
{
	ix_reptree *t = rb->t;
	sqlite3_stmt *st = t->q[Q_REPORT];
	sqlite3_bind_int64(st, 1, rb->id);
	if (sqlite3_step(st) != SQLITE_ROW)
		return db_error(t);
	ix_tnode *f = ix_tnode_add(&rb->year, strdup("report.txt"), "", false);
	if (!f)
		return -ENOMEM;
	ix_render_text(&f->data, col_text(st, 10));
	return 0;
}

int ix_reptree_name_sections(ix_reptree *t, int64_t id,
			     const ix_secdirs *dirs)
{
	sqlite3_stmt *up = t->q[Q_SECTION_DIR];
	int rc = 0;
	for (size_t i = 0; i < dirs->n && !rc; i++) {
		if (dirs->v[i].dir)
			sqlite3_bind_text(up, 1, dirs->v[i].dir, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(up, 1);
		sqlite3_bind_int64(up, 2, id);
		sqlite3_bind_int64(up, 3, dirs->v[i].seq);
		if (sqlite3_step(up) != SQLITE_DONE)
			rc = db_error(t);
		sqlite3_reset(up);
	}
	return rc;
}

int ix_reptree_render(ix_reptree *t, int64_t id, ix_tnode *year)
{
	if (!t->name_sections)
		return ix_reptree_render_dirs(t, id, year, NULL);
	ix_secdirs dirs = {0};
	int rc = ix_reptree_render_dirs(t, id, year, &dirs);
	if (!rc && (rc = ix_reptree_name_sections(t, id, &dirs)))
		ix_tnode_free(year);
	ix_secdirs_free(&dirs);
	return rc;
}

int ix_reptree_render_dirs(ix_reptree *t, int64_t id, ix_tnode *year,
			   ix_secdirs *dirs)
{
	report_build rb = {.t = t, .id = id, .dirs = dirs};
	rb.year.is_dir = true;
	t->tables = NULL;
	t->ntables = 0;
	int rc = render_facts(&rb);
	if (!rc)
		rc = render_sections(&rb);
	if (!rc)
		rc = render_tables(&rb);
	if (!rc) {
		ix_tnode *f = ix_tnode_add(&rb.year, strdup("meta.json"), "",
					   false);
		rc = f ? render_meta(&rb, t->q[Q_REPORT], &t->scratch) : -ENOMEM;
		if (!rc)
			rc = take_scratch(t, &f->data);
		else
			nb_buf_reset(&t->scratch);	/* for the next report */
	}
	sqlite3_reset(t->q[Q_REPORT]);
	if (!rc && ix_tnode_oom(&rb.year))
		rc = -ENOMEM;
	ix_strv_free(&rb.tables);
	ix_strv_free(&rb.printed);
	ix_strv_free(&rb.sections);
	free(rb.secs);
	if (rc) {
		ix_tnode_free(&rb.year);
		return rc;
	}
	ix_tnode_sort(&rb.year);
	*year = rb.year;
	return 0;
}

void ix_reptree_tables(const ix_reptree *t, const ix_table **v, size_t *n)
{
	*v = t->tables;
	*n = t->ntables;
}

int ix_reptree_new(sqlite3 *db, FILE *err, bool name_sections,
		   ix_reptree **out)
{
	ix_reptree *t = calloc(1, sizeof *t);
	if (!t)
		return -ENOMEM;
	*t = (ix_reptree){.db = db, .err = err, .name_sections = name_sections};
	int rc = ix_rows_new(db, err, &t->rows);
	for (int i = 0; i < Q_COUNT && !rc; i++) {
		if (i == Q_SECTION_DIR && !name_sections)
			continue;
		if (sqlite3_prepare_v3(db, sql[i], -1, SQLITE_PREPARE_PERSISTENT,
				       &t->q[i], NULL) != SQLITE_OK)
			rc = db_error(t);
	}
	if (rc) {
		ix_reptree_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

void ix_reptree_free(ix_reptree *t)
{
	if (!t)
		return;
	for (int i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(t->q[i]);
	ix_rows_free(t->rows);
	free(t->cells);
	nb_buf_free(&t->scratch);
	free(t);
}
