/*
 * conn.c — the served index: opening it, and one read-only SQLite
 * connection per serving thread.
 *
 * A connection is used by one thread at a time, so it needs no lock of its
 * own and keeps its statements prepared.  A thread gets its connection on
 * its first call and keeps it; when the thread ends, the connection goes
 * back to the index's list for the next thread, so a fixed pool of workers
 * opens a fixed number of connections.  The list's lock is taken only
 * when a thread starts or ends, never per request.
 *
 * Each request is its own read transaction, which costs SQLite a few
 * system calls (a lock taken and released, a look for a hot journal).
 * Opening the file immutable=1 would save them (measured under strace:
 * 14 fcntl and 10 stat calls per request, leaving one pread) but would
 * also keep serving cached pages of a file changed in place, which issue 8
 * asked us to notice.
 *
 * A connection that failed is closed and opened again before its next use:
 * SQLite keeps the schema it last read, so a connection that once saw the
 * index truncated would go on saying "no such table" after its bytes are
 * back; a new one reads the file as it is now.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "ix.h"
#include "dataset.h"
#include "serve.h"

#define ERR_LEN 512

/* Page cache per connection, KiB.  The kernel caches what is read through
 * the mount and the OS caches the index file, so a small cache suffices;
 * it bounds the daemon's memory at ~1 MiB a worker. */
#define CONN_CACHE_KIB 1024

struct nb_index {
	char *path;
	unsigned flags;
	pthread_key_t conn_key;	/* this thread's ix_conn */
	pthread_key_t err_key;	/* this thread's last message */
	pthread_mutex_t lock;	/* guards conns */
	ix_conn *conns;
	uint64_t nodes, bytes;
	ix_chunks *chunks;	/* the files of _all (chunks.c), read at open */
	ix_render_cache *cache;	/* the last files rendered (rendered.c) */
};

static const char *const conn_sql[IX_Q_COUNT] = {
	[IX_Q_GETATTR] = "SELECT parent, is_dir, size, size_unix, mtime_ns,"
		" nlink, report, part FROM node WHERE ino = ?",
	[IX_Q_LOOKUP] = "SELECT ino, parent, is_dir, size, size_unix, mtime_ns,"
		" nlink FROM node WHERE parent = ? AND name = ?",
	[IX_Q_READDIR] = "SELECT ino, parent, is_dir, size, size_unix,"
		" mtime_ns, nlink, name FROM node WHERE parent = ? AND ino > ?"
		" ORDER BY ino",
};

