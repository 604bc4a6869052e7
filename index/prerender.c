/*
 * prerender.c — a parsed report's files rendered from the report itself
 * (memsrc.c) on the worker that parsed it, measured (sizes, digests) and
 * kept as a compact record: reading them back from the index in the tree
 * phase (reptree.c) was most of that phase's work (callgrind,
 * bench/gen.py -n 300: 164 M of the build's 1,242 M instructions in
 * rendering, 66 M of them reading back the tables).
 *
 * What is known only once every report is parsed stays for the tree
 * phase: the year directory's name (tree.c), and meta.json's checks across
 * years (crossyear.c) — its bytes before them are hashed here and the
 * hash's state kept (ix_hstream), the tree phase adds those checks and the
 * rest (ix_meta_finish).
 *
 * The record, in this process's own layout: a head (counts, meta.json's
 * state, its tail), then each node (a fixed part, its name), each section
 * directory not plainly named; then the report's tables and own checks as
 * 趋势.csv (tree.c) and _all's records (dataset.c) read them
 * (ix_record_data): a cell's state and value only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "memsrc.h"
#include "prerender.h"
#include "spill.h"
#include "tnode.h"

struct ix_prerender {
	ix_memsrc *src;
	ix_renderer render;
	ix_meta_split split;
};

typedef struct {
	uint32_t nnodes, ndirs, ntables, nrows, ncells, nheaders,
		nchecks;
	uint64_t data;		/* where the tables start */
	ix_hstream meta;
	unsigned depth;
	bool object[IX_JSON_DEPTH];
	size_t count[IX_JSON_DEPTH];
	uint32_t tail_len;
} head;

typedef struct {
	int64_t len, len_unix, digest;
	uint32_t nlink, name_len;
	uint8_t depth, is_dir, has_unix, meta;
} node;

int ix_prerender_new(ix_prerender **out)
{
	ix_prerender *w = calloc(1, sizeof *w);
	if (!w)
		return -ENOMEM;
	int rc = ix_memsrc_new(&w->src);
	if (rc) {
		ix_prerender_free(w);
		return rc;
	}
	*out = w;
	return 0;
}

void ix_prerender_free(ix_prerender *w)
{
	if (!w)
		return;
	ix_memsrc_free(w->src);
	ix_renderer_free(&w->render);
	nb_buf_free(&w->split.tail);
	free(w);
}

/* A string's length before it; NONE: NULL. */
#define NONE UINT32_MAX

static void put_str(nb_buf *b, const char *s)
{
	uint32_t n = s ? (uint32_t)strlen(s) : NONE;
	nb_buf_add(b, &n, sizeof n);
	/* with its NUL, in one add: ~370 strings a report */
	nb_buf_add(b, s ? s : "", s ? (size_t)n + 1 : 1);
}

static void put_i64(nb_buf *b, int64_t v)
{
	nb_buf_add(b, &v, sizeof v);
}

/* A cell's state, a flag: a byte (a cell's state as 8 bytes was a third
 * of a record). */
static void put_u8(nb_buf *b, int v)
{
	nb_buf_addc(b, (char)v);
}

/* src's tables and own checks, counted into h. */
static void put_data(nb_buf *b, const ix_repsrc *src, head *h)
{
	h->data = b->len;
	for (size_t i = 0; i < src->ntables; i++) {
		const ix_table *tb = &src->tables[i];
		put_i64(b, tb->no);
		put_i64(b, tb->kind);
		put_i64(b, tb->ncols);
		put_i64(b, tb->nrows);
		put_str(b, tb->format);
		put_str(b, tb->name);
		put_str(b, tb->label_header);
		put_i64(b, (int64_t)tb->nheaders);
		for (size_t c = 0; c < tb->nheaders; c++)
			put_str(b, tb->headers[c]);
		put_i64(b, (int64_t)tb->nrowv);
		for (size_t r = 0; r < tb->nrowv; r++) {
			const ix_row *row = &tb->rows[r];
			put_i64(b, row->no);
			put_str(b, row->label);
			put_str(b, row->printed);
			put_u8(b, row->extra);
			put_i64(b, (int64_t)row->ncells);
			for (size_t c = 0; c < row->ncells; c++) {
				put_u8(b, row->cells[c].state);
				put_str(b, row->cells[c].value);
			}
			h->ncells += (uint32_t)row->ncells;
		}
		h->nheaders += (uint32_t)tb->nheaders;
		h->nrows += (uint32_t)tb->nrowv;
	}
	h->ntables = (uint32_t)src->ntables;
	for (size_t i = 0; i < src->nchecks; i++) {
		const ix_check *ck = &src->checks[i];
		put_str(b, ck->rule);
		put_str(b, ck->subject);
		put_str(b, ck->detail);
		put_u8(b, ck->ok);
	}
	h->nchecks = (uint32_t)src->nchecks;
}

