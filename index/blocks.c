/*
 * blocks.c — the files of _all stored compressed.  Each file's body is its
 * chunks (one report's records, dataset.c) in report order, packed whole
 * into blocks of about IX_BLOCK_SIZE bytes, each block one zstd frame in
 * all_block; chunk keeps where each report's chunk is (its offsets in both
 * dialects), for the year slices (alltree.c) and for the next rebuild.
 *
 * Why blocks, not a compressed chunk each: a chunk is ~650 bytes and
 * compresses 2.5× alone; the records of consecutive reports repeat each
 * other (agency, labels, empty columns) and 64 KiB of them compress ~13×
 * (zstd level 3 at ~450 MB/s; 16 KiB gives ~9×, 256 KiB ~15× but costs a
 * read four times the decompression).  A block ends on a chunk's end, so
 * it starts on a record and outside any quoted field: the excel dialect of
 * a block is made from the block alone (chunks.c).
 *
 * A rebuild takes the chunks of an unchanged report out of the old
 * index's blocks (attached as "old"), decompressing each old block once
 * as the reports come in nearly the same order.  Only the blocks around
 * the changes are laid out again: between changes the reports stand in
 * runs, unchanged and in the old order (runs.c), and the old blocks a run
 * fills are the new ones from where both layouts end a block after the
 * same chunk — at the start of a file that starts as it did, or soon
 * after a change (the cut below).  Those old blocks and their chunk rows
 * are copied, moved by the difference in where they start (copy_blocks),
 * all but the last one the run fills, whose end depended on the chunk
 * after it (unless the run ends both orders).  Laying every block out
 * and compressing it again was the most of a one-file refresh at 100,000
 * reports (8.1 of 17.7 s).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "ix.h"
#include "tnode.h"
#include "dataset.h"

/*
 * Where a block ends: before a chunk that would not fit, after one that
 * fills it, and — once it holds half of IX_BLOCK_SIZE — after a chunk
 * that draws a cut: a hash of its bytes below its length out of CUT_SPAN,
 * so a cut about every CUT_SPAN bytes of chunks.  A chunk draws the same
 * whatever came before it and whatever its report's id (a report's id
 * depends on the files indexed before it).  After a change the blocks
 * of a refresh and the old blocks are laid differently, but at
 * such a cut both end after the same chunk as soon as both are at least
 * half full there; from that chunk on they are the same blocks, and
 * copy_run copies them.  The blocks of bench/gen.py's 10,000 reports
 * hold 56 KiB on average instead of 62 with the first two rules alone,
 * and take 1.9 % more compressed (3.65 against 3.58 MB); a cut every
 * IX_BLOCK_SIZE / 2 made them 3.4 % more and copied no sooner (the
 * blocks of a one-file refresh at 10,000 reports, 0.08 s either way).
 */
#define CUT_FILL (IX_BLOCK_SIZE / 2)
#define CUT_SPAN IX_BLOCK_SIZE
#define CUT_SEED 0x626c6f636bULL	/* "block" */

enum {
	W_CHUNK, W_BLOCK, W_OLD_FILE, W_OLD_CHUNK, W_OLD_BLOCK, W_OLD_LAST,
	W_OLD_ORDER, W_OLD_STARTS, W_COPY_BLOCKS, W_COPY_CHUNKS, W_COUNT
};

