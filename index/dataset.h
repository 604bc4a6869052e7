/*
 * dataset.h — the whole collection as a dataset: _all's files and their
 * blocks, 趋势.csv, and the lists and unions they are made of (union.c,
 * allfiles.c, blocks.c, blockcache.c, dataset.c, alltree.c, figures.c,
 * trend.c, trendbuild.c, chunks.c).  Kept apart from ix.h, which every file of index/
 * reads, because only these and their callers need it.
 */
#ifndef IX_DATASET_H
#define IX_DATASET_H

#include "ix.h"
#include "tnode.h"
#include "rows.h"

/* ---- the whole collection as a dataset (union.c, allfiles.c, dataset.c,
 *      alltree.c, trend.c, chunks.c) ------------------------------------ */

/* A growable list of strings, each malloc'd. */
typedef struct {
	char **v;
	size_t n, cap;
} ix_strv;

/* Appends a copy of s.  0 or -ENOMEM. */
int ix_strv_push(ix_strv *l, const char *s);
/* The index of s in l, or -1. */
long ix_strv_find(const ix_strv *l, const char *s);
/* The same, looking from *hint on (and then from the start), and setting
 * *hint past what it found: lists searched in their own order find each
 * string where the last left off. */
long ix_strv_find_from(const ix_strv *l, const char *s, size_t *hint);
void ix_strv_free(ix_strv *l);

/*
 * Merges the sequence s[0..n) into the union u, keeping every sequence's
 * order: a label already in u is an anchor, and a run of new labels goes
 * just before the next anchor of s (at the end when there is none).  Merging
 * the 2019 format's labels, then the 2021 format's, gives both formats'
 * labels in template order.  0 or -ENOMEM.
 */
int ix_union_merge(ix_strv *u, const char *const *s, size_t n);

/* The agency directory name, changed when it starts with '_' so that no
 * agency can clash with _all: "_x" becomes "＿x".  Returns name or its
 * replacement (name freed), NULL on ENOMEM. */
char *ix_all_agency_dir(char *name);

/* _all's files and its reports in their order (dataset.c), made before
 * the readers open (tree.c): the report rows it reads are in the
 * writer's cache then, which turning the file to WAL drops (4,250 pread
 * calls at 10,000 reports, strace -k).  0, -ENOMEM or -EIO. */
typedef struct ix_dataset ix_dataset;
int ix_dataset_new(sqlite3 *db, FILE *err, ix_dataset **out);
/*
 * After the tree (tree.c): renders the chunks of _all on every reader (a
 * report unchanged since the old index, attached as "old", keeps its
 * chunks), lays them out by year then agency, and inserts the _all
 * directory at all_ino with its files numbered by inos (alltree.c).
 * spill: the records of the reports parsed in this build (NULL: none).
 * 0, -ENOMEM, -EIO or NB_CANCELLED.
 */
int ix_dataset_build(ix_dataset *d, int64_t all_ino, int64_t mtime_ns,
		     ix_inos *inos, ix_readers *readers, const ix_spill *spill,
		     const atomic_int *cancel);
void ix_dataset_free(ix_dataset *d);
/* The order of reports in _all and 趋势.csv is by year, unknown last: an
 * SQL key on report r. */
#define IX_YEAR_LAST 2147483647
#define IX_YEAR_KEY "CASE WHEN r.year > 0 THEN r.year ELSE 2147483647 END"

/* The files of _all that are lists, not tables, first in all_file and
 * without year directories: reports.csv, checks.csv, warnings.csv. */
enum { IX_ALL_REPORTS, IX_ALL_CHECKS, IX_ALL_WARNINGS, IX_ALL_LISTS };

/* A file of _all (allfiles.c). */
typedef struct {
	char *name;		/* the file's name in _all */
	char *label_header;	/* a table's first column header */
	ix_strv seqs;		/* the tables' distinct column sequences */
	ix_strv cols;		/* their union: the file's value columns */
	int64_t id;		/* in all_file */
	bool changed;		/* not as in the old index: render every chunk */
} ix_allfile;

typedef struct {
	ix_allfile *v;		/* the lists, then one file per table name */
	size_t n, cap;
	bool tables_changed;	/* some table's file must be rendered again */
} ix_allfiles;

/* Every file of _all with its header, stored in all_file; with old (the
 * old index attached), a file is changed unless its header is the old
 * one.  0, -ENOMEM or -EIO. */
int ix_allfiles_make(sqlite3 *db, FILE *err, bool old, ix_allfiles *out);
/* The name in _all of the file of a table (never a list's name); NULL on
 * ENOMEM. */
