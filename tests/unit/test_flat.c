/*
 * test_flat.c — flattened pages: the digit-run solver, the cutting of a
 * one-line article into lines, and a whole flattened report of our own
 * through nb_parse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flat.h"

/* ---- the solver ------------------------------------------------------------ */

static const nb_split_rule t3_row = { .ncols = 7, .sign_col = -1, .nsums = 1,
				      .sums = { { 0x3F, 6 } } };
static const nb_split_rule three = { .ncols = 3, .sign_col = -1 };
static const nb_split_rule signed3 = { .ncols = 3, .sign_col = 1 };
static const nb_split_rule money1 = { .ncols = 1, .sign_col = -1, .decimal_cols = 1 };
static const nb_split_rule count1 = { .ncols = 1, .sign_col = -1 };
static const nb_split_rule t4_run = { .ncols = 15, .sign_col = -1, .nsums = 3,
				      .sums = { { 0xF, 4 }, { 0xF << 5, 9 }, { 0xF << 10, 14 } } };

/* The one reading, its cells joined by '|'. */
static void expect_one(const char *run, unsigned next_enum, const nb_split_rule *rule,
		       const char *want)
{
	nb_split out[4];
	size_t count;
	char got[256] = "";

	assert_int_equal(nb_split_run(run, strlen(run), next_enum, rule, out, 4, &count),
			 NB_SPLIT_ONE);
	assert_int_equal(count, 1);
	for (size_t c = 0; c < rule->ncols; c++) {
		if (c)
			strcat(got, "|");
		strcat(got, out[0].cell[c]);
	}
	assert_string_equal(got, want);
}

static void expect_status(const char *run, unsigned next_enum, const nb_split_rule *rule,
			  nb_split_status want)
{
	nb_split out[4];
	size_t count;

	assert_int_equal(nb_split_run(run, strlen(run), next_enum, rule, out, 4, &count), want);
	if (want == NB_SPLIT_MANY)
		assert_true(count >= 2);
	if (want == NB_SPLIT_NONE)
		assert_int_equal(count, 0);
}

static void test_unique(void **state)
{
	(void)state;
	/* 总计 = the six applicant columns picks one cut of nine digits. */
	expect_one("801000081", 0, &t3_row, "80|1|0|0|0|0|81");
	expect_one("640020470", 0, &t3_row, "64|0|0|2|0|4|70");
	expect_one("0000000", 0, &t3_row, "0|0|0|0|0|0|0");
	/* As many digits as cells: one digit each. */
	expect_one("000", 0, &three, "0|0|0");
	expect_one("2629", 0, &count1, "2629");
	/* Fullwidth digits. */
	expect_one("８０１０００081", 0, &t3_row, "80|1|0|0|0|0|81");
	/* Table 4: each group's 总计 is the sum of its four results. */
	expect_one("110024001510102", 0, &t4_run, "1|1|0|0|2|4|0|0|1|5|1|0|1|0|2");
	expect_one("10203120001200000", 0, &t4_run, "1|0|2|0|3|12|0|0|0|12|0|0|0|0|0");
	/* A space the crawler kept is always a boundary between two cells. */
	expect_one("230 000023", 0, &t3_row, "23|0|0|0|0|0|23");
	expect_one("0 0 0 0 0 00", 0, &t3_row, "0|0|0|0|0|0|0");
}

static void test_ambiguous(void **state)
{
	nb_split out[32];
	size_t count;

	(void)state;
	/* Three counts, no sum among them: 7|7|132470, 77|132|470, … */
	assert_int_equal(nb_split_run("77132470", 8, 0, &three, out, 32, &count), NB_SPLIT_MANY);
	assert_int_equal(count, 21);
	/* The row's sum does not tell 22|0|…|22 from 2|20|…|22. */
	expect_status("220000022", 0, &t3_row, NB_SPLIT_MANY);
	/* Without room for the readings, still told apart from one. */
	assert_int_equal(nb_split_run("77132470", 8, 0, &three, NULL, 0, &count), NB_SPLIT_MANY);
}

static void test_none(void **state)
{
	(void)state;
	expect_status("12", 0, &three, NB_SPLIT_NONE);		/* too few digits */
	expect_status("1000002", 0, &t3_row, NB_SPLIT_NONE);	/* 1 ≠ 2 */
	expect_status("", 0, &count1, NB_SPLIT_NONE);
	expect_status("12a", 0, &count1, NB_SPLIT_NONE);	/* not a run */
}

