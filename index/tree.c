/*
 * tree.c — the directory tree the filesystem serves, written into the node
 * table from the report rows (both the reports parsed in this build and the
 * ones copied from the last):
 *
 *   <agency>/<year>/meta.json
 *   <agency>/<year>/report.txt
 *   <agency>/<year>/<n>-<section>/text.txt
 *   <agency>/<year>/<n>-<section>/<table>.csv
 *
 * Nodes are inserted depth first with every directory's children in name
 * order.  Inode numbers come from inodes.c: kept from the index being
 * replaced where nothing changed, fresh and increasing otherwise (so in an
 * index built from scratch a directory's children have increasing numbers
 * in name order).  readdir lists and resumes in inode number order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "index.h"
#include "ix.h"

#define UNKNOWN_AGENCY "未知机关"

/* ---- the rendered tree of one report ------------------------------------- */

typedef struct tnode {
	char *name;
	bool is_dir;
	nb_buf data;
	nb_buf data_unix;	/* CSV only: the LF, BOM-less variant */
	bool has_unix;
	struct tnode *kids;
	size_t nkids, cap;
} tnode;

static void tnode_free(tnode *t)
{
	for (size_t i = 0; i < t->nkids; i++)
		tnode_free(&t->kids[i]);
	free(t->kids);
	free(t->name);
	nb_buf_free(&t->data);
	nb_buf_free(&t->data_unix);
}

static bool has_kid(const tnode *dir, const char *name)
{
	for (size_t i = 0; i < dir->nkids; i++)
		if (!strcmp(dir->kids[i].name, name))
			return true;
	return false;
}

/* Adds a child named name (taken over; made unique with "~k" before
 * suffix).  NULL on ENOMEM (name is freed). */
static tnode *add_kid(tnode *dir, char *name, const char *suffix, bool is_dir)
{
	if (!name)
		return NULL;
	for (unsigned k = 2; has_kid(dir, name); k++) {
		char *other = ix_name_dup(name, suffix, k);
		free(name);
		if (!(name = other))
			return NULL;
	}
	tnode *kids = nb_grow(dir->kids, &dir->cap, dir->nkids + 1, sizeof *kids, 8);
	if (!kids) {
		free(name);
		return NULL;
	}
	dir->kids = kids;
	tnode *t = &dir->kids[dir->nkids++];
	*t = (tnode){.name = name, .is_dir = is_dir};
	return t;
}

static bool tnode_oom(const tnode *t)
{
	if (t->data.oom || t->data_unix.oom)
		return true;
	for (size_t i = 0; i < t->nkids; i++)
		if (tnode_oom(&t->kids[i]))
			return true;
	return false;
}

/* ---- statements ------------------------------------------------------------ */

enum {
	Q_REPORTS, Q_NAME_REPORT, Q_REPORT, Q_SECTIONS, Q_SECTION_DIR, Q_TABLES,
	Q_COLUMNS, Q_ROWS, Q_CELLS, Q_WARNINGS, Q_NOTES, Q_CHECKS, Q_INSERT,
	Q_COUNT
};

static const char *const sql[Q_COUNT] = {
	[Q_REPORTS] = "SELECT r.id, r.agency, r.year, s.mtime_ns"
		" FROM report r JOIN source s ON s.id = r.id ORDER BY s.path",
	[Q_NAME_REPORT] = "UPDATE report SET agency_dir = ?, year_dir = ?"
		" WHERE id = ?",
	[Q_REPORT] = "SELECT r.agency, r.agency_as_printed, r.agency_source,"
		" r.year, r.year_rule, r.title, r.published, r.format,"
		" r.encoding, r.traditional, r.text, s.path, s.sha256"
		" FROM report r JOIN source s ON s.id = r.id WHERE r.id = ?",
	[Q_SECTIONS] = "SELECT seq, number, name, heading, text, canonical"
		" FROM section WHERE report = ? ORDER BY seq",
	[Q_SECTION_DIR] = "UPDATE section SET dir = ? WHERE report = ?"
		" AND seq = ?",
	[Q_TABLES] = "SELECT tbl_no, kind, format, name, label_header, ncols,"
		" nrows FROM report_table WHERE report = ? ORDER BY tbl_no",
	[Q_COLUMNS] = "SELECT col_no, header FROM table_column"
		" WHERE report = ? AND tbl_no = ? ORDER BY col_no",
	[Q_ROWS] = "SELECT row_no, label, printed FROM table_row"
		" WHERE report = ? AND tbl_no = ? ORDER BY row_no",
	[Q_CELLS] = "SELECT row_no, col_no, value FROM cell"
		" WHERE report = ? AND tbl_no = ? AND state = 0"
		" ORDER BY row_no, col_no",
	[Q_WARNINGS] = "SELECT text FROM warning WHERE report = ? ORDER BY seq",
	[Q_NOTES] = "SELECT text FROM note WHERE report = ? ORDER BY seq",
	[Q_CHECKS] = "SELECT rule, subject, ok, detail FROM check_result"
		" WHERE report = ? ORDER BY seq",
	[Q_INSERT] = "INSERT INTO node(ino, parent, name, is_dir, size,"
		" size_unix, mtime_ns, nlink, report, data, data_unix)"
		" VALUES(?,?,?,?,?,?,?,?,?,?,?)",
};

