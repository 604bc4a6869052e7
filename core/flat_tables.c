/*
 * flat_tables.c — the official tables of a flattened page.
 *
 * A table's text is label text and runs of numbers with no separator
 * between cells (规章000行政规范性文件77132470).  The labels place the runs:
 * the printed rows (flat_rows.c) are aligned with the template's rows by
 * table_align.c, as any printed table is.  A run becomes cells only where
 * digit_split.c finds exactly one reading that fits the row under the
 * template's rules (rules.c: a table-3 row's 总计, a table-4 group's
 * 总计); the column rules (一 + 二 = （七）总计 + 四, （七）总计 = the result
 * rows) then settle rows several readings fit when exactly one of their
 * readings agrees with the rest of the table.  Every row goes through the
 * certainty stage: as inferred (NB_PLACE_SPLIT), so that the stage writes
 * its cells only where the rules hold and says why of every other — unless
 * the run's format alone allows one reading (as many digits as columns:
 * 0000000), which is the row's own structure (NB_PLACE_CELLS), kept as
 * printed even where the report breaks a rule, as the checks then say.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flat.h"
#include "tables.h"

/* Readings kept per row: enough for the column rules to choose among; a
 * row with more stays empty (77132470 as three counts has 21). */
#define CAP 32
/* Rows several readings fit that the column rules may settle together,
 * and the combinations of their readings tried. */
#define MAXAMBIG 8
#define MAXCOMBOS 1000000UL

/* One template row's reading. */
typedef struct {
	nb_split_status status;
	size_t count;		/* readings found (search stops past CAP) */
	nb_split *cand;		/* the first CAP of them */
	int orow;		/* the printed row, or -1 */
	bool cut;		/* the run is followed by no label: its end is unsure */
	bool forced;		/* the run's format alone allows one reading */
	size_t pick;		/* while settling: the reading tried */
} reading;

static void readings_free(reading *x, size_t n)
{
	for (size_t j = 0; x && j < n; j++)
		free(x[j].cand);
	free(x);
}

/* The enumeration a template row's label opens with: 2 for
 * …/（四）无法提供/2.没有现成信息需要另行制作; 0 when none. */
static unsigned enumeration(const nb_trow *row)
{
	const char *p = strrchr(row->label, '/');
	unsigned v = 0;

	p = p ? p + 1 : row->label;
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (unsigned)(*p++ - '0');
	return *p == '.' ? v : 0;
}

/* t's rules, got once a table: nb_rule_get makes one anew, and each row's
 * split_rule went over all (a quarter of this file's instructions). */
static nb_rule *rules_of(const nb_template *t, size_t *nr)
{
	*nr = nb_rule_count(t);
	nb_rule *v = malloc((*nr ? *nr : 1) * sizeof *v);

	for (size_t i = 0; v && i < *nr; i++)
		nb_rule_get(t, i, &v[i]);
	return v;
}

/*
 * What the template guarantees about template rows [first, first + k)
 * printed as one run: their columns side by side, each row's own rules
 * (rules[0..nr), rules_of) at its place, a sign only in 本年增/减, a point
 * only in the money column.
 */
static void split_rule(const nb_template *t, const nb_rule *rules, size_t nr, size_t first,
		       size_t k, nb_split_rule *out)
{
	memset(out, 0, sizeof *out);
	out->ncols = k * t->ncols;
	out->sign_col = -1;
	for (size_t c = 0; k == 1 && c < t->ncols; c++) {
		nb_col_kind kind = nb_rule_col_kind(t, c);
		if (kind == NB_COL_SIGNED)
			out->sign_col = (int)c;
		else if (kind == NB_COL_MONEY)
			out->decimal_cols |= 1u << c;
	}
	for (size_t i = 0; i < nr; i++) {
		const nb_rule *rule = &rules[i];
		if (rule->column || rule->at < first || rule->at >= first + k || rule->nrhs != 1 ||
		    out->nsums == sizeof out->sums / sizeof *out->sums)
			continue;
		nb_split_sum *sum = &out->sums[out->nsums++];
		size_t base = (rule->at - first) * t->ncols;
		sum->parts = 0;
		for (size_t j = 0; j < rule->nlhs; j++)
			sum->parts |= 1u << (base + rule->lhs[j].col);
		sum->total = (unsigned)(base + rule->rhs[0].col);
	}
}

