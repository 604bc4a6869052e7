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
 * Reports come in the order of _all (year, agency directory, source
 * path), and each chunk goes to the blocks of its file (blocks.c).
 * Incremental: a report unchanged since the old index (attached as "old"),
 * with the same directory names and the same cross-year checks, keeps its
 * chunks, taken out of the old blocks as they are (or, where a file
 * starts or ends with the same reports, the old blocks copied whole);
 * only the chunks of new and changed reports are rendered — and those of
 * a table whose union of columns changed.  They are rendered on every
 * core, on read connections (readers.c), and given to the blocks by the
 * writer in order (pmap.c).
 * A report parsed in this build has its tables and own checks read from
 * its record (prerender.c, in the build's spill file), not from its rows:
 * reading them back was most of this phase's work (callgrind,
 * bench/gen.py -n 300: 43 M of work_report's 67 M instructions).
 * alltree.c then makes the nodes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ix.h"
#include "dataset.h"
#include "prerender.h"
#include "rows.h"
#include "spill.h"

enum {
	Q_REPORTS, Q_WARNINGS, Q_COUNT
};

/* What a report's records print of its row (agency, year and directory
 * first in every record; the rest in reports.csv's), in the order of
 * Q_REPORTS' columns from INFO_FIRST on. */
enum {
	I_AGENCY, I_YEAR, I_AGENCY_DIR, I_YEAR_DIR, I_TITLE, I_PUBLISHED,
	I_FORMAT, I_PATH, I_ENCODING, I_COUNT
};
#define INFO_FIRST 2

static const char *const sql[Q_COUNT] = {
	/* in the order of _all: by year (unknown last), agency, path */
	[Q_REPORTS] = "SELECT r.id, r.id IN (SELECT id FROM temp.unchanged),"
		" r.agency, r.year, r.agency_dir, r.year_dir,"
		" r.title, r.published, r.format, s.path, r.encoding"
		" FROM stored_report r JOIN source s ON s.id = r.id"
		" ORDER BY " IX_YEAR_KEY ", r.agency_dir, s.path",
	[Q_WARNINGS] = "SELECT text FROM warning WHERE report = ? ORDER BY seq",
};

/* The statements of one connection: the writer's, or a reader's. */
typedef struct {
	sqlite3 *db;
	sqlite3_stmt *q[Q_COUNT];
	ix_rows *rows;		/* the report's tables */
	const char **values;	/* a row's, by column of its file */
	size_t cap;
	nb_buf rec;		/* a parsed report's record, */
	ix_recdata data;	/* ... read */
	bool from_rec;		/* the report's data is data's */
	ix_check *checks;	/* its own checks and those across years */
	size_t ccap;
	ix_layouts *layouts;	/* where each table's rows go */
} stmts;

/* One report's chunks, a buffer per file of _all, as a reader rendered
 * them, until the writer adds them to the blocks.  A ring slot keeps its
 * buffers for the report rendered into it next (the window's length
 * later): allocated per report, grown by doubling and freed by the writer,
 * they cost a malloc, reallocs and a free across threads per file and
 * report. */
typedef struct {
	nb_buf *chunk;
	int64_t *records;
	int rc;
} chunks;

struct ix_dataset {
	sqlite3 *db;
	FILE *err;
	const atomic_int *cancel;
	const ix_spill *spill;	/* the parsed reports' records */
	ix_allfiles files;	/* only read while readers render */
	ix_blocks *blocks;	/* where the chunks go */
	bool old;		/* an old index is attached */
	stmts *rd;		/* each reader's */
	int64_t *ids;		/* the reports in the order of _all */
	bool *kept;		/* whose chunks are the old index's */
	size_t *info_at;	/* where each one's I_COUNT strings start */
	size_t n, cap;
	nb_buf info;		/* ... one after another, NUL-terminated */
	chunks ring[IX_RENDER_WINDOW];
};
typedef struct ix_dataset dataset;

static int db_error(FILE *err, sqlite3 *db)
{
	ix_say_db(err, db);
	return -EIO;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* ---- one report's records ---------------------------------------------------- */

/* Rendering one report on one connection, into c. */
typedef struct {
	const dataset *d;
	stmts *s;
	chunks *c;
} render;

static int render_error(const render *r)
{
	return db_error(r->d->err, r->s->db);
}

/* The fields every record of a report starts with: agency, year,
 * directory; made once a report (with a printf a record they cost more
 * than the rest of it). */
typedef struct {
	nb_buf fields;
} identity;

static void make_identity(identity *id, const char *const *info)
{
	nb_buf *b = &id->fields;
	ix_csv_field(b, info[I_AGENCY], true);
	ix_csv_field(b, info[I_YEAR], false);
	nb_buf dir = {0};
	nb_buf_adds(&dir, info[I_AGENCY_DIR]);
	nb_buf_addc(&dir, '/');
	nb_buf_adds(&dir, info[I_YEAR_DIR]);
	if (dir.oom)
		b->oom = true;
	else
		ix_csv_field(b, dir.s, false);
	nb_buf_free(&dir);
}

static void put_identity(nb_buf *b, const identity *id)
{
	if (id->fields.oom)
		b->oom = true;
	else
		nb_buf_add(b, id->fields.s, id->fields.len);
}

/* The report's checks: its own, then across years. */
static int checks_of(stmts *s, int64_t report, const ix_check **v, size_t *n)
{
	if (!s->from_rec)
		return ix_rows_checks(s->rows, report, v, n);
	const ix_check *cross;
	size_t ncross;
	int rc = ix_rows_cross(s->rows, report, &cross, &ncross);
	size_t own = s->data.nchecks;
	if (rc || !(own + ncross))
		return rc;
	ix_check *all = nb_grow(s->checks, &s->ccap, own + ncross,
				sizeof *all, 64);
	if (!all)
		return -ENOMEM;
	s->checks = all;
	if (own)
		memcpy(all, s->data.checks, own * sizeof *all);
	if (ncross)
		memcpy(all + own, cross, ncross * sizeof *all);
	*v = all;
	*n = own + ncross;
	return 0;
}

/* The report's records in the lists: its checks that failed and its
 * warnings first, counted for its record in reports.csv (a count of
 * each in SQL read the views again). */
static int put_lists(render *r, int64_t report, const identity *id,
		     const char *const *info)
{
	const ix_check *v = NULL;
	size_t n = 0;
	int rc = checks_of(r->s, report, &v, &n), step;
	nb_buf *b = &r->c->chunk[IX_ALL_CHECKS];
	int64_t *failed = &r->c->records[IX_ALL_CHECKS];
	for (size_t i = 0; i < n; i++) {
		if (v[i].ok)
			continue;
		put_identity(b, id);
		ix_csv_field(b, v[i].rule, false);
		ix_csv_field(b, v[i].subject, false);
		ix_csv_field(b, v[i].detail, false);
		ix_csv_end(b);
		(*failed)++;
	}

	sqlite3_stmt *st = r->s->q[Q_WARNINGS];
	b = &r->c->chunk[IX_ALL_WARNINGS];
	int64_t *warnings = &r->c->records[IX_ALL_WARNINGS];
	sqlite3_bind_int64(st, 1, report);
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		put_identity(b, id);
		ix_csv_field(b, col_text(st, 0), false);
		ix_csv_end(b);
		(*warnings)++;
	}
	if (!rc && step != SQLITE_DONE)
		rc = render_error(r);
	sqlite3_reset(st);

	b = &r->c->chunk[IX_ALL_REPORTS];
	put_identity(b, id);
	for (int f = I_TITLE; f <= I_ENCODING; f++)
		ix_csv_field(b, info[f], false);
	nb_buf_printf(b, ",%lld,%lld", (long long)*warnings,
		      (long long)*failed);
	ix_csv_end(b);
	r->c->records[IX_ALL_REPORTS]++;
	return rc;
}

/* Every row of the table as the report's own CSV has it: its label, its
 * printed numbers, each in its column's place in the file. */
static int put_table(render *r, const ix_layout *l, const ix_table *tb,
		     const identity *id)
{
	size_t file = (size_t)l->file;
	const ix_allfile *f = &r->d->files.v[file];
	nb_buf *b = &r->c->chunk[file];
	const char **values = nb_grow(r->s->values, &r->s->cap, f->cols.n + 1,
				      sizeof *values, 64);
	if (!values)
		return -ENOMEM;
	r->s->values = values;
	for (size_t i = 0; i < tb->nrowv; i++) {
		const ix_row *row = &tb->rows[i];
		memset(values, 0, f->cols.n * sizeof *values);
		for (size_t c = 0; c < row->ncells && c < tb->nheaders; c++) {
			const char *v = row->cells[c].value;
			long at = l->place[c];
			if (v && at >= 0 && !values[at])
				values[at] = v;
		}
		put_identity(b, id);
		ix_csv_field(b, tb->format, false);
		ix_csv_field(b, row->label, false);
		for (size_t c = 0; c < f->cols.n; c++)
			ix_csv_field(b, values[c], false);
		ix_csv_end(b);
		r->c->records[file]++;
	}
	return 0;
}

static int put_tables(render *r, int64_t report, bool kept,
		      const identity *id)
{
	const ix_allfiles *files = &r->d->files;
	const ix_table *v = r->s->data.tables;
	size_t n = r->s->data.ntables;
	int rc = r->s->from_rec ? 0 : ix_rows_load(r->s->rows, report, &v, &n);
	for (size_t i = 0; i < n && !rc; i++) {
		const ix_layout *l;
		if (!v[i].name ||
		    (rc = ix_layouts_of(r->s->layouts, &r->d->files, &v[i], &l)) ||
		    l->file < 0)
			continue;
		if (!(kept && !files->v[l->file].changed))
			rc = put_table(r, l, &v[i], id);
	}
	return rc;
}

static void clear_chunks(const dataset *d, chunks *c)
{
	for (size_t i = 0; c->chunk && i < d->files.n; i++)
		nb_buf_free(&c->chunk[i]);
	free(c->chunk);
	free(c->records);
	*c = (chunks){0};
}

/* Empties ring slot c for a report, its buffers kept. */
static int reuse_chunks(const dataset *d, chunks *c)
{
	c->rc = 0;
	if (!c->chunk) {
		c->chunk = calloc(d->files.n, sizeof *c->chunk);
		c->records = calloc(d->files.n, sizeof *c->records);
		return c->chunk && c->records ? 0 : -ENOMEM;
	}
	for (size_t i = 0; i < d->files.n; i++) {
		nb_buf_reset(&c->chunk[i]);
		c->records[i] = 0;
	}
	return 0;
}

/* Report's record into s->data when it has one (parsed in this build),
 * else nothing there: s->from_rec is always this report's, never left
 * from the report these statements rendered before. */
static int read_record(const dataset *d, stmts *s, int64_t report)
{
	ix_recdata_free(&s->data);
	s->from_rec = false;
	if (!ix_spill_has(d->spill, report))
		return 0;
	int rc = ix_spill_read(d->spill, report, &s->rec);
	if (!rc)
		rc = ix_record_data(s->rec.s, s->rec.len, &s->data);
	if (rc == -EIO)
		ix_say(d->err, "%s: report %lld: its record in the build's"
		       " scratch file is damaged",
		       sqlite3_db_filename(d->db, "main"), (long long)report);
	s->from_rec = !rc;
	return rc;
}

/* Renders the chunks of the i-th report of _all on the statements s: all
 * of them, or for a report that kept its chunks, those of the table files
 * that changed. */
static int render_report(const dataset *d, stmts *s, size_t i, chunks *c)
{
	render r = {.d = d, .s = s, .c = c};
	int64_t report = d->ids[i];
	int rc = read_record(d, s, report);
	if (rc)
		return rc;
	const char *info[I_COUNT];
	info[0] = d->info.s + d->info_at[i];
	for (int f = 1; f < I_COUNT; f++)
		info[f] = info[f - 1] + strlen(info[f - 1]) + 1;
	identity id = {0};
	make_identity(&id, info);
	rc = d->kept[i] ? 0 : put_lists(&r, report, &id, info);
	if (!rc)
		rc = put_tables(&r, report, d->kept[i], &id);
	for (size_t f = 0; f < d->files.n && !rc; f++)
		if (c->chunk[f].oom)
			rc = -ENOMEM;
	nb_buf_free(&id.fields);
	return rc;
}

static bool to_render(const dataset *d, size_t i)
{
	return !d->kept[i] || d->files.tables_changed;
}

/* On reader w: report i's chunks. */
static void work_report(void *ctx, unsigned w, size_t i)
{
	dataset *d = ctx;
	chunks *c = &d->ring[i % IX_RENDER_WINDOW];
	c->rc = reuse_chunks(d, c);
	if (!c->rc && to_render(d, i) && !ix_cancelled(d->cancel))
		c->rc = render_report(d, &d->rd[w], i, c);
}

/* On the writer, in order: report i's chunks into the blocks. */
static int add_report(void *ctx, size_t i)
{
	dataset *d = ctx;
	chunks *c = &d->ring[i % IX_RENDER_WINDOW];
	int rc = ix_cancelled(d->cancel) ? NB_CANCELLED : c->rc;
	if (!rc && d->kept[i])
		rc = ix_blocks_keep(d->blocks, i, d->ids[i]);
	for (size_t f = 0; f < d->files.n && !rc && to_render(d, i); f++)
		if (c->chunk[f].len)
			rc = ix_blocks_add(d->blocks, f, i, d->ids[i], c->chunk[f].s,
					   c->chunk[f].len, c->records[f]);
	return rc;
}

static int prepare(stmts *s, FILE *err)
{
	int rc = ix_rows_new(s->db, err, &s->rows);
	if (!rc)
		rc = ix_layouts_new(&s->layouts);
	if (rc)
		return rc;
	for (int i = 0; i < Q_COUNT; i++) {
		if (i == Q_REPORTS)
			continue;	/* the writer's alone */
		if (sqlite3_prepare_v3(s->db, sql[i], -1,
				       SQLITE_PREPARE_PERSISTENT, &s->q[i],
				       NULL) != SQLITE_OK)
			return db_error(err, s->db);
	}
	return 0;
}

static void finalize(stmts *s)
{
	for (int i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(s->q[i]);
	ix_rows_free(s->rows);
	free(s->values);
	nb_buf_free(&s->rec);
	ix_recdata_free(&s->data);
	free(s->checks);
	ix_layouts_free(s->layouts);
}

/* Every report's chunks, rendered on every reader. */
static int render_all(dataset *d, size_t n, ix_readers *readers)
{
	unsigned nr = ix_readers_count(readers);
	int rc = 0;
	if (!(d->rd = calloc(nr, sizeof *d->rd)))
		return -ENOMEM;
	for (unsigned w = 0; w < nr && !rc; w++) {
		d->rd[w].db = ix_readers_db(readers, w);
		rc = prepare(&d->rd[w], d->err);
	}
	if (!rc && d->old)
		rc = ix_blocks_keep_ends(d->blocks, d->ids, d->kept, n);
	if (!rc)
		rc = ix_pmap(n, nr, IX_RENDER_WINDOW, work_report, add_report, d);
	for (size_t i = 0; i < IX_RENDER_WINDOW; i++)
		clear_chunks(d, &d->ring[i]);
	for (unsigned w = 0; w < nr; w++)
		finalize(&d->rd[w]);
	free(d->rd);
	d->rd = NULL;
	if (!rc)
		rc = ix_blocks_finish(d->blocks);
	return rc;
}

/* Room for n reports in d's arrays of them.  0 or -ENOMEM. */
static int reserve_reports(dataset *d, size_t n)
{
	if (n <= d->cap)
		return 0;
	size_t cap = d->cap ? 2 * d->cap : 256;
	int64_t *ids = realloc(d->ids, cap * sizeof *ids);
	if (ids)
		d->ids = ids;
	bool *kept = realloc(d->kept, cap * sizeof *kept);
	if (kept)
		d->kept = kept;
	size_t *at = realloc(d->info_at, cap * sizeof *at);
	if (at)
		d->info_at = at;
	if (!ids || !kept || !at)
		return -ENOMEM;
	d->cap = cap;
	return 0;
}

/* The reports in the order of _all, which kept their chunks, and what
 * their records print of their rows.  Those fields are read here, in the
 * scan that orders the reports: looked up again by the readers, a row
 * cost a page read each (10,000 reports: 4 % of the build's CPU, perf
 * record). */
static int load_reports(dataset *d)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(d->db, sql[Q_REPORTS], -1, &st, NULL) != SQLITE_OK)
		return db_error(d->err, d->db);
	int rc = 0, step;
	d->n = 0;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		if ((rc = reserve_reports(d, d->n + 1)))
			break;
		d->ids[d->n] = sqlite3_column_int64(st, 0);
		d->kept[d->n] = sqlite3_column_int(st, 1);
		d->info_at[d->n++] = d->info.len;
		int year = sqlite3_column_int(st, INFO_FIRST + I_YEAR);
		for (int f = 0; f < I_COUNT; f++) {
			if (f != I_YEAR)
				nb_buf_adds(&d->info,
					    col_text(st, INFO_FIRST + f));
			else if (year > 0)
				nb_buf_printf(&d->info, "%d", year);
			nb_buf_addc(&d->info, '\0');
		}
		if (d->info.oom)
			rc = -ENOMEM;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_error(d->err, d->db);
	sqlite3_finalize(st);
	return rc;
}