typedef struct {
	int64_t id;
	int year;
	int64_t mtime_ns;
	char *agency_dir;
	char *year_dir;
} rep;

typedef struct {
	sqlite3 *db;
	FILE *err;
	sqlite3_stmt *q[Q_COUNT];
	ix_inos *inos;
	rep *reps;
	size_t nreps;
} tree;

static int db_error(tree *t)
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
	tree *t;
	int64_t id;
	tnode year;		/* the year directory being built */
	section_dir *secs;
	size_t nsecs, cap;
	cJSON *meta;		/* meta.json, its keys in their final order */
} report_build;

static cJSON *meta_item(report_build *rb, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(rb->meta, key);
}

static int add_section_dir(report_build *rb, char *name, int canonical,
			   const char *text, size_t *kid)
{
	tnode *dir = add_kid(&rb->year, name, "", true);
	if (!dir)
		return -ENOMEM;
	tnode *f = add_kid(dir, strdup("text.txt"), "", false);
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

static int render_sections(report_build *rb)
{
	tree *t = rb->t;
	sqlite3_stmt *st = t->q[Q_SECTIONS], *up = t->q[Q_SECTION_DIR];
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
		nb_buf_free(&full);
		if (rc)
			break;
		sqlite3_bind_text(up, 1, rb->year.kids[kid].name, -1,
				  SQLITE_STATIC);
		sqlite3_bind_int64(up, 2, rb->id);
		sqlite3_bind_int64(up, 3, sqlite3_column_int64(st, 0));
		if (sqlite3_step(up) != SQLITE_DONE)
			rc = db_error(t);
		sqlite3_reset(up);
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

/* A table's rows as CSV, in both line-end variants. */
static int render_csv(report_build *rb, int64_t tbl, size_t ncols,
		      size_t nrows, const char *label_header, tnode *f)
{
	tree *t = rb->t;
	int rc = 0;
	char **header = calloc(ncols + 1, sizeof *header);
	char **values = calloc(ncols * nrows + 1, sizeof *values);
	char **labels = calloc(nrows + 1, sizeof *labels);
	if (!header || !values || !labels) {
		rc = -ENOMEM;
		goto out;
	}

	sqlite3_stmt *st = t->q[Q_COLUMNS];
	sqlite3_bind_int64(st, 1, rb->id);
	sqlite3_bind_int64(st, 2, tbl);
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		int64_t c = sqlite3_column_int64(st, 0);
		const char *h = col_text(st, 1);
		if (c >= 0 && (size_t)c < ncols && h && !(header[c] = strdup(h)))
			rc = -ENOMEM;
	}
	sqlite3_reset(st);

	st = t->q[Q_ROWS];
	sqlite3_bind_int64(st, 1, rb->id);
	sqlite3_bind_int64(st, 2, tbl);
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		int64_t r = sqlite3_column_int64(st, 0);
		const char *l = col_text(st, 1);
		if (r >= 0 && (size_t)r < nrows && l && !(labels[r] = strdup(l)))
			rc = -ENOMEM;
	}
	sqlite3_reset(st);

	st = t->q[Q_CELLS];
	sqlite3_bind_int64(st, 1, rb->id);
	sqlite3_bind_int64(st, 2, tbl);
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		int64_t r = sqlite3_column_int64(st, 0);
		int64_t c = sqlite3_column_int64(st, 1);
		const char *v = col_text(st, 2);
		if (r >= 0 && (size_t)r < nrows && c >= 0 && (size_t)c < ncols &&
		    v && !(values[r * ncols + c] = strdup(v)))
			rc = -ENOMEM;
	}
	sqlite3_reset(st);
	if (rc)
		goto out;

	f->has_unix = true;
	nb_buf_add(&f->data, "\xEF\xBB\xBF", 3);	/* Excel reads the BOM */
	for (int v = 0; v < 2; v++) {
		nb_buf *b = v ? &f->data_unix : &f->data;
		bool crlf = !v;
		ix_csv_field(b, label_header, true);
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
out:
	for (size_t i = 0; header && i < ncols; i++)
		free(header[i]);
	for (size_t i = 0; values && i < ncols * nrows; i++)
		free(values[i]);
	for (size_t i = 0; labels && i < nrows; i++)
		free(labels[i]);
	free(header);
	free(values);
	free(labels);
	return rc;
}

