/*
 * alltree.c — the _all directory: makes the nodes that serve the chunks
 * of dataset.c, as blocks.c laid them out.
 *
 * Each file of _all is its header and a run of chunks in report order —
 * by year (unknown last), then agency directory, then source path (the
 * order of 2019, 2019~2) — so _all/<year>/<table>.csv is a contiguous
 * slice of _all/<table>.csv.  chunk keeps every chunk's offset in both
 * dialects, and chunk_node each served file's slice: a read finds its
 * first block by an indexed search on the offset (chunks.c).
 *
 *   _all/reports.csv, checks.csv, warnings.csv, <table>.csv
 *   _all/<year>/<table>.csv
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "ix.h"
#include "dataset.h"

enum { Q_FILES, Q_SLICES, Q_NODE, Q_CHUNK_NODE, Q_COUNT };

static const char *const sql[Q_COUNT] = {
	[Q_FILES] = "SELECT f.id, f.name, f.header,"
		" (SELECT coalesce(max(b.off + b.size), 0)"
		"  FROM all_block b WHERE b.file = f.id),"
		" (SELECT coalesce(max(b.off_excel + b.size + b.records), 0)"
		"  FROM all_block b WHERE b.file = f.id)"
		" FROM all_file f ORDER BY f.id",
	[Q_SLICES] = "SELECT " IX_YEAR_KEY " AS y, min(c.off),"
		" max(c.off + c.size), min(c.off_excel),"
		" max(c.off_excel + c.size + c.records)"
		" FROM chunk c JOIN temp.report_year r ON r.id = c.report"
		" WHERE c.file = ?"
		" GROUP BY y ORDER BY y",
	[Q_NODE] = "INSERT INTO node(ino, parent, name, is_dir, size,"
		" size_unix, mtime_ns, nlink) VALUES(?,?,?,?,?,?,?,?)",
	[Q_CHUNK_NODE] = "INSERT INTO chunk_node(ino, file, start, stop,"
		" start_excel, stop_excel) VALUES(?,?,?,?,?,?)",
};

/* A file of _all or of a year directory: [0] unix, [1] excel. */
typedef struct {
	char *name;
	int64_t file;
	int64_t hlen[2];	/* the header's length */
	int64_t start[2], stop[2];	/* the slice of the chunks */
	int year;		/* a year directory's key; 0 in _all */
	bool is_dir;		/* a year directory (name, year) */
} entry;

typedef struct {
	sqlite3 *db;
	FILE *err;
	sqlite3_stmt *q[Q_COUNT];
	entry *v;
	size_t n, cap;
	int64_t mtime_ns;
} alltree;

static int db_error(alltree *a)
{
	ix_say_db(a->err, a->db);
	return -EIO;
}

static entry *add_entry(alltree *a, const char *name)
{
	entry *v = nb_grow(a->v, &a->cap, a->n + 1, sizeof *v, 64);
	if (!v)
		return NULL;
	a->v = v;
	entry *e = &a->v[a->n];
	*e = (entry){.name = strdup(name)};
	if (!e->name)
		return NULL;
	a->n++;
	return e;
}

static bool has_year(const alltree *a, int year)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].is_dir && a->v[i].year == year)
			return true;
	return false;
}

static void year_name(int year, char *buf, size_t len)
{
	if (year > 0 && year != IX_YEAR_LAST)
		snprintf(buf, len, "%d", year);
	else
		snprintf(buf, len, "%s", IX_UNKNOWN_YEAR);
}

/* A table file's slices, one per year, each an entry of its year. */
static int add_slices(alltree *a, const entry *whole)
{
	sqlite3_stmt *st = a->q[Q_SLICES];
	sqlite3_bind_int64(st, 1, whole->file);
	int rc = 0, step;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		int year = sqlite3_column_int(st, 0);
		char yname[32];
		year_name(year, yname, sizeof yname);
		if (!has_year(a, year)) {
			entry *d = add_entry(a, yname);
			if (!d) {
				rc = -ENOMEM;
				break;
			}
			d->is_dir = true;
			d->year = year;
		}
		entry copy = *whole;
		entry *e = add_entry(a, whole->name);
		if (!e) {
			rc = -ENOMEM;
			break;
		}
		char *name = e->name;
		*e = copy;
		e->name = name;
		e->year = year;
		for (int d = 0; d < 2; d++) {
			e->start[d] = sqlite3_column_int64(st, 1 + 2 * d);
			e->stop[d] = sqlite3_column_int64(st, 2 + 2 * d);
		}
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_error(a);
	sqlite3_reset(st);
	return rc;
}

