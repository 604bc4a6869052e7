/*
 * nbdump — every file of an index as the filesystem serves it, read through
 * the index's own read path (nb_index_read), without a mount.  For tests
 * and for comparing two indexes: the bytes of a report's files are not
 * stored in the index but rendered on read.
 *
 *   nbdump [-u] DB      (-u: CSV files in the unix dialect)
 *
 * Writes, for each file depth first in listing order: its path from the
 * root ("/agency/2021/meta.json"), a NUL, its size in decimal, a NUL, and
 * its bytes.  Exit status 1 on any error, named on stderr.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"

typedef struct {
	char *name;
	nb_node node;
} entry;

typedef struct {
	entry *v;
	size_t n, cap;
	bool oom;
} entries;

static int collect(void *ctx, const char *name, const nb_node *node,
		   uint64_t next_off)
{
	(void)next_off;
	entries *l = ctx;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		entry *v = realloc(l->v, cap * sizeof *v);
		if (!v) {
			l->oom = true;
			return 1;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].name = strdup(name);
	l->v[l->n].node = *node;
	if (!l->v[l->n].name) {
		l->oom = true;
		return 1;
	}
	l->n++;
	return 0;
}

static int dump_file(nb_index *ix, const char *path, const nb_node *n)
{
	char *buf = malloc(n->size ? n->size : 1);
	if (!buf)
		return -ENOMEM;
	uint64_t got = 0;
	int rc = 0;
	/* in FUSE's pieces, so that a read at an offset is what is tested */
	while (got < n->size) {
		size_t want = n->size - got < 131072 ? n->size - got : 131072;
		ssize_t r = nb_index_read(ix, n->ino, buf + got, want, got);
		if (r <= 0) {
			fprintf(stderr, "nbdump: %s: %s\n", path, r ?
				nb_index_error(ix) : "short read");
			rc = r ? (int)r : -EIO;
			break;
		}
		got += (uint64_t)r;
	}
	if (!rc) {
		printf("%s%c%" PRIu64 "%c", path, 0, n->size, 0);
		fwrite(buf, 1, n->size, stdout);
	}
	free(buf);
	return rc;
}

static int dump_dir(nb_index *ix, uint64_t ino, const char *path)
{
	entries l = {0};
	int rc = nb_index_readdir(ix, ino, 0, collect, &l);
	if (!rc && l.oom)
		rc = -ENOMEM;
	for (size_t i = 0; i < l.n && !rc; i++) {
		size_t len = strlen(path) + strlen(l.v[i].name) + 2;
		char *p = malloc(len);
		if (!p) {
			rc = -ENOMEM;
			break;
		}
		snprintf(p, len, "%s/%s", path, l.v[i].name);
		rc = l.v[i].node.is_dir ? dump_dir(ix, l.v[i].node.ino, p) :
			dump_file(ix, p, &l.v[i].node);
		free(p);
	}
	for (size_t i = 0; i < l.n; i++)
		free(l.v[i].name);
	free(l.v);
	return rc;
}

int main(int argc, char **argv)
{
	bool unix_dialect = argc == 3 && !strcmp(argv[1], "-u");
	if (argc != 2 + unix_dialect) {
		fprintf(stderr, "usage: nbdump [-u] DB\n");
		return 2;
	}
	nb_index *ix;
	int rc = nb_index_open(argv[argc - 1], unix_dialect ? NB_OPEN_CSV_UNIX : 0,
			       &ix);
	if (rc) {
		fprintf(stderr, "nbdump: %s: cannot open: %s\n", argv[argc - 1],
			strerror(-rc));
		return 1;
	}
	rc = dump_dir(ix, NB_ROOT_INO, "");
	nb_index_close(ix);
	if (rc && rc != -EIO)
		fprintf(stderr, "nbdump: %s\n", strerror(-rc));
	return rc ? 1 : 0;
}
