/*
 * accuracy.c — scores the core against the fixture corpus.
 *
 *   accuracy [--strict] [-v] DIR
 *
 * Walks DIR for *.expect.json, parses the report beside each (same stem,
 * another extension) with the core, and compares what the core found with
 * what the fixture says: the facts, the section names, the warnings and
 * failed checks, and every expected cell.  Prints one line per shape: the
 * share of expected cells found right, written wrong and missing, and the
 * share of reports whose agency, year, sections and other facts are right.
 *
 * A cell is right when its state and value are what the report printed
 * ("" in the expectation means printed blank).  It is wrong when the core
 * states something the report contradicts: a number that differs, a
 * number where the report printed a blank, or a blank where it printed a
 * number.  It is missing when the core left it ABSENT.  A cell expected
 * null belongs to a row the report left out: right only when ABSENT.  A
 * cell the expectation lists as "uncertain" was printed, but only
 * inference could place it and a rule refutes it: right only when ABSENT
 * (the printed value written there is a mismatch, not a wrong cell).
 * Only listed cells count; the fixtures list every cell of every table
 * they have.
 *
 * Then every report is scored again under each transform of
 * lib/transform.h (the shapes real pipelines give a report: flattened to
 * one line, raw PDF reading order, hard-wrapped, spaces between digits
 * and Chinese, the title over two lines): per transform, the share of
 * cells right, the cells left empty because the core found more than one
 * reading or its one reading broke a rule ("uncert"), the cells missing
 * otherwise, and the cells written wrong.  Only the agency and the year
 * are scored there besides the cells.
 *
 * Exit status: 0; 1 when any cell is written wrong, here or under a
 * transform, and with --strict on any mismatch of the corpus itself; 2 on
 * a usage, I/O or fixture error (a malformed expectation is a bug in the
 * corpus).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "corpus.h"
#include "nianbao.h"
#include "transform.h"

/* ---- scoring ------------------------------------------------------------- */

typedef struct {
	char *shape;
	size_t reports;
	size_t cells, right, wrong, missing;
	size_t uncertain;	/* of missing: the core said its reading is not certain */
	size_t agency_ok, year_ok, sections_ok, other_ok;
} tally;

typedef struct {
	tally *v;
	size_t n, cap;
	size_t mismatches;
	size_t wrong;		/* cells written wrong: always printed */
	bool verbose;
	const char *file;	/* the report being scored, for messages */
	const char *dump;	/* transforms: the directory each transformed text
				   is written to (--dump), or NULL */
} score;

static tally *tally_for(score *s, const char *shape)
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

static void mismatch(score *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void mismatch(score *s, const char *fmt, ...)
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
	mismatch(s, "%s: expected \"%s\", got \"%s\"", what, or_null(want),
		 or_null(got));
	return false;
}

static bool check_year(score *s, const cJSON *x, const nb_report *r)
{
	int want = cJSON_GetObjectItemCaseSensitive(x, "year")->valueint;

	if (r->year == want)
		return true;
	mismatch(s, "year: expected %d, got %d", want, r->year);
	return false;
}

