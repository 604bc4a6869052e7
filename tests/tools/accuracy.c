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
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "corpus.h"
#include "nianbao.h"
#include "score.h"
#include "transform.h"

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
		tally *t = name ? score_tally(ts, tf_name(k)) : NULL;
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
		if (rc == 0)
			score_transformed(ts, t, x, r);
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

	tally *t = rc ? NULL : score_tally(s, str_item(x, "shape"));
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
			score_mismatch(s, "parse failed: %s", nb_strstatus(prc));
			r = NULL;
		}
	}
	if (rc == 0)
		rc = score_report(s, t, x, r);
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
