/*
 * lines.h — what the line-marking files share: scanning helpers (scan.c),
 * page numbers (pageno.c), site chrome and image names (chrome.c), wrap
 * detection (wrap.c).  Only the files of that stage include it.
 */
#ifndef NB_LINES_H
#define NB_LINES_H

#include "internal.h"

/* ---- scanning (scan.c) ---------------------------------------------------- */

/* Code points that separate words in site navigation, or decorate them. */
bool sc_sep(uint32_t cp);
/* Display columns of s[0..n) (nb_cp_width), counted until they pass max
 * (a value over max says only that), into *w; false when three spaces in a
 * row come first (a layout table's row). */
bool sc_text_width(const char *s, size_t n, size_t max, size_t *w);
size_t sc_indent(const char *s, size_t n);	/* columns of leading space */
/* Digits (either width) at s[*i]: the value, or -1 when none or more
 * than 6; advances *i past them. */
long sc_number(const char *s, size_t n, size_t *i);
void sc_skip_spaces(const char *s, size_t n, size_t *i);
bool sc_skip_dashes(const char *s, size_t n, size_t *i);
/* p at s[*i]: advances *i past it.  Inline: called with literals, a
 * hundred thousand times a run of reports, and their strlen folds. */
static inline bool sc_skip_str(const char *s, size_t n, size_t *i, const char *p)
{
	if (!nb_has_prefix(s + *i, n - *i, p))
		return false;
	*i += strlen(p);
	return true;
}

/* ---- marks ------------------------------------------------------------------ */

/* pageno.c: a printed page-number form; s[0..n) trimmed. */
bool ln_pageno_form(const char *s, size_t n);
/* pageno.c: marks lone numbers that are page numbers. */
void ln_mark_lone_pagenos(nb_lines *ls);
/* pageno.c: marks a running header (the same short line atop two pages,
 * or atop one and the first) as page furniture.  0 or -ENOMEM. */
int ln_mark_running_heads(nb_lines *ls);
/* chrome.c: the first code points of the chrome words of each list, hashed
 * into a set, so that a line none of them can open is passed over without
 * trying each word; and for the words looked for anywhere in a line, how
 * far a search may move on past each pair of bytes (skip, chrome.c).  Made
 * once per text (ln_chrome_init). */
typedef struct {
	nb_cpset meta, start, words;
	unsigned char skip[64 * 64];
} ln_chrome_sets;

void ln_chrome_init(ln_chrome_sets *cs);
/* chrome.c: s[0..n) trimmed and not blank. */
bool ln_chrome(const ln_chrome_sets *cs, const char *s, size_t n);
bool ln_image_name(const char *s, size_t n);
/* wrap.c: whether the lines were hard-wrapped by a PDF. */
bool ln_looks_wrapped(const nb_lines *ls, size_t npageno);

#endif