/*
 * Whether what follows printed row i's run is a label (or the table's end):
 * Han text, a bracket without a number in it, a table's pipe.  Anything
 * else — a note (其中修订16件), a stray mark — may hold the rest of the
 * row's last cell, so the run's end is not certain.
 */
static bool ends_cleanly(const nb_flat_region *g, size_t i)
{
	const char *s = g->text.s;
	size_t at = g->v[i].run + g->v[i].nrun;
	size_t end = i + 1 < g->n ? g->v[i + 1].run : g->text.len;

	at += nb_split_unit(s + at, end - at);	/* the last cell's unit */
	while (at < end && (s[at] == ' ' || s[at] == '\t'))
		at++;
	if (at >= end)
		return true;
	size_t j = at;
	uint32_t cp = nb_utf8_next(s, end, &j);
	if (cp == 0xFF08 || cp == '(') {
		/* to the bracket's close, across the runs a note holds */
		for (size_t k = j; k < g->text.len; k++) {
			if (s[k] >= '0' && s[k] <= '9')
				return false;
			if (!strncmp(s + k, "）", strlen("）")) || s[k] == ')')
				return true;
		}
		return true;
	}
	return nb_is_han(cp) || cp == '|' || cp == 0x201C || cp == '"' || cp == 0x3010;
}

/* Reads the run of each template row's printed row; the label after a run
 * tells whose enumeration ends it. */
static int read_rows(const nb_flat_region *g, const nb_template *t, const nb_rule *rules,
		     size_t nr, const int *assign, reading *x)
{
	for (size_t j = 0; j < t->nrows; j++) {
		x[j].orow = assign[j];
		x[j].status = NB_SPLIT_NONE;
		if (assign[j] < 0)
			continue;
		if (!(x[j].cand = malloc(CAP * sizeof *x[j].cand)))
			return -ENOMEM;
		unsigned next = 0;
		for (size_t k = 0; k < t->nrows; k++)
			if (assign[k] == assign[j] + 1)
				next = enumeration(&t->rows[k]);
		nb_split_rule rule;
		split_rule(t, rules, nr, j, 1, &rule);
		const nb_flat_row *f = &g->v[assign[j]];
		x[j].status = nb_split_run(g->text.s + f->run, f->nrun, next, &rule, x[j].cand, CAP,
					   &x[j].count);
		/* With the sums left out, does the format alone (digits, no
		 * leading zeros, signs, points, units) still allow just one
		 * reading?  Then the cells are the row's own, as certain as a
		 * separator would make them (0000000 for seven columns). */
		if (x[j].status == NB_SPLIT_ONE) {
			size_t n;
			rule.nsums = 0;
			x[j].forced = nb_split_run(g->text.s + f->run, f->nrun, next, &rule,
						   NULL, 0, &n) == NB_SPLIT_ONE;
		}
		if (!ends_cleanly(g, (size_t)assign[j])) {
			x[j].cut = true;
			x[j].status = NB_SPLIT_NONE;
			x[j].count = 0;
		}
	}
	return 0;
}

/* ---- the column rules settle rows several readings fit ------------------ */

typedef struct {
	const reading *x;
} settle;

static bool settle_value(void *ctx, size_t row, size_t col, long long *v)
{
	const reading *r = &((const settle *)ctx)->x[row];
	const nb_split *s;
	char *end;

	if (r->status == NB_SPLIT_ONE)
		s = &r->cand[0];
	else if (r->status == NB_SPLIT_MANY && r->count <= CAP)
		s = &r->cand[r->pick];
	else
		return false;
	*v = strtoll(s->cell[col], &end, 10);
	return !*end;
}

