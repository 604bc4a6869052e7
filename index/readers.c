/*
 * readers.c — read connections to the index being built, one per core, so
 * that the tree phase renders reports on every core while the one writer
 * only inserts what they hand it (tree.c, dataset.c, trend.c).
 *
 * The build writes its temporary index alone: no journal, an exclusive
 * lock, one transaction.  Other connections cannot read that, so while the
 * readers are open the writer has committed what they read and turned the
 * file to WAL: readers see the committed rows, the writer goes on writing
 * (its new rows stay in the WAL, unseen by them).  Once they are closed,
 * the writer commits and turns the file back: the index renamed into
 * place is journal-less, as every index was.
 *
 * Between the two, the tree is in and the writer makes node's index by
 * name (tree.c): a step that runs alone, one core idle.  The file stays in
 * WAL for it, and on a thread of its own a last connection reads what
 * the build counts of the whole tree (the caller's `after`: totals.c's
 * scan of node) and copies the WAL into the file, work that came before
 * or after the indexes on the writer.  10,000 bench reports, from the
 * readers' close to the totals saved, when both of node's indexes were
 * still sorted there: 0.235 -> 0.206 s (median of 5,
 * clock_gettime marks); 0.06 s moved off the writer, 0.03 s of it spent
 * again making the indexes in WAL and copying their pages at the end.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ix.h"

/* Readers at most: as many as the build has parsing workers (build.c). */
#define MAX_READERS 16
/* How long a reader waits on the writer's brief WAL locks: they are held
 * for microseconds; a wait this long means something is wrong. */
#define BUSY_MS 10000
/* A reader's page cache: 16 MiB.  SQLite's default (2,000 KiB) held too
 * little of what a reader goes back to (the str table, the B-trees'
 * inner pages): a 10,000-report build made 180,000 pread calls with it,
 * 79,000 with this (perf stat -e syscalls:sys_enter_pread64); most of
 * the rest are overflow pages (reports' texts).  Two readers add to the
 * indexer's peak: 113 -> 148 MiB at 10,000 reports, 221 -> 251 MiB at
 * 100,000 (issue 7 allows 300); malloc_trim once they are closed gave
 * 52 MiB of that back at 100,000, but cost 5,800 page faults more at
 * 10,000, in the serial end, and was not kept.  Mapping the
 * file (mmap_size) instead left 21,000 preads but counted the mapped
 * file in the indexer's memory once per reader: 248 MiB peak at 10,000
 * reports instead of 109.  A reader that has read makes the writer leave
 * the WAL behind when the build fails: ix_tmp_discard removes it. */
#define READER_CACHE "PRAGMA cache_size = -16384;"

struct ix_readers {
	sqlite3 *writer;
	FILE *err;
	const atomic_int *cancel;
	bool shared;		/* in WAL: else the writer is the one reader */
	unsigned n;
	sqlite3 *db[MAX_READERS];
	/* once the readers are closed (ix_readers_close) */
	ix_after_fn after;
	void *ctx;
	sqlite3 *last;		/* its connection */
	pthread_t thread;
	bool started;
	int after_rc;		/* after's, or the checkpoint's */
};

unsigned ix_cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		return 1;
	return n > MAX_READERS ? MAX_READERS : (unsigned)n;
}

/* Commits the writer's transaction and turns its file to WAL; *shared
 * false when the file system cannot (WAL needs shared memory beside the
 * file): the file is then as it was.  Begins again. */
