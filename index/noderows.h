/*
 * noderows.h — the node rows of the tree being built (noderows.c), as
 * tree.c adds them: numbered at once, inserted in batches.
 */
#ifndef IX_NODEROWS_H
#define IX_NODEROWS_H

#include "ix.h"
#include "tnode.h"
#include "prerender.h"

typedef struct ix_noderows ix_noderows;

/* Rows inserted into db's node table, numbered by inos.  0, -ENOMEM or
 * -EIO (said on err). */
int ix_noderows_new(sqlite3 *db, FILE *err, ix_inos *inos, ix_noderows **out);
void ix_noderows_free(ix_noderows *t);

/* Numbers a node under parent, a directory (f NULL, of nlink) or the
 * report's file of rank part (sizes and digest f), into *ino, and keeps
 * its row; name must live until ix_noderows_insert.  0 or a negative
 * errno. */
int ix_noderows_add(ix_noderows *t, int64_t parent, const char *name,
		    const ix_pnode *f, int64_t part, int64_t mtime_ns,
		    uint32_t nlink, int64_t report, int64_t *ino);
/* n and everything below it, children in name order (as rendered), files
 * from *rank on. */
int ix_noderows_add_tree(ix_noderows *t, int64_t parent, const ix_tnode *n,
			 int64_t mtime_ns, int64_t report, int64_t *rank);
/* The nodes of a parsed report's record p, its year directory named
 * year_dir: as ix_noderows_add_tree numbers a rendered one.  -EIO when p
 * is not as prerender.c writes records. */
int ix_noderows_add_record(ix_noderows *t, int64_t parent,
			   const ix_prerendered *p, const char *year_dir,
			   int64_t mtime_ns, int64_t report);
/* Inserts the rows kept so far.  0, -ENOMEM or -EIO (said on err). */
int ix_noderows_insert(ix_noderows *t);

#endif
