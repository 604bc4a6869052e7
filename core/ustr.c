/*
 * ustr.c — UTF-8, and the fuzzy label matching every part of the core leans
 * on (byte buffers: buf.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- UTF-8 ----------------------------------------------------------------- */

uint32_t nb_utf8_next(const char *str, size_t n, size_t *i)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t p = *i;
	unsigned char c = s[p];
	uint32_t cp;
	size_t len;

	if (c < 0x80) {
		*i = p + 1;
		return c;
	}
	if ((c & 0xE0) == 0xC0) {
		cp = c & 0x1F;
		len = 2;
	} else if ((c & 0xF0) == 0xE0) {
		cp = c & 0x0F;
		len = 3;
	} else if ((c & 0xF8) == 0xF0) {
		cp = c & 0x07;
		len = 4;
	} else {
		*i = p + 1;
		return 0xFFFD;
	}
	if (p + len > n) {
		*i = p + 1;
		return 0xFFFD;
	}
	for (size_t k = 1; k < len; k++) {
		if ((s[p + k] & 0xC0) != 0x80) {
			*i = p + 1;
			return 0xFFFD;
		}
		cp = (cp << 6) | (s[p + k] & 0x3F);
	}
	*i = p + len;
	return cp;
}

size_t nb_utf8_count(const char *s, size_t n)
{
	size_t i = 0, count = 0;

	while (i < n) {
		nb_utf8_next(s, n, &i);
		count++;
	}
	return count;
}

bool nb_is_space(uint32_t cp)
{
	switch (cp) {
	case ' ': case '\t': case '\r': case '\n': case '\v': case '\f':
	case 0x00A0: case 0x3000: case 0xFEFF: case 0x200B:
		return true;
	default:
		return cp >= 0x2000 && cp <= 0x200A;
	}
}

bool nb_is_han(uint32_t cp)
{
	return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
	       (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3FFFF);
}

uint32_t nb_halfwidth(uint32_t cp)
{
	if (cp >= 0xFF01 && cp <= 0xFF5E)
		return cp - 0xFF01 + 0x21;
	return cp;
}

void nb_trim(const char *s, size_t n, size_t *start, size_t *end)
{
	size_t i = 0, a = n, b = 0;

	while (i < n) {
		size_t at = i;
		uint32_t cp = nb_utf8_next(s, n, &i);
		if (!nb_is_space(cp)) {
			if (a == n)
				a = at;
			b = i;
		}
	}
	if (a == n)
		a = b = 0;
	*start = a;
	*end = b;
}

/* ---- matching keys ----------------------------------------------------------- */

/* Punctuation that never distinguishes two labels: brackets, quotes, list
 * punctuation and dashes of both widths. */
static bool is_key_noise(uint32_t cp)
{
	if (nb_is_space(cp))
		return true;
	if (cp < 0x80)
		return cp < '0' || (cp > '9' && cp < 'A') || (cp > 'Z' && cp < 'a') ||
		       (cp > 'z');
	switch (cp) {
	case 0x3001: case 0x3002: case 0x300A: case 0x300B: case 0x300C:
	case 0x300D: case 0x300E: case 0x300F: case 0x3010: case 0x3011:
	case 0x3014: case 0x3015: case 0x2018: case 0x2019: case 0x201C:
	case 0x201D: case 0x2014: case 0x2013: case 0x2015: case 0x2026:
	case 0x00B7: case 0x30FB: case 0x2022: case 0xFF5C:
		return true;
	default:
		return false;
	}
}

size_t nb_key(const char *s, size_t n, uint32_t *out, size_t cap)
{
	size_t i = 0, k = 0;

	while (i < n) {
		uint32_t cp = nb_halfwidth(nb_utf8_next(s, n, &i));
		if (is_key_noise(cp))
			continue;
		if (k < cap)
			out[k] = cp;
		k++;
	}
	return k;
}

/*
 * Sellers' algorithm: edit distance of key against the best-matching
 * substring of text, one row of the DP kept.  Keys are short labels, so a
 * small stack row covers them; longer keys fall back to the heap.
 */
double nb_fuzzy_find(const uint32_t *key, size_t nkey,
		     const uint32_t *text, size_t ntext, size_t *end)
{
	size_t stack[128];
	size_t *col = stack;
	size_t best = nkey, best_end = 0;

	if (nkey == 0)
		return 0.0;
	if (nkey + 1 > sizeof stack / sizeof stack[0]) {
		col = malloc((nkey + 1) * sizeof *col);
		if (!col)
			return 0.0;
	}
	for (size_t i = 0; i <= nkey; i++)
		col[i] = i;
	for (size_t j = 0; j < ntext; j++) {
		size_t diag = col[0];	/* col[0] stays 0: a match may start anywhere */
		for (size_t i = 1; i <= nkey; i++) {
			size_t up = col[i];
			size_t v = diag + (key[i - 1] == text[j] ? 0 : 1);
			if (up + 1 < v)
				v = up + 1;
			if (col[i - 1] + 1 < v)
				v = col[i - 1] + 1;
			diag = up;
			col[i] = v;
		}
		if (col[nkey] < best) {
			best = col[nkey];
			best_end = j + 1;
		}
	}
	if (col != stack)
		free(col);
	if (end)
		*end = best_end;
	return 1.0 - (double)best / (double)nkey;
}

/* ---- lines ------------------------------------------------------------------- */

nb_line *nb_lines_push(nb_lines *ls, const char *text, size_t len)
{
	nb_line *v = nb_grow(ls->v, &ls->cap, ls->n + 1, sizeof *v, 256);
	if (!v)
		return NULL;
	ls->v = v;
	char *t = nb_strndup(text, len);
	if (!t)
		return NULL;
	nb_line *l = &ls->v[ls->n++];
	memset(l, 0, sizeof *l);
	l->text = t;
	l->len = len;
	return l;
}

void nb_lines_free(nb_lines *ls)
{
	for (size_t i = 0; i < ls->n; i++) {
		free(ls->v[i].text);
		for (size_t c = 0; c < ls->v[i].ncells; c++)
			free(ls->v[i].cells[c].text);
		free(ls->v[i].cells);
	}
	free(ls->v);
	ls->v = NULL;
	ls->n = ls->cap = 0;
}
