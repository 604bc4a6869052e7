/*
 * trend.c — <agency>/趋势.csv: an agency's key figures, one column per
 * report (its year directory: 2019, 2019~2, …, in that order), one row per
 * figure, named <table>/<row>/<column> as in the report's own CSVs:
 *
 *   申请情况/<each row>/总计          table 3, in its 总计 column
 *   复议诉讼情况/<each row>/总计      table 4's three totals
 *   第二十条第（…）项/<row>/<column>  every cell of table 2
 *
 * Rows are the union of the agency's reports' rows in template order (the
 * labels come from the index, as the core wrote them); a figure a report
 * did not print stays empty.  One small file per agency, rendered with
 * the tree for its size and digest and again when read (rendered.c);
 * its node is copied from the old index when the agency's reports are the
 * same, unchanged.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "ix.h"

#define TREND_NAME "趋势.csv"
/* The total column of tables 3 and 4 (the templates' last column). */
#define TOTAL_COLUMN "总计"

enum {
	Q_FIGURES, Q_MEMBERS,			/* reading */
	Q_REPORTS, Q_AGENCY, Q_INSERT,		/* building */
	Q_OLD_COUNT, Q_COPY,			/* building with an old index */
	Q_COUNT
};

static const char *const sql[Q_COUNT] = {
	[Q_REPORTS] = "SELECT r.id, r.agency_dir, r.year_dir,"
		" r.id IN (SELECT id FROM temp.unchanged) FROM report r"
		" JOIN source s ON s.id = r.id ORDER BY r.agency_dir, "
		IX_YEAR_KEY ", s.path",
	/* ?2 table 3, ?3 table 4, ?4 table 2, ?5 the total column */
	/* the cell a subquery: the view cell reads a row's packed cells,
	 * which no LEFT JOIN could take in without reading them all */
	[Q_FIGURES] = "SELECT t.name, tr.label, tc.header,"
		" (SELECT c.value FROM cell c WHERE c.report = t.report"
		"  AND c.tbl_no = t.tbl_no AND c.row_no = tr.row_no"
		"  AND c.col_no = tc.col_no)"
		" FROM report_table t"
		" JOIN table_row tr ON tr.report = t.report"
		"  AND tr.tbl_no = t.tbl_no AND tr.extra = 0"
		" JOIN table_column tc ON tc.report = t.report"
		"  AND tc.tbl_no = t.tbl_no"
		" WHERE t.report = ?1 AND t.name IS NOT NULL"
		" AND (t.kind = ?4 OR (t.kind IN (?2, ?3) AND tc.header = ?5))"
		" ORDER BY CASE t.kind WHEN ?2 THEN 0 WHEN ?3 THEN 1 ELSE 2 END,"
		" t.tbl_no, tr.row_no, tc.col_no",
	/* the reports of the agency directory ?, in Q_REPORTS's order */
	[Q_MEMBERS] = "SELECT r.id, r.year_dir FROM node n"
		" JOIN report r ON r.id = n.report JOIN source s ON s.id = r.id"
		" WHERE n.parent = ? AND n.is_dir ORDER BY " IX_YEAR_KEY ", s.path",
	[Q_AGENCY] = "SELECT ino, mtime_ns FROM node WHERE parent = ?"
		" AND name = ?",
	[Q_INSERT] = "INSERT INTO node(ino, parent, name, is_dir, size,"
		" size_unix, mtime_ns, nlink, part, digest)"
		" VALUES(?, ?, ?, 0, ?, ?, ?, 1, ?, ?)",
	/* with an old index attached: an agency whose reports are all
	 * unchanged (tree.c) and as many as before has the same file, under
	 * the same directory number (kept by path) */
	[Q_OLD_COUNT] = "SELECT (SELECT nlink FROM old.node WHERE parent = ?1"
		" AND name = ?2) IS (SELECT nlink FROM main.node"
		" WHERE parent = ?1 AND name = ?2)",
	[Q_COPY] = "INSERT INTO main.node SELECT * FROM old.node"
		" WHERE parent = (SELECT ino FROM main.node WHERE parent = ?1"
		" AND name = ?2) AND name = ?3",
};

typedef struct {
	char *year_dir;
	ix_strv keys, values;	/* the report's figures, in its order */
} column;

/* A report of the agency at hand. */
typedef struct {
	int64_t id;
	char *year_dir;
	bool unchanged;
} member;

