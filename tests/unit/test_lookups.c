/*
 * test_lookups.c — the kernel's lookup counts (fs/lookups.c): a number is
 * held from its first lookup until FORGET has taken back as many as were
 * given, in the dense array (the numbers an index hands out) and in the
 * hash table (numbers past it), across the array's growth, and counts
 * past the array's byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "fs.h"

static bool held(nb_lookups *l, uint64_t ino)
{
	return nb_lookups_any(l, &ino, 1);
}

static void counts(nb_lookups *l, uint64_t ino)
{
	assert_false(held(l, ino));
	nb_lookups_add(l, ino);
	nb_lookups_add(l, ino);
	nb_lookups_add(l, ino);
	assert_true(held(l, ino));
	nb_lookups_forget(l, ino, 2);
	assert_true(held(l, ino));
	nb_lookups_forget(l, ino, 1);
	assert_false(held(l, ino));
	/* a FORGET of more than was given leaves nothing, not a wrap */
	nb_lookups_add(l, ino);
	nb_lookups_forget(l, ino, UINT64_MAX);
	assert_false(held(l, ino));
	nb_lookups_add(l, ino);
	assert_true(held(l, ino));
	nb_lookups_forget(l, ino, 1);
	assert_false(held(l, ino));
}

static void test_dense_and_far_numbers(void **state)
{
	(void)state;
	nb_lookups *l;
	assert_int_equal(nb_lookups_new(&l), 0);
	counts(l, 1);
	counts(l, 5000);	/* past the array's first size */
	counts(l, (uint64_t)1 << 40);	/* past the array: the hash table */
	counts(l, UINT64_MAX);
	/* number 0 is no inode: never held */
	nb_lookups_add(l, 0);
	assert_false(held(l, 0));
	nb_lookups_free(l);
}

/* A count past what the array's byte holds (the rest goes to the hash
 * table), taken back in pieces that cross that limit either way. */
static void test_counts_past_a_byte(void **state)
{
	(void)state;
	nb_lookups *l;
	assert_int_equal(nb_lookups_new(&l), 0);
	for (int i = 0; i < 1000; i++)
		nb_lookups_add(l, 77);
	nb_lookups_forget(l, 77, 10);	/* from the table only */
	nb_lookups_forget(l, 77, 900);	/* the table emptied, then the byte */
	assert_true(held(l, 77));
	nb_lookups_forget(l, 77, 89);
	assert_true(held(l, 77));
	nb_lookups_forget(l, 77, 1);
	assert_false(held(l, 77));
	/* and again from nothing: no excess was left behind */
	for (int i = 0; i < 300; i++)
		nb_lookups_add(l, 77);
	nb_lookups_forget(l, 77, 299);
	assert_true(held(l, 77));
	nb_lookups_forget(l, 77, 1);
	assert_false(held(l, 77));
	for (int i = 0; i < 256; i++)
		nb_lookups_add(l, 77);
	nb_lookups_forget(l, 77, UINT64_MAX);
	assert_false(held(l, 77));
	nb_lookups_free(l);
}

/* Every number of a tree of 100,000 reports held at once (the array grows
 * under them), then each forgotten: none is lost or left behind. */
static void test_whole_tree(void **state)
{
	(void)state;
	enum { N = 2100000 };
	nb_lookups *l;
	assert_int_equal(nb_lookups_new(&l), 0);
	uint64_t far = ((uint64_t)1 << 40) + 3;
	nb_lookups_add(l, far);
	for (uint64_t i = 1; i <= N; i++)
		nb_lookups_add(l, i);
	for (uint64_t i = 1; i <= N; i += 99991)
		assert_true(held(l, i));
	assert_false(held(l, N + 1));
	uint64_t some[] = {N + 7, N + 1000000, far};
	assert_true(nb_lookups_any(l, some, 3));
	nb_lookups_forget(l, far, 1);
	assert_false(nb_lookups_any(l, some, 3));
	for (uint64_t i = 1; i <= N; i += 2)
		nb_lookups_forget(l, i, 1);
	assert_false(held(l, 1));
	assert_true(held(l, 2));
	for (uint64_t i = 2; i <= N; i += 2)
		nb_lookups_forget(l, i, 1);
	for (uint64_t i = 1; i <= N; i += 7919)
		assert_false(held(l, i));
	nb_lookups_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dense_and_far_numbers),
		cmocka_unit_test(test_counts_past_a_byte),
		cmocka_unit_test(test_whole_tree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
