/*
 * pageno.c — page furniture a PDF's text carries between its lines: page
 * numbers in their printed forms (-3-, — 4 —, 第3页 共12页, 3/12), lone
 * numbers, which are page numbers only with evidence (tables printed one
 * cell per line are full of lone numbers, and dropping one would shift a
 * table), and running headers repeated at the top of pages.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lines.h"

/* Leading display columns of a page number laid out centred or right. */
#define NB_PAGENO_INDENT 20
#define NB_PAGENO_MAX 999

/* At *i: spaces, a number, spaces, then `unit` ("页"); *i moves past it. */
static bool number_then(const char *s, size_t n, size_t *i, const char *unit)
{
	sc_skip_spaces(s, n, i);
	if (sc_number(s, n, i) < 0)
		return false;
	sc_skip_spaces(s, n, i);
	return sc_skip_str(s, n, i, unit);
}

/* Skips what separates 第N页 from 共M页: spaces, commas, and a '/' when
 * slash is set. */
static void skip_between(const char *s, size_t n, size_t *i, bool slash)
{
	while (*i < n) {
		size_t at = *i;
		uint32_t cp = nb_utf8_next(s, n, i);

		if (!nb_is_space(cp) && cp != ',' && cp != 0xFF0C &&
		    !(slash && cp == '/')) {
			*i = at;
			return;
		}
	}
}

/* 3/12: s[0..n) opens with a digit. */
static bool page_of_pages(const char *s, size_t n)
{
	size_t i = 0;
	long a = sc_number(s, n, &i), b;

	if (a < 1)
		return false;
	sc_skip_spaces(s, n, &i);
	if (!sc_skip_str(s, n, &i, "/") && !sc_skip_str(s, n, &i, "／"))
		return false;
	sc_skip_spaces(s, n, &i);
	b = sc_number(s, n, &i);
	return i == n && b >= a && b <= NB_PAGENO_MAX;
}

/* The printed page-number forms: -3-, - 3 -, — 4 —, 第 3 页, 第3页 共12页,
 * 共12页 第3页, 3/12, Page 3.  s[0..n) is trimmed. */
bool ln_pageno_form(const char *s, size_t n)
{
	size_t i = 0;

	if (n == 0)
		return false;
	/* Every form opens with a dash, 共, 第, Page or a digit: the first
	 * character turns away nearly every line, and every line is asked.
	 * Only 3/12 opens with a digit (a table's cells often do): it is
	 * tried alone. */
	size_t j = 0;
	uint32_t first = nb_utf8_next(s, n, &j);
	if (nb_is_digit(first))
		return page_of_pages(s, n);
	if (!nb_is_dash(first) && first != 0x5171 /* 共 */ && first != 0x7B2C /* 第 */ &&
	    first != 'p' && first != 'P')
		return false;
	if (sc_skip_dashes(s, n, &i)) {
		sc_skip_spaces(s, n, &i);
		if (sc_number(s, n, &i) < 0)
			return false;
		sc_skip_spaces(s, n, &i);
		return sc_skip_dashes(s, n, &i) && i == n;
	}
	if (sc_skip_str(s, n, &i, "共")) {
		if (!number_then(s, n, &i, "页"))
			return false;
		skip_between(s, n, &i, false);
	}
	if (sc_skip_str(s, n, &i, "第")) {
		if (!number_then(s, n, &i, "页"))
			return false;
		if (i == n)
			return true;
		skip_between(s, n, &i, true);
		return sc_skip_str(s, n, &i, "共") &&
			number_then(s, n, &i, "页") && i == n;
	}
	if (i > 0)
		return false;	/* 共N页 alone is not a page number */
	if (n > 5 && strncasecmp(s, "page ", 5) == 0) {
		i = 5;
		sc_skip_spaces(s, n, &i);
		return sc_number(s, n, &i) >= 0 && i == n;
	}
	return false;
}

/* Whether s[0..n) may open with a digit: its first byte is an ASCII digit
 * or EF (a full-width one).  Every line is asked: it turns nearly all
 * away before a number is read. */