static int render_tables(report_build *rb)
{
	tree *t = rb->t;
	sqlite3_stmt *st = t->q[Q_TABLES];
	cJSON *templates = meta_item(rb, "template_tables");
	cJSON *printed = meta_item(rb, "labels_as_printed");

	/* The statements are all cached: step through a copy of the table
	 * list, as rendering a table reuses them. */
	typedef struct {
		int64_t no, kind, ncols, nrows;
		char *format, *name, *label_header;
	} tinfo;
	tinfo *v = NULL;
	size_t n = 0, cap = 0;
	int rc = 0, step;
	sqlite3_bind_int64(st, 1, rb->id);
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			tinfo *nv = realloc(v, cap * sizeof *nv);
			if (!nv) {
				rc = -ENOMEM;
				break;
			}
			v = nv;
		}
		const char *name = col_text(st, 3), *lh = col_text(st, 4);
		v[n] = (tinfo){
			.no = sqlite3_column_int64(st, 0),
			.kind = sqlite3_column_int64(st, 1),
			.format = strdup(col_text(st, 2)),
			.name = name ? strdup(name) : NULL,
			.label_header = lh ? strdup(lh) : NULL,
			.ncols = sqlite3_column_int64(st, 5),
			.nrows = sqlite3_column_int64(st, 6),
		};
		if (!v[n].format || (name && !v[n].name) || (lh && !v[n].label_header))
			rc = -ENOMEM;
		n++;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_error(t);
	sqlite3_reset(st);

	for (size_t i = 0; i < n && !rc; i++) {
		const tinfo *ti = &v[i];
		size_t kid;
		if (ti->ncols < 0 || ti->nrows < 0 ||
		    (rc = table_dir(rb, (int)ti->kind, &kid)))
			break;
		char fallback[32];
		snprintf(fallback, sizeof fallback, "表格%lld",
			 (long long)ti->no + 1);
		tnode *f = add_kid(&rb->year.kids[kid],
				   ix_name(ti->name, ".csv", fallback), ".csv",
				   false);
		if (!f) {
			rc = -ENOMEM;
			break;
		}
		rc = render_csv(rb, ti->no, (size_t)ti->ncols, (size_t)ti->nrows,
				ti->label_header, f);
		const char *key = ti->name ? ti->name : fallback;
		if (!rc && !cJSON_GetObjectItemCaseSensitive(templates, key) &&
		    !cJSON_AddStringToObject(templates, key, ti->format))
			rc = -ENOMEM;

		sqlite3_stmt *rows = t->q[Q_ROWS];
		sqlite3_bind_int64(rows, 1, rb->id);
		sqlite3_bind_int64(rows, 2, ti->no);
		while (!rc && sqlite3_step(rows) == SQLITE_ROW) {
			const char *label = col_text(rows, 1);
			const char *as = col_text(rows, 2);
			if (!as)
				continue;
			nb_buf k = {0};
			nb_buf_printf(&k, "%s/%s", key, label ? label : "");
			if (k.oom ||
			    (!cJSON_GetObjectItemCaseSensitive(printed, k.s) &&
			     !cJSON_AddStringToObject(printed, k.s, as)))
				rc = -ENOMEM;
			nb_buf_free(&k);
		}
		sqlite3_reset(rows);
	}
	for (size_t i = 0; i < n; i++) {
		free(v[i].format);
		free(v[i].name);
		free(v[i].label_header);
	}
	free(v);
	return rc;
}

static int add_strings(tree *t, int which, int64_t id, cJSON *arr)
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

