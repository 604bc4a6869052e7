/*
 * rows.h — one report's tables, headers and checks read back from the
 * index's packed rows (cellpack.c, checkpack.c, rows.c), for the files
 * rendered from them (reptree.c, figures.c, dataset.c, crossyear.c) and
 * the tests.  Kept apart from ix.h, which every file of index/ reads.
 */
#ifndef IX_ROWS_H
#define IX_ROWS_H

#include "ix.h"
#include "tnode.h"

/* A cell as the view cell shows it (each string NULL for none). */
typedef struct {
	int state;		/* IX_CELL_* */
	const char *raw, *value, *note;
} ix_cell;

/* A parsed cell as packing it and reading it back gives it (cellpack.c):
 * strings pointing into cell. */
ix_cell ix_cell_of(const nb_cell *cell);

typedef struct {
	ix_cell *v;
	size_t n, cap;
} ix_cellv;

/* Appends the cells of s, a row's packing (ix_cells_pack's), decoded in
 * place: their strings point into s.  0, -ENOMEM, or -EINVAL when s is not
 * such a packing (out->n then as it was). */
int ix_cells_unpack(char *s, ix_cellv *out);

typedef struct {
	int64_t *v;
	size_t n, cap;
} ix_idv;

/* Appends the str ids of s, a JSON array of them (a table's headers), 0
 * for null.  0, -ENOMEM or -EINVAL. */
int ix_ids_unpack(const char *s, ix_idv *out);

/* The packings' reading, shared with checkpack.c: s past JSON whitespace;
 * an id (a non-negative integer) or null at s, 0 for null, and the byte
 * after it, NULL when there is neither. */
const char *ix_json_skip_ws(const char *s);
const char *ix_json_take_id(const char *s, int64_t *id);

/* A table's row as the view table_row shows it, with its cells. */
typedef struct {
	int64_t no;
	const char *label, *printed;
	bool extra;
	const ix_cell *cells;	/* by column, as many as were packed */
	size_t ncells;
} ix_row;

/* A table as report_table shows it, with its headers (table_column's) and
 * its rows. */
typedef struct {
	int64_t no, kind, ncols, nrows;
	const char *format, *name, *label_header;
	const char *const *headers;	/* by column, as many as were packed */
	size_t nheaders;
	const ix_row *rows;	/* its stored rows, in row_no order */
	size_t nrowv;
} ix_table;

/* Reads reports' tables on one connection, straight from stored_table,
 * stored_row and str (rows.c): the one way the tree phase reads them. */
typedef struct ix_rows ix_rows;
/* 0, -ENOMEM or -EIO (message on err). */
int ix_rows_new(sqlite3 *db, FILE *err, ix_rows **out);
void ix_rows_free(ix_rows *r);
/* Report's tables in tbl_no order into *tables, valid until the next load.
 * 0, -ENOMEM or -EIO. */
int ix_rows_load(ix_rows *r, int64_t report, const ix_table **tables,
		 size_t *n);
/* The text of str id (0: none), NULL when there is none; valid as long as
 * r.  0, -ENOMEM or -EIO. */
int ix_rows_str(ix_rows *r, int64_t id, const char **out);

/* The tables of the report t rendered last (ix_reptree_render_dirs, or
 * none when it failed), as it loaded them: valid until its next render. */
void ix_reptree_tables(const ix_reptree *t, const ix_table **v, size_t *n);

/* A check as check_result shows it (each string NULL for none). */
typedef struct {
	const char *rule, *subject, *detail;
	bool ok;
} ix_check;

/* Report's checks across years alone (crossyear.c's), as ix_rows_checks
 * gives them after its own.  0, -ENOMEM or -EIO. */
int ix_rows_cross(ix_rows *r, int64_t report, const ix_check **checks,
		  size_t *n);

/* Report's checks in check_result's order (its own, then across years)
 * into *checks, valid until the next call.  0, -ENOMEM or -EIO. */
int ix_rows_checks(ix_rows *r, int64_t report, const ix_check **checks,
		   size_t *n);

#endif
