/*
 * lines.c — text to lines, and the marks every later stage relies on:
 * blank lines, site chrome (chrome.c), page numbers (pageno.c), image file
 * names; and whether the text was hard-wrapped by a PDF (wrap.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lines.h"

int nb_split_lines(const char *text, size_t len, nb_lines *out)
{
	size_t i = 0;
	/* most texts hold no form feed: their lines need no search for one */
	bool ff = memchr(text, '\f', len) != NULL;

	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - text) : len;
		bool newpage = e > i && text[i] == '\f';
		nb_line *l = nb_lines_push(out, text + i + newpage,
					   e - i - newpage);

		if (!l)
			return -ENOMEM;
		/* pdftotext starts each page with a form feed: keep the fact,
		 * drop the byte, so columns of layout text stay aligned. */
		if (newpage)
			l->flags |= NB_LF_NEWPAGE;
		if (ff && memchr(l->text, '\f', l->len)) {
			size_t w = 0;

			for (size_t r = 0; r < l->len; r++)
				if (l->text[r] != '\f')
					l->text[w++] = l->text[r];
			l->text[w] = '\0';
			l->len = w;
		}
		i = e + 1;
	}
	return 0;
}

int nb_mark_lines(nb_doc *d)
{
	nb_lines *ls = &d->lines;
	size_t npageno = 0;
	ln_chrome_sets cs;

	ln_chrome_init(&cs);

	for (size_t k = 0; k < ls->n; k++) {
		nb_line *l = &ls->v[k];
		size_t s, e;

		nb_trim(l->text, l->len, &s, &e);
		if (s == e) {
			l->flags |= NB_LF_BLANK;
			continue;
		}
		const char *t = l->text + s;
		size_t n = e - s;

		if (l->table) {
			/* an HTML table row: only a tool bar laid out as a
			 * table (【打印本页】 | 【关闭窗口】) is not the report's */
			if (ln_chrome(&cs, t, n))
				l->flags |= NB_LF_CHROME;
		} else if (ln_pageno_form(t, n)) {
			l->flags |= NB_LF_PAGENO;
			npageno++;
		} else if (ln_image_name(t, n)) {
			l->flags |= NB_LF_IMAGE;
		} else if (ln_chrome(&cs, t, n)) {
			l->flags |= NB_LF_CHROME;
		}
	}
	ln_mark_lone_pagenos(ls);
	if (d->kind != NB_SRC_HTML) {
		int rc = ln_mark_running_heads(ls);
		if (rc < 0)
			return rc;
	}
	d->pdf = d->kind != NB_SRC_HTML && ln_looks_wrapped(ls, npageno);
	return 0;
}
