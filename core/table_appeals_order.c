/*
 * table_appeals_order.c — table 4's fifteen numbers when the reading order
 * moved them: pdftotext's reading order (no -layout) reads a table as
 * blocks, and may read a block of the numbers row before a block to its
 * left (淮安 2024: 72 64 178 37 | 12 1 1 6 | 351 | 13 4 8 1 26 | 20, printed
 * 72 64 178 37 351 | 13 4 8 1 26 | 12 1 1 6 20).
 *
 * Why a reading found here is certain, not guessed: it is the only one that
 * satisfies everything the text says —
 *   - a run of numbers with no text between them is one block of the row:
 *     its numbers are neighbouring cells, left to right (reading order
 *     moves blocks, it does not shuffle the words of one);
 *   - every group's 总计 is the sum of its four results (rules.c);
 *   - a group read wholly before another is not after it in the table;
 *   - a run whose header text names one group only (…复议后起诉…) is that
 *     group's.
 * When no arrangement of the runs or more than one satisfies all of it, the
 * cells stay empty and the warning says why.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tables.h"

/* More runs than this are not tried (8! arrangements); a table read so
 * broken has no certain reading anyway. */
#define MAX_PIECES 8
#define NCELLS 15

typedef struct {
	size_t first, n;	/* values toks[first..first+n) */
	size_t read0;		/* index of its first value in reading order */
	int group;		/* the one group its header text names, or -1 */
	int twin;		/* an earlier piece of the same text, or -1: the
				   two are tried in their order only, since
				   swapped they give the same cells */
} piece;

typedef struct {
	const nb_template *t;
	const nb_rows *rs;
	piece p[MAX_PIECES];
	size_t np;
	long long v[NCELLS];	/* value of the k-th value in reading order */
	size_t tok[NCELLS];	/* its token */
	bool used[MAX_PIECES];
	size_t at[NCELLS];	/* cell -> index in reading order */
	size_t found;		/* arrangements that fit */
	size_t first_at[NCELLS];	/* the first one's */
} search;

/* The group whose name the run's header text holds, when it names one. */
static int named_group(const nb_template *t, const nb_rows *rs, size_t row, int *out)
{
	char *label = nb_rows_label(rs, row);

	*out = -1;
	if (!label)
		return rs->rows[row].ntext ? -ENOMEM : 0;
	size_t n = strlen(label);
	for (size_t j = 0; j < t->nrows; j++) {
		if (!nb_key_has(label, n, t->rows[j].key))
			continue;
		if (*out >= 0) {
			*out = -1;	/* two names: no evidence */
			break;
		}
		*out = (int)j;
	}
	free(label);
	return 0;
}

static bool cell_value(void *ctx, size_t row, size_t col, long long *v)
{
	const search *s = ctx;

	*v = s->v[s->at[row * s->t->ncols + col]];
	return true;
}

/* Whether the arrangement in s->at satisfies every rule and the order. */
static bool fits(search *s)
{
	const nb_template *t = s->t;
	size_t lo[NCELLS], hi[NCELLS];
	nb_rule rule;

	size_t nrules = nb_rule_count(t);
	for (size_t i = 0; i < nrules; i++) {
		nb_rule_get(t, i, &rule);
		if (nb_rule_eval(&rule, cell_value, s, NULL, NULL) != NB_RULE_HOLDS)
			return false;
	}
	for (size_t g = 0; g < t->nrows; g++) {
		lo[g] = SIZE_MAX;
		hi[g] = 0;
		for (size_t c = 0; c < t->ncols; c++) {
			size_t k = s->at[g * t->ncols + c];
			lo[g] = k < lo[g] ? k : lo[g];
			hi[g] = k > hi[g] ? k : hi[g];
		}
	}
	for (size_t g = 0; g < t->nrows; g++)
		for (size_t h = g + 1; h < t->nrows; h++)
			if (hi[h] < lo[g])
				return false;
	return true;
}

/* Tries every arrangement of the pieces not yet placed, from cell `cell`
 * on; stops once a second reading is found. */
static void arrange(search *s, size_t depth, size_t cell)
{
	if (depth == s->np) {
		if (fits(s) && s->found++ == 0)
			memcpy(s->first_at, s->at, sizeof s->at);
		return;
	}
	for (size_t k = 0; k < s->np && s->found < 2; k++) {
		const piece *p = &s->p[k];
		if (s->used[k] || (p->twin >= 0 && !s->used[p->twin]))
			continue;
		bool ok = true;
		for (size_t j = 0; j < p->n && ok; j++)
			ok = p->group < 0 || (cell + j) / s->t->ncols == (size_t)p->group;
		if (!ok)
			continue;
		s->used[k] = true;
		for (size_t j = 0; j < p->n; j++)
			s->at[cell + j] = p->read0 + j;
		arrange(s, depth + 1, cell + p->n);
		s->used[k] = false;
	}
}

