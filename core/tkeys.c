/*
 * tkeys.c — the template rows' matching keys (nb_tkey), made once a parser
 * and kept across its reports: every alignment made its template's keys
 * anew (14,000 times over 300 reports, a template's twenty-odd rows each),
 * though templates never change.  The parser is one thread's, so is this.
 */
#include <errno.h>
#include <stdlib.h>

#include "tables.h"

struct nb_tkeys {
	const nb_template **t;	/* the templates whose keys were made */
	nb_tkey **keys;		/* keys[i]: t[i]'s rows' */
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
		free(c->keys[i]);
	free(c->t);
	free(c->keys);
	free(c);
}

/* A report uses a handful of the templates, so a list searched in order
 * finds them quickly. */
const nb_tkey *nb_tkeys_of(nb_tkeys *c, const nb_template *t)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->t[i] == t)
			return c->keys[i];
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;
		const nb_template **tv = realloc(c->t, cap * sizeof *tv);
		if (!tv)
			return NULL;
		c->t = tv;
		nb_tkey **kv = realloc(c->keys, cap * sizeof *kv);
		if (!kv)
			return NULL;
		c->keys = kv;
		c->cap = cap;
	}
	nb_tkey *k = malloc((t->nrows ? t->nrows : 1) * sizeof *k);
	if (!k)
		return NULL;
	for (size_t j = 0; j < t->nrows; j++)
		nb_tkey_make(&t->rows[j], &k[j]);
	c->t[c->n] = t;
	c->keys[c->n++] = k;
	return k;
}
