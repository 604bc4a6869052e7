/*
 * tables.h — what the files that read the official tables share: matching
 * printed rows to template rows (table_align.c), finding a table's lines
 * (table_region.c), building a table through the certainty stage
 * (table_build.c), and the readers of tables 2, 3 and 4 (table_active.c,
 * table_requests.c, table_appeals.c) that tables.c drives.
 */
#ifndef NB_TABLES_H
#define NB_TABLES_H

#include "internal.h"

/* ---- table_align.c ------------------------------------------------------ */

#define NB_MAXKEY 64

/* A template row's matching keys, each key's code points as a set
 * (nb_key_bits), and each key prepared for the fuzzy search. */
typedef struct {
	uint32_t key[NB_MAXKEY], alt[NB_MAXKEY];
	size_t nkey, nalt;
	uint64_t key_bits, alt_bits;
	/* the most of each key's characters a text may lack (nb_fuzzy_absent)
	 * with the key still able to reach its threshold */
	size_t key_absent, alt_absent;
	nb_fuzzy_key fkey, falt;
} nb_tkey;

void nb_tkey_make(const nb_trow *t, nb_tkey *k);

/* tkeys.c: the keys of template t's rows (t->nrows of them), made the
 * first time they are asked for and kept with the parser (nb_doc.tkeys);
 * NULL when out of memory. */
const nb_tkey *nb_tkeys_of(nb_tkeys *c, const nb_template *t);
/* tkeys.c: the scores of a printed label text[0..n) (its set, bits)
 * against each of template t's rows, kept with the parser: *fresh true
 * when they are not known yet, and the caller fills the t->nrows scores.
 * Valid until the next call for t; NULL when out of memory. */
double *nb_tkeys_scores(nb_tkeys *c, const nb_template *t,
			const uint32_t *text, size_t n, uint64_t bits,
			bool *fresh);
/* How much of a match a key of this length needs: short keys must appear
 * whole, longer ones may carry typos. */
double nb_key_threshold(size_t nkey);
/* Score of printed row r as a template row; -1 when it is no match.
 * *alt (when given) is set when the template's other wording matched
 * better. */
double nb_row_score(const nb_orow *r, const nb_tkey *k, bool *alt);

typedef struct {
	int *assign;		/* per template row: printed row index or -1 */
	bool *by_order;		/* placed by order, not by label */
	bool *alt;		/* matched the template's other wording */
	bool *approx;		/* matched only approximately (a typo, an OCR
				   slip): the label does not make the row certain */
	size_t placed;		/* template rows given a printed row */
	size_t fitting;		/* of them, rows with the right number of values */
	double score;
} nb_align;

/*
 * Aligns the printed rows obs[0..nobs) with the template's rows: the
 * monotonic matching of greatest total score, then the order-fill of gaps
 * whose sizes agree.  0 or -ENOMEM.
 */
int nb_align_rows(nb_tkeys *tk, const nb_rows *rs, const size_t *obs, size_t nobs,
		  const nb_template *t, nb_align *out);
/* An alignment of m template rows, none placed.  0 or -ENOMEM. */
int nb_align_alloc(nb_align *a, size_t m);
void nb_align_free(nb_align *a);

/* ---- table_region.c ----------------------------------------------------- */

/* Whether the matching key of s[0..n) contains what's whole. */
bool nb_key_has(const char *s, size_t n, const char *what);
/* The first table-like line of [from, to) that holds one of anchors; to
 * when none does. */
size_t nb_table_start(const nb_doc *d, size_t from, size_t to, const char *const *anchors);
/* The end of a table whose rows end before line end: label fragments a PDF
 * left behind still belong to it, the first sentence does not. */
size_t nb_table_end(const nb_doc *d, size_t end, size_t limit);
/* One past the last line of the rows used[0..nused), at least start. */
size_t nb_rows_end(const nb_rows *rs, const size_t *used, size_t nused, size_t start);
/* Marks lines [start, end) as consumed by a table. */
void nb_table_mark(nb_doc *d, size_t start, size_t end);
/* Warns that section sp holds no table what (naming an image if one is). */
int nb_table_missing(nb_doc *d, const nb_span *sp, const char *what);

/* ---- table_build.c ------------------------------------------------------ */

/*
 * Builds the table of template t from alignment a through the certainty
 * stage; rows extra[0..nextra) are printed rows of the right width that
 * matched nothing, kept under their printed label.  header_unit: the unit
 * the money column's header names.  how: how every placed row's values are
 * known, or 0 to tell it per row (a row placed by order; the cells of one
 * line; values in reading order).
 */
int nb_table_build(nb_doc *d, const nb_template *t, const nb_rows *rs, const nb_align *a,
		   nb_unit header_unit, const size_t *extra, size_t nextra, nb_place how);
/* The table of t with every cell empty and no per-row warning, for a table
 * whose numbers were found but could not be placed. */
int nb_table_empty(nb_doc *d, const nb_template *t);

/* ---- the three tables ------------------------------------------------ */

int nb_find_active(nb_doc *d, const nb_span *sp, nb_format fallback);	/* table 2 */
int nb_find_requests(nb_doc *d, const nb_span *sp);			/* table 3 */
int nb_find_appeals(nb_doc *d, const nb_span *sp, nb_format fmt);	/* table 4 */

/*
 * table_appeals_order.c: table 4 from the printed rows obs[0..nobs) of rs
 * when reading order moved its fifteen values: built when one arrangement
 * of the runs alone satisfies the group totals, the order and the header
 * names, else built empty with a warning saying so; *done says whether it
 * built the table (not when the values are not fifteen whole numbers).
 * 0 or -ENOMEM.
 */
int nb_appeals_reorder(nb_doc *d, const nb_template *t, const nb_rows *rs, const size_t *obs,
		       size_t nobs, bool *done);

#endif
