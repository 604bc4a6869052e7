/*
 * test_decode.c — bytes to UTF-8 (decode.c) and Traditional to Simplified
 * (script.c): encodings found in the order BOM, UTF-16 by its zero bytes,
 * strict UTF-8, GB18030, UTF-16 by its units, then a few stray bytes
 * replaced; line ends; the Traditional verdict.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <opencc/opencc.h>

#include "internal.h"

/* The decode group's converters, one set for every test in turn: as a
 * parser's, kept from text to text. */
static int open_converters(void **state)
{
	return nb_converters_new((nb_converters **)state) ? -1 : 0;
}

static int close_converters(void **state)
{
	nb_converters_free(*state);
	return 0;
}

/* Decodes n bytes, expects success, the encoding and the text. */
static void expect_decoded(nb_converters *cv, const char *bytes, size_t n,
			   const char *encoding, const char *want)
{
	char *text = NULL;
	size_t len = 0;
	const char *enc = NULL;
	size_t replaced = 99;

	assert_int_equal(nb_decode(cv, bytes, n, &text, &len, &enc, &replaced),
			 0);
	assert_int_equal(replaced, 0);
	assert_non_null(text);
	assert_string_equal(enc, encoding);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(text, want, len);
	assert_int_equal(text[len], '\0');
	free(text);
}

static void expect_unreadable(nb_converters *cv, const char *bytes, size_t n)
{
	char *text = NULL;
	size_t len = 0;
	const char *enc = NULL;
	size_t replaced;

	assert_int_equal(nb_decode(cv, bytes, n, &text, &len, &enc, &replaced),
			 NB_UNDECODABLE);
	assert_null(text);
}

static void ascii_is_utf8(void **state)
{
	static const char in[] = "Annual report 2019\n";

	expect_decoded(*state, in, sizeof in - 1, "UTF-8", in);
}

static void empty_is_utf8(void **state)
{
	expect_decoded(*state, "", 0, "UTF-8", "");
}

static void utf8_kept(void **state)
{
	static const char in[] = "一、总体情况\n（一）主动公开　𠀀\n";

	expect_decoded(*state, in, sizeof in - 1, "UTF-8", in);
}

static void utf8_bom_removed(void **state)
{
	static const char in[] = "\xEF\xBB\xBF年报\n";

	expect_decoded(*state, in, sizeof in - 1, "UTF-8 BOM", "年报\n");
}

static void line_ends_and_nul(void **state)
{
	static const char in[] = "一\r\n二\r三\n\r\n四\0五\r";

	expect_decoded(*state, in, sizeof in - 1, "UTF-8",
		       "一\n二\n三\n\n四五\n");
}

static void gbk_is_gb18030(void **state)
{
	/* 年度报告 CRLF 报告 in GBK */
	static const char in[] = "\xC4\xEA\xB6\xC8\xB1\xA8\xB8\xE6\r\n"
				 "\xB1\xA8\xB8\xE6";

	expect_decoded(*state, in, sizeof in - 1, "GB18030", "年度报告\n报告");
}

static void gb18030_extras(void **state)
{
	/* 镕 (GBK only, not GB2312), € and a four-byte sequence (U+20000) */
	static const char in[] = "\xE9\x46\xA2\xE3\x95\x32\x82\x36";

	expect_decoded(*state, in, sizeof in - 1, "GB18030", "镕€𠀀");
}

static void utf16_with_bom(void **state)
{
	/* 年报 CR LF A */
	static const char le[] = "\xFF\xFE\x74\x5E\xA5\x62\r\0\n\0A\0";
	static const char be[] = "\xFE\xFF\x5E\x74\x62\xA5\0\r\0\n\0A";

	expect_decoded(*state, le, sizeof le - 1, "UTF-16LE", "年报\nA");
	expect_decoded(*state, be, sizeof be - 1, "UTF-16BE", "年报\nA");
}