typedef struct ix_trend {
	sqlite3 *db;
	FILE *err;
	sqlite3_stmt *q[Q_COUNT];
	bool old;		/* an old index is attached */
	column *cols;
	size_t ncols, cap;
	member *members;	/* the agency's reports */
	size_t nmembers, mcap;
} trend;

static int db_error(trend *t)
{
	ix_say_db(t->err, t->db);
	return -EIO;
}

static void clear_columns(trend *t)
{
	for (size_t i = 0; i < t->ncols; i++) {
		free(t->cols[i].year_dir);
		ix_strv_free(&t->cols[i].keys);
		ix_strv_free(&t->cols[i].values);
	}
	t->ncols = 0;
}

static const char *text_or(sqlite3_stmt *st, int i, const char *dflt)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	return s ? s : dflt;
}

/* One report's figures as a new column. */
static int add_column(trend *t, int64_t report, const char *year_dir)
{
	column *v = nb_grow(t->cols, &t->cap, t->ncols + 1, sizeof *v, 8);
	if (!v)
		return -ENOMEM;
	t->cols = v;
	column *c = &t->cols[t->ncols++];
	*c = (column){.year_dir = strdup(year_dir ? year_dir : "")};
	if (!c->year_dir)
		return -ENOMEM;
	sqlite3_stmt *st = t->q[Q_FIGURES];
	sqlite3_bind_int64(st, 1, report);
	sqlite3_bind_int(st, 2, NB_TABLE_REQUESTS);
	sqlite3_bind_int(st, 3, NB_TABLE_APPEALS);
	sqlite3_bind_int(st, 4, NB_TABLE_ACTIVE);
	sqlite3_bind_text(st, 5, TOTAL_COLUMN, -1, SQLITE_STATIC);
	int rc = 0, step;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		nb_buf key = {0};
		nb_buf_printf(&key, "%s/%s/%s", text_or(st, 0, ""),
			      text_or(st, 1, ""), text_or(st, 2, ""));
		if (key.oom)
			rc = -ENOMEM;
		/* of a table printed twice, the first */
		else if (ix_strv_find(&c->keys, key.s) < 0 &&
			 (rc = ix_strv_push(&c->keys, key.s)) == 0)
			rc = ix_strv_push(&c->values, text_or(st, 3, ""));
		nb_buf_free(&key);
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_error(t);
	sqlite3_reset(st);
	return rc;
}

static void render(const trend *t, const ix_strv *rows, nb_buf *b)
{
	ix_csv_field(b, "项目", true);
	for (size_t c = 0; c < t->ncols; c++)
		ix_csv_field(b, t->cols[c].year_dir, false);
	ix_csv_end(b, false);
	for (size_t r = 0; r < rows->n; r++) {
		ix_csv_field(b, rows->v[r], true);
		for (size_t c = 0; c < t->ncols; c++) {
			long i = ix_strv_find(&t->cols[c].keys, rows->v[r]);
			ix_csv_field(b, i >= 0 ? t->cols[c].values.v[i] : NULL,
				     false);
		}
		ix_csv_end(b, false);
	}
}

/* The keys of column c in table (all tables when table is NULL: then
 * only the table names, each once), in the column's order. */
static int keys_of(const column *c, const char *table, ix_strv *out)
{
	size_t tn = table ? strlen(table) : 0;
	int rc = 0;
	for (size_t i = 0; i < c->keys.n && !rc; i++) {
		const char *k = c->keys.v[i];
		if (table) {
			if (!strncmp(k, table, tn) && k[tn] == '/')
				rc = ix_strv_push(out, k);
			continue;
		}
		char *name = strndup(k, strcspn(k, "/"));
		if (!name)
			return -ENOMEM;
		if (ix_strv_find(out, name) < 0)
			rc = ix_strv_push(out, name);
		free(name);
	}
	return rc;
}

/* The union of the columns' figures, table by table: a table's figures of
 * both formats together, tables in their reports' order. */
static int union_rows(const trend *t, ix_strv *rows)
{
	ix_strv tables = {0};
	int rc = 0;
	for (size_t c = 0; c < t->ncols && !rc; c++) {
		ix_strv one = {0};
		rc = keys_of(&t->cols[c], NULL, &one);
		if (!rc)
			rc = ix_union_merge(&tables, (const char *const *)one.v,
					    one.n);
		ix_strv_free(&one);
	}
	for (size_t i = 0; i < tables.n && !rc; i++) {
		ix_strv table = {0};
		for (size_t c = 0; c < t->ncols && !rc; c++) {
			ix_strv one = {0};
			rc = keys_of(&t->cols[c], tables.v[i], &one);
			if (!rc)
				rc = ix_union_merge(&table,
						    (const char *const *)one.v,
						    one.n);
			ix_strv_free(&one);
		}
		for (size_t k = 0; k < table.n && !rc; k++)
			rc = ix_strv_push(rows, table.v[k]);
		ix_strv_free(&table);
	}
	ix_strv_free(&tables);
	return rc;
}

