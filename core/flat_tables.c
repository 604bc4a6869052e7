/*
 * flat_tables.c — the official tables of a flattened page, read from the
 * rows flatten.c cut out of the one long line.
 *
 * A table's text is a sequence of label text and runs of numbers with no
 * separator between cells (规章000行政规范性文件77132470).  The labels place
 * the runs: the printed rows are aligned with the template's rows by
 * tables.c's alignment, as any other printed table is.  A run becomes cells
 * only where digit_split.c finds exactly one reading that fits the row's
 * template: its columns, its sums (table 3's 总计, table 4's group totals),
 * and for table 3 the column sums 一 + 二 = （七）总计 + 四 across rows.
 * Every other cell stays empty, and the warning says which and why.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flat.h"

/* Readings kept per row: enough for the column sums to choose among; a row
 * with more stays empty (77132470 as three counts has 21). */
#define CAP 32
/* Combinations of table 3's four balanced rows tried (CAP^4 at most). */
#define MAXCOMBOS 1100000UL

/* A printed row: label text, then a run of numbers (into region.text). */
typedef struct {
	size_t label, nlabel;
	size_t run, nrun;
	nb_unit unit;		/* 元 or 万元 printed after the run */
} frow;

typedef struct {
	nb_buf text;		/* the table's lines joined as printed */
	frow *v;
	size_t n;
	nb_rows rs;		/* the same rows for the alignment */
} region;

/* One template row's reading. */
typedef struct {
	nb_split_status status;
	size_t count;
	nb_split *cand;		/* CAP readings */
	int orow;		/* the printed row, or -1 */
} reading;

static void region_free(region *g)
{
	nb_buf_free(&g->text);
	free(g->v);
	nb_rows_free(&g->rs);
}

static bool is_digit(uint32_t cp)
{
	cp = nb_halfwidth(cp);
	return cp >= '0' && cp <= '9';
}

static bool starts(const char *s, size_t n, const char *what)
{
	size_t k = strlen(what);

	return n >= k && !memcmp(s, what, k);
}

static int frow_push(region *g, size_t *cap, const frow *r)
{
	if (g->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		frow *v = realloc(g->v, nc * sizeof *v);
		if (!v)
			return -ENOMEM;
		g->v = v;
		*cap = nc;
	}
	g->v[g->n++] = *r;
	return 0;
}

/* Label text, then a run that starts at a digit (or a sign before one). */
static int tokenize(region *g)
{
	const char *s = g->text.s;
	size_t n = g->text.len, i = 0, label = 0, cap = 0;

	while (i < n) {
		size_t at = i;
		uint32_t cp = nb_halfwidth(nb_utf8_next(s, n, &i));
		if (cp == '+' || cp == '-') {
			size_t j = i;
			if (j >= n || !is_digit(nb_utf8_next(s, n, &j)))
				continue;
		} else if (!is_digit(cp)) {
			continue;
		}
		size_t e = i;
		while (e < n) {
			size_t j = e;
			if (!nb_flat_run_char(nb_utf8_next(s, n, &j)))
				break;
			e = j;
		}
		size_t a, b;
		nb_trim(s + at, e - at, &a, &b);
		frow r = { .label = label, .nlabel = at - label, .run = at, .nrun = b };
		if (starts(s + e, n - e, "万元")) {
			r.unit = NB_UNIT_WANYUAN;
			e += strlen("万元");
		} else if (starts(s + e, n - e, "元")) {
			r.unit = NB_UNIT_YUAN;
			e += strlen("元");
		}
		if (frow_push(g, &cap, &r) < 0)
			return -ENOMEM;
		label = i = e;
	}
	return 0;
}

/* The rows as nb_rows (a label token and one value token each), so that
 * tables.c's alignment reads them as it reads any printed table. */
