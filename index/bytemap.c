/*
 * bytemap.c — a map from byte strings to 64-bit values, in memory, for
 * what the writer looks up for every row or report: str's ids and the
 * memos of packings (strtab.c, where each was a B-tree search before),
 * the reports stored so far of each agency and year (store.c).
 *
 * Open addressing, linear probing, at most half full; a key is copied in
 * and kept with its hash, so that growing rehashes nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ix.h"
#include "store.h"

typedef struct {
	char *key;		/* NULL: an empty slot; NUL-terminated copy */
	size_t len;
	uint64_t hash;
	int64_t value;
} slot;

struct ix_bytemap {
	slot *v;
	size_t cap, n;		/* cap a power of two */
};

/* Eight bytes at a time, then the tail: keys are labels and check details
 * of 10 to 100 bytes, hashed on the writer for every row; FNV-1a byte by
 * byte cost ~5 instructions a byte. */
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

static slot *find(const ix_bytemap *m, const char *s, size_t len, uint64_t h)
{
	size_t mask = m->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		slot *e = &m->v[i];
		if (!e->key || (e->hash == h && e->len == len &&
				!memcmp(e->key, s, len)))
			return e;
	}
}

/* Room for one key more. */
static int reserve(ix_bytemap *m)
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
		if (old[i].key)
			*find(m, old[i].key, old[i].len, old[i].hash) = old[i];
	free(old);
	return 0;
}

int ix_bytemap_new(ix_bytemap **out)
{
	return (*out = calloc(1, sizeof **out)) ? 0 : -ENOMEM;
}

void ix_bytemap_free(ix_bytemap *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->cap; i++)
		free(m->v[i].key);
	free(m->v);
	free(m);
}

int64_t ix_bytemap_get(const ix_bytemap *m, const void *key, size_t len)
{
	if (!m->cap)
		return 0;
	const slot *e = find(m, key, len, hash_of(key, len));
	return e->key ? e->value : 0;
}

int ix_bytemap_set(ix_bytemap *m, const void *key, size_t len, int64_t value)
{
	if (reserve(m))
		return -ENOMEM;
	uint64_t h = hash_of(key, len);
	slot *e = find(m, key, len, h);
	if (!e->key) {
		if (!(e->key = nb_strndup(key, len)))
			return -ENOMEM;
		e->len = len;
		e->hash = h;
		m->n++;
	}
	e->value = value;
	return 0;
}