/* n and everything below it, depth first; meta.json's hash into h. */
static void put_nodes(nb_buf *b, const ix_tnode *n, unsigned depth,
		      ix_hstream *h, uint32_t *count)
{
	node e;
	memset(&e, 0, sizeof e);	/* its padding too: written out */
	e.depth = (uint8_t)depth;
	e.is_dir = n->is_dir;
	if (n->is_dir) {
		e.nlink = 2;
		for (size_t i = 0; i < n->nkids; i++)
			e.nlink += n->kids[i].is_dir;
	} else {
		e.len = (int64_t)n->data.len;
		e.has_unix = n->has_unix;
		e.len_unix = n->has_unix ? (int64_t)n->data_unix.len : 0;
		e.meta = depth == 1 && !strcmp(n->name, "meta.json");
		if (e.meta) {
			ix_digest_begin(h);
			ix_hstream_add(h, n->data.s, n->data.len);
		} else {
			e.digest = ix_digest(n);
		}
	}
	const char *name = depth ? n->name : "";
	e.name_len = (uint32_t)strlen(name);
	nb_buf_add(b, &e, sizeof e);
	nb_buf_add(b, name, e.name_len);
	nb_buf_addc(b, '\0');
	(*count)++;
	for (size_t i = 0; i < n->nkids; i++)
		put_nodes(b, &n->kids[i], depth + 1, h, count);
}

int ix_prerender_report(ix_prerender *w, const nb_report *r,
			const char *source, const char *sha256, nb_buf *rec)
{
	ix_repsrc src;
	ix_tnode year = {0};
	ix_secdirs dirs = {0};
	nb_buf_reset(rec);
	int rc = ix_memsrc_of(w->src, r, source, sha256, &src);
	if (!rc)
		rc = ix_render_report(&w->render, &src, &year, &dirs, &w->split);
	if (!rc) {
		head h;
		memset(&h, 0, sizeof h);	/* its padding too */
		h.depth = w->split.json.depth;
		h.tail_len = (uint32_t)w->split.tail.len;
		memcpy(h.object, w->split.json.object, sizeof h.object);
		memcpy(h.count, w->split.json.count, sizeof h.count);
		nb_buf_add(rec, &h, sizeof h);	/* its counts filled below */
		nb_buf_add(rec, w->split.tail.s, w->split.tail.len);
		put_nodes(rec, &year, 0, &h.meta, &h.nnodes);
		for (size_t i = 0; i < dirs.n; i++) {
			if (!dirs.v[i].dir)
				continue;
			nb_buf_add(rec, &dirs.v[i].seq, sizeof dirs.v[i].seq);
			put_str(rec, dirs.v[i].dir);
			h.ndirs++;
		}
		put_data(rec, &src, &h);
		if (rec->oom)
			rc = -ENOMEM;
		else
			memcpy(rec->s, &h, sizeof h);
	}
	ix_tnode_free(&year);
	ix_secdirs_free(&dirs);
	return rc;
}

/* ---- reading a record back -------------------------------------------------- */

typedef struct {
	const char *p, *end;
	bool bad;
} cursor;