static void utf16_truncated(void **state)
{
	static const char le[] = "\xFF\xFE\x74\x5E\xA5";

	expect_unreadable(*state, le, sizeof le - 1);
}

static void strict_utf8(void **state)
{
	nb_converters *cv = *state;
	char *text = NULL;
	size_t len;
	const char *enc = NULL;
	size_t replaced;

	/* An overlong '/' is no UTF-8; as GBK it is two Han characters. */
	assert_int_equal(nb_decode(cv, "\xC0\xAF\xC0\xAF", 4, &text, &len, &enc,
				   &replaced), 0);
	assert_string_equal(enc, "GB18030");
	free(text);
	/* A UTF-16 surrogate and a code point past U+10FFFF: neither fits
	 * GB18030 either (a lone trailing byte). */
	expect_unreadable(*state, "\xED\xA0\x80", 3);
	expect_unreadable(*state, "\xF4\x90\x80\x80", 4);
}

static void neither_utf8_nor_gb18030(void **state)
{
	/* as many stray bytes as text: in no encoding */
	static const char in[] = "年度报告\xFF年度报告";

	expect_unreadable(*state, in, sizeof in - 1);
	/* GBK cut mid-character */
	expect_unreadable(*state, "\xC4\xEA\xB6", 3);
	expect_unreadable(*state, "\xFD\xFF\xFD\xFF\xFD\xFF\xFD\xFF", 8);
}

/* n bytes: text repeated, with one stray byte at the middle. */
static char *with_stray_byte(const char *unit, size_t times, char stray,
			     size_t *n)
{
	size_t u = strlen(unit);
	char *b = malloc(u * times + 2);

	assert_non_null(b);
	for (size_t i = 0; i < times; i++)
		memcpy(b + i * u, unit, u);
	memmove(b + u * times / 2 + 1, b + u * times / 2, u * times - u * times / 2);
	b[u * times / 2] = stray;
	*n = u * times + 1;
	b[*n] = '\0';
	return b;
}

static void stray_byte_replaced(void **state)
{
	nb_converters *cv = *state;
	size_t n, len, replaced = 0;
	char *text = NULL;
	const char *enc = NULL;
	/* a UTF-8 report of 1,200 bytes with one 0xFF inside */
	char *in = with_stray_byte("一、总体情况\n", 60, '\xFF', &n);

	assert_int_equal(nb_decode(cv, in, n, &text, &len, &enc, &replaced), 0);
	assert_string_equal(enc, "UTF-8");
	assert_int_equal(replaced, 1);
	assert_non_null(strstr(text, "\xEF\xBF\xBD"));
	assert_int_equal(strlen(text), len);
	free(text);
	free(in);
	/* GBK (年度报告) with one 0xFF: GB18030 with one replacement */
	in = with_stray_byte("\xC4\xEA\xB6\xC8\xB1\xA8\xB8\xE6\n", 100,
			     '\xFF', &n);
	assert_int_equal(nb_decode(cv, in, n, &text, &len, &enc, &replaced), 0);
	assert_string_equal(enc, "GB18030");
	assert_int_equal(replaced, 1);
	assert_non_null(strstr(text, "年度报告\n"));
	free(text);
	free(in);
}

static void utf16_without_bom(void **state)
{
	/* 年报 2019 LF, in both byte orders: found by the zero bytes */
	static const char le[] = "\x74\x5E\xA5\x62 \0002\0000\0001\0009\0\n\0";
	static const char be[] = "\x5E\x74\x62\xA5\0 \0002\0000\0001\0009\0\n";
	/* Han only, no zero byte: 年度报告 一、总体情况 (as units) */
	static const char han[] = "\x74\x5E\xA6\x5E\xA5\x62\x4A\x54"
				  "\x00\x4E\x01\x30\x3B\x60\x53\x4F"
				  "\xC5\x60\xB5\x51"
				  "\x74\x5E\xA6\x5E\xA5\x62\x4A\x54"
				  "\x00\x4E\x01\x30\x3B\x60\x53\x4F"
				  "\xC5\x60\xB5\x51";

	expect_decoded(*state, le, sizeof le - 1, "UTF-16LE", "年报 2019\n");
	expect_decoded(*state, be, sizeof be - 1, "UTF-16BE", "年报 2019\n");
	expect_decoded(*state, han, sizeof han - 1, "UTF-16LE",
		       "年度报告一、总体情况年度报告一、总体情况");
}

