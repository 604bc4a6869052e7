/*
 * test_tables.c — cell reading and the mapping of printed tables onto the
 * official templates, through nb_parse on short reports of our own.
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
#include "testdoc.h"

/* ---- cells --------------------------------------------------------------- */

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

/* ---- the certainty stage ------------------------------------------------------ */

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

static bool warned(const nb_report *r, const char *what);

#define TOTAL_ROW "三、本年度办理结果/（七）总计"

/* Issue 6: （七）总计 filled by reading order from two interleaved rows. */
static void test_stage_inferred_row_that_does_not_add_up(void **state)
{
	(void)state;
	const nb_template *t = t3_2021();
	nb_report *r = calloc(1, sizeof *r);
	nb_stage *st;

	assert_non_null(r);
	assert_int_equal(nb_stage_new(t, &st), 0);
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
	nb_report *r = calloc(1, sizeof *r);
	nb_stage *st;

	assert_non_null(r);
	assert_int_equal(nb_stage_new(t, &st), 0);
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
	nb_report *r = calloc(1, sizeof *r);
	nb_stage *st;

	assert_non_null(r);
	assert_int_equal(nb_stage_new(t, &st), 0);
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
		nb_report *r = calloc(1, sizeof *r);
		nb_stage *st;
		nb_text v[3] = { { "1", 1 }, { "0", 1 }, { "11", 2 } };
		nb_text w[3] = { { "8", 1 }, { "2.5", 3 }, { "66", 2 } };

		assert_non_null(r);
		assert_false(nb_rule_confirms_row_order(t));
		assert_int_equal(nb_stage_new(t, &st), 0);
		assert_int_equal(nb_stage_row(st, 0, v, 3, NB_PLACE_ORDER, NULL), 0);
		assert_int_equal(nb_stage_row(st, 1, w, 3, NB_PLACE_ORDER, NULL), 0);
		assert_int_equal(nb_stage_commit(st, r), 0);
		assert_string_equal(staged_cell(r, "规章", 2)->value, "11");
		assert_int_equal(staged_cell(r, t->rows[1].label, 0)->state, NB_CELL_ABSENT);
		assert_true(staged_cell(r, t->rows[1].label, 0)->uncertain);
		assert_true(warned(r, "is no value of column"));
		nb_report_free(r);

		r = calloc(1, sizeof *r);
		assert_non_null(r);
		assert_int_equal(nb_stage_new(t, &st), 0);
		assert_int_equal(nb_stage_row(st, 1, v, 3, NB_PLACE_ROW_ORDER, NULL), 0);
		assert_int_equal(nb_stage_commit(st, r), 0);
		assert_int_equal(staged_cell(r, t->rows[1].label, 2)->state, NB_CELL_ABSENT);
		assert_true(warned(r, "no rule of the template can confirm"));
		nb_report_free(r);

		/* 2019: +12 is a 本年增/减, in its column only */
		nb_text x[3] = { { "30", 2 }, { "+12", 3 }, { "42", 2 } };
		nb_text y[3] = { { "+12", 3 }, { "30", 2 }, { "42", 2 } };
		r = calloc(1, sizeof *r);
		assert_non_null(r);
		assert_int_equal(nb_stage_new(t5, &st), 0);
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
		nb_report *r = calloc(1, sizeof *r);
		nb_stage *st;
		nb_place how = structured ? NB_PLACE_CELLS : NB_PLACE_ORDER;

		assert_non_null(r);
		assert_int_equal(nb_stage_new(t, &st), 0);
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
	nb_report *r = calloc(1, sizeof *r);
	nb_stage *st;

	assert_non_null(r);
	assert_int_equal(nb_stage_new(t, &st), 0);
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
	nb_report *r = calloc(1, sizeof *r);
	nb_stage *st;

	assert_non_null(r);
	assert_int_equal(nb_stage_new(t, &st), 0);
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

/* ---- whole tables ---------------------------------------------------------- */

static nb_parser *parser;

static int setup(void **state)
{
	(void)state;
	return nb_parser_new(&parser, NULL) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	nb_parser_free(parser);
	return 0;
}

static nb_report *parse(const char *name, const char *text)
{
	nb_report *r = NULL;

	assert_int_equal(nb_parse(parser, name, text, strlen(text), &r), 0);
	assert_non_null(r);
	return r;
}

static const nb_table *table(const nb_report *r, const char *name)
{
	for (size_t i = 0; i < r->ntables; i++)
		if (!strcmp(r->tables[i].name, name))
			return &r->tables[i];
	return NULL;
}

static const nb_row *row(const nb_table *t, const char *label)
{
	for (size_t i = 0; t && i < t->nrows; i++)
		if (!strcmp(t->rows[i].label, label))
			return &t->rows[i];
	return NULL;
}

/* The cell's number, "" for a blank, "?" for a cell not placed. */
static const char *cell(const nb_report *r, const char *tname, const char *label, size_t col)
{
	const nb_table *t = table(r, tname);
	const nb_row *w = row(t, label);

	assert_non_null(t);
	assert_non_null(w);
	assert_true(col < t->ncols);
	switch (w->cells[col].state) {
	case NB_CELL_NUMBER:
		return w->cells[col].value;
	case NB_CELL_BLANK:
		return "";
	default:
		return "?";
	}
}

static bool warned(const nb_report *r, const char *what)
{
	for (size_t i = 0; i < r->nwarnings; i++)
		if (strstr(r->warnings[i], what))
			return true;
	return false;
}

#define NEW "一、本年新收政府信息公开申请数量"
#define OLD "二、上年结转政府信息公开申请数量"
#define OPEN "三、本年度办理结果/（一）予以公开"
#define SECRET "三、本年度办理结果/（三）不予公开/1.属于国家秘密"
#define LAW "三、本年度办理结果/（三）不予公开/2.其他法律行政法规禁止公开"
#define NOINFO "三、本年度办理结果/（四）无法提供/1.本机关不掌握相关政府信息"
#define OTHER19 "三、本年度办理结果/（六）其他处理"
#define OTHER21 "三、本年度办理结果/（六）其他处理/3.其他"
#define TOTAL "三、本年度办理结果/（七）总计"
#define NEXT "四、结转下年度继续办理"

#define HEAD(year)                                                              \
	"测试县人民政府" year "年政府信息公开工作年度报告\n"                    \
	"一、总体情况\n本县依法做好政府信息公开工作。\n"

/* Table 3 rows of a 2021 report, one per line, pipes, with a typo. */
static const char pipe21[] =
	HEAD("2022")
	"二、主动公开政府信息情况\n"
	"第二十条第（一）项\n"
	"信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数\n"
	"规章 | 0 | 0 | 3\n"
	"行政规范性文件 | 5 | 1 | 40\n"
	"其他主动公开文件 | 2 | 0 | 9\n"
	"第二十条第（五）项\n"
	"信息内容 | 本年处理决定数量\n"
	"行政许可 | 1,024\n"
	"第二十条第（八）项\n"
	"信息内容 | 本年收费金额（单位：万元）\n"
	"行政事业性收费 | 12000元\n"
	"三、收到和处理政府信息公开申请情况\n"
	"（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） | 申请人情况\n"
	"自然人 | 法人或其他组织 | 总计\n"
	"商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他\n"
	"一、本年新收政府信息公开申请数量 | 10 | 1 | 0 | 0 | 0 | 0 | 11\n"
	"二、上年结转政府信息公开申请数量 | 2 | 0 | 0 | 0 | 0 | 0 | 2\n"
	"三、本年度办理结果 | (一)予以公开 | 5 | 1 | 0 | 0 | 0 | 0 | 6\n"
	"(二)部分公开(区分处理的,只计这一情形,不计其他情形) | 1 | 0 | 0 | 0 | 0 | 0 | 1\n"
	"(三)不予公开 | 1、属于国家秘密 | 0 | 0 | 0 | 0 | 0 | 0 | 0\n"
	"2、其他法律行政止公开 | 1 | 0 | 0 | 0 | 0 | 0 | 1\n"
	"3、危及\"三安全一稳定\" | 0 | 0 | 0 | 0 | 0 | 0 | 0\n"
	"4、保护第三方合法权益 | 0 | 0 | 0 | 0 | 0 | 0 | 0\n"
	"5、属于三类内部事务信息 | 0 | 0 | 0 | 0 | 0 | 0 | 0\n"
	"6、属于四类过程性信息 | 0 | 0 | 0 | 0 | 0 | 0 | 0\n"
	"7、属于行政执法案卷 | 0 | 0 | 0 | 0 | 0 | 0 | 0\n"
	"8、属于行政查询事项 | 0 | 0 | 0 | 0 | 0 | 0 | 0\n"
	"(四)无法提供 | 1、本机关不掌握相关政府信息 | 3 | 0 | 0 | 0 | 0 | 0 | 3\n"
	"2、没有现成信息需要另行制作 | 0 | 0 | 0 | 0 | 0 | 0 | 0\n"
	"3、补正后申请内容仍不明确 | 0 | 0 | 0 | 0 | 0 | 0 | 0\n"
	"(五)不予处理 | 1、信访举报投诉类申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0\n"
	"2、重复申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0\n"
	"3、要求提供公开出版物 | 0 | 0 | 0 | 0 | 0 | 0 | 0\n"
	"4、无正当理由大量反复申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0\n"
	"5、要求行政机关确认或重新出具已获取信息 | 0 | 0 | 0 | 0 | 0 | 0 | 0\n"
	"(六)其他处理 | 1、申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0\n"
	"2、申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0\n"
	"3、其他 | 1 | 0 | 0 | 0 | 0 | 0 | 1\n"
	"(七)总计 | 11 | 1 | 0 | 0 | 0 | 0 | 12\n"
	"四、结转下年度继续办理 | 1 | 0 | 0 | 0 | 0 | 0 | 1\n"
	"四、政府信息公开行政复议、行政诉讼情况\n"
	"行政复议 | 行政诉讼\n"
	"0 | 1 | 0 | 0 | 1 | 0 | 0 | 0 | 0 | 0 | 2 | 0 | 0 | 0 | 2\n"
	"五、存在的主要问题及改进情况\n仍需改进。\n";

static void test_pipe_2021(void **state)
{
	(void)state;
	nb_report *r = parse("pipe.txt", pipe21);
	const nb_table *t3 = table(r, "申请情况");

	assert_non_null(t3);
	assert_int_equal(t3->format, NB_FMT_2021);
	assert_int_equal(t3->nrows, 25);
	assert_string_equal(cell(r, "申请情况", NEW, 6), "11");
	assert_string_equal(cell(r, "申请情况", OLD, 0), "2");
	assert_string_equal(cell(r, "申请情况", OPEN, 1), "1");
	assert_string_equal(cell(r, "申请情况", LAW, 0), "1");
	assert_string_equal(cell(r, "申请情况", NOINFO, 6), "3");
	assert_string_equal(cell(r, "申请情况", OTHER21, 6), "1");
	assert_string_equal(cell(r, "申请情况", TOTAL, 0), "11");
	assert_string_equal(cell(r, "申请情况", NEXT, 6), "1");
	/* The typo is matched, and the printed label kept. */
	const nb_row *law = row(t3, LAW);
	assert_non_null(law->printed);
	assert_non_null(strstr(law->printed, "其他法律行政止公开"));

	assert_string_equal(cell(r, "复议诉讼情况", "行政复议", 1), "1");
	assert_string_equal(cell(r, "复议诉讼情况", "行政复议", 4), "1");
	assert_string_equal(cell(r, "复议诉讼情况", "行政诉讼/复议后起诉", 0), "2");

	/* Table 2: thousands separator, the province's extra row, 元 -> 万元. */
	assert_string_equal(cell(r, "第二十条第（五）项", "行政许可", 0), "1024");
	const nb_table *t21 = table(r, "第二十条第（一）项");
	assert_int_equal(t21->format, NB_FMT_2021);
	assert_int_equal(t21->nrows, 3);
	assert_true(t21->rows[2].extra);
	assert_string_equal(t21->rows[2].label, "其他主动公开文件");
	assert_string_equal(cell(r, "第二十条第（一）项", "其他主动公开文件", 2), "9");
	assert_string_equal(cell(r, "第二十条第（八）项", "行政事业性收费", 0), "1.2");
	bool noted = false;
	for (size_t i = 0; i < r->nnotes; i++)
		noted = noted || strstr(r->notes[i], "12000元");
	assert_true(noted);
	nb_report_free(r);
}

/* A row of cells known only by a misspelt label is inferred: when its
 * numbers do not add up either, nothing vouches for its place. */
static void test_typo_row_that_does_not_add_up(void **state)
{
	(void)state;
	char *text = strdup(pipe21);
	assert_non_null(text);
	char *at = strstr(text, "2、其他法律行政止公开 | 1 | 0 | 0 | 0 | 0 | 0 | 1\n");
	assert_non_null(at);
	at[strlen("2、其他法律行政止公开 | 1 | 0 | 0 | 0 | 0 | 0 | ")] = '2';
	nb_report *r = parse("pipe.txt", text);

	assert_string_equal(cell(r, "申请情况", LAW, 0), "?");
	assert_true(warned(r, "names the row only approximately"));
	/* A row named to the letter that does not add up is kept. */
	assert_string_equal(cell(r, "申请情况", OPEN, 6), "6");
	nb_report_free(r);
	free(text);
}

/* An HTML table turned into text: a row printed all blank leaves only its
 * label, whose cells look like a merged cell's filler.  The next row's
 * numbers belong to the label on their own line, never to that one. */
static void test_grid_row_known_by_its_own_line(void **state)
{
	(void)state;
	const char *from = "(二)部分公开(区分处理的,只计这一情形,不计其他情形) | 1 | 0 | 0 | 0 | 0 | 0 | 1\n";
	const char *to = "(二)部分公开(区分处理的,只计这一情形,不计其他情形) |  |  |  |  |  |  | \n";
	const char *at = strstr(pipe21, from);
	assert_non_null(at);
	size_t len = strlen(pipe21) + strlen(to);
	char *text = malloc(len);
	assert_non_null(text);
	snprintf(text, len, "%.*s%s%s", (int)(at - pipe21), pipe21, to, at + strlen(from));
	nb_report *r = parse("pipe.txt", text);

	assert_string_equal(cell(r, "申请情况", SECRET, 0), "0");
	assert_string_equal(cell(r, "申请情况", LAW, 0), "1");
	assert_string_equal(cell(r, "申请情况",
				 "三、本年度办理结果/（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 0),
			    "?");
	nb_report_free(r);
	free(text);
}

/* One cell per line, no blank lines; two rows print no label (PDF reading
 * order), and the gap they leave fits exactly. */
static const char stream19[] =
	HEAD("2020")
	"三、收到和处理政府信息公开申请情况\n"
	"申请人情况\n自然人\n法人或其他组织\n总计\n商业企业\n科研机构\n社会公益组织\n法律服务机构\n其他\n"
	"一、本年新收政府信息公开申请数量\n9\n0\n0\n0\n0\n0\n9\n"
	"二、上年结转政府信息公开申请数量\n1\n0\n0\n0\n0\n0\n1\n"
	"4\n0\n0\n0\n0\n0\n4\n"
	"2\n0\n0\n0\n0\n0\n2\n"
	"1.属于国家秘密\n0\n0\n0\n0\n0\n0\n0\n"
	"2.其他法律行政法规禁止公开\n0\n0\n0\n0\n0\n0\n0\n"
	"3.危及“三安全一稳定”\n0\n0\n0\n0\n0\n0\n0\n"
	"4.保护第三方合法权益\n0\n0\n0\n0\n0\n0\n0\n"
	"5.属于三类内部事务信息\n0\n0\n0\n0\n0\n0\n0\n"
	"6.属于四类过程性信息\n0\n0\n0\n0\n0\n0\n0\n"
	"7.属于行政执法案卷\n0\n0\n0\n0\n0\n0\n0\n"
	"8.属于行政查询事项\n0\n0\n0\n0\n0\n0\n0\n"
	"1.本机关不掌握相关政府信息\n3\n0\n0\n0\n0\n0\n3\n"
	"2.没有现成信息需要另行制作\n0\n0\n0\n0\n0\n0\n0\n"
	"3.补正后申请内容仍不明确\n0\n0\n0\n0\n0\n0\n0\n"
	"1.信访举报投诉类申请\n0\n0\n0\n0\n0\n0\n0\n"
	"2.重复申请\n0\n0\n0\n0\n0\n0\n0\n"
	"3.要求提供公开出版物\n0\n0\n0\n0\n0\n0\n0\n"
	"4.无正当理由大量反复申请\n0\n0\n0\n0\n0\n0\n0\n"
	"5.要求行政机关确认或重新出具已获取信息\n0\n0\n0\n0\n0\n0\n0\n"
	"（六）其他处理\n0\n0\n0\n0\n0\n0\n0\n"
	"（七）总计\n9\n0\n0\n0\n0\n0\n9\n"
	"四、结转下年度继续办理\n1\n0\n0\n0\n0\n0\n1\n"
	"（一）予以公开\n（二）部分公开（区分处理的，只计这一情形，不计其他情形）\n"
	"四、政府信息公开行政复议、行政诉讼情况\n"
	"行政复议\n行政诉讼\n结果维持\n结果纠正\n其他结果\n尚未审结\n总计\n"
	"0\n0\n0\n0\n0\n0\n0\n0\n0\n0\n0\n0\n0\n0\n0\n"
	"五、存在的主要问题及改进情况\n无。\n";

static void test_stream_gap_fill(void **state)
{
	(void)state;
	nb_report *r = parse("stream.txt", stream19);
	const nb_table *t3 = table(r, "申请情况");

	assert_non_null(t3);
	assert_int_equal(t3->format, NB_FMT_2019);
	assert_int_equal(t3->nrows, 23);
	assert_string_equal(cell(r, "申请情况", OPEN, 0), "4");
	assert_string_equal(cell(r, "申请情况",
				 "三、本年度办理结果/（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 6),
			    "2");
	assert_string_equal(cell(r, "申请情况", OTHER19, 6), "0");
	assert_string_equal(cell(r, "申请情况", TOTAL, 6), "9");
	nb_report_free(r);
}

/* The same, but one unlabelled row too many: nothing is placed by order. */
static void test_gap_that_does_not_fit(void **state)
{
	(void)state;
	char *text = strdup(stream19);
	assert_non_null(text);
	const char *extra = "2\n0\n0\n0\n0\n0\n2\n";
	char *at = strstr(text, "1.属于国家秘密");
	size_t head = (size_t)(at - text);
	size_t len = strlen(text) + strlen(extra) + 1;
	char *more = malloc(len);
	assert_non_null(more);
	snprintf(more, len, "%.*s%s%s", (int)head, text, extra, at);
	nb_report *r = parse("stream.txt", more);

	assert_string_equal(cell(r, "申请情况", OPEN, 0), "?");
	assert_string_equal(cell(r, "申请情况", SECRET, 0), "0");
	assert_true(warned(r, "予以公开"));
	nb_report_free(r);
	free(more);
	free(text);
}

/* A row placed by order whose numbers do not add up across may have been
 * shifted by a stray value: it is left empty rather than trusted. */
static void test_gap_row_that_does_not_add_up(void **state)
{
	(void)state;
	char *text = strdup(stream19);
	assert_non_null(text);
	char *row = strstr(text, "2\n0\n0\n0\n0\n0\n2\n1.属于国家秘密");
	assert_non_null(row);
	row[12] = '3';	/* its 总计 */
	nb_report *r = parse("stream.txt", text);

	assert_string_equal(cell(r, "申请情况", OPEN, 0), "4");
	assert_string_equal(cell(r, "申请情况",
				 "三、本年度办理结果/（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 0),
			    "?");
	assert_true(warned(r, "t3.row_total does not hold"));
	nb_report_free(r);
	free(text);
}

/* Table 4's fifteen numbers in reading order are inferred: a group whose
 * total does not hold stays empty; as one row of cells it would be kept
 * (test_checks). */
static void test_appeals_in_reading_order(void **state)
{
	(void)state;
	const char *from = "总计\n0\n0\n0\n0\n0\n";
	const char *to = "总计\n10\n1\n0\n0\n0\n";
	const char *at = strstr(stream19, from);
	assert_non_null(at);
	size_t len = strlen(stream19) + strlen(to);
	char *text = malloc(len);
	assert_non_null(text);
	snprintf(text, len, "%.*s%s%s", (int)(at - stream19), stream19, to, at + strlen(from));
	nb_report *r = parse("stream.txt", text);

	assert_string_equal(cell(r, "复议诉讼情况", "行政复议", 0), "?");
	assert_string_equal(cell(r, "复议诉讼情况", "行政复议", 4), "?");
	assert_string_equal(cell(r, "复议诉讼情况", "行政诉讼/复议后起诉", 4), "0");
	assert_true(warned(r, "t4.total does not hold"));
	nb_report_free(r);
	free(text);
}

/* PDF layout: aligned columns, a wrapped label, a vertical tall label,
 * a page number inside the table. */
static const char layout21[] =
	HEAD("2023")
	"   三、收到和处理政府信息公开申请情况\n"
	"                                            申请人情况\n"
	"                              自然人      商业企业  科研机构  社会公益组织  法律服务机构  其他  总计\n"
	"一、本年新收政府信息公开申请数量         20        1       0       0       0      0    21\n"
	"二、上年结转政府信息公开申请数量         2         0       0       0       0      0    2\n"
	"      （一）予以公开                   10        1       0       0       0      0    11\n"
	"      （二）部分公开（区分处理的，只计这一情\n"
	"                                1         0       0       0       0      0    1\n"
	"      形，不计其他情形）\n"
	"三、        1.属于国家秘密            0         0       0       0       0      0    0\n"
	"本          2.其他法律行政法规禁止公开  0         0       0       0       0      0    0\n"
	"年          3.危及“三安全一稳定”      0         0       0       0       0      0    0\n"
	"度          4.保护第三方合法权益       0         0       0       0       0      0    0\n"
	"办   （三）不予公开\n"
	"理          5.属于三类内部事务信息     0         0       0       0       0      0    0\n"
	"结          6.属于四类过程性信息       0         0       0       0       0      0    0\n"
	"果          7.属于行政执法案卷         0         0       0       0       0      0    0\n"
	"            8.属于行政查询事项         0         0       0       0       0      0    0\n"
	"                                          -3-\n"
	"      （四）无  1.本机关不掌握相关政府信息  8     0       0       0       0      0    8\n"
	"      法提供    2.没有现成信息需要另行制作  0     0       0       0       0      0    0\n"
	"                3.补正后申请内容仍不明确    0     0       0       0       0      0    0\n"
	"      （五）不  1.信访举报投诉类申请        0     0       0       0       0      0    0\n"
	"      予处理    2.重复申请                  0     0       0       0       0      0    0\n"
	"                3.要求提供公开出版物        0     0       0       0       0      0    0\n"
	"                4.无正当理由大量反复申请    0     0       0       0       0      0    0\n"
	"                5.要求行政机关确认或重新出\n"
	"                                            0     0       0       0       0      0    0\n"
	"                具已获取信息\n"
	"                1、申请人无正当理由逾期不补\n"
	"                正、行政机关不再处理其政府信  0   0       0       0       0      0    0\n"
	"                息公开申请\n"
	"      （六）其  2、申请人逾期未按收费通知要\n"
	"      他处理    求缴纳费用、行政机关不再处理  0   0       0       0       0      0    0\n"
	"                其政府信息公开申请\n"
	"                3、其他                       1   0       0       0       0      0    1\n"
	"      （七）总计                             20   1       0       0       0      0    21\n"
	"四、结转下年度继续办理                        2   0       0       0       0      0    2\n"
	"   四、政府信息公开行政复议、行政诉讼情况\n"
	"行政复议                           行政诉讼\n"
	"结果  结果  其他  尚未  总计   未经复议直接起诉          复议后起诉\n"
	"3     0     0     1     4      0  0  0  0  0      1  0  0  0  1\n"
	"   五、存在的主要问题及改进情况\n"
	"   仍需改进。\n";

static void test_layout(void **state)
{
	(void)state;
	nb_report *r = parse("layout.txt", layout21);
	const nb_table *t3 = table(r, "申请情况");

	assert_non_null(t3);
	assert_int_equal(t3->format, NB_FMT_2021);
	assert_string_equal(cell(r, "申请情况", NEW, 0), "20");
	assert_string_equal(cell(r, "申请情况",
				 "三、本年度办理结果/（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 0),
			    "1");
	assert_string_equal(cell(r, "申请情况", NOINFO, 0), "8");
	assert_string_equal(cell(r, "申请情况", OTHER21, 6), "1");
	assert_string_equal(cell(r, "申请情况", TOTAL, 6), "21");
	assert_string_equal(cell(r, "申请情况", NEXT, 0), "2");
	assert_string_equal(cell(r, "复议诉讼情况", "行政复议", 0), "3");
	assert_string_equal(cell(r, "复议诉讼情况", "行政复议", 4), "4");
	assert_string_equal(cell(r, "复议诉讼情况", "行政诉讼/复议后起诉", 4), "1");
	for (size_t i = 0; i < r->nchecks; i++)
		assert_true(r->checks[i].ok);
	nb_report_free(r);
}

/* Table 4 numbers interleaved with header text, in PDF reading order:
 * their places are uncertain, so every cell stays empty, with a warning. */
static void test_appeals_uncertain(void **state)
{
	(void)state;
	static const char text[] =
		HEAD("2023")
		"二、主动公开政府信息情况\n本年无变化。\n"
		"三、收到和处理政府信息公开申请情况\n本年未收到申请。\n"
		"四、政府信息公开行政复议、行政诉讼情况\n"
		"行政复议\n行政诉讼\n结果\n维持\n总计\n7\n1\n0\n2\n结果\n纠正\n3\n1\n0\n总计\n10\n"
		"0\n0\n0\n0\n0\n1\n总计\n4\n"
		"五、存在的主要问题及改进情况\n无。\n";
	nb_report *r = parse("raw.txt", text);

	for (size_t j = 0; j < 5; j++)
		assert_string_equal(cell(r, "复议诉讼情况", "行政复议", j), "?");
	assert_true(warned(r, "uncertain"));
	nb_report_free(r);
}

/*
 * pdftotext's reading order reads table 4 as blocks and moves one (the
 * 复议后起诉 results before the 行政复议 总计): printed 5 2 3 1 11 |
 * 6 3 0 3 12 | 4 0 2 1 7, read 5 2 3 1 | 4 0 2 1 | 11 | 6 3 0 3 12 | 7.
 */
#define T4_MOVED(group_name)                                                      \
	HEAD("2024")                                                              \
	"二、主动公开政府信息情况\n本年无变化。\n"                                 \
	"三、收到和处理政府信息公开申请情况\n本年未收到申请。\n"                   \
	"四、政府信息公开行政复议、行政诉讼情况\n"                                 \
	"行政复议\n行政诉讼\n未经复议直接起诉\n结果\n结果\n其他结\n尚未\n维持\n"    \
	"纠正\n果\n审结\n总计\n5\n2\n3\n1\n结 果\n结果\n其他\n" group_name         \
	"尚未\n结果\n结果\n其他\n尚未审\n维持\n纠正\n结果\n结\n4\n0\n2\n1\n总计\n11\n"  \
	"维持\n纠正\n结果\n审结\n6\n3\n0\n3\n12\n总计\n7\n"                       \
	"五、存在的主要问题及改进情况\n无。\n"

static const char *const T4_ROWS[] = {
	"行政复议", "行政诉讼/未经复议直接起诉", "行政诉讼/复议后起诉",
};

static void test_appeals_blocks_moved(void **state)
{
	(void)state;
	static const char *const want[3][5] = {
		{ "5", "2", "3", "1", "11" }, { "6", "3", "0", "3", "12" }, { "4", "0", "2", "1", "7" },
	};
	nb_report *r = parse("raw.txt", T4_MOVED("复议后起诉\n"));

	for (size_t g = 0; g < 3; g++)
		for (size_t j = 0; j < 5; j++)
			assert_string_equal(cell(r, "复议诉讼情况", T4_ROWS[g], j), want[g][j]);
	nb_report_free(r);
}

/* Without the header that names the moved block's group, three orders of
 * the groups fit the totals and the reading order: nothing is written. */
static void test_appeals_blocks_moved_unnamed(void **state)
{
	(void)state;
	nb_report *r = parse("raw.txt", T4_MOVED(""));

	for (size_t g = 0; g < 3; g++)
		for (size_t j = 0; j < 5; j++)
			assert_string_equal(cell(r, "复议诉讼情况", T4_ROWS[g], j), "?");
	assert_true(warned(r, "more than one arrangement"));
	nb_report_free(r);
}

/* HTML: blank cells stay blank, a colspan'd value counts once, 元 under a
 * header with no unit keeps its unit in the header. */
static void test_html(void **state)
{
	(void)state;
	static const char text[] =
		"<html><body><p>2019年测试市人民政府办公厅政府信息公开工作年度报告</p>"
		"<p>一、总体情况</p><p>做了工作。</p>"
		"<p>二、主动公开政府信息情况</p><table>"
		"<tr><td colspan=\"5\">第二十条第（九）项</td></tr>"
		"<tr><td>信息内容</td><td colspan=\"2\">采购项目数量</td><td colspan=\"2\">采购总金额</td></tr>"
		"<tr><td>政府集中采购</td><td colspan=\"2\">3</td><td colspan=\"2\">120500元</td></tr>"
		"</table>"
		"<p>四、政府信息公开行政复议、行政诉讼情况</p><table>"
		"<tr><td colspan=\"5\">行政复议</td><td colspan=\"10\">行政诉讼</td></tr>"
		"<tr><td>2</td><td>&nbsp;</td><td>&nbsp;</td><td>1</td><td>3</td>"
		"<td>&nbsp;</td><td>&nbsp;</td><td>&nbsp;</td><td>&nbsp;</td><td>&nbsp;</td>"
		"<td>—</td><td>0</td><td>0</td><td>0</td><td>0</td></tr></table>"
		"<p>五、存在的主要问题及改进情况</p><p>无。</p></body></html>";
	nb_report *r = parse("page.html", text);
	const nb_table *t9 = table(r, "第二十条第（九）项");

	assert_non_null(t9);
	assert_string_equal(t9->cols[1], "采购总金额（元）");
	assert_string_equal(cell(r, "第二十条第（九）项", "政府集中采购", 0), "3");
	assert_string_equal(cell(r, "第二十条第（九）项", "政府集中采购", 1), "120500");
	assert_string_equal(cell(r, "复议诉讼情况", "行政复议", 1), "");
	assert_string_equal(cell(r, "复议诉讼情况", "行政复议", 4), "3");
	assert_string_equal(cell(r, "复议诉讼情况", "行政诉讼/未经复议直接起诉", 4), "");
	assert_string_equal(cell(r, "复议诉讼情况", "行政诉讼/复议后起诉", 0), "");
	assert_string_equal(cell(r, "复议诉讼情况", "行政诉讼/复议后起诉", 1), "0");
	nb_report_free(r);
}

/* Table 2 printed without its clause headings: each row's label tells its
 * clause. */
static void test_active_without_clause_headings(void **state)
{
	(void)state;
	static const char text[] =
		HEAD("2022")
		"二、主动公开政府信息情况\n"
		"信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数\n"
		"规章 | 0 | 0 | 3\n"
		"行政规范性文件 | 5 | 1 | 40\n"
		"信息内容 | 本年处理决定数量\n"
		"行政许可 | 77\n"
		"行政处罚 | 12\n"
		"行政强制 | 3\n"
		"三、收到和处理政府信息公开申请情况\n本年未收到申请。\n"
		"四、政府信息公开行政复议、行政诉讼情况\n无。\n"
		"五、存在的主要问题及改进情况\n无。\n";
	nb_report *r = parse("noclause.txt", text);

	assert_string_equal(cell(r, "第二十条第（一）项", "行政规范性文件", 2), "40");
	assert_string_equal(cell(r, "第二十条第（五）项", "行政许可", 0), "77");
	assert_string_equal(cell(r, "第二十条第（六）项", "行政处罚", 0), "12");
	assert_string_equal(cell(r, "第二十条第（六）项", "行政强制", 0), "3");
	assert_null(table(r, "第二十条第（八）项"));
	nb_report_free(r);
}

/* A failing rule is reported and the numbers stay as printed. */
static void test_checks(void **state)
{
	(void)state;
	static const char text[] =
		HEAD("2021")
		"二、主动公开政府信息情况\n本年无变化。\n"
		"三、收到和处理政府信息公开申请情况\n本年未收到申请。\n"
		"四、政府信息公开行政复议、行政诉讼情况\n"
		"行政复议 | 行政诉讼\n"
		"10 | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0\n"
		"五、存在的主要问题及改进情况\n无。\n";
	nb_report *r = parse("checks.txt", text);
	bool failed = false;

	assert_string_equal(cell(r, "复议诉讼情况", "行政复议", 0), "10");
	assert_string_equal(cell(r, "复议诉讼情况", "行政复议", 4), "0");
	for (size_t i = 0; i < r->nchecks; i++)
		if (!strcmp(r->checks[i].rule, "t4.total") &&
		    !strcmp(r->checks[i].subject, "行政复议")) {
			assert_false(r->checks[i].ok);
			assert_non_null(strstr(r->checks[i].detail, "= 11"));
			failed = true;
		}
	assert_true(failed);
	nb_report_free(r);
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
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_template_labels_unique),
		cmocka_unit_test(test_whole_numbers),
		cmocka_unit_test(test_align_from_kept_scores),
		cmocka_unit_test(test_plain_digits_as_fullwidth),
		cmocka_unit_test(test_decimal_shift),
		cmocka_unit_test(test_pipe_2021),
		cmocka_unit_test(test_stream_gap_fill),
		cmocka_unit_test(test_gap_that_does_not_fit),
		cmocka_unit_test(test_gap_row_that_does_not_add_up),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_appeals_uncertain),
		cmocka_unit_test(test_appeals_blocks_moved),
		cmocka_unit_test(test_appeals_blocks_moved_unnamed),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_active_without_clause_headings),
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_typo_row_that_does_not_add_up),
		cmocka_unit_test(test_grid_row_known_by_its_own_line),
		cmocka_unit_test(test_appeals_in_reading_order),
		cmocka_unit_test(test_stage_inferred_row_that_does_not_add_up),
		cmocka_unit_test(test_stage_structured_row_that_does_not_add_up),
		cmocka_unit_test(test_stage_inferred_row_that_adds_up),
		cmocka_unit_test(test_stage_column_rule),
		cmocka_unit_test(test_stage_active_without_arithmetic),
		cmocka_unit_test(test_stage_count_and_why),
		cmocka_unit_test(test_stage_empty_field_in_reading_order),
		cmocka_unit_test(test_rules),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