static void take(cursor *c, void *to, size_t n)
{
	if (c->bad || (size_t)(c->end - c->p) < n) {
		c->bad = true;
		memset(to, 0, n);
		return;
	}
	memcpy(to, c->p, n);
	c->p += n;
}

/* A string of n bytes and its NUL, in place. */
static const char *take_bytes(cursor *c, size_t n)
{
	if (c->bad || (size_t)(c->end - c->p) < n + 1 || c->p[n]) {
		c->bad = true;
		return "";
	}
	const char *s = c->p;
	c->p += n + 1;
	return s;
}

static const char *take_str(cursor *c)
{
	uint32_t n;
	take(c, &n, sizeof n);
	if (n != NONE)
		return take_bytes(c, n);
	take_bytes(c, 0);
	return NULL;
}

/* A string that cannot be NULL. */
static const char *take_text(cursor *c)
{
	const char *s = take_str(c);
	if (!s)
		c->bad = true;
	return s ? s : "";
}

static int64_t take_i64(cursor *c)
{
	int64_t v;
	take(c, &v, sizeof v);
	return v;
}

static int take_u8(cursor *c)
{
	unsigned char v;
	take(c, &v, 1);
	return v;
}

/* An array of n, into *v; false when out of memory.  Not zeroed: every
 * element read is written first (calloc's zeroing was two thirds of
 * reading a record, callgrind). */
static bool array(void **v, size_t n, size_t size)
{
	*v = n && n <= SIZE_MAX / size ? malloc(n * size) : NULL;
	return !n || *v;
}

int ix_record_data(const char *rec, size_t len, ix_recdata *out)
{
	*out = (ix_recdata){0};
	cursor c = {.p = rec, .end = rec + len};
	head h;
	take(&c, &h, sizeof h);
	if (c.bad || h.data > len)
		return -EIO;
	c.p = rec + h.data;
	if (!array((void **)&out->tables, h.ntables, sizeof *out->tables) ||
	    !array((void **)&out->rows, h.nrows, sizeof *out->rows) ||
	    !array((void **)&out->cells, h.ncells, sizeof *out->cells) ||
	    !array((void **)&out->headers, h.nheaders, sizeof *out->headers) ||
	    !array((void **)&out->checks, h.nchecks, sizeof *out->checks)) {
		ix_recdata_free(out);
		return -ENOMEM;
	}
	size_t nrows = 0, ncells = 0, nheaders = 0;
	for (uint32_t i = 0; i < h.ntables && !c.bad; i++) {
		ix_table *tb = &out->tables[out->ntables++];
		*tb = (ix_table){.no = take_i64(&c), .kind = take_i64(&c),
				 .ncols = take_i64(&c), .nrows = take_i64(&c)};
		tb->format = take_str(&c);
		tb->name = take_str(&c);
		tb->label_header = take_str(&c);
		tb->nheaders = (size_t)take_i64(&c);
		if (tb->nheaders > h.nheaders - nheaders) {
			c.bad = true;
			break;
		}
		tb->headers = out->headers + nheaders;
		for (size_t k = 0; k < tb->nheaders; k++)
			out->headers[nheaders++] = take_str(&c);
		tb->nrowv = (size_t)take_i64(&c);
		if (tb->nrowv > h.nrows - nrows) {
			c.bad = true;
			break;
		}
		tb->rows = out->rows + nrows;
		for (size_t r = 0; r < tb->nrowv && !c.bad; r++) {
			ix_row *row = &out->rows[nrows++];
			*row = (ix_row){.no = take_i64(&c)};
			row->label = take_str(&c);
			row->printed = take_str(&c);
			row->extra = take_u8(&c);
			row->ncells = (size_t)take_i64(&c);
			if (row->ncells > h.ncells - ncells) {
				c.bad = true;
				break;
			}
			ix_cell *cell = out->cells + ncells;
			row->cells = cell;
			for (size_t k = 0; k < row->ncells; k++, ncells++) {
				cell[k] = (ix_cell){.state = take_u8(&c)};
				cell[k].value = take_str(&c);
			}
		}
	}
	for (uint32_t i = 0; i < h.nchecks && !c.bad; i++) {
		ix_check *ck = &out->checks[out->nchecks++];
		ck->rule = take_text(&c);
		ck->subject = take_str(&c);
		ck->detail = take_str(&c);
		ck->ok = take_u8(&c);
	}
	if (c.bad) {
		ix_recdata_free(out);
		return -EIO;
	}
	return 0;
}

