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
 * as the reports come in nearly the same order.  Where a file starts as
 * it did, with the chunks of unchanged reports that stay first, its old
 * blocks and chunk rows up to there are copied as they are
 * (ix_blocks_keep_ends); where it ends as it did, with the chunks of the
 * unchanged reports that stay last, its old blocks from the first block
 * end it shares with the new layout on are copied too, moved by the
 * difference in where they start (copy_rest).  Laying every block out
 * and compressing it again was the most of a one-file refresh at 100,000
 * reports (8.1 of 17.7 s).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "ix.h"
#include "dataset.h"

/*
 * Where a block ends: before a chunk that would not fit, after one that
 * fills it, and — once it holds half of IX_BLOCK_SIZE — after a chunk
 * that draws a cut: a hash of its bytes below its length out of CUT_SPAN,
 * so a cut about every CUT_SPAN bytes of chunks.  A chunk draws the same
 * whatever came before it and whatever its report's id (a report's id
 * depends on the files indexed before it).  After a change the
 * blocks of a refresh and the old blocks are laid differently, but at
 * such a cut both end after the same chunk as soon as both are at least
 * half full there; from that chunk on they are the same blocks, and
 * copy_rest copies them.  The blocks of bench/gen.py's 10,000 reports
 * hold 56 KiB on average instead of 62 with the first two rules alone,
 * and take 1.9 % more compressed (3.65 against 3.58 MB); a cut every
 * IX_BLOCK_SIZE / 2 made them 3.4 % more and copied no sooner (the
 * blocks of a one-file refresh at 10,000 reports, 0.08 s either way).
 */
#define CUT_FILL (IX_BLOCK_SIZE / 2)
#define CUT_SPAN IX_BLOCK_SIZE
#define CUT_SEED 0x626c6f636bULL	/* "block" */

enum {
	W_CHUNK, W_BLOCK, W_OLD_FILE, W_OLD_CHUNK, W_OLD_BLOCK, W_OLD_CHUNKS,
	W_OLD_LAST, W_OLD_ORDER, W_OLD_STARTS, W_COPY_BLOCKS, W_COPY_CHUNKS,
	W_COUNT
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
	[W_OLD_CHUNKS] = "SELECT report, off FROM old.chunk WHERE file = ?",
	[W_OLD_LAST] = "SELECT off, off_excel FROM old.all_block"
		" WHERE file = ?1 AND off < ?2 ORDER BY off DESC LIMIT 1",
	/* reports.csv holds a chunk of every report: the old order */
	[W_OLD_ORDER] = "SELECT report FROM old.chunk WHERE file = ?"
		" ORDER BY off DESC",
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
	size_t kept_upto;	/* reports before this (in order) copied */
	size_t copied_from;	/* reports from this on copied (SIZE_MAX: none) */
	/* the last chunk given: its report and that report's place */
	int64_t last_report;
	size_t last_at;
} wfile;

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
	/* from this place of the order on, every report is unchanged and
	 * the old order ends with the same reports (ix_blocks_keep_ends) */
	size_t tail;
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

/* After f's block ended with the chunk of the report at f->last_at: when
 * that report and every one after it are unchanged and last in the old
 * order too (w->tail), and an old block starts where that report's old
 * chunk ends, the rest of the old file is what the rest of this one would
 * be — the same chunks, laid from an empty block by the same rules.  It
 * is copied, moved to where this block ended, and f takes no more. */
static int copy_rest(ix_blocks *w, wfile *f)
{
	if (!f->old_id || f->last_at < w->tail || f->copied_from != SIZE_MAX)
		return 0;
	sqlite3_stmt *st = w->q[W_OLD_CHUNK];
	sqlite3_bind_int64(st, 1, f->old_id);
	sqlite3_bind_int64(st, 2, f->last_report);
	int step = sqlite3_step(st);
	int64_t end = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) +
		sqlite3_column_int64(st, 1) : 0;
	sqlite3_reset(st);
	if (step != SQLITE_ROW)
		return step == SQLITE_DONE ? 0 : db_error(w);
	st = w->q[W_OLD_STARTS];
	sqlite3_bind_int64(st, 1, f->old_id);
	sqlite3_bind_int64(st, 2, end);
	step = sqlite3_step(st);
	int64_t end_excel = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (step != SQLITE_ROW)	/* DONE: the old layout went on */
		return step == SQLITE_DONE ? 0 : db_error(w);
	int rc = copy_range(w, f, end, INT64_MAX, f->off - end,
			    f->off_excel - end_excel);
	if (!rc)
		f->copied_from = f->last_at + 1;
	return rc;
}

/* Ends f's block: compressed and stored, then the rest copied if it can
 * be. */
static int end_block(ix_blocks *w, wfile *f)
{
	int rc = flush(w, f);
	return rc ? rc : copy_rest(w, f);
}

int ix_blocks_add(ix_blocks *w, size_t file, size_t at, int64_t report,
		  const char *data, size_t len, int64_t records)
{
	wfile *f = &w->f[file];
	int rc = 0;
	if (f->block.len && f->block.len + len > IX_BLOCK_SIZE)
		rc = end_block(w, f);
	if (rc || !len || at >= f->copied_from)
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
		if (w->f[i].old_id && at >= w->f[i].kept_upto &&
		    at < w->f[i].copied_from)
			rc = keep_one(w, i, at, report);
	return rc;
}