static int as_rows(region *g)
{
	nb_rows *rs = &g->rs;

	rs->toks = calloc(2 * g->n + 1, sizeof *rs->toks);
	rs->rows = calloc(g->n + 1, sizeof *rs->rows);
	if (!rs->toks || !rs->rows)
		return -ENOMEM;
	for (size_t k = 0; k < g->n; k++) {
		const frow *f = &g->v[k];
		nb_tok *lt = &rs->toks[2 * k], *vt = &rs->toks[2 * k + 1];
		nb_orow *o = &rs->rows[k];
		*lt = (nb_tok){ .s = g->text.s + f->label, .n = f->nlabel };
		*vt = (nb_tok){ .value = true, .s = g->text.s + f->run, .n = f->nrun };
		o->text = malloc(sizeof *o->text);
		o->key = malloc((f->nlabel + 1) * sizeof *o->key);
		rs->ntoks = 2 * k + 2;
		rs->nrows = k + 1;
		if (!o->text || !o->key)
			return -ENOMEM;
		o->text[0] = 2 * k;
		o->ntext = 1;
		o->first_tok = 2 * k;
		o->first_val = 2 * k + 1;
		o->nval = 1;
		o->nkey = nb_key(lt->s, lt->n, o->key, f->nlabel + 1);
	}
	return 0;
}

/* The flattened rows of section canonical: joined, marked as the table's,
 * cut into printed rows.  g->n == 0 when the section has none. */
static int region_read(nb_doc *d, int canonical, region *g)
{
	memset(g, 0, sizeof *g);
	for (size_t i = 0; i < d->nspans; i++) {
		const nb_span *sp = &d->spans[i];
		if (sp->canonical != canonical)
			continue;
		for (size_t k = sp->head + sp->nhead; k < sp->end; k++) {
			nb_line *l = &d->lines.v[k];
			if (!(l->flags & NB_LF_FLATROW))
				continue;
			nb_buf_add(&g->text, l->text, l->len);
			l->flags |= NB_LF_TABLE;
		}
		break;
	}
	if (g->text.oom)
		return -ENOMEM;
	if (!g->text.len)
		return 0;
	int rc = tokenize(g);
	return rc < 0 ? rc : as_rows(g);
}

/* ---- building the table ------------------------------------------------ */

static const char *unit_name(nb_unit u)
{
	return u == NB_UNIT_WANYUAN ? "万元" : u == NB_UNIT_YUAN ? "元" : "";
}

static int table_new(nb_report *r, const nb_template *t, nb_unit money, nb_table **out)
{
	nb_table *v = realloc(r->tables, (r->ntables + 1) * sizeof *v);

	if (!v)
		return -ENOMEM;
	r->tables = v;
	nb_table *tb = &v[r->ntables++];
	memset(tb, 0, sizeof *tb);
	*out = tb;
	tb->kind = t->kind;
	tb->format = t->format;
	tb->name = nb_strdup(t->name);
	tb->label_header = nb_strdup(t->label_header);
	tb->cols = calloc(t->ncols, sizeof *tb->cols);
	tb->rows = calloc(t->nrows, sizeof *tb->rows);
	if (!tb->name || !tb->label_header || !tb->cols || !tb->rows)
		return -ENOMEM;
	tb->ncols = t->ncols;
	for (size_t c = 0; c < t->ncols; c++) {
		nb_buf b = { 0 };
		nb_buf_adds(&b, t->cols[c]);
		if ((int)c == t->money_col && !t->money_header_fixed && money != NB_UNIT_NONE)
			nb_buf_printf(&b, "（%s）", unit_name(money));
		if (!(tb->cols[c] = nb_buf_take(&b)))
			return -ENOMEM;
	}
	for (size_t j = 0; j < t->nrows; j++) {
		nb_row *row = &tb->rows[tb->nrows++];
		row->label = nb_strdup(t->rows[j].label);
		row->cells = calloc(t->ncols, sizeof *row->cells);
		if (!row->label || !row->cells)
			return -ENOMEM;
	}
	return 0;
}

/* Writes one reading into row j; the money column's value printed in 元
 * under a 万元 header is converted exactly, and the conversion noted. */