static void test_separators(void **state)
{
	static const nb_split_rule two = { .ncols = 2, .sign_col = -1 };
	static const nb_split_rule buy = { .ncols = 2, .sign_col = -1, .decimal_cols = 2 };

	(void)state;
	/* A thousands comma stays inside a cell, between groups of three. */
	expect_one("12,810", 0, &count1, "12810");
	expect_one("3,1002", 0, &two, "3100|2");
	expect_status("1,28", 0, &count1, NB_SPLIT_NONE);
	expect_status("12,8100", 0, &count1, NB_SPLIT_NONE);
	expect_status(",128", 0, &count1, NB_SPLIT_NONE);
	/* A unit between two numbers ends a cell: 10件322.89. */
	expect_one("10件322.89", 0, &buy, "10|322.89");
	expect_status("10件32", 0, &count1, NB_SPLIT_NONE);
}

static void test_leading_zeros(void **state)
{
	(void)state;
	/* 0|0|11, never 0|01|1 or 00|1|1. */
	expect_one("0011", 0, &three, "0|0|11");
	expect_status("01", 0, &count1, NB_SPLIT_NONE);
	/* 0.5 is a number, 00.5 is not. */
	expect_one("0.5", 0, &money1, "0.5");
	expect_status("00.5", 0, &money1, NB_SPLIT_NONE);
}

static void test_enumeration(void **state)
{
	(void)state;
	/* …相关政府信息3100000312.没有现成…: the "2." is the next label's. */
	expect_one("3100000312.", 2, &t3_row, "31|0|0|0|0|0|31");
	expect_one("00000002、", 2, &t3_row, "0|0|0|0|0|0|0");
	/* With no such label next, a trailing point is no number. */
	expect_status("3100000312.", 0, &t3_row, NB_SPLIT_NONE);
	/* The wrong number is not stripped. */
	expect_status("3100000312.", 3, &t3_row, NB_SPLIT_NONE);
	/* A run of nothing but the enumeration has no cells. */
	expect_status("1.", 1, &t3_row, NB_SPLIT_NONE);
}

static void test_signed(void **state)
{
	(void)state;
	/* The sign opens 本年增/减 and nothing else. */
	expect_one("5+37", 0, &signed3, "5|3|7");
	expect_one("5-37", 0, &signed3, "5|-3|7");
	expect_status("12-340", 0, &signed3, NB_SPLIT_MANY);	/* -3|40 or -34|0 */
	expect_status("-537", 0, &signed3, NB_SPLIT_NONE);	/* not in column 0 */
	expect_status("53+7", 0, &signed3, NB_SPLIT_NONE);	/* nothing left after it */
	expect_status("+5", 0, &count1, NB_SPLIT_NONE);
}

static void test_decimals(void **state)
{
	static const nb_split_rule buy = { .ncols = 2, .sign_col = -1, .decimal_cols = 2 };

	(void)state;
	/* As printed, trailing zeros and all. */
	expect_one("5949.088667", 0, &money1, "5949.088667");
	expect_one("24252.310", 0, &money1, "24252.310");
	/* A point only in the money column. */
	expect_status("5.5", 0, &count1, NB_SPLIT_NONE);
	expect_status("5.", 0, &money1, NB_SPLIT_NONE);
	expect_status(".5", 0, &money1, NB_SPLIT_NONE);
	/* 采购项目数量 | 采购总金额: where the count ends is not printed. */
	expect_status("13575394432.52", 0, &buy, NB_SPLIT_MANY);
	expect_one("0 394432.52", 0, &buy, "0|394432.52");
}

/* ---- cutting the line -------------------------------------------------- */

#define ARTICLE                                                                      \
	"本报告依据条例编制。 一、总体情况 本年我局推进公开。（一）主动公开平台运行平稳。"   \
	"二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数"        \
	"现行有效件数规章000行政规范性文件3120三、收到和处理政府信息公开申请情况"          \
	"一、本年新收政府信息公开申请数量5000005（三）不予公开1.属于国家秘密00000002."     \
	"其他法律行政法规禁止公开0000000四、政府信息公开行政复议、行政诉讼情况"            \
	"结果维持总计000000000000000五、存在的主要问题及改进情况问题不少。"               \
	"六、其他需要报告的事项无。"

