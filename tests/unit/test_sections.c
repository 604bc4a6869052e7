/*
 * test_sections.c — section headings and the text assembled from them
 * (sections.c, paragraphs.c): canonical names whatever the wording, free
 * headings kept, split and indented headings, what is not a heading, the
 * paragraphs of PDF text joined, and every line in exactly one place.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testdoc.h"

/* A document of our own text; year is what the facts would have found. */
static nb_doc *doc_new(const char *text, int year, bool pdf)
{
	nb_doc *d = testdoc_new(text, NULL);

	d->pdf = pdf;
	d->r->year = year;
	return d;
}

static void run_sections(nb_doc *d)
{
	assert_int_equal(nb_find_sections(d), 0);
	assert_int_equal(nb_build_sections(d), 0);
}

static nb_doc *sections_of(const char *text, int year)
{
	nb_doc *d = doc_new(text, year, false);

	run_sections(d);
	return d;
}

static void expect_section(const nb_doc *d, size_t i, int number, const char *name,
			   int canonical)
{
	assert_true(i < d->r->nsections);
	assert_int_equal(d->r->sections[i].number, number);
	assert_string_equal(d->r->sections[i].name, name);
	assert_int_equal(d->r->sections[i].canonical, canonical);
}

static const char *const canon[] = {
	NULL, "总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况",
	"政府信息公开行政复议、行政诉讼情况", "存在的主要问题及改进情况",
	"其他需要报告的事项",
};

/* ---- headings ------------------------------------------------------------- */

static void standard_wordings(void **state)
{
	(void)state;
	nb_doc *d = sections_of(
		"本报告包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
		"政府信息公开行政复议、行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。\n"
		"一、总体情况\n"
		"（一）主动公开\n"
		"全年主动公开信息2000条。\n"
		"二、主动公开政府信息的情况\n"
		"\u3000\u3000三、收到和处理政府信息公开申请的情况\n"
		"四、因政府信息公开工作被申请行政复议和提起行政诉讼情况\n"
		"五．存在的主要问题及整改措施\n"
		"一是队伍力量不足。\n"
		"二是平台建设滞后。\n"
		"六 其他需要报告的事项\n"
		"无。\n",
		2020);

	assert_int_equal(d->r->nsections, 6);
	for (int i = 1; i <= 6; i++)
		expect_section(d, (size_t)i - 1, i, canon[i], i);
	assert_string_equal(d->r->sections[2].heading, "三、收到和处理政府信息公开申请的情况");
	assert_string_equal(d->r->sections[0].text, "（一）主动公开\n全年主动公开信息2000条。\n");
	assert_string_equal(d->r->sections[4].text, "一是队伍力量不足。\n二是平台建设滞后。\n");
	assert_string_equal(d->r->sections[5].text, "无。\n");
	/* the intro sentence that lists the sections is the preamble */
	assert_non_null(strstr(d->r->preamble, "本报告包括总体情况"));
	assert_true(d->lines.v[6].flags & NB_LF_HEADING);
	assert_false(d->lines.v[2].flags & NB_LF_HEADING);
	assert_false(d->lines.v[9].flags & NB_LF_HEADING);
	testdoc_free(d);
}

static void heading_with_inline_prose(void **state)
{
	(void)state;
	nb_doc *d = sections_of("一、总体情况。2020年，我市认真贯彻落实《条例》，全年公开信息300条。\n"
				"二、主动公开政府信息情况\n"
				"三、收到和处理政府信息公开申请情况\n"
				"四、政府信息公开行政复议、行政诉讼情况\n"
				"五、存在的主要问题及改进情况：一是人员不足。\n"
				"二是平台滞后。\n"
				"六、加强组织领导。我局成立了领导小组，由局长任组长，统筹推进工作。\n",
				2020);

	assert_int_equal(d->r->nsections, 5);
	expect_section(d, 0, 1, canon[1], 1);
	assert_string_equal(d->r->sections[0].heading, "一、总体情况");
	assert_string_equal(d->r->sections[0].text,
			    "2020年，我市认真贯彻落实《条例》，全年公开信息300条。\n");
	assert_string_equal(d->r->sections[4].heading, "五、存在的主要问题及改进情况");
	/* a sentence after a heading that is no canonical one is prose */
	assert_string_equal(d->r->sections[4].text,
			    "一是人员不足。\n二是平台滞后。\n"
			    "六、加强组织领导。我局成立了领导小组，由局长任组长，统筹推进工作。\n");
	assert_non_null(strstr(d->r->text, "一、总体情况\n2020年，我市认真贯彻落实"));
	testdoc_free(d);
}

