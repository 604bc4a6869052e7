/*
 * test_agency.c — the report's agency where no title names it (facts.c):
 * from the intro, the signature, a crawler's header or source line, each
 * giving way to a fuller name; then agency names completed to their formal
 * form and abbreviations (agency.c), and the decoded text they are found
 * in (ctext.c).
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

/* ---- no title ---------------------------------------------------------------- */

/*
 * A flattened article whose intro is short: flatten.c keeps what comes
 * before the first heading one line, short as it is (NB_LF_FLATHEAD), and
 * the title the crawler's header gave without its agency is read there; a
 * signature the crawler's space put on a line of its own is read too.
 */
static void title_and_signature_of_a_short_flat_article(void **state)
{
	(void)state;
	const char *text = "标题: 2019年政府信息公开工作年度报告\n"
			   "西川区人民政府2019年政府信息公开工作年度报告根据《条例》编制本报告。"
			   " 一、总体情况 本区做好公开工作。 二、主动公开政府信息情况 公开文件五十件。"
			   " 三、收到和处理政府信息公开申请情况 未收到申请。"
			   " 四、存在的主要问题及改进情况 更新不够及时。 西川区人民政府2020年1月20日\n";
	nb_doc *d = testdoc_new(text, NULL);
	bool flat;

	assert_int_equal(nb_flat_split(&d->lines, &flat), 0);
	assert_true(flat);
	assert_true(d->lines.v[1].flags & NB_LF_FLATHEAD);
	assert_int_equal(nb_find_facts(d), 0);
	expect_agency(d, "西川区人民政府", "西川区人民政府", "title");
	expect_year(d, 2019, NB_YEAR_TITLE);
	assert_string_equal(d->r->published, "2020-01-20");
	testdoc_free(d);

	/* no title at all: the signature names the agency and dates it */
	d = testdoc_new("根据《条例》规定，现将本局上一年度政府信息公开工作情况报告如下。"
			" 一、概述 本局认真贯彻条例。 二、主动公开政府信息情况 公开信息四百条。"
			" 三、依申请公开政府信息情况 收到申请三件。"
			" 四、存在的主要问题和改进措施 公开不够全面。 松川县林业局2018年1月20日\n", NULL);
	assert_int_equal(nb_flat_split(&d->lines, &flat), 0);
	assert_true(flat);
	assert_int_equal(nb_find_facts(d), 0);
	expect_agency(d, "松川县林业局", "松川县林业局", "signature");
	expect_year(d, 2017, NB_YEAR_PUBLISHED);
	testdoc_free(d);
}

static void intro_by_and_start_date(void **state)
{
	(void)state;
	nb_doc *d = facts_of("2021年1月10日本年度报告根据《中华人民共和国政府信息公开条例》"
			     "和政务公开工作要求,由宁乡市大成桥镇编制。全文包括概述等。\n"
			     "一、总体情况\n"
			     "成立了政务公开工作领导小组。\n");

	assert_null(d->r->title);
	expect_agency(d, "宁乡市大成桥镇人民政府", "宁乡市大成桥镇", "intro");
	expect_year(d, 2020, NB_YEAR_PUBLISHED);
	assert_string_equal(d->r->published, "2021-01-10");
	assert_int_equal(d->body, 0);
	testdoc_free(d);
}

static void traditional_header_and_intro(void **state)
{
	(void)state;
	const char *simp = "索引号: | 0024/2019-1 | 公开方式: | 主动公开 |\n"
			   "发布单位: | 市财政局 | 成文日期: | 2019-01-09 |\n"
			   "为贯彻落实《条例》,编制了杭州市财政局2018年政务公开工作总结报告。"
			   "报告中所列数据的统计期限自2018年1月1日起至2018年12月31日止。\n"
			   "一、2018年政务公开工作完成情况\n";
	const char *trad = "索引號: | 0024/2019-1 | 公開方式: | 主動公開 |\n"
			   "發布單位: | 市財政局 | 成文日期: | 2019-01-09 |\n"
			   "為貫徹落實《條例》,編製了杭州市財政局2018年政務公開工作總結報告。"
			   "報告中所列數據的統計期限自2018年1月1日起至2018年12月31日止。\n"
			   "一、2018年政務公開工作完成情況\n";
	nb_doc *d = testdoc_new(simp, trad);

	assert_int_equal(nb_find_facts(d), 0);
	expect_agency(d, "杭州市财政局", "杭州市財政局", "intro");
	expect_year(d, 2018, NB_YEAR_PERIOD);
	assert_string_equal(d->r->published, "2019-01-09");
	assert_true(d->lines.v[0].flags & NB_LF_META);
	assert_true(d->lines.v[1].flags & NB_LF_META);
	assert_int_equal(d->body, 2);
	testdoc_free(d);
}

