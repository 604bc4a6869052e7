/*
 * test_html.c — HTML to lines (html.c): blocks and whitespace, the rows of
 * data tables with their cells, spans and table ordinals, layout tables,
 * custom tags, a stale charset declaration; the tree as libxml2 reads it
 * (html_tree.c builds it from the parser's events).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "internal.h"

static nb_lines parse(const char *html)
{
	nb_lines ls = { 0 };

	assert_int_equal(nb_html_lines(html, strlen(html), &ls), 0);
	return ls;
}

static void expect_texts(const nb_lines *ls, const char *const *want,
			 size_t n)
{
	for (size_t i = 0; i < n && i < ls->n; i++)
		assert_string_equal(ls->v[i].text, want[i]);
	assert_int_equal(ls->n, n);
}

static void blocks_and_spaces(void **state)
{
	(void)state;
	nb_lines ls = parse(
		"<html><head><title>不要</title><style>p{}</style></head><body>"
		"<script>var x = '脚本';</script>"
		"<nav><a href=\"/\">首页</a></nav><div role=\"navigation\">栏目</div>"
		"<p>　　2019年，  我市\n  <b>高度</b>重视&nbsp;公开。</p>"
		"<div>一、总体<span>情况</span></div>"
		"第一行<br>第二行<br/>"
		"<h2>（一）主动公开</h2><noscript>无脚本</noscript>"
		"<ul><li>甲</li><li>乙</li></ul></body></html>");
	static const char *const want[] = {
		"　　2019年， 我市 高度重视 公开。", "一、总体情况", "第一行",
		"第二行", "（一）主动公开", "甲", "乙",
	};

	expect_texts(&ls, want, sizeof want / sizeof *want);
	for (size_t i = 0; i < ls.n; i++) {
		assert_int_equal(ls.v[i].table, 0);
		assert_int_equal(ls.v[i].ncells, 0);
	}
	nb_lines_free(&ls);
}

static void blank_lines_tidy(void **state)
{
	(void)state;
	nb_lines ls = parse("<p></p><p>甲</p><p>&nbsp;</p><p> </p><br><br>"
			    "<p>乙</p><div></div><p>丙</p><p></p><p></p>");
	static const char *const want[] = { "甲", "", "乙", "丙" };

	expect_texts(&ls, want, sizeof want / sizeof *want);
	nb_lines_free(&ls);
}

/* In <pre> a newline ends a line (two make a blank one) and spaces are
 * kept; outside, white space (&nbsp; too) folds to one space. */
static void pre_keeps_lines(void **state)
{
	(void)state;
	nb_lines ls = parse("<pre>一、总体情况\n\n  本年度 12 件。\n&nbsp;乙\n</pre>"
			    "<p>a&nbsp; b\tc\n</p><pre>\n\nx  y</pre>");
	static const char *const want[] = {
		"一、总体情况", "", "  本年度 12 件。", "\xC2\xA0乙", "a b c", "", "x  y",
	};

	expect_texts(&ls, want, sizeof want / sizeof *want);
	nb_lines_free(&ls);
}

