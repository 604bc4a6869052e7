/*
 * report.c — the parser object, the pipeline that turns one buffer into an
 * nb_report, and the report's lifetime.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "flat.h"

struct nb_parser {
	nb_script *script;
	nb_tkeys *tkeys;
	nb_converters *conv;
};

int nb_parser_new(nb_parser **out, const char **err)
{
	nb_parser *p = calloc(1, sizeof *p);

	if (!p) {
		if (err)
			*err = "out of memory";
		return -ENOMEM;
	}
	int rc = nb_script_open(&p->script, err);
	if (rc < 0) {
		free(p);
		return rc;
	}
	if ((rc = nb_tkeys_new(&p->tkeys)) < 0 ||
	    (rc = nb_converters_new(&p->conv)) < 0) {
		if (err)
			*err = "out of memory";
		nb_parser_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

void nb_parser_free(nb_parser *p)
{
	if (!p)
		return;
	nb_script_close(p->script);
	nb_tkeys_free(p->tkeys);
	nb_converters_free(p->conv);
	free(p);
}

static nb_src_kind kind_of(const char *name)
{
	const char *dot = name ? strrchr(name, '.') : NULL;

	if (!dot)
		return NB_SRC_TEXT;
	if (!strcasecmp(dot, ".html") || !strcasecmp(dot, ".htm"))
		return NB_SRC_HTML;
	if (!strcasecmp(dot, ".md") || !strcasecmp(dot, ".markdown"))
		return NB_SRC_MARKDOWN;
	return NB_SRC_TEXT;
}

/* *flat: the text held a flattened article (flatten.c), now cut into lines. */
static int to_lines(nb_src_kind kind, const char *text, size_t len, nb_lines *out,
		    bool *flat)
{
	int rc = kind == NB_SRC_HTML ? nb_html_lines(text, len, out)
				     : nb_split_lines(text, len, out);
	*flat = false;
	if (rc == 0 && kind == NB_SRC_MARKDOWN)
		rc = nb_markdown_clean(out);
	if (rc == 0 && kind == NB_SRC_TEXT)
		rc = nb_flat_split(out, flat);
	return rc;
}

/*
 * The report's own format: its tables' when they agree; otherwise the
 * first table's (each table keeps its own).  A standard report whose tables
 * were lost still follows the format of its year.
 */
static nb_format report_format(const nb_report *r)
{
	if (r->ntables > 0)
		return r->tables[0].format;
	for (size_t i = 0; i < r->nsections; i++) {
		if (r->sections[i].canonical) {
			if (r->year >= 2021)
				return NB_FMT_2021;
			if (r->year >= 2019)
				return NB_FMT_2019;
			return r->year ? NB_FMT_NONE : NB_FMT_2019;
		}
	}
	return NB_FMT_NONE;
}

static int run(nb_doc *d, bool flat)
{
	int rc;

	if ((rc = nb_mark_lines(d)) < 0)
		return rc;
	if ((rc = nb_find_facts(d)) < 0)
		return rc;
	if ((rc = nb_find_sections(d)) < 0)
		return rc;
	/* Nothing that makes it a report: no agency, no year, no sections. */
	if (!d->r->agency && !d->r->year && d->nspans == 0)
		return NB_NOT_A_REPORT;
	if ((rc = flat ? nb_flat_tables(d) : nb_find_tables(d)) < 0)
		return rc;
	if ((rc = nb_build_sections(d)) < 0)
		return rc;
	d->r->format = report_format(d->r);
	return nb_run_checks(d->r);
}

int nb_parse(nb_parser *p, const char *name, const void *buf, size_t len,
	     nb_report **out)
{
	nb_doc d = { .name = name ? name : "(buffer)", .kind = kind_of(name),
		     .tkeys = p->tkeys };
	char *text = NULL, *simple = NULL;
	size_t textlen = 0, simplelen = 0, replaced = 0;
	const char *encoding = NULL;
	bool flat = false, oflat;
	int rc;

	*out = NULL;
	d.r = calloc(1, sizeof *d.r);
	if (!d.r)
		return -ENOMEM;
	rc = nb_decode(p->conv, buf, len, &text, &textlen, &encoding,
		       &replaced);
	if (rc < 0)
		goto done;
	if (replaced && (rc = nb_warn(d.r, "%zu byte%s not valid %s, read as "
				      "U+FFFD", replaced, replaced == 1 ? "" : "s",
				      encoding)) < 0)
		goto done;
	d.r->encoding = nb_strdup(encoding);
	if (!d.r->encoding) {
		rc = -ENOMEM;
		goto done;
	}
	rc = nb_script_t2s(p->script, text, textlen, &simple, &simplelen);
	if (rc < 0)
		goto done;
	if (simple) {
		d.r->traditional = true;
		rc = to_lines(d.kind, simple, simplelen, &d.lines, &flat);
		if (rc == 0)
			rc = to_lines(d.kind, text, textlen, &d.orig, &oflat);
		/* The original is only a guide to how the agency was spelled;
		 * if the converter changed the line structure, do without. */
		if (rc == 0 && d.orig.n != d.lines.n)
			nb_lines_free(&d.orig);
	} else {
		rc = to_lines(d.kind, text, textlen, &d.lines, &flat);
	}
	if (rc < 0)
		goto done;
	rc = run(&d, flat);
done:
	free(text);
	free(simple);
	nb_doc_release(&d);
	if (rc < 0) {
		nb_report_free(d.r);
		return rc;
	}
	*out = d.r;
	return 0;
}

void nb_doc_release(nb_doc *d)
{
	nb_lines_free(&d->lines);
	nb_lines_free(&d->orig);
	for (size_t i = 0; i < d->nspans; i++) {
		free(d->spans[i].heading);
		free(d->spans[i].name);
	}
	free(d->spans);
	d->spans = NULL;
	d->nspans = 0;
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void nb_report_free(nb_report *r)
{
	if (!r)
		return;
	free(r->agency);
	free(r->agency_as_printed);
	free(r->agency_source);
	free(r->title);
	free(r->encoding);
	free(r->text);
	free(r->preamble);
	/* a section's name and heading are in the arena (sections.c) */
	for (size_t i = 0; i < r->nsections; i++)
		free(r->sections[i].text);
	free(r->sections);
	/* a table's strings, columns, rows and cells are in the arena
	 * (certainty.c) */
	free(r->tables);
	free_strv(r->warnings, r->nwarnings);
	free_strv(r->notes, r->nnotes);
	free(r->checks);	/* their strings are in the arena (checks.c) */
	nb_arena_free(r->arena);
	free(r);
}
