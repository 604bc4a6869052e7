/*
 * test_facts.c — the report's title and year (facts.c): the title in each
 * of its forms and over several lines, the agency and year it names, the
 * year and the rule that decided it, the publication date, and the lines
 * marked as title and metadata.  The agency found without a title, and
 * agency names, are test_agency.c's.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "facts.h"
#include "flat.h"
#include "factsdoc.h"

/* ---- titles ---------------------------------------------------------------- */

static void title_place_year(void **state)
{
	(void)state;
	nb_doc *d = facts_of("宁安市2019年政府信息公开工作年度报告\n"
			     "\n"
			     "发布时间:  2020-03-05 来源:宁安市人民政府\n"
			     "\n"
			     "  现公布宁安市2019年政府信息公开年度报告。\n"
			     "  一、总体情况\n"
			     "  2019年,我市认真贯彻落实有关要求。\n");

	assert_string_equal(d->r->title, "宁安市2019年政府信息公开工作年度报告");
	expect_agency(d, "宁安市人民政府", "宁安市", "title");
	expect_year(d, 2019, NB_YEAR_TITLE);
	assert_string_equal(d->r->published, "2020-03-05");
	assert_true(d->lines.v[0].flags & NB_LF_TITLE);
	assert_true(d->lines.v[2].flags & NB_LF_META);
	assert_false(d->lines.v[4].flags & (NB_LF_META | NB_LF_TITLE));
	assert_int_equal(d->body, 4);
	testdoc_free(d);
}

static void title_year_first(void **state)
{
	(void)state;
	nb_doc *d = facts_of("2019年青岛市人民政府办公厅政府信息公开工作年度报告\n"
			     "发布日期：2020-01-20\n"
			     "本年度报告根据《条例》的要求编制。\n");

	expect_agency(d, "青岛市人民政府办公厅", "青岛市人民政府办公厅", "title");
	expect_year(d, 2019, NB_YEAR_TITLE);
	assert_string_equal(d->r->published, "2020-01-20");
	testdoc_free(d);
}

static void title_year_first_bare_place(void **state)
{
	(void)state;
	nb_doc *d = facts_of("当前位置:首页 > 信息公开 > 信息公开年报\n"
			     "2016年铁山区政府信息公开工作年度报告\n"
			     "日期: 2016-12-28 字号:[ ]\n"
			     "  一、信息公开概述\n");

	expect_agency(d, "铁山区人民政府", "铁山区", "title");
	expect_year(d, 2016, NB_YEAR_TITLE);
	assert_string_equal(d->r->published, "2016-12-28");
	/* the site's header above the title is no text */
	assert_true(d->lines.v[0].flags & NB_LF_CHROME);
	assert_int_equal(d->body, 3);
	testdoc_free(d);
}

static void title_nianduo(void **state)
{
	(void)state;
	nb_doc *d = facts_of("当前页面:首页 » 政府信息公开 » 政府信息公开年报 » 2020年\n"
			     "六盘水市政府办公室2020年度信息公开工作年度报告\n"
			     "发布时间: 2021-02-02 10:00 文章字号:\n");

	assert_string_equal(d->r->title, "六盘水市政府办公室2020年度信息公开工作年度报告");
	expect_agency(d, "六盘水市政府办公室", "六盘水市政府办公室", "title");
	expect_year(d, 2020, NB_YEAR_TITLE);
	assert_string_equal(d->r->published, "2021-02-02");
	testdoc_free(d);
}

static void title_guanyu(void **state)
{
	(void)state;
	nb_doc *d = facts_of("苏州市财政局关于2018年度政府信息公开工作情况的报告\n"
			     "\n"
			     "一、概述\n");

	expect_agency(d, "苏州市财政局", "苏州市财政局", "title");
	expect_year(d, 2018, NB_YEAR_TITLE);
	testdoc_free(d);
}

