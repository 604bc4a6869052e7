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

#include <cjson/cJSON.h>

#include "index.h"
#include "ix.h"

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
	const char **cells;	/* a table's CSV fields, reused */
	size_t cap;
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
	cJSON *meta;		/* meta.json, its keys in their final order */
	ix_secdirs *dirs;	/* the build's: each section's directory */
} report_build;

static cJSON *meta_item(report_build *rb, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(rb->meta, key);
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
	if (!cJSON_AddItemToArray(meta_item(rb, "sections"),
				  cJSON_CreateString(dir->name)))
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
	nb_buf_add(&f->data, "\xEF\xBB\xBF", 3);	/* Excel reads the BOM */
	for (int d = 0; d < 2; d++) {
		nb_buf *b = d ? &f->data_unix : &f->data;
		bool crlf = !d;
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
	}
	return 0;
}

static int render_tables(report_build *rb)
{
	cJSON *templates = meta_item(rb, "template_tables");
	cJSON *printed = meta_item(rb, "labels_as_printed");
	const ix_table *v;
	size_t n;
	int rc = ix_rows_load(rb->t->rows, rb->id, &v, &n);
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
		if (!rc && !cJSON_GetObjectItemCaseSensitive(templates, key) &&
		    !cJSON_AddStringToObject(templates, key, ti->format))
			rc = -ENOMEM;
		for (size_t k = 0; k + 1 < as.n && !rc; k += 2) {
			nb_buf kb = {0};
			nb_buf_printf(&kb, "%s/%s", key, as.v[k]);
			if (kb.oom ||
			    (!cJSON_GetObjectItemCaseSensitive(printed, kb.s) &&
			     !cJSON_AddStringToObject(printed, kb.s, as.v[k + 1])))
				rc = -ENOMEM;
			nb_buf_free(&kb);
		}
		ix_strv_free(&as);
	}
	return rc;
}

static int add_strings(ix_reptree *t, int which, int64_t id, cJSON *arr)
{
	sqlite3_stmt *st = t->q[which];
	sqlite3_bind_int64(st, 1, id);
	int rc = 0, step;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW)
		if (!cJSON_AddItemToArray(arr, cJSON_CreateString(col_text(st, 0))))
			rc = -ENOMEM;
	if (!rc && step != SQLITE_DONE)
		rc = db_error(t);
	sqlite3_reset(st);
	return rc;
}

static int add_checks(ix_reptree *t, int64_t id, cJSON *arr)
{
	const ix_check *v;
	size_t n;
	int rc = ix_rows_checks(t->rows, id, &v, &n);
	for (size_t i = 0; i < n && !rc; i++) {
		cJSON *c = cJSON_CreateObject();
		if (!c || !cJSON_AddItemToArray(arr, c) ||
		    !cJSON_AddStringToObject(c, "rule", v[i].rule) ||
		    !(v[i].subject ?
		      cJSON_AddStringToObject(c, "subject", v[i].subject) :
		      cJSON_AddNullToObject(c, "subject")) ||
		    !cJSON_AddBoolToObject(c, "ok", v[i].ok) ||
		    !cJSON_AddStringToObject(c, "detail",
					     v[i].detail ? v[i].detail : ""))
			rc = -ENOMEM;
	}
	return rc;
}

static cJSON *string_or_null(const char *s)
{
	return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

/* A raw path as JSON: a path need not be UTF-8 (GBK names from zip
 * files), JSON must be; shown as nb_printable shows it (README, "Names"). */
static cJSON *printable_or_null(const char *s)
{
	if (!s)
		return cJSON_CreateNull();
	char *p = nb_printable(s, false);
	cJSON *j = p ? cJSON_CreateString(p) : NULL;
	free(p);
	return j;
}

/* meta.json with the report's own fields and every other key in its place,
 * empty; report.txt. */
static int render_facts(report_build *rb)
{
	ix_reptree *t = rb->t;
	sqlite3_stmt *st = t->q[Q_REPORT];
	sqlite3_bind_int64(st, 1, rb->id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return db_error(t);
	}
	cJSON *m = rb->meta;
	int year = sqlite3_column_int(st, 3);
	bool ok =
		cJSON_AddItemToObject(m, "agency", string_or_null(col_text(st, 0))) &&
		cJSON_AddItemToObject(m, "agency_as_printed",
				      string_or_null(col_text(st, 1))) &&
		cJSON_AddItemToObject(m, "agency_source",
				      string_or_null(col_text(st, 2))) &&
		cJSON_AddItemToObject(m, "year", year > 0 ?
				      cJSON_CreateNumber(year) : cJSON_CreateNull()) &&
		cJSON_AddItemToObject(m, "year_rule", string_or_null(col_text(st, 4))) &&
		cJSON_AddItemToObject(m, "title", string_or_null(col_text(st, 5))) &&
		cJSON_AddItemToObject(m, "published", string_or_null(col_text(st, 6))) &&
		cJSON_AddItemToObject(m, "template", string_or_null(col_text(st, 7))) &&
		cJSON_AddObjectToObject(m, "template_tables") &&
		cJSON_AddItemToObject(m, "source", printable_or_null(col_text(st, 11))) &&
		cJSON_AddItemToObject(m, "sha256", string_or_null(col_text(st, 12))) &&
		cJSON_AddItemToObject(m, "encoding", string_or_null(col_text(st, 8))) &&
		cJSON_AddBoolToObject(m, "traditional", sqlite3_column_int(st, 9)) &&
		cJSON_AddArrayToObject(m, "warnings") &&
		cJSON_AddArrayToObject(m, "notes") &&
		cJSON_AddObjectToObject(m, "labels_as_printed") &&
		cJSON_AddArrayToObject(m, "checks") &&
		cJSON_AddArrayToObject(m, "sections");
	ix_tnode *f = ok ? ix_tnode_add(&rb->year, strdup("report.txt"), "", false) : NULL;
	if (f)
		ix_render_text(&f->data, col_text(st, 10));
	sqlite3_reset(st);
	return f ? 0 : -ENOMEM;
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
	int rc = 0;
	rb.year.is_dir = true;
	rb.meta = cJSON_CreateObject();
	if (!rb.meta)
		rc = -ENOMEM;
	if (!rc)
		rc = render_facts(&rb);
	if (!rc)
		rc = render_sections(&rb);
	if (!rc)
		rc = render_tables(&rb);
	if (!rc)
		rc = add_strings(t, Q_WARNINGS, id, meta_item(&rb, "warnings"));
	if (!rc)
		rc = add_strings(t, Q_NOTES, id, meta_item(&rb, "notes"));
	if (!rc)
		rc = add_checks(t, id, meta_item(&rb, "checks"));
	if (!rc) {
		char *json = cJSON_Print(rb.meta);
		ix_tnode *f = json ? ix_tnode_add(&rb.year, strdup("meta.json"), "", false)
				: NULL;
		if (f) {
			nb_buf_adds(&f->data, json);
			nb_buf_add(&f->data, "\n", 1);
		} else {
			rc = -ENOMEM;
		}
		free(json);
	}
	if (!rc && ix_tnode_oom(&rb.year))
		rc = -ENOMEM;
	cJSON_Delete(rb.meta);
	free(rb.secs);
	if (rc) {
		ix_tnode_free(&rb.year);
		return rc;
	}
	ix_tnode_sort(&rb.year);
	*year = rb.year;
	return 0;
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
	free(t);
}