static void nul_bytes_not_utf16(void **state)
{
	/* UTF-8 text with NUL bytes at both parities stays UTF-8 */
	static const char in[] = "Annual\0 report\0\0 2019 年报\n";

	expect_decoded(*state, in, sizeof in - 1, "UTF-8",
		       "Annual report 2019 年报\n");
}

/* One set of converters reads text after text, each charset with its own
 * descriptor, as a fresh set would: after a text cut mid-character too. */
static void converters_kept_between_texts(void **state)
{
	expect_unreadable(*state, "\xFF\xFE\x74\x5E\xA5", 5);
	expect_decoded(*state, "\xFE\xFF\x5E\x74\x62\xA5", 6, "UTF-16BE",
		       "年报");
	expect_unreadable(*state, "\xC4\xEA\xB6", 3);
	expect_decoded(*state, "\xFF\xFE\x74\x5E\xA5\x62", 6, "UTF-16LE",
		       "年报");
	expect_decoded(*state, "\xC4\xEA\xB6\xC8", 4, "GB18030", "年度");
	expect_decoded(*state, "\xFE\xFF\x5E\x74\x62\xA5", 6, "UTF-16BE",
		       "年报");
}

/* ---- script.c -------------------------------------------------------- */

static int open_script(void **state)
{
	nb_script *s = NULL;
	const char *err = NULL;

	if (nb_script_open(&s, &err) != 0) {
		print_error("OpenCC t2s.json: %s\n", err ? err : "?");
		return -1;
	}
	*state = s;
	return 0;
}

static int close_script(void **state)
{
	nb_script_close(*state);
	return 0;
}

static void traditional_converted(void **state)
{
	static const char trad[] =
		"本機關全年收到政府資訊公開申請十二件，均已依法答覆。\n"
		"網站建設與維護工作穩步推進，發佈動態訊息一千餘條。\n";
	static const char want[] =
		"本机关全年收到政府资讯公开申请十二件，均已依法答复。\n"
		"网站建设与维护工作稳步推进，发布动态讯息一千余条。\n";
	char *out = NULL;
	size_t len = 0;

	assert_int_equal(nb_script_t2s(*state, trad, sizeof trad - 1, &out,
				       &len), 0);
	assert_non_null(out);
	assert_int_equal(len, strlen(want));
	assert_string_equal(out, want);
	free(out);
}

static void simplified_untouched(void **state)
{
	/* Characters OpenCC would still map (乾 in 乾隆) must not make a
	 * Simplified text count as Traditional. */
	static const char simp[] =
		"本机关全年收到政府信息公开申请十二件，均已依法答复。\n"
		"发布动态信息一千余条，展出乾隆年间的钟表。\n";
	char *out = (char *)"unset";
	size_t len = 1;

	assert_int_equal(nb_script_t2s(*state, simp, sizeof simp - 1, &out,
				       &len), 0);
	assert_null(out);
	assert_int_equal(len, 0);
}

static void too_little_to_judge(void **state)
{
	char *out = (char *)"unset";
	size_t len;

	assert_int_equal(nb_script_t2s(*state, "", 0, &out, &len), 0);
	assert_null(out);
	assert_int_equal(nb_script_t2s(*state, "2019 年", 8, &out, &len), 0);
	assert_null(out);
}

/*
 * Characters are learnt lazily, when a text holds them; the verdict on a
 * text must not depend on what the script learnt before.  Texts either
 * side of the 5% threshold: 48 Han characters with 2 (4.2%) or 3 (6.3%)
 * in Traditional form.
 */