static void title_repeated_after_intro(void **state)
{
	(void)state;
	nb_doc *d = facts_of("宁安市2019年政府信息公开工作年度报告\n"
			     "本报告由宁安市人民政府办公室编制。\n"
			     "宁安市2019年政府信息公开工作年度报告\n"
			     "一、总体情况\n");

	/* the intro stays in the body, the repeated title goes */
	assert_int_equal(d->body, 1);
	assert_false(d->lines.v[1].flags & (NB_LF_TITLE | NB_LF_META | NB_LF_CHROME));
	assert_true(d->lines.v[2].flags & NB_LF_TITLE);
	testdoc_free(d);
}

static void title_year_after(void **state)
{
	(void)state;
	nb_doc *d = facts_of("城关街道政府信息公开工作年度报告（2019年度）\n"
			     "一、总体情况\n");

	assert_string_equal(d->r->title, "城关街道政府信息公开工作年度报告（2019年度）");
	expect_agency(d, "城关街道办事处", "城关街道", "title");
	expect_year(d, 2019, NB_YEAR_TITLE);
	testdoc_free(d);
}

static void title_split_about(void **state)
{
	(void)state;
	nb_doc *d = facts_of("宁安市交通运输局\n"
			     "关于2019年政府信息公开工作年度报告\n"
			     "一、总体情况\n");

	expect_agency(d, "宁安市交通运输局", "宁安市交通运输局", "title");
	expect_year(d, 2019, NB_YEAR_TITLE);
	assert_true(d->lines.v[0].flags & NB_LF_TITLE);
	assert_true(d->lines.v[1].flags & NB_LF_TITLE);
	testdoc_free(d);
}

static void title_split_pdf(void **state)
{
	(void)state;
	nb_doc *d = facts_of("            扬州市人民政府\n"
			     "     2023 年政府信息公开工作年度报告\n"
			     "\n"
			     "   本报告由扬州市人民政府办公室根据《中华人民共和国政府\n"
			     "信息公开条例》规定编制。报告所列统计期限自 2023 年 1 月 1 日至\n");

	assert_string_equal(d->r->title, "扬州市人民政府2023年政府信息公开工作年度报告");
	/* the office that wrote it is not the agency the title names */
	expect_agency(d, "扬州市人民政府", "扬州市人民政府", "title");
	expect_year(d, 2023, NB_YEAR_TITLE);
	assert_true(d->lines.v[0].flags & NB_LF_TITLE);
	assert_true(d->lines.v[1].flags & NB_LF_TITLE);
	assert_int_equal(d->body, 3);
	testdoc_free(d);
}

static void title_markdown_ocr_slip(void **state)
{
	(void)state;
	nb_doc *d = facts_of("# 沐阳县人民政府 2024 年 政府信息公开工作年度报告\n"
			     "\n"
			     "沐阳县人民政府\n"
			     "(2025年1月20日)\n"
			     "\n"
			     "依据《条例》规定，编制本报告。\n");

	expect_agency(d, "沭阳县人民政府", "沐阳县人民政府", "title");
	expect_year(d, 2024, NB_YEAR_TITLE);
	assert_string_equal(d->r->published, "2025-01-20");
	/* the byline under the title is no prose */
	assert_true(d->lines.v[2].flags & NB_LF_META);
	assert_true(d->lines.v[3].flags & NB_LF_META);
	assert_int_equal(d->body, 5);
	testdoc_free(d);
}