static int add_checks(tree *t, int64_t id, cJSON *arr)
{
	sqlite3_stmt *st = t->q[Q_CHECKS];
	sqlite3_bind_int64(st, 1, id);
	int rc = 0, step;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		cJSON *c = cJSON_CreateObject();
		if (!c || !cJSON_AddItemToArray(arr, c) ||
		    !cJSON_AddStringToObject(c, "rule", col_text(st, 0)) ||
		    !(col_text(st, 1) ?
		      cJSON_AddStringToObject(c, "subject", col_text(st, 1)) :
		      cJSON_AddNullToObject(c, "subject")) ||
		    !cJSON_AddBoolToObject(c, "ok", sqlite3_column_int(st, 2)) ||
		    !cJSON_AddStringToObject(c, "detail",
					     col_text(st, 3) ? col_text(st, 3) : ""))
			rc = -ENOMEM;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_error(t);
	sqlite3_reset(st);
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
	tree *t = rb->t;
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
	tnode *f = ok ? add_kid(&rb->year, strdup("report.txt"), "", false) : NULL;
	if (f)
		ix_render_text(&f->data, col_text(st, 10));
	sqlite3_reset(st);
	return f ? 0 : -ENOMEM;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const tnode *)a)->name, ((const tnode *)b)->name);
}

/* Whether n's unix dialect is its Excel one converted (ix_csv_to_unix),
 * and so need not be stored.  -ENOMEM when that could not be told. */
static int unix_derived(const tnode *n, bool *derived)
{
	nb_buf d = {0};
	ix_csv_to_unix(&d, n->data.s ? n->data.s : "", n->data.len);
	if (d.oom)
		return -ENOMEM;
	*derived = d.len == n->data_unix.len &&
		(!d.len || !memcmp(d.s, n->data_unix.s, d.len));
	nb_buf_free(&d);
	return 0;
}

static int insert_node(tree *t, int64_t parent, const tnode *n,
		       int64_t mtime_ns, uint32_t nlink, int64_t report,
		       int64_t *ino)
{
	bool derived = false;
	if (n->has_unix && unix_derived(n, &derived))
		return -ENOMEM;
	sqlite3_stmt *st = t->q[Q_INSERT];
	/* compared as stored: a derived data_unix is NULL */
	int arc = ix_inos_assign(t->inos, parent, n->name, n->is_dir, mtime_ns,
				 &n->data, &n->data_unix, n->has_unix && !derived,
				 ino);
	if (arc)
		return arc;
	sqlite3_bind_int64(st, 1, *ino);
	sqlite3_bind_int64(st, 2, parent);
	sqlite3_bind_text(st, 3, n->name, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, n->is_dir);
	sqlite3_bind_int64(st, 5, n->is_dir ? 0 : (int64_t)n->data.len);
	if (n->has_unix)
		sqlite3_bind_int64(st, 6, (int64_t)n->data_unix.len);
	sqlite3_bind_int64(st, 7, mtime_ns);
	sqlite3_bind_int64(st, 8, nlink);
	if (report)
		sqlite3_bind_int64(st, 9, report);
	if (!n->is_dir) {
		/* an empty file is an empty blob, never NULL */
		if (n->data.len)
			sqlite3_bind_blob64(st, 10, n->data.s, n->data.len,
					    SQLITE_STATIC);
		else
			sqlite3_bind_zeroblob(st, 10, 0);
		/* NULL when served converted from data (the usual case) */
		if (n->has_unix && !derived && n->data_unix.len)
			sqlite3_bind_blob64(st, 11, n->data_unix.s,
					    n->data_unix.len, SQLITE_STATIC);
		else if (n->has_unix && !derived)
			sqlite3_bind_zeroblob(st, 11, 0);
	}
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(t);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

/* Inserts n and everything below it, children in name order. */
static int insert_tree(tree *t, int64_t parent, tnode *n, int64_t mtime_ns,
		       int64_t report)
{
	uint32_t nlink = 1;
	if (n->is_dir) {
		if (n->nkids)
			qsort(n->kids, n->nkids, sizeof *n->kids, by_name);
		nlink = 2;
		for (size_t i = 0; i < n->nkids; i++)
			nlink += n->kids[i].is_dir;
	}
	int64_t ino;
	int rc = insert_node(t, parent, n, mtime_ns, nlink, report, &ino);
	for (size_t i = 0; i < n->nkids && !rc; i++)
		rc = insert_tree(t, ino, &n->kids[i], mtime_ns, report);
	return rc;
}

static int render_report(tree *t, const rep *r, int64_t agency_ino)
{
	report_build rb = {.t = t, .id = r->id};
	int rc = 0;
	rb.year.name = strdup(r->year_dir);
	rb.year.is_dir = true;
	rb.meta = cJSON_CreateObject();
	if (!rb.year.name || !rb.meta)
		rc = -ENOMEM;
	if (!rc)
		rc = render_facts(&rb);
	if (!rc)
		rc = render_sections(&rb);
	if (!rc)
		rc = render_tables(&rb);
	if (!rc)
		rc = add_strings(t, Q_WARNINGS, r->id, meta_item(&rb, "warnings"));
	if (!rc)
		rc = add_strings(t, Q_NOTES, r->id, meta_item(&rb, "notes"));
	if (!rc)
		rc = add_checks(t, r->id, meta_item(&rb, "checks"));
	if (!rc) {
		char *json = cJSON_Print(rb.meta);
		tnode *f = json ? add_kid(&rb.year, strdup("meta.json"), "", false)
				: NULL;
		if (f) {
			nb_buf_adds(&f->data, json);
			nb_buf_add(&f->data, "\n", 1);
		} else {
			rc = -ENOMEM;
		}
		free(json);
	}
	if (!rc && tnode_oom(&rb.year))
		rc = -ENOMEM;
	if (!rc)
		rc = insert_tree(t, agency_ino, &rb.year, r->mtime_ns, r->id);
	cJSON_Delete(rb.meta);
	free(rb.secs);
	tnode_free(&rb.year);
	return rc;
}

/* ---- naming and ordering every report -------------------------------------- */

/* Reports of one agency and year keep their source path order: the sort
 * using this is stable. */
static int by_agency_year(const void *a, const void *b)
{
	const rep *x = a, *y = b;
	int c = strcmp(x->agency_dir, y->agency_dir);
	if (c)
		return c;
	return (x->year > y->year) - (x->year < y->year);
}

/* A stable merge sort: qsort promises no stability, and the order of two
 * reports of one agency and year must be their source paths' order. */
static int sort_stable(rep *v, size_t n, int (*cmp)(const void *, const void *))
{
	if (n < 2)
		return 0;
	rep *tmp = malloc(n * sizeof *tmp);
	if (!tmp)
		return -ENOMEM;
	for (size_t width = 1; width < n; width *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n;
			size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				tmp[k++] = cmp(&v[j], &v[i]) < 0 ? v[j++] : v[i++];
			while (i < mid)
				tmp[k++] = v[i++];
			while (j < hi)
				tmp[k++] = v[j++];
		}
		memcpy(v, tmp, n * sizeof *v);
	}
	free(tmp);
	return 0;
}

