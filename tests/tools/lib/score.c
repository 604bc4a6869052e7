/*
 * score.c — what the accuracy tool scores in one parsed report against its
 * fixture's expectation: the facts, the section names, the warnings and
 * failed checks, the tables, and every expected cell (right, written
 * wrong, missing, or left empty as uncertain), tallied by shape or by
 * transform.  accuracy.c's header says what each outcome means.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "corpus.h"
#include "score.h"

tally *score_tally(score *s, const char *shape)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].shape, shape) == 0)
			return &s->v[i];
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		tally *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		s->v = v;
		s->cap = cap;
	}

	tally *t = &s->v[s->n];

	memset(t, 0, sizeof(*t));
	t->shape = strdup(shape);
	if (!t->shape)
		return NULL;
	s->n++;
	return t;
}

void score_mismatch(score *s, const char *fmt, ...)
{
	va_list ap;

	s->mismatches++;
	if (!s->verbose)
		return;
	printf("%s: ", s->file);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void wrong_cell(score *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A number written wrong: the one failure that is never quiet. */
static void wrong_cell(score *s, const char *fmt, ...)
{
	va_list ap;

	s->mismatches++;
	s->wrong++;
	printf("%s: WRONG ", s->file);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static const char *or_null(const char *s)
{
	return s ? s : "(null)";
}

/* ---- facts --------------------------------------------------------------- */

static bool check_string(score *s, const char *what, const char *want,
			 const char *got)
{
	if (want && got && strcmp(want, got) == 0)
		return true;
	score_mismatch(s, "%s: expected \"%s\", got \"%s\"", what, or_null(want),
		 or_null(got));
	return false;
}

static bool check_year(score *s, const cJSON *x, const nb_report *r)
{
	int want = cJSON_GetObjectItemCaseSensitive(x, "year")->valueint;

	if (r->year == want)
		return true;
	score_mismatch(s, "year: expected %d, got %d", want, r->year);
	return false;
}

static bool check_published(score *s, const cJSON *x, const nb_report *r)
{
	const char *want = str_item(x, "published");
	const char *got = r->published[0] ? r->published : NULL;

	if ((!want && !got) || (want && got && strcmp(want, got) == 0))
		return true;
	score_mismatch(s, "published: expected %s, got %s", want ? want : "null",
		 got ? got : "null");
	return false;
}

static const nb_table *find_table(const nb_report *r, const char *name)
{
	for (size_t i = 0; i < r->ntables; i++)
		if (r->tables[i].name && strcmp(r->tables[i].name, name) == 0)
			return &r->tables[i];
	return NULL;
}

static bool check_templates(score *s, const cJSON *x, const nb_report *r)
{
	const char *want = str_item(x, "template");
	const cJSON *per = cJSON_GetObjectItemCaseSensitive(x, "table_templates");
	const cJSON *e;
	bool ok = true;

	if (want)
		ok = check_string(s, "template", want, nb_format_name(r->format));
	cJSON_ArrayForEach(e, per) {
		const nb_table *t = find_table(r, e->string);

		if (!t) {
			score_mismatch(s, "template of %s: no such table", e->string);
			ok = false;
		} else if (strcmp(e->valuestring, nb_format_name(t->format)) != 0) {
			score_mismatch(s, "template of %s: expected %s, got %s", e->string,
				 e->valuestring, nb_format_name(t->format));
			ok = false;
		}
	}
	return ok;
}

static int cmp_section(const void *a, const void *b)
{
	const nb_section *x = *(const nb_section *const *)a;
	const nb_section *y = *(const nb_section *const *)b;

	return (x->number > y->number) - (x->number < y->number);
}

/* The sections' directory names ("N-name") in the order of N, joined with
 * " | " for one readable message; *count receives how many. */
static char *section_names(const nb_report *r, size_t *count)
{
	const nb_section **v = malloc((r->nsections + 1) * sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < r->nsections; i++)
		v[i] = &r->sections[i];
	qsort(v, r->nsections, sizeof(*v), cmp_section);

	size_t cap = 16;

	for (size_t i = 0; i < r->nsections; i++)
		cap += strlen(or_null(v[i]->name)) + 16;

	char *out = malloc(cap);
	size_t len = 0;

	if (out) {
		out[0] = '\0';
		for (size_t i = 0; i < r->nsections; i++)
			len += snprintf(out + len, cap - len, "%s%d-%s",
					i ? " | " : "", v[i]->number,
					or_null(v[i]->name));
	}
	free(v);
	*count = r->nsections;
	return out;
}

static bool check_sections(score *s, const cJSON *x, const nb_report *r,
			   bool *oom)
{
	const cJSON *want = cJSON_GetObjectItemCaseSensitive(x, "sections");
	const cJSON *e;
	size_t cap = 16, len = 0, n;

	cJSON_ArrayForEach(e, want)
		cap += strlen(e->valuestring) + 3;

	char *w = malloc(cap);
	char *got = section_names(r, &n);

	if (!w || !got) {
		free(w);
		free(got);
		*oom = true;
		return false;
	}
	w[0] = '\0';
	cJSON_ArrayForEach(e, want)
		len += snprintf(w + len, cap - len, "%s%s", len ? " | " : "",
				e->valuestring);

	bool ok = strcmp(w, got) == 0;

	if (!ok)
		score_mismatch(s, "sections: expected [%s], got [%s]", w, got);
	free(w);
	free(got);
	return ok;
}

static bool check_warnings(score *s, const cJSON *x, const nb_report *r)
{
	const cJSON *e;
	bool ok = true;

	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(x, "warnings_contain")) {
		size_t i = 0;

		while (i < r->nwarnings && !strcasestr(r->warnings[i], e->valuestring))
			i++;
		if (i == r->nwarnings) {
			score_mismatch(s, "warnings: none contains \"%s\" (%zu warnings)",
				 e->valuestring, r->nwarnings);
			ok = false;
		}
	}
	return ok;
}

