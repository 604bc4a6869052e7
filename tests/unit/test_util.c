/*
 * test_util.c — the utility layer under core and index (util.h): the byte
 * buffer, the growable array, the byte-string tests, and each character
 * class (the members each set has and the neighbours it must not take).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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

/* Emptied, a buffer is an empty string at once and keeps its memory for
 * what is added next. */
static void buf_reset_keeps_memory(void **state)
{
	(void)state;
	nb_buf b = {0};

	nb_buf_reset(&b);	/* nothing allocated yet: stays so */
	assert_null(b.s);
	nb_buf_adds(&b, "[1,2,3]");
	char *mem = b.s;
	size_t cap = b.cap;
	nb_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.s, "");
	assert_ptr_equal(b.s, mem);
	assert_int_equal(b.cap, cap);
	nb_buf_adds(&b, "[]");
	assert_string_equal(b.s, "[]");
	nb_buf_free(&b);
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

	assert_non_null(v = nb_grow(v, &cap, 1, sizeof *v, 16));
	assert_int_equal(cap, 16);
	v[15] = 7;
	assert_ptr_equal(nb_grow(v, &cap, 16, sizeof *v, 16), v);
	assert_int_equal(cap, 16);	/* room enough: unchanged */
	assert_non_null(v = nb_grow(v, &cap, 17, sizeof *v, 16));
	assert_int_equal(cap, 32);
	assert_int_equal(v[15], 7);
	assert_non_null(v = nb_grow(v, &cap, 100, sizeof *v, 16));
	assert_int_equal(cap, 128);
	/* a size that cannot be allocated leaves the array as it was */
	assert_null(nb_grow(v, &cap, SIZE_MAX / 2, sizeof *v, 16));
	assert_int_equal(cap, 128);
	assert_int_equal(v[15], 7);
	free(v);
}

static void dashes(void **state)
{
	(void)state;
	/* in a cell: a minus sign or a blank marker */
	static const uint32_t cell[] = { '-', 0x2014, 0x2013, 0x2015, 0x2212, 0xFF0D, 0x2500 };
	/* anywhere else also the rarer hyphens */
	static const uint32_t more[] = { 0x2010, 0x2011, 0x2012, 0xFE58, 0xFE63 };

	for (size_t k = 0; k < sizeof cell / sizeof *cell; k++) {
		assert_true(nb_is_cell_dash(cell[k]));
		assert_true(nb_is_dash(cell[k]));
	}
	for (size_t k = 0; k < sizeof more / sizeof *more; k++) {
		assert_false(nb_is_cell_dash(more[k]));
		assert_true(nb_is_dash(more[k]));
	}
	assert_false(nb_is_dash('_'));
	assert_false(nb_is_dash(0x4E00));	/* 一 looks like one */
	assert_false(nb_is_cell_dash('/'));
}

static void digits_and_ascii(void **state)
{
	(void)state;
	assert_true(nb_is_digit('7'));
	assert_true(nb_is_digit(0xFF17));	/* ７ */
	assert_false(nb_is_digit(0x4E03));	/* 七 */
	assert_true(nb_is_ascii_digit('0'));
	assert_false(nb_is_ascii_digit(0xFF10));
	assert_true(nb_is_ascii_letter('q') && nb_is_ascii_letter('Q'));
	assert_false(nb_is_ascii_letter('1') || nb_is_ascii_letter(0xFF41));
	assert_true(nb_is_ascii_alnum('z') && nb_is_ascii_alnum('5'));
	assert_false(nb_is_ascii_alnum('-'));
	assert_true(nb_is_ascii_graph('!') && nb_is_ascii_graph('~'));
	assert_false(nb_is_ascii_graph(' ') || nb_is_ascii_graph(0x7F) ||
		     nb_is_ascii_graph(0x3000));
}

static void numerals(void **state)
{
	(void)state;
	const char *s = "一二三四五六七八九十";
	size_t i = 0, n = strlen(s), count = 0;

	while (i < n) {
		assert_true(nb_is_cjk_numeral(nb_utf8_next(s, n, &i)));
		count++;
	}
	assert_int_equal(count, 10);
	assert_false(nb_is_cjk_numeral(0x767E));	/* 百 */
	assert_false(nb_is_cjk_numeral(0x3007));	/* 〇 */
	assert_false(nb_is_cjk_numeral('1'));
}