static int put_row(nb_report *r, const nb_template *t, nb_table *tb, size_t j,
		   const nb_split *s, nb_unit printed)
{
	nb_row *row = &tb->rows[j];

	for (size_t c = 0; c < t->ncols; c++) {
		nb_cell *cell = &row->cells[c];
		char value[NB_SPLIT_CELL + 8];
		bool money = (int)c == t->money_col && printed != NB_UNIT_NONE;
		nb_buf raw = { 0 };
		nb_buf_adds(&raw, s->cell[c]);
		if (money)
			nb_buf_adds(&raw, unit_name(printed));
		snprintf(value, sizeof value, "%s", s->cell[c]);
		if (money && t->money_header_fixed && printed == NB_UNIT_YUAN) {
			if (nb_decimal_shift(s->cell[c], -4, value, sizeof value) < 0) {
				nb_buf_free(&raw);
				int rc = nb_warn(r, "%s: %s/%s: %s元 could not be converted to 万元; "
						 "left empty", t->name, row->label, t->cols[c], s->cell[c]);
				if (rc < 0)
					return rc;
				continue;
			}
			if (nb_note(r, "%s: %s/%s: printed %s元, converted to %s 万元", t->name,
				    row->label, t->cols[c], s->cell[c], value) < 0) {
				nb_buf_free(&raw);
				return -ENOMEM;
			}
		}
		cell->raw = nb_buf_take(&raw);
		cell->value = nb_strdup(value);
		if (!cell->raw || !cell->value)
			return -ENOMEM;
		cell->state = NB_CELL_NUMBER;
	}
	return 0;
}

/* "22|0|0|0|0|0|22" */
static void reading_text(nb_buf *b, const nb_split *s, size_t ncols)
{
	for (size_t c = 0; c < ncols; c++) {
		if (c)
			nb_buf_addc(b, '|');
		nb_buf_adds(b, s->cell[c]);
	}
}