static const char *const scripts_texts[] = {
	"本機關全年收到政府資訊公開申請十二件，均已依法答覆。\n",
	"本机关全年收到政府信息公开申请十二件，均已依法答复。\n",
	"本機關全年收到政府信息公开申请十二件，均已依法答复。\n"
	"本机关全年收到政府信息公开申请十二件，均已依法答复。\n",
	"本機關全年收到政府信息公开申請十二件，均已依法答复。\n"
	"本机关全年收到政府信息公开申请十二件，均已依法答复。\n",
};
#define NTEXTS (sizeof scripts_texts / sizeof *scripts_texts)

/* The verdict (NULL: Simplified) on text i by s. */
static char *verdict(nb_script *s, size_t i)
{
	char *out = NULL;
	size_t len = 0;

	assert_int_equal(nb_script_t2s(s, scripts_texts[i],
				       strlen(scripts_texts[i]), &out, &len), 0);
	return out;
}

static void verdict_whatever_was_learnt(void **state)
{
	(void)state;
	char *fresh[NTEXTS];

	for (size_t i = 0; i < NTEXTS; i++) {
		nb_script *s;

		assert_int_equal(nb_script_open(&s, NULL), 0);
		fresh[i] = verdict(s, i);
		nb_script_close(s);
	}
	assert_non_null(fresh[0]);
	assert_null(fresh[1]);
	assert_null(fresh[2]);		/* 2 of 48: under the threshold */
	assert_non_null(fresh[3]);	/* 3 of 48: over it */
	assert_string_equal(fresh[3],
			    "本机关全年收到政府信息公开申请十二件，均已依法答复。\n"
			    "本机关全年收到政府信息公开申请十二件，均已依法答复。\n");

	/* One script for all, forwards then backwards: each text seen
	 * after others taught it their characters. */
	nb_script *s;
	assert_int_equal(nb_script_open(&s, NULL), 0);
	for (size_t k = 0; k < 2 * NTEXTS; k++) {
		size_t i = k < NTEXTS ? k : 2 * NTEXTS - 1 - k;
		char *v = verdict(s, i);

		if (fresh[i])
			assert_string_equal(v, fresh[i]);
		else
			assert_null(v);
		free(v);
	}
	nb_script_close(s);
	for (size_t i = 0; i < NTEXTS; i++)
		free(fresh[i]);
}

/* text as OpenCC's t2s converts it whole, by a converter of its own. */
static char *whole(const char *text)
{
	opencc_t cc = opencc_open(NB_OPENCC_T2S);

	assert_true(cc != NULL && cc != (opencc_t)-1);
	char *conv = opencc_convert_utf8(cc, text, strlen(text));
	assert_true(conv != NULL && conv != (char *)-1);
	char *copy = strdup(conv);
	opencc_convert_utf8_free(conv);
	opencc_close(cc);
	assert_non_null(copy);
	return copy;
}

