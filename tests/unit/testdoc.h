/*
 * testdoc.h — a parse in progress (nb_doc) made from our own text, for unit
 * tests that run one step of the pipeline at a time.  Only blank lines are
 * marked: the step under test sees no chrome or page-number flags.
 */
#ifndef NB_TESTDOC_H
#define NB_TESTDOC_H

#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* traditional, when given, is the same text before Traditional ->
 * Simplified (the lines' original spelling). */
static nb_doc *testdoc_new(const char *text, const char *traditional)
{
	nb_doc *d = calloc(1, sizeof *d);

	assert_non_null(d);
	d->name = "test.txt";
	assert_int_equal(nb_tkeys_new(&d->tkeys), 0);
	d->r = calloc(1, sizeof *d->r);
	assert_non_null(d->r);
	assert_int_equal(nb_split_lines(text, strlen(text), &d->lines), 0);
	if (traditional) {
		assert_int_equal(nb_split_lines(traditional, strlen(traditional), &d->orig), 0);
		assert_int_equal(d->orig.n, d->lines.n);
	}
	for (size_t i = 0; i < d->lines.n; i++) {
		size_t s, e;
		nb_trim(d->lines.v[i].text, d->lines.v[i].len, &s, &e);
		if (s == e)
			d->lines.v[i].flags |= NB_LF_BLANK;
	}
	return d;
}

static void testdoc_free(nb_doc *d)
{
	nb_doc_release(d);
	nb_report_free(d->r);
	nb_tkeys_free(d->tkeys);
	free(d);
}

#endif
