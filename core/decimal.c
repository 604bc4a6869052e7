/* decimal.c — nb_dec, the one exact decimal type: the decimal strings the
 * core writes read as integers scaled by 10^6, so the consistency rules
 * never suffer binary floating-point rounding. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

#define SCALE_DIGITS 6
#define SCALE 1000000
/* Whole parts stay below 10^12, so a sum of a few scaled values cannot
 * overflow int64_t. */
#define WHOLE_LIMIT 1000000000000LL

bool nb_dec_parse(const char *s, nb_dec *out)
{
	if (!s)
		return false;
	bool neg = false;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	int64_t whole = 0, frac = 0;
	int ndigits = 0, nfrac = 0;
	for (; *s >= '0' && *s <= '9'; s++, ndigits++) {
		whole = whole * 10 + (*s - '0');
		if (whole >= WHOLE_LIMIT)
			return false;
	}
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, nfrac++) {
			if (nfrac >= SCALE_DIGITS) {
				if (*s != '0')	/* finer than we keep */
					return false;
				continue;
			}
			frac = frac * 10 + (*s - '0');
		}
	}
	if (*s || ndigits + nfrac == 0)
		return false;
	for (int i = nfrac < SCALE_DIGITS ? nfrac : SCALE_DIGITS;
	     i < SCALE_DIGITS; i++)
		frac *= 10;
	int64_t v = whole * SCALE + frac;
	*out = neg ? -v : v;
	return true;
}

void nb_dec_str(nb_dec v, char *buf, size_t len)
{
	const char *sign = v < 0 ? "-" : "";
	uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	uint64_t whole = a / SCALE, frac = a % SCALE;
	if (!frac) {
		snprintf(buf, len, "%s%llu", sign, (unsigned long long)whole);
		return;
	}
	int digits = SCALE_DIGITS;
	while (frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	snprintf(buf, len, "%s%llu.%0*llu", sign, (unsigned long long)whole,
		 digits, (unsigned long long)frac);
}

/* Most are a few digits: read here, for the checks run on every cell of
 * table 3, where strtoll's generality cost a tenth of checking; anything
 * else (a sign but '-', spaces, a number too long to be sure of) is left
 * to strtoll itself. */
bool nb_whole_number(const char *s, long long *v)
{
	const char *p = s + (*s == '-');
	unsigned long long u = 0;

	if (*p < '0' || *p > '9')
		goto general;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (u >= ULLONG_MAX / 100)
			goto general;
		u = u * 10 + (unsigned)(*p - '0');
	}
	if (*p)
		return false;	/* as strtoll would stop there */
	/* u < ULLONG_MAX / 10 + 10 < LLONG_MAX: no overflow */
	*v = *s == '-' ? -(long long)u : (long long)u;
	return true;
general:;
	char *end;
	errno = 0;
	*v = strtoll(s, &end, 10);
	return end != s && !*end && errno == 0;
}
