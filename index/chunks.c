/*
 * chunks.c — serves the files of _all, each composed of its header and a
 * slice of its body, stored compressed in blocks (blocks.c): the block
 * holding the first byte asked for is found by an indexed search on
 * all_block's offsets, and the blocks from there on are decompressed in
 * offset order, each whole (64 KiB, ~70 µs) unless it is one of the last
 * decompressed (blockcache.c).  Blocks are stored in the
 * unix dialect and start on a record; the excel dialect adds a BOM and
 * each record's CR on the fly (ix_csv_excel), at offsets kept for it.
 * Nothing is queried but the index: a read of _all/申请情况.csv costs what
 * reading its blocks costs.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ix.h"
#include "dataset.h"

enum { D_UNIX, D_EXCEL };

typedef struct {
	uint64_t ino;
	int64_t file;
	int64_t start[2], stop[2];
	char *head[2];		/* the header as served */
	size_t hlen[2];
} cfile;

struct ix_chunks {
	cfile *v;		/* sorted by ino */
	size_t n;
	ix_block_cache *cache;	/* the blocks decompressed last (blockcache.c) */
};

/* The blocks of file from the one holding body offset ?2 to ?3: the
 * block's offset, its size (unix dialect) and its bytes. */
static const char *const range_sql[2] = {
	[D_UNIX] = "SELECT off, size, data FROM all_block WHERE file = ?1"
		" AND off >= (SELECT max(off) FROM all_block"
		"  WHERE file = ?1 AND off <= ?2)"
		" AND off < ?3 ORDER BY off",
	[D_EXCEL] = "SELECT off_excel, size, data FROM all_block"
		" WHERE file = ?1 AND off_excel >= (SELECT max(off_excel)"
		"  FROM all_block WHERE file = ?1 AND off_excel <= ?2)"
		" AND off_excel < ?3 ORDER BY off_excel",
};

static int load(ix_chunks *c, sqlite3 *db)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT n.ino, n.file, n.start, n.stop,"
			       " n.start_excel, n.stop_excel, f.header"
			       " FROM chunk_node n JOIN all_file f"
			       " ON f.id = n.file ORDER BY n.ino", -1, &st,
			       NULL) != SQLITE_OK)
		return -EIO;
	size_t cap = 0;
	int rc = 0, step;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		cfile *v = nb_grow(c->v, &cap, c->n + 1, sizeof *v, 64);
		if (!v) {
			rc = -ENOMEM;
			break;
		}
		c->v = v;
		cfile *f = &c->v[c->n++];
		*f = (cfile){
			.ino = (uint64_t)sqlite3_column_int64(st, 0),
			.file = sqlite3_column_int64(st, 1),
			.start = {sqlite3_column_int64(st, 2),
				  sqlite3_column_int64(st, 4)},
			.stop = {sqlite3_column_int64(st, 3),
				 sqlite3_column_int64(st, 5)},
		};
		const char *h = sqlite3_column_blob(st, 6);
		size_t hn = (size_t)sqlite3_column_bytes(st, 6);
		size_t xn = ix_csv_excel(h, hn, 0, NULL, 0);
		f->head[D_UNIX] = malloc(hn + 1);
		f->head[D_EXCEL] = malloc(3 + xn + 1);
		if (!f->head[D_UNIX] || !f->head[D_EXCEL]) {
			rc = -ENOMEM;
			break;
		}
		memcpy(f->head[D_UNIX], h, hn);
		f->hlen[D_UNIX] = hn;
		memcpy(f->head[D_EXCEL], "\xEF\xBB\xBF", 3);	/* Excel reads the BOM */
		f->hlen[D_EXCEL] = 3 + ix_csv_excel(h, hn, 0, f->head[D_EXCEL] + 3, xn);
	}
	if (!rc && step != SQLITE_DONE)
		rc = -EIO;
	sqlite3_finalize(st);
	return rc;
}