/*
 * Every combination of the readings of the rows several fit, against the
 * template's column rules (a rule with a cell unknown does not count): a
 * row is settled when exactly one of its readings takes part in the
 * combinations that break no rule.  When none does, the rows stay as they
 * were, and the stage says why.
 */
static int disambiguate(const nb_template *t, reading *x)
{
	size_t amb[MAXAMBIG], namb = 0, nr = nb_rule_count(t), ncol = 0;
	uint32_t seen[MAXAMBIG] = { 0 };
	unsigned long combos = 1;

	for (size_t j = 0; j < t->nrows; j++) {
		if (x[j].status != NB_SPLIT_MANY || x[j].count > CAP)
			continue;
		if (namb == MAXAMBIG)
			return 0;
		amb[namb++] = j;
		combos *= x[j].count;
		if (combos > MAXCOMBOS)
			return 0;
	}
	if (!namb || !nr)
		return 0;
	nb_rule *rules = rules_of(t, &nr);
	if (!rules)
		return -ENOMEM;
	for (size_t i = 0; i < nr; i++)
		if (rules[i].column)
			rules[ncol++] = rules[i];
	settle ctx = { x };
	for (size_t k = 0; k < namb; k++)
		x[amb[k]].pick = 0;
	for (unsigned long n = 0; n < combos; n++) {
		bool ok = true;
		for (size_t i = 0; i < ncol && ok; i++)
			ok = nb_rule_eval(&rules[i], settle_value, &ctx, NULL, NULL) != NB_RULE_FAILS;
		for (size_t k = 0; ok && k < namb; k++)
			seen[k] |= 1u << x[amb[k]].pick;
		/* the next combination, as an odometer */
		for (size_t k = 0; k < namb; k++) {
			if (++x[amb[k]].pick < x[amb[k]].count)
				break;
			x[amb[k]].pick = 0;
		}
	}
	free(rules);
	for (size_t k = 0; k < namb; k++) {
		reading *r = &x[amb[k]];
		if (__builtin_popcount(seen[k]) != 1)
			continue;
		r->cand[0] = r->cand[__builtin_ctz(seen[k])];
		r->count = 1;
		r->status = NB_SPLIT_ONE;
	}
	return 0;
}

/* ---- through the certainty stage --------------------------------------- */

static const char *unit_name(nb_unit u)
{
	return u == NB_UNIT_WANYUAN ? "万元" : u == NB_UNIT_YUAN ? "元" : "";
}

/* Why no reading of a run was taken, for the stage's warning. */
static char *why_text(const nb_template *t, const nb_flat_region *g, const nb_flat_row *f,
		      size_t ncols, nb_split_status st, const nb_split *cand, size_t count,
		      bool cut)
{
	nb_buf b = { 0 };

	nb_buf_printf(&b, "the run of digits \"%.*s\" ", (int)f->nrun, g->text.s + f->run);
	if (cut) {
		nb_buf_adds(&b, "is followed by text that is no label, so where its last cell "
			    "ends is not certain");
		return nb_buf_take(&b);
	}
	nb_buf_adds(&b, st == NB_SPLIT_NONE ? "cannot be read as its " : "fits its ");
	nb_buf_printf(&b, "%zu columns (", ncols);
	for (size_t c = 0; c < ncols; c++)
		nb_buf_printf(&b, "%s%s", c ? ", " : "", t->cols[c % t->ncols]);
	nb_buf_adds(&b, ")");
	if (st == NB_SPLIT_NONE) {
		nb_buf_adds(&b, " under the template's rules");
	} else {
		nb_buf_adds(&b, " in more than one reading (");
		for (size_t k = 0; k < count && k < 2 && k < CAP; k++) {
			for (size_t c = 0; c < ncols; c++)
				nb_buf_printf(&b, "%s%s", c ? "|" : "", cand[k].cell[c]);
			nb_buf_adds(&b, ", ");
		}
		nb_buf_adds(&b, "…)");
	}
	return nb_buf_take(&b);
}

