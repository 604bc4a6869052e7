/*
 * nbfields — every field of every report the core makes of FILEs, one a
 * line, strings escaped: for proving that a change to the parser left its
 * output unchanged (run it built against both parsers and cmp), where
 * nbparse shows a developer what was found and leaves fields out.
 *
 *   nbfields FILE...       (FILE "-": names are read from stdin, one a line)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "nianbao.h"

/* key=value with newlines and backslashes escaped; NULL as (null). */
static void str(const char *key, const char *s)
{
	printf("%s=", key);
	if (!s) {
		fputs("(null)\n", stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '\n')
			fputs("\\n", stdout);
		else if (*s == '\\')
			fputs("\\\\", stdout);
		else
			putchar(*s);
	}
	fputs("\"\n", stdout);
}

static void report(const nb_report *r)
{
	str("agency", r->agency);
	str("agency_as_printed", r->agency_as_printed);
	str("agency_source", r->agency_source);
	printf("year=%d rule=%d published=%s format=%d traditional=%d\n", r->year,
	       (int)r->year_rule, r->published, (int)r->format, r->traditional);
	str("title", r->title);
	str("encoding", r->encoding);
	str("text", r->text);
	str("preamble", r->preamble);
	for (size_t i = 0; i < r->nsections; i++) {
		const nb_section *s = &r->sections[i];
		printf("section %zu number=%d canonical=%d\n", i, s->number, s->canonical);
		str(" name", s->name);
		str(" heading", s->heading);
		str(" text", s->text);
	}
	for (size_t i = 0; i < r->ntables; i++) {
		const nb_table *t = &r->tables[i];
		printf("table %zu kind=%d format=%d ncols=%zu nrows=%zu\n", i, (int)t->kind,
		       (int)t->format, t->ncols, t->nrows);
		str(" name", t->name);
		str(" label_header", t->label_header);
		for (size_t c = 0; c < t->ncols; c++)
			str(" col", t->cols[c]);
		for (size_t j = 0; j < t->nrows; j++) {
			const nb_row *row = &t->rows[j];
			printf(" row %zu extra=%d\n", j, row->extra);
			str("  label", row->label);
			str("  printed", row->printed);
			for (size_t c = 0; c < t->ncols; c++) {
				const nb_cell *cell = &row->cells[c];
				printf("  cell %zu state=%d uncertain=%d\n", c, (int)cell->state,
				       cell->uncertain);
				str("   value", cell->value);
				str("   raw", cell->raw);
				str("   note", cell->note);
			}
		}
	}
	for (size_t i = 0; i < r->nwarnings; i++)
		str("warning", r->warnings[i]);
	for (size_t i = 0; i < r->nnotes; i++)
		str("note", r->notes[i]);
	for (size_t i = 0; i < r->nchecks; i++) {
		const nb_check *c = &r->checks[i];
		printf("check ok=%d\n", c->ok);
		str(" rule", c->rule);
		str(" subject", c->subject);
		str(" detail", c->detail);
	}
}

static int one(nb_parser *p, const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	nb_report *r;
	int rc;

	printf("== %s\n", path);
	if ((rc = read_file(path, &buf, &len)) < 0) {
		fprintf(stderr, "nbfields: %s: %s\n", path, strerror(-rc));
		return 1;
	}
	rc = nb_parse(p, path, buf, len, &r);
	free(buf);
	if (rc < 0) {
		/* a file that is no report is an outcome to compare too */
		printf("status=%s\n", nb_strstatus(rc));
		return 0;
	}
	report(r);
	nb_report_free(r);
	return 0;
}

int main(int argc, char **argv)
{
	nb_parser *p;
	const char *err = NULL;
	int status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: nbfields FILE...   (- reads names from stdin)\n");
		return 2;
	}
	int rc = nb_parser_new(&p, &err);
	if (rc < 0) {
		fprintf(stderr, "nbfields: %s\n", err ? err : strerror(-rc));
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-") != 0) {
			status |= one(p, argv[i]);
			continue;
		}
		char line[4096];
		while (fgets(line, sizeof line, stdin)) {
			line[strcspn(line, "\n")] = '\0';
			if (line[0])
				status |= one(p, line);
		}
	}
	nb_parser_free(p);
	return status;
}
