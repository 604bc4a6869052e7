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
 * info.ino_next: those are counted in an array of one byte a number.
 * After a walk of the whole tree at 100,000 reports the kernel holds ~2.06
 * million numbers, all below 2^21: 2 MiB.  (4-byte counts took 8 MiB, a
 * sixth of issue 7's 50 MB for the whole daemon; the hash table before
 * them 64 MiB.)  The kernel counts each handing-out, so a count may pass
 * 255 (a name looked up again and again while its inode stays cached); a
 * byte at UINT8_MAX says the rest of the count is in a hash table: open
 * addressing with linear probing, deletion by backward shift, no
 * tombstones.  Numbers past the array's limit (an index reaches them only
 * after tens of millions of new files over its refreshes) are counted
 * there whole.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"

/* Kept at most half full. */
#define LK_MIN_SLOTS 1024

/* Numbers below this are counted in the dense array: up to 64 MB for 64
 * million numbers, past which a hash table of what is held is smaller. */
#define LK_DENSE_LIMIT ((uint64_t)1 << 26)
#define LK_DENSE_MIN 1024

typedef struct {
	uint64_t ino;		/* 0: empty (0 is never an inode number) */
	uint64_t count;
} slot;

struct nb_lookups {
	pthread_mutex_t lock;
	uint8_t *dense;		/* the count of number i at i, i < dense_cap;
				   UINT8_MAX: and more in v */
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
 * it does, the new counts zero.  A new array from calloc, not realloc and
 * memset: the first `ls` of the root at 100,000 reports sees numbers near
 * 2 million at once, and calloc's fresh pages stay untouched (and out of
 * the RSS) until a number on them is counted.  0 or -ENOMEM. */
static int dense_hold(nb_lookups *l, uint64_t ino)
{
	if (ino < l->dense_cap)
		return 0;
	size_t cap = l->dense_cap ? l->dense_cap : LK_DENSE_MIN;
	while (cap <= ino)
		cap *= 2;
	uint8_t *v = calloc(cap, sizeof *v);
	if (!v)
		return -ENOMEM;
	if (l->dense_cap)
		memcpy(v, l->dense, l->dense_cap * sizeof *v);
	free(l->dense);
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
	if (ino < LK_DENSE_LIMIT && dense_hold(l, ino) != 0) {
		pthread_mutex_unlock(&l->lock);
		return;
	}
	if (ino < LK_DENSE_LIMIT && l->dense[ino] != UINT8_MAX) {
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
	uint8_t *c = ino < LK_DENSE_LIMIT && ino < l->dense_cap ?
		     &l->dense[ino] : NULL;
	/* what overflowed the byte goes first, then the byte */
	if (!c || *c == UINT8_MAX) {
		slot *s = find(l, ino);
		if (s->ino && s->count > n) {
			s->count -= n;
			n = 0;
		} else if (s->ino) {
			n -= s->count;
			remove_at(l, (size_t)(s - l->v));
		}
	}
	if (c)
		*c = *c > n ? *c - (uint8_t)n : 0;
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