/* Offers template row j the reading's cells [first, first + ncols). */
static int offer(nb_stage *s, const nb_template *t, size_t j, const nb_split *sp,
		 size_t first, nb_unit printed, nb_place how)
{
	char money[NB_SPLIT_CELL + 8];
	nb_text v[NB_SPLIT_MAXCOLS];

	for (size_t c = 0; c < t->ncols; c++) {
		const char *cell = sp->cell[first + c];
		v[c] = (nb_text){ cell, strlen(cell) };
		if ((int)c == t->money_col && printed != NB_UNIT_NONE) {
			int w = snprintf(money, sizeof money, "%s%s", cell, unit_name(printed));
			v[c] = (nb_text){ money, (size_t)w };
		}
	}
	return nb_stage_row(s, j, v, t->ncols, how, NULL);
}

/* Stages each template row's reading, or why it has none, and commits. */
static int commit(nb_doc *d, const nb_template *t, const nb_flat_region *g, const reading *x,
		  nb_unit printed)
{
	nb_stage *s;
	int rc = nb_stage_new(t, &s);

	for (size_t j = 0; j < t->nrows && rc == 0; j++) {
		if (x[j].orow < 0)
			continue;
		if (x[j].status == NB_SPLIT_ONE) {
			/* a split the format forces is the row's structure: kept
			 * when the report's own numbers break a rule (the checks
			 * say so); one the sums chose is inferred */
			rc = offer(s, t, j, &x[j].cand[0], 0, printed,
				   x[j].forced ? NB_PLACE_CELLS : NB_PLACE_SPLIT);
			continue;
		}
		char *why = why_text(t, g, &g->v[x[j].orow], t->ncols, x[j].status, x[j].cand,
				     x[j].count, x[j].cut);
		rc = why ? nb_stage_why(s, j, why) : -ENOMEM;
		free(why);
	}
	if (rc < 0) {
		nb_stage_free(s);
		return rc;
	}
	return nb_stage_commit(s, d->r);
}

/* Reads the runs of the printed rows alignment a gives t's rows and
 * settles what the column rules can. */
static int read_table(const nb_flat_region *g, const nb_template *t, const nb_align *a,
		      reading **out)
{
	size_t nr;
	nb_rule *rules = rules_of(t, &nr);
	reading *x = calloc(t->nrows, sizeof *x);
	int rc = x && rules ? read_rows(g, t, rules, nr, a->assign, x) : -ENOMEM;

	free(rules);
	if (rc == 0)
		rc = disambiguate(t, x);
	if (rc < 0) {
		readings_free(x, t->nrows);
		return rc;
	}
	*out = x;
	return 0;
}

/* ---- table 3 --------------------------------------------------------------- */

/* The alignments choose the format; only its runs are read (the other's
 * readings were made to be thrown away: half the digit splitting). */
static int requests(nb_doc *d)
{
	const nb_template *const *t19, *const *t21, *t = NULL;
	nb_flat_region g;
	nb_align a19 = { 0 }, a21 = { 0 };
	reading *x = NULL;
	size_t *obs = NULL;
	int rc = nb_flat_region_read(d, 3, &g);

	nb_templates(NB_TABLE_REQUESTS, NB_FMT_2019, &t19);
	nb_templates(NB_TABLE_REQUESTS, NB_FMT_2021, &t21);
	if (rc < 0 || g.n == 0)
		goto out;
	if (!(obs = malloc(g.n * sizeof *obs))) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t k = 0; k < g.n; k++)
		obs[k] = k;
	if ((rc = nb_align_rows(d->tkeys, &g.rs, obs, g.n, t19[0], &a19)) < 0 ||
	    (rc = nb_align_rows(d->tkeys, &g.rs, obs, g.n, t21[0], &a21)) < 0)
		goto out;
	/* The format whose rows the printed labels match best. */
	bool use21 = a21.score > a19.score || (a21.score == a19.score && d->r->year >= 2021);
	t = use21 ? t21[0] : t19[0];
	if ((rc = read_table(&g, t, use21 ? &a21 : &a19, &x)) < 0)
		goto out;
	rc = commit(d, t, &g, x, NB_UNIT_NONE);
