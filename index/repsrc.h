/*
 * repsrc.h — one report's data as its files are rendered from it
 * (reprender.c): read back from the index (reptree.c: the fs reading a
 * file, a report copied from an old index) or taken from the report just
 * parsed (memsrc.c: the build, on the worker that parsed it).  The one
 * rendering code makes both, so what is served is byte for byte what the
 * build measured.
 */
#ifndef IX_REPSRC_H
#define IX_REPSRC_H

#include "ix.h"
#include "tnode.h"
#include "rows.h"

/* A section as the view section shows it (each string NULL for none). */
typedef struct {
	int64_t seq;
	int number, canonical;
	const char *name, *heading, *text;
} ix_src_section;

/* What a report's files are made of.  Strings NULL for none. */
typedef struct {
	/* the report's own fields, as the row of report shows them */
	const char *agency, *agency_as_printed, *agency_source, *year_rule,
		*title, *published, *format, *encoding, *text;
	int year;
	bool traditional;
	const char *source, *sha256;	/* its raw file's path and SHA-256 */
	const ix_src_section *sections;
	size_t nsections;
	const ix_table *tables;
	size_t ntables;
	const char *const *warnings, *const *notes;
	size_t nwarnings, nnotes;
	const ix_check *checks;	/* its own, then across years */
	size_t nchecks;
} ix_repsrc;

/* Scratch of the rendering, reused from report to report: start zeroed,
 * ix_renderer_free at the end. */
typedef struct {
	const char **cells;	/* a table's CSV fields */
	size_t cap;
	nb_buf scratch;		/* a file being rendered */
} ix_renderer;

void ix_renderer_free(ix_renderer *r);

/* meta.json cut where the checks across years go, which a build knows
 * only once every report is parsed: the file's bytes before them are
 * meta.json's node's data; json is the writer's state there (b unset), tail
 * what follows them to the end.  ix_meta_finish completes it. */
typedef struct {
	ix_json json;
	nb_buf tail;
} ix_meta_split;

/* Every file of src into *year (a directory without a name, children in
 * name order at every level); each section's directory added to *dirs
 * (dirs NULL: not).  With split, src's checks are its own only and
 * meta.json stops where the others go (above).  0 or -ENOMEM. */
int ix_render_report(ix_renderer *r, const ix_repsrc *src, ix_tnode *year,
		     ix_secdirs *dirs, ix_meta_split *split);

/* The size and digest of meta.json whose first bytes went into s (their
 * count in s->len), the checks across years v (n) following, then tail;
 * json the state split left.  0 or -ENOMEM. */
int ix_meta_finish(const ix_hstream *s, const ix_json *json,
		   const ix_check *v, size_t n, const char *tail,
		   size_t tail_len, int64_t *size, int64_t *digest);

#endif