static void test_split_lines(void **state)
{
	static const char *const want[] = {
		"本报告依据条例编制。",
		"一、总体情况",
		"本年我局推进公开。",
		"（一）主动公开平台运行平稳。",
		"二、主动公开政府信息情况",
		"第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000",
		"行政规范性文件3120",
		"三、收到和处理政府信息公开申请情况",
		"一、本年新收政府信息公开申请数量5000005",
		"（三）不予公开",
		"1.属于国家秘密0000000",
		"2.其他法律行政法规禁止公开0000000",
		"四、政府信息公开行政复议、行政诉讼情况",
		"结果维持总计000000000000000",
		"五、存在的主要问题及改进情况",
		"问题不少。",
		"六、其他需要报告的事项",
		"无。",
	};
	const char *text = "标题: 某局2023年报告\n" ARTICLE "\n";
	nb_lines ls = { 0 };
	bool flat;

	(void)state;
	assert_int_equal(nb_split_lines(text, strlen(text), &ls), 0);
	assert_int_equal(nb_flat_split(&ls, &flat), 0);
	assert_true(flat);
	assert_int_equal(ls.n, 1 + sizeof want / sizeof *want);
	assert_string_equal(ls.v[0].text, "标题: 某局2023年报告");
	for (size_t k = 0; k < sizeof want / sizeof *want; k++)
		assert_string_equal(ls.v[k + 1].text, want[k]);
	/* Table rows are marked as such, prose and headings are not. */
	assert_true(ls.v[6].flags & NB_LF_FLATROW);
	assert_true(ls.v[11].flags & NB_LF_FLATROW);
	assert_false(ls.v[3].flags & NB_LF_FLATROW);
	assert_false(ls.v[5].flags & NB_LF_FLATROW);
	nb_lines_free(&ls);
}

/* Text as fold(1) or a hard wrap leaves it: s cut every width code points. */
static char *fold_text(const char *s, size_t width)
{
	size_t n = strlen(s), i = 0, k = 0, o = 0;
	char *out = malloc(2 * n + 2);

	assert_non_null(out);
	while (i < n) {
		size_t a = i;
		nb_utf8_next(s, n, &i);
		memcpy(out + o, s + a, i - a);
		o += i - a;
		if (++k % width == 0)
			out[o++] = '\n';
	}
	out[o++] = '\n';
	out[o] = '\0';
	return out;
}

/* The article hard-wrapped after the crawler saved it: the same lines. */
static void test_split_wrapped(void **state)
{
	char *folded = fold_text(ARTICLE, 31);
	size_t len = strlen("标题: 某局2023年报告\n") + strlen(folded) + 1;
	char *text = malloc(len);
	nb_lines ls = { 0 };
	bool flat;

	(void)state;
	assert_non_null(text);
	snprintf(text, len, "标题: 某局2023年报告\n%s", folded);
	assert_int_equal(nb_split_lines(text, strlen(text), &ls), 0);
	assert_true(ls.n > 8);
	assert_int_equal(nb_flat_split(&ls, &flat), 0);
	assert_true(flat);
	assert_string_equal(ls.v[0].text, "标题: 某局2023年报告");
	assert_string_equal(ls.v[9].text, "一、本年新收政府信息公开申请数量5000005");
	assert_string_equal(ls.v[14].text, "结果维持总计000000000000000");
	assert_true(ls.v[9].flags & NB_LF_FLATROW);
	nb_lines_free(&ls);
	free(text);
	free(folded);
}

/* Hard-wrapped prose that holds no article stays as it was. */
static void test_wrapped_not_flat(void **state)
{
	char *text = fold_text("一、总体情况本年我局认真贯彻条例，主动公开政府信息一千余条，答复申请均"
			       "在期限内。全年组织培训三次，开展巡查十二次，公开平台运行平稳，未发生"
			       "泄密事件。下一步将继续加强公开工作，提升公开质量。", 30);
	nb_lines ls = { 0 };
	bool flat;

	(void)state;
	assert_int_equal(nb_split_lines(text, strlen(text), &ls), 0);
	size_t n = ls.n;
	assert_int_equal(nb_flat_split(&ls, &flat), 0);
	assert_false(flat);
	assert_int_equal(ls.n, n);
	nb_lines_free(&ls);
	free(text);
}

/* Headings numbered 第一部分 or 1. 2.; a number glued to a table's last
 * digits (…收费49.13.收到和处理…) is the next heading's when the wording
 * follows to the letter. */
