/*
 * treekeep.h — the reports of the tree phase (tree.c), and what of the old
 * index stays when a refresh writes the tree again (treekeep.c).
 */
#ifndef IX_TREEKEEP_H
#define IX_TREEKEEP_H

#include "ix.h"

/* A report as the tree phase lays it out. */
typedef struct {
	int64_t id;
	int year;
	int64_t mtime_ns;
	char *agency_dir;
	char *year_dir;
	bool named;		/* the row holds these names already */
	bool unchanged;		/* its nodes stay from the old index */
	bool parsed;		/* its record is in the spill file */
	/* the first report of an agency: the agency's newest mtime and its
	 * number of reports, for the agency directory's node */
	bool first;
	bool agency_kept;	/* its agency directory's node stays */
	int64_t agency_mtime;
	size_t agency_reports;
} ix_rep;

/* The end of the run of v[i]'s agency in v[0..n) (sorted by agency). */
size_t ix_agency_end(const ix_rep *v, size_t n, size_t i);

/* The checks across years of every agency of v[0..n) (sorted by agency
 * and year, named) whose reports are not the same as in the old index
 * (attached to db when old), those of its kept reports forgotten first.
 * 0, -ENOMEM or -EIO (said on err). */
int ix_tree_cross_years(sqlite3 *db, FILE *err, bool old, ix_rep *v,
			size_t n);
/* Makes temp.unchanged, of the reports whose files are as in the old
 * index (each marked unchanged), marks the reports of agencies whose
 * directory stays (agency_kept), and deletes the old nodes that do not
 * stay from a refresh's copy.  Without an old index temp.unchanged is
 * empty.  0, -ENOMEM or -EIO (said on err). */
int ix_tree_find_kept(sqlite3 *db, FILE *err, bool old, ix_rep *v, size_t n);

#endif