static const char *const sql[W_COUNT] = {
	[W_CHUNK] = "INSERT INTO chunk(file, report, records, size, off,"
		" off_excel) VALUES(?,?,?,?,?,?)",
	[W_BLOCK] = "INSERT INTO all_block(file, off, off_excel, size, records,"
		" data) VALUES(?,?,?,?,?,?)",
	[W_OLD_FILE] = "SELECT id FROM old.all_file WHERE name = ?",
	[W_OLD_CHUNK] = "SELECT off, size, records FROM old.chunk"
		" WHERE file = ? AND report = ?",
	[W_OLD_BLOCK] = "SELECT off, size, data FROM old.all_block"
		" WHERE file = ?1 AND off <= ?2 ORDER BY off DESC LIMIT 1",
	[W_OLD_LAST] = "SELECT off, off_excel FROM old.all_block"
		" WHERE file = ?1 AND off < ?2 ORDER BY off DESC LIMIT 1",
	/* reports.csv holds a chunk of every report: the old order */
	[W_OLD_ORDER] = "SELECT report FROM old.chunk WHERE file = ?"
		" ORDER BY off",
	[W_OLD_STARTS] = "SELECT off_excel FROM old.all_block"
		" WHERE file = ?1 AND off = ?2",
	/* the old blocks and chunk rows of [?3, ?4), moved by ?5 and ?6 */
	[W_COPY_BLOCKS] = "INSERT INTO all_block(file, off, off_excel, size,"
		" records, data) SELECT ?1, off + ?5, off_excel + ?6, size,"
		" records, data FROM old.all_block WHERE file = ?2"
		" AND off >= ?3 AND off < ?4 ORDER BY off",
	[W_COPY_CHUNKS] = "INSERT INTO chunk(file, report, records, size, off,"
		" off_excel) SELECT ?1, report, records, size, off + ?5,"
		" off_excel + ?6 FROM old.chunk WHERE file = ?2 AND off >= ?3"
		" AND off < ?4",
};

/* One file of _all being written. */
typedef struct {
	int64_t id;		/* in all_file */
	nb_buf block;		/* the block being filled, uncompressed */
	int64_t records;	/* records in it */
	int64_t off, off_excel;	/* where it starts in the file's body */
	/* the same file in the old index, when its chunks are as they were
	 * (its header unchanged); 0: none */
	int64_t old_id;
	ix_block old;		/* the old block read last */
	/* reports at places [skip_from, skip_to) have their chunks copied
	 * with the old blocks (copy_run) */
	size_t skip_from, skip_to;
	/* the last chunk given: its report and that report's place */
	int64_t last_report;
	size_t last_at;
} wfile;

/* Whether the chunk at place at came into f with old blocks. */
static bool copied(const wfile *f, size_t at)
{
	return at >= f->skip_from && at < f->skip_to;
}

struct ix_blocks {
	sqlite3 *db;
	FILE *err;
	sqlite3_stmt *q[W_COUNT];
	const ix_allfiles *files;
	wfile *f;		/* parallel to files->v */
	ZSTD_CCtx *cctx;
	char *z;		/* a compressed block */
	size_t zcap;
	nb_buf piece;		/* an old chunk taken out of its blocks */
	/* The order's ids and its runs (ix_runs_find): run_end[p] is where
	 * the run holding place p ends, 0 for a place in none; from tail on,
	 * the run ends both orders. */
	const int64_t *ids;
	size_t tail;
	size_t *run_end;
	bool head;		/* the order starts as the old one did */
};

int ix_block_unpack(ix_block *b, const void *z, size_t zn, int64_t size)
{
	b->len = 0;
	if (!z || size < 0 ||
	    ZSTD_getFrameContentSize(z, zn) != (unsigned long long)size)
		return -EIO;	/* not a block of that size: damage */
	char *s = nb_grow(b->s, &b->cap, (size_t)size + 1, 1, IX_BLOCK_SIZE);
	if (!s)
		return -ENOMEM;
	b->s = s;
	size_t n = ZSTD_decompress(b->s, (size_t)size, z, zn);
	if (ZSTD_isError(n) || n != (size_t)size)
		return -EIO;
	b->len = n;
	return 0;
}

void ix_block_free(ix_block *b)
{
	free(b->s);
	*b = (ix_block){0};
}

static int db_error(ix_blocks *w)
{
	ix_say_db(w->err, w->db);
	return -EIO;
}

static int step_done(ix_blocks *w, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(w);
	sqlite3_reset(st);
	return rc;
}

