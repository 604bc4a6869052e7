/*
 * current.c — whether an index can be served before it is brought up to
 * date: one of this schema, written by this parser version, whole.
 *
 * A mount of a big RAWDIR would otherwise wait for a walk of every raw
 * file and a check of every page of the index before its first answer;
 * with an index this program would keep as it is (build.c reuses every
 * row of it), the mount serves it at once and the walk follows in the
 * background.  This looks at a few pages only: the header, the schema and
 * the info table.
 */
#include <string.h>
#include <sys/stat.h>

#include "index.h"
#include "ix.h"

bool nb_index_current(const char *dbpath)
{
	struct stat st;
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	bool ok = false;

	if (stat(dbpath, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
		return false;
	if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		goto out;
	/* A file shorter than its pages was cut short (the build that
	 * follows in the background checks every page of an index written
	 * since its seal: oldindex.c). */
	if (sqlite3_prepare_v2(db, "SELECT"
			       " (SELECT user_version FROM pragma_user_version),"
			       " (SELECT value FROM info WHERE key = 'parser_version'),"
			       " (SELECT value FROM info WHERE key = 'nodes'),"
			       " (SELECT page_count FROM pragma_page_count)"
			       " * (SELECT page_size FROM pragma_page_size)",
			       -1, &q, NULL) != SQLITE_OK ||
	    sqlite3_step(q) != SQLITE_ROW)
		goto out;
	const char *v = (const char *)sqlite3_column_text(q, 1);
	ok = sqlite3_column_int(q, 0) == IX_SCHEMA_VERSION &&
	     v && !strcmp(v, NB_VERSION) &&
	     sqlite3_column_type(q, 2) != SQLITE_NULL &&
	     sqlite3_column_int64(q, 3) == (sqlite3_int64)st.st_size;
out:
	sqlite3_finalize(q);
	sqlite3_close(db);
	return ok;
}
