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
 * A report's files are rendered to learn their sizes and digests, and
 * stored as those only: their bytes are rendered again when read
 * (rendered.c), from the rows they came from, which the index holds
 * anyway.  A report parsed in this build was rendered by the worker that
 * parsed it (prerender.c), its record kept in the build's spill file:
 * here only meta.json's checks across years are added, and its nodes
 * named and inserted.  A report copied from the old index whose files
 * changed is rendered from its rows (reptree.c).  Both run on every core,
 * on read connections (readers.c), once the names and the checks across
 * years are written; the writer inserts what they render, in order
 * (pmap.c).
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

#include "index.h"
#include "ix.h"
#include "tnode.h"
#include "dataset.h"
#include "noderows.h"
#include "prerender.h"
#include "spill.h"
#include "treekeep.h"

#define UNKNOWN_AGENCY "未知机关"

/* ---- statements ------------------------------------------------------------ */

enum { Q_REPORTS, Q_NAME_REPORT, Q_COUNT };

static const char *const sql[Q_COUNT] = {
	[Q_REPORTS] = "SELECT r.id, r.agency, r.year, s.mtime_ns,"
		" r.agency_dir, r.year_dir"
		" FROM stored_report r JOIN source s ON s.id = r.id"
		" ORDER BY s.path",
	[Q_NAME_REPORT] = "UPDATE stored_report SET agency_dir = ?,"
		" year_dir = ? WHERE id = ?",
};

typedef ix_rep rep;

/* A report's year directory as a reader rendered it, until the writer
 * has inserted it; freed by the reader that renders into its place next
 * (the window's length later), not by the writer: memory goes back to
 * the heap of the thread that took it, and the writer's frees took the
 * readers' heaps' locks. */
typedef struct {
	ix_tnode year;
	ix_secdirs dirs;
	nb_buf rec;		/* a parsed report's record, */
	ix_prerendered pre;	/* ... read (pre.nodes set) */
	int rc;
} rendered;