char *ix_allfiles_name(const char *table);
/* The file of a table, by that name, or NULL. */
ix_allfile *ix_allfiles_find(ix_allfiles *fs, const char *name);
/* A column's key within its table, appended to key: the header, "~k" for
 * the k-th of a header printed twice, so no two columns share a place;
 * seen holds the table's headers so far.  0 or -ENOMEM. */
int ix_allfiles_column_key(ix_strv *seen, const char *header, nb_buf *key);
void ix_allfiles_free(ix_allfiles *fs);
/* Where a table's rows go in _all: its file (an index into ix_allfiles'
 * v; -1: none) and the place in the file's union of each of its columns
 * (place[c], -1: none). */
typedef struct {
	long file;
	long *place;
} ix_layout;
/* Tables' layouts, each found once per name and headers (allfiles.c):
 * most of a template's tables share them, and finding one was half of
 * rendering a report's chunks (callgrind, 1,000 reports).  One a reader. */
typedef struct ix_layouts ix_layouts;
int ix_layouts_new(ix_layouts **out);
/* tb's layout in fs (tb named), found or made, in *out until the next
 * call.  0 or -ENOMEM. */
int ix_layouts_of(ix_layouts *ls, const ix_allfiles *fs, const ix_table *tb,
		  const ix_layout **out);
void ix_layouts_free(ix_layouts *ls);
/* The files of _all compressed in blocks (blocks.c): each file's body is
 * its chunks in report order, packed whole into blocks of about
 * IX_BLOCK_SIZE bytes (measured: README, "Performance"), each one zstd
 * frame at IX_BLOCK_LEVEL. */
#define IX_BLOCK_SIZE 65536
#define IX_BLOCK_LEVEL 3

/* A block decompressed: its bytes (unix dialect) and its body offset. */
typedef struct {
	char *s;
	size_t len, cap;
	int64_t off;
} ix_block;

/* Decompresses the block z (zn bytes, size bytes uncompressed) into b.
 * 0, -ENOMEM, or -EIO when it is not a block of that size. */
int ix_block_unpack(ix_block *b, const void *z, size_t zn, int64_t size);
void ix_block_free(ix_block *b);

/* The blocks decompressed last, shared by the threads serving one opened
 * index (blockcache.c). */
typedef struct ix_block_cache ix_block_cache;
/* 0 or -ENOMEM. */
int ix_block_cache_new(ix_block_cache **out);
void ix_block_cache_free(ix_block_cache *c);
/* As ix_block_unpack, from the cache when one of the last frames
 * decompressed has z's very bytes. */
int ix_block_cache_unpack(ix_block_cache *c, ix_block *b, const void *z,
			  size_t zn, int64_t size);
/* Frames decompressed so far. */
unsigned long ix_block_cache_unpacked(ix_block_cache *c);

/* Writes the blocks and the chunk rows of the files of _all, which the
 * reports' chunks are given to in report order. */
typedef struct ix_blocks ix_blocks;
/* files as ix_allfiles_make made them; old: an old index is attached.
 * 0, -ENOMEM or -EIO. */
int ix_blocks_new(sqlite3 *db, FILE *err, const ix_allfiles *files,
		  bool old, ix_blocks **out);
/* Appends report's records (len bytes, records of them) to the file
 * files->v[file]; at: report's place in the order.  Nothing when they
 * were copied with old blocks.  0, -ENOMEM or -EIO. */
int ix_blocks_add(ix_blocks *w, size_t file, size_t at, int64_t report,
		  const char *data, size_t len, int64_t records);
/* Before any report is given: learns the runs of the order (ids, n of
 * them; kept: which reports kept their chunks) and copies the start of
 * every file whose header is unchanged as the old index has it, as far
 * as the run the order starts with fills its old blocks; later, each time
 * a block ends after the same chunk as an old one, within a run, the old
 * blocks the rest of the run fills are copied.  ids must outlive w.
 * 0, -ENOMEM or -EIO. */
int ix_blocks_keep_ends(ix_blocks *w, const int64_t *ids, const bool *kept,
			size_t n);
/* Appends report's chunks of the old index, of every file whose header is
 * unchanged, but those copied with old blocks; at: its place in the
 * order.  0, -ENOMEM or -EIO. */
