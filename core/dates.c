/*
 * dates.c — dates as reports and their pages print them (2020-02-17,
 * 2020年2月17日, 2020.2.17, the scraped 20161230日), checked for being real
 * calendar dates, and written as YYYY-MM-DD.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"

static bool date_valid(date dt)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (dt.y < 1990 || dt.y > 2099 || dt.m < 1 || dt.m > 12 || dt.d < 1)
		return false;
	if (dt.d > mdays[dt.m - 1])
		return false;
	bool leap = (dt.y % 4 == 0 && dt.y % 100 != 0) || dt.y % 400 == 0;
	return !(dt.m == 2 && dt.d == 29 && !leap);
}

/*
 * A date at t[i]: 2020-02-17, 2020年2月17日, 2020.2.17, 2020/02/17, and the
 * scraped 20161230日 (the separators lost).  *end gets the index past it.
 */
bool fx_date_at(const uint32_t *t, size_t n, size_t i, date *out, size_t *end)
{
	date dt;
	int v;

	if (i > 0 && ct_digit(t[i - 1]))
		return false;
	if (ct_digits(t, n, i, 8, &v) == 8 && i + 8 < n && ct_at(t, n, i + 8, "日")) {
		dt = (date){ v / 10000, v / 100 % 100, v % 100 };
		if (date_valid(dt)) {
			*out = dt;
			*end = i + 9;
			return true;
		}
	}
	if (ct_digits(t, n, i, 4, &dt.y) != 4 || i + 4 >= n)
		return false;
	size_t k = i + 4;
	uint32_t sep = t[k];
	bool cjk = ct_at(t, n, k, "年");
	if (!cjk && sep != '-' && sep != '/' && sep != '.')
		return false;
	k++;
	size_t dm = ct_digits(t, n, k, 2, &dt.m);
	if (!dm)
		return false;
	k += dm;
	if (k >= n || (cjk ? !ct_at(t, n, k, "月") : t[k] != sep))
		return false;
	k++;
	size_t dd = ct_digits(t, n, k, 2, &dt.d);
	if (!dd)
		return false;
	k += dd;
	if (cjk && k < n && ct_at(t, n, k, "日"))
		k++;
	if (!date_valid(dt))
		return false;
	*out = dt;
	*end = k;
	return true;
}

/* The first date in t[a, b). */
bool fx_first_date(const uint32_t *t, size_t a, size_t b, date *out)
{
	size_t end;

	for (size_t i = a; i < b; i++)
		if (ct_digit(t[i]) && fx_date_at(t, b, i, out, &end))
			return true;
	return false;
}

/* A line that is nothing but a date, perhaps in brackets. */
bool fx_date_line(const ctext *c, date *out)
{
	size_t a = 0, b = c->n, end;

	while (a < b && ct_any(c->cp[a], "([【"))
		a++;
	while (b > a && ct_any(c->cp[b - 1], ")]】"))
		b--;
	return a < b && fx_date_at(c->cp, b, a, out, &end) && end == b;
}

void fx_date_str(char out[11], date dt)
{
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)dt.y % 10000u, (unsigned)dt.m % 100u,
		 (unsigned)dt.d % 100u);
}