int ix_record_finish(const ix_spill *s, ix_rows *rows, ix_trends *trends,
		     unsigned w, int64_t id, const char *where, FILE *err,
		     nb_buf *rec, ix_prerendered *out)
{
	int rc = ix_spill_read(s, id, rec);
	if (!rc)
		rc = ix_prerendered_read(rec->s, rec->len, out);
	if (rc == -EIO)
		ix_say(err, "%s: report %lld: its record in the build's"
		       " scratch file is damaged", where, (long long)id);
	const ix_check *v = NULL;
	size_t n = 0;
	if (!rc)
		rc = ix_rows_cross(rows, id, &v, &n);
	for (size_t i = 0; i < out->nnodes && !rc; i++) {
		ix_pnode *f = &out->nodes[i];
		if (f->meta)
			rc = ix_meta_finish(&out->meta, &out->json, v, n,
					    out->tail, out->tail_len, &f->len,
					    &f->digest);
	}
	ix_recdata data;
	if (!rc && !(rc = ix_record_data(rec->s, rec->len, &data))) {
		rc = ix_trends_report(trends, w, id, data.tables, data.ntables);
		ix_recdata_free(&data);
	}
	return rc;
}

void ix_recdata_free(ix_recdata *d)
{
	free(d->tables);
	free(d->rows);
	free(d->cells);
	free(d->headers);
	free(d->checks);
	*d = (ix_recdata){0};
}

int ix_prerendered_read(const char *rec, size_t len, ix_prerendered *out)
{
	*out = (ix_prerendered){0};
	cursor c = {.p = rec, .end = rec + len};
	head h;
	take(&c, &h, sizeof h);
	if (c.bad || h.depth > IX_JSON_DEPTH)
		return -EIO;
	out->meta = h.meta;
	out->json = (ix_json){.depth = h.depth};
	memcpy(out->json.object, h.object, sizeof h.object);
	memcpy(out->json.count, h.count, sizeof h.count);
	out->tail_len = h.tail_len;
	if ((size_t)(c.end - c.p) < h.tail_len)
		return -EIO;
	out->tail = c.p;
	c.p += h.tail_len;
	int rc = 0;
	if (h.nnodes && !(out->nodes = calloc(h.nnodes, sizeof *out->nodes)))
		rc = -ENOMEM;
	if (!rc && h.ndirs &&
	    !(out->dirs.v = calloc(h.ndirs, sizeof *out->dirs.v)))
		rc = -ENOMEM;
	for (uint32_t i = 0; i < h.nnodes && !rc && !c.bad; i++) {
		node e;
		take(&c, &e, sizeof e);
		out->nodes[out->nnodes++] = (ix_pnode){
			.name = take_bytes(&c, e.name_len),
			.depth = e.depth, .is_dir = e.is_dir,
			.has_unix = e.has_unix, .meta = e.meta,
			.nlink = e.nlink, .len = e.len,
			.len_unix = e.len_unix, .digest = e.digest,
		};
	}
	for (uint32_t i = 0; i < h.ndirs && !rc && !c.bad; i++) {
		ix_secdir *d = &out->dirs.v[out->dirs.n++];
		take(&c, &d->seq, sizeof d->seq);
		d->dir = (char *)take_str(&c);
	}
	if (!rc && c.bad)
		rc = -EIO;
	if (rc)
		ix_prerendered_free(out);
	return rc;
}

void ix_prerendered_free(ix_prerendered *p)
{
	free(p->nodes);
	free(p->dirs.v);	/* its strings are the record's */
	*p = (ix_prerendered){0};
}
