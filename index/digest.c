/*
 * digest.c — the 64-bit digest of a file rendered on read (node.digest),
 * our own multiply-rotate hash (ix_hash64, also what tells strings apart
 * where they are many): all inodes.c needs of it is to tell that
 * a rendered file changed, and SHA-256 (truncated to 64 bits) did that at
 * ten times the cost (callgrind, 300 bench reports: 235 million
 * instructions of the build's 1,806 million).
 *
 * Why 64 bits of a non-cryptographic hash is safe here: a file keeps its
 * inode number only when its path, mtime, size and digest are those of
 * the old file (inodes.c), and the kernel keeps pages per inode number,
 * so a collision would serve the old bytes.  That takes a changed file
 * with the same path, mtime and size whose digest equals the old one's:
 * for a well-mixed 64-bit hash, odds of 2^-64 (5e-20) per changed file —
 * a million changed files in each of a million rebuilds leave 5e-8.  The
 * rendered bytes are not chosen against this hash; whoever writes RAWDIR
 * could keep a file's mtime, but gains nothing from stale bytes that
 * rewriting the file would not give.  SHA-256 cut to 64 bits had the same
 * odds by chance.
 *
 * Shape: four lanes of 8 bytes each round (independent multiplies, so
 * they overlap in the CPU), each lane acc = rotl(acc + word * K1, 31) *
 * K0 — a bijection of acc for every word, so no input can wipe a lane —
 * then the lanes, the tail and the length folded and avalanched.  The
 * words are read little-endian, so a digest is the same on every host.
 */
#include <endian.h>
#include <string.h>

#include "ix.h"
#include "tnode.h"

/* Odd 64-bit constants with well-spread bits: 2^64 over the golden ratio,
 * and three primes of the kind published for multiply-rotate hashes. */
#define K0 0x9E3779B97F4A7C15ull
#define K1 0xC2B2AE3D27D4EB4Full
#define K2 0x165667B19E3779F9ull
#define K3 0xD6E8FEB86659FD93ull

static inline uint64_t rotl(uint64_t x, int r)
{
	return x << r | x >> (64 - r);
}

static inline uint64_t word(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof v);
	return le64toh(v);
}

static inline uint64_t lane(uint64_t acc, uint64_t w)
{
	return rotl(acc + w * K1, 31) * K0;
}

/* Every output bit depends on every input bit. */
static inline uint64_t avalanche(uint64_t h)
{
	h ^= h >> 33;
	h *= K1;
	h ^= h >> 29;
	h *= K2;
	h ^= h >> 32;
	return h;
}

/* The hash once every whole 32-byte block went through the lanes: the
 * lanes folded, then the total length, then the tail (under 32 bytes). */
static uint64_t finish(uint64_t a, uint64_t b, uint64_t c, uint64_t d,
		       uint64_t len, const unsigned char *p, size_t ntail)
{
	const unsigned char *end = p + ntail;
	uint64_t h = rotl(a, 1) + rotl(b, 7) + rotl(c, 12) + rotl(d, 18);
	h = (h ^ lane(0, a)) * K0 + K3;
	h = (h ^ lane(0, b)) * K0 + K3;
	h = (h ^ lane(0, c)) * K0 + K3;
	h = (h ^ lane(0, d)) * K0 + K3;
	h += len;
	for (; end - p >= 8; p += 8)
		h = rotl(h ^ lane(0, word(p)), 27) * K0 + K3;
	for (; p < end; p++)
		h = rotl(h ^ (*p * K2), 11) * K0;
	return avalanche(h);
}

static void blocks(uint64_t v[4], const unsigned char **p, size_t n)
{
	for (const unsigned char *end = *p + n / 32 * 32; *p < end; *p += 32) {
		v[0] = lane(v[0], word(*p));
		v[1] = lane(v[1], word(*p + 8));
		v[2] = lane(v[2], word(*p + 16));
		v[3] = lane(v[3], word(*p + 24));
	}
}

static void lanes_init(uint64_t v[4], uint64_t seed)
{
	v[0] = seed + K0 + K1;
	v[1] = seed + K1;
	v[2] = seed;
	v[3] = seed - K0;
}

uint64_t ix_hash64(const void *data, size_t len, uint64_t seed)
{
	const unsigned char *p = data;
	uint64_t v[4];
	lanes_init(v, seed);
	blocks(v, &p, len);
	return finish(v[0], v[1], v[2], v[3], (uint64_t)len, p, len % 32);
}

/* ---- the same hash of bytes given in pieces ------------------------------- */

void ix_hstream_init(ix_hstream *s, uint64_t seed)
{
	*s = (ix_hstream){0};
	lanes_init(s->lane, seed);
}

void ix_hstream_add(ix_hstream *s, const void *data, size_t n)
{
	const unsigned char *p = data;
	s->len += n;
	if (s->npend) {
		size_t k = 32 - s->npend < n ? 32 - s->npend : n;
		memcpy(s->pend + s->npend, p, k);
		s->npend += k;
		p += k;
		n -= k;
		if (s->npend < 32)
			return;
		const unsigned char *q = s->pend;
		blocks(s->lane, &q, 32);
		s->npend = 0;
	}
	blocks(s->lane, &p, n);
	memcpy(s->pend, p, n % 32);
	s->npend = n % 32;
}

uint64_t ix_hstream_end(const ix_hstream *s)
{
	return finish(s->lane[0], s->lane[1], s->lane[2], s->lane[3], s->len,
		      s->pend, s->npend);
}

/* The digest of a file whose dialects hashed to h and hu. */
static int64_t combine(uint64_t h, uint64_t hu)
{
	return (int64_t)avalanche(h ^ rotl(hu, 32) * K0);
}

int64_t ix_digest(const ix_tnode *f)
{
	const unsigned char *s = (const unsigned char *)f->data.s;
	const unsigned char *u = (const unsigned char *)f->data_unix.s;
	size_t ulen = f->has_unix ? f->data_unix.len : 0;
	/* the dialects hashed apart, each with its length, so that no two
	 * splits of the same bytes give one digest */
	uint64_t h = ix_hash64(s ? s : (const unsigned char *)"", f->data.len,
			       K2);
	uint64_t hu = ix_hash64(u && ulen ? u : (const unsigned char *)"", ulen,
				K3 + f->has_unix);
	return combine(h, hu);
}

void ix_digest_begin(ix_hstream *s)
{
	ix_hstream_init(s, K2);
}

int64_t ix_digest_end(const ix_hstream *s)
{
	return combine(ix_hstream_end(s), ix_hash64("", 0, K3));
}
