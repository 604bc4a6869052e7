/*
 * strtab.c — the str table's ids, kept in memory while a build stores
 * reports (store.c): a label, header or check's string is looked up in a
 * hash table instead of through the views' INSTEAD OF triggers, whose
 * "INSERT OR IGNORE INTO str" and "SELECT id FROM str" cost a B-tree
 * search each, for every row, on the one writer thread.
 *
 * A new string gets id max(id) + 1 — the rowid SQLite gives a row inserted
 * without one — so the ids, and str itself, are exactly what the triggers
 * made.  The table starts from what str holds already (the old index's
 * strings, copied into it when a build reuses rows).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ix.h"

typedef struct {
	char *text;		/* NULL: an empty slot */
	uint64_t hash;
	int64_t id;
} slot;

struct ix_strtab {
	sqlite3 *db;
	sqlite3_stmt *insert;
	slot *v;
	size_t cap, n;		/* cap a power of two */
	int64_t next;		/* the id of the next new string */
};

/* FNV-1a: strings are short labels, a few thousand distinct. */
static uint64_t hash_of(const char *s)
{
	uint64_t h = 14695981039346656037u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

static slot *find(ix_strtab *t, const char *s, uint64_t h)
{
	size_t mask = t->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask)
		if (!t->v[i].text ||
		    (t->v[i].hash == h && !strcmp(t->v[i].text, s)))
			return &t->v[i];
}

/* Keeps the table at most half full. */
static int reserve(ix_strtab *t)
{
	if (2 * (t->n + 1) <= t->cap)
		return 0;
	size_t cap = t->cap ? 2 * t->cap : 1024;
	slot *old = t->v;
	size_t ocap = t->cap;
	if (!(t->v = calloc(cap, sizeof *t->v))) {
		t->v = old;
		return -ENOMEM;
	}
	t->cap = cap;
	for (size_t i = 0; i < ocap; i++)
		if (old[i].text)
			*find(t, old[i].text, old[i].hash) = old[i];
	free(old);
	return 0;
}

static int remember(ix_strtab *t, const char *s, int64_t id)
{
	uint64_t h = hash_of(s);
	if (reserve(t))
		return -ENOMEM;
	slot *e = find(t, s, h);
	if (e->text)
		return 0;
	if (!(e->text = strdup(s)))
		return -ENOMEM;
	e->hash = h;
	e->id = id;
	t->n++;
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
	for (size_t i = 0; i < t->cap; i++)
		free(t->v[i].text);
	free(t->v);
	sqlite3_finalize(t->insert);
	free(t);
}

int ix_strtab_id(ix_strtab *t, const char *s, int64_t *id)
{
	*id = 0;
	if (!s)
		return 0;
	uint64_t h = hash_of(s);
	if (t->cap) {
		slot *e = find(t, s, h);
		if (e->text) {
			*id = e->id;
			return 0;
		}
	}
	int64_t nid = t->next;
	sqlite3_bind_int64(t->insert, 1, nid);
	sqlite3_bind_text(t->insert, 2, s, -1, SQLITE_STATIC);
	int step = sqlite3_step(t->insert);
	sqlite3_reset(t->insert);
	if (step != SQLITE_DONE)
		return -EIO;
	int rc = remember(t, s, nid);
	if (!rc)
		*id = nid;
	return rc;
}
