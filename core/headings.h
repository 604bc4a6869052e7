/*
 * headings.h — section headings (headings.c) as sections.c sees them.  Only
 * those two files include it.
 */
#ifndef NB_HEADINGS_H
#define NB_HEADINGS_H

#include "internal.h"

/*
 * Whether line l opens with a section heading; its number (1 … 20), or 0.
 * The name is l->text[*na, *ne) (empty for a lone numeral); when there is
 * a heading, *canon and *score are the name's nb_heading_classify (min 0).
 */
int nb_heading_at(const nb_fuzzy_key *hk, const nb_line *l, size_t *na, size_t *ne,
		  int *canon, double *score);
/* The standard section (1 … 6) a heading's name reads as, or 0; *score is
 * how well it matched (0 … 1).  hk: the wordings prepared
 * (nb_tkeys_headings), as for nb_heading_at.  Wordings that cannot reach
 * min are not searched: the answer is exact when *score is min or more
 * (always, for min 0); below, *score is only known to be below min. */
int nb_heading_classify(const nb_fuzzy_key *hk, const char *name, size_t len, double min,
			double *score);
/* Whether a short line can be the rest of a heading split over two lines. */
bool nb_heading_continues(const char *s, size_t n);

#endif
