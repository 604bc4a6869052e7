/*
 * test_lines.c — text to lines and their marks (lines.c): splitting, form
 * feeds, site chrome, page numbers, image names, Markdown clean-up and the
 * guess that text came from a PDF.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "internal.h"
#include "lines.h"

/* A document of the given kind from text, split and marked. */
static nb_doc *marked(const char *text, nb_src_kind kind)
{
	nb_doc *d = calloc(1, sizeof *d);

	assert_non_null(d);
	d->kind = kind;
	assert_int_equal(nb_split_lines(text, strlen(text), &d->lines), 0);
	if (kind == NB_SRC_MARKDOWN)
		assert_int_equal(nb_markdown_clean(&d->lines), 0);
	assert_int_equal(nb_mark_lines(d), 0);
	return d;
}

static void doc_free(nb_doc *d)
{
	nb_lines_free(&d->lines);
	free(d);
}

/* The flags of the line whose text is s (it must be there once). */
static unsigned flags_of(const nb_doc *d, const char *s)
{
	size_t found = d->lines.n;

	for (size_t i = 0; i < d->lines.n; i++) {
		if (strcmp(d->lines.v[i].text, s) == 0) {
			assert_int_equal(found, d->lines.n);
			found = i;
		}
	}
	if (found == d->lines.n)
		fail_msg("no line \"%s\"", s);
	return d->lines.v[found].flags;
}

static void split(void **state)
{
	(void)state;
	nb_lines ls = { 0 };
	static const char text[] = "甲\n\n乙 \n\f丙\n\f\n丁";

	assert_int_equal(nb_split_lines(text, sizeof text - 1, &ls), 0);
	assert_int_equal(ls.n, 6);
	assert_string_equal(ls.v[0].text, "甲");
	assert_string_equal(ls.v[1].text, "");
	assert_string_equal(ls.v[2].text, "乙 ");
	assert_string_equal(ls.v[3].text, "丙");
	assert_int_equal(ls.v[3].len, strlen("丙"));
	assert_true(ls.v[3].flags & NB_LF_NEWPAGE);
	assert_false(ls.v[2].flags & NB_LF_NEWPAGE);
	assert_string_equal(ls.v[4].text, "");
	assert_true(ls.v[4].flags & NB_LF_NEWPAGE);
	assert_string_equal(ls.v[5].text, "丁");
	nb_lines_free(&ls);

	/* a final newline ends the last line, it does not add one */
	assert_int_equal(nb_split_lines("a\nb\n", 4, &ls), 0);
	assert_int_equal(ls.n, 2);
	nb_lines_free(&ls);
}

static const char chrome_page[] =
	"2015年03月02日 星期一 某市天气:晴\n"
	"                您好! 欢迎光临某区政府网!\n"
	"当前位置:首页 > 信息公开 > 信息公开年报\n"
	"当前页面：首页 » 政府信息公开 » 2020年\n"
	"您现在的位置：网站首页 >> 年报\n"
	"首页 > 政务公开 > 年度报告\n"
	"【字体：大 中 小】\n"
	"字号：T|T\n"
	"视力保护色：\n"
	"【打印本页】 【关闭窗口】\n"
	"[打印] [关闭]\n"
	"打印\n"
	"某区2016年政府信息公开工作年度报告\n"
	"发布时间: 2021-01-29 10:00 文章字号:\n"
	"  一、信息公开概述\n"
	"  \u3000\u3000全年主动公开政府信息1380条，其中规范性文件12件。\n"
	"加强版权保护，对侵犯版权所有人合法权益的案件依法查处3件。\n"
	"建立网站首页内容审核制度，首页改版后访问量上升。\n"
	"上一年度结转的申请已全部办结。\n"
	"结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计\n"
	"中\n"
	"扫一扫在手机打开当前页面\n"
	"分享到：\n"
	"上一篇:\n"
	"下一篇：某区2015年政府信息公开工作年度报告\n"
	"相关信息\n"
	"相关链接：\n"
	"电脑版|手机版\n"
	"T 大 中 小 收藏\n"
	"English 繁體 无障碍\n"
	"首页 上一页 1 2 3 下一页 尾页\n"
	"2 3\n"
	"鄂公网安备 42000000000000号\n"
	"网站标识码：4200000001  备案号：鄂ICP备00000000号\n"
	"版权所有：某区人民政府办公室\n"
	"Copyright © 2016 www.example.gov.cn All Rights Reserved\n"
	"主办单位：某区人民政府办公室  承办单位：某区信息中心\n"
	"技术支持：某某科技有限公司\n";

