/*
 * tkeys.c — the template rows' matching keys (nb_tkey), made once a parser
 * and kept across its reports: every alignment made its template's keys
 * anew (14,000 times over 300 reports, a template's twenty-odd rows each),
 * though templates never change.  The parser is one thread's, so is this.
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
};

int nb_tkeys_new(nb_tkeys **out)
{
	*out = calloc(1, sizeof **out);
	return *out ? 0 : -ENOMEM;
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
