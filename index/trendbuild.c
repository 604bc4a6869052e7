/*
 * trendbuild.c — every agency's 趋势.csv in a build (trend.c renders it):
 * its node, with the file's sizes and digest, after _all's.
 *
 * An agency's file is rendered in the tree phase, on the reader that
 * renders its last report, from the tables the readers loaded to render
 * its reports (ix_trends_report): read again from the index, they were
 * 2/3 of the file's work (callgrind, bench/gen.py -n 300).  An agency with
 * a report copied from the old index keeps its file's node, left in place
 * by treekeep.c, when its reports are all the old ones, else has it rendered
 * from the index after the tree phase, on every core, on read
 * connections (readers.c).  Every node is inserted in the agencies' order
 * (pmap.c).
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "ix.h"
#include "tnode.h"
#include "dataset.h"
#include "trend.h"

typedef ix_trend_column column;
typedef ix_trend_member member;

enum { Q_REPORTS, Q_ROOT, Q_INSERT, Q_KEPT, Q_COUNT };

static const char *const sql[Q_COUNT] = {
	/* the order of trend.c's reading */
	[Q_REPORTS] = "SELECT r.id, r.agency_dir, r.year_dir,"
		" r.id IN (SELECT id FROM temp.unchanged) FROM stored_report r"
		" JOIN source s ON s.id = r.id ORDER BY r.agency_dir, "
		IX_YEAR_KEY ", s.path",
	/* the agency directories among them, in the agencies' order */
	[Q_ROOT] = "SELECT name, ino, mtime_ns, nlink FROM node"
		" WHERE parent = ? ORDER BY name",
	[Q_INSERT] = "INSERT INTO node(ino, parent, name, is_dir, size,"
		" size_unix, mtime_ns, nlink, part, digest)"
		" VALUES(?, ?, ?, 0, ?, ?, ?, 1, ?, ?)",
	[Q_KEPT] = "SELECT 1 FROM main.node WHERE parent = ?1 AND name = ?2",
};

/* What a file's node records of it: its sizes in both dialects and its
 * digest (ix_tnode_digest's). */
typedef struct {
	int64_t len, len_unix, digest;
} sized;

/* An agency: its directory's name and node, and its reports, a run of
 * members.  Its file is rendered in the tree phase unless a report of it
 * is copied from the old index (places then has none of its reports):
 * its reports' columns as each is rendered, in members' order (cols;
 * none kept of an agency of one report), then the file's node (ahead). */
typedef struct {
	char *dir;
	int64_t ino, mtime_ns, nlink;
	size_t first, n;
	column *cols;
	bool ahead;
	sized file;
} agency;

/* An agency's file as a reader rendered it, until the writer inserts it. */
typedef struct {
	ix_tnode f;
	bool rendered;		/* else it may be the old index's, kept */
	int rc;
} rendered;

/* Where report id's column goes: agency v[agency]'s cols[col]. */
typedef struct {
	int64_t id;
	size_t agency, col;
} place;

struct ix_trends {
	sqlite3 *db;
	FILE *err;
	sqlite3_stmt *q[Q_COUNT];
	bool old;		/* an old index is attached */
	ix_trend *w;		/* the writer's */
	ix_trend **rd;		/* each reader's */
	unsigned nr;
	ix_inos *inos;
	const atomic_int *cancel;
	member *members;	/* every agency's reports, agency after agency */
	size_t nmembers, mcap;
	agency *v;
	size_t n, cap;
	atomic_size_t *in;	/* by agency: its columns in so far */
	place *places;		/* by id: every report rendered ahead */
	size_t nplaces;
	rendered ring[IX_RENDER_WINDOW];
};

typedef ix_trends builder;

static int db_error(builder *b)
{
	ix_say_db(b->err, b->db);
	return -EIO;
}

static const char *text_or(sqlite3_stmt *st, int i, const char *dflt)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	return s ? s : dflt;
}

static sized sized_of(const ix_tnode *f)
{
	return (sized){(int64_t)f->data.len, (int64_t)f->data_unix.len,
		       f->digest};
}

static bool all_unchanged(const member *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!m[i].unchanged)
			return false;
	return true;
}

static int add_member(builder *b, int64_t id, const char *year_dir,
		      bool unchanged)
{
	member *v = nb_grow(b->members, &b->mcap, b->nmembers + 1, sizeof *v,
			    64);
	if (!v)
		return -ENOMEM;
	b->members = v;
	member *m = &b->members[b->nmembers];
	*m = (member){.id = id, .year_dir = strdup(year_dir),
		      .unchanged = unchanged};
	if (!m->year_dir)
		return -ENOMEM;
	b->nmembers++;
	return 0;
}

/* Whether agency a's file is the old index's, its node kept in place
 * with the directory's (treekeep.c keeps both when the agency's reports, m,
 * are the old ones, unchanged, and as many). */
