/*
 * test_templates.c — the official templates and the alignment of printed
 * rows onto them: labels unique within each template, and table 3 aligned
 * the same from the scores a parser kept as from fresh ones (tkeys.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tables.h"
#include "testdoc.h"

static void expect_same_alignment(const nb_align *a, const nb_align *b, size_t m)
{
	assert_int_equal(a->placed, b->placed);
	assert_int_equal(a->fitting, b->fitting);
	assert_true(a->score == b->score);
	for (size_t j = 0; j < m; j++) {
		assert_int_equal(a->assign[j], b->assign[j]);
		assert_int_equal(a->by_order[j], b->by_order[j]);
		assert_int_equal(a->alt[j], b->alt[j]);
		assert_int_equal(a->approx[j], b->approx[j]);
	}
}

/* Table 3 aligned from the scores a parser kept (tkeys.c) as by a parser
 * that kept none: each template aligned with fresh keys, then again with
 * keys that scored these labels against both templates before, the other
 * template last.  Rows named whole, with a typo, by the other wording, a
 * row the 2019 template lacks, a row without a label, and label text
 * wrapped before its row. */
static void test_align_from_kept_scores(void **state)
{
	(void)state;
	static const char text[] =
		"本年新收政府信息公开申请数量 5 1 0 0 0 0 6\n"
		"上年结转政府信息公开申请数量 1 0 0 0 0 0 1\n"
		"（一）予以公开 2 0 0 0 0 0 2\n"
		"（二）部分公开（区分处理的，只计这一情形，不记其他情形） 1 0 0 0 0 0 1\n"
		"1.属于国家秘密 0 0 0 0 0 0 0\n"
		"0 0 0 0 0 0 0\n"
		"3.危及“三安全一稳定” 0 0 0 0 0 0 0\n"
		"1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 0 0 0 0 0 0 0\n"
		"3.其他 1 0 0 0 0 0 1\n"
		"（七）\n"
		"总计 5 1 0 0 0 0 6\n"
		"四、结转下年度继续办理 1 0 0 0 0 0 1\n";
	nb_doc *d = testdoc_new(text, NULL);
	nb_rows rs;
	const nb_template *const *t19, *const *t21;

	nb_templates(NB_TABLE_REQUESTS, NB_FMT_2019, &t19);
	nb_templates(NB_TABLE_REQUESTS, NB_FMT_2021, &t21);
	assert_int_equal(nb_rows_read(d, 0, d->lines.n, 7, &rs), 0);
	assert_true(rs.nrows >= 10);

	size_t obs[64];
	for (size_t i = 0; i < rs.nrows; i++)
		obs[i] = i;
	nb_align a19, a21, b19, b21, w19, w21;
	nb_tkeys *fresh19, *fresh21;
	assert_int_equal(nb_tkeys_new(&fresh19), 0);
	assert_int_equal(nb_tkeys_new(&fresh21), 0);
	assert_int_equal(nb_align_rows(fresh19, &rs, obs, rs.nrows, t19[0], &a19), 0);
	assert_int_equal(nb_align_rows(fresh21, &rs, obs, rs.nrows, t21[0], &a21), 0);
	nb_tkeys_free(fresh19);
	nb_tkeys_free(fresh21);
	/* d's keys score the labels against both, then align from that */
	assert_int_equal(nb_align_rows(d->tkeys, &rs, obs, rs.nrows, t19[0], &w19), 0);
	assert_int_equal(nb_align_rows(d->tkeys, &rs, obs, rs.nrows, t21[0], &w21), 0);
	assert_int_equal(nb_align_rows(d->tkeys, &rs, obs, rs.nrows, t21[0], &b21), 0);
	assert_int_equal(nb_align_rows(d->tkeys, &rs, obs, rs.nrows, t19[0], &b19), 0);
	assert_true(a21.placed >= 10);
	expect_same_alignment(&a19, &w19, t19[0]->nrows);
	expect_same_alignment(&a21, &w21, t21[0]->nrows);
	expect_same_alignment(&a19, &b19, t19[0]->nrows);
	expect_same_alignment(&a21, &b21, t21[0]->nrows);
	nb_align_free(&a19);
	nb_align_free(&a21);
	nb_align_free(&b19);
	nb_align_free(&b21);
	nb_align_free(&w19);
	nb_align_free(&w21);
	nb_rows_free(&rs);
	testdoc_free(d);
}

/* Each template's labels are unique: rules.c finds a row by its label
 * from either end of the template. */
static void test_template_labels_unique(void **state)
{
	(void)state;
	static const nb_table_kind kinds[] = { NB_TABLE_ACTIVE, NB_TABLE_REQUESTS,
					       NB_TABLE_APPEALS };
	static const nb_format formats[] = { NB_FMT_2019, NB_FMT_2021 };
	size_t seen = 0;

	for (size_t k = 0; k < 3; k++)
		for (size_t f = 0; f < 2; f++) {
			const nb_template *const *tl;
			size_t n = nb_templates(kinds[k], formats[f], &tl);

			for (size_t x = 0; x < n; x++, seen++)
				for (size_t i = 0; i < tl[x]->nrows; i++)
					for (size_t j = i + 1; j < tl[x]->nrows; j++)
						assert_string_not_equal(tl[x]->rows[i].label,
									tl[x]->rows[j].label);
		}
	assert_true(seen >= 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_template_labels_unique),
		cmocka_unit_test(test_align_from_kept_scores),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