out:
	if (t)
		readings_free(x, t->nrows);
	nb_align_free(&a19);
	nb_align_free(&a21);
	free(obs);
	nb_flat_region_free(&g);
	return rc;
}

/* ---- table 4: one run of fifteen, or a run per row ------------------------ */

static int appeals(nb_doc *d)
{
	const nb_template *const *tl;
	nb_flat_region g;
	nb_split *cand = NULL;
	nb_stage *s = NULL;
	nb_rule *rules = NULL;
	size_t nr;
	int rc = nb_flat_region_read(d, 4, &g);

	if (rc < 0 || g.n == 0)
		goto out;
	nb_templates(NB_TABLE_APPEALS, d->r->year >= 2021 ? NB_FMT_2021 : NB_FMT_2019, &tl);
	const nb_template *t = tl[0];
	if ((rc = nb_stage_new(t, &s)) < 0)
		goto out;
	/* The numbers row has no label: one run is the template's order, and
	 * so is a run per row; any other count has no certain place. */
	size_t per = g.n == 1 ? t->nrows : g.n == t->nrows ? 1 : 0;
	if (!per) {
		nb_stage_quiet(s);
		rc = nb_warn(d->r, "%s: %zu runs of numbers where one (or one per row) was expected; "
			     "their places are uncertain, all cells are left empty", t->name, g.n);
		goto commit;
	}
	if (!(cand = malloc(CAP * sizeof *cand)) || !(rules = rules_of(t, &nr))) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t k = 0; k < g.n && rc == 0; k++) {
		const nb_flat_row *f = &g.v[k];
		size_t first = k * per, count;
		nb_split_rule rule;
		split_rule(t, rules, nr, first, per, &rule);
		nb_split_status st = nb_split_run(g.text.s + f->run, f->nrun, 0, &rule, cand, CAP,
						  &count);
		bool cut = !ends_cleanly(&g, k);
		if (cut)
			st = NB_SPLIT_NONE;
		char *why = st == NB_SPLIT_ONE ? NULL
					       : why_text(t, &g, f, rule.ncols, st, cand, count, cut);
		for (size_t r = 0; r < per && rc == 0; r++) {
			if (st == NB_SPLIT_ONE)
				rc = offer(s, t, first + r, cand, r * t->ncols, NB_UNIT_NONE,
					   NB_PLACE_SPLIT);
			else
				rc = why ? nb_stage_why(s, first + r, why) : -ENOMEM;
		}
		free(why);
	}
commit:
	if (rc == 0) {
		rc = nb_stage_commit(s, d->r);
		s = NULL;
	}
out:
	nb_stage_free(s);
	free(cand);
	free(rules);
	nb_flat_region_free(&g);
	return rc;
}

/* ---- table 2: a small table per clause --------------------------------- */

static bool key_in(const char *what, const uint32_t *key, size_t nkey)
{
	uint32_t w[NB_MAXKEY];
	size_t nw = nb_key(what, strlen(what), w, NB_MAXKEY);

	return nw && nw <= NB_MAXKEY && nkey && nb_key_in(w, nw, key, nkey);
}

/* The template of the clause a label names (第二十条第（五）项: both formats'
 * templates carry the clause's name), in the format whose column headers
 * the clause's text all[0..nall) names most; NULL when the label names no
 * clause. */