static void abbreviation_gives_way(void **state)
{
	(void)state;
	nb_doc *d = facts_of("宁波市商务委2018年政府信息公开工作年度报告\n"
			     "我委高度重视政务公开工作。\n"
			     "一、工作情况\n"
			     "全年主动公开信息120条。\n"
			     "宁波市商务委员会\n"
			     "2019年1月15日\n");

	/* the signature's full name, not the title's short one */
	expect_agency(d, "宁波市商务委员会", "宁波市商务委员会", "signature");
	assert_string_equal(d->r->published, "2019-01-15");
	expect_year(d, 2018, NB_YEAR_TITLE);
	testdoc_free(d);
}

static void header_abbreviation_gives_way(void **state)
{
	(void)state;
	nb_doc *d = facts_of("发布单位: | 市商务委 | 来源: | 宁波市商务委员会 |\n"
			     "一、工作情况\n");

	expect_agency(d, "宁波市商务委员会", "宁波市商务委员会", "source");
	testdoc_free(d);
}

static void signature_only(void **state)
{
	(void)state;
	nb_doc *d = facts_of("一、总体情况\n"
			     "我局认真贯彻落实《条例》。\n"
			     "\n"
			     "                     宁安市商务局\n"
			     "                     2020年3月1日\n");

	expect_agency(d, "宁安市商务局", "宁安市商务局", "signature");
	expect_year(d, 2019, NB_YEAR_PUBLISHED);
	assert_string_equal(d->r->published, "2020-03-01");
	/* a signature stays in the text */
	assert_false(d->lines.v[3].flags & NB_LF_META);
	testdoc_free(d);
}

static void source_line_only(void **state)
{
	(void)state;
	nb_doc *d = facts_of("一、信息公开概述\n"
			     "全区共受理申请42条。\n"
			     "\n"
			     "[来源: 区商务局 ]\n"
			     "\n"
			     "鄂公网安备 42020402000022号\n");

	expect_agency(d, "区商务局", "区商务局", "source");
	assert_true(d->lines.v[3].flags & NB_LF_META);
	assert_int_equal(d->r->year, 0);
	assert_int_equal(d->r->year_rule, NB_YEAR_UNKNOWN);
	assert_int_equal(d->r->nwarnings, 1);	/* the year could not be told */
	testdoc_free(d);
}

static void nothing_found_warns(void **state)
{
	(void)state;
	nb_doc *d = facts_of("一、概述\n全年工作顺利。\n");

	assert_null(d->r->agency);
	assert_int_equal(d->r->year, 0);
	assert_int_equal(d->r->nwarnings, 2);
	assert_string_equal(d->r->published, "");
	testdoc_free(d);
}

/* ---- agency names ----------------------------------------------------------------- */

static void formal_names(void **state)
{
	(void)state;
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "绥阳县", "绥阳县人民政府" },
		{ "津市市药山镇", "津市市药山镇人民政府" },
		{ "铁山区", "铁山区人民政府" },
		{ "城关街道", "城关街道办事处" },
		{ "铁山区政府", "铁山区人民政府" },
		{ "铁山区人民", "铁山区人民政府" },
		{ "安顺市政府办公室", "安顺市政府办公室" },
		{ "杭州市发展和改革委员会", "杭州市发展和改革委员会" },
		{ "沐阳县", "沭阳县人民政府" },
		{ "沐阳县发展和改革局", "沭阳县发展和改革局" },
		/* a zone has a 管委会, no 人民政府 */
		{ "平潭综合实验区", "平潭综合实验区" },
		{ "苏州工业园区", "苏州工业园区" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *f = nb_agency_formal(cases[i].in);
		assert_non_null(f);
		assert_string_equal(f, cases[i].want);
		free(f);
	}
}

