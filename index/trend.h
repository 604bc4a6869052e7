/*
 * trend.h — 趋势.csv's rendering (trend.c) as the build (trendbuild.c)
 * uses it: from columns made of tables already loaded, or read from the
 * index, their figures read by figures.c.  Kept apart from dataset.h:
 * only these three need it.
 */
#ifndef IX_TREND_H
#define IX_TREND_H

#include "dataset.h"
#include "tnode.h"

#define IX_TREND_NAME "趋势.csv"

/* A report's column of the file. */
typedef struct {
	char *year_dir;
	ix_strv keys, values;	/* the report's figures, in its order */
	char *keys_block;	/* keys' strings (NULL: none, or an earlier
				   column's) */
	char *values_block;	/* values' strings */
	size_t hint;		/* where rendering looks next */
} ix_trend_column;

/* Sets c's keys (<table>/<row>/<column>) and values to report's figures,
 * in 趋势.csv's order, the first of a key only (c's figures empty before;
 * freed by ix_trend_columns_free even when this fails).  0, -ENOMEM or
 * -EIO. */
int ix_figures_read(ix_figures *f, int64_t report, ix_trend_column *c);
/* As ix_figures_read, from the report's tables as rows.c loaded them. */
int ix_figures_of(ix_figures *f, const ix_table *v, size_t n,
		  ix_trend_column *c);

/* A report of an agency. */
typedef struct {
	int64_t id;
	char *year_dir;
	bool unchanged;		/* copied from the old index (tree.c) */
} ix_trend_member;

/* As ix_trend_new, with messages on err.  0, -ENOMEM or -EIO. */
int ix_trend_open(sqlite3 *db, FILE *err, ix_trend **out);
/* The column of the report of year_dir whose tables are v (n), into *c
 * (freed by ix_trend_columns_free even when this fails).  0 or -ENOMEM. */
int ix_trend_column_of(ix_trend *t, const char *year_dir, const ix_table *v,
		       size_t n, ix_trend_column *c);
void ix_trend_columns_free(ix_trend_column *c, size_t n);
/* The file of the columns cols (n of them, in order) into f: f->data the
 * excel dialect, f->data_unix the unix one.  0 or -ENOMEM. */
int ix_trend_render_columns(ix_trend *t, ix_trend_column *cols, size_t n,
			    ix_tnode *f);
/* The file of the reports m (n of them, in order), each read from the
 * index.  0, -ENOMEM or -EIO. */
int ix_trend_render_members(ix_trend *t, const ix_trend_member *m, size_t n,
			    ix_tnode *f);

#endif