static const nb_template *clause_of(const nb_orow *o, const uint32_t *all, size_t nall,
				    nb_format fallback)
{
	static const nb_format formats[] = { NB_FMT_2021, NB_FMT_2019 };
	const nb_template *best = NULL;
	double top = -1;

	for (size_t f = 0; f < 2; f++) {
		const nb_template *const *tl;
		size_t n = nb_templates(NB_TABLE_ACTIVE, formats[f], &tl);
		for (size_t i = 0; i < n; i++) {
			if (!key_in(tl[i]->name, o->key, o->nkey))
				continue;
			size_t found = 0;
			for (size_t c = 0; c < tl[i]->ncols; c++)
				found += key_in(tl[i]->cols[c], all, nall);
			double share = (double)found / (double)tl[i]->ncols;
			if (share > top || (share == top && formats[f] == fallback)) {
				top = share;
				best = tl[i];
			}
		}
	}
	return best;
}

static int one_clause(nb_doc *d, const nb_flat_region *g, size_t from, size_t to,
		      nb_format fallback)
{
	nb_buf lab = { 0 };
	size_t obs[64], nobs = 0;
	reading *x = NULL;

	for (size_t i = from; i < to; i++) {
		nb_buf_add(&lab, g->text.s + g->v[i].label, g->v[i].nlabel);
		if (nobs < sizeof obs / sizeof *obs)
			obs[nobs++] = i;
	}
	uint32_t *all = lab.oom ? NULL : malloc((lab.len + 1) * sizeof *all);
	if (!all) {
		nb_buf_free(&lab);
		return -ENOMEM;
	}
	size_t nall = nb_key(lab.s ? lab.s : "", lab.len, all, lab.len + 1);
	const nb_template *t = clause_of(&g->rs.rows[from], all, nall, fallback);
	free(all);
	nb_buf_free(&lab);
	nb_align a;
	int rc = nb_align_rows(d->tkeys, &g->rs, obs, nobs, t, &a);
	if (rc < 0)
		return rc;
	rc = read_table(g, t, &a, &x);
	nb_align_free(&a);
	if (rc < 0)
		return rc;
	/* A unit printed after a run belongs to the last column: the money
	 * column, where the template has one there. */
	nb_unit printed = NB_UNIT_NONE;
	for (size_t j = 0; j < t->nrows; j++)
		if (x[j].orow >= 0 && g->v[x[j].orow].unit != NB_UNIT_NONE &&
		    t->money_col + 1 == (int)t->ncols)
			printed = g->v[x[j].orow].unit;
	rc = commit(d, t, g, x, printed);
	readings_free(x, t->nrows);
	return rc;
}

static int active(nb_doc *d)
{
	nb_flat_region g;
	nb_format fallback = d->r->year >= 2021 ? NB_FMT_2021 : NB_FMT_2019;
	int rc = nb_flat_region_read(d, 2, &g);

	/* Each clause's rows run from its heading to the next clause's. */
	for (size_t k = 0; rc == 0 && k < g.n;) {
		if (!clause_of(&g.rs.rows[k], NULL, 0, fallback)) {
			k++;
			continue;
		}
		size_t e = k + 1;
		while (e < g.n && !clause_of(&g.rs.rows[e], NULL, 0, fallback))
			e++;
		rc = one_clause(d, &g, k, e, fallback);
		k = e;
	}
	nb_flat_region_free(&g);
	return rc;
}

int nb_flat_tables(nb_doc *d)
{
	static const struct {
		int canonical;
		int (*read)(nb_doc *);
		const char *what;
	} tables[] = {
		{ 2, active, "第二十条" }, { 3, requests, "申请情况" }, { 4, appeals, "复议诉讼情况" },
	};
	int rc = 0;

	for (size_t k = 0; k < 3 && rc == 0; k++) {
		size_t before = d->r->ntables;
		bool section = false;
		for (size_t i = 0; i < d->nspans; i++)
			section = section || d->spans[i].canonical == tables[k].canonical;
		if (!section)
			continue;
		rc = tables[k].read(d);
		if (rc == 0 && d->r->ntables == before)
			rc = nb_warn(d->r, "%s: no table found in the flattened text of its section",
				     tables[k].what);
	}
	return rc;
}
