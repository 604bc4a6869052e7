/*
 * batch.c — rows inserted many to one INSERT statement ("VALUES (...),
 * (...)"), for the writer thread of a build (store.c).  A statement run
 * costs more than the B-tree insert of a short row: stepping, halting and
 * resetting, opening a cursor and seeking from the root each time, where
 * the rows of one statement reuse the cursor, which is already at the end.
 * One statement per number of rows, made when first needed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ix.h"
#include "store.h"

struct ix_batch {
	sqlite3 *db;
	char *head;		/* "INSERT INTO t(a, b) VALUES" */
	int nparams;		/* a row's */
	sqlite3_stmt *by_count[IX_BATCH_MAX + 1];
};

int ix_batch_new(sqlite3 *db, const char *head, int nparams, ix_batch **out)
{
	ix_batch *b = calloc(1, sizeof *b);
	if (!b || !(b->head = strdup(head))) {
		free(b);
		return -ENOMEM;
	}
	b->db = db;
	b->nparams = nparams;
	*out = b;
	return 0;
}

void ix_batch_free(ix_batch *b)
{
	if (!b)
		return;
	for (size_t i = 0; i <= IX_BATCH_MAX; i++)
		sqlite3_finalize(b->by_count[i]);
	free(b->head);
	free(b);
}

/* The statement inserting n rows (1 ≤ n ≤ IX_BATCH_MAX). */
static int stmt_for(ix_batch *b, size_t n, sqlite3_stmt **st)
{
	if ((*st = b->by_count[n]))
		return 0;
	nb_buf sql = {0};
	nb_buf_adds(&sql, b->head);
	for (size_t i = 0; i < n; i++) {
		nb_buf_adds(&sql, i ? ",(?" : "(?");
		for (int p = 1; p < b->nparams; p++)
			nb_buf_adds(&sql, ",?");
		nb_buf_addc(&sql, ')');
	}
	int rc = sql.oom ? -ENOMEM : 0;
	if (!rc && sqlite3_prepare_v3(b->db, sql.s, (int)sql.len,
				      SQLITE_PREPARE_PERSISTENT,
				      &b->by_count[n], NULL) != SQLITE_OK)
		rc = -EIO;
	nb_buf_free(&sql);
	*st = b->by_count[n];
	return rc;
}

int ix_batch_insert(ix_batch *b, size_t n, ix_bind_fn bind, void *ctx)
{
	for (size_t first = 0; first < n; first += IX_BATCH_MAX) {
		size_t m = n - first < IX_BATCH_MAX ? n - first : IX_BATCH_MAX;
		sqlite3_stmt *st;
		int rc = stmt_for(b, m, &st);
		if (rc)
			return rc;
		for (size_t i = 0; i < m; i++)
			bind(ctx, st, (int)i * b->nparams, first + i);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -EIO;
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		if (rc)
			return rc;
	}
	return 0;
}
