/*
 * score.h — scoring parsed reports against the fixture corpus's
 * expectations (score.c), tallied by shape or by transform: for the
 * accuracy tool.
 */
#ifndef NB_SCORE_H
#define NB_SCORE_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "nianbao.h"

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

/* The tally of shape (a transform's name), made the first time.  NULL
 * when out of memory. */
tally *score_tally(score *s, const char *shape);
/* A mismatch of the corpus: counted, and printed when verbose. */
void score_mismatch(score *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Scores r (NULL: the parse failed) against expectation x into t: every
 * expected cell, and the facts, sections, warnings, checks and tables.
 * 0, or -ENOMEM. */
int score_report(score *s, tally *t, const cJSON *x, const nb_report *r);
/* The same under a transform: the cells, the agency and the year. */
void score_transformed(score *s, tally *t, const cJSON *x, const nb_report *r);

#endif
