/*
 * store.h — storing a parsed report's rows: the str table's ids (strtab.c,
 * over bytemap.c), rows many to an INSERT (batch.c), cells and checks
 * packed as their tables hold them (cellpack.c, checkpack.c), and a report
 * made ready on the worker that parsed it (ready.c) then stored by the
 * writer (store.c).  Apart from ix.h: only those, the files that read the
 * packings back and the tests need it.
 */
#ifndef IX_STORE_H
#define IX_STORE_H

#include "ix.h"

/* ---- byte strings to values, in memory (bytemap.c) ------------------------ */

typedef struct ix_bytemap ix_bytemap;

/* An empty map.  0 or -ENOMEM. */
int ix_bytemap_new(ix_bytemap **out);
void ix_bytemap_free(ix_bytemap *m);
/* The value of key (len bytes, any), 0 when it has none. */
int64_t ix_bytemap_get(const ix_bytemap *m, const void *key, size_t len);
/* Sets key's value, adding key (copied) when new.  0 or -ENOMEM. */
int ix_bytemap_set(ix_bytemap *m, const void *key, size_t len, int64_t value);

/* ---- the str table's ids (strtab.c) ---------------------------------------- */

typedef struct ix_strtab ix_strtab;

/* Starts from the strings main.str holds.  0, -ENOMEM or -EIO. */
int ix_strtab_new(sqlite3 *db, ix_strtab **out);
void ix_strtab_free(ix_strtab *t);
/* The id of s in str, inserted when new (as the views' triggers would);
 * 0 for NULL.  0, -ENOMEM or -EIO. */
int ix_strtab_id(ix_strtab *t, const char *s, int64_t *id);
/* The str id remembered for key (any bytes), 0 when none. */
int64_t ix_strtab_memo(const ix_strtab *t, const nb_buf *key);
/* Remembers id for key.  0 or -ENOMEM. */
int ix_strtab_memo_set(ix_strtab *t, const nb_buf *key, int64_t id);

/* ---- rows many to an INSERT (batch.c) -------------------------------------- */

/* Rows one statement takes at most: all of a report's table rows (34 on
 * average, 35 at most at 10,000 reports of bench/gen.py) in one. */
#define IX_BATCH_MAX 64

typedef struct ix_batch ix_batch;
/* Binds row i's parameters, base + 1 on. */
typedef void (*ix_bind_fn)(void *ctx, sqlite3_stmt *st, int base, size_t i);

/* head: "INSERT INTO t(c1, ..., cN) VALUES", nparams: N.  0 or -ENOMEM. */
int ix_batch_new(sqlite3 *db, const char *head, int nparams, ix_batch **out);
void ix_batch_free(ix_batch *b);
/* Inserts rows 0 .. n - 1, bound by bind, IX_BATCH_MAX to a statement.
 * 0, -ENOMEM or -EIO. */
int ix_batch_insert(ix_batch *b, size_t n, ix_bind_fn bind, void *ctx);

/* ---- storing a parsed report (ready.c on its worker, store.c on the writer) - */

/* row's ncols cells as stored_row.cells holds them (cellpack.c), into out
 * (emptied first).  0, or -ENOMEM. */
int ix_cells_pack(const nb_row *row, size_t ncols, nb_buf *out);
/* tb's column headers as stored_table.headers holds them (cellpack.c),
 * into out (emptied first).  0, -ENOMEM or -EIO. */
int ix_headers_pack(ix_strtab *strs, const nb_table *tb, nb_buf *out);
/* A str id in packed JSON: the number, or null for 0 (none). */
void ix_json_id(nb_buf *b, int64_t id);
/* v in decimal, as printf's "%lld" writes it, but by hand (cellpack.c). */
void ix_buf_int(nb_buf *b, int64_t v);
/* The bytes that stand for r's list of rules and subjects, into key
 * (emptied first): made on a worker, for ix_checks_pack.  0 or -ENOMEM. */
int ix_checks_key(const nb_report *r, nb_buf *key);
/* r's checks as check_list holds them (checkpack.c): the str id of the
 * list of their rules and subjects into *kinds, their outcomes and details
 * into results (emptied first).  With key (ix_checks_key's), a list met
 * before is found by it and a new one remembered; NULL: neither.  0,
 * -ENOMEM or -EIO. */
int ix_checks_pack(ix_strtab *strs, const nb_report *r, const nb_buf *key,
		   int64_t *kinds, nb_buf *results);
/* A check as check_result shows it, its strings as str ids (0: none). */
typedef struct {
	int64_t rule, subject, detail;
	bool ok;
} ix_check_ids;

typedef struct {
	ix_check_ids *v;
	size_t n, cap;
} ix_checkv;

/* Appends a report's checks from its check_list row: kinds, the text of
 * its str id; results; cross (may be NULL), in check_result's order.  0,
 * -ENOMEM or -EINVAL (not such packings; out->n then as it was). */
int ix_checks_unpack(const char *kinds, const char *results,
		     const char *cross, ix_checkv *out);
/* How many checks failed in the index db, its own and across years
 * (check_result's rows with ok 0), counted from the packings.  *ok false
 * on a database error. */
int64_t ix_checks_failed(sqlite3 *db, bool *ok);
/* Appends a check across years (str ids; 0 for none) to cross, the JSON
 * array check_list.cross holds (empty: none yet). */
void ix_cross_pack(nb_buf *cross, int64_t rule, int64_t subject, bool ok,
		   int64_t detail);

typedef struct ix_store ix_store;
/* A parsed report made ready to store, on the worker that parsed it. */
typedef struct ix_ready ix_ready;

/* r, owned from now on (freed on failure too), with all that can be done
 * without the str table: cells packed, sections placed in the text, its
 * directories named, its checks' key made.  0 or -ENOMEM. */
int ix_ready_make(nb_report *r, ix_ready **out);
/* Frees p and its report; on any thread. */
void ix_ready_free(ix_ready *p);
/* The parsed report p holds. */
const nb_report *ix_ready_report(const ix_ready *p);

/* After str holds the old index's strings, if any.  0, -ENOMEM or -EIO. */
int ix_store_new(sqlite3 *db, ix_store **out);
void ix_store_free(ix_store *st);
/* Stores every row of p's report as report id.  0, -ENOMEM or -EIO. */
int ix_store_report(ix_store *st, int64_t id, const ix_ready *p);

#endif