static int by_year_dir(const void *a, const void *b)
{
	return strcmp(((const rep *)a)->year_dir, ((const rep *)b)->year_dir);
}

static int load_reports(tree *t)
{
	sqlite3_stmt *st = t->q[Q_REPORTS];
	size_t cap = 0;
	int rc = 0, step;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		if (t->nreps == cap) {
			cap = cap ? cap * 2 : 64;
			rep *v = realloc(t->reps, cap * sizeof *v);
			if (!v) {
				rc = -ENOMEM;
				break;
			}
			t->reps = v;
		}
		rep *r = &t->reps[t->nreps++];
		*r = (rep){
			.id = sqlite3_column_int64(st, 0),
			.year = sqlite3_column_int(st, 2),
			.mtime_ns = sqlite3_column_int64(st, 3),
			.agency_dir = ix_all_agency_dir(ix_name(col_text(st, 1),
							"", UNKNOWN_AGENCY)),
		};
		if (!r->agency_dir)
			rc = -ENOMEM;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_error(t);
	sqlite3_reset(st);
	return rc;
}

/* Year directory names within each agency: "2019", then "2019~2" ... in
 * source path order. */
static int name_years(tree *t)
{
	for (size_t i = 0; i < t->nreps; i++) {
		rep *r = &t->reps[i];
		char base[32];
		if (r->year > 0)
			snprintf(base, sizeof base, "%d", r->year);
		else
			snprintf(base, sizeof base, "%s", IX_UNKNOWN_YEAR);
		unsigned k = 1;	/* 1 + the reports of this agency and year before */
		while (k <= i &&
		       !strcmp(t->reps[i - k].agency_dir, r->agency_dir) &&
		       t->reps[i - k].year == r->year)
			k++;
		r->year_dir = k == 1 ? strdup(base) : ix_name_dup(base, "", k);
		if (!r->year_dir)
			return -ENOMEM;

		sqlite3_stmt *st = t->q[Q_NAME_REPORT];
		sqlite3_bind_text(st, 1, r->agency_dir, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, r->year_dir, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, r->id);
		int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(t);
		sqlite3_reset(st);
		if (rc)
			return rc;
	}
	return 0;
}

