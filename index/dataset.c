/*
 * dataset.c — the rows of the files of _all, stored once, as chunks: one
 * chunk per report and file, holding that report's records (LF line ends,
 * the unix dialect; chunks.c adds the CRs of the excel dialect on read).
 *
 *   reports.csv    one record per report
 *   checks.csv     one per failed consistency check, cross-year ones too
 *   warnings.csv   one per warning
 *   <table>.csv    every row of every report's table of that name
 *
 * A table's row fills its own columns of the file's union (allfiles.c)
 * and leaves the others empty.
 *
 * Incremental: a report unchanged since the old index (attached as "old"),
 * with the same directory names and the same cross-year checks, keeps its
 * chunks, copied as they are; only the chunks of new and changed reports
 * are rendered — and those of a table whose union of columns changed.
 * alltree.c then lays the chunks out and makes the nodes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ix.h"

enum {
	Q_HAS_OLD, Q_REPORTS, Q_INFO, Q_FAILED, Q_WARNINGS, Q_TABLES,
	Q_COLUMNS, Q_ROWS, Q_CELLS, Q_ADD_CHUNK, Q_COUNT
};

static const char *const sql[Q_COUNT] = {
	[Q_HAS_OLD] = "SELECT count(*) FROM pragma_database_list"
		" WHERE name = 'old'",
	[Q_REPORTS] = "SELECT id, id IN (SELECT id FROM temp.unchanged)"
		" FROM report ORDER BY id",
	[Q_INFO] = "SELECT r.agency, r.year, r.agency_dir, r.year_dir,"
		" r.title, r.published, r.format, s.path, r.encoding,"
		" (SELECT count(*) FROM warning w WHERE w.report = r.id),"
		" (SELECT count(*) FROM check_result c WHERE c.report = r.id"
		"  AND c.ok = 0)"
		" FROM report r JOIN source s ON s.id = r.id WHERE r.id = ?",
	[Q_FAILED] = "SELECT rule, subject, detail FROM check_result"
		" WHERE report = ? AND ok = 0 ORDER BY seq",
	[Q_WARNINGS] = "SELECT text FROM warning WHERE report = ? ORDER BY seq",
	[Q_TABLES] = "SELECT tbl_no, name, format FROM report_table"
		" WHERE report = ? AND name IS NOT NULL ORDER BY tbl_no",
	[Q_COLUMNS] = "SELECT header FROM table_column"
		" WHERE report = ? AND tbl_no = ? ORDER BY col_no",
	/* as the report's own CSV: the row's label, its printed numbers;
	 * two queries merged by row_no, each in its primary key's order (a
	 * LEFT JOIN of the two sorts every table's cells in a temporary
	 * B-tree) */
	[Q_ROWS] = "SELECT row_no, label FROM table_row"
		" WHERE report = ? AND tbl_no = ? ORDER BY row_no",
	[Q_CELLS] = "SELECT row_no, col_no, value FROM cell"
		" WHERE report = ? AND tbl_no = ? AND value IS NOT NULL"
		" ORDER BY row_no, col_no",
	[Q_ADD_CHUNK] = "INSERT INTO chunk(file, report, records, size, data)"
		" VALUES(?, ?, ?, ?, ?)",
};

/* The chunks of the reports unchanged since the old index (tree.c). */
static const char keep_sql[] =
	"INSERT INTO main.chunk(file, report, records, size, data)"
	" SELECT nf.id, c.report, c.records, c.size, c.data FROM old.chunk c"
	" JOIN old.all_file f ON f.id = c.file"
	" JOIN main.all_file nf ON nf.name = f.name AND nf.header = f.header"
	" WHERE c.report IN (SELECT id FROM temp.unchanged);";

typedef struct {
	sqlite3 *db;
	FILE *err;
	sqlite3_stmt *q[Q_COUNT];
	ix_allfiles files;
	bool old;		/* an old index is attached */
} dataset;

static int db_error(dataset *d)
{
	ix_say_db(d->err, d->db);
	return -EIO;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* ---- one report's records ---------------------------------------------------- */

typedef struct {
	const char *agency, *agency_dir, *year_dir;
	int year;
} identity;

static void put_identity(nb_buf *b, const identity *id)
{
	char year[16] = "";
	if (id->year > 0)
		snprintf(year, sizeof year, "%d", id->year);
	ix_csv_field(b, id->agency, true);
	ix_csv_field(b, year, false);
	nb_buf dir = {0};
	nb_buf_printf(&dir, "%s/%s", id->agency_dir ? id->agency_dir : "",
		      id->year_dir ? id->year_dir : "");
	if (dir.oom)
		b->oom = true;
	else
		ix_csv_field(b, dir.s, false);
	nb_buf_free(&dir);
}

static int put_lists(dataset *d, int64_t report, const identity *id,
		     sqlite3_stmt *info)
{
	ix_allfile *f = &d->files.v[IX_ALL_REPORTS];
	nb_buf *b = &f->chunk;
	put_identity(b, id);
	for (int c = 4; c <= 8; c++)
		ix_csv_field(b, col_text(info, c), false);
	nb_buf_printf(b, ",%lld,%lld", (long long)sqlite3_column_int64(info, 9),
		      (long long)sqlite3_column_int64(info, 10));
	ix_csv_end(b, false);
	f->records++;

	int rc = 0, step;
	sqlite3_stmt *st = d->q[Q_FAILED];
	f = &d->files.v[IX_ALL_CHECKS];
	sqlite3_bind_int64(st, 1, report);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		put_identity(&f->chunk, id);
		for (int c = 0; c < 3; c++)
			ix_csv_field(&f->chunk, col_text(st, c), false);
		ix_csv_end(&f->chunk, false);
		f->records++;
	}
	if (step != SQLITE_DONE)
		rc = db_error(d);
	sqlite3_reset(st);

	st = d->q[Q_WARNINGS];
	f = &d->files.v[IX_ALL_WARNINGS];
	sqlite3_bind_int64(st, 1, report);
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		put_identity(&f->chunk, id);
		ix_csv_field(&f->chunk, col_text(st, 0), false);
		ix_csv_end(&f->chunk, false);
		f->records++;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_error(d);
	sqlite3_reset(st);
	return rc;
}

