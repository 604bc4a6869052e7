/*
 * labels.h — the template labels more than one file of core names: the
 * template (template.c) is written with them, and the rules that name a
 * row or column (rules.c, crossyear.c) use them, so a label is spelled
 * once.
 */
#ifndef NB_LABELS_H
#define NB_LABELS_H

/* Table 3 (收到和处理政府信息公开申请情况): rows. */
#define NB_T3_RECEIVED "一、本年新收政府信息公开申请数量"
#define NB_T3_CARRIED_IN "二、上年结转政府信息公开申请数量"
#define NB_T3_CARRIED_OUT "四、结转下年度继续办理"

/* Table 2, clause 一, 2021 format: the table's name and its columns. */
#define NB_T2_CLAUSE_1 "第二十条第（一）项"
#define NB_T2_ISSUED "本年制发件数"
#define NB_T2_REPEALED "本年废止件数"
#define NB_T2_CURRENT "现行有效件数"

#endif
