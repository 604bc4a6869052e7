/*
 * memsrc.h — a parsed report as the data its files are rendered from
 * (memsrc.c), for the build's workers (prerender.c).
 */
#ifndef IX_MEMSRC_H
#define IX_MEMSRC_H

#include "repsrc.h"

/* The arrays a report's data needs, reused from report to report. */
typedef struct ix_memsrc ix_memsrc;

/* 0 or -ENOMEM. */
int ix_memsrc_new(ix_memsrc **out);
void ix_memsrc_free(ix_memsrc *m);
/* r's data (source its raw file's path, sha256 its SHA-256) into *out,
 * pointing into r and m until the next call.  Its checks are r's own.
 * 0 or -ENOMEM. */
int ix_memsrc_of(ix_memsrc *m, const nb_report *r, const char *source,
		 const char *sha256, ix_repsrc *out);

#endif