static int warn_row(nb_report *r, const nb_template *t, size_t j, const region *g,
		    const reading *x, const char *why)
{
	const frow *f = &g->v[x->orow];
	nb_buf b = { 0 };

	nb_buf_printf(&b, "%s: row %s: the run of digits \"%.*s\" ", t->name, t->rows[j].label,
		      (int)f->nrun, g->text.s + f->run);
	if (x->status == NB_SPLIT_NONE) {
		nb_buf_printf(&b, "cannot be read as its %zu columns (", t->ncols);
	} else {
		nb_buf_printf(&b, "fits its %zu columns in more than one reading (", t->ncols);
		for (size_t k = 0; k < x->count && k < 2 && k < CAP; k++) {
			reading_text(&b, &x->cand[k], t->ncols);
			nb_buf_adds(&b, ", ");
		}
		nb_buf_adds(&b, x->count > 2 ? "…, " : "");
	}
	nb_buf_printf(&b, "%s); its cells (", why);
	for (size_t c = 0; c < t->ncols; c++)
		nb_buf_printf(&b, "%s%s", c ? ", " : "", t->cols[c]);
	nb_buf_adds(&b, ") are left empty");
	if (b.oom) {
		nb_buf_free(&b);
		return -ENOMEM;
	}
	int rc = nb_warn(r, "%s", b.s);
	nb_buf_free(&b);
	return rc;
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

static void rule_for(const nb_template *t, nb_split_rule *rule)
{
	memset(rule, 0, sizeof *rule);
	rule->ncols = t->ncols;
	rule->sign_col = -1;
	for (size_t c = 0; c < t->ncols; c++)
		if (strstr(t->cols[c], "增/减"))
			rule->sign_col = (int)c;
	if (t->money_col >= 0)
		rule->decimal_cols = 1u << t->money_col;
	/* Table 3: 总计 = 自然人 + the five 法人或其他组织 columns. */
	if (t->kind == NB_TABLE_REQUESTS && t->ncols == 7) {
		rule->sums[0] = (nb_split_sum){ 0x3F, 6 };
		rule->nsums = 1;
	}
}

/* Reads the runs of the printed rows assign[] placed, one template row at a
 * time; the label after each run tells whose enumeration ends it. */
static int read_rows(const region *g, const nb_template *t, const int *assign,
		     const nb_split_rule *rule, reading *x)
{
	for (size_t j = 0; j < t->nrows; j++) {
		x[j].orow = assign[j];
		x[j].status = NB_SPLIT_NONE;
		if (assign[j] < 0)
			continue;
		x[j].cand = malloc(CAP * sizeof *x[j].cand);
		if (!x[j].cand)
			return -ENOMEM;
		unsigned next = 0;
		for (size_t k = 0; k < t->nrows; k++)
			if (assign[k] == assign[j] + 1)
				next = enumeration(&t->rows[k]);
		const frow *f = &g->v[assign[j]];
		x[j].status = nb_split_run(g->text.s + f->run, f->nrun, next, rule, x[j].cand, CAP,
					   &x[j].count);
	}
	return 0;
}

static void readings_free(reading *x, size_t n)
{
	for (size_t j = 0; j < n; j++)
		free(x[j].cand);
	free(x);
}

/* ---- table 3: the column sums across rows -------------------------------- */

static long long cell_value(const nb_split *s, size_t c)
{
	return strtoll(s->cell[c], NULL, 10);
}

/*
 * 一 + 二 = （七）总计 + 四 in every column: of the readings of those four rows,
 * the combinations that hold.  A row is settled when all of them give it the
 * same reading; when none holds, no reading of the four fits.  Applies only
 * when each of the four has its readings all known.
 */
static void balance(const nb_template *t, reading *x)
{
	const size_t idx[4] = { 0, 1, t->nrows - 2, t->nrows - 1 };	/* 一 二 （七） 四 */
	unsigned long combos = 1;
	uint32_t seen[4] = { 0 };
	size_t n[4];

	for (size_t k = 0; k < 4; k++) {
		const reading *r = &x[idx[k]];
		if (r->orow < 0 || r->status == NB_SPLIT_NONE || r->count > CAP)
			return;
		n[k] = r->count;
		combos *= n[k];
	}
	if (combos > MAXCOMBOS)
		return;
	bool any = false;
	for (size_t a = 0; a < n[0]; a++)
		for (size_t b = 0; b < n[1]; b++)
			for (size_t c = 0; c < n[2]; c++)
				for (size_t e = 0; e < n[3]; e++) {
					bool ok = true;
					for (size_t col = 0; col < t->ncols && ok; col++)
						ok = cell_value(&x[idx[0]].cand[a], col) +
							     cell_value(&x[idx[1]].cand[b], col) ==
						     cell_value(&x[idx[2]].cand[c], col) +
							     cell_value(&x[idx[3]].cand[e], col);
					if (!ok)
						continue;
					any = true;
					seen[0] |= 1u << a;
					seen[1] |= 1u << b;
					seen[2] |= 1u << c;
					seen[3] |= 1u << e;
				}
	for (size_t k = 0; k < 4; k++) {
		reading *r = &x[idx[k]];
		if (!any) {
			r->status = NB_SPLIT_NONE;
			continue;
		}
		if (__builtin_popcount(seen[k]) == 1) {
			size_t only = (size_t)__builtin_ctz(seen[k]);
			r->cand[0] = r->cand[only];
			r->count = 1;
			r->status = NB_SPLIT_ONE;
		}
	}
}

static int commit_rows(nb_doc *d, const nb_template *t, const region *g, const reading *x,
		       nb_unit money, nb_unit printed)
{
	nb_table *tb;
	int rc = table_new(d->r, t, money, &tb);

	for (size_t j = 0; j < t->nrows && rc == 0; j++) {
		if (x[j].orow < 0)
			rc = nb_warn(d->r, "%s: row %s not found; its cells are empty", t->name,
				     t->rows[j].label);
		else if (x[j].status == NB_SPLIT_ONE)
			rc = put_row(d->r, t, tb, j, &x[j].cand[0], printed);
		else
			rc = warn_row(d->r, t, j, g, &x[j],
				      x[j].status == NB_SPLIT_NONE && x[j].count
					      ? "with the column sums 一 + 二 = （七）总计 + 四"
					      : "under the template's rules");
	}
	return rc;
}

static int requests(nb_doc *d)
{
	const nb_template *const *t19, *const *t21;
	region g;
	int rc = region_read(d, 3, &g);
	int *a19 = NULL, *a21 = NULL;
	size_t *obs = NULL;
	reading *x = NULL;
	const nb_template *t = NULL;
	double s19, s21;

	nb_templates(NB_TABLE_REQUESTS, NB_FMT_2019, &t19);
	nb_templates(NB_TABLE_REQUESTS, NB_FMT_2021, &t21);
	if (rc < 0 || g.n == 0)
		goto out;
	obs = malloc(g.n * sizeof *obs);
	a19 = malloc(t19[0]->nrows * sizeof *a19);
	a21 = malloc(t21[0]->nrows * sizeof *a21);
	if (!obs || !a19 || !a21) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t k = 0; k < g.n; k++)
		obs[k] = k;
	rc = nb_align_rows(&g.rs, obs, g.n, t19[0], a19, &s19);
	if (rc == 0)
		rc = nb_align_rows(&g.rs, obs, g.n, t21[0], a21, &s21);
	if (rc < 0)
		goto out;
	/* The format whose rows the printed labels match best. */
	bool use21 = s21 > s19 || (s21 == s19 && d->r->year >= 2021);
	t = use21 ? t21[0] : t19[0];
	nb_split_rule rule;
	rule_for(t, &rule);
	x = calloc(t->nrows, sizeof *x);
	if (!x) {
		rc = -ENOMEM;
		goto out;
	}
	if ((rc = read_rows(&g, t, use21 ? a21 : a19, &rule, x)) < 0)
		goto out;
	balance(t, x);
	rc = commit_rows(d, t, &g, x, NB_UNIT_NONE, NB_UNIT_NONE);
out:
	if (x)
		readings_free(x, t->nrows);
	free(obs);
	free(a19);
	free(a21);
	region_free(&g);
	return rc;
}