static void sentence_ends(void **state)
{
	(void)state;
	assert_true(nb_is_clause_stop(0x3002));	/* 。 */
	assert_true(nb_is_clause_stop(0xFF1A));	/* ： */
	assert_true(nb_is_clause_stop(0x2026));	/* … */
	assert_true(nb_is_clause_stop(';'));
	assert_false(nb_is_clause_stop('.'));
	assert_false(nb_is_clause_stop(0xFF0C));	/* ， */
	assert_true(nb_is_clause_stop_or_dot('.'));
	assert_true(nb_is_clause_stop_or_dot(0x3002));
	assert_false(nb_is_clause_stop_or_dot(','));

	assert_true(nb_ends_sentence(0x3002, 0));
	assert_true(nb_ends_sentence(0x201D, 0x3002));	/* 。” */
	assert_true(nb_ends_sentence(0xFF09, 0xFF1F));	/* ？） */
	assert_false(nb_ends_sentence(0x201D, 0x5B57));	/* 字” */
	assert_false(nb_ends_sentence('.', 0));

	assert_true(nb_ends_with_full_stop("共计。", strlen("共计。")));
	assert_true(nb_ends_with_full_stop("是吗？", strlen("是吗？")));
	assert_false(nb_ends_with_full_stop("来源：", strlen("来源：")));
	assert_false(nb_ends_with_full_stop("end.", 4));
	assert_false(nb_ends_with_full_stop("", 0));
}

static void byte_strings(void **state)
{
	(void)state;
	const char *s = "第3页 共12页.PNG";
	size_t n = strlen(s);

	assert_true(nb_has_prefix(s, n, "第3"));
	assert_false(nb_has_prefix(s, 2, "第3"));	/* shorter than the prefix */
	assert_true(nb_has_prefix(s, n, ""));
	assert_true(nb_has_suffix_ci(s, n, ".png"));
	assert_true(nb_has_suffix_ci(s, n, "页.PNG"));
	assert_false(nb_has_suffix_ci(s, n - 1, ".png"));
	assert_true(nb_contains(s, n, "共12"));
	assert_false(nb_contains(s, 6, "共12"));	/* only s[0..n) */
	assert_ptr_equal(nb_find_ci(s, n, ".pn"), s + n - 4);
	assert_null(nb_find_ci(s, n, "页x"));
}

/* The plain reading nb_utf8_next must agree with: a lead byte, as many
 * continuation bytes as it announces, within n; else U+FFFD for one byte. */
static uint32_t decode_plain(const unsigned char *s, size_t n, size_t *i)
{
	unsigned char c = s[*i];
	size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 :
		     (c & 0xF8) == 0xF0 ? 4 : 0;
	uint32_t cp = len == 1 ? c : len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;

	if (len == 0 || *i + len > n) {
		(*i)++;
		return 0xFFFD;
	}
	for (size_t k = 1; k < len; k++) {
		if ((s[*i + k] & 0xC0) != 0x80) {
			(*i)++;
			return 0xFFFD;
		}
		cp = cp << 6 | (s[*i + k] & 0x3F);
	}
	*i += len;
	return cp;
}

/* nb_utf8_next and nb_utf8_han (their three-byte paths test both
 * continuation bytes at once) against the plain reading, over random
 * strings of the bytes that matter: ASCII, leads of every length,
 * continuation bytes of both halves, and bytes no sequence has. */
static void utf8_as_plain(void **state)
{
	(void)state;
	static const unsigned char bytes[] = {
		'a', ' ', 0x7F, 0xC2, 0xDF, 0xE0, 0xE3, 0xE4, 0xE9, 0xEA, 0xED, 0xEF,
		0xF0, 0xF4, 0x80, 0x8A, 0xBF, 0xA5, 0xC0, 0xFF, 0x40,
	};
	unsigned seed = 7;

	for (int round = 0; round < 20000; round++) {
		unsigned char s[12];
		size_t n = 1 + (size_t)rand_r(&seed) % sizeof s;
		for (size_t k = 0; k < n; k++)
			s[k] = bytes[(size_t)rand_r(&seed) % sizeof bytes];
		for (size_t i = 0, j = 0; i < n;) {
			uint32_t han = nb_utf8_han((const char *)s, n, i);
			uint32_t got = nb_utf8_next((const char *)s, n, &i);
			uint32_t want = decode_plain(s, n, &j);
			assert_int_equal(got, want);
			assert_int_equal(i, j);
			assert_int_equal(han, want >= 0x4000 && want <= 0x9FFF ? want : 0);
		}
	}
}

/* nb_find_ci against trying every place with strncasecmp, for needles
 * whose first byte has a case and for those whose first has none. */
