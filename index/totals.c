/*
 * totals.c — the figures of a build's summary and of statfs: counted once
 * when the index is built and kept in info, so that an index found current,
 * and a mount, need not count them again (a scan of the largest tables).
 * The count reads only, so the build runs it beside the writer's last
 * step (readers.c); the writer saves what it found.
 */
#include <errno.h>

#include "index.h"
#include "ix.h"
#include "store.h"

int ix_totals_count(sqlite3 *db, FILE *err, nb_build_stats *s,
		    ix_node_totals *n)
{
	bool a, b, c;
	s->reports = (unsigned)ix_query_int(db, "SELECT count(*) FROM stored_report", &a);
	s->warned = (unsigned)ix_query_int(db, "SELECT count(DISTINCT report)"
					" FROM warning", &b);
	s->failed_checks = (unsigned)ix_checks_failed(db, &c);
	sqlite3_stmt *st = NULL;
	/* the node table read once, not once a figure */
	if (!a || !b || !c ||
	    sqlite3_prepare_v2(db, "SELECT count(*), coalesce(sum(size), 0),"
			       " coalesce(sum(coalesce(size_unix, size)), 0)"
			       " FROM node", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		ix_say_db(err, db);
		sqlite3_finalize(st);
		return -EIO;
	}
	*n = (ix_node_totals){sqlite3_column_int64(st, 0),
			      sqlite3_column_int64(st, 1),
			      sqlite3_column_int64(st, 2)};
	sqlite3_finalize(st);
	return 0;
}

int ix_totals_save(sqlite3 *db, const nb_build_stats *s,
		   const ix_node_totals *n, FILE *err)
{
	nb_buf sql = {0};
	nb_buf_printf(&sql, "INSERT INTO info(key, value) VALUES"
		      " ('reports', %u), ('warned', %u), ('failed_checks', %u),"
		      " ('nodes', %lld), ('bytes', %lld), ('bytes_unix', %lld);",
		      s->reports, s->warned, s->failed_checks,
		      (long long)n->nodes, (long long)n->bytes,
		      (long long)n->bytes_unix);
	int rc = sql.oom ? -ENOMEM : ix_exec(db, sql.s, err);
	nb_buf_free(&sql);
	return rc;
}

int ix_totals_load(sqlite3 *db, nb_build_stats *s)
{
	bool a, b, c;
	s->reports = (unsigned)ix_query_int(db, "SELECT value FROM info"
					 " WHERE key = 'reports'", &a);
	s->warned = (unsigned)ix_query_int(db, "SELECT value FROM info"
					" WHERE key = 'warned'", &b);
	s->failed_checks = (unsigned)ix_query_int(db, "SELECT value FROM info"
					       " WHERE key = 'failed_checks'", &c);
	return a && b && c ? 0 : -EIO;
}