static bool check_published(score *s, const cJSON *x, const nb_report *r)
{
	const char *want = str_item(x, "published");
	const char *got = r->published[0] ? r->published : NULL;

	if ((!want && !got) || (want && got && strcmp(want, got) == 0))
		return true;
	mismatch(s, "published: expected %s, got %s", want ? want : "null",
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
			mismatch(s, "template of %s: no such table", e->string);
			ok = false;
		} else if (strcmp(e->valuestring, nb_format_name(t->format)) != 0) {
			mismatch(s, "template of %s: expected %s, got %s", e->string,
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
		mismatch(s, "sections: expected [%s], got [%s]", w, got);
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
			mismatch(s, "warnings: none contains \"%s\" (%zu warnings)",
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
			mismatch(s, "checks: %s should fail and does not", e->valuestring);
			ok = false;
		}
	}
	for (size_t i = 0; i < r->nchecks; i++) {
		const nb_check *c = &r->checks[i];

		if (c->ok || listed(want, c->rule))
			continue;
		mismatch(s, "checks: %s (%s) fails: %s", or_null(c->rule),
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
			mismatch(s, "unexpected table %s", name);
			ok = false;
			continue;
		}
		for (size_t k = 0; k < t->nrows; k++) {
			const char *label = or_null(t->rows[k].label);

			if (!expected(cells, name, label)) {
				mismatch(s, "unexpected row %s / %s", name, label);
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
		mismatch(s, "%s / %s / %s: written, but its place is inferred and a rule over it "
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
			mismatch(s, "%s %s / %s / %s: expected %s",
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

/* ---- the transforms ------------------------------------------------------ */

/* The name a transformed report goes under: its stem, the transform, the
 * ending the transform gives it (which picks the core's reader). */
static char *transformed_name(const char *report, tf_kind k, const char *ext)
{
	const char *base = strrchr(report, '/');
	const char *dot = strrchr(report, '.');
	size_t stem, n;
	char *name;

	base = base ? base + 1 : report;
	stem = dot && dot > base ? (size_t)(dot - base) : strlen(base);
	n = stem + strlen(tf_name(k)) + strlen(ext) + 3;
	name = malloc(n);
	if (name)
		snprintf(name, n, "%.*s.%s.%s", (int)stem, base, tf_name(k), ext);
	return name;
}

/* Writes a transformed text under dir, to read what the core was given;
 * a failure is said and does not stop the scoring. */
static void dump_text(const char *dir, const char *name, const char *text, size_t len)
{
	char path[4096];
	FILE *f;

	if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path ||
	    !(f = fopen(path, "w"))) {
		fprintf(stderr, "accuracy: %s/%s: cannot be written\n", dir, name);
		return;
	}
	if (fwrite(text, 1, len, f) != len)
		fprintf(stderr, "accuracy: %s: short write\n", path);
	if (fclose(f))
		fprintf(stderr, "accuracy: %s: %s\n", path, strerror(errno));
}

/* Scores the report under every transform: its cells, agency and year. */
static int score_transforms(score *ts, nb_parser *p, const cJSON *x, const char *report,
			    const char *buf, size_t len)
{
	char *text;
	size_t tlen;
	int md, rc = tf_text_of(report, buf, len, &text, &tlen, &md);
	unsigned seed = 0;

	if (rc < 0) {
		fprintf(stderr, "accuracy: %s: cannot be read as text: %s\n", report,
			strerror(-rc));
		return rc;
	}
	/* From the file's own name, so that the figures do not depend on
	 * where the corpus lies or how its path was written. */
	const char *base = strrchr(report, '/');
	for (const char *c = base ? base + 1 : report; *c; c++)
		seed = seed * 31 + (unsigned char)*c;
	for (tf_kind k = 0; k < TF_COUNT && rc == 0; k++) {
		const char *ext;
		size_t olen;
		char *out = tf_apply(k, text, tlen, seed, md, &olen, &ext);
		char *name = out ? transformed_name(report, k, ext) : NULL;
		tally *t = name ? tally_for(ts, tf_name(k)) : NULL;
		nb_report *r = NULL;

		if (!t) {
			rc = -ENOMEM;
		} else {
			int prc = nb_parse(p, name, out, olen, &r);

			if (ts->dump)
				dump_text(ts->dump, name, out, olen);

			ts->file = name;
			t->reports++;
			if (prc == -ENOMEM)
				rc = prc;
			else if (prc < 0)
				r = NULL;
		}
		if (rc == 0) {
			score_cells(ts, t, x, r);
			if (r) {
				t->agency_ok += check_string(ts, "agency", str_item(x, "agency"),
							     r->agency);
				t->year_ok += check_year(ts, x, r);
			}
		}
		nb_report_free(r);
		free(name);
		free(out);
	}
	free(text);
	return rc;
}

/* ---- one report ---------------------------------------------------------- */

/* Scores one fixture, and under the transforms into ts when given.  0, or
 * a negative errno for an error that is not a mismatch (I/O, a malformed
 * expectation, out of memory). */
static int score_one(score *s, score *ts, nb_parser *p, const char *expect_path)
{
	char *text = NULL, *report = NULL, *buf = NULL;
	size_t len;
	int rc = read_file(expect_path, &text, &len);

	if (rc) {
		fprintf(stderr, "accuracy: %s: %s\n", expect_path, strerror(-rc));
		return rc;
	}

	cJSON *x = cJSON_Parse(text);
	const char *key = "";
	const char *bad = x ? malformed(x, &key) : "not valid JSON";

	free(text);
	if (bad) {
		fprintf(stderr, "accuracy: %s: %s%s%s\n", expect_path, bad,
			*key ? " " : "", key);
		cJSON_Delete(x);
		return -EINVAL;
	}
	rc = find_report(expect_path, &report);
	if (rc == 0) {
		rc = read_file(report, &buf, &len);
		if (rc)
			fprintf(stderr, "accuracy: %s: %s\n", report, strerror(-rc));
	}

	tally *t = rc ? NULL : tally_for(s, str_item(x, "shape"));
	nb_report *r = NULL;

	if (rc == 0 && !t)
		rc = -ENOMEM;
	if (rc == 0) {
		int prc = nb_parse(p, report, buf, len, &r);

		s->file = report;
		t->reports++;
		if (prc == -ENOMEM) {
			rc = prc;
		} else if (prc < 0) {
			mismatch(s, "parse failed: %s", nb_strstatus(prc));
			r = NULL;
		}
	}
	if (rc == 0) {
		bool oom = false;

		score_cells(s, t, x, r);
		if (r) {
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
		}
		if (oom)
			rc = -ENOMEM;
	}
	nb_report_free(r);
	if (rc == 0 && ts)
		rc = score_transforms(ts, p, x, report, buf, len);
	cJSON_Delete(x);
	free(buf);
	free(report);
	return rc;
}

/* ---- the summary --------------------------------------------------------- */

static double pct(size_t a, size_t b)
{
	return b ? 100.0 * (double)a / (double)b : 0.0;
}

static void print_line(const tally *t)
{
	printf("%-10s %7zu %7zu ", t->shape, t->reports, t->cells);
	if (t->cells)
		printf("%7.1f %7.1f %6zu %8.1f %6zu", pct(t->right, t->cells),
		       pct(t->wrong, t->cells), t->wrong, pct(t->missing, t->cells),
		       t->uncertain);
	else
		printf("%7s %7s %6s %8s %6s", "-", "-", "-", "-", "-");	/* no tables */
	printf(" %7.1f %6.1f %8.1f %7.1f\n", pct(t->agency_ok, t->reports),
	       pct(t->year_ok, t->reports), pct(t->sections_ok, t->reports),
	       pct(t->other_ok, t->reports));
}

static int cmp_tally(const void *a, const void *b)
{
	return strcmp(((const tally *)a)->shape, ((const tally *)b)->shape);
}

static void print_summary(score *s)
{
	char name[] = "total";
	tally total = { .shape = name };

	qsort(s->v, s->n, sizeof(*s->v), cmp_tally);
	printf("%-10s %7s %7s %7s %7s %6s %8s %6s %7s %6s %8s %7s\n", "shape",
	       "reports", "cells", "right%", "wrong%", "wrong", "missing%", "uncert",
	       "agency%", "year%", "section%", "other%");
	for (size_t i = 0; i < s->n; i++) {
		const tally *t = &s->v[i];

		print_line(t);
		total.reports += t->reports;
		total.cells += t->cells;
		total.right += t->right;
		total.wrong += t->wrong;
		total.missing += t->missing;
		total.uncertain += t->uncertain;
		total.agency_ok += t->agency_ok;
		total.year_ok += t->year_ok;
		total.sections_ok += t->sections_ok;
		total.other_ok += t->other_ok;
	}
	print_line(&total);
	printf("mismatches: %zu (other = year rule, publication date, encoding, "
	       "template, warnings, checks, no unexpected table or row)\n",
	       s->mismatches);
}

/* Per transform: the cells right, left empty as uncertain, missing
 * otherwise, and written wrong (counts, not shares, for the last three:
 * wrong must be 0). */
static void print_transforms(score *ts)
{
	printf("\n%-10s %7s %7s %7s %7s %7s %7s %6s %7s %6s\n", "transform", "reports", "cells",
	       "right%", "1read%", "uncert", "missing", "wrong", "agency%", "year%");
	for (size_t i = 0; i < ts->n; i++) {
		const tally *t = &ts->v[i];

		printf("%-10s %7zu %7zu %7.1f %7.1f %7zu %7zu %6zu %7.1f %6.1f\n", t->shape,
		       t->reports, t->cells, pct(t->right, t->cells),
		       pct(t->right, t->cells - t->uncertain), t->uncertain,
		       t->missing - t->uncertain, t->wrong, pct(t->agency_ok, t->reports),
		       pct(t->year_ok, t->reports));
	}
	printf("(1read: right of the cells with one reading, i.e. not left uncertain; uncert: "
	       "left empty because more than one reading fits or the one reading breaks a "
	       "rule; missing: not found)\n");
}

/* ---- main ---------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f, "usage: accuracy [--strict] [-v] [-t] [--dump DIR] DIR\n"
		   "Parses every report of the fixture corpus DIR and compares it with\n"
		   "its .expect.json; prints the accuracy per shape, then per transform\n"
		   "of the text.  -v lists every mismatch of the corpus, -t of the\n"
		   "transformed texts; --dump writes each transformed text into DIR.\n"
		   "A cell written wrong always fails (exit 1), --strict fails on any\n"
		   "mismatch of the corpus too.\n");
}

int main(int argc, char **argv)
{
	bool strict = false;
	const char *dir = NULL;
	score s = { 0 }, ts = { 0 };

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--strict") == 0) {
			strict = true;
		} else if (strcmp(argv[i], "-v") == 0) {
			s.verbose = true;
		} else if (strcmp(argv[i], "-t") == 0) {
			ts.verbose = true;
		} else if (strcmp(argv[i], "--dump") == 0 && i + 1 < argc) {
			ts.dump = argv[++i];
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (argv[i][0] == '-' || dir) {
			usage(stderr);
			return 2;
		} else {
			dir = argv[i];
		}
	}
	if (!dir) {
		usage(stderr);
		return 2;
	}

	strlist files = { 0 };
	int rc = collect(dir, &files);

	if (rc == 0 && files.n == 0) {
		fprintf(stderr, "accuracy: %s: no *%s files\n", dir, EXPECT_SUFFIX);
		rc = -ENOENT;
	}

	nb_parser *p = NULL;
	const char *err = NULL;

	if (rc == 0) {
		rc = nb_parser_new(&p, &err);
		if (rc)
			fprintf(stderr, "accuracy: cannot set up the parser: %s\n",
				err ? err : strerror(-rc));
	}
	if (rc == 0) {
		qsort(files.v, files.n, sizeof(*files.v), cmp_str);
		for (size_t i = 0; i < files.n && rc == 0; i++)
			rc = score_one(&s, &ts, p, files.v[i]);
		if (rc == -ENOMEM)
			fprintf(stderr, "accuracy: out of memory\n");
	}
	if (rc == 0) {
		print_summary(&s);
		print_transforms(&ts);
	}

	nb_parser_free(p);
	strlist_free(&files);
	for (size_t i = 0; i < s.n; i++)
		free(s.v[i].shape);
	free(s.v);
	for (size_t i = 0; i < ts.n; i++)
		free(ts.v[i].shape);
	free(ts.v);
	if (rc)
		return 2;
	if (s.wrong || ts.wrong)
		return 1;
	return strict && s.mismatches ? 1 : 0;
}