/* Each report's year, for alltree.c's slices (ix_alltree_build), out of
 * the index: read there from the report rows, after the readers opened,
 * their pages were read again one by one (4,100 more pread calls at
 * 10,000 reports when the texts were in those rows, strace -k; 2,900
 * with the facts in stored_report, strace -c). */
static const char year_sql[] =
	"CREATE TEMP TABLE report_year(id INTEGER PRIMARY KEY, year INTEGER);"
	"INSERT INTO temp.report_year SELECT id, year FROM main.stored_report;";

int ix_dataset_new(sqlite3 *db, FILE *err, ix_dataset **out)
{
	dataset *d = calloc(1, sizeof *d);
	if (!d)
		return -ENOMEM;
	*d = (dataset){.db = db, .err = err};
	int rc = ix_old_attached(db, err, &d->old);
	if (!rc)
		rc = ix_allfiles_make(db, err, d->old, &d->files);
	if (!rc)
		rc = ix_blocks_new(db, err, &d->files, d->old, &d->blocks);
	if (!rc)
		rc = load_reports(d);
	if (!rc)
		rc = ix_exec(db, year_sql, err);
	if (rc == -ENOMEM)
		ix_say(err, "%s: out of memory", sqlite3_db_filename(db, "main"));
	if (rc) {
		ix_dataset_free(d);
		return rc;
	}
	*out = d;
	return 0;
}

int ix_dataset_build(ix_dataset *d, int64_t all_ino, int64_t mtime_ns,
		     ix_inos *inos, ix_readers *readers, const ix_spill *spill,
		     const atomic_int *cancel)
{
	d->cancel = cancel;
	d->spill = spill;
	int rc = render_all(d, d->n, readers);
	if (!rc)
		rc = ix_alltree_build(d->db, d->err, all_ino, mtime_ns, inos);
	if (rc == -ENOMEM)
		ix_say(d->err, "%s: out of memory",
		       sqlite3_db_filename(d->db, "main"));
	return rc;
}

void ix_dataset_free(ix_dataset *d)
{
	if (!d)
		return;
	ix_blocks_free(d->blocks);
	ix_allfiles_free(&d->files);
	free(d->ids);
	free(d->kept);
	free(d->info_at);
	nb_buf_free(&d->info);
	free(d);
}