static int cross_years(tree *t)
{
	ix_cross *x;
	int rc = ix_cross_new(t->db, t->err, &x);
	if (rc)
		return rc;
	ix_yearly *v = malloc((t->nreps + 1) * sizeof *v);
	if (!v)
		rc = -ENOMEM;
	for (size_t i = 0; i < t->nreps && !rc;) {
		size_t j = i;
		for (; j < t->nreps &&
		       !strcmp(t->reps[j].agency_dir, t->reps[i].agency_dir); j++)
			v[j - i] = (ix_yearly){t->reps[j].id, t->reps[j].year};
		rc = ix_cross_year(x, v, j - i);
		i = j;
	}
	free(v);
	ix_cross_free(x);
	return rc;
}

static int insert_all(tree *t, const char *rawdir)
{
	int64_t root_mtime = INT64_MIN;
	size_t nagencies = 0;
	for (size_t i = 0; i < t->nreps; i++) {
		if (t->reps[i].mtime_ns > root_mtime)
			root_mtime = t->reps[i].mtime_ns;
		nagencies += !i || strcmp(t->reps[i].agency_dir,
					  t->reps[i - 1].agency_dir);
	}
	if (!t->nreps) {
		/* nothing below the root: it takes RAWDIR's own time */
		struct stat st;
		root_mtime = stat(rawdir, &st) ? 0 :
			(int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	}
	tnode root = {.name = "", .is_dir = true};
	int64_t ino;
	int rc = insert_node(t, 0, &root, root_mtime, 3 + nagencies, 0, &ino);
	/* _all (ix_dataset_build) comes first: in an index built from scratch
	 * its number is the one after the root's */
	int64_t all_ino = 0;
	if (!rc)
		rc = ix_inos_assign(t->inos, NB_ROOT_INO, "_all", true, root_mtime,
				    NULL, NULL, false, &all_ino);

	for (size_t i = 0; i < t->nreps && !rc;) {
		size_t j = i;
		int64_t mtime = INT64_MIN;
		for (; j < t->nreps &&
		       !strcmp(t->reps[j].agency_dir, t->reps[i].agency_dir); j++)
			if (t->reps[j].mtime_ns > mtime)
				mtime = t->reps[j].mtime_ns;
		rc = sort_stable(t->reps + i, j - i, by_year_dir);
		tnode agency = {.name = t->reps[i].agency_dir, .is_dir = true};
		int64_t agency_ino;
		if (!rc)
			rc = insert_node(t, NB_ROOT_INO, &agency, mtime,
					 2 + (uint32_t)(j - i), 0, &agency_ino);
		for (size_t k = i; k < j && !rc; k++)
			rc = render_report(t, &t->reps[k], agency_ino);
		i = j;
	}
	if (!rc)
		rc = ix_dataset_build(t->db, t->err, all_ino, root_mtime,
				      t->inos);
	if (!rc)
		rc = ix_trend_build(t->db, t->err, t->inos);
	return rc;
}

int ix_tree_build(sqlite3 *db, const char *rawdir, FILE *err)
{
	tree t = {.db = db, .err = err};
	int rc = 0;
	for (int i = 0; i < Q_COUNT && !rc; i++)
		if (sqlite3_prepare_v3(db, sql[i], -1, SQLITE_PREPARE_PERSISTENT,
				       &t.q[i], NULL) != SQLITE_OK)
			rc = db_error(&t);
	if (!rc)
		rc = ix_inos_new(db, err, &t.inos);
	if (!rc)
		rc = load_reports(&t);
	if (!rc)
		rc = sort_stable(t.reps, t.nreps, by_agency_year);
	if (!rc)
		rc = name_years(&t);
	if (!rc)
		rc = cross_years(&t);
	if (!rc)
		rc = insert_all(&t, rawdir);
	if (!rc)
		rc = ix_inos_finish(t.inos);
	if (rc == -ENOMEM)
		ix_say(err, "%s: out of memory", sqlite3_db_filename(db, "main"));
	for (size_t i = 0; i < t.nreps; i++) {
		free(t.reps[i].agency_dir);
		free(t.reps[i].year_dir);
	}
	free(t.reps);
	ix_inos_free(t.inos);
	for (int i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(t.q[i]);
	return rc;
}
