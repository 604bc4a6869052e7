/*
 * oldindex.c — the index being replaced: what is at dbpath (nothing, an
 * index of ours, a damaged one, something else we must not overwrite),
 * whether its rows can be reused (same schema and parser version), and
 * its sources, to tell which raw files changed since.  Every page of it
 * is checked unless its seal (seal.c) says it is as it was found whole.
 * The build attaches it to the new index to copy from (ix_old_attach).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "index.h"
#include "ix.h"


void ix_old_free(ix_old_index *o)
{
	for (size_t i = 0; i < o->n; i++) {
		free(o->v[i].path);
		free(o->v[i].sha256);
		free(o->v[i].error);
	}
	free(o->v);
	*o = (ix_old_index){0};
}

static char *dup_col(sqlite3_stmt *st, int i, bool *oom)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	if (!s)
		return NULL;
	char *d = strdup(s);
	if (!d)
		*oom = true;
	return d;
}

static int load_sources(sqlite3 *db, ix_old_index *o)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT id, path, size, mtime_ns, sha256,"
			       " error FROM source ORDER BY path", -1,
			       &st, NULL) != SQLITE_OK)
		return -EIO;
	size_t cap = 0;
	bool oom = false;
	int step;
	while (!oom && (step = sqlite3_step(st)) == SQLITE_ROW) {
		ix_old_source *v = nb_grow(o->v, &cap, o->n + 1, sizeof *v, 256);
		if (!v) {
			oom = true;
			break;
		}
		o->v = v;
		ix_old_source *s = &o->v[o->n++];
		*s = (ix_old_source){
			.id = sqlite3_column_int64(st, 0),
			.path = dup_col(st, 1, &oom),
			.size = sqlite3_column_int64(st, 2),
			.mtime_ns = sqlite3_column_int64(st, 3),
			.sha256 = dup_col(st, 4, &oom),
			.error = dup_col(st, 5, &oom),
			.status = nb_status_named((const char *)
						  sqlite3_column_text(st, 5)),
		};
		if (!s->path)
			oom = true;
		if (s->id > o->max_id)
			o->max_id = s->id;
	}
	sqlite3_finalize(st);
	if (oom)
		return -ENOMEM;
	return step == SQLITE_DONE ? 0 : -EIO;
}


static bool is_sqlite_file(const char *path, bool *empty)
{
	char head[16];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, head, sizeof head);
	close(fd);
	*empty = n == 0;
	return n == sizeof head && !memcmp(head, "SQLite format 3", 16);
}

/* SQLite found the file damaged: truncated, or overwritten in part. */
static bool damaged(sqlite3 *db)
{
	int e = sqlite3_errcode(db);
	return e == SQLITE_CORRUPT || e == SQLITE_NOTADB || e == SQLITE_IOERR;
}

/* Whether SQLite reads every page of db as sound (PRAGMA quick_check: the
 * b-trees and their sizes, not the rows' contents): 0, IX_DAMAGED, or
 * NB_CANCELLED when the caller's cancel request interrupted the check (at
 * 2 GB it takes seconds: an unmount must not wait for it, and an index
 * whose check was cut short is not damaged). */
#define IX_DAMAGED 1
static int sound(sqlite3 *db, const atomic_int *cancel)
{
	sqlite3_stmt *st;
	int rc = IX_DAMAGED;
	ix_cancel_watch(db, cancel);
	if (sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &st, NULL) ==
	    SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW) {
			const char *r = (const char *)sqlite3_column_text(st, 0);
			if (r && !strcmp(r, "ok"))
				rc = 0;
		}
		sqlite3_finalize(st);
	}
	if (rc && ix_cancelled(cancel))
		rc = NB_CANCELLED;
	sqlite3_progress_handler(db, 0, NULL, NULL);
	return rc;
}

/* Whether db's file is in write-ahead log mode, or that cannot be told. */
static bool in_wal_mode(sqlite3 *db)
{
	sqlite3_stmt *st;
	bool wal = true;	/* unknown: not copied */
	if (sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL) !=
	    SQLITE_OK)
		return wal;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *m = (const char *)sqlite3_column_text(st, 0);
		wal = !m || !strcmp(m, "wal");
	}
	sqlite3_finalize(st);
	return wal;
}