static void title_html_forms(void **state)
{
	(void)state;
	nb_doc *d = facts_of("泗洪县财政局2022年政府信息公开年度报告-泗洪县财政局网站\n"
			     "标题：泗洪县财政局2022年政府信息公开年度报告-泗洪县财政局网站\n"
			     "单位：泗洪县财政局\n"
			     "采集时间：2024-05-01T10:00:00+08:00\n"
			     "名称 | 泗洪县财政局2022年政府信息公开年度报告\n"
			     "索引号 | 0143/2023-00001 | 分类 | 信息公开年报\n"
			     "发布机构 | 泗洪县财政局 | 公开日期 | 2023-01-16\n"
			     "泗洪县财政局2022年政府信息公开年度报告\n"
			     "根据《条例》要求，现向社会公布泗洪县财政局2022年度政府信息公开年度报告。\n");

	assert_string_equal(d->r->title, "泗洪县财政局2022年政府信息公开年度报告");
	expect_agency(d, "泗洪县财政局", "泗洪县财政局", "title");
	expect_year(d, 2022, NB_YEAR_TITLE);
	assert_string_equal(d->r->published, "2023-01-16");
	assert_true(d->lines.v[0].flags & NB_LF_TITLE);
	for (size_t i = 1; i <= 6; i++)
		assert_true(d->lines.v[i].flags & NB_LF_META);
	assert_true(d->lines.v[7].flags & NB_LF_TITLE);
	assert_int_equal(d->body, 8);
	testdoc_free(d);
}

/* ---- years and dates ------------------------------------------------------------ */

static void title_year_beats_period(void **state)
{
	(void)state;
	nb_doc *d = facts_of("2016年铁山区政府信息公开工作年度报告\n"
			     "现向公布黄石市铁山区人民政府2015年度政府信息公开工作报告。"
			     "统计期限自2015年1月1日起至2015年12月31日止。\n");

	expect_year(d, 2016, NB_YEAR_TITLE);
	expect_agency(d, "铁山区人民政府", "铁山区", "title");
	testdoc_free(d);
}

static void period_mangled(void **state)
{
	(void)state;
	nb_doc *d = facts_of("本报告由宁安市政府办公室编制。本年报中所列数据的统计期限自"
			     "20201月1日起至202012月31日止。\n"
			     "一、总体情况\n");

	expect_year(d, 2020, NB_YEAR_PERIOD);
	expect_agency(d, "宁安市政府办公室", "宁安市政府办公室", "intro");
	testdoc_free(d);
}

static void period_without_end_year(void **state)
{
	(void)state;
	nb_doc *d = facts_of("本年度报告中所列数据统计期限从2019年1月1日到12月31日止。\n");

	expect_year(d, 2019, NB_YEAR_PERIOD);
	testdoc_free(d);
}

static void published_forms(void **state)
{
	(void)state;
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "日期: 20161230日 字号:[ ]\n", "2016-12-30" },
		{ "发布时间：2020.2.17\n", "2020-02-17" },
		{ "发布日期: 2020/02/07\n", "2020-02-07" },
		{ "公开日期 | 2024年1月7日\n", "2024-01-07" },
		{ "发布时间：2020-13-01\n", "" },	/* no 13th month */
		{ "发布时间：2019年2月29日\n", "" },	/* 2019 was no leap year */
		{ "发布时间：2020年2月29日\n", "2020-02-29" },
		{ "成文日期: | 2019-01-07 |\n", "2019-01-07" },
		{ "文号 | | 发布日期 | 2023-01-16\n", "2023-01-16" },	/* an empty cell */
		{ "[发布时间：2020年2月7日 来源：本站]\n", "2020-02-07" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		nb_doc *d = facts_of(cases[i].text);
		assert_string_equal(d->r->published, cases[i].want);
		testdoc_free(d);
	}
}

static void published_prefers_release_date(void **state)
{
	(void)state;
	nb_doc *d = facts_of("成文日期: | 2020-01-02 | 发布日期: | 2020-01-09 |\n"
			     "一、总体情况\n"
			     "宁安市商务局\n"
			     "2020年1月3日\n");

	assert_string_equal(d->r->published, "2020-01-09");
	testdoc_free(d);
}

