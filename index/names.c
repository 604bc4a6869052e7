/* names.c — file and directory names of the tree: never '/', NUL, a
 * control or bidi control character, never more than NAME_MAX bytes, always
 * valid UTF-8 in Unicode NFC (so that U+F900 豈 and U+8C48 豈, or é and
 * e + U+0301, make one directory, not two look-alikes).  And names as they
 * are printed: on a terminal or in JSON, nothing in a name may act. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "index.h"
#include "ix.h"

/* Length of the valid UTF-8 sequence at s[0..n), or 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len;
	uint32_t c;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		len = 2;
		c = s[0] & 0x1F;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		len = 3;
		c = s[0] & 0x0F;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3F);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
	    (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

static bool is_control(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F);
}

/* The characters that reorder text on screen (Unicode's Bidi_Control
 * property): U+202E makes "gpj.exe" of "exe.jpg". */
static bool is_bidi_control(uint32_t cp)
{
	return cp == 0x061C || cp == 0x200E || cp == 0x200F ||
	       (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Whether a string of such code points is in NFC as it is: they have
 * canonical combining class 0 and NFC_Quick_Check Yes (test_names checks
 * each against ICU), so no normalisation form changes them: Latin and
 * Latin-1 before the combining marks, general punctuation's dashes and
 * quotes, CJK punctuation (less the ideographic tone marks U+302A-302F),
 * CJK ideographs (not the compatibility ones at U+F900, which NFC maps),
 * fullwidth ASCII.  The names of reports' files are nearly all of these:
 * ICU's normalisation, through UTF-16 and back, cost 5,000 instructions a
 * name, 1 % of a build. */
bool ix_nfc_stable(uint32_t cp)
{
	return cp < 0x300 || (cp >= 0x2010 && cp <= 0x2027) ||
	       (cp >= 0x3000 && cp <= 0x3029) || (cp >= 0x3030 && cp <= 0x303F) ||
	       (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
	       (cp >= 0xFF01 && cp <= 0xFF60);
}

/* s (valid UTF-8) in NFC, into out; on any ICU failure s as it is, since
 * a name must still come out. */
static void nfc(const char *s, size_t n, nb_buf *out)
{
	UErrorCode e = U_ZERO_ERROR;
	const UNormalizer2 *norm = unorm2_getNFCInstance(&e);
	int32_t ulen = 0;
	UChar *u = NULL, *v = NULL;
	if (U_SUCCESS(e) && n < INT32_MAX / 4) {
		u_strFromUTF8(NULL, 0, &ulen, s, (int32_t)n, &e);
		if (e == U_BUFFER_OVERFLOW_ERROR)
			e = U_ZERO_ERROR;
	}
	/* NFC of a string is at most 3 times its length in UTF-16 units */
	if (U_SUCCESS(e) && (u = malloc(((size_t)ulen + 1) * sizeof *u)) &&
	    (v = malloc(((size_t)ulen * 3 + 1) * sizeof *v))) {
		u_strFromUTF8(u, ulen + 1, NULL, s, (int32_t)n, &e);
		int32_t vlen = U_SUCCESS(e) ? unorm2_normalize(norm, u, ulen, v,
					ulen * 3 + 1, &e) : 0;
		int32_t blen = 0;
		if (U_SUCCESS(e))
			u_strToUTF8(NULL, 0, &blen, v, vlen, &e);
		if (e == U_BUFFER_OVERFLOW_ERROR)
			e = U_ZERO_ERROR;
		char *b = U_SUCCESS(e) ? malloc((size_t)blen + 1) : NULL;
		if (b) {
			u_strToUTF8(b, blen + 1, NULL, v, vlen, &e);
			if (U_SUCCESS(e)) {
				nb_buf_add(out, b, (size_t)blen);
				n = 0;
				s = NULL;
			}
			free(b);
		}
	}
	free(u);
	free(v);
	if (s)
		nb_buf_add(out, s, n);
}

void ix_printable(nb_buf *b, const char *s, bool keep_newlines)
{
	const unsigned char *u = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)u);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = utf8_len(u + i, n - i, &cp);
		if (!len) {
			nb_buf_printf(b, "\\x%02X", u[i]);
			i++;
			continue;
		}
		if (cp == '\\')
			nb_buf_adds(b, "\\\\");
		else if (cp == '\n' && keep_newlines)
			nb_buf_adds(b, "\n");
		else if (cp < 0x80 && is_control(cp))
			nb_buf_printf(b, "\\x%02X", (unsigned)cp);
		else if (is_control(cp) || is_bidi_control(cp))
			nb_buf_printf(b, "\\u%04X", (unsigned)cp);
		else
			nb_buf_add(b, u + i, len);
		i += len;
	}
}

