/*
 * ix.h — what the index's files share with each other.  Nothing outside
 * index/ includes this; the other modules see only index.h.
 *
 * A build (build.c) goes:
 *   walk.c      RAWDIR -> sorted list of report files with size and mtime
 *   store.c     one parsed nb_report -> rows of report, section, cell, ...
 *   tree.c      every report in the database -> directory names, the
 *               cross-year checks (crossyear.c), rendered bytes (render.c)
 *               and the node table the filesystem serves
 * serve.c answers the filesystem's queries from the node table.
 */
#ifndef NB_IX_H
#define NB_IX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <sqlite3.h>

#include "nianbao.h"

/* Bumped whenever a table or the rendering changes: an index with another
 * version is rebuilt from scratch.  Kept in PRAGMA user_version. */
#define IX_SCHEMA_VERSION 1

/* Raw files larger than this are refused (no annual report comes close). */
#define IX_MAX_FILE_BYTES (64u << 20)

/* A file or directory name's limit in bytes (NAME_MAX). */
#define IX_NAME_MAX 255

/* ---- growable byte buffer (buf.c) ---------------------------------------- */

typedef struct {
	char *s;		/* NUL-terminated when non-NULL */
	size_t len, cap;
	bool oom;		/* an allocation failed; later adds do nothing */
} ix_buf;

void ix_buf_add(ix_buf *b, const void *s, size_t n);
void ix_buf_adds(ix_buf *b, const char *s);	/* NULL adds nothing */
void ix_buf_printf(ix_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ix_buf_free(ix_buf *b);

/* Reports on err (which may be NULL) with a trailing newline; the message
 * goes through ix_printable, so that no file name in it can act on the
 * terminal. */
void ix_say(FILE *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- sha256 (hash.c) -------------------------------------------------------- */

/* hex receives 64 hex digits and a NUL.  0 or -EIO. */
int ix_sha256_hex(const void *data, size_t len, char hex[65]);

/* ---- the walk (walk.c) ------------------------------------------------------ */

typedef struct {
	char *rel;		/* path relative to RAWDIR */
	int64_t size;
	int64_t mtime_ns;
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
 * when rawdir itself cannot be walked or memory ran out. */
int ix_walk(const char *rawdir, FILE *err, ix_files *out);
void ix_files_free(ix_files *f);

/* ---- schema (schema.c) ------------------------------------------------------ */

/* Creates every table, index and view in an empty database and records the
 * versions.  0 or -EIO (message on err). */
int ix_schema_create(sqlite3 *db, const char *rawdir, FILE *err);

/* Tables holding per-report rows, copied as they are from an earlier index
 * for files that did not change.  NULL-terminated. */
extern const char *const ix_report_tables[];

/* Runs sql (no results), reporting failures on err.  0 or -EIO. */
int ix_exec(sqlite3 *db, const char *sql, FILE *err);

/* ---- storing a parsed report (store.c) ------------------------------------- */

typedef struct ix_store ix_store;

int ix_store_new(sqlite3 *db, ix_store **out);
void ix_store_free(ix_store *st);
/* Stores every row of r as report id.  0 or -EIO. */
int ix_store_report(ix_store *st, int64_t id, const nb_report *r);

/* ---- names (names.c) --------------------------------------------------------- */

/*
 * A file name from s: '/' becomes '／', control and bidi control characters
 * and invalid UTF-8 are dropped, the rest put in NFC, surrounding ASCII spaces trimmed, and the result cut on a
 * UTF-8 boundary so that it plus suffix fits IX_NAME_MAX bytes.  "", "."
 * and ".." become fallback (which must itself be a valid name).  Returns a
 * malloc'd string or NULL (ENOMEM).
 */
char *ix_name(const char *s, const char *suffix, const char *fallback);

/* Appends s as it may be shown on a terminal or in a JSON string: a byte
 * that is not UTF-8 as \xNN, a control character as \xNN (C0, DEL) or
 * \uNNNN (C1), a bidi control as \uNNNN, a backslash as \\; '\n' kept
 * when keep_newlines.  Everything else as it is. */
void ix_printable(ix_buf *b, const char *s, bool keep_newlines);

/* name with "~k" inserted before its suffix (k >= 2), still within
 * IX_NAME_MAX: "2019~2", "申请情况~2.csv".  NULL on ENOMEM. */
char *ix_name_dup(const char *name, const char *suffix, unsigned k);

/* ---- decimal numbers (decimal.c) ------------------------------------------- */

/* A decimal value scaled by 10^6, for exact sums of the numbers the core
 * writes ("414.52", "-3").  false when s is not such a number. */
bool ix_decimal(const char *s, int64_t *out);
/* Writes v (scaled by 10^6) plainly: "414.52", "-3". */
void ix_decimal_str(int64_t v, char *buf, size_t len);

/* ---- rendering (render.c) --------------------------------------------------- */

/* A text file: UTF-8, LF, exactly one final newline, empty when text is. */
void ix_render_text(ix_buf *b, const char *text);

/* One CSV record field by field: RFC 4180 quoting; the record ends with
 * "\r\n" (crlf) or "\n". */
void ix_csv_field(ix_buf *b, const char *field, bool first);
void ix_csv_end(ix_buf *b, bool crlf);

/* ---- the tree (tree.c, crossyear.c) ---------------------------------------- */

/* Names every report's directories, adds the cross-year checks and fills
 * the node table.  0, -ENOMEM or -EIO (message on err). */
int ix_tree_build(sqlite3 *db, const char *rawdir, FILE *err);

typedef struct {
	int64_t id;		/* report id */
	int year;
} ix_yearly;

typedef struct ix_cross ix_cross;

int ix_cross_new(sqlite3 *db, FILE *err, ix_cross **out);
void ix_cross_free(ix_cross *x);
/* Adds the cross-year checks between consecutive years of one agency's
 * reports v (sorted by year; of one year the first is the plainly named
 * one).  0, -EIO or -ENOMEM. */
int ix_cross_year(ix_cross *x, const ix_yearly *v, size_t n);

#endif
