/*
 * flat.h — flattened pages: a crawler's header lines, then the whole article
 * on one line, table cells run together without separators
 * (…申请数量801000081).  What the core's files share about them:
 *
 *   digit_split.c  a run of digits cut into a row's cells, only where one
 *                  reading fits the row's rules
 *   flatten.c      a flattened article found and cut back into lines
 *   flat_tables.c  the official tables read from those lines by their labels
 */
#ifndef NB_FLAT_H
#define NB_FLAT_H

#include "internal.h"

/* Table 4 prints its 15 numbers as one run: the widest row we split. */
#define NB_SPLIT_MAXCOLS 15
/* A cell as written: sign, digits, one decimal point. */
#define NB_SPLIT_CELL 32

/* Cells parts (a bit per column) add up to the cell of column total. */
typedef struct {
	uint32_t parts;
	unsigned total;
} nb_split_sum;

/* What a row's template guarantees about its cells. */
typedef struct {
	size_t ncols;
	int sign_col;		/* the column a + or - may open (本年增/减), or -1 */
	uint32_t decimal_cols;	/* columns that may hold a decimal point (money) */
	size_t nsums;
	nb_split_sum sums[3];
} nb_split_rule;

/* One reading of a run: each column's value, written plainly. */
typedef struct {
	char cell[NB_SPLIT_MAXCOLS][NB_SPLIT_CELL];
} nb_split;

typedef enum {
	NB_SPLIT_NONE = 0,	/* no reading fits the rules */
	NB_SPLIT_ONE,		/* exactly one reading fits: out[0] */
	NB_SPLIT_MANY,		/* more than one fits (or too many to try) */
} nb_split_status;

/*
 * Cuts the run run[0..n) — ASCII or fullwidth digits, '.', ASCII ',', a
 * sign, spaces and units (always a cell boundary) — into rule->ncols
 * cells.  next_enum,
 * when > 0, is the enumeration of the label that follows the run ("2." of
 * 2.没有现成…): a trailing "2." or "2、" is that label's, not a value's.
 * Cells have no leading zeros (a lone 0 is fine), commas only between
 * groups of three digits, a sign only at the start of rule->sign_col, a
 * decimal point only inside a decimal column, and the sums hold.  Up to cap readings are written to out (out may be NULL when
 * cap is 0); *count receives how many were found before the search could
 * tell (it stops at max(cap, 1) + 1).
 */
/* The bytes of a unit a number may carry (万元, 元, 件, …) at s, or 0.  In
 * a run a unit between two numbers is a cell boundary: 10件322.89. */
size_t nb_split_unit(const char *s, size_t n);

nb_split_status nb_split_run(const char *run, size_t n, unsigned next_enum,
			     const nb_split_rule *rule, nb_split *out, size_t cap,
			     size_t *count);

/*
 * flatten.c: when a line of ls holds a whole article (several section
 * headings inline), replaces it by lines: each section heading on its own,
 * prose cut at the crawler's block boundaries, and each table row's label
 * and numbers on a line of their own.  *flat says whether it did.
 * 0 or -ENOMEM (ls unchanged).
 */
int nb_flat_split(nb_lines *ls, bool *flat);
/*
 * flat_unwrap.c: ls with every block of hard-wrapped lines (all of one
 * width but a last shorter one) joined back into the one line it was cut
 * from; *joined says whether any was.  0 or -ENOMEM (out empty).
 */
int nb_flat_unwrap(const nb_lines *ls, nb_lines *out, bool *joined);
/* A character a run of numbers may hold after its first digit: digits, a
 * decimal point, a thousands comma, a sign, a space, the 、 or . of the
 * next label's number. */
bool nb_flat_run_char(uint32_t cp);

/* ---- flat_rows.c --------------------------------------------------------- */

/* A printed row: label text, then a run of numbers (offsets into the
 * region's text). */
typedef struct {
	size_t label, nlabel;
	size_t run, nrun;
	nb_unit unit;		/* 元 or 万元 printed right after the run */
} nb_flat_row;

typedef struct {
	nb_buf text;		/* the table's pieces joined as printed */
	nb_flat_row *v;
	size_t n;
	nb_rows rs;		/* the same rows, a label and one value each */
} nb_flat_region;

/* The flattened table of section canonical (2, 3, 4): its pieces joined
 * and marked as the table's, read into printed rows.  g->n is 0 when the
 * section has none.  0 or -ENOMEM; free g either way. */
int nb_flat_region_read(nb_doc *d, int canonical, nb_flat_region *g);
void nb_flat_region_free(nb_flat_region *g);

/*
 * flat_tables.c: the official tables of a flattened article, in place of
 * nb_find_tables: rows found by their labels, numbers split by
 * nb_split_run, every cell certain or empty with a warning.
 */
int nb_flat_tables(nb_doc *d);

#endif
