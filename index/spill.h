/*
 * spill.h — records kept on disk by report id while a build runs
 * (spill.c): the parsed reports' measured files (prerender.c), written by
 * the writer as it stores each report, read by the tree phase's readers.
 */
#ifndef IX_SPILL_H
#define IX_SPILL_H

#include "ix.h"

/* A file of records beside path (a file name: in its directory), gone once
 * closed.  0 or -errno (message on err). */
int ix_spill_new(const char *path, FILE *err, ix_spill **out);
void ix_spill_free(ix_spill *s);
/* Appends report id's record (ids added in any order, each once).  0 or
 * -errno / -ENOMEM (message on err). */
int ix_spill_add(ix_spill *s, int64_t id, const void *rec, size_t len);
/* Every record written and findable; none added after.  0 or -errno. */
int ix_spill_finish(ix_spill *s);
/* Whether report id has a record (after finish). */
bool ix_spill_has(const ix_spill *s, int64_t id);
/* Report id's record into out (reset first); any thread, after finish.
 * 0, -ENOENT when it has none, -errno or -ENOMEM. */
int ix_spill_read(const ix_spill *s, int64_t id, nb_buf *out);

#endif
