/*
 * digit_split.c — a run of digits that a crawler made of a table row's cells
 * (801000081) cut back into the row's columns, only where exactly one
 * reading fits what the template guarantees: no leading zeros, a sign only
 * where 本年增/减 begins, a decimal point only in a money column, a space
 * or a unit (10件322.89) always between two cells, commas only between
 * groups of three digits (12,810), and the row's sums.  Every reading is tried
 * (depth first, a sum checked as soon as its cells are known), so "one
 * reading" is a fact about the run, not a guess.
 */
#include <stdio.h>
#include <string.h>

#include "flat.h"

/* A cell boundary the printed run makes certain (a space). */
#define GAP '|'
/* An enumeration's mark after its number: 、 */
#define ENUM_MARK 'E'
/* Longest run we read: a table-4 row of 15 counts takes about 40 digits;
 * three times that is no table row. */
#define MAXRUN 128
/* Readings tried before giving up as "too many to tell": a 7-column row of
 * 30 digits has C(29,6) = 475020 cuts, a 15-column row far fewer once each
 * group's sum prunes it.  Beyond this the run counts as ambiguous. */
#define BUDGET 4000000L

typedef struct {
	const char *s;		/* the normalised run */
	size_t n;
	const nb_split_rule *r;
	nb_split cur;
	long long val[NB_SPLIT_MAXCOLS];
	bool integer[NB_SPLIT_MAXCOLS];
	nb_split *out;
	size_t cap, count;
	size_t stop;		/* enough readings seen to tell: max(cap, 1) + 1 */
	long budget;
} search;

size_t nb_split_unit(const char *s, size_t n)
{
	/* The units number.c reads after a count or an amount. */
	static const char *const units[] = { "万元", "元", "件", "个", "项", "条", "次", "家" };

	/* each unit is Han, none opens with an ASCII byte as a run's digits do */
	if (n && (unsigned char)s[0] < 0x80)
		return 0;
	for (size_t k = 0; k < sizeof units / sizeof *units; k++) {
		size_t len = strlen(units[k]);
		if (n >= len && !memcmp(s, units[k], len))
			return len;
	}
	return 0;
}

/* The run as ASCII: digits, '.', ',', '+', '-', GAP for spaces and units
 * between numbers, ENUM_MARK for 、.  False when it holds anything else. */
static bool normalise(const char *run, size_t n, char *out, size_t *len)
{
	size_t i = 0, k = 0;

	while (i < n) {
		size_t unit = nb_split_unit(run + i, n - i);
		uint32_t raw = unit ? ' ' : nb_utf8_next(run, n, &i), cp = nb_halfwidth(raw);
		char c;
		i += unit;
		if (nb_is_space(cp))
			c = GAP;
		else if ((cp >= '0' && cp <= '9') || cp == '.' || cp == '+' || cp == '-' ||
			 raw == ',')
			c = (char)cp;
		else if (cp == 0x2212)	/* − */
			c = '-';
		else if (cp == 0x3001)	/* 、 */
			c = ENUM_MARK;
		else
			return false;
		if (c == GAP && (k == 0 || out[k - 1] == GAP))
			continue;
		if (k == MAXRUN)
			return false;
		out[k++] = c;
	}
	while (k > 0 && out[k - 1] == GAP)
		k--;
	*len = k;
	return true;
}

/* Drops the next label's enumeration ("2." of 2.没有现成…) from the end. */
static void strip_enum(char *s, size_t *n, unsigned next_enum)
{
	char num[16];
	size_t k = *n, m;

	if (!next_enum || k < 2 || (s[k - 1] != '.' && s[k - 1] != ENUM_MARK))
		return;
	int w = snprintf(num, sizeof num, "%u", next_enum);
	if (w <= 0)
		return;
	m = (size_t)w;
	if (k - 1 < m || memcmp(s + k - 1 - m, num, m))
		return;
	k -= m + 1;
	while (k > 0 && s[k - 1] == GAP)
		k--;
	*n = k;
}

/* Whether the integer part s[0..n) is digits, grouped in threes by commas
 * when it has any (12,810), with no leading zero (0 is a number, 01 two
 * cells). */
static bool integer_ok(const char *s, size_t n)
{
	size_t group = 0;
	bool commas = memchr(s, ',', n) != NULL;

	if (!n || (n > 1 && s[0] == '0') || s[0] == ',')
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == ',') {
			if (group == 0 || (i > group && group != 3) || i + 1 == n)
				return false;
			group = 0;
			continue;
		}
		if (s[i] < '0' || s[i] > '9')
			return false;
		group++;
		if (commas && group > 3)
			return false;
	}
	return !commas || group == 3;
}

