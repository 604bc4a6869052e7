/*
 * carryover.c — a refresh starts from a copy of the index it replaces.
 *
 * The rows of the reports that did not change are most of a refresh's
 * index: 52 of the 103 MB at the 10,000 bench reports are report texts.
 * Copied row by row into a new file (INSERT ... SELECT from the old index
 * attached) they took 0.8 s of a 2.7 s one-file refresh, and committing
 * them 0.3 s more (perf record).  The file copied whole by the kernel
 * takes 0.03 s.  Here the copy is made ready for the build: what the build
 * makes again is emptied, and the rows of the reports it does not reuse
 * deleted; the build then goes on as from an empty index, the old one
 * attached all the same, except that what treekeep.c finds unchanged stays in
 * place: the nodes of unchanged reports and agencies (node's indexes and
 * all), and the checks across years of agencies whose reports are the
 * same.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "index.h"
#include "ix.h"

/* Copied at a time, between two looks at cancel (a gigabyte at 100,000
 * reports takes seconds); also the buffer of the plain copy, where the
 * kernel cannot copy between the two files itself. */
#define COPY_BUFFER (1 << 20)

/* Copies what remains of from into to with read and write. */
static int copy_plainly(int from, int to, off_t at, const atomic_int *cancel)
{
	char *buf = malloc(COPY_BUFFER);
	if (!buf)
		return -ENOMEM;
	int rc = 0;
	for (;;) {
		if (ix_cancelled(cancel)) {
			rc = NB_CANCELLED;
			break;
		}
		ssize_t n = pread(from, buf, COPY_BUFFER, at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -errno : 0;
			break;
		}
		for (ssize_t done = 0; done < n;) {
			ssize_t w = pwrite(to, buf + done, (size_t)(n - done),
					   at + done);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				rc = -errno;
				goto out;
			}
			done += w;
		}
		at += n;
	}
out:
	free(buf);
	return rc;
}

int ix_carry_copy(const char *dbpath, int to, FILE *err,
		  const atomic_int *cancel)
{
	int from = open(dbpath, O_RDONLY | O_CLOEXEC);
	if (from < 0) {
		int e = errno;
		ix_say(err, "%s: %s", dbpath, strerror(e));
		return -e;
	}
	int rc = 0;
	off_t at = 0;
	for (;;) {
		if (ix_cancelled(cancel)) {
			rc = NB_CANCELLED;
			break;
		}
		ssize_t n = copy_file_range(from, NULL, to, NULL, COPY_BUFFER, 0);
		if (n > 0) {
			at += n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		/* not between these two file systems, or not on this kernel */
		if (n < 0 && (errno == EXDEV || errno == EINVAL ||
			      errno == EOPNOTSUPP || errno == ENOSYS))
			rc = copy_plainly(from, to, at, cancel);
		else if (n < 0)
			rc = -errno;
		break;
	}
	if (rc && rc != NB_CANCELLED)
		ix_say(err, "%s: cannot copy the index to refresh it: %s",
		       dbpath, strerror(-rc));
	close(from);
	return rc;
}

/* Empties every table the build fills again: all but the report tables,
 * str, whose strings the reused rows name by id, and node, whose rows of
 * unchanged reports stay (treekeep.c deletes the others). */
static int empty_the_rest(sqlite3 *db, FILE *err)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT name FROM main.sqlite_schema"
			       " WHERE type = 'table' AND name NOT IN ('str', 'node')"
			       " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
			       -1, &st, NULL) != SQLITE_OK) {
		ix_say_db(err, db);
		return -EIO;
	}
	nb_buf sql = {0};
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		bool kept = false;
		for (size_t i = 0; ix_report_tables[i].name && !kept; i++)
			kept = !strcmp(t, ix_report_tables[i].name);
		if (!kept)
			nb_buf_printf(&sql, "DELETE FROM main.\"%s\";", t);
	}
	int rc = step == SQLITE_DONE ? 0 : -EIO;
	sqlite3_finalize(st);
	if (rc)
		ix_say_db(err, db);
	else if (sql.oom)
		rc = -ENOMEM;
	else if (sql.s)
		rc = ix_exec(db, sql.s, err);
	nb_buf_free(&sql);
	return rc;
}

int ix_carry_reset(sqlite3 *db, const char *rawdir, FILE *err)
{
	int rc = ix_exec(db, "BEGIN;", err);
	if (!rc)
		rc = empty_the_rest(db, err);
	if (!rc)
		rc = ix_schema_info(db, rawdir, err);
	if (!rc)
		rc = ix_exec(db, "COMMIT;", err);
	return rc;
}

int ix_carry_prune(sqlite3 *db, FILE *err)
{
	int rc = ix_exec(db, "CREATE TEMP TABLE dropped(id INTEGER PRIMARY KEY);"
			 "INSERT INTO temp.dropped SELECT id FROM main.stored_report"
			 " WHERE id NOT IN (SELECT id FROM temp.reuse);", err);
	for (size_t i = 0; ix_report_tables[i].name && !rc; i++) {
		const ix_report_table *t = &ix_report_tables[i];
		nb_buf sql = {0};
		nb_buf_printf(&sql, "DELETE FROM main.%s WHERE %s IN"
			      " (SELECT id FROM temp.dropped);", t->name, t->key);
		rc = sql.oom ? -ENOMEM : ix_exec(db, sql.s, err);
		nb_buf_free(&sql);
	}
	if (!rc)
		rc = ix_exec(db, "DROP TABLE temp.dropped;", err);
	return rc;
}
