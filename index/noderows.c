/*
 * noderows.c — the node table's rows of the tree being built (tree.c),
 * numbered as they come (inodes.c) and inserted many to a statement.
 *
 * A directory or a report's file, the latter stored as its sizes and
 * digest only: from a year directory rendered from the index (ix_tnode),
 * or from a parsed report's record (prerender.c).
 */
#include <errno.h>
#include <stdlib.h>

#include "noderows.h"
#include "store.h"
#include "tnode.h"

/* A report's nodes go in together, many to a statement (batch.c): a
 * statement run per node (21 a report) cost the writer more than the
 * B-tree inserts.  OR FAIL: a statement of many rows that may abort
 * keeps a statement journal, in WAL mode (this phase's) a temporary
 * file past 64 KiB: 208,000 pwrite calls at 10,000 reports.  A failed
 * insert fails the build, which is thrown away whole. */
static const char insert_head[] = "INSERT OR FAIL INTO node(ino, parent,"
	" name, is_dir, size, size_unix, mtime_ns, nlink, report, part,"
	" digest) VALUES";
#define INSERT_PARAMS 11

/* A node's row until it is inserted: a directory, or a report's file of
 * rank part, stored as its sizes and digest (f); name points into what is
 * being inserted. */
typedef struct {
	int64_t ino, parent, mtime_ns, report, part;
	const char *name;
	bool file;
	ix_pnode f;
	uint32_t nlink;
} node_row;

struct ix_noderows {
	sqlite3 *db;
	FILE *err;
	ix_inos *inos;
	ix_batch *insert;
	node_row *rows;
	size_t nrows, cap;
};

static void bind_node(void *ctx, sqlite3_stmt *st, int b, size_t i)
{
	const node_row *n = &((const ix_noderows *)ctx)->rows[i];
	const ix_pnode *f = n->file ? &n->f : NULL;
	sqlite3_bind_int64(st, b + 1, n->ino);
	sqlite3_bind_int64(st, b + 2, n->parent);
	sqlite3_bind_text(st, b + 3, n->name, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, b + 4, !f);
	sqlite3_bind_int64(st, b + 5, f ? f->len : 0);
	if (f && f->has_unix)
		sqlite3_bind_int64(st, b + 6, f->len_unix);
	sqlite3_bind_int64(st, b + 7, n->mtime_ns);
	sqlite3_bind_int64(st, b + 8, n->nlink);
	if (n->report)
		sqlite3_bind_int64(st, b + 9, n->report);
	if (f) {
		sqlite3_bind_int64(st, b + 10, n->part);
		sqlite3_bind_int64(st, b + 11, f->digest);
	}
}

int ix_noderows_insert(ix_noderows *t)
{
	int rc = ix_batch_insert(t->insert, t->nrows, bind_node, t);
	t->nrows = 0;
	if (rc == -EIO)
		ix_say_db(t->err, t->db);
	return rc;
}

int ix_noderows_add(ix_noderows *t, int64_t parent, const char *name,
		    const ix_pnode *f, int64_t part, int64_t mtime_ns,
		    uint32_t nlink, int64_t report, int64_t *ino)
{
	int rc = 0;
	if (f) {
		rc = ix_inos_assign_rendered(t->inos, parent, name, mtime_ns,
					     f->len, f->digest, ino);
	} else {
		rc = ix_inos_assign_dir(t->inos, parent, name, mtime_ns, ino);
	}
	if (rc)
		return rc;
	node_row *v = nb_grow(t->rows, &t->cap, t->nrows + 1, sizeof *v,
			      64);
	if (!v)
		return -ENOMEM;
	t->rows = v;
	v[t->nrows++] = (node_row){.ino = *ino, .parent = parent,
				   .mtime_ns = mtime_ns, .report = report,
				   .part = part, .name = name, .file = f,
				   .f = f ? *f : (ix_pnode){0}, .nlink = nlink};
	return 0;
}

int ix_noderows_add_tree(ix_noderows *t, int64_t parent, const ix_tnode *n,
			 int64_t mtime_ns, int64_t report, int64_t *rank)
{
	if (!n->is_dir) {
		int64_t ino;
		ix_pnode f = {.len = (int64_t)n->data.len,
			      .has_unix = n->has_unix,
			      .len_unix = (int64_t)n->data_unix.len,
			      .digest = n->digest};
		return ix_noderows_add(t, parent, n->name, &f, (*rank)++, mtime_ns, 1,
				report, &ino);
	}
	uint32_t nlink = 2;
	for (size_t i = 0; i < n->nkids; i++)
		nlink += n->kids[i].is_dir;
	int64_t ino;
	int rc = ix_noderows_add(t, parent, n->name, NULL, 0, mtime_ns, nlink,
			  report, &ino);
	for (size_t i = 0; i < n->nkids && !rc; i++)
		rc = ix_noderows_add_tree(t, ino, &n->kids[i], mtime_ns, report, rank);
	return rc;
}

int ix_noderows_add_record(ix_noderows *t, int64_t parent,
			   const ix_prerendered *p, const char *year_dir,
			   int64_t mtime_ns, int64_t report)
{
	/* each depth's directory so far (the year's at 0) */
	int64_t dirs[IX_RECORD_DEPTH];
	int64_t rank = 0;
	int rc = 0;
	for (size_t i = 0; i < p->nnodes && !rc; i++) {
		const ix_pnode *n = &p->nodes[i];
		if (n->depth >= IX_RECORD_DEPTH || (!n->depth) != !i)
			return -EIO;	/* not as prerender.c writes */
		int64_t up = n->depth ? dirs[n->depth - 1] : parent;
		const char *name = n->depth ? n->name : year_dir;
		int64_t ino;
		if (n->is_dir)
			rc = ix_noderows_add(t, up, name, NULL, 0, mtime_ns, n->nlink,
				      report, &dirs[n->depth]);
		else
			rc = ix_noderows_add(t, up, name, n, rank++, mtime_ns, 1,
				      report, &ino);
	}
	return rc;
}

int ix_noderows_new(sqlite3 *db, FILE *err, ix_inos *inos, ix_noderows **out)
{
	ix_noderows *t = calloc(1, sizeof *t);
	if (!t)
		return -ENOMEM;
	*t = (ix_noderows){.db = db, .err = err, .inos = inos};
	int rc = ix_batch_new(db, insert_head, INSERT_PARAMS, &t->insert);
	if (rc) {
		if (rc == -EIO)
			ix_say_db(err, db);
		free(t);
		return rc;
	}
	*out = t;
	return 0;
}

void ix_noderows_free(ix_noderows *t)
{
	if (!t)
		return;
	ix_batch_free(t->insert);
	free(t->rows);
	free(t);
}