static void table_cells(void **state)
{
	(void)state;
	nb_lines ls = parse(
		"<p>二、主动公开政府信息情况</p>"
		"<table border=1><tbody>"
		"<tr><td colspan=\"5\">第二十条第（一）项</td></tr>"
		"<tr><th>信息内容</th><td>本年新<br />制作数量</td>"
		"<td colspan=\"2\"> 本年新<br>\n公开数量 </td>"
		"<td>对外公开<p>总数量</p></td></tr>"
		"<tr><td>规章</td><td>13</td><td colspan=2>13</td><td>&nbsp;</td></tr>"
		"</tbody></table>"
		"<p>三、收到和处理政府信息公开申请情况</p>"
		"<table><tr><td rowspan=\"20\">三、本年度办理结果</td>"
		"<td colspan=2>（一）予以公开</td><td>258</td></tr>"
		"<tr><td colspan=\"bad\">（七）总计</td><td></td></tr></table>");

	assert_int_equal(ls.n, 7);
	assert_string_equal(ls.v[0].text, "二、主动公开政府信息情况");
	assert_int_equal(ls.v[0].table, 0);

	nb_line *l = &ls.v[1];

	assert_int_equal(l->table, 1);
	assert_int_equal(l->ncells, 1);
	assert_string_equal(l->cells[0].text, "第二十条第（一）项");
	assert_int_equal(l->cells[0].colspan, 5);
	assert_int_equal(l->cells[0].rowspan, 1);

	l = &ls.v[2];
	assert_int_equal(l->table, 1);
	assert_int_equal(l->ncells, 4);
	assert_string_equal(l->cells[0].text, "信息内容");
	assert_string_equal(l->cells[1].text, "本年新制作数量");
	assert_string_equal(l->cells[2].text, "本年新公开数量");
	assert_int_equal(l->cells[2].colspan, 2);
	assert_string_equal(l->cells[3].text, "对外公开总数量");
	assert_string_equal(l->text,
			    "信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量");

	l = &ls.v[3];
	assert_int_equal(l->ncells, 4);
	assert_string_equal(l->cells[3].text, "");	/* &nbsp; only */
	assert_string_equal(l->text, "规章 | 13 | 13 | ");

	assert_string_equal(ls.v[4].text, "三、收到和处理政府信息公开申请情况");
	assert_int_equal(ls.v[4].table, 0);

	l = &ls.v[5];
	assert_int_equal(l->table, 2);
	assert_int_equal(l->cells[0].rowspan, 20);
	assert_int_equal(l->cells[0].colspan, 1);
	assert_int_equal(l->cells[1].colspan, 2);
	assert_string_equal(l->cells[2].text, "258");

	l = &ls.v[6];
	assert_int_equal(l->table, 2);
	assert_int_equal(l->cells[0].colspan, 1);	/* unreadable: 1 */
	assert_int_equal(l->ncells, 2);
	nb_lines_free(&ls);
}

static void nested_table(void **state)
{
	(void)state;
	nb_lines ls = parse(
		"<table><tr><td>行政复议</td><td>行政诉讼</td></tr>"
		"<tr><td>1</td><td><table><tr><td>内</td><td>2</td></tr>"
		"<tr><td>3</td></tr></table>外</td></tr>"
		"<tr><td>末</td></tr><tr><td>尾</td></tr></table>"
		"<table><tr><td>第二</td></tr></table>");

	/* four rows of its own: a data table, not a layout wrapper */
	static const char *const want[] = {
		"行政复议 | 行政诉讼", "1 | 外", "内 | 2", "3", "末", "尾",
		"第二",
	};
	static const int ordinal[] = { 1, 1, 1, 1, 1, 1, 2 };

	expect_texts(&ls, want, sizeof want / sizeof *want);
	for (size_t i = 0; i < ls.n; i++)
		assert_int_equal(ls.v[i].table, ordinal[i]);
	nb_lines_free(&ls);
}