/* The place in f's union of each of the table's columns (-1: none). */
static int column_places(dataset *d, const ix_allfile *f, int64_t report,
			 int64_t tbl, long **out, size_t *n)
{
	sqlite3_stmt *st = d->q[Q_COLUMNS];
	ix_strv seen = {0};
	long *v = NULL;
	size_t cap = 0;
	int rc = 0, step;
	*n = 0;
	sqlite3_bind_int64(st, 1, report);
	sqlite3_bind_int64(st, 2, tbl);
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		long *nv = nb_grow(v, &cap, *n + 1, sizeof *nv, 8);
		if (!nv) {
			rc = -ENOMEM;
			break;
		}
		v = nv;
		nb_buf key = {0};
		rc = ix_allfiles_column_key(&seen, col_text(st, 0), &key);
		if (!rc)
			v[(*n)++] = ix_strv_find(&f->cols, key.s);
		nb_buf_free(&key);
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_error(d);
	sqlite3_reset(st);
	ix_strv_free(&seen);
	if (rc)
		free(v);
	else
		*out = v;
	return rc;
}

static void put_row(ix_allfile *f, const identity *id, const char *format,
		    const char *label, char **values)
{
	put_identity(&f->chunk, id);
	ix_csv_field(&f->chunk, format, false);
	ix_csv_field(&f->chunk, label, false);
	for (size_t c = 0; c < f->cols.n; c++) {
		ix_csv_field(&f->chunk, values[c], false);
		free(values[c]);
		values[c] = NULL;
	}
	ix_csv_end(&f->chunk, false);
	f->records++;
}

static int put_table(dataset *d, ix_allfile *f, int64_t report, int64_t tbl,
		     const char *format, const identity *id)
{
	long *place = NULL;
	size_t nplace = 0;
	int rc = column_places(d, f, report, tbl, &place, &nplace);
	if (rc)
		return rc;
	char **values = calloc(f->cols.n + 1, sizeof *values);
	if (!values) {
		free(place);
		return -ENOMEM;
	}
	sqlite3_stmt *st = d->q[Q_ROWS], *cells = d->q[Q_CELLS];
	sqlite3_bind_int64(st, 1, report);
	sqlite3_bind_int64(st, 2, tbl);
	sqlite3_bind_int64(cells, 1, report);
	sqlite3_bind_int64(cells, 2, tbl);
	int step, cstep = sqlite3_step(cells);
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t r = sqlite3_column_int64(st, 0);
		for (; !rc && cstep == SQLITE_ROW; cstep = sqlite3_step(cells)) {
			int64_t cr = sqlite3_column_int64(cells, 0);
			if (cr > r)
				break;
			int64_t c = sqlite3_column_int64(cells, 1);
			const char *v = col_text(cells, 2);
			if (cr == r && c >= 0 && (size_t)c < nplace &&
			    place[c] >= 0 && v && !values[place[c]] &&
			    !(values[place[c]] = strdup(v)))
				rc = -ENOMEM;
		}
		if (!rc)
			put_row(f, id, format, col_text(st, 1), values);
	}
	if (!rc && (step != SQLITE_DONE ||
		    (cstep != SQLITE_ROW && cstep != SQLITE_DONE)))
		rc = db_error(d);
	sqlite3_reset(st);
	sqlite3_reset(cells);
	for (size_t c = 0; c < f->cols.n; c++)
		free(values[c]);
	free(values);
	free(place);
	return rc;
}

/* The report's tables: (tbl_no, file, format), copied out of the cached
 * statement that rendering a table reuses. */
typedef struct {
	int64_t tbl;
	ix_allfile *f;
	char format[16];
} tref;

