/*
 * number.c — reading one table cell as a number, a blank, or text.
 *
 * Cells come as printed: fullwidth digits, thousands separators, a sign on
 * 本年增/减, units (件, 元, 万元), a note in brackets (22（其中修订16件）).
 * A cell that is anything more than that is text, and text never becomes a
 * number: it is better to leave a cell empty than to guess.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

#define MAXCP 96

static bool is_blank_mark(const uint32_t *c, size_t n)
{
	if (n == 0)
		return true;
	if (n == 1 && c[0] == 0x65E0)	/* 无 */
		return true;
	if (n > 3)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!nb_is_cell_dash(c[i]) && c[i] != '/' && c[i] != 0xFF0F && c[i] != '\\')
			return false;
	return true;
}

/* Units a count or an amount may carry; 万元 and 元 matter, the rest are
 * dropped. */
static size_t read_unit(const uint32_t *c, size_t n, nb_unit *unit)
{
	static const uint32_t counts[] = { 0x4EF6, 0x4E2A, 0x9879, 0x6761, 0x6B21, 0x5BB6, '%' };

	*unit = NB_UNIT_NONE;
	if (n >= 2 && c[0] == 0x4E07 && c[1] == 0x5143) {	/* 万元 */
		*unit = NB_UNIT_WANYUAN;
		return 2;
	}
	if (n >= 1 && c[0] == 0x5143) {	/* 元 */
		*unit = NB_UNIT_YUAN;
		return 1;
	}
	for (size_t i = 0; n >= 1 && i < sizeof counts / sizeof counts[0]; i++)
		if (c[0] == counts[i])
			return 1;
	return 0;
}

/* The code points as UTF-8, as many whole ones as out holds. */
static void put_cps(char *out, size_t outlen, const uint32_t *c, size_t n)
{
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		char u[4];
		size_t k = nb_utf8_put(c[i], u);
		if (len + k >= outlen)
			break;
		memcpy(out + len, u, k);
		len += k;
	}
	out[len] = '\0';
}

/* Whether a cell whose first character (not a space) is cp can be a
 * number or a blank mark: a sign, a digit, a dash, a slash or 无.  Most
 * fields offered as cells are label text, told by that character alone. */
static bool may_open_number(uint32_t cp)
{
	return (cp >= '0' && cp <= '9') || cp == '+' || nb_is_cell_dash(cp) || cp == '/' ||
	       cp == 0xFF0F || cp == '\\' || cp == 0x65E0;
}

/* Only ASCII digits (most cells): what the full reading below makes of
 * them, the digits without leading zeros, without decoding each. */
static bool plain_digits(const char *s, size_t n, nb_num *out)
{
	if (n == 0 || n > sizeof out->value - 2 || n > MAXCP)
		return false;
	for (size_t j = 0; j < n; j++)
		if (s[j] < '0' || s[j] > '9')
			return false;
	size_t lead = 0;
	while (lead + 1 < n && s[lead] == '0')
		lead++;
	memcpy(out->value, s + lead, n - lead);
	out->value[n - lead] = '\0';
	out->state = NB_CELL_NUMBER;
	return true;
}

