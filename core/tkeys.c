/*
 * tkeys.c — the template rows' matching keys (nb_tkey), made once a parser
 * and kept across its reports: every alignment made its template's keys
 * anew (14,000 times over 300 reports, a template's twenty-odd rows each),
 * though templates never change.  The standard headings' wordings too,
 * prepared for the fuzzy search.  The parser is one thread's, so is this.
 */
#include <errno.h>
#include <stdlib.h>

#include "tables.h"

/* A template whose keys were made, and its rows' keys. */
typedef struct {
	const nb_template *t;
	nb_tkey *keys;
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
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].keys);
	free(c->v);
	free(c);
}

/* A report uses a handful of the templates, so a list searched in order
 * finds them quickly. */
const nb_tkey *nb_tkeys_of(nb_tkeys *c, const nb_template *t)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].t == t)
			return c->v[i].keys;
	entry *v = nb_grow(c->v, &c->cap, c->n + 1, sizeof *v, 16);
	if (!v)
		return NULL;
	c->v = v;
	nb_tkey *k = malloc((t->nrows ? t->nrows : 1) * sizeof *k);
	if (!k)
		return NULL;
	for (size_t j = 0; j < t->nrows; j++)
		nb_tkey_make(&t->rows[j], &k[j]);
	v[c->n++] = (entry){t, k};
	return k;
}