static void find_ci_as_plain(void **state)
{
	(void)state;
	static const char letters[] = "<aAtTbB/ >\xe5";
	static const char *const needles[] = { "<table", "</TABLE", "ta", "<", "a<b", "B" };
	unsigned seed = 3;

	for (int round = 0; round < 20000; round++) {
		char s[16];
		size_t n = (size_t)rand_r(&seed) % sizeof s;
		for (size_t k = 0; k < n; k++)
			s[k] = letters[(size_t)rand_r(&seed) % (sizeof letters - 1)];
		const char *p = needles[(size_t)rand_r(&seed) % (sizeof needles / sizeof *needles)];
		size_t k = strlen(p);
		const char *want = NULL;
		for (size_t i = 0; i + k <= n && !want; i++)
			if (strncasecmp(s + i, p, k) == 0)
				want = s + i;
		assert_ptr_equal(nb_find_ci(s, n, p), want);
	}
}

/* nb_cp_width: the columns fold(1) and a PDF's text layout give a code
 * point; hard-wrap detection (flat_unwrap.c) and indents (scan.c) use it. */
static void widths(void **state)
{
	(void)state;
	assert_int_equal(nb_cp_width('a'), 1);
	assert_int_equal(nb_cp_width(0x00A0), 1);	/* no-break space */
	assert_int_equal(nb_cp_width(0xFF61), 1);	/* halfwidth 。 */
	assert_int_equal(nb_cp_width(0x516C), 2);	/* 公 */
	assert_int_equal(nb_cp_width(0x3000), 2);	/* ideographic space */
	assert_int_equal(nb_cp_width(0xFF0C), 2);	/* fullwidth ， */
	assert_int_equal(nb_cp_width(0xFF11), 2);	/* fullwidth １ */
	assert_int_equal(nb_cp_width(0xAC00), 2);	/* Hangul 가 */
	assert_int_equal(nb_cp_width(0x20000), 2);	/* CJK extension B */
}

static size_t put(char *s, const char *t)
{
	memcpy(s, t, strlen(t));
	return strlen(t);
}

/* nb_trim against the plain reading: decode every character, keep from
 * the first non-space to the end of the last.  Each space, and characters
 * sharing a space's lead or last byte (©, ‐, 、, ，, 㐀 ending in 0x80,
 * ０ ending in 0x90), or two of its bytes (。 E3 80 82, 【 E3 80 90, （ EF
 * BC 88, ₀ E2 82 80, ⾀ E2 BE 80, ゠ E3 82 A0, ¿ C2 BF, ﺿ EF BA BF), and
 * stray bytes, at either end. */
static void trim_as_decoded(void **state)
{
	(void)state;
	static const uint32_t ends[] = {
		' ', '\t', '\n', 0x0B, '\f', '\r', 0xA0, 0x2000, 0x2005, 0x200B, 0x3000,
		0xFEFF, 'a', 0xA9, 0x2010, 0x3001, 0xFF0C, 0x3400, 0xFF10, 0x200C, 0x5E74,
		0x3002, 0x3010, 0xFF08, 0x2080, 0x2F80, 0x30A0, 0xBF, 0xFEBF,
	};
	static const char *const stray[] = { "", "\x80", "\xE2", "\xE2\x80", "\xC2",
					     "\xE3\x80", "\xEF\xBB" };
	size_t nends = sizeof ends / sizeof *ends, nstray = sizeof stray / sizeof *stray;

	for (size_t x = 0; x < nends + nstray; x++)
		for (size_t y = 0; y < nends + nstray; y++)
			for (int mid = 0; mid < 2; mid++) {
				char s[32];
				size_t n = 0;

				if (x < nends)
					n += nb_utf8_put(ends[x], s + n);
				else
					n += put(s + n, stray[x - nends]);
				if (mid)
					n += put(s + n, "年 报");
				if (y < nends)
					n += nb_utf8_put(ends[y], s + n);
				else
					n += put(s + n, stray[y - nends]);

				size_t want_a = 0, want_b = 0, i = 0;
				bool seen = false;
				while (i < n) {
					size_t at = i;
					if (!nb_is_space(nb_utf8_next(s, n, &i))) {
						if (!seen)
							want_a = at;
						seen = true;
						want_b = i;
					}
				}
				size_t a, b;
				nb_trim(s, n, &a, &b);
				assert_int_equal(a, want_a);
				assert_int_equal(b, want_b);
			}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buf_builds_strings),
		cmocka_unit_test(buf_long_printf_and_empty_take),
		cmocka_unit_test(buf_reset_keeps_memory),
		cmocka_unit_test(buf_oom_is_kept),
		cmocka_unit_test(strdup_null),
		cmocka_unit_test(grow_doubles),
		cmocka_unit_test(dashes),
		cmocka_unit_test(digits_and_ascii),
		cmocka_unit_test(numerals),
		cmocka_unit_test(sentence_ends),
		cmocka_unit_test(byte_strings),
		cmocka_unit_test(utf8_as_plain),
		cmocka_unit_test(find_ci_as_plain),
		cmocka_unit_test(widths),
		cmocka_unit_test(trim_as_decoded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
