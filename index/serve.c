/* serve.c — answers the filesystem from the node table (a report's files
 * are rendered on read, rendered.c).
 *
 * Each thread that calls gets a read-only connection of its own (conn.c),
 * with its statements prepared once: no lock is taken per request.  Every
 * statement is reset and every blob handle closed before a call returns,
 * so no read transaction outlives a request: an index that is truncated
 * and written back under a mount is read again from its file, never from
 * a snapshot pinned by an open handle. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "ix.h"
#include "serve.h"

const char *nb_index_error(nb_index *ix)
{
	return ix_serve_error(ix);
}

/* The columns parent, is_dir, size, size_unix, mtime_ns, nlink from
 * column first on, as served. */
static void fill_node(unsigned flags, sqlite3_stmt *st, int first,
		      uint64_t ino, nb_node *n)
{
	int64_t parent = sqlite3_column_int64(st, first);
	bool unix_size = (flags & NB_OPEN_CSV_UNIX) &&
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

/* Ends the statement's use: its read transaction ends with it. */
static void finish(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* Where a file's bytes are served from. */
typedef enum {
	FROM_DATA,		/* node.data */
	FROM_UNIX,		/* node.data_unix */
	FROM_DATA_TO_UNIX,	/* node.data, converted (ix_csv_to_unix) */
	FROM_RENDER,		/* rendered from the report's rows */
} source;

/* A file rendered on read: which report's, and its rank. */
typedef struct {
	int64_t report, part;
} rendered_at;

/* The node ino, and where its bytes are. */
static int getattr_on(nb_index *ix, ix_conn *c, uint64_t ino, nb_node *out,
		      source *from, rendered_at *at)
{
	unsigned flags = ix_serve_flags(ix);
	sqlite3_stmt *st = c->st[IX_Q_GETATTR];
	sqlite3_bind_int64(st, 1, (int64_t)ino);
	int step = sqlite3_step(st), rc = 0;
	if (step == SQLITE_ROW) {
		fill_node(flags, st, 0, ino, out);
		if (from && sqlite3_column_type(st, 8) != SQLITE_NULL) {
			*from = FROM_RENDER;
			*at = (rendered_at){sqlite3_column_int64(st, 7),
					    sqlite3_column_int64(st, 8)};
		} else if (from && (!(flags & NB_OPEN_CSV_UNIX) ||
				    sqlite3_column_type(st, 3) == SQLITE_NULL))
			*from = FROM_DATA;
		else if (from)
			*from = sqlite3_column_int(st, 6) ? FROM_UNIX :
				FROM_DATA_TO_UNIX;
	} else if (step == SQLITE_DONE) {
		rc = -ENOENT;
	} else {
		rc = ix_serve_fail(ix, c, "getattr");
	}
	finish(st);
	return rc;
}

int nb_index_getattr(nb_index *ix, uint64_t ino, nb_node *out)
{
	if (ino > INT64_MAX)
		return -ENOENT;
	ix_conn *c;
	int rc = ix_serve_conn(ix, &c);
	return rc ? rc : getattr_on(ix, c, ino, out, NULL, NULL);
}

int nb_index_lookup(nb_index *ix, uint64_t parent, const char *name,
		    nb_node *out)
{
	if (parent > INT64_MAX)
		return -ENOENT;
	ix_conn *c;
	int rc = ix_serve_conn(ix, &c);
	if (rc)
		return rc;
	sqlite3_stmt *st = c->st[IX_Q_LOOKUP];
	sqlite3_bind_int64(st, 1, (int64_t)parent);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		fill_node(ix_serve_flags(ix), st, 1,
			  (uint64_t)sqlite3_column_int64(st, 0), out);
	else if (step == SQLITE_DONE)
		rc = -ENOENT;
	else
		rc = ix_serve_fail(ix, c, "lookup");
	finish(st);
	return rc;
}

int nb_index_readdir(nb_index *ix, uint64_t ino, uint64_t off,
		     nb_dirent_fn fn, void *ctx)
{
	if (ino > INT64_MAX)
		return -ENOENT;
	if (off > INT64_MAX)
		return 0;
	ix_conn *c;
	nb_node dir;
	int rc = ix_serve_conn(ix, &c);
	if (!rc)
		rc = getattr_on(ix, c, ino, &dir, NULL, NULL);
	if (!rc && !dir.is_dir)
		rc = -ENOTDIR;
	if (rc)
		return rc;
	unsigned flags = ix_serve_flags(ix);
	sqlite3_stmt *st = c->st[IX_Q_READDIR];
	sqlite3_bind_int64(st, 1, (int64_t)ino);
	sqlite3_bind_int64(st, 2, (int64_t)off);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		nb_node n;
		uint64_t child = (uint64_t)sqlite3_column_int64(st, 0);
		fill_node(flags, st, 1, child, &n);
		const char *name = (const char *)sqlite3_column_text(st, 7);
		if (fn(ctx, name ? name : "", &n, child))
			break;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = ix_serve_fail(ix, c, "readdir");
	finish(st);
	return rc;
}

/* Copies want bytes at off of the node's column straight from SQLite's
 * pages into buf (one copy), through a handle closed before returning. */
static int read_blob(nb_index *ix, ix_conn *c, uint64_t ino,
		     const char *column, char *buf, int want, int off)
{
	sqlite3_blob *b = NULL;
	int rc = 0;
	if (sqlite3_blob_open(c->db, "main", "node", column, (int64_t)ino, 0,
			      &b) != SQLITE_OK ||
	    sqlite3_blob_read(b, buf, want, off) != SQLITE_OK)
		rc = ix_serve_fail(ix, c, "read");
	sqlite3_blob_close(b);
	return rc;
}

/* The unix dialect of a CSV stored only in the Excel one: the whole file
 * converted, then the part asked for (CSV files are a few KiB). */
static int read_converted(nb_index *ix, ix_conn *c, uint64_t ino,
			  char *buf, int want, int off)
{
	sqlite3_blob *b = NULL;
	char *excel = NULL;
	nb_buf u = {0};
	int rc = 0, len = 0;
	if (sqlite3_blob_open(c->db, "main", "node", "data", (int64_t)ino, 0,
			      &b) != SQLITE_OK)
		return ix_serve_fail(ix, c, "read");
	len = sqlite3_blob_bytes(b);
	if (!(excel = malloc(len ? (size_t)len : 1)))
		rc = -ENOMEM;
	else if (sqlite3_blob_read(b, excel, len, 0) != SQLITE_OK)
		rc = ix_serve_fail(ix, c, "read");
	sqlite3_blob_close(b);
	if (!rc)
		ix_csv_to_unix(&u, excel, (size_t)len);
	if (!rc && u.oom)
		rc = -ENOMEM;
	if (!rc && (size_t)off + (size_t)want > u.len) {
		ix_serve_fail(ix, c, "read");
		rc = -EIO;	/* not the size the index gives */
	}
	if (!rc)
		memcpy(buf, u.s + off, (size_t)want);
	nb_buf_free(&u);
	free(excel);
	return rc;
}

ssize_t nb_index_read(nb_index *ix, uint64_t ino, char *buf, size_t size,
		      uint64_t off)
{
	if (ino > INT64_MAX)
		return -ENOENT;
	ix_conn *c;
	nb_node n;
	source from = FROM_DATA;
	rendered_at at = {0};
	int rc = ix_serve_conn(ix, &c);
	if (!rc)
		rc = getattr_on(ix, c, ino, &n, &from, &at);
	if (!rc && n.is_dir)
		rc = -EISDIR;
	if (!rc && ix_chunks_owns(ix_serve_chunks(ix), ino)) {
		/* a file of _all: its header and chunks (chunks.c) */
		ssize_t got = ix_chunks_read(ix_serve_chunks(ix), c->range,
					     &c->block, ino,
					     ix_serve_flags(ix) & NB_OPEN_CSV_UNIX,
					     buf, size, off);
		return got < 0 ? ix_serve_fail(ix, c, "read") : got;
	}
	if (rc || off >= n.size || !size)
		return rc;
	if (from == FROM_RENDER) {
		ssize_t got = ix_rendered_read(c, ix_serve_cache(ix), at.report,
					       at.part, (int64_t)n.parent,
					       ix_serve_flags(ix) & NB_OPEN_CSV_UNIX,
					       n.size, buf, size, off);
		if (got == -EIO)
			ix_serve_fail(ix, c, "read");
		return got;
	}
	if (n.size > INT_MAX)
		return -EFBIG;	/* never rendered: files are small */
	uint64_t want = n.size - off;
	if (want > size)
		want = size;
	if (from == FROM_DATA_TO_UNIX)
		rc = read_converted(ix, c, ino, buf, (int)want, (int)off);
	else
		rc = read_blob(ix, c, ino, from == FROM_UNIX ? "data_unix" :
			       "data", buf, (int)want, (int)off);
	return rc ? rc : (ssize_t)want;
}
