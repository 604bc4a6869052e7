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

typedef struct {
	char *text;		/* NULL: an empty slot; NUL-terminated */
	size_t len;
	uint64_t hash;
	int64_t id;
} slot;

/* An open-addressing table of byte strings, at most half full. */
typedef struct {
	slot *v;
	size_t cap, n;		/* cap a power of two */
} map;

struct ix_strtab {
	sqlite3 *db;
	sqlite3_stmt *insert;
	map strs;		/* str's rows */
	map memos;
	int64_t next;		/* the id of the next new string */
};

/* Eight bytes at a time, then the tail: strings are labels and check
 * details of 10 to 100 bytes, hashed on the writer for every row; FNV-1a
 * byte by byte cost ~5 instructions a byte. */
static uint64_t hash_of(const char *s, size_t len)
{
	const uint64_t k = 0x9E3779B97F4A7C15u;	/* 2^64 / golden ratio */
	uint64_t h = len * k;
	for (; len >= 8; s += 8, len -= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = (h ^ w) * k;
		h ^= h >> 29;
	}
	uint64_t w = 0;
	memcpy(&w, s, len);
	h = (h ^ w) * k;
	return h ^ (h >> 32);
}

static slot *find(const map *m, const char *s, size_t len, uint64_t h)
{
	size_t mask = m->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		slot *e = &m->v[i];
		if (!e->text || (e->hash == h && e->len == len &&
				 !memcmp(e->text, s, len)))
			return e;
	}
}

static int reserve(map *m)
{
	if (2 * (m->n + 1) <= m->cap)
		return 0;
	size_t cap = m->cap ? 2 * m->cap : 1024;
	slot *old = m->v;
	size_t ocap = m->cap;
	if (!(m->v = calloc(cap, sizeof *m->v))) {
		m->v = old;
		return -ENOMEM;
	}
	m->cap = cap;
	for (size_t i = 0; i < ocap; i++)
		if (old[i].text)
			*find(m, old[i].text, old[i].len, old[i].hash) = old[i];
	free(old);
	return 0;
}

/* The id of s in m, 0 when it has none. */
static int64_t lookup(const map *m, const char *s, size_t len, uint64_t h)
{
	if (!m->cap)
		return 0;
	const slot *e = find(m, s, len, h);
	return e->text ? e->id : 0;
}

static int add(map *m, const char *s, size_t len, uint64_t h, int64_t id)
{
	if (reserve(m))
		return -ENOMEM;
	slot *e = find(m, s, len, h);
	if (e->text)
		return 0;
	if (!(e->text = nb_strndup(s, len)))
		return -ENOMEM;
	e->len = len;
	e->hash = h;
	e->id = id;
	m->n++;
	return 0;
}

static void map_free(map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->v[i].text);
	free(m->v);
}

static int remember(ix_strtab *t, const char *s, int64_t id)
{
	size_t len = strlen(s);
	if (add(&t->strs, s, len, hash_of(s, len), id))
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
	map_free(&t->strs);
	map_free(&t->memos);
	sqlite3_finalize(t->insert);
	free(t);
}

int ix_strtab_id(ix_strtab *t, const char *s, int64_t *id)
{
	*id = 0;
	if (!s)
		return 0;
	size_t len = strlen(s);
	uint64_t h = hash_of(s, len);
	if ((*id = lookup(&t->strs, s, len, h)))
		return 0;
	int64_t nid = t->next;
	sqlite3_bind_int64(t->insert, 1, nid);
	sqlite3_bind_text(t->insert, 2, s, (int)len, SQLITE_STATIC);
	int step = sqlite3_step(t->insert);
	sqlite3_reset(t->insert);
	if (step != SQLITE_DONE)
		return -EIO;
	int rc = add(&t->strs, s, len, h, nid);
	if (!rc) {
		*id = nid;
		t->next = nid + 1;
	}
	return rc;
}

int64_t ix_strtab_memo(const ix_strtab *t, const nb_buf *key)
{
	return lookup(&t->memos, key->s, key->len, hash_of(key->s, key->len));
}

int ix_strtab_memo_set(ix_strtab *t, const nb_buf *key, int64_t id)
{
	return add(&t->memos, key->s, key->len, hash_of(key->s, key->len), id);
}