static void set_error(nb_index *ix, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_error(nb_index *ix, const char *fmt, ...)
{
	char *buf = pthread_getspecific(ix->err_key);
	if (!buf) {
		if (!(buf = malloc(ERR_LEN)))
			return;
		if (pthread_setspecific(ix->err_key, buf)) {
			free(buf);
			return;
		}
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, ERR_LEN, fmt, ap);
	va_end(ap);
}

const char *ix_serve_error(nb_index *ix)
{
	const char *s = pthread_getspecific(ix->err_key);
	return s ? s : "";
}

int ix_serve_fail(nb_index *ix, ix_conn *c, const char *what)
{
	set_error(ix, "%s: %s: %s", ix->path, what, c->db ?
		  sqlite3_errmsg(c->db) : "out of memory");
	c->broken = true;
	return -EIO;
}

unsigned ix_serve_flags(const nb_index *ix)
{
	return ix->flags;
}

ix_render_cache *ix_serve_cache(nb_index *ix)
{
	return ix->cache;
}

const ix_chunks *ix_serve_chunks(const nb_index *ix)
{
	return ix->chunks;
}

static void conn_close(ix_conn *c)
{
	for (int i = 0; i < IX_Q_COUNT; i++) {
		sqlite3_finalize(c->st[i]);
		c->st[i] = NULL;
	}
	for (int d = 0; d < 2; d++) {
		sqlite3_finalize(c->range[d]);
		c->range[d] = NULL;
	}
	ix_rendered_free(c->rendered);
	c->rendered = NULL;
	ix_block_free(&c->block);
	sqlite3_close(c->db);
	c->db = NULL;
}

static void conn_free(ix_conn *c)
{
	conn_close(c);
	free(c);
}

/* A thread ended: its connection is free for the next one. */
static void conn_release(void *p)
{
	ix_conn *c = p;
	pthread_mutex_lock(&c->ix->lock);
	c->in_use = false;
	pthread_mutex_unlock(&c->ix->lock);
}

/* Opens c's connection and statements; on failure c stays broken. */
static int conn_connect(nb_index *ix, ix_conn *c)
{
	char pragma[64];
	snprintf(pragma, sizeof pragma, "PRAGMA cache_size = -%d",
		 CONN_CACHE_KIB);
	conn_close(c);
	c->broken = false;
	int orc = sqlite3_open_v2(ix->path, &c->db, SQLITE_OPEN_READONLY |
				  SQLITE_OPEN_NOMUTEX, NULL);
	int rc = 0;
	if (orc != SQLITE_OK) {
		rc = ix_serve_fail(ix, c, "open");
		if ((orc & 0xff) == SQLITE_CANTOPEN)
			rc = -ENOENT;
	} else if (sqlite3_exec(c->db, pragma, NULL, NULL, NULL) != SQLITE_OK) {
		rc = ix_serve_fail(ix, c, "open");
	}
	for (int i = 0; i < IX_Q_COUNT && !rc; i++)
		if (sqlite3_prepare_v3(c->db, conn_sql[i], -1,
				       SQLITE_PREPARE_PERSISTENT, &c->st[i],
				       NULL) != SQLITE_OK)
			rc = ix_serve_fail(ix, c, "open");
	if (!rc && ix_chunks_prepare(c->db, c->range))
		rc = ix_serve_fail(ix, c, "open");
	if (rc) {
		conn_close(c);
		c->broken = true;
	}
	return rc;
}

int ix_serve_conn(nb_index *ix, ix_conn **out)
{
	ix_conn *c = pthread_getspecific(ix->conn_key);
	if (!c) {
		pthread_mutex_lock(&ix->lock);
		for (c = ix->conns; c && c->in_use; c = c->next)
			;
		if (c)
			c->in_use = true;
		pthread_mutex_unlock(&ix->lock);
	}
	if (!c) {
		if (!(c = calloc(1, sizeof *c)))
			return -ENOMEM;
		*c = (ix_conn){.ix = ix, .in_use = true, .broken = true};
		pthread_mutex_lock(&ix->lock);
		c->next = ix->conns;
		ix->conns = c;
		pthread_mutex_unlock(&ix->lock);
	}
	if (pthread_getspecific(ix->conn_key) != c &&
	    pthread_setspecific(ix->conn_key, c)) {
		conn_release(c);
		return -ENOMEM;
	}
	if (c->broken) {
		int rc = conn_connect(ix, c);
		if (rc)
			return rc;
	}
	*out = c;
	return 0;
}

static void free_error(void *p)
{
	free(p);
}

/* Checks the index on c: its version, its root, and its totals for
 * statfs.  0, NB_BAD_INDEX_VERSION (not an index of this version) or -EIO. */
static int check(nb_index *ix, ix_conn *c)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;
	if (sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &st,
			       NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW ||
	    sqlite3_column_int(st, 0) != IX_SCHEMA_VERSION)
		rc = NB_BAD_INDEX_VERSION;
	sqlite3_finalize(st);
	st = NULL;
	/* counted when the index was built (build.c) */
	if (!rc && (sqlite3_prepare_v2(c->db, "SELECT"
				       " (SELECT value FROM info WHERE key = 'nodes'),"
				       " (SELECT value FROM info WHERE key = ?),"
				       " (SELECT is_dir FROM node WHERE ino = ?)",
				       -1, &st, NULL) != SQLITE_OK ||
		    sqlite3_bind_text(st, 1, ix->flags & NB_OPEN_CSV_UNIX ?
				      "bytes_unix" : "bytes", -1, SQLITE_STATIC) ||
		    sqlite3_bind_int64(st, 2, NB_ROOT_INO) ||
		    sqlite3_step(st) != SQLITE_ROW))
		rc = ix_serve_fail(ix, c, "open");
	if (!rc && (sqlite3_column_int(st, 2) != 1 ||
		    sqlite3_column_type(st, 0) == SQLITE_NULL ||
		    sqlite3_column_type(st, 1) == SQLITE_NULL))
		rc = NB_BAD_INDEX_VERSION;	/* no root directory, or no totals */
	if (!rc) {
		ix->nodes = (uint64_t)sqlite3_column_int64(st, 0);
		ix->bytes = (uint64_t)sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return rc;
}

int nb_index_open(const char *dbpath, unsigned flags, nb_index **out)
{
	nb_index *ix = calloc(1, sizeof *ix);
	if (!ix)
		return -ENOMEM;
	ix->flags = flags;
	if (!(ix->path = strdup(dbpath))) {
		free(ix);
		return -ENOMEM;
	}
	if (pthread_key_create(&ix->err_key, free_error)) {
		free(ix->path);
		free(ix);
		return -ENOMEM;
	}
	if (pthread_key_create(&ix->conn_key, conn_release)) {
		pthread_key_delete(ix->err_key);
		free(ix->path);
		free(ix);
		return -ENOMEM;
	}
	pthread_mutex_init(&ix->lock, NULL);
	ix_conn *c;
	int rc = ix_render_cache_new(&ix->cache);
	if (!rc)
		rc = ix_serve_conn(ix, &c);
	if (!rc)
		rc = check(ix, c);
	if (!rc && (rc = ix_chunks_open(c->db, &ix->chunks)) == -EIO)
		ix_serve_fail(ix, c, "open");
	if (rc) {
		nb_index_close(ix);
		return rc;
	}
	/* The opening thread (the daemon's main thread, or the one that
	 * switches versions) serves nothing: its connection, schema read and
	 * statements prepared, goes to the first worker (~3 ms saved). */
	pthread_setspecific(ix->conn_key, NULL);
	conn_release(c);
	*out = ix;
	return 0;
}

int nb_index_totals(nb_index *ix, uint64_t *nodes, uint64_t *bytes)
{
	*nodes = ix->nodes;
	*bytes = ix->bytes;
	return 0;
}

/* Called once no other thread uses ix (the serving loop has ended). */
void nb_index_close(nb_index *ix)
{
	if (!ix)
		return;
	ix_chunks_close(ix->chunks);
	ix_render_cache_free(ix->cache);
	ix_conn *c = ix->conns;
	while (c) {
		ix_conn *next = c->next;
		conn_free(c);
		c = next;
	}
	/* the other threads' messages went with their threads */
	free(pthread_getspecific(ix->err_key));
	pthread_key_delete(ix->err_key);
	pthread_key_delete(ix->conn_key);
	pthread_mutex_destroy(&ix->lock);
	free(ix->path);
	free(ix);
}