static void chrome(void **state)
{
	(void)state;
	nb_doc *d = marked(chrome_page, NB_SRC_TEXT);
	static const char *const site[] = {
		"2015年03月02日 星期一 某市天气:晴",
		"                您好! 欢迎光临某区政府网!",
		"当前位置:首页 > 信息公开 > 信息公开年报",
		"当前页面：首页 » 政府信息公开 » 2020年",
		"您现在的位置：网站首页 >> 年报",
		"首页 > 政务公开 > 年度报告",
		"【字体：大 中 小】",
		"字号：T|T",
		"视力保护色：",
		"【打印本页】 【关闭窗口】",
		"[打印] [关闭]",
		"打印",
		"扫一扫在手机打开当前页面",
		"分享到：",
		"上一篇:",
		"下一篇：某区2015年政府信息公开工作年度报告",
		"相关信息",
		"相关链接：",
		"电脑版|手机版",
		/* tool bars opened by a word of one byte, and of ASCII */
		"T 大 中 小 收藏",
		"English 繁體 无障碍",
		"首页 上一页 1 2 3 下一页 尾页",
		"鄂公网安备 42000000000000号",
		"网站标识码：4200000001  备案号：鄂ICP备00000000号",
		"版权所有：某区人民政府办公室",
		"Copyright © 2016 www.example.gov.cn All Rights Reserved",
		"主办单位：某区人民政府办公室  承办单位：某区信息中心",
		"技术支持：某某科技有限公司",
	};
	static const char *const report[] = {
		"某区2016年政府信息公开工作年度报告",
		/* metadata: facts.c reads and flags it */
		"发布时间: 2021-01-29 10:00 文章字号:",
		"  一、信息公开概述",
		"  \u3000\u3000全年主动公开政府信息1380条，其中规范性文件12件。",
		"加强版权保护，对侵犯版权所有人合法权益的案件依法查处3件。",
		"建立网站首页内容审核制度，首页改版后访问量上升。",
		"上一年度结转的申请已全部办结。",
		"结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计",
		"中",
		"2 3",
	};

	for (size_t i = 0; i < sizeof site / sizeof *site; i++)
		if (!(flags_of(d, site[i]) & NB_LF_CHROME))
			fail_msg("not marked as chrome: %s", site[i]);
	for (size_t i = 0; i < sizeof report / sizeof *report; i++)
		if (flags_of(d, report[i]) & NB_LF_CHROME)
			fail_msg("marked as chrome: %s", report[i]);
	assert_false(d->pdf);
	doc_free(d);
}

static void blanks(void **state)
{
	(void)state;
	nb_doc *d = marked("甲\n   \n\u3000\u3000\n\u00a0\t\n乙", NB_SRC_TEXT);

	assert_int_equal(d->lines.n, 5);
	assert_false(d->lines.v[0].flags & NB_LF_BLANK);
	for (size_t i = 1; i < 4; i++)
		assert_int_equal(d->lines.v[i].flags, NB_LF_BLANK);
	assert_false(d->lines.v[4].flags & NB_LF_BLANK);
	doc_free(d);
}