/* A file of tests/ (the unit tests' working directory), up to 1 MiB. */
static char *read_fixture(const char *path)
{
	FILE *f = fopen(path, "rb");

	assert_non_null(f);
	char *buf = malloc(1 << 20);
	assert_non_null(buf);
	size_t n = fread(buf, 1, (1 << 20) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/*
 * A Traditional text is converted run by run (t2s.c); the answer must be
 * OpenCC's for the text whole.  Phrases of t2s's dictionary (計畫, 憑藉,
 * 據瞭解) whole and cut by ASCII, runs repeated, markup, numbers, and a
 * Traditional page of our fixtures; each converted by a fresh script and
 * again by the same one, from what it kept.
 */
static void runs_convert_as_the_whole(void **state)
{
	(void)state;
	static const char made[] =
		"<p>本機關2021年計畫受理政府資訊公開申請12件，憑藉網站發佈。</p>\n"
		"據瞭解，計1畫與憑 藉不是詞；據瞭解12件均已答覆。\n"
		"本機關2022年計畫受理政府資訊公開申請7件，憑藉網站發佈。\n";
	char *page = read_fixture("fixtures/html/wenjiang-2021-trad.html");
	const char *texts[] = {made, page};

	for (size_t i = 0; i < 2; i++) {
		char *want = whole(texts[i]);
		nb_script *s;

		assert_int_equal(nb_script_open(&s, NULL), 0);
		for (int again = 0; again < 2; again++) {
			char *out = NULL;
			size_t len = 0;

			assert_int_equal(nb_script_t2s(s, texts[i],
						       strlen(texts[i]), &out,
						       &len), 0);
			assert_non_null(out);
			assert_int_equal(len, strlen(want));
			assert_string_equal(out, want);
			free(out);
		}
		nb_script_close(s);
		free(want);
	}
	free(page);
}

/*
 * Past 1 MiB of runs kept, a script starts again after the text
 * (t2s.c): a text of 44,000 distinct runs (four Traditional characters
 * each, numbered), then a short one, both as OpenCC converts them whole.
 */
static void many_runs_then_few(void **state)
{
	(void)state;
	static const char chars[] = "國會學習體驗說話這裡時間問題開關電腦東風車"
				    "馬魚鳥雞龍門錢銀鐵鋼";
	size_t nc = nb_utf8_count(chars, sizeof chars - 1);
	uint32_t cp[64];
	for (size_t i = 0, k = 0; k < nc; k++)
		cp[k] = nb_utf8_next(chars, sizeof chars - 1, &i);
	nb_buf big = {0};
	for (size_t r = 0; r < 44000; r++) {
		size_t x = r;
		for (int c = 0; c < 4; c++, x /= nc)
			nb_buf_addcp(&big, cp[x % nc]);
		nb_buf_printf(&big, "%zu\n", r);
	}
	assert_false(big.oom);
	const char *small = "本機關2021年計畫受理政府資訊公開申請12件。\n";
	const char *texts[] = {big.s, small};
	nb_script *s;

	assert_int_equal(nb_script_open(&s, NULL), 0);
	for (size_t i = 0; i < 2; i++) {
		char *want = whole(texts[i]);
		char *out = NULL;
		size_t len = 0;

		assert_int_equal(nb_script_t2s(s, texts[i], strlen(texts[i]),
					       &out, &len), 0);
		assert_non_null(out);
		assert_int_equal(len, strlen(want));
		assert_string_equal(out, want);
		free(out);
		free(want);
	}
	nb_script_close(s);
	nb_buf_free(&big);
}

int main(void)
{
	const struct CMUnitTest decode[] = {
		cmocka_unit_test(ascii_is_utf8),
		cmocka_unit_test(empty_is_utf8),
		cmocka_unit_test(utf8_kept),
		cmocka_unit_test(utf8_bom_removed),
		cmocka_unit_test(line_ends_and_nul),
		cmocka_unit_test(gbk_is_gb18030),
		cmocka_unit_test(gb18030_extras),
		cmocka_unit_test(utf16_with_bom),
		cmocka_unit_test(utf16_truncated),
		cmocka_unit_test(strict_utf8),
		cmocka_unit_test(neither_utf8_nor_gb18030),
		cmocka_unit_test(stray_byte_replaced),
		cmocka_unit_test(utf16_without_bom),
		cmocka_unit_test(nul_bytes_not_utf16),
		cmocka_unit_test(converters_kept_between_texts),
	};
	const struct CMUnitTest script[] = {
		cmocka_unit_test(traditional_converted),
		cmocka_unit_test(simplified_untouched),
		cmocka_unit_test(too_little_to_judge),
		cmocka_unit_test(verdict_whatever_was_learnt),
		cmocka_unit_test(runs_convert_as_the_whole),
		cmocka_unit_test(many_runs_then_few),
	};
	int failed = cmocka_run_group_tests_name("decode", decode,
						 open_converters,
						 close_converters);

	failed += cmocka_run_group_tests_name("script", script, open_script,
					      close_script);
	return failed ? 1 : 0;
}