/* Compresses and stores f's block, and starts the next. */
static int flush(ix_blocks *w, wfile *f)
{
	size_t len = f->block.len;
	if (!len)
		return 0;
	size_t bound = ZSTD_compressBound(len);
	char *z = nb_grow(w->z, &w->zcap, bound, 1, IX_BLOCK_SIZE);
	if (!z)
		return -ENOMEM;
	w->z = z;
	size_t zn = ZSTD_compressCCtx(w->cctx, w->z, bound, f->block.s, len,
				      IX_BLOCK_LEVEL);
	if (ZSTD_isError(zn)) {
		ix_say(w->err, "%s: compressing a block of _all: %s",
		       sqlite3_db_filename(w->db, "main"), ZSTD_getErrorName(zn));
		return -EIO;
	}
	sqlite3_stmt *st = w->q[W_BLOCK];
	sqlite3_bind_int64(st, 1, f->id);
	sqlite3_bind_int64(st, 2, f->off);
	sqlite3_bind_int64(st, 3, f->off_excel);
	sqlite3_bind_int64(st, 4, (int64_t)len);
	sqlite3_bind_int64(st, 5, f->records);
	sqlite3_bind_blob64(st, 6, w->z, zn, SQLITE_STATIC);
	int rc = step_done(w, st);
	f->off += (int64_t)len;
	f->off_excel += (int64_t)len + f->records;
	f->block.len = 0;
	f->records = 0;
	return rc;
}

/* Whether the chunk data (len bytes) ends a block at least CUT_FILL full
 * (the cut it draws: see CUT_SPAN). */
static bool cuts_after(const char *data, size_t len)
{
	return ix_hash64(data, len, CUT_SEED) % CUT_SPAN < len;
}

/* Copies the old blocks and chunk rows of f's body [from, to), each moved
 * by shift (shift_excel in the excel dialect). */
static int copy_range(ix_blocks *w, const wfile *f, int64_t from, int64_t to,
		      int64_t shift, int64_t shift_excel)
{
	int rc = 0;
	for (int q = W_COPY_BLOCKS; q <= W_COPY_CHUNKS && !rc; q++) {
		sqlite3_stmt *st = w->q[q];
		sqlite3_bind_int64(st, 1, f->id);
		sqlite3_bind_int64(st, 2, f->old_id);
		sqlite3_bind_int64(st, 3, from);
		sqlite3_bind_int64(st, 4, to);
		sqlite3_bind_int64(st, 5, shift);
		sqlite3_bind_int64(st, 6, shift_excel);
		rc = step_done(w, st);
	}
	return rc;
}

/* Old chunk rows looked up, at most, for where a run's chunks end in a
 * file that holds few of them (checks.csv, warnings.csv): past this the
 * blocks are laid out again instead, which is as right.  A lookup by
 * (file, report) takes ~0.6 µs (100,000 in 0.061-0.063 s, sqlite3's .timer
 * on the 10,000-report index): this bounds a walk to ~3 ms. */
#define WALK_MAX 4096

/* The old chunk of report in f: its offset and size.  0, 1 when f has
 * none, or -EIO. */
static int old_chunk(ix_blocks *w, const wfile *f, int64_t report,
		     int64_t *off, int64_t *size)
{
	sqlite3_stmt *st = w->q[W_OLD_CHUNK];
	sqlite3_bind_int64(st, 1, f->old_id);
	sqlite3_bind_int64(st, 2, report);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*off = sqlite3_column_int64(st, 0);
		*size = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (step == SQLITE_ROW)
		return 0;
	return step == SQLITE_DONE ? 1 : db_error(w);
}

/* The old blocks that the places [first, end) of a run fill in f, from
 * old body offset from on (where an old block starts, after the chunk of
 * the place before first or at the body's start): [from, *stop), and
 * *skip_to the first place whose chunk is not among them.  The last old
 * block that holds a chunk of the run is left out, unless the run ends
 * both orders: where it ended depended on the chunk after it, another
 * report's.  *stop == from: none. */
