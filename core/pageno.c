/*
 * pageno.c — page numbers a PDF's text carries between its lines: the
 * printed forms (-3-, — 4 —, 第3页 共12页, 3/12) and lone numbers, which are
 * page numbers only with evidence (tables printed one cell per line are
 * full of lone numbers, and dropping one would shift a table).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lines.h"

/* Leading display columns of a page number laid out centred or right. */
#define NB_PAGENO_INDENT 20
#define NB_PAGENO_MAX 999

/* The printed page-number forms: -3-, - 3 -, — 4 —, 第 3 页, 第3页 共12页,
 * 共12页 第3页, 3/12, Page 3.  s[0..n) is trimmed. */
bool ln_pageno_form(const char *s, size_t n)
{
	size_t i = 0;
	long a, b;

	if (n == 0)
		return false;
	if (sc_skip_dashes(s, n, &i)) {
		sc_skip_spaces(s, n, &i);
		if (sc_number(s, n, &i) < 0)
			return false;
		sc_skip_spaces(s, n, &i);
		return sc_skip_dashes(s, n, &i) && i == n;
	}
	if (sc_skip_str(s, n, &i, "共")) {
		sc_skip_spaces(s, n, &i);
		if (sc_number(s, n, &i) < 0)
			return false;
		sc_skip_spaces(s, n, &i);
		if (!sc_skip_str(s, n, &i, "页"))
			return false;
		while (i < n) {
			size_t at = i;
			uint32_t cp = nb_utf8_next(s, n, &i);

			if (!nb_is_space(cp) && cp != ',' && cp != 0xFF0C) {
				i = at;
				break;
			}
		}
	}
	if (sc_skip_str(s, n, &i, "第")) {
		sc_skip_spaces(s, n, &i);
		if (sc_number(s, n, &i) < 0)
			return false;
		sc_skip_spaces(s, n, &i);
		if (!sc_skip_str(s, n, &i, "页"))
			return false;
		if (i == n)
			return true;
		while (i < n) {
			size_t at = i;
			uint32_t cp = nb_utf8_next(s, n, &i);

			if (!nb_is_space(cp) && cp != ',' && cp != 0xFF0C &&
			    cp != '/') {
				i = at;
				break;
			}
		}
		if (!sc_skip_str(s, n, &i, "共"))
			return false;
		sc_skip_spaces(s, n, &i);
		if (sc_number(s, n, &i) < 0)
			return false;
		sc_skip_spaces(s, n, &i);
		return sc_skip_str(s, n, &i, "页") && i == n;
	}
	if (i > 0)
		return false;	/* 共N页 alone is not a page number */
	if (n > 5 && strncasecmp(s, "page ", 5) == 0) {
		i = 5;
		sc_skip_spaces(s, n, &i);
		return sc_number(s, n, &i) >= 0 && i == n;
	}
	a = sc_number(s, n, &i);
	if (a < 1)
		return false;
	sc_skip_spaces(s, n, &i);
	if (!sc_skip_str(s, n, &i, "/") && !sc_skip_str(s, n, &i, "／"))
		return false;
	sc_skip_spaces(s, n, &i);
	b = sc_number(s, n, &i);
	return i == n && b >= a && b <= NB_PAGENO_MAX;
}

/* The value of a line holding only a small number, else -1. */
static long lone_number(const char *s, size_t n)
{
	size_t i = 0;
	long v = sc_number(s, n, &i);

	return i == n && v >= 0 && v <= NB_PAGENO_MAX ? v : -1;
}

/*
 * Lone numbers are page numbers only with evidence: laid out centred or
 * right, or ending a page (a form feed follows), and either both or part
 * of a run of consecutive page numbers.  Tables printed one cell per line
 * are full of lone numbers, and dropping one would shift a table.
 */
void ln_mark_lone_pagenos(nb_lines *ls)
{
	long prev_v = -2;
	size_t prev_i = 0;
	bool prev_marked = false;

	for (size_t k = 0; k < ls->n; k++) {
		nb_line *l = &ls->v[k];
		size_t s, e;

		if (l->flags & (NB_LF_BLANK | NB_LF_PAGENO))
			continue;
		nb_trim(l->text, l->len, &s, &e);

		long v = lone_number(l->text + s, e - s);

		if (v < 0)
			continue;

		size_t next = k + 1;

		while (next < ls->n && (ls->v[next].flags & NB_LF_BLANK) &&
		       !(ls->v[next].flags & NB_LF_NEWPAGE))
			next++;
		bool ends_page = next < ls->n &&
				 (ls->v[next].flags & NB_LF_NEWPAGE);
		bool far = sc_indent(l->text, l->len) >= NB_PAGENO_INDENT;

		if (!far && !ends_page)
			continue;
		if (far && ends_page)
			l->flags |= NB_LF_PAGENO;
		if (v == prev_v + 1) {
			l->flags |= NB_LF_PAGENO;
			if (!prev_marked)
				ls->v[prev_i].flags |= NB_LF_PAGENO;
		}
		prev_v = v;
		prev_i = k;
		prev_marked = l->flags & NB_LF_PAGENO;
	}
}