static void layout_table_is_text(void **state)
{
	(void)state;
	/* An old site's page: the whole article in one cell. */
	char html[4096];
	char para[1024] = "";

	for (int i = 0; i < 20; i++)
		strcat(para, "政府信息公开工作稳步推进");
	snprintf(html, sizeof html,
		 "<table><tr><td>当前位置：首页</td></tr><tr><td>"
		 "<p>一、总体情况</p><p>%s</p>"
		 "<table><tr><td>规章</td><td>13</td></tr>"
		 "<tr><td>规范性文件</td><td>60</td></tr></table>"
		 "</td></tr></table>", para);

	nb_lines ls = parse(html);

	assert_int_equal(ls.n, 5);
	assert_string_equal(ls.v[0].text, "当前位置：首页");
	assert_int_equal(ls.v[0].table, 0);
	assert_string_equal(ls.v[1].text, "一、总体情况");
	assert_int_equal(ls.v[1].table, 0);
	assert_string_equal(ls.v[2].text, para);
	assert_int_equal(ls.v[2].table, 0);
	/* the data table inside is the page's first table */
	assert_string_equal(ls.v[3].text, "规章 | 13");
	assert_int_equal(ls.v[3].table, 1);
	assert_int_equal(ls.v[4].table, 1);
	assert_int_equal(ls.v[4].ncells, 2);
	nb_lines_free(&ls);

	/* no nested table, rows of header and footer around the article */
	snprintf(html, sizeof html,
		 "<table><tr><td>网站首页</td><td>政务公开</td></tr>"
		 "<tr><td colspan=2><p>一、总体情况</p><p>%s</p>"
		 "<p>二、主动公开政府信息情况</p></td></tr>"
		 "<tr><td>联系我们</td><td>网站地图</td></tr>"
		 "<tr><td colspan=2>某县人民政府办公室</td></tr></table>", para);
	ls = parse(html);
	const char *const want[] = {
		"网站首页", "政务公开", "一、总体情况", para,
		"二、主动公开政府信息情况", "联系我们", "网站地图",
		"某县人民政府办公室",
	};

	expect_texts(&ls, want, sizeof want / sizeof *want);
	for (size_t i = 0; i < ls.n; i++)
		assert_int_equal(ls.v[i].table, 0);
	nb_lines_free(&ls);
}

static void note_row_stays_data(void **state)
{
	(void)state;
	char html[4096];
	char note[1024] = "注：";

	for (int i = 0; i < 24; i++)
		strcat(note, "本表数据统计口径");
	snprintf(html, sizeof html,
		 "<table><tr><td>信息内容</td><td>本年制发件数</td>"
		 "<td>本年废止件数</td><td>现行有效件数</td></tr>"
		 "<tr><td>行政规范性文件（市政府及市政府办公室）</td><td>8</td>"
		 "<td>26</td><td>66</td></tr>"
		 "<tr><td>规章（市政府制定并公布施行的）</td><td>1</td>"
		 "<td>0</td><td>11</td></tr>"
		 "<tr><td>行政许可（市级部门办理的行政许可事项）</td>"
		 "<td colspan=3>447228</td></tr>"
		 "<tr><td>行政处罚（市级部门作出的处罚决定）</td>"
		 "<td colspan=3>3985758</td></tr>"
		 "<tr><td colspan=4><p>%s</p></td></tr></table>", note);

	nb_lines ls = parse(html);

	assert_int_equal(ls.n, 6);
	for (size_t i = 0; i < ls.n; i++)
		assert_int_equal(ls.v[i].table, 1);
	assert_string_equal(ls.v[5].cells[0].text, note);
	nb_lines_free(&ls);
}

static void custom_tags_and_images(void **state)
{
	(void)state;
	nb_lines ls = parse(
		"<div class=\"meta\"><div><strong>单位：</strong>某县发改局</div></div>"
		"<table class=\"table_content\"><tr><td>公开日期</td>"
		"<td><publishtime>2024-01-17</publishtime></td></tr></table>"
		"<h1><ucaptitle>某县2023年政府信息公开年度报告</ucaptitle></h1>"
		"<div><ucapcontent><p>正文。</p>"
		"<p><img src=\"/pic/2020/年报表格.PNG?x=1\" alt=\"\"></p>"
		"<img src=\"data:image/png;base64,AAAA\">"
		"<p style=\"display: none\">隐藏</p></ucapcontent></div>");
	static const char *const want[] = {
		"单位：某县发改局", "公开日期 | 2024-01-17",
		"某县2023年政府信息公开年度报告", "正文。", "年报表格.PNG",
	};

	expect_texts(&ls, want, sizeof want / sizeof *want);
	assert_int_equal(ls.v[1].table, 1);
	assert_string_equal(ls.v[1].cells[1].text, "2024-01-17");
	nb_lines_free(&ls);
}

