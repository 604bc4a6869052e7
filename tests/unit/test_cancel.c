/*
 * test_cancel.c — a build asked to stop (nb_index_build_cancellable):
 * while it parses, in its later phases (the tree, inside SQLite), while
 * it reads every page of an unsealed old index, while it walks RAWDIR and
 * before it starts.  Each time it returns NB_CANCELLED, says nothing of a
 * failure, leaves the old index byte for byte as it was (or none when
 * there was none) and no temporary file; a build after it succeeds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "index.h"
#include "ix.h"
#include "scratch.h"

#define DATA "data/index"

/* nothing but the directory: its RAWDIR a copy of DATA */
typedef scratch_dir fixture;

static int setup(void **state)
{
	fixture *fx = calloc(1, sizeof *fx);
	if (!fx)
		return -1;
	if (scratch_make(fx, "cancel"))
		return -1;
	*state = fx;
	return scratch_copy(fx, DATA);
}

static int teardown(void **state)
{
	fixture *fx = *state;
	int rc = scratch_remove(fx);
	free(fx);
	return rc;
}

/* The whole file at path, malloc'd; *len its size. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	long n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	char *s = malloc((size_t)n);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return s;
}

/* Every raw file changed (a new mtime): the next build parses them all. */
static void touch_all(const fixture *fx)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "find '%s' -type f -exec touch -d "
		 "@1700000000 {} +", fx->raw);
	assert_int_equal(system(cmd), 0);
}

/* Sets the flag once `at` files are done (0: at the last). */
typedef struct {
	atomic_int flag;
	unsigned at;
	unsigned calls;
} asker;

static void ask_to_stop(void *ctx, unsigned done, unsigned total)
{
	asker *a = ctx;
	a->calls++;
	if (done == (a->at ? a->at : total))
		atomic_store(&a->flag, 1);
}

/* A build with the old index in place, asked to stop at a->at: cancelled,
 * silent, the old index untouched. */
static void cancelled_over_old(fixture *fx, asker *a)
{
	assert_int_equal(nb_index_build(fx->db, fx->raw, NULL, NULL), 0);
	size_t before_len, after_len;
	char *before = slurp(fx->db, &before_len);
	struct stat st0, st1;
	assert_int_equal(stat(fx->db, &st0), 0);
	touch_all(fx);

	char *msgs = NULL;
	size_t msglen = 0;
	FILE *err = open_memstream(&msgs, &msglen);
	assert_non_null(err);
	nb_build_stats s;
	int rc = nb_index_build_cancellable(fx->db, fx->raw, err, &s,
					    ask_to_stop, a, &a->flag);
	fclose(err);
	assert_int_equal(rc, NB_CANCELLED);
	assert_true(a->calls >= 1);
	/* nothing said of the interrupted statements */
	assert_null(strstr(msgs, "interrupt"));
	free(msgs);

	assert_int_equal(stat(fx->db, &st1), 0);
	assert_int_equal(st0.st_ino, st1.st_ino);
	char *after = slurp(fx->db, &after_len);
	assert_int_equal(before_len, after_len);
	assert_memory_equal(before, after, before_len);
	free(before);
	free(after);
	scratch_assert_no_tmp(fx);
	/* nothing failed: the old index needs no check in full (seal.c) */
	char seal[128];
	snprintf(seal, sizeof seal, "%s.seal", fx->db);
	assert_int_equal(access(seal, F_OK), 0);

	/* not cancelled, the same build goes through */
	assert_int_equal(nb_index_build(fx->db, fx->raw, NULL, &s), 0);
	assert_true(s.parsed > 1);
	scratch_assert_no_tmp(fx);
}

static void test_cancel_while_parsing(void **state)
{
	asker a = {.at = 1};
	cancelled_over_old(*state, &a);
	/* stopped at the next file: no more were told done */
	assert_int_equal(a.calls, 1);
}

static void test_cancel_in_tree_phase(void **state)
{
	asker a = {.at = 0};	/* every file stored: it stops inside SQLite */
	cancelled_over_old(*state, &a);
}

static void test_cancel_before_start(void **state)
{
	fixture *fx = *state;
	atomic_int flag = 1;
	assert_int_equal(nb_index_build_cancellable(fx->db, fx->raw, NULL,
						    NULL, NULL, NULL, &flag),
			 NB_CANCELLED);
	assert_int_not_equal(access(fx->db, F_OK), 0);
	scratch_assert_no_tmp(fx);
}

/* The walk of RAWDIR (seconds of stat when cold, at 100,000 files) stops
 * at the flag and hands out nothing. */
static void test_cancel_during_walk(void **state)
{
	fixture *fx = *state;
	atomic_int flag = 1;
	ix_files files;
	assert_int_equal(ix_walk(fx->raw, NULL, &files, &flag), NB_CANCELLED);
	assert_int_equal(files.n, 0);
	assert_null(files.v);
	atomic_store(&flag, 0);
	assert_int_equal(ix_walk(fx->raw, NULL, &files, &flag), 0);
	assert_true(files.n > 0);
	ix_files_free(&files);
}

/* An index without a seal has every page read before it is reused; asked
 * to stop then (the walk before it is done: the check is asked directly),
 * it stops inside that check: the index is neither sealed (its check did
 * not finish) nor taken for damaged (not moved aside), and the next build
 * checks it whole and seals it. */
static void test_cancel_during_full_check(void **state)
{
	fixture *fx = *state;
	assert_int_equal(nb_index_build(fx->db, fx->raw, NULL, NULL), 0);
	char seal[128];
	snprintf(seal, sizeof seal, "%s.seal", fx->db);
	assert_int_equal(unlink(seal), 0);
	size_t before_len, after_len;
	char *before = slurp(fx->db, &before_len);

	atomic_int flag = 1;
	ix_old_index o;
	assert_int_equal(ix_old_open(fx->db, NULL, &o, &flag), NB_CANCELLED);
	ix_old_free(&o);
	assert_int_not_equal(access(seal, F_OK), 0);
	char *after = slurp(fx->db, &after_len);
	assert_int_equal(before_len, after_len);
	assert_memory_equal(before, after, before_len);
	free(before);
	free(after);
	char cmd[256];
	snprintf(cmd, sizeof cmd, "ls '%s' | grep -q corrupt", fx->dir);
	assert_int_not_equal(system(cmd), 0);
	scratch_assert_no_tmp(fx);

	nb_build_stats s;
	assert_int_equal(nb_index_build(fx->db, fx->raw, NULL, &s), 0);
	assert_true(s.unchanged);
	assert_int_equal(access(seal, F_OK), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cancel_while_parsing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_in_tree_phase, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_before_start, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_during_walk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_during_full_check, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