static void title_wrapped_after_stray_line(void **state)
{
	(void)state;
	nb_doc *d = facts_of("正文\n"
			     "   2025 年上海市人民政府办公厅政府信息公开\n"
			     "              工作年度报告\n"
			     "\n"
			     "   本报告依据《中华人民共和国政府信息公开条例》（国令第 711 号）编制。\n");

	assert_string_equal(d->r->title, "2025年上海市人民政府办公厅政府信息公开工作年度报告");
	expect_agency(d, "上海市人民政府办公厅", "上海市人民政府办公厅", "title");
	expect_year(d, 2025, NB_YEAR_TITLE);
	/* the stray line above the title is the page's, not the report's */
	assert_true(d->lines.v[0].flags & NB_LF_CHROME);
	assert_true(d->lines.v[1].flags & NB_LF_TITLE);
	assert_true(d->lines.v[2].flags & NB_LF_TITLE);
	assert_int_equal(d->body, 4);
	testdoc_free(d);
}

static void title_over_three_lines(void **state)
{
	(void)state;
	nb_doc *d = facts_of("中共某某委员会文件\n"
			     "        洪泽区人民政府\n"
			     "       2023 年政府信息公开\n"
			     "         工作年度报告\n"
			     "   根据条例规定编制本报告。\n");

	expect_agency(d, "洪泽区人民政府", "洪泽区人民政府", "title");
	expect_year(d, 2023, NB_YEAR_TITLE);
	assert_string_equal(d->r->title, "洪泽区人民政府2023年政府信息公开工作年度报告");
	testdoc_free(d);
}

static void title_agency_not_compiling_office(void **state)
{
	(void)state;
	nb_doc *d = facts_of("洪泽区人民政府\n"
			     "2023 年政府信息公开工作年度报告\n"
			     "\n"
			     "   本报告由淮安市洪泽区人民政府办公室根据《中华人民共和国政府信息\n"
			     "公开条例》编制。如有疑问请与淮安市洪泽区人民政府办公室联系。\n");

	/* the title's agency, completed with the city the report prints
	 * before it; never the office that compiled the report */
	expect_agency(d, "淮安市洪泽区人民政府", "洪泽区人民政府", "title");
	expect_year(d, 2023, NB_YEAR_TITLE);
	testdoc_free(d);
}

static void title_place_kept(void **state)
{
	(void)state;
	nb_doc *d = facts_of("2024 年上海市科委政府信息公开工作年度报告\n"
			     "市科委认真贯彻落实《条例》，现将有关情况报告如下。\n");

	expect_agency(d, "上海市科委", "上海市科委", "title");
	expect_year(d, 2024, NB_YEAR_TITLE);
	testdoc_free(d);
}

static void abbreviation_spelled_out_in_text(void **state)
{
	(void)state;
	nb_doc *d = facts_of("2024 年上海市科委政府信息公开工作年度报告\n"
			     "上海市科学技术委员会（以下简称市科委）认真贯彻落实《条例》。\n");

	expect_agency(d, "上海市科学技术委员会", "上海市科委", "title");
	testdoc_free(d);

	/* a bare 市… spelled out with its city: the city is kept */
	d = facts_of("发布单位: 市交通局\n"
		     "为贯彻落实《条例》等文件精神，编制了临江市交通运输局政务公开工作总结。\n");
	assert_string_equal(d->r->agency, "临江市交通运输局");
	testdoc_free(d);
}

static void no_place_from_prose(void **state)
{
	(void)state;
	nb_doc *d = facts_of("2016年下陆区政府信息公开工作年度报告\n"
			     "现向社会公布黄石市下陆区人民政府2015年政府信息公开工作年度报告。\n"
			     "淮安市人民政府、淮安市洪泽区人民政府均已公布。\n");

	/* 公布黄石市 is a verb and a place: no city is taken from it */
	expect_agency(d, "下陆区人民政府", "下陆区", "title");
	testdoc_free(d);
	d = facts_of("淮安市人民政府\n"
		     "2024 年政府信息公开工作年度报告\n"
		     "本报告汇总了淮安市洪泽区人民政府等单位的情况。\n");
	/* a district of the city is another body */
	expect_agency(d, "淮安市人民政府", "淮安市人民政府", "title");
	testdoc_free(d);
}

