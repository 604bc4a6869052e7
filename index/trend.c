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
 * the tree for its size and digest and again when read (rendered.c);
 * its node is copied from the old index when the agency's reports are the
 * same, unchanged.  A build renders the agencies' files on every core, on
 * read connections (readers.c), and inserts them in order (pmap.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "ix.h"
#include "dataset.h"

#define TREND_NAME "趋势.csv"

enum {
	Q_MEMBERS,				/* reading */
	Q_REPORTS, Q_ROOT, Q_INSERT,		/* building */
	Q_OLD_COUNT, Q_COPY,			/* building with an old index */
	Q_COUNT
};

static const char *const sql[Q_COUNT] = {
	[Q_REPORTS] = "SELECT r.id, r.agency_dir, r.year_dir,"
		" r.id IN (SELECT id FROM temp.unchanged) FROM report r"
		" JOIN source s ON s.id = r.id ORDER BY r.agency_dir, "
		IX_YEAR_KEY ", s.path",
	/* the reports of the agency directory ?, in Q_REPORTS's order */
	[Q_MEMBERS] = "SELECT r.id, r.year_dir FROM node n"
		" JOIN report r ON r.id = n.report JOIN source s ON s.id = r.id"
		" WHERE n.parent = ? AND n.is_dir ORDER BY " IX_YEAR_KEY ", s.path",
	/* the agency directories among them, in the agencies' order */
	[Q_ROOT] = "SELECT name, ino, mtime_ns, nlink FROM node"
		" WHERE parent = ? ORDER BY name",
	[Q_INSERT] = "INSERT INTO node(ino, parent, name, is_dir, size,"
		" size_unix, mtime_ns, nlink, part, digest)"
		" VALUES(?, ?, ?, 0, ?, ?, ?, 1, ?, ?)",
	/* with an old index attached: an agency whose reports are all
	 * unchanged (tree.c) and as many as before has the same file, under
	 * the same directory number (kept by path) */
	[Q_OLD_COUNT] = "SELECT (SELECT nlink FROM old.node WHERE parent = ?1"
		" AND name = ?2) IS ?3",
	[Q_COPY] = "INSERT INTO main.node SELECT * FROM old.node"
		" WHERE parent = ?1 AND name = ?2",
};

typedef struct {
	char *year_dir;
	ix_strv keys, values;	/* the report's figures, in its order */
	size_t hint;		/* where render looks next */
} column;

/* A report of the agency at hand. */
typedef struct {
	int64_t id;
	char *year_dir;
	bool unchanged;
} member;

typedef struct ix_trend {
	sqlite3 *db;
	FILE *err;
	sqlite3_stmt *q[Q_COUNT];
	ix_figures *figures;
	bool old;		/* an old index is attached */
	column *cols;
	size_t ncols, cap;
	member *members;	/* the agency's reports; in a build, every
				   agency's, agency after agency */
	size_t nmembers, mcap;
	nb_buf lf;		/* a file's unix dialect, reused */
} trend;

static int db_error(trend *t)
{
	ix_say_db(t->err, t->db);
	return -EIO;
}

static void clear_columns(trend *t)
{
	for (size_t i = 0; i < t->ncols; i++) {
		free(t->cols[i].year_dir);
		ix_strv_free(&t->cols[i].keys);
		ix_strv_free(&t->cols[i].values);
	}
	t->ncols = 0;
}

static const char *text_or(sqlite3_stmt *st, int i, const char *dflt)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	return s ? s : dflt;
}

/* One report's figures as a new column. */
static int add_column(trend *t, int64_t report, const char *year_dir)
{
	column *v = nb_grow(t->cols, &t->cap, t->ncols + 1, sizeof *v, 8);
	if (!v)
		return -ENOMEM;
	t->cols = v;
	column *c = &t->cols[t->ncols++];
	*c = (column){.year_dir = strdup(year_dir ? year_dir : "")};
	if (!c->year_dir)
		return -ENOMEM;
	return ix_figures_read(t->figures, report, &c->keys, &c->values);
}

/* Each column's figures are looked up in the rows' order, which is
 * theirs: each is found where the last left off (hint), not by a search
 * from the start (strcmp was 1 % of a 10,000-report build, perf). */
