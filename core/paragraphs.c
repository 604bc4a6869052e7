/*
 * paragraphs.c — prose assembled from lines: spacing tidied, and the lines a
 * PDF hard-wrapped joined back into paragraphs, one paragraph per line.
 */
#include <string.h>

#include "internal.h"

/*
 * nb_tidy's work on s[s0, e0) (trimmed), and the last two code points that
 * are no space in *last and *before.  Runs of kept bytes are added whole:
 * a call per character was most of building the prose.
 */
static void tidy_span(nb_buf *b, const char *s, size_t s0, size_t e0, uint32_t *last,
		      uint32_t *before)
{
	size_t i = s0, run = s0, run_end = s0;
	uint32_t prev = 0, l = 0, bf = 0;
	bool gap = false;

	while (i < e0) {
		size_t at = i;
		/* U+4000..U+9FFF (most of the prose): no space, no control */
		uint32_t cp = nb_utf8_han(s, e0, i);
		if (cp) {
			/* a run of Han: no space in it and none to add (no Han is
			 * ASCII), so only its start is tested; it is added whole
			 * with what follows */
			if (at != run_end) {
				nb_buf_add(b, s + run, run_end - run);
				run = at;
			}
			do {
				i += 3;
				bf = l;
				l = cp;
			} while (i < e0 && (cp = nb_utf8_han(s, e0, i)) != 0);
			gap = false;
			run_end = i;
			prev = l;
			continue;
		}
		cp = nb_utf8_next(s, e0, &i);
		if (!nb_is_space(cp)) {
			bf = l;
			l = cp;
		}
		if (nb_is_space(cp) || cp < 0x20 || cp == 0x7F) {
			gap = true;
			continue;
		}
		if (gap && nb_is_ascii_graph(prev) && nb_is_ascii_graph(cp)) {
			nb_buf_add(b, s + run, run_end - run);
			nb_buf_addc(b, ' ');
			run = run_end = at;
		} else if (at != run_end) {
			nb_buf_add(b, s + run, run_end - run);
			run = at;
		}
		gap = false;
		run_end = i;
		prev = cp;
	}
	if (run_end > run)
		nb_buf_add(b, s + run, run_end - run);
	*last = l;
	*before = bf;
}

void nb_tidy(nb_buf *b, const char *s, size_t n)
{
	size_t s0, e0;
	uint32_t last, before;

	nb_trim(s, n, &s0, &e0);
	tidy_span(b, s, s0, e0, &last, &before);
}

/* Display width: CJK and fullwidth forms take two columns. */
static size_t width_of(const char *s, size_t n, size_t *indent)
{
	size_t i = 0, w = 0, lead = 0;
	bool text = false;

	while (i < n) {
		/* U+4000..U+9FFF (most of a line): two columns, no space */
		if (nb_utf8_han(s, n, i)) {
			i += 3;
			w += 2;
			text = true;
			continue;
		}
		uint32_t cp = nb_utf8_next(s, n, &i);
		size_t cw = cp >= 0x1100 && cp != 0xFEFF ? 2 : 1;
		if (cp == '\t')
			cw = 8 - w % 8;
		w += cw;
		if (!text && nb_is_space(cp))
			lead += cw;
		else
			text = true;
	}
	if (indent)
		*indent = lead;
	return w;
}

static bool is_prose(const nb_line *l)
{
	return !(l->flags & (NB_LF_BLANK | NB_LF_CHROME | NB_LF_PAGENO | NB_LF_META |
			     NB_LF_TITLE | NB_LF_HEADING | NB_LF_TABLE | NB_LF_IMAGE));
}

#define WMAX 256

void nb_prose_init(nb_prose *p, const nb_doc *d)
{
	size_t hist[WMAX] = { 0 }, ind[WMAX] = { 0 }, total = 0;

	memset(p, 0, sizeof *p);
	p->pdf = d->pdf;
	if (!p->pdf)
		return;		/* wide and indent tell only a PDF's wraps */
	for (size_t i = 0; i < d->lines.n; i++) {
		const nb_line *l = &d->lines.v[i];
		size_t lead, w;
		if (!is_prose(l))
			continue;
		w = width_of(l->text, l->len, &lead) - lead;
		if (w < 16)
			continue;
		hist[w < WMAX ? w : WMAX - 1]++;
		ind[lead < WMAX ? lead : WMAX - 1]++;
		total++;
	}
	/* A full line: three quarters of the prose lines are no wider. */
	size_t seen = 0;
	for (size_t w = 0; w < WMAX && total; w++) {
		seen += hist[w];
		if (seen * 4 >= total * 3) {
			p->wide = w;
			break;
		}
	}
	/* The body's margin: the smallest indentation many prose lines share
	 * (a tenth of them; continuation lines sit there).  The commonest one
	 * is a paragraph's first-line indent when most paragraphs are one or
	 * two lines long. */
	p->indent = 0;
	for (size_t k = 0; k < WMAX && total; k++) {
		if (ind[k] * 10 >= total && ind[k] >= 2) {
			p->indent = k;
			break;
		}
	}
}

