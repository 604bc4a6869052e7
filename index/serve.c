/* serve.c — answers the filesystem from the node table (a report's files
 * are rendered on read, rendered.c).
 *
 * Each thread that calls gets a read-only connection of its own (conn.c),
 * with its statements prepared once: no lock is taken per request.  Every
 * statement is reset before a call returns, so no read transaction
 * outlives a request: an index that is truncated
 * and written back under a mount is read again from its file, never from
 * a snapshot pinned by an open handle. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "ix.h"
#include "dataset.h"
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

/* A file rendered on read: which report's, and its rank.  Every file the
 * index makes is rendered on read (schema 4 on) but _all's (chunks.c). */
typedef struct {
	bool rendered;
	int64_t report, part;
} rendered_at;

/* The node ino, and (at, when given) where its bytes come from. */
static int getattr_on(nb_index *ix, ix_conn *c, uint64_t ino, nb_node *out,
		      rendered_at *at)
{
	sqlite3_stmt *st = c->st[IX_Q_GETATTR];
	sqlite3_bind_int64(st, 1, (int64_t)ino);
	int step = sqlite3_step(st), rc = 0;
	if (step == SQLITE_ROW) {
		fill_node(ix_serve_flags(ix), st, 0, ino, out);
		if (at)
			*at = sqlite3_column_type(st, 7) == SQLITE_NULL ?
				(rendered_at){0} :
				(rendered_at){true, sqlite3_column_int64(st, 6),
					      sqlite3_column_int64(st, 7)};
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
	return rc ? rc : getattr_on(ix, c, ino, out, NULL);
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
		rc = getattr_on(ix, c, ino, &dir, NULL);
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

ssize_t nb_index_read(nb_index *ix, uint64_t ino, char *buf, size_t size,
		      uint64_t off)
{
	if (ino > INT64_MAX)
		return -ENOENT;
	ix_conn *c;
	nb_node n;
	rendered_at at = {0};
	int rc = ix_serve_conn(ix, &c);
	if (!rc)
		rc = getattr_on(ix, c, ino, &n, &at);
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
	if (!at.rendered)
		/* a file with bytes but neither rendered nor _all's: no index
		 * of this version makes one, so the index is damaged */
		return ix_serve_fail(ix, c, "read");
	ssize_t got = ix_rendered_read(c, ix_serve_cache(ix), at.report,
				       at.part, (int64_t)n.parent,
				       ix_serve_flags(ix) & NB_OPEN_CSV_UNIX,
				       n.size, buf, size, off);
	if (got == -EIO)
		ix_serve_fail(ix, c, "read");
	return got;
}