static void heading_split_over_lines(void **state)
{
	(void)state;
	nb_doc *d = sections_of("一、总体情况\n"
				"工作顺利。\n"
				"二、主动公开政府信息情况\n"
				"三、收到和处理政府信息公开\n"
				"申请情况\n"
				"全年收到申请19件。\n"
				"四、政府信息公开行政复议、行政诉讼情况\n"
				"五、存在的主要问题及改进情况\n",
				2021);

	assert_int_equal(d->r->nsections, 5);
	expect_section(d, 2, 3, canon[3], 3);
	assert_string_equal(d->r->sections[2].heading, "三、收到和处理政府信息公开申请情况");
	assert_string_equal(d->r->sections[2].text, "全年收到申请19件。\n");
	assert_int_equal(d->spans[2].nhead, 2);
	assert_true(d->lines.v[3].flags & NB_LF_HEADING);
	assert_true(d->lines.v[4].flags & NB_LF_HEADING);
	testdoc_free(d);

	d = sections_of("一、总体情况\n"
			"二、主动公开政府信息情况\n"
			"三、\n"
			"收到和处理政府信息公开申请情况\n"
			"四、政府信息公开行政复议、行政诉讼情况\n",
			2021);
	assert_int_equal(d->r->nsections, 4);
	expect_section(d, 2, 3, canon[3], 3);
	assert_string_equal(d->r->sections[2].heading, "三、收到和处理政府信息公开申请情况");
	assert_string_equal(d->r->sections[2].text, "");
	assert_true(d->lines.v[2].flags & NB_LF_HEADING);
	assert_true(d->lines.v[3].flags & NB_LF_HEADING);
	testdoc_free(d);
}

static void table_labels_are_no_headings(void **state)
{
	(void)state;
	nb_doc *d = sections_of("一、总体情况\n"
				"二、主动公开政府信息情况\n"
				"三、收到和处理政府信息公开申请情况\n"
				"一、本年新收政府信息公开申请数量\n"
				"19\n"
				"二、上年结转政府信息公开申请数量 | 0 | 0 |\n"
				"三、本年度办理结果\n"
				"四、结转下年度继续办理\n"
				"0\n"
				"四、政府信息公开行政复议、行政诉讼情况\n"
				"五、存在的主要问题及改进情况\n"
				"六、其他需要报告的事项\n",
				2020);

	assert_int_equal(d->r->nsections, 6);
	assert_int_equal(d->spans[2].head, 2);
	assert_int_equal(d->spans[3].head, 9);
	assert_string_equal(d->r->sections[3].heading, "四、政府信息公开行政复议、行政诉讼情况");
	assert_false(d->lines.v[7].flags & NB_LF_HEADING);
	testdoc_free(d);
}

static void pdf_layout_rows_are_no_headings(void **state)
{
	(void)state;
	nb_doc *d = sections_of("一、总体情况\n"
				"二、主动公开政府信息情况\n"
				"三、收到和处理政府信息公开申请情况\n"
				"一、本年新收申请                3001   53   0   3119\n"
				"三、\n"
				"本            2.其他法律行政法规禁止公开     30   1   0   31\n"
				"四、结转下年度                 103    0    0   103\n"
				"四、政府信息公开行政复议、行政诉讼情况\n"
				"五、存在的主要问题及改进情况\n",
				2024);

	assert_int_equal(d->r->nsections, 5);
	for (int i = 1; i <= 5; i++)
		expect_section(d, (size_t)i - 1, i, canon[i], i);
	assert_int_equal(d->spans[3].head, 7);
	assert_false(d->lines.v[4].flags & NB_LF_HEADING);
	testdoc_free(d);
}

