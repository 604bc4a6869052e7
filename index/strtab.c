/*
 * strtab.c — the str table's ids, kept in memory while a build stores
 * reports (store.c): a label, header or check's string is looked up in a
 * hash table (bytemap.c) instead of through the views' INSTEAD OF
 * triggers, whose "INSERT OR IGNORE INTO str" and "SELECT id FROM str"
 * cost a B-tree search each, for every row, on the one writer thread.
 *
 * A new string gets id max(id) + 1 — the rowid SQLite gives a row inserted
 * without one — so the ids, and str itself, are exactly what the triggers
 * made.  The table starts from what str holds already (the old index's
 * strings, copied into it when a build reuses rows).
 *
 * Beside it, memos: a key (bytes a caller makes of several strings) that
 * stands for the str id those strings came to, so that a packing met
 * again (checkpack.c: a report's list of checks, 9 distinct at 10,000
 * reports) costs one lookup instead of one per string.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ix.h"
#include "store.h"

struct ix_strtab {
	sqlite3 *db;
	sqlite3_stmt *insert;
	ix_bytemap *strs;	/* str's rows: text to id */
	ix_bytemap *memos;
	int64_t next;		/* the id of the next new string */
};

static int remember(ix_strtab *t, const char *s, int64_t id)
{
	if (ix_bytemap_set(t->strs, s, strlen(s), id))
		return -ENOMEM;
	if (id >= t->next)
		t->next = id + 1;
	return 0;
}

int ix_strtab_new(sqlite3 *db, ix_strtab **out)
{
	ix_strtab *t = calloc(1, sizeof *t);
	if (!t)
		return -ENOMEM;
	t->db = db;
	t->next = 1;
	sqlite3_stmt *st = NULL;
	int rc = 0, step = SQLITE_DONE;
	if ((rc = ix_bytemap_new(&t->strs)) ||
	    (rc = ix_bytemap_new(&t->memos))) {
		ix_strtab_free(t);
		return rc;
	}
	if (sqlite3_prepare_v2(db, "SELECT id, text FROM main.str", -1, &st,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(db, "INSERT INTO main.str(id, text) VALUES(?, ?)",
			       -1, SQLITE_PREPARE_PERSISTENT, &t->insert,
			       NULL) != SQLITE_OK)
		rc = -EIO;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = remember(t, (const char *)sqlite3_column_text(st, 1),
			      sqlite3_column_int64(st, 0));
	if (!rc && step != SQLITE_DONE)
		rc = -EIO;
	sqlite3_finalize(st);
	if (rc) {
		ix_strtab_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

void ix_strtab_free(ix_strtab *t)
{
	if (!t)
		return;
	ix_bytemap_free(t->strs);
	ix_bytemap_free(t->memos);
	sqlite3_finalize(t->insert);
	free(t);
}

int ix_strtab_id(ix_strtab *t, const char *s, int64_t *id)
{
	*id = 0;
	if (!s)
		return 0;
	size_t len = strlen(s);
	if ((*id = ix_bytemap_get(t->strs, s, len)))
		return 0;
	int64_t nid = t->next;
	sqlite3_bind_int64(t->insert, 1, nid);
	sqlite3_bind_text(t->insert, 2, s, (int)len, SQLITE_STATIC);
	int step = sqlite3_step(t->insert);
	sqlite3_reset(t->insert);
	if (step != SQLITE_DONE)
		return -EIO;
	int rc = ix_bytemap_set(t->strs, s, len, nid);
	if (!rc) {
		*id = nid;
		t->next = nid + 1;
	}
	return rc;
}

int64_t ix_strtab_memo(const ix_strtab *t, const nb_buf *key)
{
	return ix_bytemap_get(t->memos, key->s, key->len);
}

int ix_strtab_memo_set(ix_strtab *t, const nb_buf *key, int64_t id)
{
	return ix_bytemap_set(t->memos, key->s, key->len, id);
}