static int add_member(trend *t, int64_t id, const char *year_dir,
		      bool unchanged)
{
	member *v = nb_grow(t->members, &t->mcap, t->nmembers + 1, sizeof *v, 8);
	if (!v)
		return -ENOMEM;
	t->members = v;
	member *m = &t->members[t->nmembers];
	*m = (member){.id = id, .year_dir = strdup(year_dir),
		      .unchanged = unchanged};
	if (!m->year_dir)
		return -ENOMEM;
	t->nmembers++;
	return 0;
}

static void clear_members(trend *t)
{
	for (size_t i = 0; i < t->nmembers; i++)
		free(t->members[i].year_dir);
	t->nmembers = 0;
}

/* Copies the agency's file from the old index when its reports are the
 * old ones, unchanged; *copied says whether it did. */
static int copy_old(trend *t, const char *agency_dir, bool *copied)
{
	*copied = false;
	if (!t->old)
		return 0;
	for (size_t i = 0; i < t->nmembers; i++)
		if (!t->members[i].unchanged)
			return 0;
	/* as many reports as before: the agency directory's nlink is 2 + its
	 * reports */
	sqlite3_stmt *st = t->q[Q_OLD_COUNT];
	sqlite3_bind_int64(st, 1, NB_ROOT_INO);
	sqlite3_bind_text(st, 2, agency_dir, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	bool same = step == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (step != SQLITE_ROW)
		return db_error(t);
	if (!same)
		return 0;
	st = t->q[Q_COPY];
	sqlite3_bind_int64(st, 1, NB_ROOT_INO);
	sqlite3_bind_text(st, 2, agency_dir, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, TREND_NAME, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(t);
	*copied = !rc && sqlite3_changes(t->db) == 1;
	sqlite3_reset(st);
	return rc;
}

/* The file, rendered from the members' columns: f->data the excel
 * dialect, f->data_unix the unix one. */
static int render_file(trend *t, ix_tnode *f)
{
	int rc = 0;
	for (size_t i = 0; i < t->nmembers && !rc; i++)
		rc = add_column(t, t->members[i].id, t->members[i].year_dir);
	ix_strv rows = {0};
	if (!rc)
		rc = union_rows(t, &rows);
	nb_buf lf = {0};
	if (!rc) {
		render(t, &rows, &lf);
		f->has_unix = true;
		nb_buf_add(&f->data, "\xEF\xBB\xBF", 3);	/* Excel reads the BOM */
		size_t n = ix_csv_excel(lf.s, lf.len, 0, NULL, 0);
		char *excel = n ? malloc(n) : NULL;
		if (n && !excel) {
			rc = -ENOMEM;
		} else {
			ix_csv_excel(lf.s, lf.len, 0, excel, n);
			nb_buf_add(&f->data, excel, n);
			nb_buf_add(&f->data_unix, lf.s, lf.len);
		}
		free(excel);
		if (lf.oom || f->data.oom || f->data_unix.oom)
			rc = -ENOMEM;
	}
	nb_buf_free(&lf);
	ix_strv_free(&rows);
	clear_columns(t);
	return rc;
}

/* The agency's node row: its sizes and digest (rendered on read). */
static int insert(trend *t, const char *agency_dir, const ix_tnode *f,
		  ix_inos *inos)
{
	sqlite3_stmt *st = t->q[Q_AGENCY];
	sqlite3_bind_int64(st, 1, NB_ROOT_INO);
	sqlite3_bind_text(st, 2, agency_dir, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return db_error(t);
	}
	int64_t parent = sqlite3_column_int64(st, 0);
	int64_t mtime = sqlite3_column_int64(st, 1);
	sqlite3_reset(st);

	int64_t digest, ino;
	if (ix_digest(f, &digest)) {
		ix_say(t->err, "%s: cannot hash a rendered file",
		       sqlite3_db_filename(t->db, "main"));
		return -EIO;
	}
	int rc = ix_inos_assign_rendered(inos, parent, TREND_NAME, mtime,
					 (int64_t)f->data.len, digest, &ino);
	if (rc)
		return rc;
	st = t->q[Q_INSERT];
	sqlite3_bind_int64(st, 1, ino);
	sqlite3_bind_int64(st, 2, parent);
	sqlite3_bind_text(st, 3, TREND_NAME, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (int64_t)f->data.len);
	sqlite3_bind_int64(st, 5, (int64_t)f->data_unix.len);
	sqlite3_bind_int64(st, 6, mtime);
	sqlite3_bind_int64(st, 7, IX_PART_TREND);
	sqlite3_bind_int64(st, 8, digest);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(t);
	sqlite3_reset(st);
	return rc;
}

static int finish_agency(trend *t, const char *agency_dir, ix_inos *inos)
{
	bool copied;
	int rc = copy_old(t, agency_dir, &copied);
	ix_tnode f = {0};
	if (!rc && !copied)
		rc = render_file(t, &f);
	if (!rc && !copied)
		rc = insert(t, agency_dir, &f, inos);
	ix_tnode_free(&f);
	clear_members(t);
	return rc;
}

static const char has_old_sql[] =
	"SELECT count(*) FROM pragma_database_list WHERE name = 'old'";

/* The statements of reading, and of building when building. */
static int trend_new(sqlite3 *db, FILE *err, bool building, trend **out)
{
	trend *t = calloc(1, sizeof *t);
	if (!t)
		return -ENOMEM;
	*t = (trend){.db = db, .err = err};
	sqlite3_stmt *has_old = NULL;
	int rc = 0;
	if (building) {
		if (sqlite3_prepare_v2(db, has_old_sql, -1, &has_old,
				       NULL) != SQLITE_OK)
			rc = db_error(t);
		t->old = !rc && sqlite3_step(has_old) == SQLITE_ROW &&
			sqlite3_column_int(has_old, 0) > 0;
		sqlite3_finalize(has_old);
	}
	for (int i = 0; i < Q_COUNT && !rc; i++) {
		if ((i >= Q_REPORTS && !building) || (i >= Q_OLD_COUNT && !t->old))
			continue;
		if (sqlite3_prepare_v3(db, sql[i], -1, SQLITE_PREPARE_PERSISTENT,
				       &t->q[i], NULL) != SQLITE_OK)
			rc = db_error(t);
	}
	if (rc) {
		ix_trend_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

int ix_trend_new(sqlite3 *db, ix_trend **out)
{
	return trend_new(db, NULL, false, out);
}

void ix_trend_free(ix_trend *t)
{
	if (!t)
		return;
	clear_columns(t);
	free(t->cols);
	clear_members(t);
	free(t->members);
	for (int i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(t->q[i]);
	free(t);
}

int ix_trend_render(ix_trend *t, int64_t agency_ino, ix_tnode *f)
{
	sqlite3_stmt *st = t->q[Q_MEMBERS];
	sqlite3_bind_int64(st, 1, agency_ino);
	int rc = 0, step;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = add_member(t, sqlite3_column_int64(st, 0),
				text_or(st, 1, ""), false);
	if (!rc && step != SQLITE_DONE)
		rc = db_error(t);
	sqlite3_reset(st);
	if (!rc)
		rc = render_file(t, f);
	clear_members(t);
	return rc;
}

int ix_trend_build(sqlite3 *db, FILE *err, ix_inos *inos)
{
	trend *t;
	int rc = trend_new(db, err, true, &t);
	if (rc)
		return rc;
	char *agency = NULL;
	sqlite3_stmt *st = t->q[Q_REPORTS];
	int step = SQLITE_DONE;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *dir = text_or(st, 1, "");
		if (agency && strcmp(agency, dir)) {
			rc = finish_agency(t, agency, inos);
			free(agency);
			agency = NULL;
		}
		if (!rc && !agency && !(agency = strdup(dir)))
			rc = -ENOMEM;
		if (!rc)
			rc = add_member(t, sqlite3_column_int64(st, 0),
					text_or(st, 2, ""),
					sqlite3_column_int(st, 3));
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_error(t);
	if (!rc && agency)
		rc = finish_agency(t, agency, inos);
	if (rc == -ENOMEM)
		ix_say(err, "%s: out of memory", sqlite3_db_filename(db, "main"));
	free(agency);
	ix_trend_free(t);
	return rc;
}
