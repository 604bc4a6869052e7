/*
 * inodes.c — inode numbers that outlive a rebuild.
 *
 * A mounted index is replaced under its readers when RAWDIR changes (see
 * fs/snapshot.c), so an inode number must never name two different things
 * in one index's history: the kernel keeps pages and attributes per inode
 * number.  When the tree is written, a node whose path, type, mtime and
 * bytes are those of a node of the index being replaced keeps that node's
 * number; a directory keeps its number by path alone; anything else gets a
 * fresh number above every number this index's history has used.
 *
 * Paths are matched one level at a time: a node's parent has already been
 * given its number, so (parent, name) in the old index is the same path
 * exactly when the parent kept its number — and a fresh parent has no
 * children in the old index.
 *
 * The history is kept in the info table: `ino_next`, the first number never
 * used, and `ino_lineage`, which names one history; an index built from
 * scratch starts a new lineage.  Builds of one index are serialised by a
 * lock file, so each build continues the history of the one before.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "index.h"
#include "ix.h"

struct ix_inos {
	sqlite3 *db;
	FILE *err;
	sqlite3_stmt *old_node;	/* NULL when no old index is attached */
	int64_t next;		/* the next fresh number */
	char lineage[33];
	unsigned kept, fresh;
};

static int db_error(sqlite3 *db, FILE *err)
{
	ix_say_db(err, db);
	return -EIO;
}

/* value of key in the attached old index's info, or NULL. */
static char *old_info(sqlite3 *db, const char *key)
{
	sqlite3_stmt *st;
	char *v = NULL;
	if (sqlite3_prepare_v2(db, "SELECT value FROM old.info WHERE key = ?", -1,
			       &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		v = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

static int64_t old_max_ino(sqlite3 *db)
{
	sqlite3_stmt *st;
	int64_t v = 0;
	if (sqlite3_prepare_v2(db, "SELECT max(ino) FROM old.node", -1, &st,
			       NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void new_lineage(char out[33])
{
	uint64_t r[2];
	if (getrandom(r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
		/* no entropy yet (early boot): time and pid still differ
		 * from one scratch build to the next */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		r[0] = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
		r[1] = (uint64_t)getpid();
	}
	snprintf(out, 33, "%016" PRIx64 "%016" PRIx64, r[0], r[1]);
}

int ix_inos_new(sqlite3 *db, FILE *err, ix_inos **out)
{
	ix_inos *a = calloc(1, sizeof *a);
	if (!a)
		return -ENOMEM;
	a->db = db;
	a->err = err;
	a->next = NB_ROOT_INO + 1;
	/* an old index is attached as "old" when it has our schema */
	if (sqlite3_prepare_v2(db, "SELECT ino FROM old.node WHERE parent = ?"
			       " AND name = ? AND is_dir = ? AND (is_dir OR"
			       " (mtime_ns = ? AND size = ? AND data = ?"
			       " AND data_unix IS ?))", -1, &a->old_node,
			       NULL) != SQLITE_OK) {
		a->old_node = NULL;
		new_lineage(a->lineage);
		*out = a;
		return 0;
	}
	char *next = old_info(db, "ino_next");
	char *lineage = old_info(db, "ino_lineage");
	int64_t n = next ? strtoll(next, NULL, 10) : 0;
	int64_t max = old_max_ino(db);
	a->next = n > max ? n : max + 1;
	if (a->next <= NB_ROOT_INO)
		a->next = NB_ROOT_INO + 1;
	/* An index from before histories has none: its history goes on as
	 * "" (view.c reads it so), since its numbers carry over alike. */
	if (lineage && strlen(lineage) < sizeof a->lineage)
		memcpy(a->lineage, lineage, strlen(lineage) + 1);
	free(next);
	free(lineage);
	*out = a;
	return 0;
}

static void bind_blob(sqlite3_stmt *st, int i, const nb_buf *b, bool present)
{
	if (!present)
		sqlite3_bind_null(st, i);
	else if (b->len)
		sqlite3_bind_blob64(st, i, b->s, b->len, SQLITE_STATIC);
	else
		sqlite3_bind_zeroblob(st, i, 0);
}

int ix_inos_assign(ix_inos *a, int64_t parent, const char *name, bool is_dir,
		   int64_t mtime_ns, const nb_buf *data, const nb_buf *data_unix,
		   bool has_unix, int64_t *ino)
{
	if (parent == 0) {
		*ino = NB_ROOT_INO;	/* the root is always 1 (FUSE_ROOT_ID) */
		return 0;
	}
	if (a->old_node) {
		sqlite3_stmt *st = a->old_node;
		sqlite3_bind_int64(st, 1, parent);
		sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, is_dir);
		sqlite3_bind_int64(st, 4, mtime_ns);
		sqlite3_bind_int64(st, 5, is_dir ? 0 : (int64_t)data->len);
		bind_blob(st, 6, data, !is_dir);
		bind_blob(st, 7, data_unix, !is_dir && has_unix);
		int step = sqlite3_step(st);
		int64_t found = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		if (step != SQLITE_ROW && step != SQLITE_DONE)
			return db_error(a->db, a->err);
		if (found > 0) {
			*ino = found;
			a->kept++;
			return 0;
		}
	}
	*ino = a->next++;
	a->fresh++;
	return 0;
}

int64_t ix_inos_fresh(ix_inos *a)
{
	a->fresh++;
	return a->next++;
}

int ix_inos_finish(ix_inos *a)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(a->db, "INSERT OR REPLACE INTO main.info(key, value)"
			       " VALUES(?, ?)", -1, &st, NULL) != SQLITE_OK)
		return db_error(a->db, a->err);
	char next[24];
	snprintf(next, sizeof next, "%" PRId64, a->next);
	const char *rows[][2] = {
		{"ino_next", next},
		{"ino_lineage", a->lineage},
	};
	int rc = 0;
	for (size_t i = 0; i < sizeof rows / sizeof *rows && !rc; i++) {
		sqlite3_bind_text(st, 1, rows[i][0], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, rows[i][1], -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = db_error(a->db, a->err);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

void ix_inos_free(ix_inos *a)
{
	if (!a)
		return;
	sqlite3_finalize(a->old_node);
	free(a);
}

/* ---- one build at a time ------------------------------------------------------ */

int ix_build_lock(const char *dbpath)
{
	nb_buf path = {0};
	nb_buf_printf(&path, "%s.lock", dbpath);
	if (path.oom)
		return -1;
	/* Without a lock (a directory we cannot write) the build goes on:
	 * it reports plainly itself when it has to write there. */
	int fd = open(path.s, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	nb_buf_free(&path);
	while (fd >= 0 && flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			close(fd);
			fd = -1;
		}
	}
	return fd;
}

void ix_build_unlock(int fd)
{
	if (fd >= 0)
		close(fd);	/* releases the lock */
}
