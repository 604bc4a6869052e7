/*
 * leftout.c — the files a build leaves out of the index (unreadable, or
 * read and found to be no report): why, in words, each said once on the
 * build's stream and counted in its figures; and the report of an index
 * found current, which names its left-out files again without a build.
 */
#include <errno.h>
#include <string.h>

#include "index.h"
#include "ix.h"

/* Why a file is not in the index: rc from reading it, or from the parser. */
static const char *reason(int rc)
{
	switch (rc) {
	case NB_UNDECODABLE:
		return "the bytes are in no encoding nianbaofs reads "
		       "(UTF-8, GB18030, UTF-16, up to 1 % stray bytes)";
	case NB_NOT_A_REPORT:
		return "not an annual report (no agency, year or section found); skipped";
	case NB_TOO_LARGE:
		return "larger than 64 MiB, not a report";
	case NB_NOT_REGULAR_FILE:
		return "not a regular file (a FIFO, device or socket); not read";
	case NB_OUTSIDE_RAWDIR:
		return "leads out of RAWDIR (a symbolic link); not read";
	default:
		return strerror(-rc);
	}
}

void ix_left_out(FILE *err, const char *rawdir, const char *rel, int status,
		 const char *error, nb_build_stats *s)
{
	ix_say(err, "%s/%s: %s", rawdir, rel,
	       status || !error ? reason(status) : error);
	if (status == NB_NOT_A_REPORT)
		s->not_reports++;
	else
		s->unreadable++;
}

int ix_report_current(const char *dbpath, const char *rawdir,
		      const ix_old_index *o, FILE *err, nb_build_stats *s)
{
	for (size_t i = 0; i < o->n; i++) {
		if (o->v[i].error)
			ix_left_out(err, rawdir, o->v[i].path, o->v[i].status,
				    o->v[i].error, s);
		else
			s->reused++;
	}
	sqlite3 *db;
	int rc = -EIO;
	if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK)
		rc = ix_totals_load(db, s);
	if (rc)
		ix_say(err, "%s: %s", dbpath, sqlite3_errmsg(db));
	sqlite3_close(db);
	s->unchanged = true;
	return rc;
}
