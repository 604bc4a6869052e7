/*
 * index.h — the SQLite index: built from a directory of raw reports through
 * the core, then served by the filesystem.  The index stores what the
 * parser found and renders a file's bytes from it on read, never parsing.
 *
 * Inode numbers are node row ids; the root directory is NB_ROOT_INO.
 */
#ifndef NB_INDEX_H
#define NB_INDEX_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* nb_status: what fails in the domain (not an index of this version). */
#include "nianbao.h"

#define NB_ROOT_INO 1

/* ---- building ------------------------------------------------------------ */

typedef struct {
	unsigned files;		/* report files found under RAWDIR */
	unsigned parsed;	/* parsed in this run (new or changed) */
	unsigned reused;	/* unchanged since the last build, not parsed */
	unsigned reports;	/* reports in the index */
	unsigned warned;	/* reports with at least one warning */
	unsigned failed_checks;	/* consistency checks that failed, all reports */
	unsigned unreadable;	/* files that could not be read or decoded */
	unsigned not_reports;	/* files read, but no annual report: skipped */
	unsigned unreadable_dirs; /* directories that could not be read */
	bool unchanged;		/* nothing changed: the index was left as it was */
} nb_build_stats;

/*
 * SQLite's settings for the whole process: called by each program's main
 * before anything opens a connection.  0, or -EBUSY when SQLite was
 * already in use (the settings then stay SQLite's defaults).
 */
int nb_index_setup(void);

/*
 * Brings the index at dbpath up to date with rawdir (walked recursively;
 * every regular file ending in .txt, .md, .html or .htm is a report).
 * Builds into a temporary file beside dbpath and renames it into place, so
 * an interrupted build leaves the old index intact.  Files that cannot be
 * read are reported on err (naming the file) and counted, and the build
 * goes on.  Returns 0, or a negative errno when no index could be written.
 */
int nb_index_build(const char *dbpath, const char *rawdir, FILE *err,
		   nb_build_stats *stats);

/* Told as the build goes: files done (parsed or reused) of total.  Called
 * on the calling thread, only when files are parsed. */
typedef void (*nb_progress_fn)(void *ctx, unsigned done, unsigned total);

/* nb_index_build, telling progress to fn (which may be NULL). */
int nb_index_build_progress(const char *dbpath, const char *rawdir, FILE *err,
			    nb_build_stats *stats, nb_progress_fn fn,
			    void *ctx);

/*
 * nb_index_build_progress that stops early once *cancel is non-zero (set
 * from any thread, e.g. an unmount; cancel NULL: never).  Looked at between
 * files and, through SQLite's progress handler, inside every statement of
 * the later phases (tree, _all, totals), so a build of any size stops
 * within a few milliseconds.  A cancelled build returns NB_CANCELLED and
 * ends as a failed one does: its temporary file removed, the index at
 * dbpath as it was.  A build already complete when asked is kept.
 */
int nb_index_build_cancellable(const char *dbpath, const char *rawdir,
			       FILE *err, nb_build_stats *stats,
			       nb_progress_fn fn, void *ctx,
			       const atomic_int *cancel);

/* Whether the index at dbpath may be served before it is brought up to
 * date: of this schema and parser version, and whole (current.c).  Reads a
 * few pages, never the whole file. */
bool nb_index_current(const char *dbpath);

/* The default index path for rawdir: $XDG_CACHE_HOME/nianbaofs/<key>.sqlite
 * (or ~/.cache/...), key derived from rawdir's real path.  Creates the
 * directory.  0 or a negative errno. */
int nb_index_default_path(const char *rawdir, char *buf, size_t len);

/* s with every byte that could act on a terminal escaped (see README,
 * "Names"): invalid UTF-8 and control characters as \xNN, C1 and bidi
 * controls as \uNNNN, a backslash doubled; newlines kept when
 * keep_newlines.  malloc'd, NULL when out of memory. */
char *nb_printable(const char *s, bool keep_newlines);

/* ---- serving --------------------------------------------------------------- */

typedef struct nb_index nb_index;

enum {
	NB_OPEN_CSV_UNIX = 1 << 0,	/* serve CSVs as UTF-8 without BOM, LF */
};

/* 0, NB_BAD_INDEX_VERSION or a negative errno. */
int nb_index_open(const char *dbpath, unsigned flags, nb_index **out);
void nb_index_close(nb_index *ix);

typedef struct {
	uint64_t ino;
	uint64_t parent;
	bool is_dir;
	uint64_t size;		/* exact byte size of the file as served */
	int64_t mtime_ns;
	uint32_t nlink;
} nb_node;

/* 0, -ENOENT, or -EIO (a message for the log is in nb_index_error). */
int nb_index_getattr(nb_index *ix, uint64_t ino, nb_node *out);
int nb_index_lookup(nb_index *ix, uint64_t parent, const char *name,
		    nb_node *out);

/*
 * Lists the children of ino after offset off (0 = from the start; "." and
 * ".." are the caller's).  For each, fn gets the entry and the offset to
 * resume after it; fn returns non-zero to stop (buffer full).
 * 0, -ENOENT, -ENOTDIR or -EIO.
 */
typedef int (*nb_dirent_fn)(void *ctx, const char *name, const nb_node *node,
			    uint64_t next_off);
int nb_index_readdir(nb_index *ix, uint64_t ino, uint64_t off,
		     nb_dirent_fn fn, void *ctx);

/* Reads up to size bytes at off; bytes read, or -ENOENT/-EISDIR/-EIO. */
ssize_t nb_index_read(nb_index *ix, uint64_t ino, char *buf, size_t size,
		      uint64_t off);

/* Totals for statfs. */
int nb_index_totals(nb_index *ix, uint64_t *nodes, uint64_t *bytes);

/* The last error message of ix (thread-local), for logs. */
const char *nb_index_error(nb_index *ix);

/* ---- following an index rebuilt while mounted (view.c) ------------------ */

/*
 * A node's inode number names the same bytes for the whole history of an
 * index: a rebuild keeps the numbers of what did not change and gives
 * fresh ones, never used before, to what did.  A view reads that history
 * and compares two versions of the tree.
 */
typedef struct nb_view nb_view;

/* 0, -ENOENT or -EIO. */
int nb_view_open(const char *dbpath, nb_view **out);
void nb_view_close(nb_view *v);

/* Whether new continues old's history, so that both may be served at once:
 * an inode number in both names the same node. */
bool nb_view_follows(const nb_view *old, const nb_view *new);

typedef enum {
	NB_DIFF_REMOVED,	/* (parent, name) was old_ino, is gone */
	NB_DIFF_ADDED,		/* (parent, name) is new_ino, was absent */
	NB_DIFF_REPLACED,	/* (parent, name) was old_ino, is new_ino */
	NB_DIFF_DIR_CHANGED,	/* the directory kept its number, not its
				   attributes (mtime, nlink) */
} nb_diff_kind;

/* Called for each difference; non-zero stops the walk and is returned. */
typedef int (*nb_diff_fn)(void *ctx, nb_diff_kind kind, uint64_t parent,
			  const char *name, uint64_t old_ino, uint64_t new_ino);

/* Walks every node of both trees once.  0, -EIO, or what fn returned. */
int nb_view_diff(nb_view *old, nb_view *new, nb_diff_fn fn, void *ctx);

#endif
