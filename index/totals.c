/*
 * totals.c — the figures of a build's summary and of statfs: counted once
 * when the index is built and kept in info, so that an index found current,
 * and a mount, need not count them again (a scan of the largest tables).
 */
#include <errno.h>

#include "index.h"
#include "ix.h"
#include "store.h"

int ix_totals_count(sqlite3 *db, nb_build_stats *s)
{
	bool a, b, c;
	s->reports = (unsigned)ix_query_int(db, "SELECT count(*) FROM stored_report", &a);
	s->warned = (unsigned)ix_query_int(db, "SELECT count(DISTINCT report)"
					" FROM warning", &b);
	s->failed_checks = (unsigned)ix_checks_failed(db, &c);
	return a && b && c ? 0 : -EIO;
}

int ix_totals_save(sqlite3 *db, const nb_build_stats *s, FILE *err)
{
	nb_buf sql = {0};
	/* the node table read once, not once a figure: the end of a build
	 * runs alone */
	nb_buf_printf(&sql, "INSERT INTO info(key, value) VALUES"
		      " ('reports', %u), ('warned', %u), ('failed_checks', %u);"
		      "WITH t AS MATERIALIZED (SELECT count(*) AS nodes,"
		      " coalesce(sum(size), 0) AS bytes,"
		      " coalesce(sum(coalesce(size_unix, size)), 0) AS unix"
		      " FROM node)"
		      " INSERT INTO info(key, value)"
		      " SELECT 'nodes', nodes FROM t UNION ALL"
		      " SELECT 'bytes', bytes FROM t UNION ALL"
		      " SELECT 'bytes_unix', unix FROM t;",
		      s->reports, s->warned, s->failed_checks);
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
