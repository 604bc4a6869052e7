/*
 * ix.h — what the index's files share with each other.  Nothing outside
 * index/ includes this; the other modules see only index.h.
 *
 * A build (build.c) goes:
 *   oldindex.c  what is at dbpath, and which raw files changed since
 *   seal.c      whether it is still as it was found whole (no full check)
 *   walk.c      RAWDIR -> sorted list of report files with size and mtime
 *   rawfile.c   one raw file read whole, then parsed by the core
 *   store.c     one parsed nb_report -> rows of report, section, table
 *               row (its cells packed by cellpack.c), ...
 *   tree.c      every report in the database -> directory names, the
 *               cross-year checks (crossyear.c), and the node table the
 *               filesystem serves: each file's sizes and digest, its bytes
 *               rendered (reptree.c, trend.c) but not stored
 * serve.c answers the filesystem's queries from the node table, rendering
 * a file's bytes on read (rendered.c).
 *
 * What only some of them share has a header of its own: store.h (storing
 * rows), tnode.h (a report's files and their digests), and the smaller
 * ones beside them.
 */
#ifndef NB_IX_H
#define NB_IX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <sqlite3.h>

#include "index.h"
#include "nianbao.h"
#include "util.h"

/* Bumped whenever a table or the rendering changes: an index with another
 * version is rebuilt from scratch.  Kept in PRAGMA user_version. */
#define IX_SCHEMA_VERSION 9

/* The view cell's state: the stored form of nb_cell_state (cell_view shows
 * names). */
enum { IX_CELL_NUMBER = 0, IX_CELL_BLANK = 1, IX_CELL_ABSENT = 2 };

/* Raw files larger than this are refused (no annual report comes close). */
#define IX_MAX_FILE_BYTES (64u << 20)

/* The directory of a report whose year is unknown (in the tree and _all). */
#define IX_UNKNOWN_YEAR "未知年度"

/* A file or directory name's limit in bytes (NAME_MAX). */
#define IX_NAME_MAX 255

/* Inode numbers across rebuilds (inodes.c, below). */
typedef struct ix_inos ix_inos;

/* ---- messages (say.c) ------------------------------------------------------ */

/* Reports on err (which may be NULL) with a trailing newline; the message
 * goes through ix_printable, so that no file name in it can act on the
 * terminal. */