static void test_heading_numbers(void **state)
{
	static const char *const parts[] = {
		"第一部分总体情况 本年公开平稳，全年组织培训三次，开展巡查十二次，公开平台运行平稳。"
		"第二部分主动公开政府信息情况第二十条第（八）项信息内容本年收费金额行政事业性收费3.5"
		"第三部分收到和处理政府信息公开申请情况一、本年新收政府信息公开申请数量1000001"
		"第四部分政府信息公开行政复议、行政诉讼情况结果维持000000000000000\n",
		"1.总体情况 本年公开平稳，全年组织培训三次，开展巡查十二次，公开平台运行平稳。"
		"2.主动公开政府信息情况第二十条第（八）项信息内容本年收费金额行政事业性收费49.13.收到和"
		"处理政府信息公开申请情况一、本年新收政府信息公开申请数量1000001四、结转下年度继续办理"
		"00000004.政府信息公开行政复议、行政诉讼情况结果维持000000000000000\n",
	};
	static const char *const heads[2][4] = {
		{ "第一部分总体情况", "第二部分主动公开政府信息情况", "第三部分收到和处理政府信息公开申请情况",
		  "第四部分政府信息公开行政复议、行政诉讼情况" },
		{ "1.总体情况", "2.主动公开政府信息情况", "3.收到和处理政府信息公开申请情况",
		  "4.政府信息公开行政复议、行政诉讼情况" },
	};

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		nb_lines ls = { 0 };
		bool flat;
		size_t found = 0;
		assert_int_equal(nb_split_lines(parts[k], strlen(parts[k]), &ls), 0);
		assert_int_equal(nb_flat_split(&ls, &flat), 0);
		assert_true(flat);
		for (size_t i = 0; i < ls.n; i++)
			for (size_t h = 0; h < 4; h++)
				found += !strcmp(ls.v[i].text, heads[k][h]);
		assert_int_equal(found, 4);
		if (k == 1) {
			bool money = false;
			for (size_t i = 0; i < ls.n; i++)
				money = money || (strstr(ls.v[i].text, "行政事业性收费49.1") &&
						  !strstr(ls.v[i].text, "49.13"));
			assert_true(money);
		}
		nb_lines_free(&ls);
	}
}

static void test_not_flat(void **state)
{
	/* Ordinary text, one heading a line, and an intro sentence that lists
	 * the headings with their numerals: left as it is. */
	const char *text = "本报告包括一、总体情况；二、主动公开政府信息情况；三、收到和处理政府信息"
			   "公开申请情况；四、政府信息公开行政复议、行政诉讼情况等部分。\n"
			   "一、总体情况\n本年我局认真贯彻条例，主动公开政府信息一千余条，答复申请均在期限内。"
			   "全年组织培训三次，开展巡查十二次，公开平台运行平稳，未发生泄密事件。\n"
			   "二、主动公开政府信息情况\n规章 | 0 | 0 | 0\n"
			   "三、收到和处理政府信息公开申请情况\n";
	nb_lines ls = { 0 };
	bool flat;

	(void)state;
	assert_int_equal(nb_split_lines(text, strlen(text), &ls), 0);
	assert_int_equal(nb_flat_split(&ls, &flat), 0);
	assert_false(flat);
	assert_int_equal(ls.n, 6);
	assert_string_equal(ls.v[4].text, "规章 | 0 | 0 | 0");
	nb_lines_free(&ls);
}

/* ---- a whole report -------------------------------------------------------- */

static const nb_table *table_named(const nb_report *r, const char *name)
{
	for (size_t i = 0; i < r->ntables; i++)
		if (!strcmp(r->tables[i].name, name))
			return &r->tables[i];
	return NULL;
}

static const nb_cell *cell_at(const nb_table *t, const char *row, size_t col)
{
	for (size_t i = 0; i < t->nrows; i++)
		if (!strcmp(t->rows[i].label, row))
			return &t->rows[i].cells[col];
	return NULL;
}

static bool warned(const nb_report *r, const char *a, const char *b)
{
	for (size_t i = 0; i < r->nwarnings; i++)
		if (strstr(r->warnings[i], a) && strstr(r->warnings[i], b))
			return true;
	return false;
}