static int run_blocks(ix_blocks *w, const wfile *f, size_t first, size_t end,
		      int64_t from, int64_t *stop, int64_t *stop_excel,
		      size_t *skip_to)
{
	*stop_excel = 0;
	*stop = from;
	if (first >= w->tail) {
		*stop = INT64_MAX;
		*skip_to = SIZE_MAX;
		return 0;
	}
	/* the run's last chunk in f: where the blocks to copy end */
	size_t q = end, looked = 0;
	int64_t off = 0, size = 0;
	int rc = 1;
	while (q > first && rc == 1 && looked++ < WALK_MAX)
		rc = old_chunk(w, f, w->ids[--q], &off, &size);
	if (rc)
		return rc < 0 ? rc : 0;
	sqlite3_stmt *st = w->q[W_OLD_LAST];
	sqlite3_bind_int64(st, 1, f->old_id);
	sqlite3_bind_int64(st, 2, off + size);
	int step = sqlite3_step(st);
	int64_t last = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : from;
	*stop_excel = step == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
	sqlite3_reset(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return db_error(w);
	if (last <= from)
		return 0;
	/* the first place of the run whose chunk is in the block left out */
	*skip_to = q;
	for (looked = 0; q > first && looked++ < WALK_MAX;) {
		rc = old_chunk(w, f, w->ids[--q], &off, &size);
		if (rc < 0)
			return rc;
		if (!rc && off < last)
			break;
		if (!rc)
			*skip_to = q;
	}
	if (looked > WALK_MAX)
		return 0;
	*stop = last;
	return 0;
}

/* Copies the old blocks that the run holding places [first, ...) fills in
 * f from old body offset from (from_excel), moved to where f's next block
 * starts, and has f go on after them. */
static int copy_blocks(ix_blocks *w, wfile *f, size_t first, int64_t from,
		       int64_t from_excel)
{
	int64_t stop, stop_excel;
	size_t skip_to;
	int rc = run_blocks(w, f, first, w->run_end[first], from, &stop,
			    &stop_excel, &skip_to);
	if (rc || stop <= from)
		return rc;
	int64_t shift = f->off - from, shift_excel = f->off_excel - from_excel;
	rc = copy_range(w, f, from, stop, shift, shift_excel);
	if (rc)
		return rc;
	f->skip_from = first;
	f->skip_to = skip_to;
	if (stop != INT64_MAX) {
		f->off = stop + shift;
		f->off_excel = stop_excel + shift_excel;
	}
	return 0;
}

/* After f's block ended with the chunk of the report at f->last_at: when
 * that report is in a run (w->run_end) that goes on after it, and an old
 * block starts where that report's old chunk ends, the old blocks after
 * it are what the new ones would be — the same chunks, laid from an empty
 * block by the same rules — as far as the run's chunks fill them.  They
 * are copied, moved to where this block ended, and f goes on after them
 * (to the end, when the run ends both orders). */
static int copy_run(ix_blocks *w, wfile *f)
{
	size_t p = f->last_at;
	if (!f->old_id || !w->run_end || w->run_end[p] <= p + 1)
		return 0;
	int64_t off, size;
	int rc = old_chunk(w, f, f->last_report, &off, &size);
	if (rc)
		return rc < 0 ? rc : 0;
	int64_t from = off + size;
	sqlite3_stmt *st = w->q[W_OLD_STARTS];
	sqlite3_bind_int64(st, 1, f->old_id);
	sqlite3_bind_int64(st, 2, from);
	int step = sqlite3_step(st);
	int64_t from_excel = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (step != SQLITE_ROW)	/* DONE: the old layout went on */
		return step == SQLITE_DONE ? 0 : db_error(w);
	return copy_blocks(w, f, p + 1, from, from_excel);
}

/* Ends f's block: compressed and stored, then the rest copied if it can
 * be. */
static int end_block(ix_blocks *w, wfile *f)
{
	int rc = flush(w, f);
	return rc ? rc : copy_run(w, f);
}

int ix_blocks_add(ix_blocks *w, size_t file, size_t at, int64_t report,
		  const char *data, size_t len, int64_t records)
{
	wfile *f = &w->f[file];
	int rc = 0;
	if (f->block.len && f->block.len + len > IX_BLOCK_SIZE)
		rc = end_block(w, f);
	if (rc || !len || copied(f, at))
		return rc;
	sqlite3_stmt *st = w->q[W_CHUNK];
	sqlite3_bind_int64(st, 1, f->id);
	sqlite3_bind_int64(st, 2, report);
	sqlite3_bind_int64(st, 3, records);
	sqlite3_bind_int64(st, 4, (int64_t)len);
	sqlite3_bind_int64(st, 5, f->off + (int64_t)f->block.len);
	sqlite3_bind_int64(st, 6, f->off_excel + (int64_t)f->block.len +
			   f->records);
	if ((rc = step_done(w, st)))
		return rc;
	nb_buf_add(&f->block, data, len);
	if (f->block.oom)
		return -ENOMEM;
	f->records += records;
	f->last_report = report;
	f->last_at = at;
	if (f->block.len >= IX_BLOCK_SIZE ||
	    (f->block.len >= CUT_FILL && cuts_after(data, len)))
		rc = end_block(w, f);
	return rc;
}

/* Makes f->old the old block holding body offset at. */
static int old_block(ix_blocks *w, wfile *f, int64_t at)
{
	if (f->old.len && f->old.off <= at &&
	    at < f->old.off + (int64_t)f->old.len)
		return 0;
	sqlite3_stmt *st = w->q[W_OLD_BLOCK];
	sqlite3_bind_int64(st, 1, f->old_id);
	sqlite3_bind_int64(st, 2, at);
	int rc = -EIO, step = sqlite3_step(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		sqlite3_reset(st);
		return db_error(w);
	}
	if (step == SQLITE_ROW) {
		f->old.off = sqlite3_column_int64(st, 0);
		rc = ix_block_unpack(&f->old, sqlite3_column_blob(st, 2),
				     (size_t)sqlite3_column_bytes(st, 2),
				     sqlite3_column_int64(st, 1));
		if (!rc && at >= f->old.off + (int64_t)f->old.len)
			rc = -EIO;	/* blocks are contiguous: a gap */
	}
	sqlite3_reset(st);
	if (rc == -EIO)
		ix_say(w->err, "%s: a block of _all is damaged or missing",
		       sqlite3_db_filename(w->db, "old"));
	return rc;
}

/* Appends report's chunk of file i as the old index has it, if any;
 * place: report's in the order. */
static int keep_one(ix_blocks *w, size_t i, size_t place, int64_t report)
{
	wfile *f = &w->f[i];
	sqlite3_stmt *st = w->q[W_OLD_CHUNK];
	sqlite3_bind_int64(st, 1, f->old_id);
	sqlite3_bind_int64(st, 2, report);
	int step = sqlite3_step(st);
	if (step != SQLITE_ROW) {
		sqlite3_reset(st);
		/* DONE: no record of the report in this file */
		return step == SQLITE_DONE ? 0 : db_error(w);
	}
	int64_t at = sqlite3_column_int64(st, 0);
	int64_t size = sqlite3_column_int64(st, 1);
	int64_t records = sqlite3_column_int64(st, 2);
	sqlite3_reset(st);
	w->piece.len = 0;
	int rc = 0;
	for (int64_t end = at + size; at < end && !rc;) {
		if ((rc = old_block(w, f, at)))
			break;
		int64_t stop = f->old.off + (int64_t)f->old.len;
		size_t n = (size_t)((end < stop ? end : stop) - at);
		nb_buf_add(&w->piece, f->old.s + (at - f->old.off), n);
		at += (int64_t)n;
	}
	if (!rc && w->piece.oom)
		rc = -ENOMEM;
	return rc ? rc : ix_blocks_add(w, i, place, report, w->piece.s,
				       w->piece.len, records);
}

int ix_blocks_keep(ix_blocks *w, size_t at, int64_t report)
{
	int rc = 0;
	for (size_t i = 0; i < w->files->n && !rc; i++)
		if (w->f[i].old_id && !copied(&w->f[i], at))
			rc = keep_one(w, i, at, report);
	return rc;
}

/* w->run_end, w->tail and w->head, from the old order (reports.csv holds
 * a chunk of every report, in it). */
static int find_runs(ix_blocks *w, const int64_t *ids, const bool *kept,
		     size_t n)
{
	w->ids = ids;
	w->tail = n;
	int64_t order = w->f[IX_ALL_REPORTS].old_id;
	if (!order || !n)
		return 0;
	int64_t *old = NULL;
	size_t nold = 0, cap = 0;
	int rc = 0, step;
	sqlite3_stmt *st = w->q[W_OLD_ORDER];
	sqlite3_bind_int64(st, 1, order);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t *v = nb_grow(old, &cap, nold + 1, sizeof *v, 1024);
		if (!v) {
			rc = -ENOMEM;
			break;
		}
		old = v;
		old[nold++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	if (!rc && step != SQLITE_DONE)
		rc = db_error(w);
	if (!rc && !(w->run_end = calloc(n, sizeof *w->run_end)))
		rc = -ENOMEM;
	if (!rc)
		rc = ix_runs_find(ids, kept, n, old, nold, w->run_end, &w->tail,
				  &w->head);
	free(old);
	return rc;
}

int ix_blocks_keep_ends(ix_blocks *w, const int64_t *ids, const bool *kept,
			size_t n)
{
	int rc = find_runs(w, ids, kept, n);
	/* a file's start is a block end both layouts share: when the order
	 * starts as the old one did, the old blocks its first run fills are
	 * copied */
	for (size_t i = 0; i < w->files->n && !rc && w->head; i++)
		if (w->f[i].old_id)
			rc = copy_blocks(w, &w->f[i], 0, 0, 0);
	return rc;
}

int ix_blocks_finish(ix_blocks *w)
{
	int rc = 0;
	for (size_t i = 0; i < w->files->n && !rc; i++)
		rc = flush(w, &w->f[i]);
	return rc;
}

/* Each file's id in the old index, by name, but those whose header
 * changed: their chunks are all rendered again. */
static int find_old(ix_blocks *w)
{
	sqlite3_stmt *st = w->q[W_OLD_FILE];
	int rc = 0;
	for (size_t i = 0; i < w->files->n && !rc; i++) {
		if (w->files->v[i].changed)
			continue;
		sqlite3_bind_text(st, 1, w->files->v[i].name, -1, SQLITE_STATIC);
		int step = sqlite3_step(st);
		if (step == SQLITE_ROW)
			w->f[i].old_id = sqlite3_column_int64(st, 0);
		else if (step != SQLITE_DONE)
			rc = db_error(w);
		sqlite3_reset(st);
	}
	return rc;
}

int ix_blocks_new(sqlite3 *db, FILE *err, const ix_allfiles *files,
		  bool old, ix_blocks **out)
{
	ix_blocks *w = calloc(1, sizeof *w);
	if (!w)
		return -ENOMEM;
	*w = (ix_blocks){.db = db, .err = err, .files = files};
	int rc = 0;
	w->f = calloc(files->n ? files->n : 1, sizeof *w->f);
	w->cctx = ZSTD_createCCtx();
	if (!w->f || !w->cctx)
		rc = -ENOMEM;
	for (size_t i = 0; i < files->n && !rc; i++) {
		w->f[i].id = files->v[i].id;
		w->f[i].skip_from = w->f[i].skip_to = SIZE_MAX;
	}
	for (int i = 0; i < W_COUNT && !rc; i++) {
		if (i >= W_OLD_FILE && !old)
			break;
		if (sqlite3_prepare_v3(db, sql[i], -1, SQLITE_PREPARE_PERSISTENT,
				       &w->q[i], NULL) != SQLITE_OK)
			rc = db_error(w);
	}
	if (!rc && old)
		rc = find_old(w);
	if (rc) {
		ix_blocks_free(w);
		return rc;
	}
	*out = w;
	return 0;
}

void ix_blocks_free(ix_blocks *w)
{
	if (!w)
		return;
	for (size_t i = 0; w->f && i < w->files->n; i++) {
		nb_buf_free(&w->f[i].block);
		ix_block_free(&w->f[i].old);
	}
	free(w->f);
	free(w->run_end);
	for (int i = 0; i < W_COUNT; i++)
		sqlite3_finalize(w->q[i]);
	ZSTD_freeCCtx(w->cctx);
	free(w->z);
	nb_buf_free(&w->piece);
	free(w);
}