static void stops_at_five(void **state)
{
	(void)state;
	nb_doc *d = sections_of("一、总体情况\n"
				"二、主动公开政府信息情况\n"
				"三、收到和处理政府信息公开申请情况\n"
				"四、政府信息公开行政复议、行政诉讼情况\n"
				"   五、存在的主要问题及改进情况\n"
				"（一）持续推进标准化建设。\n",
				2020);

	assert_int_equal(d->r->nsections, 5);
	for (int i = 1; i <= 5; i++)
		expect_section(d, (size_t)i - 1, i, canon[i], i);
	testdoc_free(d);
}

static void chrome_stays_out(void **state)
{
	(void)state;
	nb_doc *d = doc_new("一、总体情况\n"
			    "二、主动公开政府信息情况\n"
			    "三、收到和处理政府信息公开申请情况\n"
			    "四、政府信息公开行政复议、行政诉讼情况\n"
			    "五、存在的主要问题及改进情况\n"
			    "（一）持续推进标准化建设。\n"
			    "扫一扫在手机打开当前页面\n"
			    "电脑版|手机版\n",
			    2020, false);

	d->lines.v[6].flags |= NB_LF_CHROME;
	d->lines.v[7].flags |= NB_LF_CHROME;
	run_sections(d);
	assert_string_equal(d->r->sections[4].text, "（一）持续推进标准化建设。\n");
	assert_null(strstr(d->r->text, "扫一扫"));
	assert_null(strstr(d->r->text, "手机版"));
	testdoc_free(d);
}

static void renumbered_extra_section(void **state)
{
	(void)state;
	nb_doc *d = sections_of("一、总体情况\n"
				"二、工作机制保障\n"
				"成立领导小组。\n"
				"三、主动公开政府信息情况\n"
				"四、收到和处理政府信息公开申请情况\n"
				"五、政府信息公开行政复议、行政诉讼情况\n"
				"六、存在的主要问题及改进情况\n"
				"七、其他需要报告的事项\n",
				2021);

	assert_int_equal(d->r->nsections, 7);
	expect_section(d, 0, 1, canon[1], 1);
	expect_section(d, 1, 7, "工作机制保障", 0);
	for (int i = 2; i <= 6; i++)
		expect_section(d, (size_t)i, i, canon[i], i);
	assert_string_equal(d->r->sections[1].text, "成立领导小组。\n");
	testdoc_free(d);
}

static void free_form_keeps_headings(void **state)
{
	(void)state;
	nb_doc *d = sections_of("  引  言\n"
				"  本报告由区政府办公室编制。\n"
				"  一、信息公开概述\n"
				"  (一)信息公开基本数据。全区共有公开主体32个。\n"
				"  二、主动公开政府信息的情况\n"
				"  三、政府信息依申请公开办理情况\n"
				"  四、政府信息公开的收费及减免情况\n"
				"  五、政府信息公开工作存在的主要问题及改进措施：\n",
				2016);

	assert_int_equal(d->r->nsections, 5);
	expect_section(d, 0, 1, "信息公开概述", 0);
	expect_section(d, 1, 2, "主动公开政府信息的情况", 0);
	expect_section(d, 2, 3, "政府信息依申请公开办理情况", 0);
	expect_section(d, 3, 4, "政府信息公开的收费及减免情况", 0);
	expect_section(d, 4, 5, "政府信息公开工作存在的主要问题及改进措施", 0);
	assert_string_equal(d->r->preamble, "引言\n本报告由区政府办公室编制。\n");
	testdoc_free(d);
}

static void free_form_year_2018(void **state)
{
	(void)state;
	nb_doc *d = sections_of("一、2018年政务公开工作完成情况及成效\n"
				"(一)政府信息主动公开情况\n"
				"二、工作中存在的困难和问题\n"
				"三、2019年工作打算及有关意见建议\n"
				"1、加大宣传力度。\n",
				2018);

	assert_int_equal(d->r->nsections, 3);
	expect_section(d, 0, 1, "2018年政务公开工作完成情况及成效", 0);
	expect_section(d, 1, 2, "工作中存在的困难和问题", 0);
	expect_section(d, 2, 3, "2019年工作打算及有关意见建议", 0);
	testdoc_free(d);
}