/* A flattened county page of the 2021 format, every table inline. */
static const char qinghe[] =
	"标题: 青禾县水利局2021年政府信息公开工作年度报告\n"
	"发布时间: 2022-01-20 09:00\n"
	"==================== 正文 ====================\n"
	"青禾县水利局2021年政府信息公开工作年度报告 本报告统计期限自2021年1月1日起至2021年12月31日止。"
	" 一、总体情况 2021年，我局做好公开工作。"
	" 二、主动公开政府信息情况 第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数"
	"规章000行政规范性文件3120第二十条第（五）项信息内容本年处理决定数量行政许可1523"
	"第二十条第（六）项信息内容本年处理决定数量行政处罚87行政强制4第二十条第（八）项信息内容"
	"本年收费金额（单位：万元）行政事业性收费12.5"
	"三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，等于第三项"
	"加第四项之和）申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"
	"一、本年新收政府信息公开申请数量120100013二、上年结转政府信息公开申请数量1000001"
	"三、本年度办理结果（一）予以公开6010007（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
	"1000001（三）不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开00000003.危及“三安全一稳定”"
	"00000004.保护第三方合法权益00000005.属于三类内部事务信息00000006.属于四类过程性信息0000000"
	"7.属于行政执法案卷00000008.属于行政查询事项0000000（四）无法提供1.本机关不掌握相关政府信息"
	"30000032.没有现成信息需要另行制作00000003.补正后申请内容仍不明确0000000（五）不予处理"
	"1.信访举报投诉类申请00000002.重复申请10000013.要求提供公开出版物00000004.无正当理由大量反复申请"
	"00000005.要求行政机关确认或重新出具已获取信息0000000（六）其他处理1.申请人无正当理由逾期不补正、"
	"行政机关不再处理其政府信息公开申请00000002.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理"
	"其政府信息公开申请00000003.其他0000000（七）总计110100012四、结转下年度继续办理2000002"
	"四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计"
	"未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果"
	"尚未审结总计100010000000000"
	"五、存在的主要问题及改进情况公开深度不够。六、其他需要报告的事项无。\n";

static void test_report(void **state)
{
	const char *text = qinghe;
	nb_parser *p;
	nb_report *r;

	(void)state;
	assert_int_equal(nb_parser_new(&p, NULL), 0);
	assert_int_equal(nb_parse(p, "qinghe.txt", text, strlen(text), &r), 0);
	assert_int_equal(r->nsections, 6);
	assert_string_equal(r->sections[1].name, "主动公开政府信息情况");

	const nb_table *t3 = table_named(r, "申请情况");
	assert_non_null(t3);
	assert_int_equal(t3->format, NB_FMT_2021);
	/* 12|0|1|0|0|0|13 is the one reading of 120100013. */
	assert_string_equal(cell_at(t3, "一、本年新收政府信息公开申请数量", 0)->value, "12");
	assert_string_equal(cell_at(t3, "一、本年新收政府信息公开申请数量", 6)->value, "13");
	assert_string_equal(cell_at(t3, "三、本年度办理结果/（四）无法提供/1.本机关不掌握相关政府信息", 6)->value, "3");
	assert_string_equal(cell_at(t3, "三、本年度办理结果/（七）总计", 2)->value, "1");
	assert_string_equal(cell_at(t3, "四、结转下年度继续办理", 0)->value, "2");

	const nb_table *t1 = table_named(r, "第二十条第（一）项");
	assert_non_null(t1);
	/* 3120 as three counts: 3|1|20, 3|12|0, 31|2|0: empty, with a warning. */
	assert_int_equal(cell_at(t1, "行政规范性文件", 0)->state, NB_CELL_ABSENT);
	assert_int_equal(cell_at(t1, "行政规范性文件", 2)->state, NB_CELL_ABSENT);
	assert_true(warned(r, "行政规范性文件", "more than one reading"));
	assert_string_equal(cell_at(t1, "规章", 1)->value, "0");
	assert_string_equal(cell_at(table_named(r, "第二十条第（五）项"), "行政许可", 0)->value,
			    "1523");
	assert_string_equal(cell_at(table_named(r, "第二十条第（八）项"), "行政事业性收费", 0)->value,
			    "12.5");

	const nb_table *t4 = table_named(r, "复议诉讼情况");
	assert_non_null(t4);
	assert_string_equal(cell_at(t4, "行政复议", 4)->value, "1");
	assert_string_equal(cell_at(t4, "行政诉讼/复议后起诉", 4)->value, "0");
	/* The tables are not prose. */
	assert_null(strstr(r->sections[2].text, "120100013"));
	assert_non_null(strstr(r->text, "120100013"));
	nb_report_free(r);
	nb_parser_free(p);
}