static void stale_charset_ignored(void **state)
{
	(void)state;
	/* decode.c already made the page UTF-8; its meta still says gb2312 */
	nb_lines ls = parse("<html><head><meta http-equiv=\"Content-Type\" "
			    "content=\"text/html; charset=gb2312\"></head>"
			    "<body><p>年度报告</p></body></html>");

	assert_int_equal(ls.n, 1);
	assert_string_equal(ls.v[0].text, "年度报告");
	nb_lines_free(&ls);
}

static void empty_and_broken(void **state)
{
	(void)state;
	nb_lines ls = { 0 };

	assert_int_equal(nb_html_lines("", 0, &ls), 0);
	assert_int_equal(ls.n, 0);

	ls = parse("<table><tr><td>甲<td>乙</tr><tr><td>丙</table><p>丁");
	static const char *const want[] = { "甲 | 乙", "丙", "丁" };

	expect_texts(&ls, want, sizeof want / sizeof *want);
	nb_lines_free(&ls);
}

/* The tree is libxml2's reading of the page, as its own tree builder made
 * it (html_tree.c builds it from the parser's events): Word's <o:p> is a
 * <p>; text cut by a comment or an entity reads as one line (html.c joins
 * a line's texts, so this holds however the tree splits them); a
 * repeated attribute keeps its first value, one printed without a value
 * reads as none; an element hidden by its style is left out. */
static void as_libxml2_reads(void **state)
{
	(void)state;
	nb_lines ls = parse(
		"<html><body><p>一、总体情况<o:p></o:p></p>"
		"<p>文本<o:p>内容</o:p>后</p>"
		"<p>甲<!-- 注释 -->乙&nbsp;丙&amp;丁</p>"
		"<table border=1><tr><td colspan=2 colspan=3>a</td>"
		"<th ROWSPAN=2>b</th><td colspan>c</td></tr></table>"
		"<p STYLE=\"display: none\">藏</p><?php x ?><p>完</p></body></html>");
	static const char *const want[] = {
		"一、总体情况", "文本", "内容", "后", "甲乙 丙&丁", "a | b | c", "完",
	};

	expect_texts(&ls, want, sizeof want / sizeof *want);
	assert_int_equal(ls.v[5].ncells, 3);
	assert_int_equal(ls.v[5].cells[0].colspan, 2);
	assert_int_equal(ls.v[5].cells[1].rowspan, 2);
	assert_int_equal(ls.v[5].cells[2].colspan, 1);
	nb_lines_free(&ls);
}

/* libxml2 stops a page nested deeper than its limit (256 elements): what
 * it read is all there is, nothing after it. */
static void nesting_limit(void **state)
{
	(void)state;
	char html[8192];
	size_t n = 0;

	for (int depth = 250; depth <= 300; depth += 50) {
		n = (size_t)snprintf(html, sizeof html, "<html><body>");
		for (int i = 0; i < depth; i++)
			n += (size_t)snprintf(html + n, sizeof html - n, "<div>");
		n += (size_t)snprintf(html + n, sizeof html - n, "深");
		for (int i = 0; i < depth; i++)
			n += (size_t)snprintf(html + n, sizeof html - n, "</div>");
		n += (size_t)snprintf(html + n, sizeof html - n, "<p>后面</p></body></html>");
		assert_true(n < sizeof html);

		nb_lines ls = parse(html);
		static const char *const want[] = { "深", "后面" };

		expect_texts(&ls, want, depth < 256 ? 2 : 0);
		nb_lines_free(&ls);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(blocks_and_spaces),
		cmocka_unit_test(blank_lines_tidy),
		cmocka_unit_test(pre_keeps_lines),
		cmocka_unit_test(table_cells),
		cmocka_unit_test(nested_table),
		cmocka_unit_test(layout_table_is_text),
		cmocka_unit_test(note_row_stays_data),
		cmocka_unit_test(custom_tags_and_images),
		cmocka_unit_test(stale_charset_ignored),
		cmocka_unit_test(empty_and_broken),
		cmocka_unit_test(as_libxml2_reads),
		cmocka_unit_test(nesting_limit),
	};

	return cmocka_run_group_tests_name("html", tests, NULL, NULL);
}