static void crawler_header(void **state)
{
	(void)state;
	nb_doc *d = facts_of("标题: 平潭综合实验区2023年度政府信息公开工作年度报告\n"
			     "发布时间: 2024-03-08 15:34\n"
			     "文号: \n"
			     "发布机构: 平潭综合实验区管委会办公室\n"
			     "栏目: 政府信息公开年报\n"
			     "原文链接: https://www.example.gov.cn/zfxxgknb/t20240308_1.htm\n"
			     "本地目录: zfxxgknb/202403/1_平潭综合实验区2023年度政府信息公开工作年度报告\n"
			     "本报告根据《条例》编制而成，统计期限自2023年1月1日起至2023年12月31日止。一、总体情况 2023年，…\n");

	assert_string_equal(d->r->title, "平潭综合实验区2023年度政府信息公开工作年度报告");
	/* the zone the title names, not the office that published the page */
	expect_agency(d, "平潭综合实验区", "平潭综合实验区", "title");
	expect_year(d, 2023, NB_YEAR_TITLE);
	assert_string_equal(d->r->published, "2024-03-08");
	for (size_t i = 0; i < 7; i++)
		assert_true(d->lines.v[i].flags & NB_LF_META);
	testdoc_free(d);

	/* the header hard-wrapped after it was saved: what 本地目录 left on
	 * the next line reads as a title, but only the end of 标题's */
	d = facts_of("标题: 平潭综合实验区2023年度政府信息公开工作年度报告\n"
		     "发布时间: 2024-03-08 15:34\n"
		     "本地目录: zfxxgknb/202403/1_平潭\n"
		     "综合实验区2023年度政府信息公开工作年度报告\n"
		     "本报告根据《条例》编制而成，统计期限自2023年1月1日起至2023年12月31日止。\n");
	assert_string_equal(d->r->title, "平潭综合实验区2023年度政府信息公开工作年度报告");
	expect_agency(d, "平潭综合实验区", "平潭综合实验区", "title");
	testdoc_free(d);
}

static void breadcrumb_gives_way_to_title(void **state)
{
	(void)state;
	nb_doc *d = facts_of("政府信息公开年报\n"
			     "平潭综合实验区2023年度政府信息公开工作年度报告\n"
			     "来源：平潭综合实验区管委会办公室 时间：2024-03-08 15:34\n"
			     "本报告根据《条例》编制而成，现予公布，统计期限为2023年全年。\n");

	assert_string_equal(d->r->title, "平潭综合实验区2023年度政府信息公开工作年度报告");
	expect_agency(d, "平潭综合实验区", "平潭综合实验区", "title");
	assert_string_equal(d->r->published, "2024-03-08");
	testdoc_free(d);
}

static void header_title_goes_on_below(void **state)
{
	(void)state;
	nb_doc *d = facts_of("标题: 平川综合实验区\n"
			     "2023年度政府信息公开工作年度报告\n"
			     "发布时间: 2024-03-08 15:34\n"
			     "发布机构: 平川综合实验区管委会办公室\n"
			     "根据《条例》编制本报告。\n");

	assert_string_equal(d->r->title, "平川综合实验区2023年度政府信息公开工作年度报告");
	expect_agency(d, "平川综合实验区", "平川综合实验区", "title");
	expect_year(d, 2023, NB_YEAR_TITLE);
	testdoc_free(d);
}