typedef struct {
	sqlite3 *db;
	FILE *err;
	const atomic_int *cancel;
	sqlite3_stmt *q[Q_COUNT];
	ix_noderows *nodes;	/* numbered, not inserted yet */
	ix_inos *inos;
	ix_reptree *render;	/* the writer's: records section directories */
	ix_readers *readers;
	ix_reptree **rd;	/* each reader's */
	ix_rows **cross;	/* each reader's: checks across years */
	const ix_spill *spill;	/* the parsed reports' records */
	ix_trends *trends;	/* the agencies' 趋势.csv */
	ix_dataset *dataset;	/* _all */
	rendered ring[IX_RENDER_WINDOW];
	int64_t agency_ino;	/* of the agency being inserted */
	bool old;		/* an old index is attached */
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

/* On reader w: renders report i (not one copied) and digests its files. */
static void render_report(void *ctx, unsigned w, size_t i)
{
	tree *t = ctx;
	const rep *r = &t->reps[i];
	rendered *out = &t->ring[i % IX_RENDER_WINDOW];
	ix_tnode_free(&out->year);	/* item i - IX_RENDER_WINDOW's */
	ix_secdirs_free(&out->dirs);
	ix_prerendered_free(&out->pre);
	nb_buf rec = out->rec;		/* kept for the next record */
	*out = (rendered){.rec = rec};
	if (r->unchanged || ix_cancelled(t->cancel))
		return;
	if (r->parsed) {
		out->rc = ix_record_finish(t->spill, t->cross[w], t->trends, w,
					   r->id, sqlite3_db_filename(t->db,
								      "main"),
					   t->err, &out->rec, &out->pre);
		return;
	}
	out->rc = ix_reptree_render_dirs(t->rd[w], r->id, &out->year,
					 &out->dirs);
	if (out->rc)
		return;
	ix_tnode_digest(&out->year);
	/* its figures for 趋势.csv, from the tables just loaded: read again
	 * from the index, they were 2/3 of the trend's work */
	const ix_table *v;
	size_t n;
	ix_reptree_tables(t->rd[w], &v, &n);
	out->rc = ix_trends_report(t->trends, w, r->id, v, n);
}

/* On the writer, in order: the agency's node before its first report
 * (its number only when the node stays), then report i's nodes and
 * section names. */
static int insert_report(void *ctx, size_t i)
{
	tree *t = ctx;
	const rep *r = &t->reps[i];
	rendered *in = &t->ring[i % IX_RENDER_WINDOW];
	int rc = ix_cancelled(t->cancel) ? NB_CANCELLED : in->rc;
	if (!rc && r->first && r->agency_kept)
		rc = ix_inos_assign_dir(t->inos, NB_ROOT_INO, r->agency_dir,
					r->agency_mtime, &t->agency_ino);
	else if (!rc && r->first)
		rc = ix_noderows_add(t->nodes, NB_ROOT_INO, r->agency_dir,
				     NULL, 0, r->agency_mtime,
				     2 + (uint32_t)r->agency_reports, 0,
				     &t->agency_ino);
	if (!rc && !r->unchanged && !r->parsed &&
	    !(in->year.name = strdup(r->year_dir)))
		rc = -ENOMEM;
	int64_t rank = 0;
	if (!rc && r->parsed)
		rc = ix_noderows_add_record(t->nodes, t->agency_ino, &in->pre,
					    r->year_dir, r->mtime_ns, r->id);
	else if (!rc && !r->unchanged)
		rc = ix_noderows_add_tree(t->nodes, t->agency_ino, &in->year,
					  r->mtime_ns, r->id, &rank);
	if (!rc)
		/* before the names they point to go */
		rc = ix_noderows_insert(t->nodes);
	if (!rc && !r->unchanged)
		rc = ix_reptree_name_sections(t->render, r->id,
					      r->parsed ? &in->pre.dirs :
					      &in->dirs);
	return rc;
}

/* Every report's nodes but those copied, rendered on every reader. */
static int insert_reports(tree *t)
{
	unsigned n = ix_readers_count(t->readers);
	int rc = 0;
	if (!(t->rd = calloc(n, sizeof *t->rd)) ||
	    !(t->cross = calloc(n, sizeof *t->cross)))
		rc = -ENOMEM;
	for (unsigned w = 0; w < n && !rc; w++) {
		rc = ix_reptree_new(ix_readers_db(t->readers, w), t->err, false,
				    &t->rd[w]);
		if (!rc)
			rc = ix_rows_new(ix_readers_db(t->readers, w), t->err,
					 &t->cross[w]);
	}
	if (!rc)
		rc = ix_pmap(t->nreps, n, IX_RENDER_WINDOW, render_report,
			     insert_report, t);
	/* the last reports, and those rendered but not inserted when an
	 * insert failed */
	for (size_t i = 0; i < IX_RENDER_WINDOW; i++) {
		ix_tnode_free(&t->ring[i].year);
		ix_secdirs_free(&t->ring[i].dirs);
		ix_prerendered_free(&t->ring[i].pre);
		nb_buf_free(&t->ring[i].rec);
		t->ring[i] = (rendered){0};
	}
	for (unsigned w = 0; w < n; w++) {
		ix_reptree_free(t->rd ? t->rd[w] : NULL);
		ix_rows_free(t->cross ? t->cross[w] : NULL);
	}
	free(t->rd);
	free(t->cross);
	t->rd = NULL;
	t->cross = NULL;
	return rc;
}

/* ---- naming and ordering every report -------------------------------------- */

/* Reports of one agency and year keep their source path order: the sort
 * using this is stable (ix_sort_stable). */
static int by_agency_year(const void *a, const void *b)
{
	const rep *x = a, *y = b;
	int c = strcmp(x->agency_dir, y->agency_dir);
	if (c)
		return c;
	return (x->year > y->year) - (x->year < y->year);
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
		rep *v = nb_grow(t->reps, &cap, t->nreps + 1, sizeof *v, 64);
		if (!v) {
			rc = -ENOMEM;
			break;
		}
		t->reps = v;
		rep *r = &t->reps[t->nreps++];
		*r = (rep){
			.id = sqlite3_column_int64(st, 0),
			.year = sqlite3_column_int(st, 2),
			.mtime_ns = sqlite3_column_int64(st, 3),
		};
		char *year_dir = NULL;
		if ((rc = ix_report_dirs(col_text(st, 1), r->year,
					 &r->agency_dir, &year_dir)))
			break;
		free(year_dir);
		/* the names the row holds, compared once its own are known */
		const char *ad = col_text(st, 4), *yd = col_text(st, 5);
		if (ad && yd && !(r->year_dir = strdup(yd)))
			rc = -ENOMEM;
		r->named = r->year_dir && !strcmp(ad, r->agency_dir);
		r->parsed = ix_spill_has(t->spill, r->id);
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_error(t);
	sqlite3_reset(st);
	return rc;
}

char *ix_year_dir(int year, unsigned k)
{
	char base[32];
	if (year > 0)
		snprintf(base, sizeof base, "%d", year);
	else
		snprintf(base, sizeof base, "%s", IX_UNKNOWN_YEAR);
	return k > 1 ? ix_name_dup(base, "", k) : strdup(base);
}

int ix_report_dirs(const char *agency, int year, char **agency_dir,
		   char **year_dir)
{
	*year_dir = ix_year_dir(year, 1);
	*agency_dir = ix_all_agency_dir(ix_name(agency, "", UNKNOWN_AGENCY));
	if (*year_dir && *agency_dir)
		return 0;
	free(*year_dir);
	free(*agency_dir);
	*year_dir = *agency_dir = NULL;
	return -ENOMEM;
}

/* Year directory names within each agency: "2019", then "2019~2" ... in
 * source path order.  A row is updated only when its names change: most
 * were stored with them (store.c), and an UPDATE of a report's row writes
 * its text again. */
static int name_years(tree *t)
{
	for (size_t i = 0; i < t->nreps; i++) {
		rep *r = &t->reps[i];
		unsigned k = 1;	/* 1 + the reports of this agency and year before */
		while (k <= i &&
		       !strcmp(t->reps[i - k].agency_dir, r->agency_dir) &&
		       t->reps[i - k].year == r->year)
			k++;
		char *year_dir = ix_year_dir(r->year, k);
		if (!year_dir)
			return -ENOMEM;
		bool same = r->named && !strcmp(r->year_dir, year_dir);
		free(r->year_dir);
		r->year_dir = year_dir;
		if (same)
			continue;

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
		root_mtime = stat(rawdir, &st) ? 0 : ix_mtime_ns(&st);
	}
	int64_t ino;
	int rc = ix_noderows_add(t->nodes, 0, "", NULL, 0, root_mtime,
				 3 + nagencies, 0, &ino);
	if (!rc)
		rc = ix_noderows_insert(t->nodes);
	/* _all (ix_dataset_build) comes first: in an index built from scratch
	 * its number is the one after the root's */
	int64_t all_ino = 0;
	if (!rc)
		rc = ix_inos_assign_dir(t->inos, NB_ROOT_INO, "_all",
					root_mtime, &all_ino);

	for (size_t i = 0; i < t->nreps && !rc;) {
		size_t j = ix_agency_end(t->reps, t->nreps, i);
		int64_t mtime = INT64_MIN;
		for (size_t k = i; k < j; k++)
			if (t->reps[k].mtime_ns > mtime)
				mtime = t->reps[k].mtime_ns;
		rc = ix_sort_stable(t->reps + i, j - i, sizeof *t->reps,
					    by_year_dir);
		t->reps[i].first = true;
		t->reps[i].agency_mtime = mtime;
		t->reps[i].agency_reports = j - i;
		i = j;
	}
	if (!rc)
		rc = ix_trends_readers(t->trends, t->readers);
	if (!rc)
		rc = insert_reports(t);
	if (!rc)
		rc = ix_dataset_build(t->dataset, all_ino, root_mtime, t->inos,
				      t->readers, t->spill, t->cancel);
	if (!rc)
		rc = ix_trends_insert(t->trends, t->inos, t->cancel);
	/* their statements gone before the file leaves WAL (readers.c) */
	ix_dataset_free(t->dataset);
	ix_trends_free(t->trends);
	t->dataset = NULL;
	t->trends = NULL;
	return rc;
}

int ix_tree_build(sqlite3 *db, const char *rawdir, const ix_spill *spill,
		  FILE *err, const atomic_int *cancel, ix_after_fn after,
		  void *ctx)
{
	tree t = {.db = db, .err = err, .cancel = cancel, .spill = spill};
	int rc = 0;
	for (int i = 0; i < Q_COUNT && !rc; i++)
		if (sqlite3_prepare_v3(db, sql[i], -1, SQLITE_PREPARE_PERSISTENT,
				       &t.q[i], NULL) != SQLITE_OK)
			rc = db_error(&t);
	if (!rc)
		rc = ix_old_attached(db, err, &t.old);
	if (!rc)
		rc = ix_reptree_new(db, err, true, &t.render);
	if (!rc)
		rc = ix_inos_new(db, err, &t.inos);
	if (!rc)
		rc = ix_noderows_new(db, err, t.inos, &t.nodes);
	if (!rc)
		rc = load_reports(&t);
	if (!rc)
		rc = ix_sort_stable(t.reps, t.nreps, sizeof *t.reps,
				    by_agency_year);
	if (!rc)
		rc = name_years(&t);
	if (!rc)
		rc = ix_tree_cross_years(db, err, t.old, t.reps, t.nreps);
	if (!rc)
		rc = ix_tree_find_kept(db, err, t.old, t.reps, t.nreps);
	/* before the readers open: the report rows they read are still in
	 * the writer's cache, which turning the file to WAL drops (4,300
	 * pread calls each at 10,000 reports, strace -k) */
	if (!rc)
		rc = ix_dataset_new(db, err, &t.dataset);
	if (!rc)
		rc = ix_trends_new(db, err, &t.trends);
	if (!rc)
		rc = ix_schema_node_ino(db, err);
	/* what the readers read is all written now: names, cross-year checks */
	if (!rc)
		rc = ix_readers_open(db, err, cancel, &t.readers);
	if (!rc)
		rc = insert_all(&t, rawdir);
	if (t.readers)
		rc = ix_readers_close(t.readers, rc, after, ctx);
	/* node's index by name once the readers are closed, beside after
	 * (node's indexes sorted while the readers were open waited for
	 * them, and their pages went to the WAL with the tree's: 10,000
	 * reports, 4,800 pwrite calls more, the tree phase 0.06 s longer) */
	if (!rc)
		rc = ix_schema_node_name(db, err);
	rc = ix_readers_end(t.readers, rc);
	if (!rc)
		rc = ix_inos_finish(t.inos);
	if (rc == -ENOMEM)
		ix_say(err, "%s: out of memory", sqlite3_db_filename(db, "main"));
	for (size_t i = 0; i < t.nreps; i++) {
		free(t.reps[i].agency_dir);
		free(t.reps[i].year_dir);
	}
	free(t.reps);
	ix_trends_free(t.trends);
	ix_dataset_free(t.dataset);
	ix_noderows_free(t.nodes);
	ix_inos_free(t.inos);
	ix_reptree_free(t.render);
	for (int i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(t.q[i]);
	return rc;
}
