/*
 * tnode.h — one report's files as a tree with their bytes (tnode.c), how
 * they are rendered from the index's rows (reptree.c), and their digests
 * (digest.c), which tell inodes.c that a file not stored is unchanged.
 * Apart from ix.h: only the files that render or number reports' files
 * and the tests need it.
 */
#ifndef IX_TNODE_H
#define IX_TNODE_H

#include "ix.h"

/* ---- one report's files (tnode.c, reptree.c) ------------------------------ */

/* A file or directory of a report's year directory, with its bytes. */
typedef struct ix_tnode {
	char *name;
	bool is_dir;
	nb_buf data;		/* a CSV's excel dialect: BOM, CRLF */
	nb_buf data_unix;	/* CSV only: the LF, BOM-less dialect */
	bool has_unix;
	int64_t digest;		/* ix_tnode_digest's, once it ran */
	struct ix_tnode *kids;
	size_t nkids, cap;
} ix_tnode;

void ix_tnode_free(ix_tnode *t);
/* Adds a child named name (taken over; made unique with "~k" before
 * suffix).  NULL on ENOMEM (name is freed). */
ix_tnode *ix_tnode_add(ix_tnode *dir, char *name, const char *suffix,
		       bool is_dir);
/* Whether an allocation failed anywhere below t. */
bool ix_tnode_oom(const ix_tnode *t);
/* Sorts every directory's children by name, the order files are counted
 * in. */
void ix_tnode_sort(ix_tnode *n);

/* The statements that render reports from one connection's rows. */
typedef struct ix_reptree ix_reptree;

/* With name_sections (the build), rendering also records each section's
 * directory name in section.dir.  0, -ENOMEM or -EIO (message on err). */
int ix_reptree_new(sqlite3 *db, FILE *err, bool name_sections,
		   ix_reptree **out);
void ix_reptree_free(ix_reptree *t);
/* Renders every file of report id into *year, a directory without a name
 * whose children are in name order at every level.  0, -ENOMEM or -EIO. */
int ix_reptree_render(ix_reptree *t, int64_t id, ix_tnode *year);
/* A section's directory as the build records it in stored_section.dir:
 * dir NULL when it is the plain "<number>-<name>". */
typedef struct {
	int64_t seq;
	char *dir;
} ix_secdir;

typedef struct {
	ix_secdir *v;
	size_t n, cap;
} ix_secdirs;

void ix_secdirs_free(ix_secdirs *d);
/* As ix_reptree_render, from a connection that only reads (t made without
 * name_sections): the section directories are added to *dirs, for
 * ix_reptree_name_sections on the writer's. */
int ix_reptree_render_dirs(ix_reptree *t, int64_t id, ix_tnode *year,
			   ix_secdirs *dirs);
/* Records report id's section directories (t made with name_sections).
 * 0 or -EIO. */
int ix_reptree_name_sections(ix_reptree *t, int64_t id,
			     const ix_secdirs *dirs);
/* The file of rank rank below year: files counted from 0 depth first,
 * children in name order (node.part).  NULL when there is none. */
const ix_tnode *ix_tnode_file(const ix_tnode *year, int64_t rank);

/* A well-mixed 64-bit hash of len bytes (digest.c). */
uint64_t ix_hash64(const void *data, size_t len, uint64_t seed);
/* ix_hash64 of bytes given in pieces: init with the seed, add each piece,
 * end (which leaves the state as it was). */
typedef struct {
	uint64_t lane[4];
	uint64_t len;
	unsigned char pend[32];	/* the bytes of a block not yet whole */
	size_t npend;
} ix_hstream;

void ix_hstream_init(ix_hstream *s, uint64_t seed);
void ix_hstream_add(ix_hstream *s, const void *data, size_t n);
uint64_t ix_hstream_end(const ix_hstream *s);
/* A 64-bit digest of a rendered file's bytes in both dialects (digest.c):
 * what tells inodes.c that a file not stored is unchanged. */
int64_t ix_digest(const ix_tnode *f);
/* ix_digest of a file without a unix dialect whose bytes are added to s
 * (ix_hstream_add) in pieces, between begin and end. */
void ix_digest_begin(ix_hstream *s);
int64_t ix_digest_end(const ix_hstream *s);
/* Sets the digest of every file below t. */
void ix_tnode_digest(ix_tnode *t);

#endif