nb_cell_state nb_read_number(const char *s, size_t n, nb_num *out)
{
	uint32_t c[MAXCP];
	size_t k = 0, i = 0;

	/* Fields, not the whole (200 bytes, most of them the note's, for
	 * every cell offered): strings are read to their NUL.  The value is
	 * zeroed past the plain digits, so that a reading given up half way
	 * leaves it terminated. */
	out->state = NB_CELL_ABSENT;
	out->unit = NB_UNIT_NONE;
	out->note[0] = '\0';
	if (plain_digits(s, n, out))
		return out->state;
	memset(out->value, 0, sizeof out->value);
	for (size_t j = 0; j < n;) {
		uint32_t cp = nb_halfwidth(nb_utf8_next(s, n, &j));
		if (nb_is_space(cp))
			continue;
		if (!may_open_number(cp))
			return NB_CELL_ABSENT;
		break;
	}
	bool gap = false;	/* a space since the last character kept */
	while (i < n) {
		uint32_t cp = nb_halfwidth(nb_utf8_next(s, n, &i));
		if (nb_is_space(cp)) {
			gap = k > 0;
			continue;
		}
		if (k == MAXCP)
			return NB_CELL_ABSENT;
		/* "3 4" is two cells run together, not thirty-four. */
		if (gap && cp >= '0' && cp <= '9' && c[k - 1] >= '0' && c[k - 1] <= '9')
			return NB_CELL_ABSENT;
		gap = false;
		c[k++] = cp == 0x3002 || cp == 0xFF0E ? '.' : cp;
	}
	if (is_blank_mark(c, k)) {
		out->state = NB_CELL_BLANK;
		return out->state;
	}

	size_t p = 0, d = 0;
	bool neg = false, dot = false, any = false;
	if (c[p] == '+' || nb_is_cell_dash(c[p])) {
		neg = c[p] != '+';
		p++;
	}
	char *v = out->value;
	size_t cap = sizeof out->value - 2;
	if (neg)
		v[d++] = '-';
	for (; p < k; p++) {
		if (c[p] >= '0' && c[p] <= '9') {
			if (d >= cap)
				return NB_CELL_ABSENT;
			v[d++] = (char)c[p];
			any = true;
		} else if (c[p] == '.' && !dot && any) {
			dot = true;
			v[d++] = '.';
		} else if (c[p] == ',' && any && !dot) {
			/* A thousands separator is followed by exactly three digits. */
			size_t q = p + 1;
			while (q < k && c[q] >= '0' && c[q] <= '9')
				q++;
			if (q - p - 1 != 3)
				return NB_CELL_ABSENT;
		} else {
			break;
		}
	}
	if (!any || v[d - 1] == '.')
		return NB_CELL_ABSENT;
	v[d] = '\0';
	p += read_unit(c + p, k - p, &out->unit);
	if (p < k) {
		uint32_t open = c[p], close = open == '(' ? ')' : open == 0x3010 ? 0x3011 : 0;
		if (!close || c[k - 1] != close || k - p < 3)
			return NB_CELL_ABSENT;
		put_cps(out->note, sizeof out->note, c + p + 1, k - p - 2);
	}

	/* Plain form: no leading zeros, no "-0". */
	char *digits = v + (neg ? 1 : 0);
	size_t lead = 0;
	while (digits[lead] == '0' && digits[lead + 1] && digits[lead + 1] != '.')
		lead++;
	memmove(digits, digits + lead, strlen(digits + lead) + 1);
	if (neg && strspn(digits, "0.") == strlen(digits))
		memmove(v, v + 1, strlen(v));
	out->state = NB_CELL_NUMBER;
	return out->state;
}

int nb_decimal_shift(const char *in, int shift, char *out, size_t outlen)
{
	char digits[128];
	size_t nd = 0, point = 0;
	bool neg = in[0] == '-', seen = false;

	for (const char *p = in + (neg ? 1 : 0); *p; p++) {
		if (*p == '.') {
			point = nd;
			seen = true;
		} else if (nd < sizeof digits) {
			digits[nd++] = *p;
		} else {
			return -ERANGE;
		}
	}
	if (!seen)
		point = nd;
	long pos = (long)point + shift;	/* digits before the new point */

	nb_buf b = {0};
	if (neg)
		nb_buf_addc(&b, '-');
	if (pos <= 0) {
		nb_buf_adds(&b, "0.");
		for (long z = pos; z < 0; z++)
			nb_buf_addc(&b, '0');
		nb_buf_add(&b, digits, nd);
	} else {
		for (long j = 0; j < pos; j++)
			nb_buf_addc(&b, (size_t)j < nd ? digits[j] : '0');
		if ((size_t)pos < nd) {
			nb_buf_addc(&b, '.');
			nb_buf_add(&b, digits + pos, nd - (size_t)pos);
		}
	}
	if (b.oom) {
		nb_buf_free(&b);
		return -ENOMEM;
	}
	/* Trim: trailing fractional zeros, then leading integer zeros. */
	char *s = b.s;
	size_t len = b.len;
	if (strchr(s, '.')) {
		while (s[len - 1] == '0')
			len--;
		if (s[len - 1] == '.')
			len--;
	}
	s[len] = '\0';
	char *digit0 = s + (neg ? 1 : 0);
	while (digit0[0] == '0' && digit0[1] && digit0[1] != '.')
		memmove(digit0, digit0 + 1, strlen(digit0));
	len = strlen(s);
	if (len + 1 > outlen) {
		nb_buf_free(&b);
		return -ERANGE;
	}
	memcpy(out, s, len + 1);
	nb_buf_free(&b);
	return 0;
}
