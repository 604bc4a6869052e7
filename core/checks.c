/*
 * checks.c — the consistency rules (勾稽关系) of report-format.md, applied to
 * the tables as printed.  A failing check is a finding for the user; the
 * numbers are never changed to make a rule hold.
 *
 * Blank cells count as zero (that is what a blank means in these tables); a
 * rule that needs a cell the parser could not place is not applied.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define RESULTS "三、本年度办理结果/"
#define TOTAL RESULTS "（七）总计"

typedef struct {
	long double v;
	const char *text;	/* the printed value, or "空" for a blank */
} operand;

static bool get(const nb_cell *c, operand *o)
{
	switch (c->state) {
	case NB_CELL_NUMBER:
		o->v = strtold(c->value, NULL);
		o->text = c->value;
		return true;
	case NB_CELL_BLANK:
		o->v = 0;
		o->text = "空";
		return true;
	default:
		return false;
	}
}

static const nb_row *row_named(const nb_table *t, const char *label)
{
	for (size_t i = 0; i < t->nrows; i++)
		if (!t->rows[i].extra && !strcmp(t->rows[i].label, label))
			return &t->rows[i];
	return NULL;
}

static bool equal(long double a, long double b)
{
	return fabsl(a - b) < 1e-6L;
}

static int add_check(nb_report *r, const char *rule, const char *subject, bool ok,
		     nb_buf *detail)
{
	nb_check *v = realloc(r->checks, (r->nchecks + 1) * sizeof *v);
	char *d = nb_buf_take(detail);

	if (!v || !d) {
		free(d);
		if (v)
			r->checks = v;
		return -ENOMEM;
	}
	r->checks = v;
	nb_check *c = &v[r->nchecks];
	c->rule = nb_strdup(rule);
	c->subject = nb_strdup(subject);
	c->ok = ok;
	c->detail = d;
	if (!c->rule || !c->subject) {
		free(c->rule);
		free(c->subject);
		free(d);
		return -ENOMEM;
	}
	r->nchecks++;
	return 0;
}

/* Sum of cells: appends "a + b + c" to detail; false if any is missing. */
static bool sum(const nb_cell *const *cells, size_t n, long double *total, nb_buf *detail)
{
	*total = 0;
	for (size_t i = 0; i < n; i++) {
		operand o;
		if (!get(cells[i], &o))
			return false;
		*total += o.v;
		nb_buf_printf(detail, "%s%s", i ? " + " : "", o.text);
	}
	return true;
}

static int check_requests(nb_report *r, const nb_table *t)
{
	const nb_row *got = row_named(t, "一、本年新收政府信息公开申请数量");
	const nb_row *carried = row_named(t, "二、上年结转政府信息公开申请数量");
	const nb_row *total = row_named(t, TOTAL);
	const nb_row *next = row_named(t, "四、结转下年度继续办理");
	size_t nres = 0;
	const nb_row *res[32];
	int rc = 0;

	for (size_t i = 0; i < t->nrows && nres < 32; i++)
		if (!t->rows[i].extra && !strncmp(t->rows[i].label, RESULTS, strlen(RESULTS)) &&
		    strcmp(t->rows[i].label, TOTAL))
			res[nres++] = &t->rows[i];

	for (size_t c = 0; c < t->ncols && rc == 0; c++) {
		operand a, b, x, y;
		if (got && carried && total && next && get(&got->cells[c], &a) &&
		    get(&carried->cells[c], &b) && get(&total->cells[c], &x) &&
		    get(&next->cells[c], &y)) {
			nb_buf d = {0};
			nb_buf_printf(&d, "一 %s + 二 %s = %Lg; （七）总计 %s + 四 %s = %Lg", a.text,
				      b.text, a.v + b.v, x.text, y.text, x.v + y.v);
			rc = add_check(r, "t3.balance", t->cols[c], equal(a.v + b.v, x.v + y.v), &d);
		}
		const nb_cell *cells[32];
		for (size_t k = 0; k < nres; k++)
			cells[k] = &res[k]->cells[c];
		nb_buf d = {0};
		long double s;
		operand x2;
		if (rc == 0 && total && nres && get(&total->cells[c], &x2)) {
			nb_buf_printf(&d, "（七）总计 %s; （一）…（六） ", x2.text);
			if (sum(cells, nres, &s, &d)) {
				nb_buf_printf(&d, " = %Lg", s);
				rc = add_check(r, "t3.results", t->cols[c], equal(s, x2.v), &d);
			}
		}
		nb_buf_free(&d);
	}
	for (size_t i = 0; i < t->nrows && rc == 0 && t->ncols == 7; i++) {
		const nb_row *row = &t->rows[i];
		const nb_cell *cells[6];
		operand tot;
		long double s;
		for (size_t c = 0; c < 6; c++)
			cells[c] = &row->cells[c];
		nb_buf d = {0};
		if (!get(&row->cells[6], &tot))
			continue;
		nb_buf_printf(&d, "总计 %s; 自然人 + 法人或其他组织 ", tot.text);
		if (!sum(cells, 6, &s, &d)) {
			nb_buf_free(&d);
			continue;
		}
		nb_buf_printf(&d, " = %Lg", s);
		rc = add_check(r, "t3.row_total", row->label, equal(s, tot.v), &d);
	}
	return rc;
}

static int check_appeals(nb_report *r, const nb_table *t)
{
	int rc = 0;

	for (size_t i = 0; i < t->nrows && rc == 0 && t->ncols == 5; i++) {
		const nb_row *row = &t->rows[i];
		const nb_cell *cells[4] = { &row->cells[0], &row->cells[1], &row->cells[2],
					    &row->cells[3] };
		operand tot;
		long double s;
		nb_buf d = {0};
		if (!get(&row->cells[4], &tot))
			continue;
		nb_buf_printf(&d, "总计 %s; 结果维持 + 结果纠正 + 其他结果 + 尚未审结 ", tot.text);
		if (!sum(cells, 4, &s, &d)) {
			nb_buf_free(&d);
			continue;
		}
		nb_buf_printf(&d, " = %Lg", s);
		rc = add_check(r, "t4.total", row->label, equal(s, tot.v), &d);
	}
	return rc;
}

int nb_run_checks(nb_report *r)
{
	int rc = 0;

	for (size_t i = 0; i < r->ntables && rc == 0; i++) {
		if (r->tables[i].kind == NB_TABLE_REQUESTS)
			rc = check_requests(r, &r->tables[i]);
		else if (r->tables[i].kind == NB_TABLE_APPEALS)
			rc = check_appeals(r, &r->tables[i]);
	}
	return rc;
}
