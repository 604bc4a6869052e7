/*
 * lookups.c — the kernel's lookup count of each inode number it holds.
 *
 * Every entry the filesystem hands the kernel (lookup, readdirplus) adds
 * one; FORGET takes them back.  An inode number the kernel still holds may
 * be used at any time (an open file, a working directory), so a replaced
 * index stays open while it holds a number the kernel has not forgotten
 * (snapshot.c).  Open addressing with linear probing, deletion by backward
 * shift: no tombstones, so the table stays as large as what is held.
 */
#include <errno.h>
#include <stdlib.h>

#include "fs.h"

/* Kept at most half full. */
#define LK_MIN_SLOTS 1024

typedef struct {
	uint64_t ino;		/* 0: empty (0 is never an inode number) */
	uint64_t count;
} slot;

struct nb_lookups {
	pthread_mutex_t lock;
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

void nb_lookups_add(nb_lookups *l, uint64_t ino)
{
	if (!ino)
		return;
	pthread_mutex_lock(&l->lock);
	/* Out of memory, the count is lost: a replaced index may then be
	 * closed while the kernel still holds one of its numbers, and that
	 * number answers ENOENT — never other bytes. */
	if ((l->used + 1) * 2 <= l->cap || grow(l) == 0) {
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
	for (size_t i = 0; i < n && !held; i++)
		held = find(l, inos[i])->ino != 0;
	pthread_mutex_unlock(&l->lock);
	return held;
}
