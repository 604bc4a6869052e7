/*
 * test_cells.c — one printed cell read as a number (core/number.c): its
 * value, unit and note, the states of cells that hold none, digits in
 * fullwidth, decimal shifts, and whole numbers as strtoll reads them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tables.h"

static void expect_number(const char *in, const char *value, nb_unit unit, const char *note)
{
	nb_num n;

	assert_int_equal(nb_read_number(in, strlen(in), &n), NB_CELL_NUMBER);
	assert_string_equal(n.value, value);
	assert_int_equal(n.unit, unit);
	assert_string_equal(n.note, note);
}

static void expect_state(const char *in, nb_cell_state state)
{
	nb_num n;

	assert_int_equal(nb_read_number(in, strlen(in), &n), state);
}

static void test_numbers(void **state)
{
	(void)state;
	expect_number("0", "0", NB_UNIT_NONE, "");
	expect_number(" 3119 ", "3119", NB_UNIT_NONE, "");
	expect_number("１２３", "123", NB_UNIT_NONE, "");
	expect_number("1,234,567", "1234567", NB_UNIT_NONE, "");
	expect_number("１，２３４", "1234", NB_UNIT_NONE, "");
	expect_number("+12", "12", NB_UNIT_NONE, "");
	expect_number("-3", "-3", NB_UNIT_NONE, "");
	expect_number("－3", "-3", NB_UNIT_NONE, "");
	expect_number("414.52万元", "414.52", NB_UNIT_WANYUAN, "");
	expect_number("251000元", "251000", NB_UNIT_YUAN, "");
	expect_number("19件", "19", NB_UNIT_NONE, "");
	expect_number("22（其中修订16件）", "22", NB_UNIT_NONE, "其中修订16件");
	expect_number("007", "7", NB_UNIT_NONE, "");
	expect_number("4068.208", "4068.208", NB_UNIT_NONE, "");
	expect_state("", NB_CELL_BLANK);
	expect_state("—", NB_CELL_BLANK);
	expect_state("——", NB_CELL_BLANK);
	expect_state("-", NB_CELL_BLANK);
	expect_state("/", NB_CELL_BLANK);
	expect_state("无", NB_CELL_BLANK);
	expect_state("\xC2\xA0", NB_CELL_BLANK);
	/* Text is never a number. */
	expect_state("约5", NB_CELL_ABSENT);
	expect_state("1,23", NB_CELL_ABSENT);
	expect_state("2.其他", NB_CELL_ABSENT);
	expect_state("规章", NB_CELL_ABSENT);
	expect_state("5.", NB_CELL_ABSENT);
	expect_state("3 4", NB_CELL_ABSENT);
}

static void expect_shift(const char *in, int shift, const char *out)
{
	char buf[64];

	assert_int_equal(nb_decimal_shift(in, shift, buf, sizeof buf), 0);
	assert_string_equal(buf, out);
}

static void test_decimal_shift(void **state)
{
	(void)state;
	expect_shift("251000", -4, "25.1");
	expect_shift("3940", -4, "0.394");
	expect_shift("5", -4, "0.0005");
	expect_shift("414.52", 4, "4145200");
	expect_shift("0.25", 4, "2500");
	expect_shift("10000", -4, "1");
	expect_shift("-20000", -4, "-2");
	char tiny[3];
	assert_int_equal(nb_decimal_shift("251000", -4, tiny, sizeof tiny), -ERANGE);
}

/* A cell of ASCII digits only is read without decoding (number.c): the
 * same as the full reading makes of the same digits in fullwidth, at
 * every length around the limits (62 digits, the value's room). */
static void test_plain_digits_as_fullwidth(void **state)
{
	(void)state;
	for (size_t len = 1; len <= 70; len++)
		for (int form = 0; form < 3; form++) {
			char ascii[80], wide[240];
			size_t nw = 0;

			for (size_t i = 0; i < len; i++) {
				char d = form == 0 ? '9' : form == 1 ? '0' :
					 (i + 1 == len ? '5' : '0');
				ascii[i] = d;
				wide[nw++] = '\xEF';
				wide[nw++] = '\xBC';
				wide[nw++] = (char)(0x90 + (d - '0'));
			}
			nb_num a, b;
			nb_cell_state sa = nb_read_number(ascii, len, &a);
			nb_cell_state sb = nb_read_number(wide, nw, &b);

			assert_int_equal(sa, sb);
			assert_int_equal(sa, len <= 62 ? NB_CELL_NUMBER : NB_CELL_ABSENT);
			/* the strings, not the bytes after their NUL */
			assert_string_equal(a.value, b.value);
			assert_int_equal(a.unit, b.unit);
			assert_string_equal(a.note, b.note);
		}
}

/* nb_whole_number reads as strtoll does with nothing left over and no
 * overflow: short numbers by its own loop, the rest by strtoll. */
static void test_whole_numbers(void **state)
{
	(void)state;
	static const char *const in[] = {
		"", "-", "0", "7", "007", "-0", "-42", "12a", "1.5", "+3", " 4", "4 ",
		"--1", "184467440737095515", "184467440737095516", "1844674407370955161",
		"9223372036854775807", "9223372036854775808", "-9223372036854775808",
		"-9223372036854775809", "99999999999999999999",
	};
	for (size_t i = 0; i < sizeof in / sizeof *in; i++) {
		char *end;
		errno = 0;
		long long want = strtoll(in[i], &end, 10), got = 0;
		bool ok = end != in[i] && !*end && errno == 0;

		assert_int_equal(nb_whole_number(in[i], &got), ok);
		if (ok)
			assert_true(got == want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_decimal_shift),
		cmocka_unit_test(test_plain_digits_as_fullwidth),
		cmocka_unit_test(test_whole_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