/* Punctuation that never starts a sentence: a line opening with it goes
 * on from the line before (a PDF wrapped just before the comma). */
static bool continues_text(uint32_t cp)
{
	static const uint32_t p[] = { 0xFF0C, 0x3002, 0x3001, 0xFF1B, 0xFF1A, 0xFF09, 0x300D,
				      0x300F, 0x300B, 0x201D, 0x2019, 0xFF01, 0xFF1F, ',', '.',
				      ';', ':', ')', '%', 0xFF05 };

	for (size_t k = 0; k < sizeof p / sizeof *p; k++)
		if (cp == p[k])
			return true;
	return false;
}

/* A list marker opens the line: （一） (一) 一、 1. 1、 (1) ① 一是 第一. */
static bool starts_marker(const char *s, size_t n)
{
	size_t i = 0;
	uint32_t a = nb_halfwidth(nb_utf8_next(s, n, &i));
	size_t j = i;
	uint32_t b = i < n ? nb_halfwidth(nb_utf8_next(s, n, &j)) : 0;

	if (a == '(' || a == '[' || a == 0x3010)
		return true;
	if (a >= 0x2460 && a <= 0x2473)	/* ① … ⑳ */
		return true;
	if (a >= '0' && a <= '9') {
		size_t k = j;
		uint32_t c = b;
		while (k < n && c >= '0' && c <= '9')
			c = nb_halfwidth(nb_utf8_next(s, n, &k));
		return c == '.' || c == 0x3001 || c == ')';
	}
	if (nb_is_cjk_numeral(a))	/* 一、 一是 一. */
		return b == 0x3001 || b == 0x662F || b == '.';
	return a == 0x7B2C && nb_is_cjk_numeral(b);	/* 第一 */
}

void nb_prose_break(nb_prose *p, nb_buf *out)
{
	if (p->open)
		nb_buf_addc(out, '\n');
	p->open = false;
}

void nb_prose_line(nb_prose *const p[2], nb_buf *const out[2], const nb_line *l)
{
	size_t s, e, lead = 0;

	nb_trim(l->text, l->len, &s, &e);
	if (s == e)
		return;
	/* the width and indentation tell only a PDF's wraps: not measured
	 * where nothing reads them */
	size_t w = p[0]->pdf || p[1]->pdf ? width_of(l->text, l->len, &lead) - lead : 0;
	size_t k = s;
	uint32_t first = nb_halfwidth(nb_utf8_next(l->text, e, &k));
	int marker = -1;	/* starts_marker, once asked */
	size_t from = 0, to = 0;
	uint32_t last = 0, before = 0;

	for (int j = 0; j < 2; j++) {
		nb_prose *q = p[j];
		bool cont = false;

		if (q->pdf && q->open) {
			if (marker < 0)
				marker = starts_marker(l->text + s, e - s);
			bool indented = lead > q->indent + 1;
			bool short_prev = q->wide && q->lastw * 100 < q->wide * 85;
			/* a wrap leaves the line full: a short one ended its
			 * paragraph or was a heading (（一）主动公开), whatever its
			 * last mark */
			cont = !(short_prev || (q->ended && (indented || marker)));
			/* a comma or stop, or the rest of a number (培训16 /
			 * 36期), cannot start a paragraph */
			if (continues_text(first) && !q->ended)
				cont = true;
			if (nb_is_ascii_digit(q->last) && nb_is_ascii_digit(first) && !marker &&
			    !short_prev)
				cont = true;
		}
		if (!cont) {
			nb_prose_break(q, out[j]);
		} else if (nb_is_ascii_letter(q->last) && nb_is_ascii_letter(first)) {
			/* words of ASCII text keep a space; a number or a CJK
			 * phrase cut by the wrap does not */
			nb_buf_addc(out[j], ' ');
		}
		/* the line's text, and its last two code points: tidied once,
		 * copied to the second prose */
		if (j == 0) {
			from = out[0]->len;
			tidy_span(out[0], l->text, s, e, &last, &before);
			to = out[0]->len;
		} else if (to > from) {	/* out[0] may hold nothing yet */
			nb_buf_add(out[1], out[0]->s + from, to - from);
		}
		q->open = true;
		q->lastw = w;
		q->last = nb_halfwidth(last);
		q->ended = nb_ends_sentence(last, before);
	}
}

void nb_prose_raw(nb_prose *p, nb_buf *out, const char *s, size_t n)
{
	size_t a, e;

	nb_prose_break(p, out);
	nb_trim(s, n, &a, &e);
	if (a == e)
		return;
	/* a table row keeps its spacing: the columns are aligned with it */
	nb_buf_add(out, s, e);
	nb_buf_addc(out, '\n');
}
