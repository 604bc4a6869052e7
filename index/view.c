/*
 * view.c — what a mounted filesystem needs to follow an index that is
 * rebuilt under it: an index's inode history (inodes.c), and the
 * differences between two versions of its tree, so that the kernel's caches
 * can be told which names and directories changed.
 *
 * A view is a read-only connection of its own, opened beside the serving
 * one (serve.c) on the same file; it stays valid after a rebuild renames a
 * new index over the path, as an open file does.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "ix.h"

/* The diff runs in the background and reads every node once: a small page
 * cache is enough, and each kept generation holds one. */
#define VIEW_CACHE_KIB 512

struct nb_view {
	sqlite3 *db;
	char lineage[33];	/* "" for an index from before histories */
	uint64_t ino_next;
};

static int info_text(sqlite3 *db, const char *key, char *buf, size_t len)
{
	sqlite3_stmt *st;
	int rc = -EINVAL;
	if (sqlite3_prepare_v2(db, "SELECT value FROM info WHERE key = ?", -1,
			       &st, NULL) != SQLITE_OK)
		return -EIO;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
		snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

int nb_view_open(const char *dbpath, nb_view **out)
{
	nb_view *v = calloc(1, sizeof *v);
	if (!v)
		return -ENOMEM;
	int rc = 0;
	int orc = sqlite3_open_v2(dbpath, &v->db, SQLITE_OPEN_READONLY, NULL);
	if (orc != SQLITE_OK)
		rc = (orc & 0xff) == SQLITE_CANTOPEN ? -ENOENT : -EIO;
	char pragma[48];
	snprintf(pragma, sizeof pragma, "PRAGMA cache_size = -%d",
		 VIEW_CACHE_KIB);
	if (!rc)
		sqlite3_exec(v->db, pragma, NULL, NULL, NULL);
	/* An index of a build from before inode histories has neither key:
	 * its history is "", and its numbers end at its largest. */
	char next[24];
	if (!rc && info_text(v->db, "ino_lineage", v->lineage,
			     sizeof v->lineage) == -EIO)
		rc = -EIO;
	if (!rc && info_text(v->db, "ino_next", next, sizeof next) == 0) {
		v->ino_next = strtoull(next, NULL, 10);
	} else if (!rc) {
		sqlite3_stmt *st;
		rc = -EIO;
		if (sqlite3_prepare_v2(v->db, "SELECT max(ino) + 1 FROM node", -1,
				       &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW) {
			v->ino_next = (uint64_t)sqlite3_column_int64(st, 0);
			rc = 0;
		}
		sqlite3_finalize(st);
	}
	if (rc) {
		nb_view_close(v);
		return rc;
	}
	*out = v;
	return 0;
}

void nb_view_close(nb_view *v)
{
	if (!v)
		return;
	sqlite3_close(v->db);
	free(v);
}

bool nb_view_follows(const nb_view *old, const nb_view *new)
{
	return !strcmp(old->lineage, new->lineage) &&
		new->ino_next >= old->ino_next;
}

/* ---- the difference of two trees ----------------------------------------------- */

typedef struct {
	sqlite3_stmt *st;
	bool done;
	int64_t parent, ino, mtime_ns;
	int nlink;
	bool is_dir;
	const char *name;
} cursor;

static int cursor_next(cursor *c)
{
	int step = sqlite3_step(c->st);
	if (step == SQLITE_DONE) {
		c->done = true;
		return 0;
	}
	if (step != SQLITE_ROW)
		return -EIO;
	c->parent = sqlite3_column_int64(c->st, 0);
	c->name = (const char *)sqlite3_column_text(c->st, 1);
	if (!c->name)
		c->name = "";
	c->ino = sqlite3_column_int64(c->st, 2);
	c->is_dir = sqlite3_column_int(c->st, 3);
	c->mtime_ns = sqlite3_column_int64(c->st, 4);
	c->nlink = sqlite3_column_int(c->st, 5);
	return 0;
}

static int cursor_open(nb_view *v, cursor *c)
{
	*c = (cursor){0};
	/* the UNIQUE(parent, name) index gives this order without sorting */
	if (sqlite3_prepare_v2(v->db, "SELECT parent, name, ino, is_dir,"
			       " mtime_ns, nlink FROM node ORDER BY parent, name",
			       -1, &c->st, NULL) != SQLITE_OK)
		return -EIO;
	return cursor_next(c);
}

/* Both cursors' current rows by (parent, name), as SQLite's BINARY order. */
static int compare(const cursor *a, const cursor *b)
{
	if (a->done || b->done)
		return a->done - b->done;
	if (a->parent != b->parent)
		return a->parent < b->parent ? -1 : 1;
	return strcmp(a->name, b->name);
}

int nb_view_diff(nb_view *old, nb_view *new, nb_diff_fn fn, void *ctx)
{
	cursor a, b;
	int rc = cursor_open(old, &a);
	int rc2 = cursor_open(new, &b);
	if (!rc)
		rc = rc2;
	while (!rc && !(a.done && b.done)) {
		int c = compare(&a, &b);
		if (c < 0) {
			rc = fn(ctx, NB_DIFF_REMOVED, (uint64_t)a.parent, a.name,
				(uint64_t)a.ino, 0);
			if (!rc)
				rc = cursor_next(&a);
		} else if (c > 0) {
			rc = fn(ctx, NB_DIFF_ADDED, (uint64_t)b.parent, b.name, 0,
				(uint64_t)b.ino);
			if (!rc)
				rc = cursor_next(&b);
		} else {
			if (a.ino != b.ino)
				rc = fn(ctx, NB_DIFF_REPLACED, (uint64_t)a.parent,
					a.name, (uint64_t)a.ino, (uint64_t)b.ino);
			else if (a.is_dir && (a.mtime_ns != b.mtime_ns ||
					      a.nlink != b.nlink))
				rc = fn(ctx, NB_DIFF_DIR_CHANGED, (uint64_t)a.parent,
					a.name, (uint64_t)a.ino, (uint64_t)b.ino);
			if (!rc)
				rc = cursor_next(&a);
			if (!rc)
				rc = cursor_next(&b);
		}
	}
	sqlite3_finalize(a.st);
	sqlite3_finalize(b.st);
	return rc;
}