static void title_that_the_article_runs_on_from(void **state)
{
	(void)state;
	nb_buf b = { 0 };
	nb_buf_adds(&b, "标题: 2024 年政府信息公开工作年度报告\n"
			"==================== 正文 ====================\n"
			"正文淮阳市人民政府2024 年政府信息公开工作年度报告本报告由淮阳市人民政府"
			"办公室根据《条例》规定编制。");
	/* the rest of the article on the same line, as a crawler leaves it */
	for (int i = 0; i < 20; i++)
		nb_buf_adds(&b, "全年主动公开政府信息5500条，回应社会关切。");
	nb_buf_adds(&b, "\n");
	assert_false(b.oom);
	nb_doc *d = facts_of(b.s);

	expect_agency(d, "淮阳市人民政府", "淮阳市人民政府", "title");
	expect_year(d, 2024, NB_YEAR_TITLE);
	assert_string_equal(d->r->title, "淮阳市人民政府2024年政府信息公开工作年度报告");
	/* the article's line is not taken for the title's */
	assert_false(d->lines.v[2].flags & NB_LF_TITLE);
	testdoc_free(d);
	nb_buf_free(&b);

	/* a short line opening with a title-like sentence is no title */
	d = facts_of("　　为贯彻落实《条例》等文件精神，编\n"
		     "制了临江市交通运输局2017年政务公开工作总结报告。本报告包括\n"
		     "主动公开、依申请公开等情况。\n");
	/* the intro's agency, read across the wrap */
	expect_agency(d, "临江市交通运输局", "临江市交通运输局", "intro");
	assert_null(d->r->title);
	testdoc_free(d);
}

static void signature_and_metadata_run_into_the_text(void **state)
{
	(void)state;
	nb_doc *d = facts_of("根据《条例》规定，现将本局上一年度政府信息公开工作情况报告如下。"
			     " 一、概述全年，本局认真贯彻落实各项要求。 四、存在的主要问题和改进措施"
			     "公开内容还不够全面。下一步将加强栏目维护，提高公开时效。 松岭县林业局2018年1月20日\n");

	expect_agency(d, "松岭县林业局", "松岭县林业局", "signature");
	assert_string_equal(d->r->published, "2018-01-20");
	expect_year(d, 2017, NB_YEAR_PUBLISHED);
	testdoc_free(d);

	/* the page's metadata inside a flattened article */
	nb_buf b = { 0 };
	nb_buf_adds(&b, "政府信息公开年度报告发布时间：2016-03-02　　来源：青石县人民政府　　"
			"浏览次数：1024本报告依据《条例》编制。");
	for (int i = 0; i < 20; i++)
		nb_buf_adds(&b, "全年主动公开政府信息5500条，回应社会关切。");
	nb_buf_adds(&b, "\n");
	assert_false(b.oom);
	d = facts_of(b.s);
	nb_buf_free(&b);
	expect_agency(d, "青石县人民政府", "青石县人民政府", "source");
	assert_string_equal(d->r->published, "2016-03-02");
	testdoc_free(d);

	/* a date that ends a sentence's clause is no signature */
	d = facts_of("全年公开信息100条。截至2018年1月20日\n");
	assert_null(d->r->agency);
	testdoc_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(title_place_year),
		cmocka_unit_test(title_year_first),
		cmocka_unit_test(title_year_first_bare_place),
		cmocka_unit_test(title_nianduo),
		cmocka_unit_test(title_guanyu),
		cmocka_unit_test(title_repeated_after_intro),
		cmocka_unit_test(title_year_after),
		cmocka_unit_test(title_split_about),
		cmocka_unit_test(title_split_pdf),
		cmocka_unit_test(title_markdown_ocr_slip),
		cmocka_unit_test(title_html_forms),
		cmocka_unit_test(title_wrapped_after_stray_line),
		cmocka_unit_test(title_over_three_lines),
		cmocka_unit_test(title_agency_not_compiling_office),
		cmocka_unit_test(title_place_kept),
		cmocka_unit_test(abbreviation_spelled_out_in_text),
		cmocka_unit_test(no_place_from_prose),
		cmocka_unit_test(crawler_header),
		cmocka_unit_test(breadcrumb_gives_way_to_title),
		cmocka_unit_test(header_title_goes_on_below),
		cmocka_unit_test(title_that_the_article_runs_on_from),
		cmocka_unit_test(signature_and_metadata_run_into_the_text),
		cmocka_unit_test(title_year_beats_period),
		cmocka_unit_test(period_mangled),
		cmocka_unit_test(period_without_end_year),
		cmocka_unit_test(published_forms),
		cmocka_unit_test(published_prefers_release_date),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
