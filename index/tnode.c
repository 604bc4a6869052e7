/*
 * tnode.c — a report's year directory as rendered (reptree.c): a tree of
 * directories and files with their bytes, each directory's children kept
 * unique by name ("~k" added) and, once sorted, in name order, the order in
 * which its files are counted (node.part).
 */
#include <stdlib.h>
#include <string.h>

#include "ix.h"
#include "tnode.h"

void ix_tnode_free(ix_tnode *t)
{
	for (size_t i = 0; i < t->nkids; i++)
		ix_tnode_free(&t->kids[i]);
	free(t->kids);
	free(t->name);
	nb_buf_free(&t->data);
	nb_buf_free(&t->data_unix);
}

static bool has_kid(const ix_tnode *dir, const char *name)
{
	for (size_t i = 0; i < dir->nkids; i++)
		if (!strcmp(dir->kids[i].name, name))
			return true;
	return false;
}

/* Adds a child named name (taken over; made unique with "~k" before
 * suffix).  NULL on ENOMEM (name is freed). */
ix_tnode *ix_tnode_add(ix_tnode *dir, char *name, const char *suffix,
		       bool is_dir)
{
	if (!name)
		return NULL;
	for (unsigned k = 2; has_kid(dir, name); k++) {
		char *other = ix_name_dup(name, suffix, k);
		free(name);
		if (!(name = other))
			return NULL;
	}
	ix_tnode *kids = nb_grow(dir->kids, &dir->cap, dir->nkids + 1, sizeof *kids, 8);
	if (!kids) {
		free(name);
		return NULL;
	}
	dir->kids = kids;
	ix_tnode *t = &dir->kids[dir->nkids++];
	*t = (ix_tnode){.name = name, .is_dir = is_dir};
	return t;
}

bool ix_tnode_oom(const ix_tnode *t)
{
	if (t->data.oom || t->data_unix.oom)
		return true;
	for (size_t i = 0; i < t->nkids; i++)
		if (ix_tnode_oom(&t->kids[i]))
			return true;
	return false;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const ix_tnode *)a)->name, ((const ix_tnode *)b)->name);
}

/* Sorts every directory's children by name, the order files are
 * counted in. */
void ix_tnode_sort(ix_tnode *n)
{
	if (n->nkids)
		qsort(n->kids, n->nkids, sizeof *n->kids, by_name);
	for (size_t i = 0; i < n->nkids; i++)
		ix_tnode_sort(&n->kids[i]);
}

/* Counts files depth first down to the one of rank *k. */
static const ix_tnode *nth_file(const ix_tnode *n, int64_t *k)
{
	if (!n->is_dir)
		return (*k)-- == 0 ? n : NULL;
	for (size_t i = 0; i < n->nkids; i++) {
		const ix_tnode *f = nth_file(&n->kids[i], k);
		if (f || *k < 0)
			return f;
	}
	return NULL;
}

const ix_tnode *ix_tnode_file(const ix_tnode *year, int64_t rank)
{
	return rank < 0 ? NULL : nth_file(year, &rank);
}


void ix_tnode_digest(ix_tnode *t)
{
	if (!t->is_dir)
		t->digest = ix_digest(t);
	for (size_t i = 0; i < t->nkids; i++)
		ix_tnode_digest(&t->kids[i]);
}
