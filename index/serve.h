/*
 * serve.h — what serve.c (the queries) shares with conn.c (the served
 * index and its connections).  Private to index/.
 */
#ifndef NB_SERVE_H
#define NB_SERVE_H

#include <sqlite3.h>

#include "index.h"

enum { IX_Q_GETATTR, IX_Q_LOOKUP, IX_Q_READDIR, IX_Q_COUNT };

/* One thread's read-only connection to the index and its statements. */
typedef struct ix_conn {
	sqlite3 *db;
	sqlite3_stmt *st[IX_Q_COUNT];
	sqlite3_stmt *range[2];	/* ix_chunks_read's, prepared by chunks.c */
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

/* Records c's SQLite error for the calling thread; returns -EIO. */
int ix_serve_fail(nb_index *ix, ix_conn *c, const char *what);

/* The calling thread's last message. */
const char *ix_serve_error(nb_index *ix);

#endif
