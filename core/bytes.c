/*
 * bytes.c — prefixes, suffixes and substrings of byte strings s[0..n) that
 * need not be NUL-terminated (a line, a cell), each test written once.
 * The case-insensitive ones fold ASCII only, which leaves UTF-8 alone.
 */
#include <string.h>
#include <strings.h>

#include "util.h"

bool nb_has_prefix(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && memcmp(s, p, k) == 0;
}

bool nb_has_suffix_ci(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && strncasecmp(s + n - k, p, k) == 0;
}

bool nb_contains(const char *s, size_t n, const char *p)
{
	return memmem(s, n, p, strlen(p)) != NULL;
}

const char *nb_find_ci(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	for (size_t i = 0; i + k <= n; i++)
		if (strncasecmp(s + i, p, k) == 0)
			return s + i;
	return NULL;
}
