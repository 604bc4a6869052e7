/*
 * reptree.c — one report's files rendered from the index's rows: its
 * data read back (repsrc.h) and rendered by reprender.c.  What the fs
 * serves when a file is read (rendered.c), and what the build renders of
 * a report copied from an old index whose files changed (tree.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "ix.h"
#include "tnode.h"
#include "repsrc.h"

/* ---- statements ------------------------------------------------------------ */

enum {
	Q_REPORT, Q_SECTIONS, Q_SECTION_DIR, Q_WARNINGS, Q_NOTES, Q_COUNT
};

static const char *const sql[Q_COUNT] = {
	[Q_REPORT] = "SELECT r.agency, r.agency_as_printed, r.agency_source,"
		" r.year, r.year_rule, r.title, r.published, r.format,"
		" r.encoding, r.traditional, t.text, s.path, s.sha256"
		" FROM stored_report r JOIN report_text t ON t.id = r.id"
		" JOIN source s ON s.id = r.id WHERE r.id = ?",
	[Q_SECTIONS] = "SELECT seq, number, name, heading, text, canonical"
		" FROM section WHERE report = ? ORDER BY seq",
	/* NULL when it is N-name, as the view section then shows it */
	[Q_SECTION_DIR] = "UPDATE stored_section SET dir = ?1 WHERE report = ?2"
		" AND seq = ?3 AND dir IS NOT ?1",
	[Q_WARNINGS] = "SELECT text FROM warning WHERE report = ? ORDER BY seq",
	[Q_NOTES] = "SELECT text FROM note WHERE report = ? ORDER BY seq",
};

/* A string read, as its offset in the texts of a load (NONE: NULL), until
 * they stop moving. */
#define NONE SIZE_MAX

struct ix_reptree {
	sqlite3 *db;
	FILE *err;
	bool name_sections;	/* record each section's directory (the build) */
	sqlite3_stmt *q[Q_COUNT];
	ix_rows *rows;		/* the report's tables */
	const ix_table *tables;	/* ... as the last render loaded them */
	size_t ntables;
	ix_renderer render;
	/* a load's sections, warnings and notes: */
	nb_buf text;
	ix_src_section *secs;
	size_t nsecs, scap;
	const char **strs;	/* the warnings, then the notes */
	size_t nstrs, strcap;
};

static int db_error(ix_reptree *t)
{
	ix_say_db(t->err, t->db);
	return -EIO;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* A column's text copied into t->text, as its offset cast to a pointer
 * until settle_text. */
static const char *keep(ix_reptree *t, sqlite3_stmt *st, int col)
{
	const char *s = col_text(st, col);
	if (!s)
		return (const char *)NONE;
	size_t at = t->text.len;
	nb_buf_add(&t->text, s, (size_t)sqlite3_column_bytes(st, col) + 1);
	return (const char *)at;
}

static const char *settle(const ix_reptree *t, const char *at)
{
	return (size_t)at == NONE ? NULL : t->text.s + (size_t)at;
}

static int load_sections(ix_reptree *t, int64_t id)
{
	sqlite3_stmt *st = t->q[Q_SECTIONS];
	sqlite3_bind_int64(st, 1, id);
	int rc = 0, step;
	t->nsecs = 0;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		ix_src_section *v = nb_grow(t->secs, &t->scap, t->nsecs + 1,
					    sizeof *v, 16);
		if (!v) {
			rc = -ENOMEM;
			break;
		}
		t->secs = v;
		v[t->nsecs++] = (ix_src_section){
			.seq = sqlite3_column_int64(st, 0),
			.number = sqlite3_column_int(st, 1),
			.name = keep(t, st, 2),
			.heading = keep(t, st, 3),
			.text = keep(t, st, 4),
			.canonical = sqlite3_column_int(st, 5),
		};
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_error(t);
	sqlite3_reset(st);
	return rc;
}

/* The texts of statement which (a warning's or note's) for report id,
 * appended to t->strs. */
static int load_strings(ix_reptree *t, int which, int64_t id)
{
	sqlite3_stmt *st = t->q[which];
	sqlite3_bind_int64(st, 1, id);
	int rc = 0, step;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char **v = nb_grow(t->strs, &t->strcap, t->nstrs + 1,
					 sizeof *v, 16);
		if (!v) {
			rc = -ENOMEM;
			break;
		}
		t->strs = v;
		v[t->nstrs++] = keep(t, st, 0);
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_error(t);
	sqlite3_reset(st);
	return rc;
}

/* Report id's data into *src; its facts stay in the row of Q_REPORT,
 * reset after rendering. */
static int load(ix_reptree *t, int64_t id, ix_repsrc *src)
{
	sqlite3_stmt *st = t->q[Q_REPORT];
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW)
		return db_error(t);
	nb_buf_reset(&t->text);
	t->nstrs = 0;
	int rc = load_sections(t, id);
	size_t nwarnings = 0;
	if (!rc)
		rc = load_strings(t, Q_WARNINGS, id);
	if (!rc) {
		nwarnings = t->nstrs;
		rc = load_strings(t, Q_NOTES, id);
	}
	if (!rc)
		rc = ix_rows_load(t->rows, id, &t->tables, &t->ntables);
	const ix_check *checks = NULL;
	size_t nchecks = 0;
	if (!rc)
		rc = ix_rows_checks(t->rows, id, &checks, &nchecks);
	if (!rc && t->text.oom)
		rc = -ENOMEM;
	if (rc)
		return rc;
	for (size_t i = 0; i < t->nsecs; i++) {
		ix_src_section *s = &t->secs[i];
		s->name = settle(t, s->name);
		s->heading = settle(t, s->heading);
		s->text = settle(t, s->text);
	}
	for (size_t i = 0; i < t->nstrs; i++)
		t->strs[i] = settle(t, t->strs[i]);
	*src = (ix_repsrc){
		.agency = col_text(st, 0),
		.agency_as_printed = col_text(st, 1),
		.agency_source = col_text(st, 2),
		.year = sqlite3_column_int(st, 3),
		.year_rule = col_text(st, 4),
		.title = col_text(st, 5),
		.published = col_text(st, 6),
		.format = col_text(st, 7),
		.encoding = col_text(st, 8),
		.traditional = sqlite3_column_int(st, 9),
		.text = col_text(st, 10),
		.source = col_text(st, 11),
		.sha256 = col_text(st, 12),
		.sections = t->secs,
		.nsections = t->nsecs,
		.tables = t->tables,
		.ntables = t->ntables,
		.warnings = t->strs,
		.nwarnings = nwarnings,
		.notes = t->strs + nwarnings,
		.nnotes = t->nstrs - nwarnings,
		.checks = checks,
		.nchecks = nchecks,
	};
	return 0;
}