void ix_say(FILE *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* ix_say of db's file name and its last SQLite error; nothing when that
 * is an interrupt, which only a cancelled build makes (cancel.c). */
void ix_say_db(FILE *err, sqlite3 *db);
/* The same with msg (NULL: the last error's) as the error's words. */
void ix_say_db_msg(FILE *err, sqlite3 *db, const char *msg);

/* ---- sha256 (hash.c) -------------------------------------------------------- */

/* hex receives 64 hex digits and a NUL.  0 or -EIO. */
int ix_sha256_hex(const void *data, size_t len, char hex[65]);

/* ---- the walk (walk.c) ------------------------------------------------------ */

/* st's mtime in nanoseconds since the epoch, as the index records it. */
static inline int64_t ix_mtime_ns(const struct stat *st)
{
	return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

typedef struct {
	char *rel;		/* path relative to RAWDIR */
	int64_t size;
	int64_t mtime_ns;
	dev_t dev;		/* the file the walk found inside RAWDIR */
	ino_t ino;		/* (0: not known) */
} ix_file;

typedef struct {
	ix_file *v;
	size_t n, cap;
	unsigned problems;	/* report files that could not be read */
	unsigned dir_problems;	/* directories that could not be read */
} ix_files;

/* Whether the resolved path real is realroot or below it. */
bool ix_inside(const char *realroot, const char *real);

/* Every report file under rawdir, sorted by rel (bytewise); symbolic links
 * followed only while they stay inside rawdir.  What cannot be read is
 * reported on err and counted in problems or dir_problems.  0, or a negative errno
 * when rawdir itself cannot be walked or memory ran out; NB_CANCELLED when
 * cancel (may be NULL) was set, *out then empty. */
int ix_walk(const char *rawdir, FILE *err, ix_files *out,
	    const atomic_int *cancel);
void ix_files_free(ix_files *f);

/* ---- the index being replaced (oldindex.c) -------------------------------- */

typedef struct {
	int64_t id;
	char *path;
	int64_t size, mtime_ns;
	char *sha256;
	char *error;		/* why it could not be read, or NULL */
	int status;		/* the nb_status error names, or 0 */
} ix_old_source;

typedef struct {
	bool exists;		/* an index of ours is at dbpath */
	bool same_schema;	/* ... of this schema: its inode numbers carry over */
	bool reusable;		/* ... and of this parser version */
	bool wal;		/* ... in write-ahead log mode: not reused
				 * (its log removed once replaced) */
	ix_old_source *v;	/* sorted by path */
	size_t n;
	int64_t max_id;
} ix_old_index;

/*
 * Looks at what is at dbpath: nothing (o->exists false), an index of ours
 * (its sources loaded when reusable), a damaged index of ours (moved aside,
 * then as nothing), or something else, which is refused (-EEXIST): a file
 * that is no index, or an index of a newer nianbaofs.  0 or a negative
 * errno (message on err); NB_CANCELLED when cancel (may be NULL) was set
 * while every page was being read (an index without a seal).
 */
int ix_old_open(const char *dbpath, FILE *err, ix_old_index *o,
		const atomic_int *cancel);
void ix_old_free(ix_old_index *o);

/* The old source of path, found by a merge walk: calls come in path order,
 * *cursor starting at 0.  NULL when path is new. */
const ix_old_source *ix_old_find(const ix_old_index *o, size_t *cursor,
				 const char *path);
/* Whether f has s's size and mtime (s may be NULL). */
bool ix_old_same_file(const ix_old_source *s, const ix_file *f);
/* A file the parser refused stays refused while it is unchanged; one that
 * could not be read is tried again. */
bool ix_old_failure_stands(const ix_old_source *s);
/* Whether the old index matches files exactly: nothing to build. */
bool ix_old_current(const ix_old_index *o, const ix_files *files);
/* Attaches the index at dbpath to db as "old", read-only.  0, -ENOMEM or
 * -EIO (said on err). */
int ix_old_attach(sqlite3 *db, const char *dbpath, FILE *err);

/* ---- files left out (leftout.c) ------------------------------------------ */

/* Says why rawdir/rel is not in the index (status: an nb_status or a
 * negative errno; 0 with error: the system's words kept by the old index)
 * and counts it in s: not a report, or unreadable. */
void ix_left_out(FILE *err, const char *rawdir, const char *rel, int status,
		 const char *error, nb_build_stats *s);
/* The index at dbpath is current: its figures into s, its left-out files
 * said again.  0 or a negative errno (message on err). */
int ix_report_current(const char *dbpath, const char *rawdir,
		      const ix_old_index *o, FILE *err, nb_build_stats *s);

/* ---- reading a raw file (rawfile.c) ---------------------------------------- */

/* The whole of rawdir/f->rel, read through one descriptor so that st's
 * size and mtime are those of the bytes read; only a regular file below
 * realroot (RAWDIR resolved) of at most IX_MAX_FILE_BYTES.  0,
 * NB_NOT_REGULAR_FILE, NB_OUTSIDE_RAWDIR, NB_TOO_LARGE or a negative
 * errno. */
int ix_read_raw(const char *rawdir, const char *realroot, const ix_file *f,
		char **data, size_t *len, struct stat *st);

/* ---- the temporary index file (tmpindex.c) ------------------------------- */

/* Locks the temporary file open as fd for as long as the build runs.
 * 0 or a negative errno. */
int ix_tmp_lock(int fd);
/* Removes "<dbpath>.tmp-<pid>" files no running build holds. */
void ix_tmp_remove_stale(const char *dbpath);
/* Removes the temporary file path of a failed build, closed, with the WAL
 * and its index beside it: the tree phase turns the file to WAL
 * (readers.c), and a connection that closes in WAL after another has read
 * leaves the WAL behind (SQLite 3.40; a checkpoint on failure would only
 * copy into a file about to go). */
void ix_tmp_discard(const char *path);
/* Removes the write-ahead log and its index beside path. */
void ix_remove_log(const char *path);
/* fsyncs the directory holding path (after a rename into it). */
void ix_sync_dir_of(const char *path);

/* ---- the seal of a whole index (seal.c) ---------------------------------- */

/* Whether "<dbpath>.seal" names the index dbpath as st (its stat) shows it:
 * written whole by a build or found sound by a full check, and not written
 * since.  A false answer only means: check it in full. */
bool ix_seal_holds(const char *dbpath, const struct stat *st);
/* Seals dbpath, found whole as st shows it, if it is still that file.
 * Best effort: without a seal the next build checks every page. */
void ix_seal_stat(const char *dbpath, const struct stat *st);
/* Seals dbpath, just renamed into place from the file open as fd. */
void ix_seal_fd(const char *dbpath, int fd);
/* Removes the seal of dbpath (the index is moved aside). */
void ix_seal_remove(const char *dbpath);

/* ---- renamed files (renamed.c) ------------------------------------------- */

/* A report of the last index whose path is no longer in RAWDIR. */
typedef struct {
	int64_t id;
	const char *path, *sha256;	/* borrowed */
	bool taken;		/* reused for a new path already */
} ix_gone;

/* The reports of the last index whose path is gone, to be found again by
 * content. */
typedef struct ix_renames ix_renames;

/* Those of o's reports whose path is not among files (both sorted by
 * path); they borrow o's strings.  0 or -ENOMEM. */
int ix_renames_new(const ix_old_index *o, const ix_files *files,
		   ix_renames **out);
/* The gone report the new path f can reuse as it is: the same bytes
 * (hashed now), the same extension, not taken yet, and no warning of it
 * in the index attached to db as "old" naming its old path; else NULL.  A
 * file that cannot be read here is left to the parse, which says why.
 * *rc: 0, or -EIO (said on err). */
const ix_gone *ix_renamed_from(ix_renames *r, sqlite3 *db,
			       const char *rawdir, const char *realroot,
			       const ix_file *f, FILE *err, int *rc);
void ix_renames_free(ix_renames *r);

/* ---- a build's cancel request (cancel.c) ---------------------------------- */

/* Whether the caller asked the build to stop (cancel may be NULL). */
bool ix_cancelled(const atomic_int *cancel);
/* Makes every statement on db fail with SQLITE_INTERRUPT once cancel is
 * set (nothing when cancel is NULL). */
void ix_cancel_watch(sqlite3 *db, const atomic_int *cancel);

/* ---- the ordered parallel map (pmap.c) ---------------------------------- */

/* Works on item i, on worker thread number worker (< threads). */
typedef void (*ix_work_fn)(void *ctx, unsigned worker, size_t i);
/* Consumes item i once worked; non-zero stops the map. */
typedef int (*ix_consume_fn)(void *ctx, size_t i);

/*
 * Runs work for every item i < n on up to threads threads, and consume
 * for every item in order on the calling thread as soon as it is worked,
 * with at most window items worked and not yet consumed.  Returns 0, the
 * first non-zero consume result (later items may have been worked but are
 * not consumed), or -ENOMEM.
 */
int ix_pmap(size_t n, unsigned threads, size_t window, ix_work_fn work,
	    ix_consume_fn consume, void *ctx);

/* ---- read connections for the tree phase (readers.c) ----------------------- */

typedef struct ix_readers ix_readers;

/* Items the readers render ahead of the writer, at most (ix_pmap's
 * window): bounds the memory held by what is rendered and not yet
 * inserted — a report's files, tens of KB — as the parse's window does.
 * Each pass keeps them in a ring of this many slots, item i in slot
 * i % IX_RENDER_WINDOW, which the window makes free again. */
#define IX_RENDER_WINDOW 64

/* The cores to work on: online CPUs, at least 1, at most 16 (a parser, or
 * a reader's page cache, per core). */
unsigned ix_cores(void);
/* Commits writer's transaction, shares its main file with one read-only
 * connection per core (WAL while they are open) and begins again; each
 * reader stops at cancel.  0, -ENOMEM or -EIO (message on err). */
int ix_readers_open(sqlite3 *writer, FILE *err, const atomic_int *cancel,
		    ix_readers **out);
unsigned ix_readers_count(const ix_readers *r);
sqlite3 *ix_readers_db(const ix_readers *r, unsigned i);
/* What reads the whole tree once it is in: on db, a connection that sees
 * every row the writer has committed.  0, -ENOMEM or -EIO (message on
 * err). */
typedef int (*ix_after_fn)(sqlite3 *db, FILE *err, void *ctx);
/* Closes the readers.  When rc is 0, commits the writer's transaction and
 * begins again, and runs after(db, err, ctx) beside the writer, on a
 * connection and thread of its own (on the writer, first, when the file
 * could not be shared: its result returned then).  Returns rc, after's,
 * -EIO, or the negative errno of a thread that could not start. */
int ix_readers_close(ix_readers *r, int rc, ix_after_fn after, void *ctx);
/* Waits for after, then, when rc and after's are 0, commits the writer's
 * transaction, makes its file journal-less and exclusive again and begins
 * again; frees r (NULL: nothing).  Returns rc, after's, or -EIO. */
int ix_readers_end(ix_readers *r, int rc);

/* ---- schema (schema.c) ------------------------------------------------------ */

/* Creates every table, index and view in an empty database and records the
 * versions.  0 or -EIO (message on err). */
int ix_schema_create(sqlite3 *db, const char *rawdir, FILE *err);
/* Records the versions and rawdir in info.  0 or -EIO (message on err). */
int ix_schema_info(sqlite3 *db, const char *rawdir, FILE *err);
/* Creates node's index by name (node_name), once the tree's rows are in,
 * and by number (node_ino), before they go in, unless they are there (a
 * refresh keeps them).  0 or -EIO (message on err). */
int ix_schema_node_name(sqlite3 *db, FILE *err);
int ix_schema_node_ino(sqlite3 *db, FILE *err);

/* Tables holding per-report rows, kept from an earlier index for files
 * that did not change, each with the column naming the report (its id in
 * the report's own tables).  Ends with a NULL name. */
typedef struct {
	const char *name, *key;
} ix_report_table;
extern const ix_report_table ix_report_tables[];

/* ---- a refresh from a copy of the old index (carryover.c) ----------------- */

/* Copies the index at dbpath into the empty file to.  0, NB_CANCELLED
 * when cancel (may be NULL) is set, or a negative errno (message on
 * err). */
int ix_carry_copy(const char *dbpath, int to, FILE *err,
		  const atomic_int *cancel);
/* Makes db, such a copy, ready for a build as an empty index is: empties
 * every table but the report tables, str and node, records the versions
 * and rawdir (the kept reports' checks across years stay, for tree.c to
 * keep or make again).  0 or -EIO
 * (message on err). */
int ix_carry_reset(sqlite3 *db, const char *rawdir, FILE *err);
/* Deletes the rows of every report whose id is not in temp.reuse.  0,
 * -ENOMEM or -EIO (message on err). */
int ix_carry_prune(sqlite3 *db, FILE *err);

/* Runs sql (no results), reporting failures on err.  0 or -EIO. */
int ix_exec(sqlite3 *db, const char *sql, FILE *err);
/* The first column of sql's first row; *ok false when there is none or
 * the query failed. */
int64_t ix_query_int(sqlite3 *db, const char *sql, bool *ok);
/* Whether the index being replaced is attached to db as "old" (build.c
 * attaches it for a refresh): *attached.  0, or -EIO said on err. */
int ix_old_attached(sqlite3 *db, FILE *err, bool *attached);

/* ---- the figures of a build (totals.c) ------------------------------------ */

/* The tree's own figures: its nodes and their bytes in both dialects. */
typedef struct {
	int64_t nodes, bytes, bytes_unix;
} ix_node_totals;
/* Counts the reports, those warned and the failed checks into s, the
 * nodes into n: reads only.  0 or -EIO (message on err). */
int ix_totals_count(sqlite3 *db, FILE *err, nb_build_stats *s,
		    ix_node_totals *n);
/* Keeps s's and n's figures in info.  0, -ENOMEM or -EIO. */
int ix_totals_save(sqlite3 *db, const nb_build_stats *s,
		   const ix_node_totals *n, FILE *err);
/* Reads back what ix_totals_save kept.  0 or -EIO. */
int ix_totals_load(sqlite3 *db, nb_build_stats *s);

/* ---- names (names.c) --------------------------------------------------------- */

/*
 * A file name from s: '/' becomes '／', control and bidi control characters
 * and invalid UTF-8 are dropped, the rest put in NFC, surrounding ASCII spaces trimmed, and the result cut on a
 * UTF-8 boundary so that it plus suffix fits IX_NAME_MAX bytes.  "", "."
 * and ".." become fallback (which must itself be a valid name).  Returns a
 * malloc'd string or NULL (ENOMEM).
 */
char *ix_name(const char *s, const char *suffix, const char *fallback);
/* Whether code point cp leaves any string it is in as NFC has it: a name
 * of such alone is not normalised again. */
bool ix_nfc_stable(uint32_t cp);

/* Appends s as it may be shown on a terminal or in a JSON string: a byte
 * that is not UTF-8 as \xNN, a control character as \xNN (C0, DEL) or
 * \uNNNN (C1), a bidi control as \uNNNN, a backslash as \\; '\n' kept
 * when keep_newlines.  Everything else as it is. */
void ix_printable(nb_buf *b, const char *s, bool keep_newlines);

/* name with "~k" inserted before its suffix (k >= 2), still within
 * IX_NAME_MAX: "2019~2", "申请情况~2.csv".  NULL on ENOMEM. */
char *ix_name_dup(const char *name, const char *suffix, unsigned k);

/* ---- rendering (render.c) --------------------------------------------------- */

/* A text file: UTF-8, LF, exactly one final newline, empty when text is. */
void ix_render_text(nb_buf *b, const char *text);

/* One CSV record field by field: RFC 4180 quoting; the record ends with
 * "\n", the unix dialect (ix_csv_crlf makes the excel one from it). */
void ix_csv_field(nb_buf *b, const char *field, bool first);
void ix_csv_end(nb_buf *b);

/* The excel dialect of records written with LF ends: each record's LF
 * becomes CRLF (line breaks inside a quoted field stay).  Copies bytes
 * [skip, skip + want) of that form of lf[0..n) to out and returns how many;
 * with out NULL, returns the form's whole length. */
size_t ix_csv_excel(const char *lf, size_t n, size_t skip, char *out,
		    size_t want);

/* The excel dialect of lf[0..n) (as above) appended to b: 0 or -ENOMEM.
 * Without a quote in lf (most tables) every LF ends a record, and the
 * records are copied between LFs found by memchr, not a byte at a time. */
int ix_csv_crlf(nb_buf *b, const char *lf, size_t n);

/* ---- JSON as cJSON_Print formats it (jsonout.c) ------------------------------ */

/* Nesting at most (meta.json has 3 levels). */
#define IX_JSON_DEPTH 8

/* Writes into b; start with {.b = b}, everything closed at the end. */
typedef struct {
	nb_buf *b;
	unsigned depth;
	bool object[IX_JSON_DEPTH];
	size_t count[IX_JSON_DEPTH];
} ix_json;

/* An object or array as the next value, until its ix_json_close. */
void ix_json_object(ix_json *j);
void ix_json_array(ix_json *j);
void ix_json_close(ix_json *j);
/* A member's key in the object open; its value comes next. */
void ix_json_key(ix_json *j, const char *key);
/* The same for a key that is a string literal needing no escape, added
 * as it is written (its quotes, the colon and the tab: n bytes). */
#define ix_json_key_lit(j, key) \
	ix_json_key_as((j), "\"" key "\":\t", sizeof(key) + 3)
void ix_json_key_as(ix_json *j, const char *written, size_t n);
/* s (NULL: "") as a JSON string into b: '"' and '\\' escaped, a C0
 * control as \u00xx (with short_escapes, as cJSON escapes: \b \f \n \r
 * \t where it has one); other bytes, UTF-8 or not, as they are.  The one
 * string form of meta.json and of the packed cells (cellpack.c). */
void ix_json_quote(nb_buf *b, const char *s, bool short_escapes);
/* Values: a string (NULL: null), an integer, a boolean, null. */
void ix_json_string(ix_json *j, const char *s);
void ix_json_int(ix_json *j, int v);
void ix_json_bool(ix_json *j, bool v);
void ix_json_null(ix_json *j);

/* ---- the tree (tree.c, crossyear.c) ---------------------------------------- */

typedef struct ix_spill ix_spill;
/* Names every report's directories, adds the cross-year checks and fills
 * the node table, rendering on every core (readers.c); runs after (as
 * ix_readers_close does) once the tree is in.  spill: the records of the
 * reports parsed in this build (build.c), or NULL when none was.  0,
 * -ENOMEM, -EIO (message on err) or NB_CANCELLED. */
int ix_tree_build(sqlite3 *db, const char *rawdir, const ix_spill *spill,
		  FILE *err, const atomic_int *cancel, ix_after_fn after,
		  void *ctx);
/* Sorts n items of size bytes at base by cmp, items that compare equal
 * kept in their order (sort.c).  0 or -ENOMEM. */
int ix_sort_stable(void *base, size_t n, size_t size,
		   int (*cmp)(const void *, const void *));
/* The directories of a report of agency (NULL: unknown) and year when it
 * is the first of its agency and year: its agency's, and "2019" (or the
 * unknown year's); malloc'd.  0 or -ENOMEM. */
int ix_report_dirs(const char *agency, int year, char **agency_dir,
		   char **year_dir);
/* The year directory of the k-th report (from 1) of its agency and year,
 * in source path order: "2019", "2019~2" ...; malloc'd, NULL when out of
 * memory. */
char *ix_year_dir(int year, unsigned k);

typedef struct {
	int64_t id;		/* report id */
	int year;
} ix_yearly;

typedef struct ix_cross ix_cross;

int ix_cross_new(sqlite3 *db, FILE *err, ix_cross **out);
void ix_cross_free(ix_cross *x);
/* Adds the cross-year checks between consecutive years of one agency's
 * reports v (sorted by year; of one year the first is the plainly named
 * one), which have none: reports stored now, or forgotten.  0, -EIO or
 * -ENOMEM. */
int ix_cross_year(ix_cross *x, const ix_yearly *v, size_t n);
/* Forgets report id's checks across years (a report kept from the old
 * index, to be checked again).  0 or -EIO. */
int ix_cross_forget(ix_cross *x, int64_t id);

/* ---- inode numbers across rebuilds (inodes.c) ------------------------------ */

/* Reads the history of the index attached as "old", if any (else starts a
 * new lineage).  0 or -ENOMEM. */
int ix_inos_new(sqlite3 *db, FILE *err, ix_inos **out);
/* The inode number of the directory (parent, name) about to be inserted:
 * the old index's when it has that directory, else a fresh one.  0 or
 * -EIO. */
int ix_inos_assign_dir(ix_inos *a, int64_t parent, const char *name,
		       int64_t mtime_ns, int64_t *ino);
/* The same for a file rendered on read (node.part): the old index's number
 * when it is the same file with the same mtime, size and digest.  0 or
 * -EIO. */
int ix_inos_assign_rendered(ix_inos *a, int64_t parent, const char *name,
			    int64_t mtime_ns, int64_t size, int64_t digest,
			    int64_t *ino);
/* A fresh inode number, for a file whose bytes are not in its node row
 * (the files of _all, composed of chunks): it cannot be shown unchanged,
 * so it never keeps an old number. */
int64_t ix_inos_fresh(ix_inos *a);
/* Records the history (ino_next, ino_lineage) in main.info.  0 or -EIO. */
int ix_inos_finish(ix_inos *a);
void ix_inos_free(ix_inos *a);

/* Serialises builds of the index at dbpath ("<dbpath>.lock"), so that each
 * continues the inode history of the one before.  A descriptor to pass to
 * ix_build_unlock, or -1 when no lock could be had (the build goes on). */
int ix_build_lock(const char *dbpath);
void ix_build_unlock(int fd);

#endif