/* ---- table 4: one run of fifteen, or three of five ------------------------ */

static int appeals(nb_doc *d)
{
	const nb_template *const *tl;
	region g;
	int rc = region_read(d, 4, &g);
	size_t runs[3], nruns = 0;
	nb_split *cand = NULL;

	if (rc < 0 || g.n == 0)
		goto out;
	nb_templates(NB_TABLE_APPEALS, d->r->year >= 2021 ? NB_FMT_2021 : NB_FMT_2019, &tl);
	const nb_template *t = tl[0];
	for (size_t k = 0; k < g.n; k++)
		if (nruns++ < 3)
			runs[nruns - 1] = k;
	nb_table *tb;
	if ((rc = table_new(d->r, t, NB_UNIT_NONE, &tb)) < 0)
		goto out;
	/* The numbers row has no label: one run is the template's order, and
	 * so are three runs of a group each; anything else has no certain place. */
	size_t per = nruns == 1 ? t->nrows * t->ncols : nruns == t->nrows ? t->ncols : 0;
	if (!per) {
		rc = nb_warn(d->r, "%s: %zu runs of numbers found where one (or one per row) was "
			     "expected; their places are uncertain, all cells are left empty", t->name,
			     nruns);
		goto out;
	}
	nb_split_rule rule = { .ncols = per, .sign_col = -1 };
	for (size_t k = 0; k < per / t->ncols; k++) {
		/* Each group: 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结. */
		rule.sums[k] = (nb_split_sum){ 0xFu << (k * t->ncols), (unsigned)(k * t->ncols + 4) };
		rule.nsums++;
	}
	cand = malloc(CAP * sizeof *cand);
	if (!cand) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t k = 0; k < nruns && rc == 0; k++) {
		const frow *f = &g.v[runs[k]];
		size_t count;
		nb_split_status st = nb_split_run(g.text.s + f->run, f->nrun, 0, &rule, cand, CAP,
						  &count);
		if (st != NB_SPLIT_ONE) {
			nb_buf b = { 0 };
			for (size_t c = 0; c < count && c < 2; c++) {
				reading_text(&b, &cand[c], per);
				nb_buf_adds(&b, "; ");
			}
			rc = nb_warn(d->r, "%s: the run of digits \"%.*s\" %s %zu cells with each "
				     "group's 总计 the sum of its four results (%s); the cells are left "
				     "empty", t->name, (int)f->nrun, g.text.s + f->run,
				     st == NB_SPLIT_NONE ? "cannot be read as" : "has more than one reading as",
				     per, b.s ? b.s : "no reading");
			nb_buf_free(&b);
			continue;
		}
		for (size_t r = 0; r < per / t->ncols && rc == 0; r++) {
			nb_split row;
			for (size_t c = 0; c < t->ncols; c++)
				memcpy(row.cell[c], cand[0].cell[r * t->ncols + c], NB_SPLIT_CELL);
			rc = put_row(d->r, t, tb, nruns == 1 ? r : k, &row, NB_UNIT_NONE);
		}
	}