static void markdown_headings(void **state)
{
	(void)state;
	nb_doc *d = sections_of("## 一、总体情况\n"
				"### 三是提高解读效能。\n"
				"## 二、主动公开政府信息情况\n"
				"### 第二十条第（一）项\n"
				"## 三、收到和处理政府信息公开申请情况\n"
				"### 一、本年新收政府信息公开申请数量\n"
				"## 四、政府信息公开行政复议、行政诉讼情况\n"
				"## 五、政府信息公开工作存在的主要问题及改进情况\n"
				"六、其他需要报告的事项\n",
				2025);

	assert_int_equal(d->r->nsections, 6);
	for (int i = 1; i <= 6; i++)
		expect_section(d, (size_t)i - 1, i, canon[i], i);
	testdoc_free(d);
}

static void names_are_safe(void **state)
{
	(void)state;
	nb_doc *d = sections_of("一、收费/减免情况\n二、其他\n", 2016);

	assert_int_equal(d->r->nsections, 2);
	assert_string_equal(d->r->sections[0].name, "收费／减免情况");
	testdoc_free(d);
}

static void no_headings_all_preamble(void **state)
{
	(void)state;
	nb_doc *d = sections_of("全年工作顺利。\n一是加强领导。\n", 2019);

	assert_int_equal(d->r->nsections, 0);
	assert_string_equal(d->r->preamble, "全年工作顺利。\n一是加强领导。\n");
	assert_string_equal(d->r->text, "全年工作顺利。\n一是加强领导。\n");
	testdoc_free(d);
}

static void part_and_digit_headings(void **state)
{
	(void)state;
	nb_doc *d = sections_of("第一部分 总体情况\n"
				"全年公开信息100条。\n"
				"1.推进财税信息公开。公开预算136条。\n"
				"第二部分：主动公开政府信息情况\n"
				"规章 | 0 | 0 | 1\n"
				"第三部分 收到和处理政府信息公开申请情况\n"
				"第四部分 政府信息公开行政复议、行政诉讼情况\n",
				2021);

	assert_int_equal(d->r->nsections, 4);
	for (int i = 0; i < 4; i++)
		expect_section(d, (size_t)i, i + 1, canon[i + 1], i + 1);
	testdoc_free(d);

	d = sections_of("1.总体情况\n"
			"全年公开信息100条。\n"
			"1.推进财税信息公开。公开预算136条。\n"
			"2. 主动公开政府信息情况\n"
			"3、收到和处理政府信息公开申请情况\n"
			"1.属于国家秘密 | 0 | 0\n"
			"1.属于国家秘密\n"
			"2.其他法律行政法规禁止公开\n"
			"4．政府信息公开行政复议、行政诉讼情况\n"
			"5.存在的主要问题及改进情况\n"
			"1.5万条信息已公开。\n"
			"６.其他需要报告的事项\n",
			2021);
	/* digits make a heading only of a standard section's name: list
	 * items and table rows stay where they are */
	assert_int_equal(d->r->nsections, 6);
	for (int i = 0; i < 6; i++)
		expect_section(d, (size_t)i, i + 1, canon[i + 1], i + 1);
	assert_non_null(strstr(d->r->sections[0].text, "1.推进财税信息公开"));
	assert_non_null(strstr(d->r->sections[4].text, "1.5万条"));
	testdoc_free(d);
}

/* ---- text -------------------------------------------------------------------- */

static void web_text_one_paragraph_per_line(void **state)
{
	(void)state;
	nb_doc *d = sections_of("一、总体情况\n"
				"\n"
				"    2019年，我市认真贯彻落实有关要求，\n"
				"\n"
				"\u3000\u3000全年公开信息 1330 条。\n",
				2019);

	assert_string_equal(d->r->sections[0].text,
			    "2019年，我市认真贯彻落实有关要求，\n全年公开信息1330条。\n");
	testdoc_free(d);
}

