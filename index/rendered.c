/*
 * rendered.c — reading a file that the index does not store (node.part):
 * a report's file, from the report rendered from its rows (reptree.c), or
 * an agency's 趋势.csv (trend.c).
 *
 * Each connection keeps the last report it rendered, whole: FUSE reads a
 * file in 128 KiB pieces and a reader of one report's directory reads its
 * files one after another, so each report is rendered once per pass, and
 * the kernel's page cache (keep_cache) serves what is read again.  The
 * cache is checked against the node's size, so that a connection never
 * serves bytes of another size than the index gives.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ix.h"
#include "serve.h"

struct ix_rendered {
	ix_reptree *render;	/* prepared on the connection */
	int64_t report;		/* the report in year, or 0 */
	ix_tnode year;
	ix_trend *trend;	/* the same for 趋势.csv */
	int64_t agency;		/* the agency directory of trend_file, or 0 */
	ix_tnode trend_file;
};

void ix_rendered_free(ix_rendered *r)
{
	if (!r)
		return;
	ix_reptree_free(r->render);
	ix_tnode_free(&r->year);
	ix_trend_free(r->trend);
	ix_tnode_free(&r->trend_file);
	free(r);
}

/* The 趋势.csv of the agency directory agency, rendered now unless it is
 * the last one rendered. */
static int trend_of(ix_rendered *r, sqlite3 *db, int64_t agency, bool fresh,
		    const ix_tnode **out)
{
	int rc = 0;
	if (!r->trend && (rc = ix_trend_new(db, &r->trend)))
		return rc;
	if (fresh || r->agency != agency) {
		ix_tnode_free(&r->trend_file);
		r->trend_file = (ix_tnode){0};
		r->agency = 0;
		if ((rc = ix_trend_render(r->trend, agency, &r->trend_file)))
			return rc;
		r->agency = agency;
	}
	*out = &r->trend_file;
	return 0;
}

/* The file of rank part of report (or the trend of agency), rendered now
 * unless it is the last one rendered. */
static int file_of(ix_conn *c, int64_t report, int64_t part, int64_t agency,
		   bool fresh, const ix_tnode **out)
{
	ix_rendered *r = c->rendered;
	if (!r) {
		if (!(r = calloc(1, sizeof *r)))
			return -ENOMEM;
		c->rendered = r;
	}
	if (part == IX_PART_TREND)
		return trend_of(r, c->db, agency, fresh, out);
	int rc = 0;
	if (!r->render && (rc = ix_reptree_new(c->db, NULL, false, &r->render)))
		return rc;
	if (fresh || r->report != report) {
		ix_tnode_free(&r->year);
		r->year = (ix_tnode){0};
		r->report = 0;
		if ((rc = ix_reptree_render(r->render, report, &r->year)))
			return rc;
		r->report = report;
	}
	*out = ix_tnode_file(&r->year, part);
	return 0;
}

ssize_t ix_rendered_read(ix_conn *c, int64_t report, int64_t part,
			 int64_t parent, bool unix_dialect, uint64_t expect,
			 char *buf, size_t size, uint64_t off)
{
	const ix_tnode *f = NULL;
	const ix_buf *b = NULL;
	/* a second try renders again: the cached report may be another
	 * version's, if the file under the connection was replaced */
	for (int fresh = 0; fresh < 2; fresh++) {
		int rc = file_of(c, report, part, parent, fresh, &f);
		if (rc)
			return rc;
		b = f && unix_dialect && f->has_unix ? &f->data_unix :
			f ? &f->data : NULL;
		if (b && b->len == expect)
			break;
		b = NULL;
	}
	if (!b)
		return -EIO;
	if (off >= b->len)
		return 0;
	size_t n = b->len - off < size ? b->len - off : size;
	memcpy(buf, b->s + off, n);
	return (ssize_t)n;
}