static int put_tables(dataset *d, int64_t report, bool kept,
		      const identity *id)
{
	sqlite3_stmt *st = d->q[Q_TABLES];
	tref *v = NULL;
	size_t n = 0, cap = 0;
	int rc = 0, step;
	sqlite3_bind_int64(st, 1, report);
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		char *name = ix_allfiles_name(col_text(st, 1));
		ix_allfile *f = name ? ix_allfiles_find(&d->files, name) : NULL;
		free(name);
		if (!name) {
			rc = -ENOMEM;
			break;
		}
		if (!f || (kept && !f->changed))
			continue;
		tref *nv = nb_grow(v, &cap, n + 1, sizeof *nv, 16);
		if (!nv) {
			rc = -ENOMEM;
			break;
		}
		v = nv;
		v[n] = (tref){.tbl = sqlite3_column_int64(st, 0), .f = f};
		snprintf(v[n].format, sizeof v[n].format, "%s",
			 col_text(st, 2) ? col_text(st, 2) : "");
		n++;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_error(d);
	sqlite3_reset(st);
	for (size_t i = 0; i < n && !rc; i++)
		rc = put_table(d, v[i].f, report, v[i].tbl, v[i].format, id);
	free(v);
	return rc;
}

static int flush_chunks(dataset *d, int64_t report)
{
	int rc = 0;
	for (size_t i = 0; i < d->files.n && !rc; i++) {
		ix_allfile *f = &d->files.v[i];
		if (f->chunk.oom)
			rc = -ENOMEM;
		else if (f->chunk.len) {
			sqlite3_stmt *st = d->q[Q_ADD_CHUNK];
			sqlite3_bind_int64(st, 1, f->id);
			sqlite3_bind_int64(st, 2, report);
			sqlite3_bind_int64(st, 3, f->records);
			sqlite3_bind_int64(st, 4, (int64_t)f->chunk.len);
			sqlite3_bind_blob64(st, 5, f->chunk.s, f->chunk.len,
					    SQLITE_STATIC);
			rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(d);
			sqlite3_reset(st);
		}
		nb_buf_free(&f->chunk);
		f->records = 0;
	}
	return rc;
}

/* Renders report's chunks: all of them, or for a report that kept its
 * chunks, those of the table files that changed. */
static int render_report(dataset *d, int64_t report, bool kept)
{
	sqlite3_stmt *info = d->q[Q_INFO];
	sqlite3_bind_int64(info, 1, report);
	if (sqlite3_step(info) != SQLITE_ROW) {
		sqlite3_reset(info);
		return db_error(d);
	}
	identity id = {
		.agency = col_text(info, 0),
		.year = sqlite3_column_int(info, 1),
		.agency_dir = col_text(info, 2),
		.year_dir = col_text(info, 3),
	};
	int rc = kept ? 0 : put_lists(d, report, &id, info);
	if (!rc)
		rc = put_tables(d, report, kept, &id);
	if (!rc)
		rc = flush_chunks(d, report);
	sqlite3_reset(info);
	return rc;
}

static int render_all(dataset *d)
{
	if (d->old && ix_exec(d->db, keep_sql, d->err))
		return -EIO;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(d->db, sql[Q_REPORTS], -1, &st, NULL) != SQLITE_OK)
		return db_error(d);
	int64_t *ids = NULL;
	bool *kept = NULL;
	size_t n = 0, icap = 0, kcap = 0;
	int rc = 0, step;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t *ni = nb_grow(ids, &icap, n + 1, sizeof *ni, 256);
		if (ni)
			ids = ni;
		bool *nk = nb_grow(kept, &kcap, n + 1, sizeof *nk, 256);
		if (nk)
			kept = nk;
		if (!ni || !nk) {
			rc = -ENOMEM;
			break;
		}
		ids[n] = sqlite3_column_int64(st, 0);
		kept[n++] = sqlite3_column_int(st, 1);
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_error(d);
	sqlite3_finalize(st);
	for (size_t i = 0; i < n && !rc; i++)
		if (!kept[i] || d->files.tables_changed)
			rc = render_report(d, ids[i], kept[i]);
	free(ids);
	free(kept);
	return rc;
}

int ix_dataset_build(sqlite3 *db, FILE *err, int64_t all_ino,
		     int64_t mtime_ns, ix_inos *inos)
{
	dataset d = {.db = db, .err = err};
	int rc = 0;
	for (int i = 0; i < Q_COUNT && !rc; i++) {
		if (i == Q_REPORTS)
			continue;	/* prepared by render_all */
		if (sqlite3_prepare_v3(db, sql[i], -1, SQLITE_PREPARE_PERSISTENT,
				       &d.q[i], NULL) != SQLITE_OK)
			rc = db_error(&d);
	}
	if (!rc) {
		d.old = sqlite3_step(d.q[Q_HAS_OLD]) == SQLITE_ROW &&
			sqlite3_column_int(d.q[Q_HAS_OLD], 0) > 0;
		sqlite3_reset(d.q[Q_HAS_OLD]);
	}
	if (!rc)
		rc = ix_allfiles_make(db, err, d.old, &d.files);
	if (!rc)
		rc = render_all(&d);
	if (!rc)
		rc = ix_alltree_build(db, err, all_ino, mtime_ns, inos);
	if (rc == -ENOMEM)
		ix_say(err, "%s: out of memory", sqlite3_db_filename(db, "main"));
	ix_allfiles_free(&d.files);
	for (int i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(d.q[i]);
	return rc;
}
