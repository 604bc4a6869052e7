/*
 * template.c — the official tables of the 2019 and 2021 report formats
 * (国办公开办函〔2019〕60号 and 〔2021〕30号), as data.  Labels are the
 * official wording; keys are what printed labels are matched against, with
 * the numbering left out because it is printed in too many ways (1. 1、 (1)).
 */
#include "internal.h"
#include "labels.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- table 2: one small table per clause of Art. 20 ------------------------ */

static const nb_trow t2_19_1[] = {
	{ "规章", "规章", NULL, false },
	{ "规范性文件", "规范性文件", "行政规范性文件", false },
};
static const nb_trow t2_21_1[] = {
	{ "规章", "规章", NULL, false },
	{ "行政规范性文件", "行政规范性文件", "规范性文件", false },
};
static const nb_trow t2_19_5[] = {
	{ "行政许可", "行政许可", NULL, false },
	{ "其他对外管理服务事项", "其他对外管理服务事项", NULL, false },
};
static const nb_trow t2_21_5[] = {
	{ "行政许可", "行政许可", NULL, false },
};
static const nb_trow t2_6[] = {
	{ "行政处罚", "行政处罚", NULL, false },
	{ "行政强制", "行政强制", NULL, false },
};
static const nb_trow t2_8[] = {
	{ "行政事业性收费", "行政事业性收费", NULL, false },
};
static const nb_trow t2_19_9[] = {
	{ "政府集中采购", "政府集中采购", NULL, false },
};

static const nb_template t2_2019[] = {
	{ NB_TABLE_ACTIVE, NB_FMT_2019, "一", NB_T2_CLAUSE_1, "信息内容", 3,
	  { "本年新制作数量", "本年新公开数量", "对外公开总数量" }, -1, false,
	  N(t2_19_1), t2_19_1 },
	{ NB_TABLE_ACTIVE, NB_FMT_2019, "五", "第二十条第（五）项", "信息内容", 3,
	  { "上一年项目数量", "本年增/减", "处理决定数量" }, -1, false,
	  N(t2_19_5), t2_19_5 },
	{ NB_TABLE_ACTIVE, NB_FMT_2019, "六", "第二十条第（六）项", "信息内容", 3,
	  { "上一年项目数量", "本年增/减", "处理决定数量" }, -1, false,
	  N(t2_6), t2_6 },
	{ NB_TABLE_ACTIVE, NB_FMT_2019, "八", "第二十条第（八）项", "信息内容", 2,
	  { "上一年项目数量", "本年增/减" }, -1, false, N(t2_8), t2_8 },
	{ NB_TABLE_ACTIVE, NB_FMT_2019, "九", "第二十条第（九）项", "信息内容", 2,
	  { "采购项目数量", "采购总金额" }, 1, false, N(t2_19_9), t2_19_9 },
};

static const nb_template t2_2021[] = {
	{ NB_TABLE_ACTIVE, NB_FMT_2021, "一", NB_T2_CLAUSE_1, "信息内容", 3,
	  { NB_T2_ISSUED, NB_T2_REPEALED, NB_T2_CURRENT }, -1, false,
	  N(t2_21_1), t2_21_1 },
	{ NB_TABLE_ACTIVE, NB_FMT_2021, "五", "第二十条第（五）项", "信息内容", 1,
	  { "本年处理决定数量" }, -1, false, N(t2_21_5), t2_21_5 },
	{ NB_TABLE_ACTIVE, NB_FMT_2021, "六", "第二十条第（六）项", "信息内容", 1,
	  { "本年处理决定数量" }, -1, false, N(t2_6), t2_6 },
	{ NB_TABLE_ACTIVE, NB_FMT_2021, "八", "第二十条第（八）项", "信息内容", 1,
	  { "本年收费金额（单位：万元）" }, 0, true, N(t2_8), t2_8 },
};

/* ---- table 3 --------------------------------------------------------------- */

