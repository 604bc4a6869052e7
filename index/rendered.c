/*
 * rendered.c — reading a file that the index does not store (node.part):
 * a report's file, from the report rendered from its rows (reptree.c), or
 * an agency's 趋势.csv (trend.c).
 *
 * The index keeps the last few rendered reports and trends, shared by every
 * serving thread: FUSE reads a file in 128 KiB pieces and a reader goes
 * through a report's files in turn, each request going to whichever worker
 * is free, so each report is rendered once per pass whatever worker asks;
 * the kernel's page cache (keep_cache) serves what is read again.  A
 * rendering is done on the asking thread's own connection, outside the
 * lock; the lock is held only to look up, insert, and copy bytes out.  A
 * cached file is checked against the node's size, so that no bytes of
 * another size than the index gives are ever served.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ix.h"
#include "tnode.h"
#include "dataset.h"
#include "serve.h"

/* Renderings kept: more than the serving threads (each may be on its own
 * report), and a report's tree is tens of KiB. */
#define CACHE_SLOTS 16

typedef struct {
	int64_t report;		/* the report, or 0 */
	int64_t agency;		/* else the agency directory of a trend */
	ix_tnode *tree;		/* NULL when the slot is free */
	unsigned long used;	/* when last used, for eviction */
} slot;

struct ix_render_cache {
	pthread_mutex_t lock;
	slot slots[CACHE_SLOTS];
	unsigned long clock;
};

/* A connection's statements for rendering, prepared on first use. */
struct ix_rendered {
	ix_reptree *render;
	ix_trend *trend;
};

int ix_render_cache_new(ix_render_cache **out)
{
	ix_render_cache *c = calloc(1, sizeof *c);
	if (!c)
		return -ENOMEM;
	pthread_mutex_init(&c->lock, NULL);
	*out = c;
	return 0;
}

static void tree_free(ix_tnode *t)
{
	if (t) {
		ix_tnode_free(t);
		free(t);
	}
}

void ix_render_cache_free(ix_render_cache *c)
{
	if (!c)
		return;
	for (int i = 0; i < CACHE_SLOTS; i++)
		tree_free(c->slots[i].tree);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

void ix_rendered_free(ix_rendered *r)
{
	if (!r)
		return;
	ix_reptree_free(r->render);
	ix_trend_free(r->trend);
	free(r);
}

/* Renders report's files, or agency's trend, on c's connection. */
static int render(ix_conn *c, int64_t report, int64_t agency, ix_tnode **out)
{
	ix_rendered *r = c->rendered;
	if (!r) {
		if (!(r = calloc(1, sizeof *r)))
			return -ENOMEM;
		c->rendered = r;
	}
	ix_tnode *t = calloc(1, sizeof *t);
	if (!t)
		return -ENOMEM;
	int rc = 0;
	if (report) {
		if (!r->render)
			rc = ix_reptree_new(c->db, NULL, false, &r->render);
		if (!rc)
			rc = ix_reptree_render(r->render, report, t);
	} else {
		if (!r->trend)
			rc = ix_trend_new(c->db, &r->trend);
		if (!rc)
			rc = ix_trend_render(r->trend, agency, t);
	}
	if (rc) {
		free(t);
		return rc;
	}
	*out = t;
	return 0;
}

/* The bytes of the file asked for in tree t, when they have the size the
 * node gives; else NULL.  A trend is a file itself. */
static const nb_buf *bytes_of(const ix_tnode *t, int64_t report, int64_t part,
			      bool unix_dialect, uint64_t expect)
{
	const ix_tnode *f = report ? ix_tnode_file(t, part) : t;
	const nb_buf *b = !f ? NULL : unix_dialect && f->has_unix ?
		&f->data_unix : &f->data;
	return b && b->len == expect ? b : NULL;
}

/* Copies what is asked for from slot s (lock held): bytes, or -1 when the
 * slot's file is not of the expected size. */
static ssize_t copy_out(const slot *s, int64_t report, int64_t part,
			bool unix_dialect, uint64_t expect, char *buf,
			size_t size, uint64_t off)
{
	const nb_buf *b = bytes_of(s->tree, report, part, unix_dialect, expect);
	if (!b)
		return -1;
	if (off >= b->len)
		return 0;
	size_t n = b->len - off < size ? b->len - off : size;
	memcpy(buf, b->s + off, n);
	return (ssize_t)n;
}

static slot *find(ix_render_cache *c, int64_t report, int64_t agency)
{
	for (int i = 0; i < CACHE_SLOTS; i++) {
		slot *s = &c->slots[i];
		if (s->tree && s->report == report && s->agency == agency)
			return s;
	}
	return NULL;
}

/* Puts t in the slot of (report, agency), or the least recently used one
 * (lock held); the cache owns t after. */
static slot *insert(ix_render_cache *c, int64_t report, int64_t agency,
		    ix_tnode *t)
{
	slot *s = find(c, report, agency);
	for (int i = 0; !s && i < CACHE_SLOTS; i++)
		if (!c->slots[i].tree)
			s = &c->slots[i];
	if (!s) {
		s = &c->slots[0];
		for (int i = 1; i < CACHE_SLOTS; i++)
			if (c->slots[i].used < s->used)
				s = &c->slots[i];
	}
	tree_free(s->tree);
	*s = (slot){.report = report, .agency = agency, .tree = t};
	return s;
}

ssize_t ix_rendered_read(ix_conn *c, ix_render_cache *cache, int64_t report,
			 int64_t part, int64_t parent, bool unix_dialect,
			 uint64_t expect, char *buf, size_t size, uint64_t off)
{
	int64_t agency = part == IX_PART_TREND ? parent : 0;
	if (part == IX_PART_TREND)
		report = 0;
	pthread_mutex_lock(&cache->lock);
	slot *s = find(cache, report, agency);
	ssize_t got = s ? copy_out(s, report, part, unix_dialect, expect, buf,
				   size, off) : -1;
	if (s)
		s->used = ++cache->clock;
	pthread_mutex_unlock(&cache->lock);
	if (got >= 0)
		return got;

	/* not cached, or cached from another version of the index (the file
	 * under the connection replaced): rendered now */
	ix_tnode *t;
	int rc = render(c, report, agency, &t);
	if (rc)
		return rc;
	if (!bytes_of(t, report, part, unix_dialect, expect)) {
		tree_free(t);
		return -EIO;
	}
	pthread_mutex_lock(&cache->lock);
	s = insert(cache, report, agency, t);
	s->used = ++cache->clock;
	got = copy_out(s, report, part, unix_dialect, expect, buf, size, off);
	pthread_mutex_unlock(&cache->lock);
	return got;
}
