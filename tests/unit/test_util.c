/*
 * test_util.c — the utility layer under core and index (util.h): the byte
 * buffer, the growable array, and each character class.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util.h"

static void buf_builds_strings(void **state)
{
	(void)state;
	nb_buf b = {0};

	nb_buf_adds(&b, "总计");
	nb_buf_adds(&b, NULL);
	nb_buf_addc(&b, ' ');
	nb_buf_addcp(&b, 0x3002);
	nb_buf_printf(&b, "%d件", 12);
	nb_buf_add(&b, "xyz", 0);
	assert_false(b.oom);
	assert_string_equal(b.s, "总计 。12件");
	assert_int_equal(b.len, strlen("总计 。12件"));
	char *s = nb_buf_take(&b);
	assert_string_equal(s, "总计 。12件");
	assert_null(b.s);
	free(s);
}

static void buf_long_printf_and_empty_take(void **state)
{
	(void)state;
	nb_buf b = {0};
	char big[1000];

	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	nb_buf_printf(&b, "[%s]", big);
	assert_int_equal(b.len, sizeof big + 1);
	assert_int_equal(b.s[0], '[');
	assert_int_equal(b.s[b.len - 1], ']');
	nb_buf_free(&b);
	assert_null(b.s);

	char *e = nb_buf_take(&b);	/* nothing added: "" not NULL */
	assert_non_null(e);
	assert_string_equal(e, "");
	free(e);
}

static void buf_oom_is_kept(void **state)
{
	(void)state;
	nb_buf b = { .oom = true };

	nb_buf_adds(&b, "x");
	assert_null(b.s);
	assert_null(nb_buf_take(&b));
}

static void strdup_null(void **state)
{
	(void)state;
	assert_null(nb_strdup(NULL));
	char *s = nb_strndup("abcdef", 3);
	assert_string_equal(s, "abc");
	free(s);
}

static void grow_doubles(void **state)
{
	(void)state;
	int *v = NULL;
	size_t cap = 0;

	assert_int_equal(nb_grow(&v, &cap, 1, sizeof *v, 16), 0);
	assert_int_equal(cap, 16);
	v[15] = 7;
	assert_int_equal(nb_grow(&v, &cap, 16, sizeof *v, 16), 0);
	assert_int_equal(cap, 16);	/* room enough: unchanged */
	assert_int_equal(nb_grow(&v, &cap, 17, sizeof *v, 16), 0);
	assert_int_equal(cap, 32);
	assert_int_equal(v[15], 7);
	assert_int_equal(nb_grow(&v, &cap, 100, sizeof *v, 16), 0);
	assert_int_equal(cap, 128);
	/* a size that cannot be allocated leaves the array as it was */
	assert_int_equal(nb_grow(&v, &cap, SIZE_MAX / 2, sizeof *v, 16), -ENOMEM);
	assert_int_equal(cap, 128);
	assert_int_equal(v[15], 7);
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buf_builds_strings),
		cmocka_unit_test(buf_long_printf_and_empty_take),
		cmocka_unit_test(buf_oom_is_kept),
		cmocka_unit_test(strdup_null),
		cmocka_unit_test(grow_doubles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