int ix_reptree_name_sections(ix_reptree *t, int64_t id,
			     const ix_secdirs *dirs)
{
	sqlite3_stmt *up = t->q[Q_SECTION_DIR];
	int rc = 0;
	for (size_t i = 0; i < dirs->n && !rc; i++) {
		if (dirs->v[i].dir)
			sqlite3_bind_text(up, 1, dirs->v[i].dir, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(up, 1);
		sqlite3_bind_int64(up, 2, id);
		sqlite3_bind_int64(up, 3, dirs->v[i].seq);
		if (sqlite3_step(up) != SQLITE_DONE)
			rc = db_error(t);
		sqlite3_reset(up);
	}
	return rc;
}

int ix_reptree_render(ix_reptree *t, int64_t id, ix_tnode *year)
{
	if (!t->name_sections)
		return ix_reptree_render_dirs(t, id, year, NULL);
	ix_secdirs dirs = {0};
	int rc = ix_reptree_render_dirs(t, id, year, &dirs);
	if (!rc && (rc = ix_reptree_name_sections(t, id, &dirs)))
		ix_tnode_free(year);
	ix_secdirs_free(&dirs);
	return rc;
}

int ix_reptree_render_dirs(ix_reptree *t, int64_t id, ix_tnode *year,
			   ix_secdirs *dirs)
{
	t->tables = NULL;
	t->ntables = 0;
	ix_repsrc src;
	int rc = load(t, id, &src);
	if (!rc)
		rc = ix_render_report(&t->render, &src, year, dirs, NULL);
	sqlite3_reset(t->q[Q_REPORT]);
	if (rc) {
		t->tables = NULL;
		t->ntables = 0;
	}
	return rc;
}

void ix_reptree_tables(const ix_reptree *t, const ix_table **v, size_t *n)
{
	*v = t->tables;
	*n = t->ntables;
}

int ix_reptree_new(sqlite3 *db, FILE *err, bool name_sections,
		   ix_reptree **out)
{
	ix_reptree *t = calloc(1, sizeof *t);
	if (!t)
		return -ENOMEM;
	*t = (ix_reptree){.db = db, .err = err, .name_sections = name_sections};
	int rc = ix_rows_new(db, err, &t->rows);
	for (int i = 0; i < Q_COUNT && !rc; i++) {
		if (i == Q_SECTION_DIR && !name_sections)
			continue;
		if (sqlite3_prepare_v3(db, sql[i], -1, SQLITE_PREPARE_PERSISTENT,
				       &t->q[i], NULL) != SQLITE_OK)
			rc = db_error(t);
	}
	if (rc) {
		ix_reptree_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

void ix_reptree_free(ix_reptree *t)
{
	if (!t)
		return;
	for (int i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(t->q[i]);
	ix_rows_free(t->rows);
	ix_renderer_free(&t->render);
	nb_buf_free(&t->text);
	free(t->secs);
	free(t->strs);
	free(t);
}
