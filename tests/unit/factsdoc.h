/*
 * factsdoc.h — a report's facts found from our own text, and what the
 * facts tests expect of them (test_facts.c, test_agency.c).
 */
#ifndef NB_FACTSDOC_H
#define NB_FACTSDOC_H

#include "facts.h"
#include "testdoc.h"

static nb_doc *facts_of(const char *text)
{
	nb_doc *d = testdoc_new(text, NULL);

	assert_int_equal(nb_find_facts(d), 0);
	return d;
}

static void expect_agency(const nb_doc *d, const char *agency, const char *printed,
			  const char *source)
{
	assert_non_null(d->r->agency);
	assert_string_equal(d->r->agency, agency);
	assert_string_equal(d->r->agency_as_printed, printed);
	assert_string_equal(d->r->agency_source, source);
}

static void expect_year(const nb_doc *d, int year, nb_year_rule rule)
{
	assert_int_equal(d->r->year, year);
	assert_int_equal(d->r->year_rule, rule);
}

#endif