char *nb_printable(const char *s, bool keep_newlines)
{
	nb_buf b = {0};
	nb_buf_adds(&b, "");
	ix_printable(&b, s, keep_newlines);
	if (b.oom) {
		nb_buf_free(&b);
		return NULL;
	}
	return b.s;
}

/* Bytes of s[0..n) less leading and trailing ASCII spaces and tabs. */
static void trim(const char *s, size_t *start, size_t *end)
{
	while (*start < *end && (s[*start] == ' ' || s[*start] == '\t'))
		++*start;
	while (*end > *start && (s[*end - 1] == ' ' || s[*end - 1] == '\t'))
		--*end;
}

char *ix_name(const char *s, const char *suffix, const char *fallback)
{
	const unsigned char *u = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)u);

	/* clean first, so that spaces a control character hid are trimmed;
	 * the characters kept go in by runs (an add each was a quarter of
	 * a name's cost) */
	nb_buf clean = {0};
	bool stable = true;
	size_t run = 0;		/* where the run kept as it is starts */
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = utf8_len(u + i, n - i, &cp);
		if (len && cp != '/' && !is_control(cp) &&
		    !is_bidi_control(cp)) {
			stable = stable && ix_nfc_stable(cp);
			i += len;
			continue;
		}
		nb_buf_add(&clean, u + run, i - run);
		if (len && cp == '/')
			nb_buf_add(&clean, "\xEF\xBC\x8F", 3);	/* U+FF0F ／ */
		i += len ? len : 1;
		run = i;
	}
	nb_buf_add(&clean, u + run, n - run);
	if (!stable) {
		nb_buf norm = {0};
		nfc(clean.s ? clean.s : "", clean.len, &norm);
		nb_buf_free(&clean);
		clean = norm;
	}
	if (clean.oom) {
		nb_buf_free(&clean);
		return NULL;
	}
	const char *c = clean.s ? clean.s : "";
	size_t start = 0, end = clean.len;
	trim(c, &start, &end);

	/* cut on a character boundary to leave room for the suffix */
	size_t slen = strlen(suffix);
	size_t limit = IX_NAME_MAX > slen ? IX_NAME_MAX - slen : 0;
	if (end - start > limit) {
		end = start + limit;
		while (end > start && ((unsigned char)c[end] & 0xC0) == 0x80)
			end--;
		trim(c, &start, &end);
	}

	nb_buf b = {0};
	if ((end - start == 1 && c[start] == '.') ||
	    (end - start == 2 && !memcmp(c + start, "..", 2)) || end == start)
		nb_buf_adds(&b, fallback);
	else
		nb_buf_add(&b, c + start, end - start);
	nb_buf_adds(&b, suffix);
	nb_buf_free(&clean);
	if (b.oom) {
		nb_buf_free(&b);
		return NULL;
	}
	return b.s;
}

char *ix_name_dup(const char *name, const char *suffix, unsigned k)
{
	char tag[16];
	snprintf(tag, sizeof tag, "~%u", k);
	size_t nlen = strlen(name), slen = strlen(suffix);
	if (slen > nlen || strcmp(name + nlen - slen, suffix)) {
		suffix = "";
		slen = 0;
	}
	size_t stem = nlen - slen;
	size_t room = IX_NAME_MAX - strlen(tag) - slen;
	if (stem > room) {
		stem = room;
		/* step back to the start of a UTF-8 sequence */
		while (stem && ((unsigned char)name[stem] & 0xC0) == 0x80)
			stem--;
	}
	nb_buf b = {0};
	nb_buf_add(&b, name, stem);
	nb_buf_adds(&b, tag);
	nb_buf_adds(&b, suffix);
	if (b.oom) {
		nb_buf_free(&b);
		return NULL;
	}
	return b.s;
}