/* A damaged index is moved aside as <dbpath>.corrupt-<unix time>, kept
 * for whoever wants to look at it, so that a new one is built in its
 * place.  0 or a negative errno. */
static int move_aside(const char *dbpath, FILE *err)
{
	nb_buf to = {0};
	ix_seal_remove(dbpath);
	nb_buf_printf(&to, "%s.corrupt-%lld", dbpath, (long long)time(NULL));
	if (to.oom)
		return -ENOMEM;
	int rc = 0;
	if (rename(dbpath, to.s) < 0) {
		rc = -errno;
		ix_say(err, "%s: the index is damaged and cannot be moved aside "
		       "(%s); remove it and run again", dbpath, strerror(errno));
	} else {
		ix_say(err, "%s: the index is damaged (truncated or overwritten); "
		       "moved aside as %s, building a new one", dbpath, to.s);
	}
	nb_buf_free(&to);
	return rc;
}

/*
 * Looks at what is at dbpath: nothing (o->exists false), an index of ours
 * (its sources loaded when reusable), a damaged index of ours (moved aside,
 * then as nothing), or something else, which we refuse to overwrite: a file
 * that is no index, or an index of a newer nianbaofs.  NB_CANCELLED when
 * cancel was set during the check of every page.
 */
int ix_old_open(const char *dbpath, FILE *err, ix_old_index *o,
		const atomic_int *cancel)
{
	*o = (ix_old_index){0};
	struct stat st;
	if (stat(dbpath, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		int e = errno;
		ix_say(err, "%s: %s", dbpath, strerror(e));
		return -e;
	}
	bool empty = false;
	if (!S_ISREG(st.st_mode) ||
	    (!is_sqlite_file(dbpath, &empty) && !empty)) {
		ix_say(err, "%s: exists and is not a nianbaofs index (not a "
		       "SQLite file); not overwriting it: give another --db, or "
		       "remove it if it was an index", dbpath);
		return -EEXIST;
	}
	if (empty)
		return 0;

	sqlite3 *db;
	if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		bool bad = damaged(db);
		ix_say(err, "%s: %s", dbpath, sqlite3_errmsg(db));
		sqlite3_close(db);
		return bad ? move_aside(dbpath, err) : -EIO;
	}
	bool ok, ok2;
	int64_t version = ix_query_int(db, "PRAGMA user_version", &ok);
	int64_t ours = ix_query_int(db, "SELECT count(*) FROM sqlite_master"
				 " WHERE name = 'info' OR name = 'node'", &ok2);
	int64_t tables = ix_query_int(db, "SELECT count(*) FROM sqlite_master", &ok2);
	if ((!ok || !ok2) && damaged(db)) {
		sqlite3_close(db);
		return move_aside(dbpath, err);
	}
	if (!ok || !ok2 || (ours < 2 && tables > 0)) {
		ix_say(err, "%s: exists and is not a nianbaofs index; "
		       "not overwriting it", dbpath);
		sqlite3_close(db);
		return -EEXIST;
	}
	if (version > IX_SCHEMA_VERSION) {
		ix_say(err, "%s: written by a newer nianbaofs (index version "
		       "%lld, this one knows %d); not overwriting it: use the "
		       "newer nianbaofs, or give another --db", dbpath,
		       (long long)version, IX_SCHEMA_VERSION);
		sqlite3_close(db);
		return -EEXIST;
	}
	/* every page read unless a seal says the file is as it was found
	 * whole (seal.c); then sealed, so that the next build need not */
	if (!ix_seal_holds(dbpath, &st)) {
		int bad = sound(db, cancel);
		if (bad) {
			sqlite3_close(db);
			return bad == NB_CANCELLED ? NB_CANCELLED :
				move_aside(dbpath, err);
		}
		ix_seal_stat(dbpath, &st);
	}
	o->exists = true;
	int rc = 0;
	/* Switched to write-ahead logging by another program (sqlite3's
	 * PRAGMA journal_mode = WAL, which stays with the file), an index
	 * cannot be attached read-only without its -shm file (SQLite: disk
	 * I/O error, every refresh), nor copied whole (carryover.c) with
	 * rows still in its log: it is built again from scratch, and the
	 * new one is in our mode. */
	o->wal = in_wal_mode(db);
	if (o->wal)
		ix_say(err, "%s: switched to write-ahead logging by another "
		       "program; building it again from scratch", dbpath);
	o->same_schema = version == IX_SCHEMA_VERSION && !o->wal;
	if (o->same_schema) {
		sqlite3_stmt *q;
		if (sqlite3_prepare_v2(db, "SELECT value FROM info"
				       " WHERE key = 'parser_version'", -1, &q,
				       NULL) == SQLITE_OK) {
			const char *v = sqlite3_step(q) == SQLITE_ROW ?
				(const char *)sqlite3_column_text(q, 0) : NULL;
			o->reusable = v && !strcmp(v, NB_VERSION);
			sqlite3_finalize(q);
		}
		if (o->reusable && (rc = load_sources(db, o))) {
			ix_say(err, "%s: %s", dbpath, rc == -ENOMEM ?
			       "out of memory" : sqlite3_errmsg(db));
			ix_old_free(o);
		}
	}
	sqlite3_close(db);
	return rc;
}

