/*
 * ready.h — a parsed report made ready to store (ready.c), as store.c
 * reads it: only these two files see inside.  store.h has the functions.
 */
#ifndef IX_READY_H
#define IX_READY_H

#include "ix.h"
#include "store.h"

/* A part of the report's text (a section's, the preamble) as where it is
 * there, in bytes; off < 0: not there (stored itself), or no part. */
typedef struct {
	int64_t off, len;
} ix_place;

/* Where a row's packed cells are in ix_ready.cells; off SIZE_MAX: none. */
typedef struct {
	size_t off, len;
} ix_span;

struct ix_ready {
	nb_report *r;
	char *agency_dir, *year_dir;	/* the directories it most likely has */
	ix_place preamble;
	ix_place *heading, *text;	/* a section's, for each */
	size_t nrows;		/* of all its tables */
	nb_buf cells;		/* every row's cells packed, one after another */
	ix_span *row_cells;	/* for each row of each table, in order */
	nb_buf checks_key;	/* ix_checks_key's */
};

#endif
