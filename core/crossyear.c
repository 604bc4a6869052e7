/* crossyear.c — the consistency rules between consecutive years of one
 * agency (report-format.md, "Across years of one agency"):
 *   cross_year.carry_over  last year's 四、结转下年度继续办理 = this year's
 *                          二、上年结转政府信息公开申请数量, per column;
 *   cross_year.t2_current  (2021 format 第二十条第（一）项) last year's
 *                          现行有效件数 + 本年制发件数 − 本年废止件数 = this
 *                          year's 现行有效件数, per row.
 * Pure functions over the numbers both years printed (nb_dec, exact): the
 * index fetches the numbers and keeps the results.  A rule is checked
 * only where every number it needs was printed. */
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "labels.h"

/* The cell at row, in the first column whose header starts with col. */
static const nb_xcell *find(const nb_xyear *c, const char *row, const char *col)
{
	size_t n = strlen(col);
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].row, row) && !strncmp(c->v[i].col, col, n))
			return &c->v[i];
	return NULL;
}

static int carry_over(const nb_xyear *a, const nb_xyear *b, nb_xemit emit,
		      void *ctx)
{
	int rc = 0;

	for (size_t i = 0; i < b->n && !rc; i++) {
		const nb_xcell *in = &b->v[i];
		if (strcmp(in->row, NB_T3_CARRIED_IN))
			continue;
		const nb_xcell *out = NULL;
		for (size_t j = 0; j < a->n && !out; j++)
			if (!strcmp(a->v[j].row, NB_T3_CARRIED_OUT) &&
			    !strcmp(a->v[j].col, in->col))
				out = &a->v[j];
		if (!out)
			continue;
		nb_buf d = {0};
		nb_buf_printf(&d, "%d年 %s %s；%d年 %s %s", a->year,
			      NB_T3_CARRIED_OUT, out->text, b->year,
			      NB_T3_CARRIED_IN, in->text);
		rc = d.oom ? -ENOMEM :
			emit(ctx, "cross_year.carry_over", in->col,
			     out->v == in->v, d.s);
		nb_buf_free(&d);
	}
	return rc;
}

static int t2_current(const nb_xyear *a, const nb_xyear *b, nb_xemit emit,
		      void *ctx)
{
	int rc = 0;

	for (size_t i = 0; i < b->n && !rc; i++) {
		const nb_xcell *now = &b->v[i];
		if (strncmp(now->col, NB_T2_CURRENT, strlen(NB_T2_CURRENT)))
			continue;
		const nb_xcell *was = find(a, now->row, NB_T2_CURRENT);
		const nb_xcell *issued = find(b, now->row, NB_T2_ISSUED);
		const nb_xcell *repealed = find(b, now->row, NB_T2_REPEALED);
		if (!was || !issued || !repealed)
			continue;
		nb_dec expect = was->v + issued->v - repealed->v;
		char sum[48];
		nb_dec_str(expect, sum, sizeof sum);
		nb_buf d = {0};
		nb_buf_printf(&d, "%d年 %s %s + %d年 %s %s − %s %s = %s；"
			      "%d年 %s %s", a->year, NB_T2_CURRENT, was->text,
			      b->year, NB_T2_ISSUED, issued->text, NB_T2_REPEALED,
			      repealed->text, sum, b->year, NB_T2_CURRENT,
			      now->text);
		rc = d.oom ? -ENOMEM :
			emit(ctx, "cross_year.t2_current", now->row,
			     expect == now->v, d.s);
		nb_buf_free(&d);
	}
	return rc;
}

static const nb_xrule rules[] = {
	{ "cross_year.carry_over", NB_TABLE_REQUESTS, NULL, carry_over },
	{ "cross_year.t2_current", NB_TABLE_ACTIVE, NB_T2_CLAUSE_1, t2_current },
};

size_t nb_cross_rules(const nb_xrule **out)
{
	*out = rules;
	return sizeof rules / sizeof *rules;
}