static void pdf_paragraphs_joined(void **state)
{
	(void)state;
	nb_doc *d = doc_new("   一、总体情况\n"
			    "   2024 年，我市坚持以人民为中心的发展思想，认真学习宣传贯\n"
			    "彻各项规定，按照省委省政府决策部署和市委工作要求，严格落\n"
			    "实《条例》各项规定，圆满完成了各项任务。\n"
			    "   （一）主动公开情况。全年主动公开各类政府信息 5500 余条，\n"
			    "新增公开规章 1 件，组织召开了新闻发布会 12 场，努力传递政\n"
			    "\n"
			    "                        -1-\n"
			    "府声音、宣传政策法规、回应舆论关切，访问 www.example.gov.cn\n"
			    "and see the Annual Report 年报专栏，获得相关信息公开的服务。\n"
			    "   五、存在的主要问题及改进情况\n"
			    "对照上级新要求和公众新期待，还有一些需要加强和改进的地方\n"
			    "和不足。\n"
			    "（一）政策解读质量仍需提升，个别单位政策解读内容简单。\n",
			    2024, true);

	d->lines.v[7].flags |= NB_LF_PAGENO;
	run_sections(d);
	assert_int_equal(d->r->nsections, 2);
	assert_string_equal(d->r->sections[0].text,
			    "2024年，我市坚持以人民为中心的发展思想，认真学习宣传贯"
			    "彻各项规定，按照省委省政府决策部署和市委工作要求，严格落"
			    "实《条例》各项规定，圆满完成了各项任务。\n"
			    "（一）主动公开情况。全年主动公开各类政府信息5500余条，"
			    "新增公开规章1件，组织召开了新闻发布会12场，努力传递政"
			    "府声音、宣传政策法规、回应舆论关切，访问www.example.gov.cn "
			    "and see the Annual Report年报专栏，获得相关信息公开的服务。\n");
	assert_string_equal(d->r->sections[1].text,
			    "对照上级新要求和公众新期待，还有一些需要加强和改进的地方和不足。\n"
			    "（一）政策解读质量仍需提升，个别单位政策解读内容简单。\n");
	assert_null(strstr(d->r->text, "-1-"));
	testdoc_free(d);
}

static void pdf_cut_numbers_and_commas_joined(void **state)
{
	(void)state;
	nb_doc *d = doc_new("一、总体情况\n"
			    "   全年组织政务公开业务培训16\n"
			    "36期，参训人员覆盖各乡镇和县直各部门，共计培训人员达到\n"
			    "，进一步提升了工作人员的业务水平和能力，全年共更新法律\n"
			    "法规142个。\n"
			    "   （一）主动公开情况\n"
			    "   全年主动公开政府信息5500条。\n"
			    "   （二）依申请公开情况\n"
			    "   全年收到政府信息公开申请81件。\n"
			    "   （三）政府信息管理情况\n"
			    "   全年清理过期信息382条。\n",
			    2024, true);

	run_sections(d);
	/* no space in a number a wrap cut (grep 1636期 finds it); a line
	 * that opens with a comma goes on; the margin is the continuation
	 * lines', though most paragraphs here are one indented line */
	assert_string_equal(d->r->sections[0].text,
			    "全年组织政务公开业务培训1636期，参训人员覆盖各乡镇和县直各部门，"
			    "共计培训人员达到，进一步提升了工作人员的业务水平和能力，全年共更新法律"
			    "法规142个。\n"
			    "（一）主动公开情况\n"
			    "全年主动公开政府信息5500条。\n"
			    "（二）依申请公开情况\n"
			    "全年收到政府信息公开申请81件。\n"
			    "（三）政府信息管理情况\n"
			    "全年清理过期信息382条。\n");
	assert_non_null(strstr(d->r->text, "1636期"));
	testdoc_free(d);
}

/*
 * Every line ends up in exactly one place: the title and metadata are in
 * no text; prose in the preamble or one section; table rows only in
 * report.txt; chrome, page numbers and image names nowhere.
 */