static bool same_text(const nb_tok *x, const nb_tok *y)
{
	return x->n == y->n && !memcmp(x->s, y->s, x->n);
}

/* The earlier piece with the same values and evidence as piece k, or -1. */
static int twin_of(const search *s, size_t k)
{
	const piece *b = &s->p[k];

	for (size_t j = 0; j < k; j++) {
		const piece *a = &s->p[j];
		bool same = a->n == b->n && a->group == b->group;
		for (size_t i = 0; i < a->n && same; i++)
			same = same_text(&s->rs->toks[a->first + i], &s->rs->toks[b->first + i]);
		if (same)
			return (int)j;
	}
	return -1;
}

int nb_appeals_reorder(nb_doc *d, const nb_template *t, const nb_rows *rs, const size_t *obs,
		       size_t nobs, bool *done)
{
	search *s = calloc(1, sizeof *s);
	size_t nv = 0;
	int rc = 0;

	*done = false;
	if (!s)
		return -ENOMEM;
	s->t = t;
	s->rs = rs;
	if (t->nrows * t->ncols != NCELLS)
		goto out;
	/* the runs: rows nb_rows_read cut from one run join again */
	for (size_t k = 0; k < nobs && rc == 0; k++) {
		const nb_orow *o = &rs->rows[obs[k]];
		piece *last = s->np ? &s->p[s->np - 1] : NULL;
		if (last && o->ntext == 0 && o->first_val == last->first + last->n) {
			last->n += o->nval;
			continue;
		}
		if (s->np == MAX_PIECES)
			goto out;
		s->p[s->np].first = o->first_val;
		s->p[s->np].n = o->nval;
		rc = named_group(t, rs, obs[k], &s->p[s->np].group);
		s->np++;
	}
	if (rc < 0)
		goto out;
	for (size_t k = 0; k < s->np; k++) {
		s->p[k].read0 = nv;
		s->p[k].twin = twin_of(s, k);
		for (size_t j = 0; j < s->p[k].n; j++) {
			size_t ti = s->p[k].first + j;
			nb_num num;
			char *end;
			if (nv == NCELLS ||
			    nb_read_number(rs->toks[ti].s, rs->toks[ti].n, &num) != NB_CELL_NUMBER)
				goto out;	/* only whole numbers can be checked */
			s->v[nv] = strtoll(num.value, &end, 10);
			if (*end || end == num.value)
				goto out;
			s->tok[nv++] = ti;
		}
	}
	if (nv != NCELLS)
		goto out;
	arrange(s, 0, 0);
	if (s->found != 1) {
		rc = nb_warn(d->r, "%s: 15 values read out of order in %zu runs: %s arrangement "
			     "of the runs satisfies every group's %s, the reading order and the "
			     "group names in its header; their places are uncertain, all 15 cells "
			     "are left empty", t->name, s->np, s->found ? "more than one" : "no",
			     t->cols[t->ncols - 1]);
		if (rc == 0)
			rc = nb_table_empty(d, t);
		*done = rc == 0;
		goto out;
	}
	nb_stage *st;
	if ((rc = nb_stage_new(t, &st)) < 0)
		goto out;
	for (size_t g = 0; g < t->nrows && rc == 0; g++) {
		nb_text v[NCELLS];
		for (size_t c = 0; c < t->ncols; c++) {
			const nb_tok *tk = &rs->toks[s->tok[s->first_at[g * t->ncols + c]]];
			v[c].s = tk->s;
			v[c].n = tk->n;
		}
		rc = nb_stage_row(st, g, v, t->ncols, NB_PLACE_ORDER, NULL);
	}
	if (rc == 0)
		rc = nb_note(d->r, "%s: its 15 values were read out of order in %zu runs; one "
			     "arrangement of the runs alone satisfies every group's %s, the reading "
			     "order and the group names in its header, and places them", t->name,
			     s->np, t->cols[t->ncols - 1]);
	if (rc < 0) {
		nb_stage_free(st);
		goto out;
	}
	rc = nb_stage_commit(st, d->r);
	*done = rc == 0;
out:
	free(s);
	return rc;
}
