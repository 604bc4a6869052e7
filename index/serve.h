/*
 * serve.h — what serve.c (the queries) shares with conn.c (the served
 * index and its connections).  Private to index/.
 */
#ifndef NB_SERVE_H
#define NB_SERVE_H

#include <sqlite3.h>
#include <sys/types.h>

#include "ix.h"
#include "dataset.h"

#include "index.h"

enum { IX_Q_GETATTR, IX_Q_LOOKUP, IX_Q_READDIR, IX_Q_COUNT };

typedef struct ix_rendered ix_rendered;

/* One thread's read-only connection to the index and its statements. */
typedef struct ix_conn {
	sqlite3 *db;
	sqlite3_stmt *st[IX_Q_COUNT];
	sqlite3_stmt *range[2];	/* ix_chunks_read's, prepared by chunks.c */
	ix_block block;		/* ix_chunks_read's buffer, kept between reads */
	ix_rendered *rendered;	/* its statements for rendering (rendered.c) */
	struct ix_conn *next;	/* in the index's list of connections */
	nb_index *ix;
	bool in_use;		/* held by a thread that still runs */
	bool broken;		/* failed: reopened before its next use */
} ix_conn;

/* The calling thread's connection, opened on its first call.  0, or -EIO
 * (message in nb_index_error) or -ENOMEM. */
int ix_serve_conn(nb_index *ix, ix_conn **out);

/* The NB_OPEN_* flags the index was opened with. */
unsigned ix_serve_flags(const nb_index *ix);

/* The files of _all, served from chunks (chunks.c). */
const ix_chunks *ix_serve_chunks(const nb_index *ix);

/* Files rendered on read (rendered.c): each connection's statements
 * (ix_rendered), and the index's cache of the last renderings, shared by
 * every thread (ix_render_cache). */
typedef struct ix_render_cache ix_render_cache;
int ix_render_cache_new(ix_render_cache **out);
void ix_render_cache_free(ix_render_cache *c);
/* The index's cache. */
ix_render_cache *ix_serve_cache(nb_index *ix);
/* Copies up to size bytes at off of the file of rank part of report, or
 * of the 趋势.csv in the directory parent (part IX_PART_TREND), as
 * rendered in the excel or unix dialect, whose size the node gives as
 * expect.  Bytes copied, -ENOMEM or -EIO (nothing there of that size). */
ssize_t ix_rendered_read(struct ix_conn *c, ix_render_cache *cache,
			 int64_t report, int64_t part, int64_t parent,
			 bool unix_dialect, uint64_t expect, char *buf,
			 size_t size, uint64_t off);
void ix_rendered_free(ix_rendered *r);

/* Records c's SQLite error for the calling thread; returns -EIO. */
int ix_serve_fail(nb_index *ix, ix_conn *c, const char *what);

/* The calling thread's last message. */
const char *ix_serve_error(nb_index *ix);

#endif
