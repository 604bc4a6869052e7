/*
 * flat_unwrap.c — a flattened article that was hard-wrapped afterwards
 * (saved through a tool that folds text at a fixed width): the one line a
 * crawler left, cut into lines of one width wherever the width fell — in a
 * word, a run of digits, a heading.  Such a block is told by its lines: all
 * of one width (in code points, or in display columns as fold(1) counts
 * them) but the last, which is no longer.  Joined with nothing between,
 * the pieces give back the crawler's line exactly; flatten.c then decides,
 * as for any line, whether it holds a whole article.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flat.h"

/* Fewer lines than this are no hard-wrapped article: a page of text. */
#define MIN_WRAPPED_LINES 4
/* Narrower lines than this are a list, not a fold (30-40 is what A4 text
 * and fold(1)'s 80 columns give; 20 leaves room). */
#define MIN_WIDTH 20

typedef struct {
	size_t cps, cols;	/* code points, display columns */
} width;

static width width_of(const nb_line *l)
{
	width w = { 0, 0 };

	for (size_t i = 0; i < l->len;) {
		if ((unsigned char)l->text[i] < 0x80) {	/* ASCII: one column */
			i++;
			w.cps++;
			w.cols++;
			continue;
		}
		/* U+4000..U+9FFF: two columns (nb_cp_width) */
		if (nb_utf8_han(l->text, l->len, i)) {
			i += 3;
			w.cps++;
			w.cols += 2;
			continue;
		}
		uint32_t cp = nb_utf8_next(l->text, l->len, &i);
		w.cps++;
		w.cols += nb_cp_width(cp);
	}
	return w;
}

/* One past the last line of the block of one width that starts at i, or
 * i + 1 when no block starts there; ws: every line's width, measured once. */
static size_t block_end(const nb_lines *ls, const width *ws, size_t i)
{
	width w0 = ws[i];
	bool by_cps = w0.cps >= MIN_WIDTH, by_cols = w0.cols >= MIN_WIDTH;
	size_t k = i + 1;

	while (k < ls->n && (by_cps || by_cols)) {
		width w = ws[k];
		if (w.cps == 0)
			break;
		by_cps = by_cps && w.cps <= w0.cps;
		/* fold leaves a column free when a wide character won't fit */
		by_cols = by_cols && w.cols <= w0.cols;
		if (!by_cps && !by_cols)
			break;
		bool full = (by_cps && w.cps == w0.cps) ||
			    (by_cols && (w.cols == w0.cols || w.cols + 1 == w0.cols));
		k++;
		if (!full)
			break;	/* the block's last, shorter line */
	}
	return k - i >= MIN_WRAPPED_LINES ? k : i + 1;
}

int nb_flat_unwrap(const nb_lines *ls, nb_lines *out, bool *joined)
{
	size_t total = 0, widest = 0;

	*joined = false;
	memset(out, 0, sizeof *out);
	/* An article is most of the page (flatten.c): no block that could be
	 * one, nothing to join.  A block holds no empty line (block_end), so
	 * where no run of lines between empty ones is half the text, no
	 * block is either: known before any line is measured. */
	size_t run = 0, widest_run = 0;
	for (size_t i = 0; i < ls->n; i++) {
		total += ls->v[i].len;
		run = ls->v[i].len ? run + ls->v[i].len : 0;
		widest_run = run > widest_run ? run : widest_run;
	}
	if (widest_run * 2 < total)
		return 0;
	width *ws = malloc((ls->n ? ls->n : 1) * sizeof *ws);
	if (!ws)
		return -ENOMEM;
	for (size_t i = 0; i < ls->n; i++)
		ws[i] = width_of(&ls->v[i]);
	for (size_t i = 0, e; i < ls->n; i = e) {
		size_t bytes = 0;
		e = block_end(ls, ws, i);
		for (size_t k = i; k < e && e > i + 1; k++)
			bytes += ls->v[k].len;
		widest = bytes > widest ? bytes : widest;
	}
	if (widest * 2 < total) {
		free(ws);
		return 0;
	}
	for (size_t i = 0; i < ls->n;) {
		size_t e = block_end(ls, ws, i);
		nb_buf b = { 0 };
		for (size_t k = i; k < e; k++)
			nb_buf_add(&b, ls->v[k].text, ls->v[k].len);
		nb_line *l = b.oom ? NULL : nb_lines_push(out, b.s ? b.s : "", b.len);
		nb_buf_free(&b);
		if (!l) {
			nb_lines_free(out);
			free(ws);
			return -ENOMEM;
		}
		l->flags = ls->v[i].flags;
		*joined = *joined || e > i + 1;
		i = e;
	}
	free(ws);
	return 0;
}
