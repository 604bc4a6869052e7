/*
 * treekeep.c — what of the old index stays when a refresh writes the tree
 * again (tree.c): the checks across years of agencies whose reports are
 * the same, the nodes of unchanged reports, and those of agencies whose
 * reports are all unchanged.  A refresh starts from a copy of the old
 * index (carryover.c), so what stays is what is not deleted; the old
 * index is attached as "old" all the same, to compare with.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "treekeep.h"
#include "trend.h"

static int db_error(sqlite3 *db, FILE *err)
{
	ix_say_db(err, db);
	return -EIO;
}

/* The reports whose files, and records in _all, are as in the old index
 * (attached as "old"): reused unparsed, with the same source path (a
 * renamed report's meta.json names its new path), the same directories
 * and the same cross-year checks (which change with the report of the
 * year before).  Their nodes stay, not rendered again; dataset.c copies
 * their chunks.  The checks are compared packed: a reused report
 * keeps its own checks, so its checks across years have the same places
 * (seq) in both indexes, and crossyear.c packs the same checks into the
 * same text with the same str ids, which a refresh keeps.  Compared as
 * check_result's rows they took 18 % of a one-file refresh at 10,000
 * reports (perf record). */
static const char unchanged_sql[] =
	"INSERT INTO temp.unchanged SELECT r.id FROM main.stored_report r"
	" JOIN old.stored_report o ON o.id = r.id"
	" WHERE r.id IN (SELECT id FROM temp.reuse)"
	" AND o.agency_dir IS r.agency_dir AND o.year_dir IS r.year_dir"
	" AND (SELECT path FROM main.source WHERE id = r.id)"
	"  IS (SELECT path FROM old.source WHERE id = o.id)"
	" AND (SELECT cross FROM main.check_list WHERE report = r.id)"
	"  IS (SELECT cross FROM old.check_list WHERE report = o.id);";

/* A refresh's copy of the old index (carryover.c) holds the old nodes.
 * Those of unchanged reports stay (the year directory and everything
 * below, numbers and all; a directory keeps its number by path, so the
 * agency directory they hang from has the old number), and so do the
 * directory and 趋势.csv of an agency whose reports are all unchanged and
 * as many as before (temp.kept_dir: the old directories' numbers).  The
 * others go before the tree goes in: a one-file refresh then deletes and
 * inserts the nodes of a few reports and of one agency, not those of
 * every agency (13,600 at 10,000 reports, whose refresh went from 2.1 to
 * 1.5 s). */
static const char prune_nodes_sql[] =
	"DELETE FROM main.node WHERE CASE WHEN report IS NULL"
	" THEN NOT (parent = ?1 AND ino IN (SELECT ino FROM temp.kept_dir)"
	"  OR parent IN (SELECT ino FROM temp.kept_dir) AND name = ?2)"
	" ELSE report NOT IN (SELECT id FROM temp.unchanged) END;";

/* An agency directory's number and nlink (2 + its reports) in the old
 * index. */
static const char old_agency_sql[] =
	"SELECT ino, nlink FROM old.node WHERE parent = ? AND name = ?";

size_t ix_agency_end(const ix_rep *v, size_t n, size_t i)
{
	size_t j = i;
	while (j < n && !strcmp(v[j].agency_dir, v[i].agency_dir))
		j++;
	return j;
}

/* The year directories (with their reports) of the old index's agency
 * directory. */
static const char old_years_sql[] =
	"SELECT report, name FROM old.node WHERE parent = ? AND is_dir"
	" AND report IS NOT NULL";

/* Whether the agency of reports v[0..n), all kept from the old index, has
 * there the same reports in the same year directories: then each keeps
 * its checks across years, made with the first report of the year before
 * (ix_cross_year), which is the same with the same tables.  At 100,000
 * reports the checks of every agency made again were 15 % of a one-file
 * refresh (perf record). */