static void render(const trend *t, const ix_strv *rows, nb_buf *b)
{
	ix_csv_field(b, "项目", true);
	for (size_t c = 0; c < t->ncols; c++) {
		ix_csv_field(b, t->cols[c].year_dir, false);
		t->cols[c].hint = 0;
	}
	ix_csv_end(b, false);
	for (size_t r = 0; r < rows->n; r++) {
		ix_csv_field(b, rows->v[r], true);
		for (size_t c = 0; c < t->ncols; c++) {
			column *col = &t->cols[c];
			long i = ix_strv_find_from(&col->keys, rows->v[r],
						   &col->hint);
			ix_csv_field(b, i >= 0 ? col->values.v[i] : NULL,
				     false);
		}
		ix_csv_end(b, false);
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
static int union_rows(const trend *t, ix_strv *rows)
{
	ix_strv tables = {0};
	int rc = 0;
	for (size_t c = 0; c < t->ncols && !rc; c++) {
		ix_strv one = {0};
		rc = keys_of(&t->cols[c], NULL, &one);
		if (!rc)
			rc = ix_union_merge(&tables, (const char *const *)one.v,
					    one.n);
		ix_strv_free(&one);
	}
	for (size_t i = 0; i < tables.n && !rc; i++) {
		ix_strv table = {0};
		for (size_t c = 0; c < t->ncols && !rc; c++) {
			ix_strv one = {0};
			rc = keys_of(&t->cols[c], tables.v[i], &one);
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

static int add_member(trend *t, int64_t id, const char *year_dir,
		      bool unchanged)
{
	member *v = nb_grow(t->members, &t->mcap, t->nmembers + 1, sizeof *v, 8);
	if (!v)
		return -ENOMEM;
	t->members = v;
	member *m = &t->members[t->nmembers];
	*m = (member){.id = id, .year_dir = strdup(year_dir),
		      .unchanged = unchanged};
	if (!m->year_dir)
		return -ENOMEM;
	t->nmembers++;
	return 0;
}

static void clear_members(trend *t)
{
	for (size_t i = 0; i < t->nmembers; i++)
		free(t->members[i].year_dir);
	t->nmembers = 0;
}

static bool all_unchanged(const member *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!m[i].unchanged)
			return false;
	return true;
}

/* An agency: its directory's name and node, and its reports, a run of
 * the building trend's members. */
typedef struct {
	char *dir;
	int64_t ino, mtime_ns, nlink;
	size_t first, n;
} agency;

/* Copies agency a's file from the old index when its reports (m) are the
 * old ones, unchanged; *copied says whether it did. */
static int copy_old(trend *t, const agency *a, const member *m, bool *copied)
{
	*copied = false;
	if (!t->old || !all_unchanged(m, a->n))
		return 0;
	/* as many reports as before: the agency directory's nlink is 2 + its
	 * reports */
	sqlite3_stmt *st = t->q[Q_OLD_COUNT];
	sqlite3_bind_int64(st, 1, NB_ROOT_INO);
	sqlite3_bind_text(st, 2, a->dir, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, a->nlink);
	int step = sqlite3_step(st);
	bool same = step == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (step != SQLITE_ROW)
		return db_error(t);
	if (!same)
		return 0;
	st = t->q[Q_COPY];
	sqlite3_bind_int64(st, 1, a->ino);
	sqlite3_bind_text(st, 2, TREND_NAME, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(t);
	*copied = !rc && sqlite3_changes(t->db) == 1;
	sqlite3_reset(st);
	return rc;
}

/* The file, rendered from the columns of the reports m (n of them):
 * f->data the excel dialect, f->data_unix the unix one. */
static int render_file(trend *t, const member *m, size_t n, ix_tnode *f)
{
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++)
		rc = add_column(t, m[i].id, m[i].year_dir);
	ix_strv rows = {0};
	if (!rc)
		rc = union_rows(t, &rows);
	nb_buf *lf = &t->lf;
	nb_buf_reset(lf);
	if (!rc) {
		render(t, &rows, lf);
		f->has_unix = true;
		nb_buf_add(&f->data, "\xEF\xBB\xBF", 3);	/* Excel reads the BOM */
		size_t n = ix_csv_excel(lf->s, lf->len, 0, NULL, 0);
		char *excel = n ? malloc(n) : NULL;
		if (n && !excel) {
			rc = -ENOMEM;
		} else {
			ix_csv_excel(lf->s, lf->len, 0, excel, n);
			nb_buf_add(&f->data, excel, n);
			nb_buf_add(&f->data_unix, lf->s, lf->len);
		}
		free(excel);
		if (lf->oom || f->data.oom || f->data_unix.oom)
			rc = -ENOMEM;
	}
	ix_strv_free(&rows);
	clear_columns(t);
	return rc;
}

/* Agency a's file's node row: its sizes and digest (ix_tnode_digest's;
 * the bytes are rendered on read). */
static int insert(trend *t, const agency *a, const ix_tnode *f,
		  ix_inos *inos)
{
	int64_t ino, mtime = a->mtime_ns;
	int rc = ix_inos_assign_rendered(inos, a->ino, TREND_NAME, mtime,
					 (int64_t)f->data.len, f->digest, &ino);
	if (rc)
		return rc;
	sqlite3_stmt *st = t->q[Q_INSERT];
	sqlite3_bind_int64(st, 1, ino);
	sqlite3_bind_int64(st, 2, a->ino);
	sqlite3_bind_text(st, 3, TREND_NAME, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (int64_t)f->data.len);
	sqlite3_bind_int64(st, 5, (int64_t)f->data_unix.len);
	sqlite3_bind_int64(st, 6, mtime);
	sqlite3_bind_int64(st, 7, IX_PART_TREND);
	sqlite3_bind_int64(st, 8, f->digest);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(t);
	sqlite3_reset(st);
	return rc;
}

static const char has_old_sql[] =
	"SELECT count(*) FROM pragma_database_list WHERE name = 'old'";

/* The statements of reading, and of building when building. */
static int trend_new(sqlite3 *db, FILE *err, bool building, trend **out)
{
	trend *t = calloc(1, sizeof *t);
	if (!t)
		return -ENOMEM;
	*t = (trend){.db = db, .err = err};
	sqlite3_stmt *has_old = NULL;
	int rc = 0;
	if (building) {
		if (sqlite3_prepare_v2(db, has_old_sql, -1, &has_old,
				       NULL) != SQLITE_OK)
			rc = db_error(t);
		t->old = !rc && sqlite3_step(has_old) == SQLITE_ROW &&
			sqlite3_column_int(has_old, 0) > 0;
		sqlite3_finalize(has_old);
	}
	for (int i = 0; i < Q_COUNT && !rc; i++) {
		if ((i >= Q_REPORTS && !building) || (i >= Q_OLD_COUNT && !t->old))
			continue;
		if (sqlite3_prepare_v3(db, sql[i], -1, SQLITE_PREPARE_PERSISTENT,
				       &t->q[i], NULL) != SQLITE_OK)
			rc = db_error(t);
	}
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
	return trend_new(db, NULL, false, out);
}

void ix_trend_free(ix_trend *t)
{
	if (!t)
		return;
	clear_columns(t);
	free(t->cols);
	nb_buf_free(&t->lf);
	clear_members(t);
	free(t->members);
	for (int i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(t->q[i]);
	ix_figures_free(t->figures);
	free(t);
}

int ix_trend_render(ix_trend *t, int64_t agency_ino, ix_tnode *f)
{
	sqlite3_stmt *st = t->q[Q_MEMBERS];
	sqlite3_bind_int64(st, 1, agency_ino);
	int rc = 0, step;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = add_member(t, sqlite3_column_int64(st, 0),
				text_or(st, 1, ""), false);
	if (!rc && step != SQLITE_DONE)
		rc = db_error(t);
	sqlite3_reset(st);
	if (!rc)
		rc = render_file(t, t->members, t->nmembers, f);
	clear_members(t);
	return rc;
}

/* ---- building, on every reader ------------------------------------------------ */

/* An agency's file as a reader rendered it, until the writer inserts it. */
typedef struct {
	ix_tnode f;
	bool rendered;		/* else it is to be copied from the old index */
	int rc;
} rendered;

typedef struct {
	trend *w;		/* the writer's, with every agency's members */
	ix_trend **rd;		/* each reader's */
	ix_inos *inos;
	const atomic_int *cancel;
	agency *v;
	size_t n, cap;
	rendered ring[IX_RENDER_WINDOW];
} builder;

/* Every agency and its reports, in the order of Q_REPORTS. */
static int load_agencies(builder *b)
{
	trend *t = b->w;
	sqlite3_stmt *st = t->q[Q_REPORTS];
	int rc = 0, step;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *dir = text_or(st, 1, "");
		if (!b->n || strcmp(b->v[b->n - 1].dir, dir)) {
			agency *v = nb_grow(b->v, &b->cap, b->n + 1, sizeof *v, 64);
			if (!v) {
				rc = -ENOMEM;
				break;
			}
			b->v = v;
			v[b->n] = (agency){.dir = strdup(dir), .first = t->nmembers};
			if (!v[b->n].dir) {
				rc = -ENOMEM;
				break;
			}
			b->n++;
		}
		b->v[b->n - 1].n++;
		rc = add_member(t, sqlite3_column_int64(st, 0), text_or(st, 2, ""),
				sqlite3_column_int(st, 3));
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_error(t);
	sqlite3_reset(st);
	return rc;
}

/* Each agency's directory node, from the root's entries in one pass: in
 * name order, the agencies' own (Q_REPORTS), as node has no index by name
 * until the tree is complete (ix_schema_node_indexes). */
static int find_dirs(builder *b)
{
	trend *t = b->w;
	sqlite3_stmt *st = t->q[Q_ROOT];
	sqlite3_bind_int64(st, 1, NB_ROOT_INO);
	size_t i = 0;
	int rc = 0, step = SQLITE_DONE;
	while (i < b->n && (step = sqlite3_step(st)) == SQLITE_ROW) {
		int c = strcmp(text_or(st, 0, ""), b->v[i].dir);
		if (c > 0)
			break;
		if (!c) {
			agency *a = &b->v[i++];
			a->ino = sqlite3_column_int64(st, 1);
			a->mtime_ns = sqlite3_column_int64(st, 2);
			a->nlink = sqlite3_column_int64(st, 3);
		}
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		rc = db_error(t);
	} else if (i < b->n) {
		ix_say(t->err, "%s: the agency directory %s is not in the tree",
		       sqlite3_db_filename(t->db, "main"), b->v[i].dir);
		rc = -EIO;
	}
	sqlite3_reset(st);
	return rc;
}

/* Renders agency a's file on the statements of t, and digests it. */
static int render_agency(trend *t, const builder *b, const agency *a,
			 ix_tnode *f)
{
	int rc = render_file(t, b->w->members + a->first, a->n, f);
	if (!rc)
		ix_tnode_digest(f);
	return rc;
}

/* On reader w: agency i's file, unless it is to be copied. */
static void work_agency(void *ctx, unsigned w, size_t i)
{
	builder *b = ctx;
	const agency *a = &b->v[i];
	rendered *out = &b->ring[i % IX_RENDER_WINDOW];
	*out = (rendered){0};
	if (ix_cancelled(b->cancel) ||
	    (b->w->old && all_unchanged(b->w->members + a->first, a->n)))
		return;
	out->rendered = true;
	out->rc = render_agency(b->rd[w], b, a, &out->f);
}

/* On the writer, in order: agency i's file copied or inserted (rendered
 * here when the copy the reader left it to could not be made). */
static int insert_agency(void *ctx, size_t i)
{
	builder *b = ctx;
	const agency *a = &b->v[i];
	rendered *in = &b->ring[i % IX_RENDER_WINDOW];
	bool copied = false;
	int rc = ix_cancelled(b->cancel) ? NB_CANCELLED : in->rc;
	if (!rc && !in->rendered)
		rc = copy_old(b->w, a, b->w->members + a->first, &copied);
	if (!rc && !copied && !in->rendered)
		rc = render_agency(b->w, b, a, &in->f);
	if (!rc && !copied)
		rc = insert(b->w, a, &in->f, b->inos);
	ix_tnode_free(&in->f);
	*in = (rendered){0};
	return rc;
}

int ix_trend_build(sqlite3 *db, FILE *err, ix_inos *inos, ix_readers *readers,
		   const atomic_int *cancel)
{
	builder b = {.inos = inos, .cancel = cancel};
	unsigned nr = ix_readers_count(readers);
	int rc = trend_new(db, err, true, &b.w);
	if (rc)
		return rc;
	if (!(b.rd = calloc(nr, sizeof *b.rd)))
		rc = -ENOMEM;
	for (unsigned w = 0; w < nr && !rc; w++)
		rc = trend_new(ix_readers_db(readers, w), err, false, &b.rd[w]);
	if (!rc)
		rc = load_agencies(&b);
	if (!rc)
		rc = find_dirs(&b);
	if (!rc)
		rc = ix_pmap(b.n, nr, IX_RENDER_WINDOW, work_agency, insert_agency,
			     &b);
	if (rc == -ENOMEM)
		ix_say(err, "%s: out of memory", sqlite3_db_filename(db, "main"));
	for (size_t i = 0; i < IX_RENDER_WINDOW; i++)
		ix_tnode_free(&b.ring[i].f);
	for (size_t i = 0; i < b.n; i++)
		free(b.v[i].dir);
	free(b.v);
	for (unsigned w = 0; b.rd && w < nr; w++)
		ix_trend_free(b.rd[w]);
	free(b.rd);
	ix_trend_free(b.w);
	return rc;
}