out:
	free(cand);
	region_free(&g);
	return rc;
}

/* ---- table 2: a small table per clause --------------------------------- */

static bool key_in(const char *what, const uint32_t *key, size_t nkey)
{
	uint32_t w[64];
	size_t nw = nb_key(what, strlen(what), w, 64);

	return nw && nw <= 64 && nb_fuzzy_find(w, nw, key, nkey, NULL) >= 0.999;
}

/* The template of the clause a label names (第二十条第（五）项), in the
 * format whose column headers the clause's text names most; NULL when the
 * label names none.  Both formats' templates carry the clause's name. */
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

static int one_clause(nb_doc *d, const region *g, const nb_template *t, const size_t *obs,
		      size_t nobs)
{
	int *assign = malloc(t->nrows * sizeof *assign);
	reading *x = calloc(t->nrows, sizeof *x);
	nb_split_rule rule;
	double score;
	int rc = -ENOMEM;

	if (!assign || !x)
		goto out;
	if ((rc = nb_align_rows(&g->rs, obs, nobs, t, assign, &score)) < 0)
		goto out;
	rule_for(t, &rule);
	if ((rc = read_rows(g, t, assign, &rule, x)) < 0)
		goto out;
	/* The money column's unit: fixed by the header, else as printed. */
	nb_unit money = NB_UNIT_NONE, printed = NB_UNIT_NONE;
	for (size_t j = 0; j < t->nrows; j++)
		if (assign[j] >= 0 && g->v[assign[j]].unit != NB_UNIT_NONE)
			printed = g->v[assign[j]].unit;
	if (t->money_col >= 0 && t->money_col + 1 == (int)t->ncols)
		money = t->money_header_fixed ? NB_UNIT_WANYUAN : printed;
	else
		printed = NB_UNIT_NONE;
	rc = commit_rows(d, t, g, x, money, printed);
out:
	if (x)
		readings_free(x, t->nrows);
	free(assign);
	return rc;
}

static int active(nb_doc *d)
{
	region g;
	int rc = region_read(d, 2, &g);
	size_t *obs = NULL;
	nb_format fallback = d->r->year >= 2021 ? NB_FMT_2021 : NB_FMT_2019;

	if (rc < 0 || g.n == 0)
		goto out;
	obs = malloc(g.n * sizeof *obs);
	if (!obs) {
		rc = -ENOMEM;
		goto out;
	}
	/* Each clause's rows run from its heading to the next clause's; the
	 * clause's own text (its headers) picks its format. */
	for (size_t k = 0; k < g.n && rc == 0;) {
		const nb_template *probe = clause_of(&g.rs.rows[k], NULL, 0, fallback);
		if (!probe) {
			k++;
			continue;
		}
		size_t e = k + 1;
		while (e < g.n && !clause_of(&g.rs.rows[e], NULL, 0, fallback))
			e++;
		nb_buf lab = { 0 };
		for (size_t i = k; i < e; i++)
			nb_buf_add(&lab, g.text.s + g.v[i].label, g.v[i].nlabel);
		uint32_t *all = lab.oom ? NULL : malloc((lab.len + 1) * sizeof *all);
		if (!all) {
			nb_buf_free(&lab);
			rc = -ENOMEM;
			break;
		}
		size_t nall = nb_key(lab.s ? lab.s : "", lab.len, all, lab.len + 1);
		const nb_template *t = clause_of(&g.rs.rows[k], all, nall, fallback);
		free(all);
		nb_buf_free(&lab);
		size_t nobs = 0;
		for (size_t i = k; i < e; i++)
			obs[nobs++] = i;
		rc = one_clause(d, &g, t, obs, nobs);
		k = e;
	}
out:
	free(obs);
	region_free(&g);
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
