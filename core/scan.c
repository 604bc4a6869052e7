/*
 * scan.c — byte- and code-point-level scanning shared by the line markers:
 * separators, display widths, small numbers of either width (prefixes
 * and substrings: bytes.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lines.h"

/* Code points that separate words in site navigation, or decorate them. */
bool sc_sep(uint32_t cp)
{
	switch (cp) {
	case '|': case 0xFF5C: case 0x4E28: case '/': case 0x00B7:
	case 0x2022: case 0x30FB: case 0xFF65: case 0x3001: case ':':
	case 0xFF1A: case '[': case ']': case 0x3010: case 0x3011:
	case '(': case ')': case 0xFF08: case 0xFF09: case '<': case '>':
	case 0xFF1C: case 0xFF1E: case 0x00BB: case 0x203A: case 0x2192:
	case '!': case 0xFF01: case ',': case 0xFF0C:
		return true;
	default:
		return nb_is_space(cp);
	}
}

/* Three spaces in a row are looked for in the same pass as the width is
 * measured: hard-wrap detection (wrap.c) asks both of every line. */
bool sc_text_width(const char *s, size_t n, size_t max, size_t *w)
{
	size_t i = 0, cols = 0, spaces = 0;

	while (i < n && cols <= max) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {		/* ASCII: one column */
			spaces = c == ' ' ? spaces + 1 : 0;
			if (spaces == 3)
				return false;
			cols++;
			i++;
			continue;
		}
		spaces = 0;
		/* U+4000..U+9FFF: two columns (nb_cp_width) */
		if (nb_utf8_han(s, n, i)) {
			cols += 2;
			i += 3;
			continue;
		}
		cols += nb_cp_width(nb_utf8_next(s, n, &i));
	}
	*w = cols;
	return true;
}

/* Reads digits (either width) at s[*i]; the value, or -1 when none or
 * more than 6. */
long sc_number(const char *s, size_t n, size_t *i)
{
	long v = 0;
	int k = 0;

	while (*i < n) {
		size_t at = *i;
		uint32_t cp = nb_utf8_next(s, n, i);

		if (!nb_is_digit(cp)) {
			*i = at;
			break;
		}
		if (++k > 6)
			return -1;
		v = v * 10 + (long)(nb_halfwidth(cp) - '0');
	}
	return k ? v : -1;
}

void sc_skip_spaces(const char *s, size_t n, size_t *i)
{
	while (*i < n) {
		size_t at = *i;

		if (!nb_is_space(nb_utf8_next(s, n, i))) {
			*i = at;
			return;
		}
	}
}

/* Skips a run of dashes; whether there was one. */
bool sc_skip_dashes(const char *s, size_t n, size_t *i)
{
	bool any = false;

	while (*i < n) {
		size_t at = *i;

		if (!nb_is_dash(nb_utf8_next(s, n, i))) {
			*i = at;
			break;
		}
		any = true;
	}
	return any;
}


/* Columns of leading white space. */
size_t sc_indent(const char *s, size_t n)
{
	size_t i = 0, w = 0;

	while (i < n) {
		uint32_t cp = nb_utf8_next(s, n, &i);

		if (!nb_is_space(cp))
			break;
		w += cp == '\t' ? 8 : nb_cp_width(cp);
	}
	return w;
}