#define R3 "三、本年度办理结果/"
#define T3_HEAD                                                                    \
	{ NB_T3_RECEIVED, "本年新收政府信息公开申请数量", NULL, false }, \
	{ NB_T3_CARRIED_IN, "上年结转政府信息公开申请数量", NULL, false }, \
	{ R3 "（一）予以公开", "予以公开", NULL, true },                                  \
	{ R3 "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",                     \
	  "部分公开区分处理的只计这一情形不计其他情形", NULL, true },                      \
	{ R3 "（三）不予公开/1.属于国家秘密", "属于国家秘密", NULL, true },                \
	{ R3 "（三）不予公开/2.其他法律行政法规禁止公开", "其他法律行政法规禁止公开", NULL, true }, \
	{ R3 "（三）不予公开/3.危及“三安全一稳定”", "危及三安全一稳定", NULL, true },      \
	{ R3 "（三）不予公开/4.保护第三方合法权益", "保护第三方合法权益", NULL, true },    \
	{ R3 "（三）不予公开/5.属于三类内部事务信息", "属于三类内部事务信息", NULL, true }, \
	{ R3 "（三）不予公开/6.属于四类过程性信息", "属于四类过程性信息", NULL, true },    \
	{ R3 "（三）不予公开/7.属于行政执法案卷", "属于行政执法案卷", NULL, true },        \
	{ R3 "（三）不予公开/8.属于行政查询事项", "属于行政查询事项", NULL, true },        \
	{ R3 "（四）无法提供/1.本机关不掌握相关政府信息", "本机关不掌握相关政府信息", NULL, true }, \
	{ R3 "（四）无法提供/2.没有现成信息需要另行制作", "没有现成信息需要另行制作", NULL, true }, \
	{ R3 "（四）无法提供/3.补正后申请内容仍不明确", "补正后申请内容仍不明确", NULL, true }, \
	{ R3 "（五）不予处理/1.信访举报投诉类申请", "信访举报投诉类申请", NULL, true },    \
	{ R3 "（五）不予处理/2.重复申请", "重复申请", NULL, true },                        \
	{ R3 "（五）不予处理/3.要求提供公开出版物", "要求提供公开出版物", NULL, true },    \
	{ R3 "（五）不予处理/4.无正当理由大量反复申请", "无正当理由大量反复申请", NULL, true }, \
	{ R3 "（五）不予处理/5.要求行政机关确认或重新出具已获取信息",                       \
	  "要求行政机关确认或重新出具已获取信息", NULL, true }
#define T3_TAIL                                                                    \
	{ R3 "（七）总计", "总计", NULL, false },                                        \
	{ NB_T3_CARRIED_OUT, "结转下年度继续办理", NULL, false }

static const nb_trow t3_19_rows[] = {
	T3_HEAD,
	{ R3 "（六）其他处理", "其他处理", NULL, true },
	T3_TAIL,
};
static const nb_trow t3_21_rows[] = {
	T3_HEAD,
	{ R3 "（六）其他处理/1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
	  "申请人无正当理由逾期不补正行政机关不再处理其政府信息公开申请", NULL, true },
	{ R3 "（六）其他处理/2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
	  "申请人逾期未按收费通知要求缴纳费用行政机关不再处理其政府信息公开申请", NULL, true },
	{ R3 "（六）其他处理/3.其他", "其他", NULL, true },
	T3_TAIL,
};

#define T3_COLS { "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计" }
static const nb_template t3_2019[] = {
	{ NB_TABLE_REQUESTS, NB_FMT_2019, NULL, "申请情况", "项目", 7, T3_COLS, -1, false,
	  N(t3_19_rows), t3_19_rows },
};
static const nb_template t3_2021[] = {
	{ NB_TABLE_REQUESTS, NB_FMT_2021, NULL, "申请情况", "项目", 7, T3_COLS, -1, false,
	  N(t3_21_rows), t3_21_rows },
};

/* ---- table 4: the same in both formats ---------------------------------- */

static const nb_trow t4_rows[] = {
	{ "行政复议", "行政复议", NULL, false },
	{ "行政诉讼/未经复议直接起诉", "未经复议直接起诉", NULL, false },
	{ "行政诉讼/复议后起诉", "复议后起诉", NULL, false },
};
#define T4_COLS { "结果维持", "结果纠正", "其他结果", "尚未审结", "总计" }
static const nb_template t4_2019[] = {
	{ NB_TABLE_APPEALS, NB_FMT_2019, NULL, "复议诉讼情况", "类别", 5, T4_COLS, -1, false,
	  N(t4_rows), t4_rows },
};
static const nb_template t4_2021[] = {
	{ NB_TABLE_APPEALS, NB_FMT_2021, NULL, "复议诉讼情况", "类别", 5, T4_COLS, -1, false,
	  N(t4_rows), t4_rows },
};

#define LIST(a) { (a + 0), (a + 1), (a + 2), (a + 3), (a + 4) }
static const nb_template *const t2_19_list[] = LIST(t2_2019);
static const nb_template *const t2_21_list[] = { t2_2021, t2_2021 + 1, t2_2021 + 2, t2_2021 + 3 };
static const nb_template *const t3_19_list[] = { t3_2019 };
static const nb_template *const t3_21_list[] = { t3_2021 };
static const nb_template *const t4_19_list[] = { t4_2019 };
static const nb_template *const t4_21_list[] = { t4_2021 };

size_t nb_templates(nb_table_kind kind, nb_format format,
		    const nb_template *const **out)
{
	bool f21 = format == NB_FMT_2021;

	switch (kind) {
	case NB_TABLE_ACTIVE:
		*out = f21 ? t2_21_list : t2_19_list;
		return f21 ? N(t2_21_list) : N(t2_19_list);
	case NB_TABLE_REQUESTS:
		*out = f21 ? t3_21_list : t3_19_list;
		return 1;
	case NB_TABLE_APPEALS:
		*out = f21 ? t4_21_list : t4_19_list;
		return 1;
	}
	*out = NULL;
	return 0;
}
