/*
 * test_certainty.c — the one step every table's cells go through
 * (core/certainty.c): rows staged as the table's structure or its reading
 * order placed them, then kept, or left empty with a warning, by the
 * template's rules.  Staged by hand on table 3 of the 2021 template.
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
#include "warned.h"

static const nb_template *t3_2021(void)
{
	const nb_template *const *tl;

	assert_int_equal(nb_templates(NB_TABLE_REQUESTS, NB_FMT_2021, &tl), 1);
	return tl[0];
}

static size_t t3_row(const nb_template *t, const char *label)
{
	for (size_t j = 0; j < t->nrows; j++)
		if (!strcmp(t->rows[j].label, label))
			return j;
	fail_msg("no row %s", label);
	return 0;
}

/* Offers row label the values of s (spaces between). */
static void offer(nb_stage *st, const nb_template *t, const char *label, const char *s,
		  nb_place how)
{
	nb_text v[16];
	size_t n = 0;

	while (*s && n < 16) {
		while (*s == ' ')
			s++;
		const char *e = strchr(s, ' ');
		if (!e)
			e = s + strlen(s);
		v[n].s = s;
		v[n++].n = (size_t)(e - s);
		s = e;
	}
	assert_int_equal(nb_stage_row(st, t3_row(t, label), v, n, how, NULL), 0);
}

/* An empty report, and a stage for t to commit into it. */
static nb_stage *stage_for(const nb_template *t, nb_report **r)
{
	nb_stage *st;

	*r = calloc(1, sizeof **r);
	assert_non_null(*r);
	assert_int_equal(nb_stage_new(t, &st), 0);
	return st;
}

static const nb_cell *staged_cell(const nb_report *r, const char *label, size_t col)
{
	assert_int_equal(r->ntables, 1);
	for (size_t i = 0; i < r->tables[0].nrows; i++)
		if (!strcmp(r->tables[0].rows[i].label, label))
			return &r->tables[0].rows[i].cells[col];
	fail_msg("no row %s", label);
	return NULL;
}

static bool check_failed(const nb_report *r, const char *rule, const char *subject)
{
	for (size_t i = 0; i < r->nchecks; i++)
		if (!strcmp(r->checks[i].rule, rule) && !strcmp(r->checks[i].subject, subject))
			return !r->checks[i].ok;
	return false;
}

#define TOTAL_ROW "三、本年度办理结果/（七）总计"

/* Issue 6: （七）总计 filled by reading order from two interleaved rows. */
static void test_stage_inferred_row_that_does_not_add_up(void **state)
{
	(void)state;
	const nb_template *t = t3_2021();
	nb_report *r;
	nb_stage *st = stage_for(t, &r);

	offer(st, t, TOTAL_ROW, "0 21 0 0 0 0 0", NB_PLACE_ORDER);
	assert_int_equal(nb_stage_commit(st, r), 0);
	for (size_t c = 0; c < 7; c++) {
		const nb_cell *cell = staged_cell(r, TOTAL_ROW, c);
		assert_int_equal(cell->state, NB_CELL_ABSENT);
		assert_true(cell->uncertain);
		assert_null(cell->value);
	}
	assert_true(warned(r, "t3.row_total does not hold"));
	assert_true(warned(r, "自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计"));
	/* A row never offered is missing, not uncertain. */
	assert_false(staged_cell(r, "四、结转下年度继续办理", 0)->uncertain);
	nb_report_free(r);
}

/* The same numbers in a row of cells are kept: the check reports them. */
static void test_stage_structured_row_that_does_not_add_up(void **state)
{
	(void)state;
	const nb_template *t = t3_2021();
	nb_report *r;
	nb_stage *st = stage_for(t, &r);

	offer(st, t, TOTAL_ROW, "0 21 0 0 0 0 0", NB_PLACE_CELLS);
	assert_int_equal(nb_stage_commit(st, r), 0);
	assert_string_equal(staged_cell(r, TOTAL_ROW, 1)->value, "21");
	assert_string_equal(staged_cell(r, TOTAL_ROW, 6)->value, "0");
	assert_false(staged_cell(r, TOTAL_ROW, 6)->uncertain);
	assert_int_equal(nb_run_checks(r), 0);
	assert_true(check_failed(r, "t3.row_total", TOTAL_ROW));
	nb_report_free(r);
}

/* An inferred row that adds up is written. */
static void test_stage_inferred_row_that_adds_up(void **state)
{
	(void)state;
	const nb_template *t = t3_2021();
	nb_report *r;
	nb_stage *st = stage_for(t, &r);

	offer(st, t, TOTAL_ROW, "21 0 — 0 0 0 21", NB_PLACE_ROW_ORDER);
	assert_int_equal(nb_stage_commit(st, r), 0);
	assert_string_equal(staged_cell(r, TOTAL_ROW, 0)->value, "21");
	assert_int_equal(staged_cell(r, TOTAL_ROW, 2)->state, NB_CELL_BLANK);
	assert_int_equal(r->nwarnings, 24);	/* the 24 rows never offered */
	nb_report_free(r);
}

