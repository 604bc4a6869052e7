/*
 * bytes.c — prefixes, suffixes and substrings of byte strings s[0..n) that
 * need not be NUL-terminated (a line, a cell), each test written once; and
 * their hash.
 * The case-insensitive ones fold ASCII only, which leaves UTF-8 alone.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "util.h"

bool nb_has_suffix_ci(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && strncasecmp(s + n - k, p, k) == 0;
}

/* memmem sets up a shift table on every call, costlier than the search
 * in a line of a hundred bytes (190 instructions a call, 725,000 calls for
 * 300 reports, most from the chrome patterns).  Here memchr finds the
 * needle's last byte (in UTF-8 text a continuation byte, rare) and the
 * bytes before confirm, the one before the last first (no memcmp call
 * where it differs, as it mostly does): the same answer as memmem. */
const char *nb_find_n(const char *s, size_t n, const char *p, size_t k)
{
	if (k == 0)
		return s;
	if (k > n)
		return NULL;
	if (k == 1)
		return memchr(s, p[0], n);

	const char *q = s + k - 1, *end = s + n;

	while ((q = memchr(q, p[k - 1], (size_t)(end - q))) != NULL) {
		if (q[-1] == p[k - 2] && memcmp(q - (k - 1), p, k - 2) == 0)
			return q - (k - 1);
		q++;
	}
	return NULL;
}

const char *nb_find_ci(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	if (k == 0)
		return s;
	/* the first byte folded as strncasecmp folds it, before the call */
	int first = tolower((unsigned char)p[0]);
	if (first == toupper((unsigned char)p[0])) {
		/* a first byte without case (the < of every tag looked for):
		 * memchr finds its places */
		const char *q = s, *end = s + n;

		while (q + k <= end && (q = memchr(q, p[0], (size_t)(end - q))) != NULL) {
			if ((size_t)(end - q) >= k && strncasecmp(q, p, k) == 0)
				return q;
			q++;
		}
		return NULL;
	}
	for (size_t i = 0; i + k <= n; i++)
		if (tolower((unsigned char)s[i]) == first && strncasecmp(s + i, p, k) == 0)
			return s + i;
	return NULL;
}

uint64_t nb_hash_bytes(const void *s, size_t n)
{
	const unsigned char *b = s;
	uint64_t h = 0xcbf29ce484222325u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3u;
	return h;
}
