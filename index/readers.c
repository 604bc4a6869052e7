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
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "ix.h"

/* Readers at most: as many as the build has parsing workers (build.c). */
#define MAX_READERS 16
/* How long a reader waits on the writer's brief WAL locks: they are held
 * for microseconds; a wait this long means something is wrong. */
#define BUSY_MS 10000

struct ix_readers {
	sqlite3 *writer;
	FILE *err;
	unsigned n;
	sqlite3 *db[MAX_READERS];
};

unsigned ix_cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		return 1;
	return n > MAX_READERS ? MAX_READERS : (unsigned)n;
}

/* Commits the writer's transaction, changes the main file's journal and
 * locking modes, begins again. */
static int switch_modes(sqlite3 *db, FILE *err, bool shared)
{
	return ix_exec(db, shared ?
		       "COMMIT;"
		       "PRAGMA main.locking_mode = NORMAL;"
		       "PRAGMA main.journal_mode = WAL;"
		       "BEGIN;" :
		       "COMMIT;"
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
	int rc = switch_modes(writer, err, true);
	if (rc) {
		free(r);
		return rc;
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
		/* one read transaction throughout: what they read does not
		 * change, and each transaction of its own would look for the
		 * WAL file again (a stat per statement) */
		rc = ix_exec(db, "BEGIN;", err);
	}
	if (rc)
		return ix_readers_close(r, rc);
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

int ix_readers_close(ix_readers *r, int rc)
{
	if (!r)
		return rc;
	for (unsigned i = 0; i < r->n; i++)
		sqlite3_close(r->db[i]);
	/* after a failure the build is thrown away: the writer's close takes
	 * the WAL with it */
	if (!rc)
		rc = switch_modes(r->writer, r->err, false);
	free(r);
	return rc;
}