static void every_line_one_place(void **state)
{
	(void)state;
	nb_doc *d = doc_new("首页 > 信息公开\n"			/* 0 chrome */
			    "宁安市2020年政府信息公开工作年度报告\n"	/* 1 title */
			    "发布时间：2021-01-05\n"			/* 2 meta */
			    "现公布本报告。\n"				/* 3 preamble */
			    "一、总体情况\n"				/* 4 heading */
			    "全年公开信息100条。\n"			/* 5 prose */
			    "年报表格.png\n"				/* 6 image */
			    "二、主动公开政府信息情况\n"		/* 7 heading */
			    "规章 | 0 | 0 | 1\n"			/* 8 table */
			    "三、收到和处理政府信息公开申请情况\n"	/* 9 heading */
			    "四、政府信息公开行政复议、行政诉讼情况\n"	/* 10 heading */
			    "五、存在的主要问题及改进情况\n"		/* 11 heading */
			    "人员不足。\n"				/* 12 prose */
			    "六、其他需要报告的事项\n"			/* 13 heading */
			    "无。\n"					/* 14 prose */
			    "上一篇：无\n",				/* 15 chrome */
			    2020, false);

	d->lines.v[0].flags |= NB_LF_CHROME;
	d->lines.v[1].flags |= NB_LF_TITLE;
	d->lines.v[2].flags |= NB_LF_META;
	d->lines.v[6].flags |= NB_LF_IMAGE;
	d->lines.v[15].flags |= NB_LF_CHROME;
	d->body = 3;
	d->r->title = strdup("宁安市2020年政府信息公开工作年度报告");
	assert_int_equal(nb_find_sections(d), 0);
	d->lines.v[8].flags |= NB_LF_TABLE;
	assert_int_equal(nb_build_sections(d), 0);

	const nb_report *r = d->r;
	assert_int_equal(r->nsections, 6);
	assert_string_equal(r->preamble, "现公布本报告。\n");
	assert_string_equal(r->sections[0].text, "全年公开信息100条。\n");
	assert_string_equal(r->sections[1].text, "");
	assert_string_equal(r->sections[4].text, "人员不足。\n");
	assert_string_equal(r->sections[5].text, "无。\n");
	assert_string_equal(r->text,
			    "宁安市2020年政府信息公开工作年度报告\n"
			    "\n"
			    "现公布本报告。\n"
			    "\n"
			    "一、总体情况\n"
			    "全年公开信息100条。\n"
			    "\n"
			    "二、主动公开政府信息情况\n"
			    "规章 | 0 | 0 | 1\n"
			    "\n"
			    "三、收到和处理政府信息公开申请情况\n"
			    "\n"
			    "四、政府信息公开行政复议、行政诉讼情况\n"
			    "\n"
			    "五、存在的主要问题及改进情况\n"
			    "人员不足。\n"
			    "\n"
			    "六、其他需要报告的事项\n"
			    "无。\n");
	testdoc_free(d);
}

/* The wordings are kept as matching keys (headings.c): each must be its
 * own key, or matching them as they are would differ from nb_key's. */
static void wordings_are_their_own_keys(void **state)
{
	(void)state;
	for (int c = 1; c <= 6; c++) {
		const uint32_t *v;
		size_t n, k;

		for (k = 0; (n = nb_section_variant(c, k, &v)) > 0; k++) {
			char utf8[256];
			uint32_t key[64];
			size_t len = 0;

			assert_true(n <= 60);
			for (size_t i = 0; i < n; i++)
				len += nb_utf8_put(v[i], utf8 + len);
			assert_int_equal(nb_key(utf8, len, key, 64), n);
			assert_memory_equal(key, v, n * sizeof *v);
		}
		assert_true(k > 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(standard_wordings),
		cmocka_unit_test(heading_with_inline_prose),
		cmocka_unit_test(heading_split_over_lines),
		cmocka_unit_test(table_labels_are_no_headings),
		cmocka_unit_test(pdf_layout_rows_are_no_headings),
		cmocka_unit_test(stops_at_five),
		cmocka_unit_test(chrome_stays_out),
		cmocka_unit_test(renumbered_extra_section),
		cmocka_unit_test(free_form_keeps_headings),
		cmocka_unit_test(free_form_year_2018),
		cmocka_unit_test(markdown_headings),
		cmocka_unit_test(names_are_safe),
		cmocka_unit_test(no_headings_all_preamble),
		cmocka_unit_test(part_and_digit_headings),
		cmocka_unit_test(web_text_one_paragraph_per_line),
		cmocka_unit_test(pdf_paragraphs_joined),
		cmocka_unit_test(pdf_cut_numbers_and_commas_joined),
		cmocka_unit_test(every_line_one_place),
		cmocka_unit_test(wordings_are_their_own_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
