/*
 * tkeys.c — the template rows' matching keys (nb_tkey), made once a parser
 * and kept across its reports: every alignment made its template's keys
 * anew (14,000 times over 300 reports, a template's twenty-odd rows each),
 * though templates never change.  The standard headings' wordings too,
 * prepared for the fuzzy search.  And each printed label's scores against
 * a template's rows: tables print the same labels report after report, and
 * scoring one (a fuzzy search for each of the template's keys) was most of
 * aligning a table (callgrind of a build over bench/gen.py -n 2000:
 * match_key 246 M of align's 312 M instructions).  The parser is one
 * thread's, so is this.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tables.h"

/*
 * The labels kept for a template, at most LABELS; then it starts again.
 * The 2,000 reports of bench/gen.py print 82 distinct labels in table 3
 * (2021 template), tests/fixtures with ../shared/real and seeds 90: room
 * for collections whose OCR slips make many more.  A template of 25 rows
 * keeps 200 KB of scores at most.
 */
#define LABELS 1024

typedef struct {
	uint64_t hash, bits;
	uint32_t at, n;		/* the label's code points: cps[at..at+n) */
} label;

typedef struct {
	label v[LABELS];
	size_t n;
	uint32_t slot[2 * LABELS];	/* open addressing: 1 + index in v */
	uint32_t *cps;
	size_t ncps, capcps;
	double *rows;		/* v[i]'s scores: rows[i * nrows ..] */
} labels;

/* A template whose keys were made, its rows' keys, and the labels
 * scored against them (made at the first). */
typedef struct {
	const nb_template *t;
	nb_tkey *keys;
	labels *seen;
} entry;

struct nb_tkeys {
	entry *v;
	size_t n, cap;
	nb_fuzzy_key heads[7 * NB_HEAD_VARIANTS];	/* canonical 0 unused */
};

int nb_tkeys_new(nb_tkeys **out)
{
	nb_tkeys *c = calloc(1, sizeof *c);

	*out = c;
	if (!c)
		return -ENOMEM;
	for (int h = 1; h <= 6; h++) {
		const uint32_t *vk;
		size_t nv;

		for (size_t k = 0; (nv = nb_section_variant(h, k, &vk)) > 0; k++)
			nb_fuzzy_prepare(&c->heads[h * NB_HEAD_VARIANTS + k], vk, nv);
	}
	return 0;
}

const nb_fuzzy_key *nb_tkeys_headings(const nb_tkeys *c)
{
	return c->heads;
}

void nb_tkeys_free(nb_tkeys *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		labels *l = c->v[i].seen;
		if (l) {
			free(l->cps);
			free(l->rows);
			free(l);
		}
		free(c->v[i].keys);
	}
	free(c->v);
	free(c);
}

/* A report uses a handful of the templates, so a list searched in order
 * finds them quickly. */
static entry *entry_of(nb_tkeys *c, const nb_template *t)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].t == t)
			return &c->v[i];
	entry *v = nb_grow(c->v, &c->cap, c->n + 1, sizeof *v, 16);
	if (!v)
		return NULL;
	c->v = v;
	nb_tkey *k = malloc((t->nrows ? t->nrows : 1) * sizeof *k);
	if (!k)
		return NULL;
	for (size_t j = 0; j < t->nrows; j++)
		nb_tkey_make(&t->rows[j], &k[j]);
	v[c->n] = (entry){t, k, NULL};
	return &v[c->n++];
}

/* FNV-1a over the label's code points a word at a time, not a byte at a
 * time as nb_hash_bytes: a lookup was a third of aligning a table.  The
 * high half is folded in, as the table's slot is the low bits. */
static uint64_t hash_cps(const uint32_t *text, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ text[i]) * 0x100000001b3u;
	return h ^ h >> 32;
}

const nb_tkey *nb_tkeys_of(nb_tkeys *c, const nb_template *t)
{
	entry *e = entry_of(c, t);

	return e ? e->keys : NULL;
}

double *nb_tkeys_scores(nb_tkeys *c, const nb_template *t,
			const uint32_t *text, size_t n, uint64_t bits,
			bool *fresh)
{
	entry *e = entry_of(c, t);
	size_t m = t->nrows ? t->nrows : 1;

	if (!e)
		return NULL;
	labels *l = e->seen;
	if (!l) {
		if (!(l = calloc(1, sizeof *l)) ||
		    !(l->rows = malloc(LABELS * m * sizeof *l->rows))) {
			free(l);
			return NULL;
		}
		e->seen = l;
	}
	uint64_t h = hash_cps(text, n);
	size_t mask = 2 * LABELS - 1, i = (size_t)h & mask;
	for (uint32_t k; (k = l->slot[i]); i = (i + 1) & mask) {
		const label *x = &l->v[k - 1];
		if (x->hash == h && x->bits == bits && x->n == n &&
		    !memcmp(l->cps + x->at, text, n * sizeof *text)) {
			*fresh = false;
			return l->rows + (k - 1) * m;
		}
	}
	if (l->n == LABELS || n > UINT32_MAX - l->ncps) {
		/* full: start again */
		l->n = l->ncps = 0;
		memset(l->slot, 0, sizeof l->slot);
		i = (size_t)h & mask;
	}
	uint32_t *cps = nb_grow(l->cps, &l->capcps, l->ncps + n + 1,
				sizeof *cps, 1024);
	if (!cps)
		return NULL;
	l->cps = cps;
	memcpy(cps + l->ncps, text, n * sizeof *text);
	l->v[l->n] = (label){h, bits, (uint32_t)l->ncps, (uint32_t)n};
	l->ncps += n;
	l->slot[i] = (uint32_t)++l->n;
	*fresh = true;
	return l->rows + (l->n - 1) * m;
}