static int share(sqlite3 *db, FILE *err, bool *shared)
{
	sqlite3_stmt *st;
	int rc = ix_exec(db, "COMMIT; PRAGMA main.locking_mode = NORMAL;", err);
	if (rc)
		return rc;
	if (sqlite3_prepare_v2(db, "PRAGMA main.journal_mode = WAL", -1, &st,
			       NULL) != SQLITE_OK) {
		ix_say_db(err, db);
		return -EIO;
	}
	*shared = sqlite3_step(st) == SQLITE_ROW &&
		!strcmp((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	/* the WAL is copied into the file once, at the end, by the last
	 * connection or the writer (ix_readers_end): a commit of the writer
	 * past 1,000 pages would copy it on the writer */
	return ix_exec(db, *shared ? "PRAGMA wal_autocheckpoint = 0; BEGIN;" :
		       "PRAGMA main.locking_mode = EXCLUSIVE; BEGIN;", err);
}

/* Commits, and makes the file journal-less and exclusive again. */
static int stop_sharing(sqlite3 *db, FILE *err)
{
	return ix_exec(db, "COMMIT;"
		       "PRAGMA main.journal_mode = OFF;"
		       "PRAGMA main.locking_mode = EXCLUSIVE;"
		       "BEGIN;", err);
}

int ix_readers_open(sqlite3 *writer, FILE *err, const atomic_int *cancel,
		    ix_readers **out)
{
	ix_readers *r = calloc(1, sizeof *r);
	if (!r)
		return -ENOMEM;
	r->writer = writer;
	r->err = err;
	r->cancel = cancel;
	int rc = share(writer, err, &r->shared);
	if (rc) {
		free(r);
		return rc;
	}
	if (!r->shared) {
		/* slower, not wrong: everything rendered on the writer */
		r->db[r->n++] = writer;
		*out = r;
		return 0;
	}
	const char *path = sqlite3_db_filename(writer, "main");
	unsigned want = ix_cores();
	for (unsigned i = 0; i < want && !rc; i++) {
		sqlite3 *db = NULL;
		if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY |
				    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
			ix_say_db(err, db);
			sqlite3_close(db);
			rc = -EIO;
			break;
		}
		sqlite3_busy_timeout(db, BUSY_MS);
		ix_cancel_watch(db, cancel);
		r->db[r->n++] = db;
		rc = ix_exec(db, READER_CACHE, err);
		/* one read transaction throughout: what they read does not
		 * change, and each transaction of its own would look for the
		 * WAL file again (a stat per statement) */
		if (!rc)
			rc = ix_exec(db, "BEGIN;", err);
	}
	if (rc)
		return ix_readers_end(r, rc);
	*out = r;
	return 0;
}

unsigned ix_readers_count(const ix_readers *r)
{
	return r->n;
}

sqlite3 *ix_readers_db(const ix_readers *r, unsigned i)
{
	return r->db[i];
}

/* On the last connection's thread: after, then the WAL copied into the
 * file as far as nothing reads it (all of it: the readers are closed; the
 * writer's pages since are not committed). */
static void *run_last(void *arg)
{
	ix_readers *r = arg;
	int rc = r->after(r->last, r->err, r->ctx);
	if (!rc && sqlite3_wal_checkpoint_v2(r->last, "main",
					     SQLITE_CHECKPOINT_PASSIVE, NULL,
					     NULL) != SQLITE_OK) {
		ix_say_db(r->err, r->last);
		rc = -EIO;
	}
	r->after_rc = rc;
	return NULL;
}

/* Opens the last connection and starts run_last on it. */
static int start_last(ix_readers *r)
{
	const char *path = sqlite3_db_filename(r->writer, "main");
	if (sqlite3_open_v2(path, &r->last, SQLITE_OPEN_READWRITE |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		ix_say_db(r->err, r->last);
		return -EIO;
	}
	sqlite3_busy_timeout(r->last, BUSY_MS);
	ix_cancel_watch(r->last, r->cancel);
	/* the checkpoint's writes need no sync: the build syncs its file
	 * once, whole, before renaming it (build.c) */
	int rc = ix_exec(r->last, "PRAGMA synchronous = OFF;", r->err);
	if (rc)
		return rc;
	if ((rc = pthread_create(&r->thread, NULL, run_last, r))) {
		ix_say(r->err, "%s: cannot start a thread: %s", path,
		       strerror(rc));
		return -rc;
	}
	r->started = true;
	return 0;
}

int ix_readers_close(ix_readers *r, int rc, ix_after_fn after, void *ctx)
{
	if (!r->shared)
		return rc ? rc : after(r->writer, r->err, ctx);
	for (unsigned i = 0; i < r->n; i++)
		sqlite3_close(r->db[i]);
	r->n = 0;
	if (rc)
		return rc;
	r->after = after;
	r->ctx = ctx;
	rc = ix_exec(r->writer, "COMMIT;", r->err);
	if (!rc)
		rc = start_last(r);
	if (!rc)
		rc = ix_exec(r->writer, "BEGIN;", r->err);
	return rc;
}

int ix_readers_end(ix_readers *r, int rc)
{
	if (!r)
		return rc;
	if (r->started) {
		pthread_join(r->thread, NULL);
		if (!rc)
			rc = r->after_rc;
	}
	if (r->shared) {
		for (unsigned i = 0; i < r->n; i++)
			sqlite3_close(r->db[i]);
		sqlite3_close(r->last);
		/* after a failure the build is thrown away: the writer's
		 * close takes the WAL with it */
		if (!rc)
			rc = stop_sharing(r->writer, r->err);
	}
	free(r);
	return rc;
}