/* Table 2 has no arithmetic (rules.c): a row placed by the template's
 * order alone is not written, nor a row in reading order whose values are
 * not of their columns' kinds (a sign outside 本年增/减, a decimal point
 * outside the money column); a row by its own label in reading order is. */
static void test_stage_active_without_arithmetic(void **state)
{
	(void)state;
	const nb_template *const *tl;
	nb_format fmts[] = { NB_FMT_2021, NB_FMT_2019 };

	for (size_t f = 0; f < 2; f++) {
		assert_true(nb_templates(NB_TABLE_ACTIVE, fmts[f], &tl) >= 4);
		const nb_template *t = tl[0];	/* 第二十条第（一）项: 3 counts */
		const nb_template *t5 = tl[1];	/* （五）: 1 count, or 2019's signed */
		nb_text v[3] = { { "1", 1 }, { "0", 1 }, { "11", 2 } };
		nb_text w[3] = { { "8", 1 }, { "2.5", 3 }, { "66", 2 } };

		assert_false(nb_rule_confirms_row_order(t));
		nb_report *r;
		nb_stage *st = stage_for(t, &r);
		assert_int_equal(nb_stage_row(st, 0, v, 3, NB_PLACE_ORDER, NULL), 0);
		assert_int_equal(nb_stage_row(st, 1, w, 3, NB_PLACE_ORDER, NULL), 0);
		assert_int_equal(nb_stage_commit(st, r), 0);
		assert_string_equal(staged_cell(r, "规章", 2)->value, "11");
		assert_int_equal(staged_cell(r, t->rows[1].label, 0)->state, NB_CELL_ABSENT);
		assert_true(staged_cell(r, t->rows[1].label, 0)->uncertain);
		assert_true(warned(r, "is no value of column"));
		nb_report_free(r);

		st = stage_for(t, &r);
		assert_int_equal(nb_stage_row(st, 1, v, 3, NB_PLACE_ROW_ORDER, NULL), 0);
		assert_int_equal(nb_stage_commit(st, r), 0);
		assert_int_equal(staged_cell(r, t->rows[1].label, 2)->state, NB_CELL_ABSENT);
		assert_true(warned(r, "no rule of the template can confirm"));
		nb_report_free(r);

		/* 2019: +12 is a 本年增/减, in its column only */
		nb_text x[3] = { { "30", 2 }, { "+12", 3 }, { "42", 2 } };
		nb_text y[3] = { { "+12", 3 }, { "30", 2 }, { "42", 2 } };
		st = stage_for(t5, &r);
		if (t5->ncols == 3) {
			assert_int_equal(nb_stage_row(st, 0, x, 3, NB_PLACE_ORDER, NULL), 0);
			assert_int_equal(nb_stage_row(st, 1, y, 3, NB_PLACE_ORDER, NULL), 0);
		} else {
			assert_int_equal(nb_stage_row(st, 0, y, 1, NB_PLACE_ORDER, NULL), 0);
		}
		assert_int_equal(nb_stage_commit(st, r), 0);
		if (t5->ncols == 3) {
			assert_string_equal(staged_cell(r, "行政许可", 1)->value, "12");
			assert_int_equal(staged_cell(r, t5->rows[1].label, 0)->state, NB_CELL_ABSENT);
		} else {
			assert_int_equal(staged_cell(r, "行政许可", 0)->state, NB_CELL_ABSENT);
		}
		nb_report_free(r);
	}
}

/* Column sums: rows that each add up but break 一 + 二 = （七）总计 + 四 are
 * emptied in the failing columns when inferred, kept when they are cells. */
static void test_stage_column_rule(void **state)
{
	(void)state;
	const nb_template *t = t3_2021();

	for (int structured = 0; structured < 2; structured++) {
		nb_place how = structured ? NB_PLACE_CELLS : NB_PLACE_ORDER;
		nb_report *r;
		nb_stage *st = stage_for(t, &r);
		offer(st, t, "一、本年新收政府信息公开申请数量", "5 1 0 0 0 0 6", how);
		offer(st, t, "二、上年结转政府信息公开申请数量", "0 0 0 0 0 0 0", how);
		offer(st, t, TOTAL_ROW, "4 1 0 0 0 0 5", how);
		offer(st, t, "四、结转下年度继续办理", "0 0 0 0 0 0 0", how);
		assert_int_equal(nb_stage_commit(st, r), 0);
		const nb_cell *a = staged_cell(r, TOTAL_ROW, 0), *b = staged_cell(r, TOTAL_ROW, 1);
		if (structured) {
			assert_string_equal(a->value, "4");
			assert_false(warned(r, "t3.balance"));
		} else {
			/* 自然人 and 总计 break the balance: which of the four
			 * cells is misplaced cannot be told. */
			assert_int_equal(a->state, NB_CELL_ABSENT);
			assert_true(a->uncertain);
			assert_int_equal(staged_cell(r, "一、本年新收政府信息公开申请数量", 6)->state,
					 NB_CELL_ABSENT);
			assert_true(warned(r, "column 自然人: t3.balance does not hold"));
		}
		assert_string_equal(b->value, "1");	/* 商业企业 holds */
		nb_report_free(r);
	}
}