static bool may_open_digit(const char *s, size_t n)
{
	unsigned char c = n ? (unsigned char)s[0] : 0;

	return (c >= '0' && c <= '9') || c == 0xEF;
}

/* The value of a line holding only a small number, else -1. */
static long lone_number(const char *s, size_t n)
{
	if (!may_open_digit(s, n))
		return -1;

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
		/* opening with neither a space nor a digit, it is no lone
		 * number trimmed either: most lines are passed untrimmed */
		if (l->len == 0 || (!nb_may_begin_space(l->text, l->len) &&
				    !may_open_digit(l->text, l->len)))
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

/* A running header is at most this long (a title, an agency's name). */
#define NB_RUNHEAD_MAX 60

/* The line's text with spaces dropped, for comparing; NULL on ENOMEM. */
static char *squeeze(const nb_line *l)
{
	nb_buf b = { 0 };
	size_t i = 0;

	while (i < l->len) {
		size_t at = i;
		if (!nb_is_space(nb_utf8_next(l->text, l->len, &i)))
			nb_buf_add(&b, l->text + at, i - at);
	}
	if (!b.s && !b.oom)
		nb_buf_adds(&b, "");
	return nb_buf_take(&b);
}

/* The first line at or after k that is not blank, or ls->n. */
static size_t first_text(const nb_lines *ls, size_t k)
{
	while (k < ls->n && (ls->v[k].flags & NB_LF_BLANK))
		k++;
	return k;
}

/* Whether line k can be a running header: short, one run of text (a
 * layout table row has columns spaced apart), not a page number. */
static bool header_like(const nb_line *l)
{
	size_t s, e;

	if (l->flags & (NB_LF_PAGENO | NB_LF_BLANK))
		return false;
	nb_trim(l->text, l->len, &s, &e);
	return nb_utf8_count(l->text + s, e - s) <= NB_RUNHEAD_MAX &&
	       !nb_contains(l->text + s, e - s, "   ") && !memchr(l->text + s, '|', e - s);
}

int ln_mark_running_heads(nb_lines *ls)
{
	size_t *starts = malloc((ls->n + 1) * sizeof *starts), n = 0;
	char **keys = calloc(ls->n + 1, sizeof *keys);
	char *top = NULL;
	int rc = 0;

	if (!starts || !keys) {
		rc = -ENOMEM;
		goto out;
	}
	/* the first line of each page after the first: after a form feed, or
	 * after a page number when the text lost its form feeds */
	for (size_t k = 1; k < ls->n; k++) {
		bool after_pageno = (ls->v[k - 1].flags & NB_LF_PAGENO) &&
				    !(ls->v[k - 1].flags & NB_LF_NEWPAGE);
		if (!(ls->v[k].flags & NB_LF_NEWPAGE) && !after_pageno)
			continue;
		size_t f = first_text(ls, k);
		if (f < ls->n && header_like(&ls->v[f]) && (n == 0 || starts[n - 1] != f))
			starts[n++] = f;
	}
	if (n == 0)
		goto out;
	size_t t0 = first_text(ls, 0);
	if (t0 < ls->n && !(top = squeeze(&ls->v[t0]))) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (!(keys[i] = squeeze(&ls->v[starts[i]]))) {
			rc = -ENOMEM;
			goto out;
		}
	/* a header repeats: on two pages, or on one and atop the first page
	 * (the title a one-page-break report prints again) */
	for (size_t i = 0; i < n; i++) {
		size_t same = top && !strcmp(top, keys[i]) && starts[i] != t0;
		for (size_t j = 0; j < n; j++)
			same += j != i && !strcmp(keys[i], keys[j]);
		if (same >= 1 && keys[i][0])
			ls->v[starts[i]].flags |= NB_LF_PAGENO;
	}
out:
	for (size_t i = 0; keys && i < n; i++)
		free(keys[i]);
	free(keys);
	free(starts);
	free(top);
	return rc;
}
