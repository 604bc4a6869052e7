/*
 * renamed.c — files of the last index whose path is gone, found again by
 * their content's hash: a renamed or moved report costs a hash, not a
 * parse.
 *
 * The parser sees a file's name only for its kind (the extension) and in
 * the warnings that name the file, so a report is reused under a new name
 * only with the same extension; build.c also checks its warnings.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ix.h"

int ix_gone_add(ix_gone_set *g, int64_t id, const char *path,
		const char *sha256)
{
	ix_gone *v = nb_grow(g->v, &g->cap, g->n + 1, sizeof *v, 64);
	if (!v)
		return -ENOMEM;
	g->v = v;
	g->v[g->n++] = (ix_gone){.id = id, .path = path, .sha256 = sha256};
	return 0;
}

static int by_hash(const void *a, const void *b)
{
	return strcmp(((const ix_gone *)a)->sha256, ((const ix_gone *)b)->sha256);
}

void ix_gone_sort(ix_gone_set *g)
{
	if (g->n)
		qsort(g->v, g->n, sizeof *g->v, by_hash);
}

static const char *extension(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash : path, '.');
	return dot ? dot : "";
}

ix_gone *ix_gone_find(ix_gone_set *g, const char *sha256, const char *rel)
{
	size_t lo = 0, hi = g->n;
	while (lo < hi) {	/* the first entry of this hash */
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(g->v[mid].sha256, sha256) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < g->n && !strcmp(g->v[i].sha256, sha256); i++)
		if (!g->v[i].taken &&
		    !strcasecmp(extension(g->v[i].path), extension(rel)))
			return &g->v[i];
	return NULL;
}

void ix_gone_free(ix_gone_set *g)
{
	free(g->v);
	*g = (ix_gone_set){0};
}
