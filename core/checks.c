/*
 * checks.c — the consistency rules (勾稽关系) of report-format.md, applied to
 * the tables as written.  A failing check is a finding for the user; the
 * numbers are never changed to make a rule hold.
 *
 * The rules themselves are rules.c's, the same ones that decide whether an
 * inferred cell is certain.  Blank cells count as zero (that is what a
 * blank means in these tables); a rule that needs a cell the parser could
 * not place, or that is no whole number, is not applied.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The words a rule's detail gives each side. */
static void side_names(const char *id, const char **lhs, const char **rhs)
{
	if (!strcmp(id, "t3.balance")) {
		*lhs = "一 + 二";
		*rhs = "（七）总计 + 四";
	} else if (!strcmp(id, "t3.results")) {
		*lhs = "（一）…（六）";
		*rhs = "（七）总计";
	} else if (!strcmp(id, "t4.total")) {
		*lhs = "结果维持 + 结果纠正 + 其他结果 + 尚未审结";
		*rhs = "总计";
	} else {
		*lhs = "自然人 + 法人或其他组织";
		*rhs = "总计";
	}
}

/* The written table seen through its template's rows. */
typedef struct {
	const nb_table *tb;
	const nb_template *t;
	const nb_row **rows;	/* per template row, or NULL */
} written;

static const nb_cell *cell_at(const written *w, size_t row, size_t col)
{
	const nb_row *r = w->rows[row];

	return r && col < w->tb->ncols ? &r->cells[col] : NULL;
}

static bool value_of(void *ctx, size_t row, size_t col, long long *v)
{
	const nb_cell *c = cell_at(ctx, row, col);

	if (!c || c->state == NB_CELL_ABSENT)
		return false;
	if (c->state == NB_CELL_BLANK) {
		*v = 0;
		return true;
	}
	return nb_whole_number(c->value, v);
}

static void list_side(nb_buf *b, const written *w, const nb_cref *v, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		const nb_cell *c = cell_at(w, v[k].row, v[k].col);
		/* added, not printed: a check's detail is built for every
		 * rule, and vsnprintf was most of checking */
		if (k)
			nb_buf_adds(b, " + ");
		nb_buf_adds(b, c->state == NB_CELL_BLANK ? "空" : c->value);
	}
}

/* " = v": printf's parsing of the format cost a tenth of checking. */
static void add_result(nb_buf *b, long long v)
{
	char t[24];
	size_t i = sizeof t;
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;

	do {
		t[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		t[--i] = '-';
	nb_buf_adds(b, " = ");
	nb_buf_add(b, t + i, sizeof t - i);
}

/* *cap: the checks r->checks has room for (grown by nb_grow, not by one).
 * The strings go to the report's arena. */
static int add_check(nb_report *r, size_t *cap, const char *rule, const char *subject,
		     bool ok, const nb_buf *detail)
{
	nb_check *v = nb_grow(r->checks, cap, r->nchecks + 1, sizeof *v, 32);

	if (!v)
		return -ENOMEM;
	r->checks = v;
	if (detail->oom || (!r->arena && nb_arena_new(&r->arena) < 0))
		return -ENOMEM;
	nb_check *c = &v[r->nchecks];
	c->rule = nb_arena_strdup(r->arena, rule);
	c->subject = nb_arena_strdup(r->arena, subject);
	c->ok = ok;
	c->detail = nb_arena_strndup(r->arena, detail->s ? detail->s : "", detail->len);
	if (!c->rule || !c->subject || !c->detail)
		return -ENOMEM;
	r->nchecks++;
	return 0;
}

/* d: a buffer for the detail, kept from check to check. */
static int check_rule(nb_report *r, size_t *cap, const written *w, const nb_rule *rule,
		      nb_buf *d)
{
	long long l, x;
	nb_rule_state st = nb_rule_eval(rule, value_of, (void *)w, &l, &x);

	if (st == NB_RULE_UNKNOWN)
		return 0;
	const char *lname, *rname;
	side_names(rule->id, &lname, &rname);
	nb_buf_reset(d);
	nb_buf_adds(d, rname);
	nb_buf_addc(d, ' ');
	list_side(d, w, rule->rhs, rule->nrhs);
	if (rule->nrhs > 1)
		add_result(d, x);
	nb_buf_adds(d, "; ");
	nb_buf_adds(d, lname);
	nb_buf_addc(d, ' ');
	list_side(d, w, rule->lhs, rule->nlhs);
	add_result(d, l);
	const char *subject = rule->column ? w->tb->cols[rule->at] : w->t->rows[rule->at].label;
	return add_check(r, cap, rule->id, subject, st == NB_RULE_HOLDS, d);
}

static int check_table(nb_report *r, size_t *cap, const nb_table *tb, nb_buf *d)
{
	const nb_template *const *tl;
	written w = { .tb = tb };
	int rc = 0;

	if (nb_templates(tb->kind, tb->format, &tl) == 0 || tb->kind == NB_TABLE_ACTIVE)
		return 0;
	w.t = tl[0];
	if (tb->ncols != w.t->ncols)
		return 0;
	w.rows = calloc(w.t->nrows ? w.t->nrows : 1, sizeof *w.rows);
	if (!w.rows)
		return -ENOMEM;
	/* A table is written in its template's order, and a template's labels
	 * are unique (test_templates.c): row j is looked at first. */
	for (size_t j = 0; j < w.t->nrows; j++) {
		if (j < tb->nrows && !tb->rows[j].extra &&
		    !strcmp(tb->rows[j].label, w.t->rows[j].label))
			w.rows[j] = &tb->rows[j];
		for (size_t i = 0; i < tb->nrows && !w.rows[j]; i++)
			if (!tb->rows[i].extra && !strcmp(tb->rows[i].label, w.t->rows[j].label))
				w.rows[j] = &tb->rows[i];
	}
	nb_rule *rule = malloc(sizeof *rule);
	if (!rule)
		rc = -ENOMEM;
	size_t nrules = nb_rule_count(w.t);
	for (size_t i = 0; rule && i < nrules && rc == 0; i++) {
		nb_rule_get(w.t, i, rule);
		rc = check_rule(r, cap, &w, rule, d);
	}
	free(rule);
	free(w.rows);
	return rc;
}

int nb_run_checks(nb_report *r)
{
	int rc = 0;
	size_t cap = r->nchecks;
	nb_buf d = {0};

	for (size_t i = 0; i < r->ntables && rc == 0; i++)
		rc = check_table(r, &cap, &r->tables[i], &d);
	nb_buf_free(&d);
	return rc;
}
