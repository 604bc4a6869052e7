/*
 * test_arena.c — the strings a report keeps in one arena (arena.c): every
 * copy stays whole and distinct while thousands more are taken, of every
 * size (small ones share blocks, big ones get their own behind the block
 * being filled), and after one arena adopts another's; aligned, zeroed
 * arrays among them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "internal.h"

#define COUNT 3000

/* The k-th test string: its length varies from 0 to well past a block. */
static size_t fill(char *buf, size_t cap, size_t k)
{
	size_t len = (k * 37) % 97;

	if (k % 500 == 7)
		len = 9000 + k;	/* past a block */
	else if (k % 50 == 3)
		len = 2500;	/* past a quarter of one */
	if (len + 1 > cap)
		len = cap - 1;
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)('a' + (k + i) % 26);
	buf[len] = '\0';
	return len;
}

static void strings_stay_whole(void **state)
{
	(void)state;
	static char buf[16384];
	char **got = calloc(COUNT, sizeof *got);
	nb_arena *a, *b;

	assert_non_null(got);
	assert_int_equal(nb_arena_new(&a), 0);
	assert_int_equal(nb_arena_new(&b), 0);
	for (size_t k = 0; k < COUNT; k++) {
		size_t len = fill(buf, sizeof buf, k);
		/* half in each arena, interleaved */
		nb_arena *to = k % 2 ? b : a;
		got[k] = k % 3 ? nb_arena_strndup(to, buf, len) : nb_arena_strdup(to, buf);
		assert_non_null(got[k]);
		assert_ptr_not_equal(got[k], buf);
	}
	assert_null(nb_arena_strdup(a, NULL));
	nb_arena_adopt(&a, &b);
	assert_null(b);
	/* more after the adoption, into the adopted blocks' company */
	assert_string_equal(nb_arena_strdup(a, "尾"), "尾");
	for (size_t k = 0; k < COUNT; k++) {
		size_t len = fill(buf, sizeof buf, k);
		assert_int_equal(strlen(got[k]), len);
		assert_memory_equal(got[k], buf, len + 1);
	}
	nb_arena_free(a);
	free(got);
}

static void adopt_into_none(void **state)
{
	(void)state;
	nb_arena *into = NULL, *from, *none = NULL;

	assert_int_equal(nb_arena_new(&from), 0);
	char *s = nb_arena_strndup(from, "总计", strlen("总计"));
	assert_non_null(s);
	nb_arena_adopt(&into, &from);
	assert_null(from);
	assert_non_null(into);
	assert_string_equal(s, "总计");
	nb_arena_adopt(&into, &none);	/* nothing to adopt */
	assert_string_equal(s, "总计");
	nb_arena_free(into);
	nb_arena_free(NULL);
}

/* Arrays among strings: each aligned for size_t and pointers, zeroed by
 * nb_arena_calloc, whole while more of both are taken. */
static void arrays_aligned(void **state)
{
	(void)state;
	nb_arena *a;
	size_t *v[200];

	assert_int_equal(nb_arena_new(&a), 0);
	for (size_t k = 0; k < 200; k++) {
		/* an odd string between arrays, and some arrays past a block */
		assert_non_null(nb_arena_strndup(a, "奇数", k % 7));
		size_t n = k % 40 == 5 ? 3000 : k % 9 + 1;
		v[k] = k % 2 ? nb_arena_calloc(a, n, sizeof *v[k]) : nb_arena_alloc(a, n * sizeof *v[k]);
		assert_non_null(v[k]);
		assert_int_equal((uintptr_t)v[k] % sizeof(size_t), 0);
		for (size_t i = 0; i < n; i++) {
			if (k % 2)
				assert_int_equal(v[k][i], 0);
			v[k][i] = k * 10000 + i;
		}
	}
	for (size_t k = 0; k < 200; k++) {
		size_t n = k % 40 == 5 ? 3000 : k % 9 + 1;
		for (size_t i = 0; i < n; i++)
			assert_int_equal(v[k][i], k * 10000 + i);
	}
	assert_null(nb_arena_calloc(a, SIZE_MAX / 2, 4));	/* overflows */
	nb_arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strings_stay_whole),
		cmocka_unit_test(adopt_into_none),
		cmocka_unit_test(arrays_aligned),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
