/*
 * lookups.c — the kernel's lookup count of each inode number it holds.
 *
 * Every entry the filesystem hands the kernel (lookup, readdirplus) adds
 * one; FORGET takes them back.  An inode number the kernel still holds may
 * be used at any time (an open file, a working directory), so a replaced
 * index stays open while it holds a number the kernel has not forgotten
 * (snapshot.c).
 *
 * The index hands out inode numbers densely, from 1 up to its
 * info.ino_next: those are counted in an array of 32-bit counts indexed by
 * number, 4 bytes a number.  After a walk of the whole tree at 100,000
 * reports the kernel holds ~2.06 million numbers: 2^21 counts, 8 MiB,
 * where the hash table below needed 64 MiB (16-byte slots at most half
 * full; 96 MiB while it doubled), more than issue 7's 50 MB for the whole
 * daemon.  A count
 * that reaches UINT32_MAX stays there: that number is then held for good,
 * which at worst keeps a replaced index open.  Numbers past the array's
 * limit (an index reaches them only after tens of millions of new files
 * over its refreshes) go to a hash table: open addressing with linear
 * probing, deletion by backward shift, no tombstones.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"

/* Kept at most half full. */
#define LK_MIN_SLOTS 1024

/* Numbers below this are counted in the dense array: up to 256 MB for 64
 * million numbers, past which a hash table of what is held is smaller. */
#define LK_DENSE_LIMIT ((uint64_t)1 << 26)
#define LK_DENSE_MIN 1024

typedef struct {
	uint64_t ino;		/* 0: empty (0 is never an inode number) */
	uint64_t count;
} slot;

struct nb_lookups {
	pthread_mutex_t lock;
	uint32_t *dense;	/* the count of number i at i, i < dense_cap */
	size_t dense_cap;
	slot *v;
	size_t cap;		/* a power of two */
	size_t used;
};

static size_t home(const nb_lookups *l, uint64_t ino)
{
	/* Fibonacci hashing: consecutive numbers spread out */
	return (size_t)((ino * 0x9E3779B97F4A7C15u) >> 17) & (l->cap - 1);
}

int nb_lookups_new(nb_lookups **out)
{
	nb_lookups *l = calloc(1, sizeof *l);
	if (!l)
		return -ENOMEM;
	l->cap = LK_MIN_SLOTS;
	l->v = calloc(l->cap, sizeof *l->v);
	if (!l->v) {
		free(l);
		return -ENOMEM;
	}
	pthread_mutex_init(&l->lock, NULL);
	*out = l;
	return 0;
}

void nb_lookups_free(nb_lookups *l)
{
	if (!l)
		return;
	pthread_mutex_destroy(&l->lock);
	free(l->dense);
	free(l->v);
	free(l);
}

static slot *find(const nb_lookups *l, uint64_t ino)
{
	for (size_t i = home(l, ino);; i = (i + 1) & (l->cap - 1)) {
		if (l->v[i].ino == ino || !l->v[i].ino)
			return &l->v[i];
	}
}

static int grow(nb_lookups *l)
{
	slot *old = l->v;
	size_t n = l->cap;
	slot *v = calloc(n * 2, sizeof *v);
	if (!v)
		return -ENOMEM;
	l->v = v;
	l->cap = n * 2;
	for (size_t i = 0; i < n; i++)
		if (old[i].ino)
			*find(l, old[i].ino) = old[i];
	free(old);
	return 0;
}

/* Makes the dense array hold number ino (< LK_DENSE_LIMIT): doubled until
 * it does, the new counts zero.  0 or -ENOMEM. */
static int dense_hold(nb_lookups *l, uint64_t ino)
{
	if (ino < l->dense_cap)
		return 0;
	size_t cap = l->dense_cap ? l->dense_cap : LK_DENSE_MIN;
	while (cap <= ino)
		cap *= 2;
	uint32_t *v = realloc(l->dense, cap * sizeof *v);
	if (!v)
		return -ENOMEM;
	memset(v + l->dense_cap, 0, (cap - l->dense_cap) * sizeof *v);
	l->dense = v;
	l->dense_cap = cap;
	return 0;
}

void nb_lookups_add(nb_lookups *l, uint64_t ino)
{
	if (!ino)
		return;
	pthread_mutex_lock(&l->lock);
	/* Out of memory, the count is lost: a replaced index may then be
	 * closed while the kernel still holds one of its numbers, and that
	 * number answers ENOENT — never other bytes. */
	if (ino < LK_DENSE_LIMIT) {
		if (dense_hold(l, ino) == 0 && l->dense[ino] != UINT32_MAX)
			l->dense[ino]++;
	} else if ((l->used + 1) * 2 <= l->cap || grow(l) == 0) {
		slot *s = find(l, ino);
		if (!s->ino) {
			s->ino = ino;
			l->used++;
		}
		s->count++;
	}
	pthread_mutex_unlock(&l->lock);
}

/* Removes slot i, moving later entries of its run back into the gap. */
static void remove_at(nb_lookups *l, size_t i)
{
	size_t mask = l->cap - 1;
	for (size_t j = (i + 1) & mask; l->v[j].ino; j = (j + 1) & mask) {
		size_t h = home(l, l->v[j].ino);
		/* j's entry may move to i when its home is not in (i, j] */
		if (((j - h) & mask) >= ((j - i) & mask)) {
			l->v[i] = l->v[j];
			i = j;
		}
	}
	l->v[i] = (slot){0};
	l->used--;
}

void nb_lookups_forget(nb_lookups *l, uint64_t ino, uint64_t n)
{
	pthread_mutex_lock(&l->lock);
	if (ino < LK_DENSE_LIMIT) {
		uint32_t *c = ino < l->dense_cap ? &l->dense[ino] : NULL;
		if (c && *c != UINT32_MAX)
			*c = *c > n ? *c - (uint32_t)n : 0;
		pthread_mutex_unlock(&l->lock);
		return;
	}
	slot *s = find(l, ino);
	if (s->ino) {
		if (s->count > n)
			s->count -= n;
		else
			remove_at(l, (size_t)(s - l->v));
	}
	pthread_mutex_unlock(&l->lock);
}

bool nb_lookups_any(nb_lookups *l, const uint64_t *inos, size_t n)
{
	bool held = false;
	pthread_mutex_lock(&l->lock);
	for (size_t i = 0; i < n && !held; i++) {
		uint64_t ino = inos[i];
		if (ino < LK_DENSE_LIMIT)
			held = ino < l->dense_cap && l->dense[ino];
		else
			held = find(l, ino)->ino != 0;
	}
	pthread_mutex_unlock(&l->lock);
	return held;
}