static void page_numbers(void **state)
{
	(void)state;
	nb_doc *d = marked(
		"-3-\n"
		"  - 3 -\n"
		"— 4 —\n"
		"—5—\n"
		"－６－\n"
		"第 3 页\n"
		"第3页 共12页\n"
		"共12页 第4页\n"
		"3/12\n"
		"一、本年新收政府信息公开申请数量\n"
		"-3\n"
		"—\n"
		"12/3\n"
		"第三页\n"
		"2019/12\n",
		NB_SRC_TEXT);
	static const char *const pagenos[] = {
		"-3-", "  - 3 -", "— 4 —", "—5—", "－６－", "第 3 页",
		"第3页 共12页", "共12页 第4页", "3/12",
	};
	static const char *const others[] = {
		"一、本年新收政府信息公开申请数量", "-3", "—", "12/3", "第三页",
		"2019/12",
	};

	for (size_t i = 0; i < sizeof pagenos / sizeof *pagenos; i++)
		if (!(flags_of(d, pagenos[i]) & NB_LF_PAGENO))
			fail_msg("not a page number: %s", pagenos[i]);
	for (size_t i = 0; i < sizeof others / sizeof *others; i++)
		if (flags_of(d, others[i]) & NB_LF_PAGENO)
			fail_msg("a page number: %s", others[i]);
	doc_free(d);
}

static void running_headers(void **state)
{
	(void)state;
	nb_doc *d = marked(
		"      青河县2023年政府信息公开工作年度报告\n"
		"   全年组织政务公开业务培训16期，参训人员覆盖各乡镇和县直各部门，\n"
		"                    - 1 -\n"
		"\f      青河县2023年政府信息公开工作年度报告\n"
		"   进一步提升了工作人员的业务水平。\n"
		"                    - 2 -\n"
		"\f      青河县2023年政府信息公开工作年度报告\n"
		"信息内容       本年制发件数     本年废止件数\n"
		"                    - 3 -\n"
		"\f信息内容       本年制发件数     本年废止件数\n"
		"规章              0                0\n",
		NB_SRC_TEXT);

	/* the title atop the first page is the report's; atop the others it
	 * is the page's */
	assert_false(d->lines.v[0].flags & NB_LF_PAGENO);
	assert_true(d->lines.v[3].flags & NB_LF_PAGENO);
	assert_true(d->lines.v[6].flags & NB_LF_PAGENO);
	/* a table's header repeated after a page break is the table's */
	assert_false(d->lines.v[9].flags & NB_LF_PAGENO);
	assert_false(d->lines.v[4].flags & NB_LF_PAGENO);
	doc_free(d);

	/* one page break: the header repeats the first line */
	d = marked("安平县人民政府\n"
		   "正文第一页。\n"
		   "2\n"
		   "\f安平县人民政府\n"
		   "正文第二页。\n",
		   NB_SRC_TEXT);
	assert_true(d->lines.v[3].flags & NB_LF_PAGENO);
	assert_false(d->lines.v[0].flags & NB_LF_PAGENO);
	doc_free(d);
}

static void lone_numbers(void **state)
{
	(void)state;
	/* One cell per line: lone numbers are cells, never page numbers. */
	nb_doc *d = marked("总计\n\n4\n\n5\n\n6\n\f结转下年度\n7\n8\n", NB_SRC_TEXT);

	for (size_t i = 0; i < d->lines.n; i++)
		assert_false(d->lines.v[i].flags & NB_LF_PAGENO);
	doc_free(d);

	/* Laid out far right, in sequence, each before a new page: footers. */
	d = marked("正文第一页\n                                  1\n"
		   "\f正文第二页\n                                  2\n"
		   "\f正文第三页\n"
		   "行政许可                       447228\n"
		   "                                   12\n"
		   "收费\n", NB_SRC_TEXT);
	assert_true(d->lines.v[1].flags & NB_LF_PAGENO);
	assert_true(d->lines.v[3].flags & NB_LF_PAGENO);
	assert_false(d->lines.v[5].flags & NB_LF_PAGENO);
	/* a lone number in a layout table, not ending a page, no sequence */
	assert_false(d->lines.v[6].flags & NB_LF_PAGENO);
	doc_free(d);
}

