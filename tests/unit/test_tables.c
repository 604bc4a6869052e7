/*
 * test_tables.c — printed tables mapped onto the official templates,
 * through nb_parse on short reports of our own: pipes, grids, reading
 * order, layout, HTML, rows that do not add up, and the checks.  One
 * cell's reading is test_cells.c's, the templates test_templates.c's, and
 * the certainty step test_certainty.c's.
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
#include "warned.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
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
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