/* Whether name is one of the strings of list (NULL: an empty list). */
static bool listed(const cJSON *list, const char *name)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, list)
		if (name && strcmp(e->valuestring, name) == 0)
			return true;
	return false;
}

/* Every listed rule fails at least once; no other rule fails. */
static bool check_checks(score *s, const cJSON *x, const nb_report *r)
{
	const cJSON *want = cJSON_GetObjectItemCaseSensitive(x, "checks_failed");
	const cJSON *e;
	bool ok = true;

	cJSON_ArrayForEach(e, want) {
		size_t i = 0;

		while (i < r->nchecks && (r->checks[i].ok || !r->checks[i].rule ||
					  strcmp(r->checks[i].rule, e->valuestring) != 0))
			i++;
		if (i == r->nchecks) {
			score_mismatch(s, "checks: %s should fail and does not", e->valuestring);
			ok = false;
		}
	}
	for (size_t i = 0; i < r->nchecks; i++) {
		const nb_check *c = &r->checks[i];

		if (c->ok || listed(want, c->rule))
			continue;
		score_mismatch(s, "checks: %s (%s) fails: %s", or_null(c->rule),
			 or_null(c->subject), or_null(c->detail));
		ok = false;
	}
	return ok;
}

/* Whether the expectation lists a cell of table (and of row, unless NULL). */
static bool expected(const cJSON *cells, const char *table, const char *row)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, cells)
		if (strcmp(cJSON_GetArrayItem(c, 0)->valuestring, table) == 0 &&
		    (!row || strcmp(cJSON_GetArrayItem(c, 1)->valuestring, row) == 0))
			return true;
	return false;
}

/* No table and no row the report does not have: numbers there would be
 * invented (they are not counted as cells, only as a mismatch). */
static bool check_tables(score *s, const cJSON *x, const nb_report *r)
{
	const cJSON *cells = cJSON_GetObjectItemCaseSensitive(x, "cells");
	bool ok = true;

	for (size_t i = 0; i < r->ntables; i++) {
		const nb_table *t = &r->tables[i];
		const char *name = or_null(t->name);

		if (!expected(cells, name, NULL)) {
			score_mismatch(s, "unexpected table %s", name);
			ok = false;
			continue;
		}
		for (size_t k = 0; k < t->nrows; k++) {
			const char *label = or_null(t->rows[k].label);

			if (!expected(cells, name, label)) {
				score_mismatch(s, "unexpected row %s / %s", name, label);
				ok = false;
			}
		}
	}
	return ok;
}

/* ---- cells --------------------------------------------------------------- */

/* Length of s without a trailing fullwidth-parenthesised part: the unit
 * the core may add to a money column (采购总金额（万元）). */
static size_t without_unit(const char *s)
{
	static const char open[] = "（", close[] = "）";
	size_t n = strlen(s), k = strlen(close);

	if (n < k || strcmp(s + n - k, close) != 0)
		return n;

	const char *p = NULL;

	for (const char *q = strstr(s, open); q; q = strstr(q + 1, open))
		p = q;
	return p && p > s ? (size_t)(p - s) : n;
}

static bool col_matches(const char *got, const char *want)
{
	size_t g = without_unit(got), w = without_unit(want);

	if (strcmp(got, want) == 0)
		return true;
	return g == w && strncmp(got, want, g) == 0;
}

static const nb_cell *find_cell(const nb_report *r, const char *table,
				const char *row, const char *col)
{
	const nb_table *t = find_table(r, table);

	if (!t)
		return NULL;

	size_t c = 0;

	while (c < t->ncols && !(t->cols[c] && col_matches(t->cols[c], col)))
		c++;
	if (c == t->ncols)
		return NULL;
	for (size_t i = 0; i < t->nrows; i++)
		if (t->rows[i].label && strcmp(t->rows[i].label, row) == 0)
			return t->rows[i].cells ? &t->rows[i].cells[c] : NULL;
	return NULL;
}

static const char *state_text(const nb_cell *c)
{
	if (!c || c->state == NB_CELL_ABSENT)
		return "absent";
	if (c->state == NB_CELL_BLANK)
		return "blank";
	return or_null(c->value);
}

/* A cell of a row the report does not print: anything but ABSENT was made
 * up (a row slid into the gap by position). */
