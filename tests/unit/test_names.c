/*
 * test_names.c — names of the tree (index/names.c): every code point
 * ix_name takes as already in NFC (ix_nfc_stable) is, by ICU, of combining
 * class 0 and NFC_Quick_Check Yes, so that skipping the normalisation for
 * names made only of them changes nothing; and names that need it are
 * still normalised: a compatibility ideograph, a decomposed accent, marks
 * out of canonical order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>

#include "ix.h"

static void test_stable_code_points_are_nfc(void **state)
{
	(void)state;
	UErrorCode e = U_ZERO_ERROR;
	const UNormalizer2 *nfc = unorm2_getNFCInstance(&e);
	assert_true(U_SUCCESS(e));
	size_t stable = 0;
	for (UChar32 cp = 0; cp <= 0x10FFFF; cp++) {
		if ((cp >= 0xD800 && cp <= 0xDFFF) || !ix_nfc_stable((uint32_t)cp))
			continue;
		stable++;
		UChar u[2];
		int32_t n = 0;
		U16_APPEND_UNSAFE(u, n, cp);
		e = U_ZERO_ERROR;
		UNormalizationCheckResult qc = unorm2_quickCheck(nfc, u, n, &e);
		if (!U_SUCCESS(e) || qc != UNORM_YES ||
		    u_getCombiningClass(cp) != 0)
			fail_msg("U+%04X is taken as NFC but is not", (unsigned)cp);
	}
	/* the ranges of Chinese names: CJK ideographs, punctuation */
	assert_true(stable > 20000);
	assert_true(ix_nfc_stable(0x4E2D));	/* 中 */
	assert_true(ix_nfc_stable(0x3001));	/* 、 */
	assert_true(ix_nfc_stable(0xFF08));	/* （ */
	assert_false(ix_nfc_stable(0xF900));	/* 豈, NFC maps it */
	assert_false(ix_nfc_stable(0x0301));	/* a combining accent */
	assert_false(ix_nfc_stable(0x302A));	/* an ideographic tone mark */
}

static void name_is(const char *in, const char *want)
{
	char *got = ix_name(in, "", "_");
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_names_normalised(void **state)
{
	(void)state;
	name_is("1-概述", "1-概述");
	name_is("申请/答复", "申请／答复");
	name_is("\xEF\xA4\x80", "\xE8\xB1\x88");	/* U+F900 -> U+8C48 */
	name_is("e\xCC\x81", "\xC3\xA9");		/* e + U+0301 -> é */
	/* marks in canonical order: U+0316 (220) before U+0301 (230) */
	name_is("a\xCC\x81\xCC\x96", "\xC3\xA1\xCC\x96");
	name_is("中\xE3\x80\xAB\xE3\x80\xAA",
		"中\xE3\x80\xAA\xE3\x80\xAB");	/* U+302B, U+302A swapped */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stable_code_points_are_nfc),
		cmocka_unit_test(test_names_normalised),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
