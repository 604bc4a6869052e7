/*
 * nbparse — runs the core on files and prints what it found: facts,
 * sections, tables, warnings, notes and checks.  For developers: it shows
 * what the parser makes of a report without building an index.
 *
 *   nbparse [-t] FILE...     (-t: also print each section's text)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "nianbao.h"

static void print_cell(const nb_cell *c)
{
	switch (c->state) {
	case NB_CELL_NUMBER:
		printf("%s", c->value);
		break;
	case NB_CELL_BLANK:
		printf("空");
		break;
	default:
		printf("?");
	}
}

static void print_report(const nb_report *r, bool text)
{
	printf("agency: %s (printed %s, from %s)\n", r->agency ? r->agency : "-",
	       r->agency_as_printed ? r->agency_as_printed : "-",
	       r->agency_source ? r->agency_source : "-");
	printf("year: %d (%s)  published: %s  format: %s  encoding: %s%s\n", r->year,
	       nb_year_rule_name(r->year_rule), r->published[0] ? r->published : "-",
	       nb_format_name(r->format), r->encoding, r->traditional ? " traditional" : "");
	printf("title: %s\n", r->title ? r->title : "-");
	for (size_t i = 0; i < r->nsections; i++) {
		const nb_section *s = &r->sections[i];
		printf("section %d-%s  [%s] %zu bytes\n", s->number, s->name, s->heading ? s->heading : "",
		       s->text ? strlen(s->text) : 0);
		if (text && s->text)
			printf("%s\n", s->text);
	}
	for (size_t i = 0; i < r->ntables; i++) {
		const nb_table *t = &r->tables[i];
		printf("table %s (%s) %s", t->name, nb_format_name(t->format), t->label_header);
		for (size_t c = 0; c < t->ncols; c++)
			printf(",%s", t->cols[c]);
		printf("\n");
		for (size_t j = 0; j < t->nrows; j++) {
			const nb_row *row = &t->rows[j];
			printf("  %s%s", row->extra ? "+ " : "", row->label);
			for (size_t c = 0; c < t->ncols; c++) {
				printf(c ? " " : " | ");
				print_cell(&row->cells[c]);
			}
			if (row->printed)
				printf("   (printed %s)", row->printed);
			printf("\n");
		}
	}
	for (size_t i = 0; i < r->nwarnings; i++)
		printf("warning: %s\n", r->warnings[i]);
	for (size_t i = 0; i < r->nnotes; i++)
		printf("note: %s\n", r->notes[i]);
	size_t failed = 0;
	for (size_t i = 0; i < r->nchecks; i++) {
		if (!r->checks[i].ok) {
			failed++;
			printf("check FAILED %s [%s]: %s\n", r->checks[i].rule, r->checks[i].subject,
			       r->checks[i].detail);
		}
	}
	printf("checks: %zu, failed %zu\n", r->nchecks, failed);
}

int main(int argc, char **argv)
{
	nb_parser *p;
	const char *err = NULL;
	bool text = false;
	int status = 0, first = 1;

	if (argc > 1 && !strcmp(argv[1], "-t")) {
		text = true;
		first = 2;
	}
	if (first >= argc) {
		fprintf(stderr, "usage: nbparse [-t] FILE...\n");
		return 2;
	}
	int rc = nb_parser_new(&p, &err);
	if (rc < 0) {
		fprintf(stderr, "nbparse: %s\n", err ? err : strerror(-rc));
		return 1;
	}
	for (int i = first; i < argc; i++) {
		char *buf = NULL;
		size_t len = 0;
		nb_report *r;
		printf("== %s\n", argv[i]);
		if ((rc = read_file(argv[i], &buf, &len)) < 0) {
			fprintf(stderr, "nbparse: %s: %s\n", argv[i], strerror(-rc));
			status = 1;
			continue;
		}
		rc = nb_parse(p, argv[i], buf, len, &r);
		free(buf);
		if (rc < 0) {
			fprintf(stderr, "nbparse: %s: %s\n", argv[i], nb_strstatus(rc));
			status = 1;
			continue;
		}
		print_report(r, text);
		nb_report_free(r);
	}
	nb_parser_free(p);
	return status;
}