/* Whether s[0..n) can be the cell of column col; its value when it is an
 * integer. */
static bool cell_ok(const search *x, const char *s, size_t n, size_t col, long long *v,
		    bool *integer)
{
	size_t lead = 0, digits = 0;
	bool neg = false;

	if (n >= NB_SPLIT_CELL)
		return false;
	if (s[0] == '+' || s[0] == '-') {
		if ((int)col != x->r->sign_col)
			return false;
		neg = s[0] == '-';
		lead = 1;
	}
	const char *point = memchr(s + lead, '.', n - lead);
	size_t intlen = point ? (size_t)(point - s) - lead : n - lead;
	if (!integer_ok(s + lead, intlen))
		return false;
	if (point) {
		size_t frac = n - lead - intlen - 1;
		if (!(x->r->decimal_cols & (1u << col)) || frac == 0)
			return false;
		for (size_t k = 0; k < frac; k++)
			if (point[1 + k] < '0' || point[1 + k] > '9')
				return false;
	}
	for (size_t k = lead; k < lead + intlen; k++)
		digits += s[k] != ',';
	*integer = !point && digits <= 18;
	*v = 0;
	if (*integer) {
		for (size_t k = lead; k < n; k++)
			if (s[k] != ',')
				*v = *v * 10 + (s[k] - '0');
		if (neg)
			*v = -*v;
	}
	return true;
}

/* The sums whose last cell is col hold. */
static bool sums_hold(const search *x, size_t col)
{
	for (size_t k = 0; k < x->r->nsums; k++) {
		const nb_split_sum *sum = &x->r->sums[k];
		uint32_t all = sum->parts | (1u << sum->total);
		unsigned last = 31 - (unsigned)__builtin_clz(all);
		if (last != col)
			continue;
		long long total = 0;
		for (unsigned c = 0; c <= last; c++) {
			if (!(sum->parts & (1u << c)))
				continue;
			if (!x->integer[c])
				return false;
			total += x->val[c];
		}
		if (!x->integer[sum->total] || total != x->val[sum->total])
			return false;
	}
	return true;
}

static void dfs(search *x, size_t pos, size_t col)
{
	size_t ncols = x->r->ncols;

	if (x->count >= x->stop || x->budget <= 0)
		return;
	if (col == ncols) {
		if (pos == x->n) {
			if (x->count < x->cap)
				x->out[x->count] = x->cur;
			x->count++;
		}
		return;
	}
	for (size_t e = pos + 1; e <= x->n; e++) {
		if (--x->budget <= 0)
			return;
		if (x->s[e - 1] == GAP)
			break;	/* a space is never inside a cell */
		if (x->n - e < ncols - col - 1)
			break;	/* too little left for the other columns */
		if (col + 1 == ncols && e != x->n)
			continue;
		long long v;
		bool integer;
		if (!cell_ok(x, x->s + pos, e - pos, col, &v, &integer))
			continue;
		x->val[col] = v;
		x->integer[col] = integer;
		if (!sums_hold(x, col))
			continue;
		size_t k = 0;
		for (size_t i = pos; i < e; i++)
			if (x->s[i] != '+' && x->s[i] != ',')
				x->cur.cell[col][k++] = x->s[i];
		x->cur.cell[col][k] = '\0';
		dfs(x, e < x->n && x->s[e] == GAP ? e + 1 : e, col + 1);
		if (x->count >= x->stop || x->budget <= 0)
			return;
	}
}

nb_split_status nb_split_run(const char *run, size_t n, unsigned next_enum,
			     const nb_split_rule *rule, nb_split *out, size_t cap,
			     size_t *count)
{
	char s[MAXRUN];
	size_t len;
	search x = { .r = rule, .out = out, .cap = out ? cap : 0, .budget = BUDGET };

	x.stop = (x.cap > 1 ? x.cap : 1) + 1;

	*count = 0;
	if (rule->ncols == 0 || rule->ncols > NB_SPLIT_MAXCOLS || !normalise(run, n, s, &len))
		return NB_SPLIT_NONE;
	strip_enum(s, &len, next_enum);
	x.s = s;
	x.n = len;
	if (len == 0)
		return NB_SPLIT_NONE;
	dfs(&x, 0, 0);
	*count = x.count;
	/* Out of budget: more readings may fit than were seen. */
	if (x.budget <= 0 || x.count > 1)
		return NB_SPLIT_MANY;
	return x.count == 1 ? NB_SPLIT_ONE : NB_SPLIT_NONE;
}
