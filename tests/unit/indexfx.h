/*
 * indexfx.h — a scratch RAWDIR made of tests/data/index (run from tests/),
 * its index beside it, and the build messages kept for assertions: the
 * fixture test_index.c and test_refresh.c build in.
 */
#ifndef NB_INDEXFX_H
#define NB_INDEXFX_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "scratch.h"

#define DATA "data/index"

typedef struct {
	scratch_dir tmp;
	FILE *err;		/* build messages, kept for assertions */
	char *errtext;
	size_t errlen;
} fixture;

static int setup(void **state)
{
	fixture *fx = calloc(1, sizeof *fx);
	if (!fx)
		return -1;
	if (scratch_make(&fx->tmp, "index") || scratch_copy(&fx->tmp, DATA))
		return -1;
	fx->err = open_memstream(&fx->errtext, &fx->errlen);
	*state = fx;
	return fx->err ? 0 : -1;
}

static int teardown(void **state)
{
	fixture *fx = *state;
	int rc = scratch_remove(&fx->tmp);
	fclose(fx->err);
	free(fx->errtext);
	free(fx);
	return rc;
}

/* Bytes that are UTF-8, GB18030 and UTF-16 of nothing: 0x80 and 0xFF lead
 * no GB18030 character, and there is no BOM. */
static void add_undecodable(fixture *fx)
{
	char path[160];
	snprintf(path, sizeof path, "%s/坏文件.txt", fx->tmp.raw);
	write_file(path, "abc\x80\xff\x80\xff", 7);
}

static nb_build_stats build(fixture *fx, int expect_rc)
{
	nb_build_stats s;
	memset(&s, 0xAB, sizeof s);
	int rc = nb_index_build(fx->tmp.db, fx->tmp.raw, fx->err, &s);
	fflush(fx->err);
	if (rc != expect_rc)
		fprintf(stderr, "build messages:\n%s\n", fx->errtext);
	assert_int_equal(rc, expect_rc);
	return s;
}

#endif