static bool check_failed(const nb_report *r, const char *rule, const char *subject)
{
	for (size_t i = 0; i < r->nchecks; i++)
		if (!r->checks[i].ok && !strcmp(r->checks[i].rule, rule) &&
		    !strcmp(r->checks[i].subject, subject))
			return true;
	return false;
}

/* A run with as many digits as columns (0000000) has one reading by its
 * format alone: the row's own cells, kept though the report's numbers
 * break a rule (the check says so).  A run only the sums could split
 * (120100013) is inferred: a rule that fails over it leaves it empty. */
static void test_forced_split_kept(void **state)
{
	static const char from[] = "（七）总计110100012", to[] = "（七）总计0000000";
	const char *at = strstr(qinghe, from);
	char text[sizeof qinghe];
	nb_parser *p;
	nb_report *r;

	(void)state;
	assert_non_null(at);
	size_t head = (size_t)(at - qinghe), tail = strlen(at + strlen(from));
	memcpy(text, qinghe, head);
	memcpy(text + head, to, strlen(to));
	memcpy(text + head + strlen(to), at + strlen(from), tail + 1);
	assert_int_equal(nb_parser_new(&p, NULL), 0);
	assert_int_equal(nb_parse(p, "qinghe.txt", text, strlen(text), &r), 0);
	const nb_table *t3 = table_named(r, "申请情况");
	assert_non_null(t3);
	assert_string_equal(cell_at(t3, "三、本年度办理结果/（七）总计", 6)->value, "0");
	assert_string_equal(cell_at(t3, "四、结转下年度继续办理", 6)->value, "2");
	assert_true(check_failed(r, "t3.results", "总计"));
	/* 13 + 1 = 0 + 2 fails: the inferred 一 row's 总计 is not written */
	assert_int_equal(cell_at(t3, "一、本年新收政府信息公开申请数量", 6)->state,
			 NB_CELL_ABSENT);
	nb_report_free(r);
	nb_parser_free(p);
}

/* A note inside a row (22（其中修订16件）…) hides where the run ends: the
 * row stays empty rather than split at the note. */
static void test_note_ends_no_run(void **state)
{
	static const char text[] =
		"标题: 青禾县水利局政府信息公开工作年度报告\n"
		"青禾县水利局政府信息公开工作年度报告 本报告统计期限自2021年1月1日起至2021年12月31日止。"
		" 一、总体情况 我局做好公开工作。"
		" 二、主动公开政府信息情况 第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数"
		"规章000行政规范性文件12（其中修订3件）020第二十条第（五）项信息内容本年处理决定数量"
		"行政许可152三、收到和处理政府信息公开申请情况无。四、政府信息公开行政复议、行政诉讼情况无。"
		"五、存在的主要问题及改进情况公开深度不够。\n";
	nb_parser *p;
	nb_report *r;

	(void)state;
	assert_int_equal(nb_parser_new(&p, NULL), 0);
	assert_int_equal(nb_parse(p, "qinghe.txt", text, sizeof text - 1, &r), 0);
	const nb_table *t1 = table_named(r, "第二十条第（一）项");
	assert_non_null(t1);
	assert_string_equal(cell_at(t1, "规章", 2)->value, "0");
	for (size_t c = 0; c < 3; c++)
		assert_int_equal(cell_at(t1, "行政规范性文件", c)->state, NB_CELL_ABSENT);
	assert_true(warned(r, "行政规范性文件", "no label"));
	assert_string_equal(cell_at(table_named(r, "第二十条第（五）项"), "行政许可", 0)->value,
			    "152");
	nb_report_free(r);
	nb_parser_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unique),
		cmocka_unit_test(test_ambiguous),
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_separators),
		cmocka_unit_test(test_leading_zeros),
		cmocka_unit_test(test_enumeration),
		cmocka_unit_test(test_signed),
		cmocka_unit_test(test_decimals),
		cmocka_unit_test(test_split_lines),
		cmocka_unit_test(test_heading_numbers),
		cmocka_unit_test(test_not_flat),
		cmocka_unit_test(test_split_wrapped),
		cmocka_unit_test(test_wrapped_not_flat),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_forced_split_kept),
		cmocka_unit_test(test_note_ends_no_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