/* The old source of path, found by a merge walk: calls come in path order. */
const ix_old_source *ix_old_find(const ix_old_index *o, size_t *cursor,
				  const char *path)
{
	while (*cursor < o->n && strcmp(o->v[*cursor].path, path) < 0)
		++*cursor;
	if (*cursor < o->n && !strcmp(o->v[*cursor].path, path))
		return &o->v[*cursor];
	return NULL;
}

bool ix_old_same_file(const ix_old_source *s, const ix_file *f)
{
	return s && s->size == f->size && s->mtime_ns == f->mtime_ns;
}

/* A file the parser refused stays refused while it is unchanged; one that
 * could not be read is tried again (its permissions may have changed). */
bool ix_old_failure_stands(const ix_old_source *s)
{
	return s->status == NB_UNDECODABLE || s->status == NB_NOT_A_REPORT;
}


bool ix_old_current(const ix_old_index *o, const ix_files *files)
{
	if (!o->reusable || o->n != files->n)
		return false;
	for (size_t i = 0; i < files->n; i++) {
		const ix_old_source *s = &o->v[i];
		if (strcmp(s->path, files->v[i].rel) || !ix_old_same_file(s, &files->v[i]))
			return false;
		if (s->error && !ix_old_failure_stands(s))
			return false;
	}
	return true;
}

/* Attaches the old index as "old", read-only: it is only copied from, and
 * must stay intact whatever happens to this build. */
int ix_old_attach(sqlite3 *db, const char *dbpath, FILE *err)
{
	nb_buf uri = {0};
	nb_buf_adds(&uri, "file:");
	for (const unsigned char *p = (const unsigned char *)dbpath; *p; p++) {
		if (*p == '%' || *p == '?' || *p == '#' || *p <= ' ' || *p >= 0x7F)
			nb_buf_printf(&uri, "%%%02X", *p);
		else
			nb_buf_add(&uri, p, 1);
	}
	nb_buf_adds(&uri, "?mode=ro");
	if (uri.oom)
		return -ENOMEM;
	sqlite3_stmt *att;
	int rc = 0;
	if (sqlite3_prepare_v2(db, "ATTACH DATABASE ? AS old", -1, &att,
			       NULL) != SQLITE_OK) {
		ix_say_db(err, db);
		rc = -EIO;
	} else {
		sqlite3_bind_text(att, 1, uri.s, -1, SQLITE_STATIC);
		if (sqlite3_step(att) != SQLITE_DONE) {
			ix_say(err, "%s: %s", dbpath, sqlite3_errmsg(db));
			rc = -EIO;
		}
		sqlite3_finalize(att);
	}
	nb_buf_free(&uri);
	return rc;
}
