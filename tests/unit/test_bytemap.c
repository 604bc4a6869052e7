/*
 * test_bytemap.c — the in-memory map of byte strings (index/bytemap.c):
 * keys that differ only past a NUL byte or in length are different keys,
 * a value set again replaces the old one, a key never set reads 0, and
 * every key stays findable as the table grows many times over; and the
 * year directory names that the map counts for (ix_year_dir).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ix.h"
#include "store.h"

static void test_keys_are_bytes(void **state)
{
	(void)state;
	ix_bytemap *m;
	assert_int_equal(ix_bytemap_new(&m), 0);
	assert_int_equal(ix_bytemap_get(m, "a", 1), 0);
	static const char k1[] = "某某局\0\x07\0\0\0", k2[] = "某某局\0\x08\0\0\0";
	assert_int_equal(ix_bytemap_set(m, k1, sizeof k1 - 1, 1), 0);
	assert_int_equal(ix_bytemap_set(m, k2, sizeof k2 - 1, 2), 0);
	assert_int_equal(ix_bytemap_set(m, "某某局", strlen("某某局"), 3), 0);
	assert_int_equal(ix_bytemap_set(m, "", 0, 4), 0);
	assert_int_equal(ix_bytemap_get(m, k1, sizeof k1 - 1), 1);
	assert_int_equal(ix_bytemap_get(m, k2, sizeof k2 - 1), 2);
	assert_int_equal(ix_bytemap_get(m, "某某局", strlen("某某局")), 3);
	assert_int_equal(ix_bytemap_get(m, "", 0), 4);
	assert_int_equal(ix_bytemap_get(m, k1, sizeof k1 - 2), 0);

	assert_int_equal(ix_bytemap_set(m, k1, sizeof k1 - 1, 10), 0);
	assert_int_equal(ix_bytemap_get(m, k1, sizeof k1 - 1), 10);
	assert_int_equal(ix_bytemap_get(m, k2, sizeof k2 - 1), 2);
	ix_bytemap_free(m);
	ix_bytemap_free(NULL);
}

static void test_grows(void **state)
{
	(void)state;
	enum { N = 20000 };	/* the table starts at 1,024 slots */
	ix_bytemap *m;
	assert_int_equal(ix_bytemap_new(&m), 0);
	char key[32];
	for (int i = 0; i < N; i++) {
		int len = snprintf(key, sizeof key, "agency-%d", i);
		assert_int_equal(ix_bytemap_set(m, key, (size_t)len, i + 1), 0);
	}
	for (int i = 0; i < N; i++) {
		int len = snprintf(key, sizeof key, "agency-%d", i);
		assert_int_equal(ix_bytemap_get(m, key, (size_t)len), i + 1);
	}
	assert_int_equal(ix_bytemap_get(m, "agency-20000", 12), 0);
	ix_bytemap_free(m);
}

static void test_year_dir(void **state)
{
	(void)state;
	char *s = ix_year_dir(2019, 1);
	assert_string_equal(s, "2019");
	free(s);
	s = ix_year_dir(2019, 3);
	assert_string_equal(s, "2019~3");
	free(s);
	s = ix_year_dir(0, 1);
	assert_string_equal(s, IX_UNKNOWN_YEAR);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_are_bytes),
		cmocka_unit_test(test_grows),
		cmocka_unit_test(test_year_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