/* ---- a file's unchanged start, copied ------------------------------------- */

/* An old chunk of a report among the first ones kept: its place in the
 * order of _all and its offset. */
typedef struct {
	size_t at;
	int64_t off;
} first_chunk;

/* Copies the start of file f as the old index has it, blocks and chunk
 * rows, as far as it holds only chunks of the first nfirst reports of the
 * order (pos: a report id's place in it, -1 for none); f then goes on
 * from there, and f->kept_upto says from which report on the chunks are
 * not copied. */
static int keep_start(ix_blocks *w, wfile *f, const int64_t *pos, size_t npos,
		      size_t nfirst)
{
	first_chunk *v = NULL;
	size_t n = 0, cap = 0;
	int64_t stop = INT64_MAX;	/* the first chunk of another report */
	int rc = 0, step;
	sqlite3_stmt *st = w->q[W_OLD_CHUNKS];
	sqlite3_bind_int64(st, 1, f->old_id);
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t report = sqlite3_column_int64(st, 0);
		int64_t off = sqlite3_column_int64(st, 1);
		int64_t at = report >= 0 && (uint64_t)report < npos ?
			pos[report] : -1;
		if (at < 0 || (size_t)at >= nfirst) {
			if (off < stop)
				stop = off;
			continue;
		}
		first_chunk *nv = nb_grow(v, &cap, n + 1, sizeof *v, 1024);
		if (!nv) {
			rc = -ENOMEM;
			break;
		}
		v = nv;
		v[n++] = (first_chunk){(size_t)at, off};
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_error(w);
	sqlite3_reset(st);

	/* Where a block ends depends on the chunk after it (ix_blocks_add
	 * flushes before a chunk that would not fit): a block is kept only
	 * when that chunk is one of the first reports', the same in the new
	 * order.  So the blocks before the last one that starts before stop
	 * (the last of the file when stop is past its end: what follows its
	 * last chunk is not known yet). */
	int64_t end = 0, end_excel = 0;
	if (!rc) {
		st = w->q[W_OLD_LAST];
		sqlite3_bind_int64(st, 1, f->old_id);
		sqlite3_bind_int64(st, 2, stop);
		step = sqlite3_step(st);
		if (step == SQLITE_ROW) {
			end = sqlite3_column_int64(st, 0);
			end_excel = sqlite3_column_int64(st, 1);
		} else if (step != SQLITE_DONE) {
			rc = db_error(w);
		}
		sqlite3_reset(st);
	}
	if (!rc && end)
		rc = copy_range(w, f, 0, end, 0, 0);
	if (!rc && end) {
		f->off = end;
		f->off_excel = end_excel;
		f->kept_upto = nfirst;
		for (size_t i = 0; i < n; i++)
			if (v[i].off >= end && v[i].at < f->kept_upto)
				f->kept_upto = v[i].at;
	}
	free(v);
	return rc;
}

/* w->tail: walking back from the end of both orders, the first place
 * where the reports differ or one changed (n when the last did). */
static int find_tail(ix_blocks *w, const int64_t *ids, const bool *kept,
		     size_t n)
{
	w->tail = n;
	int64_t order = w->f[IX_ALL_REPORTS].old_id;
	if (!order)
		return 0;
	sqlite3_stmt *st = w->q[W_OLD_ORDER];
	sqlite3_bind_int64(st, 1, order);
	int step = SQLITE_DONE;
	while (w->tail && kept[w->tail - 1] &&
	       (step = sqlite3_step(st)) == SQLITE_ROW &&
	       sqlite3_column_int64(st, 0) == ids[w->tail - 1])
		w->tail--;
	sqlite3_reset(st);
	return step == SQLITE_ROW || step == SQLITE_DONE ? 0 : db_error(w);
}

int ix_blocks_keep_ends(ix_blocks *w, const int64_t *ids, const bool *kept,
			size_t n)
{
	int rc = find_tail(w, ids, kept, n);
	size_t nfirst = 0;
	while (nfirst < n && kept[nfirst])
		nfirst++;
	if (rc || !nfirst)
		return rc;
	/* report ids are file ids, at most one per path ever indexed */
	int64_t max = 0;
	for (size_t i = 0; i < nfirst; i++)
		if (ids[i] > max)
			max = ids[i];
	size_t npos = (size_t)max + 1;
	int64_t *pos = malloc(npos * sizeof *pos);
	if (!pos)
		return -ENOMEM;
	for (size_t i = 0; i < npos; i++)
		pos[i] = -1;
	for (size_t i = 0; i < nfirst; i++)
		if (ids[i] >= 0)
			pos[ids[i]] = (int64_t)i;
	for (size_t i = 0; i < w->files->n && !rc; i++)
		if (w->f[i].old_id)
			rc = keep_start(w, &w->f[i], pos, npos, nfirst);
	free(pos);
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
		w->f[i].copied_from = SIZE_MAX;
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
	for (int i = 0; i < W_COUNT; i++)
		sqlite3_finalize(w->q[i]);
	ZSTD_freeCCtx(w->cctx);
	free(w->z);
	nb_buf_free(&w->piece);
	free(w);
}
