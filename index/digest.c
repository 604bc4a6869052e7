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

uint64_t ix_hash64(const void *data, size_t len, uint64_t seed)
{
	const unsigned char *p = data;
	const unsigned char *end = p + len;
	uint64_t a = seed + K0 + K1, b = seed + K1, c = seed, d = seed - K0;
	for (; end - p >= 32; p += 32) {
		a = lane(a, word(p));
		b = lane(b, word(p + 8));
		c = lane(c, word(p + 16));
		d = lane(d, word(p + 24));
	}
	uint64_t h = rotl(a, 1) + rotl(b, 7) + rotl(c, 12) + rotl(d, 18);
	h = (h ^ lane(0, a)) * K0 + K3;
	h = (h ^ lane(0, b)) * K0 + K3;
	h = (h ^ lane(0, c)) * K0 + K3;
	h = (h ^ lane(0, d)) * K0 + K3;
	h += (uint64_t)len;
	for (; end - p >= 8; p += 8)
		h = rotl(h ^ lane(0, word(p)), 27) * K0 + K3;
	for (; p < end; p++)
		h = rotl(h ^ (*p * K2), 11) * K0;
	return avalanche(h);
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
	return (int64_t)avalanche(h ^ rotl(hu, 32) * K0);
}
