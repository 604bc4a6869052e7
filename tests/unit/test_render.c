/*
 * test_render.c — the index's names, numbers and CSV and text rendering on
 * their own (names.c, render.c, jsonout.c): what every file the index
 * serves is named and written with.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "index.h"
#include "ix.h"

#define BOM "\xEF\xBB\xBF"

static void test_names(void **state)
{
	(void)state;
	char *n = ix_name("a/b\tc\x01", "", "_");
	assert_string_equal(n, "a／bc");
	free(n);
	n = ix_name("  ..  ", "", "fallback");
	assert_string_equal(n, "fallback");
	free(n);
	n = ix_name("申请情况", ".csv", "x");
	assert_string_equal(n, "申请情况.csv");
	free(n);
	n = ix_name(" \n 青山县\t", "", "_");
	assert_string_equal(n, "青山县");
	free(n);
	/* invalid UTF-8 dropped */
	n = ix_name("ab\xE5\x8Fz", "", "_");
	assert_string_equal(n, "abz");
	free(n);

	/* 100 three-byte characters: cut to 85 of them (255 bytes), and with a
	 * suffix to 83 (249 bytes), on a character boundary */
	char longname[301] = "";
	for (int i = 0; i < 100; i++)
		strcat(longname, "政");
	n = ix_name(longname, "", "_");
	assert_int_equal(strlen(n), 255);
	free(n);
	n = ix_name(longname, ".csv", "_");
	assert_int_equal(strlen(n), 249 + 4);
	assert_string_equal(n + 249, ".csv");
	char *d = ix_name_dup(n, ".csv", 2);
	assert_int_equal(strlen(d), 249 + 2 + 4);
	assert_string_equal(d + 249, "~2.csv");
	free(d);
	free(n);
	d = ix_name_dup("2019", "", 3);
	assert_string_equal(d, "2019~3");
	free(d);
}

/* Issue 8: look-alike names are one name; nothing in a name reorders or
 * acts on a terminal, in the tree or printed. */
static void test_hostile_names(void **state)
{
	(void)state;
	/* U+F900 and U+8C48 are both 豈: one directory */
	char *a = ix_name("\xEF\xA4\x80山县人民政府", "", "_");
	char *b = ix_name("\xE8\xB1\x88山县人民政府", "", "_");
	assert_string_equal(a, b);
	free(a);
	free(b);
	/* é precomposed and e + U+0301 */
	a = ix_name("caf\xC3\xA9", "", "_");
	b = ix_name("cafe\xCC\x81", "", "_");
	assert_string_equal(a, b);
	free(a);
	free(b);
	/* U+202E and the other bidi controls go */
	a = ix_name("\xE2\x80\xAEtxt.exe\xE2\x81\xA6x\xE2\x80\x8F", "", "_");
	assert_string_equal(a, "txt.exex");
	free(a);
	/* a name of controls only: the fallback */
	a = ix_name("\x1B\x07\xE2\x80\xAE", "", "_");
	assert_string_equal(a, "_");
	free(a);

	char *p = nb_printable("\x1B]2;x\x07\x1B[2J\xC4\xEA\xE2\x80\xAE"
			       "a\\b\xC2\x85\n年.txt", false);
	assert_string_equal(p, "\\x1B]2;x\\x07\\x1B[2J\\xC4\\xEA\\u202E"
			    "a\\\\b\\u0085\\x0A年.txt");
	free(p);
	p = nb_printable("one\ntwo", true);
	assert_string_equal(p, "one\ntwo");
	free(p);
}

static void test_csv_and_text(void **state)
{
	(void)state;
	nb_buf b = {0};
	ix_csv_field(&b, "项目", true);
	ix_csv_field(&b, "a,b", false);
	ix_csv_field(&b, "say \"hi\"", false);
	ix_csv_field(&b, NULL, false);
	ix_csv_field(&b, "two\nlines", false);
	ix_csv_end(&b);
	assert_string_equal(b.s, "项目,\"a,b\",\"say \"\"hi\"\"\",,\"two\nlines\"\n");
	nb_buf excel = {0};
	assert_int_equal(ix_csv_crlf(&excel, b.s, b.len), 0);
	assert_string_equal(excel.s,
			    "项目,\"a,b\",\"say \"\"hi\"\"\",,\"two\nlines\"\r\n");
	nb_buf_free(&excel);
	nb_buf_free(&b);

	ix_render_text(&b, "一\r\n二\r三\n\n\n");
	assert_string_equal(b.s, "一\n二\n三\n");
	nb_buf_free(&b);
	ix_render_text(&b, "\n\n");
	assert_int_equal(b.len, 0);
	ix_render_text(&b, NULL);
	assert_int_equal(b.len, 0);
	ix_render_text(&b, BOM "正文");
	assert_string_equal(b.s, "正文\n");
	nb_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_hostile_names),
		cmocka_unit_test(test_csv_and_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