int ix_blocks_keep(ix_blocks *w, size_t at, int64_t report);
/* Writes every file's last block.  0, -ENOMEM or -EIO. */
int ix_blocks_finish(ix_blocks *w);
/* The runs of the order ids[0..n) (runs.c): run_end[p] is where the run
 * holding place p ends — places of unchanged reports (kept) that follow
 * each other in the old order old[0..nold) too — or 0 for a report
 * changed, new, or not in the old order; *tail is the first place of the
 * run that ends both orders (n: none), *head whether the order starts
 * with the old one's first report, unchanged.  0 or -ENOMEM. */
int ix_runs_find(const int64_t *ids, const bool *kept, size_t n,
		 const int64_t *old, size_t nold, size_t *run_end,
		 size_t *tail, bool *head);
void ix_blocks_free(ix_blocks *w);
/* Inserts the _all nodes over the chunks blocks.c laid out (alltree.c),
 * each report's year read from temp.report_year (ix_dataset_new's). */
int ix_alltree_build(sqlite3 *db, FILE *err, int64_t all_ino,
		     int64_t mtime_ns, ix_inos *inos);
/* The <agency>/趋势.csv files of a build (trendbuild.c).  Made once the
 * reports are named (and which are unchanged known), before the readers
 * open: the tree phase hands each report's tables to ix_trends_report as
 * it renders the report, and an agency's file is rendered as soon as its
 * reports all were; ix_trends_insert then renders the others (agencies
 * with a report copied from the old index) and inserts every agency's
 * node.  0, -ENOMEM or -EIO. */
typedef struct ix_trends ix_trends;
int ix_trends_new(sqlite3 *db, FILE *err, ix_trends **out);
/* Prepares the statements of each of readers.  0, -ENOMEM or -EIO. */
int ix_trends_readers(ix_trends *b, ix_readers *readers);
/* On reader w: report id's tables (v, n, as rows.c loaded them) as its
 * column of its agency's file, which is rendered here when its last
 * report is in.  0, -ENOMEM or -EIO. */
int ix_trends_report(ix_trends *b, unsigned w, int64_t id, const ix_table *v,
		     size_t n);
/* Adds every agency directory's 趋势.csv, rendered on every reader when
 * the tree phase did not.  0, -ENOMEM, -EIO or NB_CANCELLED. */
int ix_trends_insert(ix_trends *b, ix_inos *inos, const atomic_int *cancel);
void ix_trends_free(ix_trends *b);
/* node.part of an agency's 趋势.csv: rendered on read from the reports of
 * its parent directory. */
#define IX_PART_TREND (-1)
/* The statements that read reports' key figures for 趋势.csv from one
 * connection's rows (figures.c). */
typedef struct ix_figures ix_figures;
/* 0, -ENOMEM or -EIO (message on err). */
int ix_figures_new(sqlite3 *db, FILE *err, ix_figures **out);
void ix_figures_free(ix_figures *f);
/* The statements that render 趋势.csv from one connection's rows. */
typedef struct ix_trend ix_trend;
/* 0, -ENOMEM or -EIO. */
int ix_trend_new(sqlite3 *db, ix_trend **out);
void ix_trend_free(ix_trend *t);
/* The 趋势.csv of the agency directory agency_ino into f (excel dialect in
 * data, unix in data_unix).  0, -ENOMEM or -EIO. */
int ix_trend_render(ix_trend *t, int64_t agency_ino, ix_tnode *f);

/* Serving the files of _all, each a header and a run of blocks (chunks.c).
 * The ix_chunks (which files, their headers) is read once when the index
 * is opened and only read after; each serving connection prepares its own
 * two range statements with ix_chunks_prepare. */
typedef struct ix_chunks ix_chunks;
/* 0, -ENOMEM or -EIO. */
int ix_chunks_open(sqlite3 *db, ix_chunks **out);
/* Prepares on db the statements ix_chunks_read needs; 0 or -EIO. */
int ix_chunks_prepare(sqlite3 *db, sqlite3_stmt *range[2]);
void ix_chunks_close(ix_chunks *c);
/* Blocks decompressed so far to serve c's files (the others were taken
 * from its cache). */
unsigned long ix_chunks_unpacked(const ix_chunks *c);
/* Whether ino is a file served from chunks. */
bool ix_chunks_owns(const ix_chunks *c, uint64_t ino);
/* Reads up to size bytes at off of ino (excel or unix dialect), work
 * holding a block decompressed (the caller's, kept from read to read so
 * that a read allocates nothing): bytes read, or -EIO. */
ssize_t ix_chunks_read(const ix_chunks *c, sqlite3_stmt *const range[2],
		       ix_block *work,
		       uint64_t ino, bool unix_dialect,
		       char *buf, size_t size, uint64_t off);

#endif