/* Values that do not fit the columns, and a reader's word that several
 * readings fit: uncertain, with the reason. */
static void test_stage_count_and_why(void **state)
{
	(void)state;
	const nb_template *t = t3_2021();
	nb_report *r;
	nb_stage *st = stage_for(t, &r);

	offer(st, t, TOTAL_ROW, "21 0 0 0 0 21", NB_PLACE_CELLS);
	assert_int_equal(nb_stage_why(st, t3_row(t, "四、结转下年度继续办理"),
				      "the digits 1000 split into 7 columns in 3 ways"), 0);
	assert_int_equal(nb_stage_row(st, t3_row(t, TOTAL_ROW), NULL, 0, NB_PLACE_CELLS, NULL),
			 -EINVAL);
	assert_int_equal(nb_stage_commit(st, r), 0);
	assert_true(staged_cell(r, TOTAL_ROW, 0)->uncertain);
	assert_true(staged_cell(r, "四、结转下年度继续办理", 3)->uncertain);
	assert_true(warned(r, "6 values printed where 7 were expected"));
	assert_true(warned(r, "split into 7 columns in 3 ways"));
	nb_report_free(r);
}

/* A row of reading order with an empty field: blank or filler, unknown. */
static void test_stage_empty_field_in_reading_order(void **state)
{
	(void)state;
	const nb_template *t = t3_2021();
	nb_report *r;
	nb_stage *st = stage_for(t, &r);

	offer(st, t, TOTAL_ROW, "21 0 0 0 0 0 21", NB_PLACE_ORDER);
	nb_text v[7] = { { "", 0 }, { "21", 2 }, { "", 0 }, { "", 0 }, { "", 0 }, { "", 0 },
			 { "21", 2 } };
	assert_int_equal(nb_stage_row(st, t3_row(t, "四、结转下年度继续办理"), v, 7,
				      NB_PLACE_ORDER, NULL), 0);
	assert_int_equal(nb_stage_commit(st, r), 0);
	assert_string_equal(staged_cell(r, TOTAL_ROW, 0)->value, "21");
	assert_true(staged_cell(r, "四、结转下年度继续办理", 1)->uncertain);
	nb_report_free(r);
}

/* The rules as data: counts, and an evaluation. */
static bool rule_value(void *ctx, size_t row, size_t col, long long *v)
{
	const long long *vals = ctx;

	*v = vals[row * 5 + col];
	return true;
}

static void test_rules(void **state)
{
	(void)state;
	const nb_template *const *tl;
	nb_rule rule;

	assert_int_equal(nb_rule_count(t3_2021()), 25 + 14);
	assert_int_equal(nb_templates(NB_TABLE_REQUESTS, NB_FMT_2019, &tl), 1);
	assert_int_equal(nb_rule_count(tl[0]), 23 + 14);
	nb_rule_get(t3_2021(), 25 + 7, &rule);	/* t3.results, 自然人 */
	assert_string_equal(rule.id, "t3.results");
	assert_int_equal(rule.nlhs, 21);
	nb_templates(NB_TABLE_APPEALS, NB_FMT_2021, &tl);
	assert_int_equal(nb_rule_count(tl[0]), 3);
	long long vals[15] = { 10, 1, 0, 0, 0, 1, 1, 0, 0, 2, 0, 0, 0, 0, 0 };
	long long l, x;
	nb_rule_get(tl[0], 0, &rule);
	assert_int_equal(nb_rule_eval(&rule, rule_value, vals, &l, &x), NB_RULE_FAILS);
	assert_int_equal(l, 11);
	assert_int_equal(x, 0);
	nb_rule_get(tl[0], 1, &rule);
	assert_int_equal(nb_rule_eval(&rule, rule_value, vals, NULL, NULL), NB_RULE_HOLDS);
	nb_templates(NB_TABLE_ACTIVE, NB_FMT_2021, &tl);
	assert_int_equal(nb_rule_count(tl[0]), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stage_inferred_row_that_does_not_add_up),
		cmocka_unit_test(test_stage_structured_row_that_does_not_add_up),
		cmocka_unit_test(test_stage_inferred_row_that_adds_up),
		cmocka_unit_test(test_stage_column_rule),
		cmocka_unit_test(test_stage_active_without_arithmetic),
		cmocka_unit_test(test_stage_count_and_why),
		cmocka_unit_test(test_stage_empty_field_in_reading_order),
		cmocka_unit_test(test_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