static void images(void **state)
{
	(void)state;
	nb_doc *d = marked("   11.png\n"
			   "2019年政务信息公开年报表格(改).png\n"
			   "表格.JPEG\n"
			   "详见附件：年报表格.png，请下载查看。\n"
			   "png格式\n", NB_SRC_TEXT);

	assert_true(d->lines.v[0].flags & NB_LF_IMAGE);
	assert_true(d->lines.v[1].flags & NB_LF_IMAGE);
	assert_true(d->lines.v[2].flags & NB_LF_IMAGE);
	assert_false(d->lines.v[3].flags & NB_LF_IMAGE);
	assert_false(d->lines.v[4].flags & NB_LF_IMAGE);
	doc_free(d);
}

static void markdown(void **state)
{
	(void)state;
	nb_doc *d = marked(
		"# 某县人民政府2025年政府信息公开工作年度报告\n"
		"## 一、总体情况 ##\n"
		"###（一）主动公开\n"
		"> 引用的**重点**内容\n"
		"全年公开__文件__12件，#号不是标题。\n"
		"| 信息内容 | 本年制发件数 |\n"
		"|:---|---:|\n"
		"| 规章 | 0 |\n"
		"| - | - |\n"
		"---\n"
		"![年报表格](images/2025/年报表格.png)\n"
		"见[附件](http://example.gov.cn/a.doc)。\n",
		NB_SRC_MARKDOWN);
	static const char *const want[] = {
		"某县人民政府2025年政府信息公开工作年度报告",
		"一、总体情况",
		"（一）主动公开",
		"引用的重点内容",
		"全年公开文件12件，#号不是标题。",
		"| 信息内容 | 本年制发件数 |",
		"",
		"| 规章 | 0 |",
		"| - | - |",
		"",
		"年报表格.png",
		"见附件。",
	};

	assert_int_equal(d->lines.n, sizeof want / sizeof *want);
	for (size_t i = 0; i < d->lines.n; i++) {
		assert_string_equal(d->lines.v[i].text, want[i]);
		assert_int_equal(d->lines.v[i].len, strlen(want[i]));
	}
	assert_true(d->lines.v[6].flags & NB_LF_BLANK);
	assert_true(d->lines.v[9].flags & NB_LF_BLANK);
	assert_false(d->lines.v[8].flags & NB_LF_BLANK);
	assert_true(d->lines.v[10].flags & NB_LF_IMAGE);
	assert_false(d->lines.v[11].flags & NB_LF_IMAGE);
	doc_free(d);
}

static void markdown_html_table(void **state)
{
	(void)state;
	/* OCR output: an HTML table inside the Markdown, <br> in a cell */
	nb_doc *d = marked(
		"## 二、主动公开政府信息情况\n"
		"<table><tr><td colspan=\"4\">第二十条第（一）项</td></tr>\n"
		"<tr><td>信息内容</td><td>本年制发<br>件数</td></tr>\n"
		"<tr><td>**规章**</td><td>0</td></tr></table>\n"
		"| 信息内容 | 本年新<br/>制作数量&nbsp;|\n"
		"<table><tr><td>行政许可</td></tr></table>\n"
		"后文\n",
		NB_SRC_MARKDOWN);
	static const char *const want[] = {
		"二、主动公开政府信息情况",
		"第二十条第（一）项",
		"信息内容 | 本年制发件数",
		"**规章** | 0",
		"| 信息内容 | 本年新制作数量 |",
		"行政许可",
		"后文",
	};

	assert_int_equal(d->lines.n, sizeof want / sizeof *want);
	for (size_t i = 0; i < d->lines.n; i++)
		assert_string_equal(d->lines.v[i].text, want[i]);
	assert_int_equal(d->lines.v[0].table, 0);
	for (size_t i = 1; i <= 3; i++)
		assert_int_equal(d->lines.v[i].table, 1);
	assert_int_equal(d->lines.v[1].cells[0].colspan, 4);
	assert_string_equal(d->lines.v[2].cells[1].text, "本年制发件数");
	assert_int_equal(d->lines.v[4].table, 0);
	assert_int_equal(d->lines.v[5].table, 2);	/* the second table */
	assert_int_equal(d->lines.v[6].table, 0);
	doc_free(d);
}