int ix_chunks_open(sqlite3 *db, ix_chunks **out)
{
	ix_chunks *c = calloc(1, sizeof *c);
	if (!c)
		return -ENOMEM;
	int rc = ix_block_cache_new(&c->cache);
	if (!rc)
		rc = load(c, db);
	if (rc) {
		ix_chunks_close(c);
		return rc;
	}
	*out = c;
	return 0;
}

void ix_chunks_close(ix_chunks *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].head[D_UNIX]);
		free(c->v[i].head[D_EXCEL]);
	}
	free(c->v);
	ix_block_cache_free(c->cache);
	free(c);
}

unsigned long ix_chunks_unpacked(const ix_chunks *c)
{
	return ix_block_cache_unpacked(c->cache);
}

int ix_chunks_prepare(sqlite3 *db, sqlite3_stmt *range[2])
{
	for (int d = 0; d < 2; d++)
		if (sqlite3_prepare_v3(db, range_sql[d], -1,
				       SQLITE_PREPARE_PERSISTENT, &range[d],
				       NULL) != SQLITE_OK)
			return -EIO;
	return 0;
}

static const cfile *find(const ix_chunks *c, uint64_t ino)
{
	size_t lo = 0, hi = c ? c->n : 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->v[mid].ino < ino)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < (c ? c->n : 0) && c->v[lo].ino == ino ? &c->v[lo] : NULL;
}

bool ix_chunks_owns(const ix_chunks *c, uint64_t ino)
{
	return find(c, ino) != NULL;
}

ssize_t ix_chunks_read(const ix_chunks *c, sqlite3_stmt *const range[2],
		       ix_block *work, uint64_t ino, bool unix_dialect,
		       char *buf, size_t size, uint64_t off)
{
	const cfile *f = find(c, ino);
	if (!f)
		return -EIO;
	int d = unix_dialect ? D_UNIX : D_EXCEL;
	uint64_t body = (uint64_t)(f->stop[d] - f->start[d]);
	uint64_t total = f->hlen[d] + body;
	if (off >= total || !size)
		return 0;
	size_t want = total - off < size ? (size_t)(total - off) : size;
	if (want > SSIZE_MAX)
		want = SSIZE_MAX;
	size_t got = 0;
	if (off < f->hlen[d]) {
		got = f->hlen[d] - off < want ? f->hlen[d] - (size_t)off : want;
		memcpy(buf, f->head[d] + off, got);
	}
	if (got == want)
		return (ssize_t)got;

	/* where the body is read from, in the chunks' offsets */
	int64_t at = f->start[d] + (int64_t)(off + got - f->hlen[d]);
	sqlite3_stmt *st = range[d];
	sqlite3_bind_int64(st, 1, f->file);
	sqlite3_bind_int64(st, 2, at);
	sqlite3_bind_int64(st, 3, f->stop[d]);
	int rc = 0, step;
	while (got < want && (step = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t boff = sqlite3_column_int64(st, 0);
		if (boff > at) {
			rc = -EIO;	/* blocks are contiguous: a gap is damage */
			break;
		}
		if ((rc = ix_block_cache_unpack(c->cache, work,
						sqlite3_column_blob(st, 2),
						(size_t)sqlite3_column_bytes(st, 2),
						sqlite3_column_int64(st, 1))))
			break;
		const char *data = work->s;
		size_t n = work->len, skip = (size_t)(at - boff), len;
		if (d == D_UNIX) {
			len = skip < n ? n - skip : 0;
			if (len > want - got)
				len = want - got;
			memcpy(buf + got, data + skip, len);
		} else {
			len = ix_csv_excel(data, n, skip, buf + got, want - got);
		}
		if (!len) {
			rc = -EIO;
			break;
		}
		got += len;
		at += (int64_t)len;
	}
	if (!rc && got < want)
		rc = -EIO;	/* the blocks end before the file does */
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc ? rc : (ssize_t)got;
}
