/*
 * wrap.c — whether text was hard-wrapped (extracted from a PDF): many lines
 * of nearly one display width, most of them ending mid-sentence.  A web
 * page's text has one paragraph per line, of any length, ending in 。.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lines.h"

/* Widths are counted up to this; wider lines are not hard-wrapped. */
#define NB_WRAP_MAXW 240
/* Lines narrower than this say nothing about wrapping. */
#define NB_WRAP_MINW 24
/* Lines within this many columns of the common width are "full". */
#define NB_WRAP_SLACK 6
/* A page holds at least this many columns (20 Han characters); the
 * commonest width of a web page's short lines (headings) is narrower. */
#define NB_WRAP_PAGEW 40

/* A line of running text, and its display width in [*s, *e); false for
 * blank lines, chrome, page numbers and layout table rows. */
static bool text_line(const nb_line *l, size_t *s, size_t *e, size_t *w)
{
	if (l->flags & (NB_LF_BLANK | NB_LF_CHROME | NB_LF_PAGENO))
		return false;
	nb_trim(l->text, l->len, s, e);
	/* three spaces: a layout table row; past NB_WRAP_MAXW, whether the
	 * line has them does not matter (too wide for a page either way) */
	return sc_text_width(l->text + *s, *e - *s, NB_WRAP_MAXW, w);
}

bool ln_looks_wrapped(const nb_lines *ls, size_t npageno)
{
	size_t hist[NB_WRAP_MAXW + 1] = { 0 };
	size_t cands = 0;
	/* Each line's width, measured once for both passes (SIZE_MAX: not
	 * running text); without memory, the second pass measures again. */
	size_t *width = malloc((ls->n ? ls->n : 1) * sizeof *width);

	for (size_t k = 0; k < ls->n; k++) {
		size_t s, e, w;
		/* no code point is wider than its bytes: a line of fewer bytes
		 * than NB_WRAP_MINW counts in neither pass, and is not measured */
		bool text = ls->v[k].len >= NB_WRAP_MINW &&
			    text_line(&ls->v[k], &s, &e, &w);

		if (width)
			width[k] = text ? w : SIZE_MAX;
		if (!text || w < NB_WRAP_MINW || w > NB_WRAP_MAXW)
			continue;
		hist[w]++;
		cands++;
	}
	if (cands < 5) {
		free(width);
		return false;
	}

	/* The densest window of widths: the page's text width. */
	size_t best = 0, best_w = 0, run = 0;

	/* among page widths only: a table printed one cell per line has more
	 * short lines of one width than the prose has full ones */
	for (size_t w = NB_WRAP_PAGEW; w <= NB_WRAP_MAXW; w++) {
		run += hist[w];
		if (w >= NB_WRAP_PAGEW + NB_WRAP_SLACK)
			run -= hist[w - NB_WRAP_SLACK];
		if (run > best) {
			best = run;
			best_w = w;
		}
	}

	if (best_w < NB_WRAP_PAGEW) {
		free(width);
		return false;
	}

	size_t full = 0, open = 0;

	for (size_t k = 0; k < ls->n; k++) {
		const nb_line *l = &ls->v[k];
		size_t s, e, w;

		if (width) {
			w = width[k];
			if (w == SIZE_MAX || w + NB_WRAP_SLACK <= best_w || w > best_w)
				continue;
			nb_trim(l->text, l->len, &s, &e);
		} else if (!text_line(l, &s, &e, &w) || w + NB_WRAP_SLACK <= best_w ||
			   w > best_w) {
			continue;
		}
		full++;

		size_t i = s, last = s;

		while (i < e) {
			last = i;
			nb_utf8_next(l->text, e, &i);
		}
		size_t j = last;

		if (!nb_is_clause_stop_or_dot(nb_utf8_next(l->text, e, &j)))
			open++;
	}
	/*
	 * Measured: PDF text (pdftotext, layout or raw) has 60%-70% of its
	 * lines at the page width, 96% of them open; scraped pages and OCR
	 * Markdown at most 26%.  Page numbers are strong evidence: ask for
	 * less of the rest.  Five full lines: a short report wrapped at 30-40
	 * characters has five to ten (make prose); no page of the fixtures,
	 * seeds or real samples has five open lines of one width.
	 */
	double need = npageno >= 2 ? 0.3 : 0.4;

	free(width);

	return (double)full >= need * (double)cands && full >= 5 &&
	       (double)open >= 0.6 * (double)full;
}