/* Sentences wrapped every `cols` code points, as a PDF page sets them;
 * a page number after every `page` lines when page > 0. */
static char *wrapped(size_t cols, size_t page)
{
	static const char sentence[] =
		"本机关坚持以公开为常态、不公开为例外，全年主动公开政府信息五千余条，"
		"依法办理政府信息公开申请，均在法定期限内予以答复。";
	nb_buf out = { 0 };
	size_t col = 0, lines = 0;

	for (int k = 0; k < 12; k++) {
		size_t i = 0, n = sizeof sentence - 1;

		while (i < n) {
			size_t at = i;

			nb_utf8_next(sentence, n, &i);
			nb_buf_add(&out, sentence + at, i - at);
			if (++col < cols)
				continue;
			nb_buf_addc(&out, '\n');
			col = 0;
			if (page && ++lines % page == 0)
				nb_buf_printf(&out, "- %zu -\n\f", lines / page);
		}
	}
	nb_buf_addc(&out, '\n');
	return nb_buf_take(&out);
}

/* Display widths: Han of each lead byte two columns, ASCII one, other
 * wide and narrow characters by nb_cp_width, a stray byte one; counted
 * until past the limit only.  Three spaces in a row before that (and only
 * before) make the line a layout row. */
static void widths_counted(void **state)
{
	(void)state;
	static const char s[] = "一a龥㐀，ａ\xE4\xB8 é\xE9";
	size_t n = sizeof s - 1, i = 0, want = 0, w = 99;

	while (i < n)
		want += nb_cp_width(nb_utf8_next(s, n, &i));
	assert_int_equal(want, 2 + 1 + 2 + 2 + 2 + 2 + 1 + 1 + 1 + 1 + 1);
	assert_true(sc_text_width(s, n, SIZE_MAX, &w));
	assert_int_equal(w, want);
	for (size_t max = 0; max < want; max++) {
		assert_true(sc_text_width(s, n, max, &w));
		assert_true(w > max);
	}
	assert_true(sc_text_width("", 0, 0, &w));
	assert_int_equal(w, 0);

	static const char row[] = "合计  12   34";	/* 8 columns, then three spaces */
	assert_false(sc_text_width(row, sizeof row - 1, SIZE_MAX, &w));
	assert_false(sc_text_width(row, sizeof row - 1, 10, &w));
	assert_true(sc_text_width(row, sizeof row - 1, 9, &w));	/* wider than 9 first */
	assert_true(w > 9);
	assert_true(sc_text_width("a  b  c", 7, SIZE_MAX, &w));	/* two in a row only */
	assert_int_equal(w, 7);
}

static void pdf_guess(void **state)
{
	(void)state;
	char *text = wrapped(28, 0);
	nb_doc *d = marked(text, NB_SRC_TEXT);

	assert_true(d->pdf);
	doc_free(d);
	free(text);

	text = wrapped(30, 10);
	d = marked(text, NB_SRC_TEXT);
	assert_true(d->pdf);
	assert_true(d->lines.v[10].flags & NB_LF_PAGENO);
	assert_true(d->lines.v[11].flags & NB_LF_NEWPAGE);
	doc_free(d);
	free(text);

	/* The same sentences, one paragraph per line, as a web page has. */
	text = wrapped(1000, 0);
	d = marked(text, NB_SRC_TEXT);
	assert_false(d->pdf);
	doc_free(d);
	free(text);

	/* Short lines ending in 。 are headings and list items. */
	d = marked(chrome_page, NB_SRC_TEXT);
	assert_false(d->pdf);
	doc_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(split),
		cmocka_unit_test(chrome),
		cmocka_unit_test(widths_counted),
		cmocka_unit_test(blanks),
		cmocka_unit_test(page_numbers),
		cmocka_unit_test(running_headers),
		cmocka_unit_test(lone_numbers),
		cmocka_unit_test(images),
		cmocka_unit_test(markdown),
		cmocka_unit_test(markdown_html_table),
		cmocka_unit_test(pdf_guess),
	};

	return cmocka_run_group_tests_name("lines", tests, NULL, NULL);
}
