/* serve.c — answers the filesystem from the node table.  The connection is
 * read-only; one mutex serialises the cached statements and blob handles,
 * since the filesystem calls from several threads. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "ix.h"

#define ERR_LEN 512

enum { B_DATA, B_UNIX, B_COUNT };

struct nb_index {
	sqlite3 *db;
	unsigned flags;
	pthread_mutex_t lock;
	pthread_key_t errkey;	/* this thread's last message */
	sqlite3_stmt *getattr, *lookup, *readdir;
	sqlite3_blob *blob[B_COUNT];	/* open on some row, reopened per read */
	uint64_t nodes, bytes;
	ix_chunks *chunks;	/* the files of _all */
};

static void set_error(nb_index *ix, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_error(nb_index *ix, const char *fmt, ...)
{
	char *buf = pthread_getspecific(ix->errkey);
	if (!buf) {
		if (!(buf = malloc(ERR_LEN)))
			return;
		if (pthread_setspecific(ix->errkey, buf)) {
			free(buf);
			return;
		}
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, ERR_LEN, fmt, ap);
	va_end(ap);
}

static int db_fail(nb_index *ix, const char *what)
{
	set_error(ix, "%s: %s: %s", sqlite3_db_filename(ix->db, "main"), what,
		  sqlite3_errmsg(ix->db));
	return -EIO;
}

const char *nb_index_error(nb_index *ix)
{
	const char *s = pthread_getspecific(ix->errkey);
	return s ? s : "";
}

/* The columns parent, is_dir, size, size_unix, mtime_ns, nlink from
 * column first on, as served. */
static void fill_node(const nb_index *ix, sqlite3_stmt *st, int first,
		      uint64_t ino, nb_node *n)
{
	int64_t parent = sqlite3_column_int64(st, first);
	bool unix_size = (ix->flags & NB_OPEN_CSV_UNIX) &&
		sqlite3_column_type(st, first + 3) != SQLITE_NULL;
	*n = (nb_node){
		.ino = ino,
		/* the root is stored under parent 0; its ".." is itself */
		.parent = parent ? (uint64_t)parent : NB_ROOT_INO,
		.is_dir = sqlite3_column_int(st, first + 1),
		.size = (uint64_t)sqlite3_column_int64(st, unix_size ? first + 3 :
						       first + 2),
		.mtime_ns = sqlite3_column_int64(st, first + 4),
		.nlink = (uint32_t)sqlite3_column_int(st, first + 5),
	};
}

static int finish(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return 0;
}

/* With the lock held: the node ino, and whether its bytes are data_unix. */
static int getattr_locked(nb_index *ix, uint64_t ino, nb_node *out,
			  bool *unix_data)
{
	sqlite3_stmt *st = ix->getattr;
	sqlite3_bind_int64(st, 1, (int64_t)ino);
	int step = sqlite3_step(st), rc = 0;
	if (step == SQLITE_ROW) {
		fill_node(ix, st, 0, ino, out);
		if (unix_data)
			*unix_data = (ix->flags & NB_OPEN_CSV_UNIX) &&
				sqlite3_column_type(st, 3) != SQLITE_NULL;
	} else if (step == SQLITE_DONE) {
		rc = -ENOENT;
	} else {
		rc = db_fail(ix, "getattr");
	}
	finish(st);
	return rc;
}

int nb_index_getattr(nb_index *ix, uint64_t ino, nb_node *out)
{
	if (ino > INT64_MAX)
		return -ENOENT;
	pthread_mutex_lock(&ix->lock);
	int rc = getattr_locked(ix, ino, out, NULL);
	pthread_mutex_unlock(&ix->lock);
	return rc;
}

int nb_index_lookup(nb_index *ix, uint64_t parent, const char *name,
		    nb_node *out)
{
	if (parent > INT64_MAX)
		return -ENOENT;
	pthread_mutex_lock(&ix->lock);
	sqlite3_stmt *st = ix->lookup;
	sqlite3_bind_int64(st, 1, (int64_t)parent);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	int step = sqlite3_step(st), rc = 0;
	if (step == SQLITE_ROW)
		fill_node(ix, st, 1, (uint64_t)sqlite3_column_int64(st, 0), out);
	else if (step == SQLITE_DONE)
		rc = -ENOENT;
	else
		rc = db_fail(ix, "lookup");
	finish(st);
	pthread_mutex_unlock(&ix->lock);
	return rc;
}

int nb_index_readdir(nb_index *ix, uint64_t ino, uint64_t off,
		     nb_dirent_fn fn, void *ctx)
{
	if (ino > INT64_MAX)
		return -ENOENT;
	if (off > INT64_MAX)
		return 0;
	pthread_mutex_lock(&ix->lock);
	nb_node dir;
	int rc = getattr_locked(ix, ino, &dir, NULL);
	if (!rc && !dir.is_dir)
		rc = -ENOTDIR;
	if (rc) {
		pthread_mutex_unlock(&ix->lock);
		return rc;
	}
	sqlite3_stmt *st = ix->readdir;
	sqlite3_bind_int64(st, 1, (int64_t)ino);
	sqlite3_bind_int64(st, 2, (int64_t)off);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		nb_node n;
		uint64_t child = (uint64_t)sqlite3_column_int64(st, 0);
		fill_node(ix, st, 1, child, &n);
		const char *name = (const char *)sqlite3_column_text(st, 7);
		if (fn(ctx, name ? name : "", &n, child))
			break;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = db_fail(ix, "readdir");
	finish(st);
	pthread_mutex_unlock(&ix->lock);
	return rc;
}

/* With the lock held: the blob handle of column which, on row ino. */
static int blob_at(nb_index *ix, int which, uint64_t ino, sqlite3_blob **out)
{
	sqlite3_blob **b = &ix->blob[which];
	if (*b && sqlite3_blob_reopen(*b, (int64_t)ino) == SQLITE_OK) {
		*out = *b;
		return 0;
	}
	if (*b) {
		sqlite3_blob_close(*b);
		*b = NULL;
	}
	if (sqlite3_blob_open(ix->db, "main", "node",
			      which == B_UNIX ? "data_unix" : "data",
			      (int64_t)ino, 0, b) != SQLITE_OK) {
		int rc = db_fail(ix, "read");
		sqlite3_blob_close(*b);
		*b = NULL;
		return rc;
	}
	*out = *b;
	return 0;
}

ssize_t nb_index_read(nb_index *ix, uint64_t ino, char *buf, size_t size,
		      uint64_t off)
{
	if (ino > INT64_MAX)
		return -ENOENT;
	pthread_mutex_lock(&ix->lock);
	nb_node n;
	bool unix_data = false;
	int rc = getattr_locked(ix, ino, &n, &unix_data);
	ssize_t got = 0;
	if (!rc && n.is_dir)
		rc = -EISDIR;
	if (!rc && ix_chunks_owns(ix->chunks, ino)) {
		/* a file of _all: header and chunks (chunks.c) */
		got = ix_chunks_read(ix->chunks, ino, unix_data, buf, size, off);
		if (got < 0)
			rc = db_fail(ix, "read");
	} else if (!rc && off < n.size && size) {
		uint64_t want = n.size - off;
		if (want > size)
			want = size;
		if (want > INT_MAX)
			want = INT_MAX & ~(uint64_t)4095;
		if (n.size > INT_MAX) {
			rc = -EFBIG;	/* never rendered: files are small */
		} else {
			sqlite3_blob *b = NULL;
			rc = blob_at(ix, unix_data ? B_UNIX : B_DATA, ino, &b);
			if (!rc && sqlite3_blob_read(b, buf, (int)want,
						     (int)off) != SQLITE_OK)
				rc = db_fail(ix, "read");
			if (!rc)
				got = (ssize_t)want;
		}
	}
	pthread_mutex_unlock(&ix->lock);
	return rc ? rc : got;
}

int nb_index_totals(nb_index *ix, uint64_t *nodes, uint64_t *bytes)
{
	*nodes = ix->nodes;
	*bytes = ix->bytes;
	return 0;
}

static void free_error(void *p)
{
	free(p);
}

static int prepare(nb_index *ix, const char *sql, sqlite3_stmt **st)
{
	return sqlite3_prepare_v3(ix->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
				  st, NULL) == SQLITE_OK ? 0 : -EIO;
}

int nb_index_open(const char *dbpath, unsigned flags, nb_index **out)
{
	nb_index *ix = calloc(1, sizeof *ix);
	if (!ix)
		return -ENOMEM;
	ix->flags = flags;
	if (pthread_key_create(&ix->errkey, free_error)) {
		free(ix);
		return -ENOMEM;
	}
	pthread_mutex_init(&ix->lock, NULL);

	int rc = 0;
	int orc = sqlite3_open_v2(dbpath, &ix->db, SQLITE_OPEN_READONLY |
				  SQLITE_OPEN_NOMUTEX, NULL);
	if (orc != SQLITE_OK)
		rc = (orc & 0xff) == SQLITE_CANTOPEN ? -ENOENT : -EIO;
	sqlite3_stmt *st = NULL;
	if (!rc && (sqlite3_prepare_v2(ix->db, "PRAGMA user_version", -1, &st,
				       NULL) != SQLITE_OK ||
		    sqlite3_step(st) != SQLITE_ROW ||
		    sqlite3_column_int(st, 0) != IX_SCHEMA_VERSION))
		rc = -EINVAL;	/* not an index, or one of another version */
	sqlite3_finalize(st);
	st = NULL;
	if (!rc && (prepare(ix, "SELECT parent, is_dir, size, size_unix,"
			    " mtime_ns, nlink FROM node WHERE ino = ?",
			    &ix->getattr) ||
		    prepare(ix, "SELECT ino, parent, is_dir, size, size_unix,"
			    " mtime_ns, nlink FROM node WHERE parent = ?"
			    " AND name = ?", &ix->lookup) ||
		    prepare(ix, "SELECT ino, parent, is_dir, size, size_unix,"
			    " mtime_ns, nlink, name FROM node WHERE parent = ?"
			    " AND ino > ? ORDER BY ino", &ix->readdir)))
		rc = -EIO;
	if (!rc && (sqlite3_prepare_v2(ix->db, "SELECT count(*), coalesce(sum("
				       "CASE WHEN ? AND size_unix IS NOT NULL"
				       " THEN size_unix ELSE size END), 0)"
				       " FROM node", -1, &st, NULL) != SQLITE_OK ||
		    sqlite3_bind_int(st, 1, !!(flags & NB_OPEN_CSV_UNIX)) ||
		    sqlite3_step(st) != SQLITE_ROW))
		rc = -EIO;
	if (!rc) {
		ix->nodes = (uint64_t)sqlite3_column_int64(st, 0);
		ix->bytes = (uint64_t)sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	nb_node root;
	if (!rc && getattr_locked(ix, NB_ROOT_INO, &root, NULL))
		rc = -EINVAL;
	if (!rc)
		rc = ix_chunks_open(ix->db, &ix->chunks);
	if (rc) {
		nb_index_close(ix);
		return rc;
	}
	*out = ix;
	return 0;
}

void nb_index_close(nb_index *ix)
{
	if (!ix)
		return;
	for (int i = 0; i < B_COUNT; i++)
		sqlite3_blob_close(ix->blob[i]);
	ix_chunks_close(ix->chunks);
	sqlite3_finalize(ix->getattr);
	sqlite3_finalize(ix->lookup);
	sqlite3_finalize(ix->readdir);
	sqlite3_close(ix->db);
	/* the other threads' messages went with their threads */
	free(pthread_getspecific(ix->errkey));
	pthread_key_delete(ix->errkey);
	pthread_mutex_destroy(&ix->lock);
	free(ix);
}
