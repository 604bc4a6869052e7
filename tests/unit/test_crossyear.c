/*
 * test_crossyear.c — the exact decimal type (decimal.c) and the rules
 * between consecutive years of one agency (crossyear.c), over values.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "nianbao.h"

static void test_decimal(void **state)
{
	(void)state;
	nb_dec v;
	assert_true(nb_dec_parse("414.52", &v));
	assert_int_equal(v, 414520000);
	assert_true(nb_dec_parse("-3", &v));
	assert_int_equal(v, -3000000);
	assert_true(nb_dec_parse("+12", &v));
	assert_int_equal(v, 12000000);
	assert_false(nb_dec_parse("", &v));
	assert_false(nb_dec_parse("1,000", &v));
	assert_false(nb_dec_parse("12万", &v));
	assert_false(nb_dec_parse("1.0000001", &v));
	assert_false(nb_dec_parse("99999999999999999999", &v));

	/* 0.1 + 0.2 is exactly 0.3 here */
	nb_dec a, b, c;
	assert_true(nb_dec_parse("0.1", &a) && nb_dec_parse("0.2", &b) &&
		    nb_dec_parse("0.3", &c));
	assert_int_equal(a + b, c);

	char buf[32];
	nb_dec_str(414520000, buf, sizeof buf);
	assert_string_equal(buf, "414.52");
	nb_dec_str(-3000000, buf, sizeof buf);
	assert_string_equal(buf, "-3");
	nb_dec_str(4068208000, buf, sizeof buf);
	assert_string_equal(buf, "4068.208");
}

/* The results a rule emitted, one line each: rule|subject|ok|detail. */
static int collect(void *ctx, const char *rule, const char *subject, bool ok,
		   const char *detail)
{
	char *all = ctx;
	size_t n = strlen(all);
	snprintf(all + n, 4096 - n, "%s|%s|%d|%s\n", rule, subject, ok, detail);
	return 0;
}

static const nb_xrule *rule(const char *id)
{
	const nb_xrule *v;
	size_t n = nb_cross_rules(&v);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].id, id))
			return &v[i];
	fail_msg("no rule %s", id);
	return NULL;
}

static void test_carry_over(void **state)
{
	(void)state;
	const nb_xrule *r = rule("cross_year.carry_over");
	assert_int_equal(r->kind, NB_TABLE_REQUESTS);
	assert_null(r->table);
	nb_xcell a[] = {
		{ "四、结转下年度继续办理", "自然人", 3000000, "3" },
		{ "四、结转下年度继续办理", "总计", 5000000, "5" },
	};
	nb_xcell b[] = {
		{ "一、本年新收政府信息公开申请数量", "自然人", 9000000, "9" },
		{ "二、上年结转政府信息公开申请数量", "自然人", 3000000, "3" },
		{ "二、上年结转政府信息公开申请数量", "商业企业", 1000000, "1" },
		{ "二、上年结转政府信息公开申请数量", "总计", 4000000, "4" },
	};
	nb_xyear pa = { 2020, a, 2 }, pb = { 2021, b, 4 };
	char got[4096] = "";
	assert_int_equal(r->check(&pa, &pb, collect, got), 0);
	/* 商业企业 was not printed last year: not checked */
	assert_string_equal(got,
		"cross_year.carry_over|自然人|1|2020年 四、结转下年度继续办理 3；"
		"2021年 二、上年结转政府信息公开申请数量 3\n"
		"cross_year.carry_over|总计|0|2020年 四、结转下年度继续办理 5；"
		"2021年 二、上年结转政府信息公开申请数量 4\n");
}

static void test_t2_current(void **state)
{
	(void)state;
	const nb_xrule *r = rule("cross_year.t2_current");
	assert_int_equal(r->kind, NB_TABLE_ACTIVE);
	assert_string_equal(r->table, "第二十条第（一）项");
	nb_xcell a[] = {
		{ "规章", "现行有效件数", 10500000, "10.5" },
		{ "行政规范性文件", "现行有效件数", 7000000, "7" },
	};
	nb_xcell b[] = {
		{ "规章", "本年制发件数", 200000, "0.2" },
		{ "规章", "本年废止件数", 100000, "0.1" },
		{ "规章", "现行有效件数", 10600000, "10.6" },
		{ "行政规范性文件", "本年制发件数", 1000000, "1" },
		{ "行政规范性文件", "现行有效件数", 8000000, "8" },
	};
	nb_xyear pa = { 2021, a, 2 }, pb = { 2022, b, 5 };
	char got[4096] = "";
	assert_int_equal(r->check(&pa, &pb, collect, got), 0);
	/* exact: 10.5 + 0.2 - 0.1 is 10.6; the second row lacks 本年废止件数 */
	assert_string_equal(got,
		"cross_year.t2_current|规章|1|2021年 现行有效件数 10.5 + 2022年 "
		"本年制发件数 0.2 − 本年废止件数 0.1 = 10.6；2022年 现行有效件数 10.6\n");
}

static int refuse(void *ctx, const char *rule, const char *subject, bool ok,
		  const char *detail)
{
	(void)ctx, (void)rule, (void)subject, (void)ok, (void)detail;
	return -5;
}

static void test_emit_failure_stops(void **state)
{
	(void)state;
	nb_xcell a[] = { { "四、结转下年度继续办理", "其他", 0, "0" } };
	nb_xcell b[] = { { "二、上年结转政府信息公开申请数量", "其他", 0, "0" } };
	nb_xyear pa = { 2020, a, 1 }, pb = { 2021, b, 1 };
	assert_int_equal(rule("cross_year.carry_over")->check(&pa, &pb, refuse, NULL), -5);
}

static void test_section_names(void **state)
{
	(void)state;
	assert_string_equal(nb_canonical_name(1), "总体情况");
	assert_string_equal(nb_canonical_name(NB_TABLE_REQUESTS),
			    "收到和处理政府信息公开申请情况");
	assert_string_equal(nb_canonical_name(6), "其他需要报告的事项");
	assert_null(nb_canonical_name(0));
	assert_null(nb_canonical_name(7));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decimal),
		cmocka_unit_test(test_carry_over),
		cmocka_unit_test(test_t2_current),
		cmocka_unit_test(test_emit_failure_stops),
		cmocka_unit_test(test_section_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
