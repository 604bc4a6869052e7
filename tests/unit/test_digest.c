/*
 * test_digest.c — the digest of a rendered file (index/digest.c), which
 * tells inodes.c that a file kept its bytes: the same bytes give the same
 * digest, on every host (a pinned value); any one bit changed, any other
 * split of the same bytes between the two dialects, a file without a unix
 * dialect against one with an empty one, and bytes of every length all
 * give other digests.  The same digest of bytes given in pieces
 * (ix_hstream, ix_digest_begin/end: meta.json, finished in the tree phase)
 * is the digest of them whole, for every split.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ix.h"
#include "tnode.h"

/* A file of the given dialects (unix NULL: it has none). */
static ix_tnode file(const char *data, size_t len, const char *unix_, size_t ulen)
{
	ix_tnode f = {0};
	nb_buf_add(&f.data, data, len);
	if (unix_) {
		f.has_unix = true;
		nb_buf_add(&f.data_unix, unix_, ulen);
	}
	return f;
}

static int64_t digest_of(const char *data, size_t len, const char *unix_,
			 size_t ulen)
{
	ix_tnode f = file(data, len, unix_, ulen);
	int64_t d = ix_digest(&f);
	ix_tnode_free(&f);
	return d;
}

static int cmp64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* No two of the n values are equal. */
static void all_distinct(uint64_t *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp64);
	for (size_t i = 1; i < n; i++)
		assert_true(v[i] != v[i - 1]);
}

static void test_same_bytes_same_digest(void **state)
{
	(void)state;
	const char *csv = "\xEF\xBB\xBF项目,2019\r\n申请,3\r\n";
	const char *lf = "项目,2019\n申请,3\n";
	assert_true(digest_of(csv, strlen(csv), lf, strlen(lf)) ==
		    digest_of(csv, strlen(csv), lf, strlen(lf)));
	/* pinned: an index keeps its digests from build to build and from
	 * host to host; changing the hash gives every file a fresh number
	 * once, so it must be meant */
	assert_true(ix_hash64("nianbaofs", 9, 0) == UINT64_C(0x44d16332acfdc074));
}

static void test_one_bit_changes_it(void **state)
{
	(void)state;
	enum { LEN = 100 };
	char buf[LEN];
	for (size_t i = 0; i < LEN; i++)
		buf[i] = (char)(i * 7 + 1);
	uint64_t v[LEN * 8 + 1];
	size_t n = 0;
	v[n++] = ix_hash64(buf, LEN, 0);
	for (size_t i = 0; i < LEN; i++) {
		for (int b = 0; b < 8; b++) {
			buf[i] ^= (char)(1 << b);
			v[n++] = ix_hash64(buf, LEN, 0);
			buf[i] ^= (char)(1 << b);
		}
	}
	all_distinct(v, n);
}

static void test_every_length_differs(void **state)
{
	(void)state;
	enum { MAX = 200 };
	char zeros[MAX] = {0};
	uint64_t v[MAX + 1];
	for (size_t len = 0; len <= MAX; len++)
		v[len] = ix_hash64(zeros, len, 0);
	all_distinct(v, MAX + 1);
}

static void test_dialects_apart(void **state)
{
	(void)state;
	/* the same bytes split otherwise between the two dialects */
	int64_t a = digest_of("ab", 2, "c", 1);
	int64_t b = digest_of("a", 1, "bc", 2);
	int64_t c = digest_of("abc", 3, "", 0);
	int64_t d = digest_of("abc", 3, NULL, 0);
	int64_t e = digest_of("", 0, "abc", 3);
	uint64_t v[] = {(uint64_t)a, (uint64_t)b, (uint64_t)c, (uint64_t)d,
			(uint64_t)e};
	all_distinct(v, sizeof v / sizeof *v);
}

/* Every length up to 3 blocks, cut in three pieces at every pair of
 * places, hashes as whole. */
static void test_pieces_as_whole(void **state)
{
	(void)state;
	enum { MAX = 97 };
	char buf[MAX];
	for (size_t i = 0; i < MAX; i++)
		buf[i] = (char)(i * 13 + 5);
	for (size_t len = 0; len <= MAX; len++) {
		int64_t whole = digest_of(buf, len, NULL, 0);
		for (size_t i = 0; i <= len; i++) {
			for (size_t j = i; j <= len; j++) {
				ix_hstream s;
				ix_digest_begin(&s);
				ix_hstream_add(&s, buf, i);
				ix_hstream_add(&s, buf + i, j - i);
				ix_hstream_add(&s, buf + j, len - j);
				assert_true(ix_digest_end(&s) == whole);
				ix_hstream_init(&s, 7);
				ix_hstream_add(&s, buf, i);
				ix_hstream_add(&s, buf + i, len - i);
				assert_true(ix_hstream_end(&s) ==
					    ix_hash64(buf, len, 7));
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_bytes_same_digest),
		cmocka_unit_test(test_one_bit_changes_it),
		cmocka_unit_test(test_every_length_differs),
		cmocka_unit_test(test_dialects_apart),
		cmocka_unit_test(test_pieces_as_whole),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
