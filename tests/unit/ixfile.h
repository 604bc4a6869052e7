/*
 * ixfile.h — a built index's files as a unit test reads them: the node at
 * a path, a whole file's bytes, and the same file compared between two
 * indexes.  test_index, test_refresh and test_blocks read their builds
 * this way; one definition here keeps their reads and their failure
 * messages alike.  Inline, so that a test that needs only some of them
 * compiles without the rest.
 */
#ifndef NB_IXFILE_H
#define NB_IXFILE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"

/* The node at a path of names separated by '/', from the root. */
static inline nb_node walk(nb_index *ix, const char *path)
{
	nb_node n;
	assert_int_equal(nb_index_getattr(ix, NB_ROOT_INO, &n), 0);
	char *copy = strdup(path), *save = NULL;
	for (char *part = strtok_r(copy, "/", &save); part;
	     part = strtok_r(NULL, "/", &save)) {
		int rc = nb_index_lookup(ix, n.ino, part, &n);
		if (rc)
			fprintf(stderr, "lookup of %s in %s: %d\n", part, path, rc);
		assert_int_equal(rc, 0);
	}
	free(copy);
	return n;
}

/* The whole file at path, read in one piece, NUL-terminated; its length
 * in *len. */
static inline char *slurp(nb_index *ix, const char *path, size_t *len)
{
	nb_node n = walk(ix, path);
	assert_false(n.is_dir);
	char *buf = malloc(n.size + 1);
	assert_non_null(buf);
	ssize_t got = nb_index_read(ix, n.ino, buf, n.size + 100, 0);
	assert_int_equal(got, (ssize_t)n.size);
	buf[got] = '\0';
	*len = (size_t)got;
	return buf;
}

/* The file at path has the same bytes in the indexes a and b, opened
 * with flags. */
static inline void assert_same_file(const char *a, const char *b, const char *path,
			     unsigned flags)
{
	nb_index *x, *y;
	assert_int_equal(nb_index_open(a, flags, &x), 0);
	assert_int_equal(nb_index_open(b, flags, &y), 0);
	size_t lx, ly;
	char *bx = slurp(x, path, &lx), *by = slurp(y, path, &ly);
	if (lx != ly || memcmp(bx, by, lx))
		fprintf(stderr, "%s differs:\n%s\n----\n%s\n", path, bx, by);
	assert_int_equal(lx, ly);
	assert_memory_equal(bx, by, lx);
	free(bx);
	free(by);
	nb_index_close(x);
	nb_index_close(y);
}

#endif
