/*
 * prerender.h — a parsed report's files measured on the worker that parsed
 * it (prerender.c), kept as a record until the tree phase (spill.c) names
 * and inserts their nodes (tree.c).
 */
#ifndef IX_PRERENDER_H
#define IX_PRERENDER_H

#include "ix.h"
#include "tnode.h"
#include "dataset.h"
#include "rows.h"

/* A worker's: what rendering needs, reused from report to report. */
typedef struct ix_prerender ix_prerender;

/* 0 or -ENOMEM. */
int ix_prerender_new(ix_prerender **out);
void ix_prerender_free(ix_prerender *w);
/* Report r's record into rec (reset first): every file's sizes and digest,
 * meta.json's up to its checks across years, the sections' directories,
 * its tables and own checks.  source and sha256: its raw file's path and
 * SHA-256.  0 or -ENOMEM. */
int ix_prerender_report(ix_prerender *w, const nb_report *r,
			const char *source, const char *sha256, nb_buf *rec);

/* Levels of a record's nodes: the year directory, a section's, its files. */
#define IX_RECORD_DEPTH 3

/* A node of the year directory (depth 0) or below it, depth first with
 * every directory's children in name order (add_tree's order, tree.c). */
typedef struct {
	const char *name;	/* into the record; the year directory's "" */
	unsigned depth;
	bool is_dir, has_unix;
	bool meta;		/* meta.json: len and digest not final */
	uint32_t nlink;		/* a directory's */
	int64_t len, len_unix, digest;
} ix_pnode;

/* A record's files read back, pointing into it. */
typedef struct {
	ix_pnode *nodes;
	size_t nnodes;
	ix_secdirs dirs;	/* only those not plain; dir into the record */
	ix_hstream meta;	/* meta.json's first bytes hashed */
	ix_json json;		/* ... and the writer's state after them */
	const char *tail;	/* what follows its checks across years */
	size_t tail_len;
} ix_prerendered;

/* Record rec (len bytes, kept while *out is used) into *out.  0, -ENOMEM,
 * or -EIO when it is not a record. */
int ix_prerendered_read(const char *rec, size_t len, ix_prerendered *out);
void ix_prerendered_free(ix_prerendered *p);

/* A record's tables and own checks, as rows.c loads them (ix_rows_load,
 * ix_rows_checks) but for the cells' raw text and note, which _all's
 * records do not read: pointing into the record. */
typedef struct {
	ix_table *tables;
	size_t ntables;
	ix_check *checks;
	size_t nchecks;
	ix_row *rows;		/* the tables' */
	ix_cell *cells;
	const char **headers;
} ix_recdata;

/* Record rec (len bytes) into *out.  0, -ENOMEM, or -EIO when it is not
 * a record. */
int ix_record_data(const char *rec, size_t len, ix_recdata *out);
void ix_recdata_free(ix_recdata *d);

/* On reader w of the tree phase (tree.c): report id's record, read from s
 * into rec and *out, its meta.json finished with its checks across years
 * (read on rows), its tables handed to trends.  0, -ENOMEM or -EIO
 * (message on err, naming where: the index being built). */
int ix_record_finish(const ix_spill *s, ix_rows *rows, ix_trends *trends,
		     unsigned w, int64_t id, const char *where, FILE *err,
		     nb_buf *rec, ix_prerendered *out);

#endif