static void score_unprinted(score *s, tally *t, const nb_cell *c,
			    const char *table, const char *row, const char *col)
{
	if (!c || c->state == NB_CELL_ABSENT) {
		t->right++;
		return;
	}
	t->wrong++;
	wrong_cell(s, "%s / %s / %s: the report has no such row, got %s "
		 "(printed \"%s\")", table, row, col, state_text(c), or_null(c->raw));
}

/* Scores one expected cell.  may_be_absent lists the tables the fixture
 * lets the core leave unfilled (their structure cannot be read with
 * certainty): an absent cell there is counted missing but no mismatch. */
/* Whether [table, row, col] is one of list's. */
static bool listed_cell(const cJSON *list, const char *table, const char *row,
			const char *col)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, list)
		if (!strcmp(cJSON_GetArrayItem(e, 0)->valuestring, table) &&
		    !strcmp(cJSON_GetArrayItem(e, 1)->valuestring, row) &&
		    !strcmp(cJSON_GetArrayItem(e, 2)->valuestring, col))
			return true;
	return false;
}

/* A cell printed where only inference could place it, and a rule over it
 * fails: empty is right, any value a mismatch (its place is not certain,
 * even when the value happens to be the printed one). */
static void score_uncertain(score *s, tally *t, const nb_cell *c, const char *table,
			    const char *row, const char *col, const char *want)
{
	if (!c || c->state == NB_CELL_ABSENT) {
		t->right++;
		return;
	}
	if (c->state == NB_CELL_NUMBER && c->value && strcmp(c->value, want) == 0) {
		t->right++;
		score_mismatch(s, "%s / %s / %s: written, but its place is inferred and a rule over it "
			 "fails: it must be left empty", table, row, col);
		return;
	}
	t->wrong++;
	wrong_cell(s, "%s / %s / %s: expected empty (uncertain; printed %s), got %s",
		 table, row, col, want[0] ? want : "blank", state_text(c));
}

static void score_cell(score *s, tally *t, const nb_report *r, const cJSON *cell,
		       const cJSON *may_be_absent, const cJSON *uncertain)
{
	const char *table = cJSON_GetArrayItem(cell, 0)->valuestring;
	const char *row = cJSON_GetArrayItem(cell, 1)->valuestring;
	const char *col = cJSON_GetArrayItem(cell, 2)->valuestring;
	const char *want = cJSON_GetArrayItem(cell, 3)->valuestring;
	const nb_cell *c = r ? find_cell(r, table, row, col) : NULL;

	t->cells++;
	if (!want) {
		score_unprinted(s, t, c, table, row, col);
		return;
	}
	if (listed_cell(uncertain, table, row, col)) {
		score_uncertain(s, t, c, table, row, col, want);
		return;
	}

	bool blank = want[0] == '\0';

	if (!c || c->state == NB_CELL_ABSENT) {
		t->missing++;
		if (c && c->uncertain)
			t->uncertain++;
		if (r && !listed(may_be_absent, table))
			score_mismatch(s, "%s %s / %s / %s: expected %s",
				 c && c->uncertain ? "uncertain" : "missing", table, row, col,
				 blank ? "blank" : want);
		return;
	}
	if (blank ? c->state == NB_CELL_BLANK :
	    c->state == NB_CELL_NUMBER && c->value && strcmp(c->value, want) == 0) {
		t->right++;
		return;
	}
	t->wrong++;
	wrong_cell(s, "%s / %s / %s: expected %s, got %s (printed \"%s\")",
		 table, row, col, blank ? "blank" : want, state_text(c),
		 or_null(c->raw));
}

static void score_cells(score *s, tally *t, const cJSON *x, const nb_report *r)
{
	const cJSON *cell;

	cJSON_ArrayForEach(cell, cJSON_GetObjectItemCaseSensitive(x, "cells"))
		score_cell(s, t, r, cell, cJSON_GetObjectItemCaseSensitive(x, "may_be_absent"),
			   cJSON_GetObjectItemCaseSensitive(x, "uncertain"));
}

int score_report(score *s, tally *t, const cJSON *x, const nb_report *r)
{
	bool oom = false;

	score_cells(s, t, x, r);
	if (!r)
		return 0;
	t->agency_ok += check_string(s, "agency", str_item(x, "agency"), r->agency);
	t->year_ok += check_year(s, x, r);
	t->sections_ok += check_sections(s, x, r, &oom);

	bool other = check_string(s, "year_rule", str_item(x, "year_rule"),
				  nb_year_rule_name(r->year_rule));

	other &= check_published(s, x, r);
	other &= check_string(s, "encoding", str_item(x, "encoding"), r->encoding);
	other &= check_templates(s, x, r);
	other &= check_warnings(s, x, r);
	other &= check_checks(s, x, r);
	other &= check_tables(s, x, r);
	t->other_ok += other;
	return oom ? -ENOMEM : 0;
}

void score_transformed(score *s, tally *t, const cJSON *x, const nb_report *r)
{
	score_cells(s, t, x, r);
	if (!r)
		return;
	t->agency_ok += check_string(s, "agency", str_item(x, "agency"), r->agency);
	t->year_ok += check_year(s, x, r);
}
