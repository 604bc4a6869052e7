/*
 * rules.c — the arithmetic the templates give (勾稽关系 of report-format.md),
 * as data over template cells.  One definition serves the checks (which
 * report a rule a printed table breaks) and the certainty of inferred cells
 * (which are written only where the rules over them hold), and readers that
 * must choose among readings (a run of digits split into columns).
 */
#include <string.h>

#include "internal.h"
#include "labels.h"

/* Table 3's rows the column rules name, found by their official labels. */
#define T3_GOT NB_T3_RECEIVED
#define T3_CARRIED NB_T3_CARRIED_IN
#define T3_TOTAL "三、本年度办理结果/（七）总计"
#define T3_NEXT NB_T3_CARRIED_OUT

/* A template's labels are unique (test_templates.c checks), so the row may
 * be looked for from either end: from the end for the rows that end table
 * 3, which would otherwise be compared with all 20 labels before them
 * (that long prefix of 三、本年度办理结果/…) on every rule. */
static size_t row_of(const nb_template *t, const char *label)
{
	for (size_t i = 0; i < t->nrows; i++)
		if (!strcmp(t->rows[i].label, label))
			return i;
	return t->nrows;
}

static size_t row_of_last(const nb_template *t, const char *label)
{
	for (size_t i = t->nrows; i > 0; i--)
		if (!strcmp(t->rows[i - 1].label, label))
			return i - 1;
	return t->nrows;
}

/* Whether t is a table-3 template whose column rules can be stated. */
static bool t3_columns(const nb_template *t)
{
	return t->kind == NB_TABLE_REQUESTS && t->ncols == 7 &&
	       row_of(t, T3_GOT) < t->nrows && row_of(t, T3_CARRIED) < t->nrows &&
	       row_of_last(t, T3_TOTAL) < t->nrows && row_of_last(t, T3_NEXT) < t->nrows;
}

size_t nb_rule_count(const nb_template *t)
{
	if (t->kind == NB_TABLE_REQUESTS && t->ncols == 7)
		return t->nrows + (t3_columns(t) ? 2 * t->ncols : 0);
	if (t->kind == NB_TABLE_APPEALS && t->ncols == 5)
		return t->nrows;
	return 0;
}

/* v with n terms, and one more: how many it holds now. */
static size_t term(nb_cref *v, size_t n, size_t row, size_t col)
{
	if (n < NB_RULE_TERMS) {
		v[n].row = row;
		v[n].col = col;
		n++;
	}
	return n;
}

/* The terms past nlhs and nrhs are never read: not zeroed (that was most
 * of the call, made for every rule of every table, twice).  The counts and
 * t's sizes are kept in locals while the terms are written: through out
 * they might be the same memory, and were read again for every term. */
void nb_rule_get(const nb_template *t, size_t i, nb_rule *out)
{
	size_t nrows = t->nrows, ncols = t->ncols, nl = 0, nr = 0;

	out->column = false;
	out->at = 0;
	if (i < nrows) {
		/* Along a row: the last column is the sum of the others. */
		out->id = t->kind == NB_TABLE_REQUESTS ? "t3.row_total" : "t4.total";
		out->at = i;
		for (size_t c = 0; c + 1 < ncols; c++)
			nl = term(out->lhs, nl, i, c);
		nr = term(out->rhs, nr, i, ncols - 1);
	} else {
		i -= nrows;
		out->column = true;
		out->at = i % ncols;
		size_t c = out->at;
		if (i < ncols) {
			out->id = "t3.balance";
			nl = term(out->lhs, nl, row_of(t, T3_GOT), c);
			nl = term(out->lhs, nl, row_of(t, T3_CARRIED), c);
			nr = term(out->rhs, nr, row_of_last(t, T3_TOTAL), c);
			nr = term(out->rhs, nr, row_of_last(t, T3_NEXT), c);
		} else {
			out->id = "t3.results";
			for (size_t r = 0; r < nrows; r++)
				if (t->rows[r].result)
					nl = term(out->lhs, nl, r, c);
			nr = term(out->rhs, nr, row_of_last(t, T3_TOTAL), c);
		}
	}
	out->nlhs = nl;
	out->nrhs = nr;
}

/* Sum of terms; false when one is unknown or the sum would overflow. */
static bool side(const nb_cref *v, size_t n, nb_rule_value get, void *ctx, long long *sum)
{
	*sum = 0;
	for (size_t k = 0; k < n; k++) {
		long long x;
		if (!get(ctx, v[k].row, v[k].col, &x) ||
		    __builtin_add_overflow(*sum, x, sum))
			return false;
	}
	return true;
}

nb_rule_state nb_rule_eval(const nb_rule *r, nb_rule_value get, void *ctx,
			   long long *lsum, long long *rsum)
{
	long long l, s;

	if (!side(r->lhs, r->nlhs, get, ctx, &l) || !side(r->rhs, r->nrhs, get, ctx, &s))
		return NB_RULE_UNKNOWN;
	if (lsum)
		*lsum = l;
	if (rsum)
		*rsum = s;
	return l == s ? NB_RULE_HOLDS : NB_RULE_FAILS;
}

/*
 * Table 2 (主动公开, one small table per clause of Art. 20) and arithmetic:
 * the templates state no sum over its cells.  The 2021 format's
 * 现行有效件数 = last year's + 本年制发 − 本年废止 spans two reports (the
 * cross-year rule cross_year.t2_current, crossyear.c), and the 2019 columns (新制作, 新公开, 对外公开
 * 总数; 上一年项目数量, 本年增/减, 处理决定数量) are bound by no identity the
 * format states.  So nb_rule_count gives table 2 no rule, and what is
 * left to tell a reading is each column's kind (below).  An inferred
 * table-2 row is therefore written only where order fits with no
 * alternative: its own label, then exactly as many values as the clause
 * has columns, each of its column's kind (certainty.c); a run split into
 * columns only where one split fits (digit_split.c); never a row placed by
 * the template's order alone — with no sum to confirm it, the values of an
 * unlabelled row might be any row's (two rows read column by column, a
 * label lost), so it stays empty with a warning.
 */
static const char SIGNED_COL[] = "本年增/减";

nb_col_kind nb_rule_col_kind(const nb_template *t, size_t col)
{
	if ((int)col == t->money_col)
		return NB_COL_MONEY;
	if (col < t->ncols && !strcmp(t->cols[col], SIGNED_COL))
		return NB_COL_SIGNED;
	return NB_COL_COUNT;
}

bool nb_rule_kind_fits(nb_col_kind k, const char *s, size_t n)
{
	size_t a, b;
	nb_num num;

	nb_trim(s, n, &a, &b);
	if (a == b || nb_read_number(s + a, b - a, &num) != NB_CELL_NUMBER)
		return true;	/* a blank or text: no number to misplace */
	size_t i = a;
	uint32_t first = nb_halfwidth(nb_utf8_next(s, b, &i));
	if ((first == '+' || first == '-') && k != NB_COL_SIGNED)
		return false;
	return k == NB_COL_MONEY || !strchr(num.value, '.');
}

bool nb_rule_confirms_row_order(const nb_template *t)
{
	return nb_rule_count(t) > 0;
}
