/*
 * blockcache.c — the blocks of _all decompressed last, shared by the
 * threads serving one opened index.
 *
 * The kernel reads a file 128 KiB at a time and a block holds 64 KiB
 * (IX_BLOCK_SIZE), so a block most reads end in is also where the next
 * read starts: without this, every such block was decompressed twice (a
 * `cat` of _all/申请情况.csv at 10,000 reports: 755 times for 508 blocks).  The next read usually comes on
 * another worker thread, hence one cache per index, not per connection.
 *
 * A block is known by its compressed frame itself (its length and its
 * bytes, compared whole): the same bytes decompress to the same bytes, so
 * an entry can never be served for another block, another file or another
 * version of the index.  It also belongs to one opened index (conn.c), so
 * it goes with it when a refresh switches to a new one (fs/snapshot.c).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ix.h"
#include "dataset.h"

/* Two reads in flight at once (the kernel's readahead) each end in a
 * block of their own; a few more slots cost 64 KiB each. */
#define CACHE_SLOTS 4

typedef struct {
	char *z;		/* the compressed frame */
	size_t zn, zcap;
	ix_block b;		/* its bytes */
	unsigned long used;	/* when last used: the oldest goes first */
} slot;

struct ix_block_cache {
	pthread_mutex_t lock;
	slot slots[CACHE_SLOTS];
	unsigned long clock;
	unsigned long unpacked;	/* frames decompressed (for tests) */
};

int ix_block_cache_new(ix_block_cache **out)
{
	ix_block_cache *c = calloc(1, sizeof *c);
	if (!c)
		return -ENOMEM;
	pthread_mutex_init(&c->lock, NULL);
	*out = c;
	return 0;
}

void ix_block_cache_free(ix_block_cache *c)
{
	if (!c)
		return;
	for (int i = 0; i < CACHE_SLOTS; i++) {
		free(c->slots[i].z);
		ix_block_free(&c->slots[i].b);
	}
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* Copies the len bytes at s into dst; 0 or -ENOMEM. */
static int copy_block(ix_block *dst, const char *s, size_t len)
{
	char *to = nb_grow(dst->s, &dst->cap, len + 1, 1, IX_BLOCK_SIZE);
	if (!to)
		return -ENOMEM;
	dst->s = to;
	memcpy(dst->s, s, len);
	dst->len = len;
	return 0;
}

/* With the lock held: the slot holding frame z, or NULL. */
static slot *find(ix_block_cache *c, const void *z, size_t zn, int64_t size)
{
	for (int i = 0; i < CACHE_SLOTS; i++) {
		slot *s = &c->slots[i];
		if (s->zn == zn && s->b.len == (size_t)size && zn &&
		    !memcmp(s->z, z, zn))
			return s;
	}
	return NULL;
}

/* With the lock held: keeps b as frame z in the slot used least recently
 * (nothing kept when memory is short: the cache is only a shortcut). */
static void keep(ix_block_cache *c, const void *z, size_t zn,
		 const ix_block *b)
{
	slot *old = &c->slots[0];
	if (!zn)
		return;
	for (int i = 1; i < CACHE_SLOTS; i++)
		if (c->slots[i].used < old->used)
			old = &c->slots[i];
	char *to = nb_grow(old->z, &old->zcap, zn, 1, 4096);
	old->zn = 0;
	if (!to)
		return;
	old->z = to;
	if (copy_block(&old->b, b->s, b->len) != 0)
		return;
	memcpy(old->z, z, zn);
	old->zn = zn;
	old->used = ++c->clock;
}

int ix_block_cache_unpack(ix_block_cache *c, ix_block *b, const void *z,
			  size_t zn, int64_t size)
{
	pthread_mutex_lock(&c->lock);
	slot *s = z && size >= 0 ? find(c, z, zn, size) : NULL;
	int rc = -EAGAIN;
	if (s) {
		s->used = ++c->clock;
		rc = copy_block(b, s->b.s, s->b.len);
	}
	pthread_mutex_unlock(&c->lock);
	if (rc != -EAGAIN)
		return rc;
	/* decompressed outside the lock: other threads' reads go on */
	if ((rc = ix_block_unpack(b, z, zn, size)))
		return rc;
	pthread_mutex_lock(&c->lock);
	c->unpacked++;
	if (!find(c, z, zn, size))
		keep(c, z, zn, b);
	pthread_mutex_unlock(&c->lock);
	return 0;
}

unsigned long ix_block_cache_unpacked(ix_block_cache *c)
{
	pthread_mutex_lock(&c->lock);
	unsigned long n = c->unpacked;
	pthread_mutex_unlock(&c->lock);
	return n;
}