static int file_kept(builder *t, const agency *a, const member *m,
		     bool *kept)
{
	*kept = false;
	if (!t->old || !all_unchanged(m, a->n))
		return 0;
	sqlite3_stmt *st = t->q[Q_KEPT];
	sqlite3_bind_int64(st, 1, a->ino);
	sqlite3_bind_text(st, 2, IX_TREND_NAME, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	*kept = step == SQLITE_ROW;
	sqlite3_reset(st);
	return step == SQLITE_ROW || step == SQLITE_DONE ? 0 : db_error(t);
}

/* Agency a's file's node row: its sizes and digest (ix_tnode_digest's;
 * the bytes are rendered on read). */
static int insert(builder *t, const agency *a, const sized *f, ix_inos *inos)
{
	int64_t ino, mtime = a->mtime_ns;
	int rc = ix_inos_assign_rendered(inos, a->ino, IX_TREND_NAME, mtime,
					 f->len, f->digest, &ino);
	if (rc)
		return rc;
	sqlite3_stmt *st = t->q[Q_INSERT];
	sqlite3_bind_int64(st, 1, ino);
	sqlite3_bind_int64(st, 2, a->ino);
	sqlite3_bind_text(st, 3, IX_TREND_NAME, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, f->len);
	sqlite3_bind_int64(st, 5, f->len_unix);
	sqlite3_bind_int64(st, 6, mtime);
	sqlite3_bind_int64(st, 7, IX_PART_TREND);
	sqlite3_bind_int64(st, 8, f->digest);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(t);
	sqlite3_reset(st);
	return rc;
}

/* Every agency and its reports, in the order of Q_REPORTS. */
static int load_agencies(builder *b)
{
	sqlite3_stmt *st = b->q[Q_REPORTS];
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
			v[b->n] = (agency){.dir = strdup(dir), .first = b->nmembers};
			if (!v[b->n].dir) {
				rc = -ENOMEM;
				break;
			}
			b->n++;
		}
		b->v[b->n - 1].n++;
		rc = add_member(b, sqlite3_column_int64(st, 0), text_or(st, 2, ""),
				sqlite3_column_int(st, 3));
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_error(b);
	sqlite3_reset(st);
	return rc;
}

static int by_id(const void *a, const void *b)
{
	int64_t x = ((const place *)a)->id, y = ((const place *)b)->id;
	return (x > y) - (x < y);
}

/* Each agency whose reports are all rendered in the tree phase gets its
 * columns there, each where places says. */
static int plan_ahead(builder *b)
{
	const member *m = b->members;
	b->in = malloc((b->n ? b->n : 1) * sizeof *b->in);
	b->places = malloc((b->nmembers ? b->nmembers : 1) *
			   sizeof *b->places);
	if (!b->in || !b->places)
		return -ENOMEM;
	for (size_t i = 0; i < b->n; i++) {
		agency *a = &b->v[i];
		atomic_init(&b->in[i], 0);
		bool ahead = true;
		for (size_t k = 0; k < a->n && ahead; k++)
			ahead = !m[a->first + k].unchanged;
		if (!ahead)
			continue;
		/* an agency of one report (70 % of the bench's) keeps none */
		if (a->n > 1 && !(a->cols = calloc(a->n, sizeof *a->cols)))
			return -ENOMEM;
		for (size_t k = 0; k < a->n; k++)
			b->places[b->nplaces++] = (place){m[a->first + k].id, i, k};
	}
	qsort(b->places, b->nplaces, sizeof *b->places, by_id);
	return 0;
}

int ix_trends_new(sqlite3 *db, FILE *err, ix_trends **out)
{
	builder *b = calloc(1, sizeof *b);
	if (!b)
		return -ENOMEM;
	*b = (builder){.db = db, .err = err};
	int rc = ix_old_attached(db, err, &b->old);
	for (int i = 0; i < Q_COUNT && !rc; i++) {
		if (sqlite3_prepare_v3(db, sql[i], -1, SQLITE_PREPARE_PERSISTENT,
				       &b->q[i], NULL) != SQLITE_OK)
			rc = db_error(b);
	}
	if (!rc)
		rc = ix_trend_open(db, err, &b->w);
	if (!rc)
		rc = load_agencies(b);
	if (!rc)
		rc = plan_ahead(b);
	if (rc == -ENOMEM)
		ix_say(err, "%s: out of memory", sqlite3_db_filename(db, "main"));
	if (rc) {
		ix_trends_free(b);
		return rc;
	}
	*out = b;
	return 0;
}

int ix_trends_readers(ix_trends *b, ix_readers *readers)
{
	unsigned nr = ix_readers_count(readers);
	if (!(b->rd = calloc(nr, sizeof *b->rd)))
		return -ENOMEM;
	b->nr = nr;
	int rc = 0;
	for (unsigned w = 0; w < nr && !rc; w++)
		rc = ix_trend_open(ix_readers_db(readers, w), b->err, &b->rd[w]);
	return rc;
}

