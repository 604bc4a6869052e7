/*
 * union.c — lists of labels, and the union of several label sequences in
 * their common order.  The files of _all hold rows of both report formats,
 * and 趋势.csv the figures of every year an agency has: their columns and
 * rows are the union of what the reports' own tables have, so the labels
 * come from the index (from the core's templates), never from a list here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ix.h"
#include "dataset.h"

static int insert_at(ix_strv *l, size_t at, const char *s)
{
	char **v = nb_grow(l->v, &l->cap, l->n + 1, sizeof *v, 16);
	if (!v)
		return -ENOMEM;
	l->v = v;
	char *d = strdup(s);
	if (!d)
		return -ENOMEM;
	memmove(l->v + at + 1, l->v + at, (l->n - at) * sizeof *l->v);
	l->v[at] = d;
	l->n++;
	return 0;
}

int ix_strv_push(ix_strv *l, const char *s)
{
	return insert_at(l, l->n, s);
}

long ix_strv_find(const ix_strv *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return (long)i;
	return -1;
}

long ix_strv_find_from(const ix_strv *l, const char *s, size_t *hint)
{
	size_t from = *hint < l->n ? *hint : 0;
	for (size_t k = 0; k < l->n; k++) {
		size_t i = from + k < l->n ? from + k : from + k - l->n;
		/* s may be l's own string (趋势.csv of one report looks its
		 * keys up in themselves): then no compare */
		if (l->v[i] == s || !strcmp(l->v[i], s)) {
			*hint = i + 1;
			return (long)i;
		}
	}
	return -1;
}

void ix_strv_free(ix_strv *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	*l = (ix_strv){0};
}

int ix_union_merge(ix_strv *u, const char *const *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		if (ix_strv_find(u, s[i]) >= 0) {
			i++;
			continue;
		}
		/* a run of new labels s[i..j), placed before the next anchor */
		size_t j = i;
		long anchor = -1;
		while (j < n && (anchor = ix_strv_find(u, s[j])) < 0)
			j++;
		size_t at = anchor >= 0 ? (size_t)anchor : u->n;
		for (size_t k = i; k < j; k++) {
			/* a label twice in one run is one column */
			if (ix_strv_find(u, s[k]) >= 0)
				continue;
			int rc = insert_at(u, at++, s[k]);
			if (rc)
				return rc;
		}
		i = j;
	}
	return 0;
}