static int same_years(sqlite3 *db, FILE *err, sqlite3_stmt *old_dir,
		      sqlite3_stmt *old_years, const ix_rep *v, size_t n,
		      bool *same)
{
	*same = false;
	for (size_t i = 0; i < n; i++)
		if (v[i].parsed)
			return 0;
	sqlite3_bind_int64(old_dir, 1, NB_ROOT_INO);
	sqlite3_bind_text(old_dir, 2, v->agency_dir, -1, SQLITE_STATIC);
	int step = sqlite3_step(old_dir);
	int64_t ino = step == SQLITE_ROW ? sqlite3_column_int64(old_dir, 0) : 0;
	sqlite3_reset(old_dir);
	if (step != SQLITE_ROW)
		return step == SQLITE_DONE ? 0 : db_error(db, err);
	size_t found = 0;
	bool matched = true;
	sqlite3_bind_int64(old_years, 1, ino);
	while (matched && (step = sqlite3_step(old_years)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(old_years, 0);
		const char *name = (const char *)sqlite3_column_text(old_years, 1);
		size_t i = 0;
		while (i < n && v[i].id != id)
			i++;
		matched = i < n && name && !strcmp(v[i].year_dir, name);
		found++;
	}
	sqlite3_reset(old_years);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return db_error(db, err);
	*same = matched && found == n;
	return 0;
}

int ix_tree_cross_years(sqlite3 *db, FILE *err, bool old, ix_rep *v,
			size_t n)
{
	ix_cross *x;
	sqlite3_stmt *old_dir = NULL, *old_years = NULL;
	int rc = ix_cross_new(db, err, &x);
	if (rc)
		return rc;
	if (old &&
	    (sqlite3_prepare_v2(db, old_agency_sql, -1, &old_dir, NULL) !=
	     SQLITE_OK ||
	     sqlite3_prepare_v2(db, old_years_sql, -1, &old_years, NULL) !=
	     SQLITE_OK))
		rc = db_error(db, err);
	ix_yearly *y = malloc((n + 1) * sizeof *y);
	if (!y && !rc)
		rc = -ENOMEM;
	for (size_t i = 0; i < n && !rc;) {
		size_t j = ix_agency_end(v, n, i);
		bool same = false;
		if (old)
			rc = same_years(db, err, old_dir, old_years, v + i, j - i,
					&same);
		for (size_t k = i; k < j && !rc && !same; k++) {
			y[k - i] = (ix_yearly){v[k].id, v[k].year};
			if (!v[k].parsed)
				rc = ix_cross_forget(x, v[k].id);
		}
		if (!rc && !same)
			rc = ix_cross_year(x, y, j - i);
		i = j;
	}
	free(y);
	sqlite3_finalize(old_dir);
	sqlite3_finalize(old_years);
	ix_cross_free(x);
	return rc;
}

/* Which reports are unchanged (none without an old index). */
static int find_unchanged(sqlite3 *db, FILE *err, ix_rep *v, size_t n)
{
	sqlite3_stmt *st;
	int rc = ix_exec(db, unchanged_sql, err);
	if (rc)
		return rc;
	if (sqlite3_prepare_v2(db, "SELECT id FROM temp.unchanged WHERE id = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return db_error(db, err);
	for (size_t i = 0; i < n && !rc; i++) {
		sqlite3_bind_int64(st, 1, v[i].id);
		int step = sqlite3_step(st);
		if (step == SQLITE_ROW)
			v[i].unchanged = true;
		else if (step != SQLITE_DONE)
			rc = db_error(db, err);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Whether the agency of reports v[0..n) keeps its directory's node: then
 * each says so, and its old number goes in temp.kept_dir. */
static int keep_agency(sqlite3 *db, FILE *err, sqlite3_stmt *old_dir,
		       sqlite3_stmt *keep, ix_rep *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!v[i].unchanged)
			return 0;
	sqlite3_bind_int64(old_dir, 1, NB_ROOT_INO);
	sqlite3_bind_text(old_dir, 2, v->agency_dir, -1, SQLITE_STATIC);
	int step = sqlite3_step(old_dir);
	int64_t ino = step == SQLITE_ROW ? sqlite3_column_int64(old_dir, 0) : 0;
	bool kept = step == SQLITE_ROW &&
		sqlite3_column_int64(old_dir, 1) == 2 + (int64_t)n;
	sqlite3_reset(old_dir);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return db_error(db, err);
	if (!kept)
		return 0;
	for (size_t i = 0; i < n; i++)
		v[i].agency_kept = true;
	sqlite3_bind_int64(keep, 1, ino);
	step = sqlite3_step(keep);
	sqlite3_reset(keep);
	return step == SQLITE_DONE ? 0 : db_error(db, err);
}

/* The old nodes that stay in a refresh's copy (prune_nodes_sql); the
 * others deleted. */
static int prune_nodes(sqlite3 *db, FILE *err, ix_rep *v, size_t n)
{
	sqlite3_stmt *old_dir = NULL, *keep = NULL, *prune = NULL;
	int rc = ix_exec(db, "CREATE TEMP TABLE kept_dir("
			 "ino INTEGER PRIMARY KEY);", err);
	if (!rc &&
	    (sqlite3_prepare_v2(db, old_agency_sql, -1, &old_dir, NULL) !=
	     SQLITE_OK ||
	     sqlite3_prepare_v2(db, "INSERT INTO temp.kept_dir VALUES(?)",
				-1, &keep, NULL) != SQLITE_OK ||
	     sqlite3_prepare_v2(db, prune_nodes_sql, -1, &prune, NULL) !=
	     SQLITE_OK))
		rc = db_error(db, err);
	for (size_t i = 0; i < n && !rc;) {
		size_t j = ix_agency_end(v, n, i);
		rc = keep_agency(db, err, old_dir, keep, v + i, j - i);
		i = j;
	}
	if (!rc) {
		sqlite3_bind_int64(prune, 1, NB_ROOT_INO);
		sqlite3_bind_text(prune, 2, IX_TREND_NAME, -1, SQLITE_STATIC);
		if (sqlite3_step(prune) != SQLITE_DONE)
			rc = db_error(db, err);
	}
	sqlite3_finalize(old_dir);
	sqlite3_finalize(keep);
	sqlite3_finalize(prune);
	return rc;
}

int ix_tree_find_kept(sqlite3 *db, FILE *err, bool old, ix_rep *v, size_t n)
{
	int rc = ix_exec(db, "CREATE TEMP TABLE unchanged("
			 "id INTEGER PRIMARY KEY);", err);
	if (!rc && old)
		rc = find_unchanged(db, err, v, n);
	if (!rc && old)
		rc = prune_nodes(db, err, v, n);
	return rc;
}