int ix_trends_report(ix_trends *b, unsigned w, int64_t id, const ix_table *v,
		     size_t n)
{
	const place *p = bsearch(&(place){.id = id}, b->places, b->nplaces,
				 sizeof *p, by_id);
	if (!p)
		return 0;
	agency *a = &b->v[p->agency];
	ix_trend *t = b->rd[w];
	column one = {0};
	column *cols = a->n > 1 ? a->cols : &one;
	int rc = ix_trend_column_of(t, b->members[a->first + p->col].year_dir,
				    v, n, &cols[p->col]);
	/* the last of the agency's reports renders its file: the others'
	 * columns are in (the count is its fence) */
	bool last = !rc && (a->n == 1 ||
			    atomic_fetch_add(&b->in[p->agency], 1) + 1 == a->n);
	if (last) {
		ix_tnode f = {0};
		rc = ix_trend_render_columns(t, cols, a->n, &f);
		if (!rc) {
			ix_tnode_digest(&f);
			a->file = sized_of(&f);
			a->ahead = true;
		}
		ix_tnode_free(&f);
	}
	if (last || a->n == 1) {
		ix_trend_columns_free(cols, a->n);
		free(a->cols);
		a->cols = NULL;
	}
	return rc;
}

/* Each agency's directory node, from the root's entries in one pass: in
 * name order, the agencies' own (Q_REPORTS), as node has no index by name
 * until the tree is complete (ix_schema_node_name). */
static int find_dirs(builder *b)
{
	sqlite3_stmt *st = b->q[Q_ROOT];
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
		rc = db_error(b);
	} else if (i < b->n) {
		ix_say(b->err, "%s: the agency directory %s is not in the tree",
		       sqlite3_db_filename(b->db, "main"), b->v[i].dir);
		rc = -EIO;
	}
	sqlite3_reset(st);
	return rc;
}

/* Renders agency a's file on the statements of t, and digests it. */
static int render_agency(ix_trend *t, const builder *b, const agency *a,
			 ix_tnode *f)
{
	int rc = ix_trend_render_members(t, b->members + a->first, a->n, f);
	if (!rc)
		ix_tnode_digest(f);
	return rc;
}

/* On reader w: agency i's file, unless it is rendered already or may be
 * kept. */
static void work_agency(void *ctx, unsigned w, size_t i)
{
	builder *b = ctx;
	const agency *a = &b->v[i];
	rendered *out = &b->ring[i % IX_RENDER_WINDOW];
	*out = (rendered){0};
	if (a->ahead || ix_cancelled(b->cancel) ||
	    (b->old && all_unchanged(b->members + a->first, a->n)))
		return;
	out->rendered = true;
	out->rc = render_agency(b->rd[w], b, a, &out->f);
}

/* On the writer, in order: agency i's file kept or inserted (rendered
 * here when the reader left it as one that may be kept, and it is not). */
static int insert_agency(void *ctx, size_t i)
{
	builder *b = ctx;
	const agency *a = &b->v[i];
	rendered *in = &b->ring[i % IX_RENDER_WINDOW];
	bool is_kept = false;
	int rc = ix_cancelled(b->cancel) ? NB_CANCELLED : in->rc;
	if (!rc && a->ahead) {
		rc = insert(b, a, &a->file, b->inos);
		*in = (rendered){0};
		return rc;
	}
	if (!rc && !in->rendered)
		rc = file_kept(b, a, b->members + a->first, &is_kept);
	if (!rc && !is_kept && !in->rendered)
		rc = render_agency(b->w, b, a, &in->f);
	if (!rc && !is_kept) {
		sized f = sized_of(&in->f);
		rc = insert(b, a, &f, b->inos);
	}
	ix_tnode_free(&in->f);
	*in = (rendered){0};
	return rc;
}

int ix_trends_insert(ix_trends *b, ix_inos *inos, const atomic_int *cancel)
{
	b->inos = inos;
	b->cancel = cancel;
	int rc = find_dirs(b);
	if (!rc)
		rc = ix_pmap(b->n, b->nr, IX_RENDER_WINDOW, work_agency,
			     insert_agency, b);
	if (rc == -ENOMEM)
		ix_say(b->err, "%s: out of memory",
		       sqlite3_db_filename(b->db, "main"));
	return rc;
}

void ix_trends_free(ix_trends *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < IX_RENDER_WINDOW; i++)
		ix_tnode_free(&b->ring[i].f);
	for (size_t i = 0; i < b->n; i++) {
		free(b->v[i].dir);
		if (b->v[i].cols)
			ix_trend_columns_free(b->v[i].cols, b->v[i].n);
		free(b->v[i].cols);
	}
	free(b->v);
	for (size_t i = 0; i < b->nmembers; i++)
		free(b->members[i].year_dir);
	free(b->members);
	free(b->in);
	free(b->places);
	for (unsigned w = 0; b->rd && w < b->nr; w++)
		ix_trend_free(b->rd[w]);
	free(b->rd);
	ix_trend_free(b->w);
	for (int i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(b->q[i]);
	free(b);
}