static void abbreviations(void **state)
{
	(void)state;
	assert_true(nb_agency_abbrev("市发改委", "杭州市发展和改革委员会"));
	assert_true(nb_agency_abbrev("沭阳县发改局", "沭阳县发展和改革局"));
	assert_true(nb_agency_abbrev("市发展和改革委员会", "杭州市发展和改革委员会"));
	/* a district keeps the name it goes by every year */
	assert_false(nb_agency_abbrev("铁山区人民政府", "黄石市铁山区人民政府"));
	/* an ending added names another body */
	assert_false(nb_agency_abbrev("淮安市人民政府", "淮安市人民政府办公室"));
	assert_false(nb_agency_abbrev("杭州市财政局", "杭州市财政局"));
	assert_false(nb_agency_abbrev("市财政局", "杭州市发展和改革委员会"));
	assert_true(nb_agency_abbrev("宁波市商务委", "宁波市商务委员会"));
	assert_false(nb_agency_abbrev("宁波市商务委", "宁波市商务委办公室"));
	assert_true(nb_agency_abbrev("上海市科委", "上海市科学技术委员会"));
	assert_true(nb_agency_abbrev("市府办", "淮安市人民政府办公室"));
	/* the office of a government is not the government */
	assert_false(nb_agency_abbrev("洪泽区人民政府", "淮安市洪泽区人民政府办公室"));
	/* a district of a city is not the city */
	assert_false(nb_agency_abbrev("淮安市人民政府", "淮安市洪泽区人民政府"));
}

/* A line's ctext against the plain reading (every character decoded,
 * spaces dropped, fullwidth ASCII folded, each at its place): Han of
 * every lead byte, spaces of each width, fullwidth letters, stray and
 * truncated sequences, four-byte Han. */
static void ctext_as_decoded(void **state)
{
	(void)state;
	static const char s[] = "一\xE4\xB8 乙龥 \xE3\x80\x80㐀ＡＢ１\xE9\xBE\xA5\xE9"
				"\x80\xF0\xA0\x80\x80\xEF\xBB\xBF年\xC2\xA0 a\tb\xE9\xBE";
	size_t n = sizeof s - 1;
	ctext c;

	assert_int_equal(ct_make(&c, s, n), 0);
	size_t i = 0, k = 0, m = 0;
	while (i < n) {
		uint32_t cp = nb_utf8_next(s, n, &i);
		if (!nb_is_space(cp)) {
			assert_true(m < c.n);
			assert_int_equal(c.cp[m], nb_halfwidth(cp));
			assert_int_equal(c.at[m], k);
			m++;
		}
		k++;
	}
	assert_int_equal(c.n, m);
	assert_int_equal(c.ncp, k);
	ct_free(&c);
}

/* ct_set_may_hold never says no to a wording ct_find finds (the intro's
 * wordings are looked for only where it says yes), and says no to most
 * of those absent. */
static void ctext_set_never_misses(void **state)
{
	(void)state;
	static const char *const words[] = { "现公布", "编制了", "发布了", "由", "公布", "年" };
	static const char *const lines[] = {
		"根据条例，现公布本机关2020年度报告。", "本报告由市政府办公室编制了。",
		"一、总体情况", "", "发布了", "abc 现 公布",
	};
	size_t found = 0, turned_away = 0;

	for (size_t l = 0; l < sizeof lines / sizeof *lines; l++) {
		ctext c;
		nb_cpset set;
		assert_int_equal(ct_make(&c, lines[l], strlen(lines[l])), 0);
		ct_set_make(&set, c.cp, c.n);
		for (size_t w = 0; w < sizeof words / sizeof *words; w++) {
			bool in = ct_find(c.cp, 0, c.n, words[w]) != SIZE_MAX;
			bool may = ct_set_may_hold(&set, words[w]);
			if (in)
				assert_true(may);
			found += in;
			turned_away += !may;
		}
		ct_free(&c);
	}
	assert_true(found >= 6);
	assert_true(turned_away >= 15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ctext_as_decoded),
		cmocka_unit_test(ctext_set_never_misses),
		cmocka_unit_test(title_and_signature_of_a_short_flat_article),
		cmocka_unit_test(intro_by_and_start_date),
		cmocka_unit_test(traditional_header_and_intro),
		cmocka_unit_test(abbreviation_gives_way),
		cmocka_unit_test(header_abbreviation_gives_way),
		cmocka_unit_test(signature_only),
		cmocka_unit_test(source_line_only),
		cmocka_unit_test(nothing_found_warns),
		cmocka_unit_test(formal_names),
		cmocka_unit_test(abbreviations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