static int load(alltree *a)
{
	sqlite3_stmt *st = a->q[Q_FILES];
	int rc = 0, step;
	size_t nfiles = 0;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		entry *e = add_entry(a, (const char *)sqlite3_column_text(st, 1));
		if (!e) {
			rc = -ENOMEM;
			break;
		}
		const char *h = sqlite3_column_blob(st, 2);
		size_t hn = (size_t)sqlite3_column_bytes(st, 2);
		e->file = sqlite3_column_int64(st, 0);
		e->hlen[0] = (int64_t)hn;
		e->hlen[1] = 3 + (int64_t)ix_csv_excel(h, hn, 0, NULL, 0);
		e->stop[0] = sqlite3_column_int64(st, 3);
		e->stop[1] = sqlite3_column_int64(st, 4);
		nfiles++;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_error(a);
	sqlite3_reset(st);
	/* the lists come first in all_file; the tables have years */
	for (size_t i = IX_ALL_LISTS; i < nfiles && !rc; i++) {
		entry whole = a->v[i];
		rc = add_slices(a, &whole);
	}
	return rc;
}

static int insert(alltree *a, int64_t ino, int64_t parent, const entry *e,
		  uint32_t nlink)
{
	sqlite3_stmt *st = a->q[Q_NODE];
	sqlite3_bind_int64(st, 1, ino);
	sqlite3_bind_int64(st, 2, parent);
	sqlite3_bind_text(st, 3, e->name, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, e->is_dir);
	if (e->is_dir) {
		sqlite3_bind_int64(st, 5, 0);
	} else {
		sqlite3_bind_int64(st, 5, e->hlen[1] + e->stop[1] - e->start[1]);
		sqlite3_bind_int64(st, 6, e->hlen[0] + e->stop[0] - e->start[0]);
	}
	sqlite3_bind_int64(st, 7, a->mtime_ns);
	sqlite3_bind_int64(st, 8, nlink);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(a);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc || e->is_dir)
		return rc;
	st = a->q[Q_CHUNK_NODE];
	sqlite3_bind_int64(st, 1, ino);
	sqlite3_bind_int64(st, 2, e->file);
	sqlite3_bind_int64(st, 3, e->start[0]);
	sqlite3_bind_int64(st, 4, e->stop[0]);
	sqlite3_bind_int64(st, 5, e->start[1]);
	sqlite3_bind_int64(st, 6, e->stop[1]);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(a);
	sqlite3_reset(st);
	return rc;
}

/* Name order; within one name, _all's own file before a year's. */
static int by_name(const void *x, const void *y)
{
	const entry *a = x, *b = y;
	int c = strcmp(a->name, b->name);
	return c ? c : (a->year > b->year) - (a->year < b->year);
}

/* Inserts _all and below it, depth first, every directory's children in
 * name order (so readdir can resume after an inode number). */
static int insert_all(alltree *a, int64_t all_ino, ix_inos *inos)
{
	if (a->n)
		qsort(a->v, a->n, sizeof *a->v, by_name);
	uint32_t years = 0;
	for (size_t i = 0; i < a->n; i++)
		years += a->v[i].is_dir;
	entry all = {.name = "_all", .is_dir = true};
	int rc = insert(a, all_ino, NB_ROOT_INO, &all, 2 + years);
	for (size_t i = 0; i < a->n && !rc; i++) {
		const entry *e = &a->v[i];
		if (!e->is_dir && e->year)
			continue;	/* in its year's directory */
		int64_t ino = 0;
		if (e->is_dir)	/* a year keeps its number by path */
			rc = ix_inos_assign_dir(inos, all_ino, e->name,
						a->mtime_ns, &ino);
		else
			ino = ix_inos_fresh(inos);
		if (!rc)
			rc = insert(a, ino, all_ino, e, e->is_dir ? 2 : 1);
		for (size_t k = 0; e->is_dir && k < a->n && !rc; k++)
			if (!a->v[k].is_dir && a->v[k].year == e->year)
				rc = insert(a, ix_inos_fresh(inos), ino,
					    &a->v[k], 1);
	}
	return rc;
}

int ix_alltree_build(sqlite3 *db, FILE *err, int64_t all_ino,
		     int64_t mtime_ns, ix_inos *inos)
{
	alltree a = {.db = db, .err = err, .mtime_ns = mtime_ns};
	int rc = 0;
	for (int i = 0; i < Q_COUNT && !rc; i++)
		if (sqlite3_prepare_v2(db, sql[i], -1, &a.q[i], NULL) != SQLITE_OK)
			rc = db_error(&a);
	if (!rc)
		rc = load(&a);
	if (!rc)
		rc = insert_all(&a, all_ino, inos);
	if (rc == -ENOMEM)
		ix_say(err, "%s: out of memory", sqlite3_db_filename(db, "main"));
	for (size_t i = 0; i < a.n; i++)
		free(a.v[i].name);
	free(a.v);
	for (int i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(a.q[i]);
	return rc;
}

char *ix_all_agency_dir(char *name)
{
	if (!name || name[0] != '_')
		return name;
	nb_buf b = {0};
	nb_buf_printf(&b, "＿%s", name + 1);
	free(name);
	if (b.oom)
		return NULL;
	char *out = ix_name(b.s, "", "＿");
	nb_buf_free(&b);
	return out;
}
