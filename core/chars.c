/*
 * chars.c — character classes, each defined once.  Where the parser's
 * stages need different sets (a dash in a page number is not a dash in a
 * cell; a wrapped PDF line may end in an ASCII full stop that does not end
 * a paragraph) each set has its own name, saying which it is.
 */
#include <string.h>

#include "util.h"

bool nb_is_dash(uint32_t cp)
{
	switch (cp) {
	case '-': case 0x2010: case 0x2011: case 0x2012: case 0x2013:
	case 0x2014: case 0x2015: case 0x2212: case 0x2500: case 0xFE58:
	case 0xFE63: case 0xFF0D:
		return true;
	default:
		return false;
	}
}

bool nb_is_cell_dash(uint32_t cp)
{
	return cp == '-' || cp == 0x2014 || cp == 0x2013 || cp == 0x2015 ||
	       cp == 0x2212 || cp == 0xFF0D || cp == 0x2500;
}

bool nb_is_digit(uint32_t cp)
{
	cp = nb_halfwidth(cp);
	return cp >= '0' && cp <= '9';
}

bool nb_is_ascii_digit(uint32_t cp)
{
	return cp >= '0' && cp <= '9';
}

bool nb_is_ascii_letter(uint32_t cp)
{
	return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
}

bool nb_is_ascii_alnum(uint32_t cp)
{
	return nb_is_ascii_digit(cp) || nb_is_ascii_letter(cp);
}

bool nb_is_ascii_graph(uint32_t cp)
{
	return cp > 0x20 && cp < 0x7F;
}

/* A switch, which the compiler makes a few comparisons: a loop over the
 * ten was 50 instructions a character asked, and headings ask many. */
bool nb_is_cjk_numeral(uint32_t cp)
{
	switch (cp) {
	case 0x4E00: case 0x4E8C: case 0x4E09: case 0x56DB: case 0x4E94:
	case 0x516D: case 0x4E03: case 0x516B: case 0x4E5D: case 0x5341:
		return true;
	default:
		return false;
	}
}

/* Switches, as nb_is_cjk_numeral: every line's end is asked. */
bool nb_is_clause_stop(uint32_t cp)
{
	switch (cp) {
	case 0x3002: case 0xFF01: case 0xFF1F: case 0xFF1B: case 0xFF1A:
	case '!': case '?': case ';': case ':': case 0x2026:
		return true;
	default:
		return false;
	}
}

bool nb_is_clause_stop_or_dot(uint32_t cp)
{
	return cp == '.' || nb_is_clause_stop(cp);
}

bool nb_ends_sentence(uint32_t last, uint32_t before)
{
	switch (last) {
	case 0x201D: case 0x2019: case 0x300D: case 0x300F: case 0xFF09:
	case ')': case 0x300B:
		last = before;	/* a closing mark: the stop is before it */
		break;
	default:
		break;
	}
	return nb_is_clause_stop(last);
}

bool nb_ends_with_full_stop(const char *s, size_t n)
{
	/* three bytes each: compared as such, without a strlen (every line
	 * is asked) */
	static const char stops[][4] = { "。", "；", "！", "？" };

	for (size_t k = 0; n >= 3 && k < sizeof stops / sizeof *stops; k++)
		if (memcmp(s + n - 3, stops[k], 3) == 0)
			return true;
	return false;
}

/* Columns a code point takes in fixed-width text (CJK are two wide). */
unsigned nb_cp_width(uint32_t cp)
{
	if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
	    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
	    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
	    (cp >= 0xFFE0 && cp <= 0xFFE6) || cp >= 0x20000)
		return 2;
	return 1;
}
