/*
 * flatten.c — a flattened article cut back into lines.
 *
 * A crawler that keeps a page's text without its blocks leaves the whole
 * report on one line: headings inline (…效能问责。 二、主动公开政府信息情况
 * 第二十条…), table cells run together (…申请数量801000081二、上年结转…).
 * Such a line is recognised by its length (most of the page) and the
 * section headings inside it: a numeral and 、 followed by a canonical
 * heading's wording (sections.c holds the wordings), several of them in
 * order.  The line is then cut so the rest of the pipeline sees what normal
 * text gives: each heading on a line of its own, prose cut where the crawler
 * left a space between blocks and before a （一） sub-heading, and in a
 * table section each row on a line of its own (cut after its run of
 * numbers, before the next label's 1. 2. …).  Cuts in a table never add or
 * drop a character: flat_rows.c joins the pieces back to read the runs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flat.h"

/* Canonical headings a line must hold, in order, to be a whole article: a
 * normal line never holds more than one; three rules out a sentence that
 * happens to quote one. */
#define MIN_HEADINGS 3
/* Code points of a heading's name we look at, and how far into it a
 * canonical wording may start (政府信息公开工作存在的主要问题…: 8). */
#define NAME_WINDOW 64
#define NAME_LEAD 8
/* A heading whose wording is no canonical one (older free-form reports)
 * is at most this long, ended by a space or the year that opens its text. */
#define FREE_NAME_MAX 30
/* How well a wording of five or more characters must match. */
#define FUZZY_MIN 0.85

typedef struct {
	size_t at;		/* the numeral */
	size_t end;		/* just past the name */
	int numeral;
	int canon;		/* 1..6, or 0 for a free-form heading */
} fhead;

static int numeral_value(uint32_t cp)
{
	static const uint32_t num[] = { 0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94,
					0x516D, 0x4E03, 0x516B, 0x4E5D, 0x5341 };

	for (int k = 0; k < 10; k++)
		if (num[k] == cp)
			return k + 1;
	return 0;
}

/* The code point before byte offset at, or 0 at the start. */
static uint32_t cp_before(const char *s, size_t at)
{
	size_t i = at;

	if (!at)
		return 0;
	do
		i--;
	while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80);
	return nb_utf8_next(s, at, &i);
}

/* The keys of up to NAME_WINDOW code points from at, each with the byte
 * offset just past it. */
static size_t window_keys(const char *s, size_t n, size_t at, uint32_t *keys, size_t *ends)
{
	size_t nk = 0, i = at;

	while (i < n && nk < NAME_WINDOW) {
		size_t a = i;
		nb_utf8_next(s, n, &i);
		uint32_t k;
		if (nb_key(s + a, i - a, &k, 1) == 1) {
			keys[nk] = k;
			ends[nk++] = i;
		}
	}
	return nk;
}

/*
 * The canonical heading whose wording opens s at name (maybe after a few
 * Han characters of its own: 政府信息公开工作存在的主要问题…); *end gets the
 * byte offset just past the wording.  0 when none.
 */
static int canon_at(const char *s, size_t n, size_t name, size_t *end, bool *exact)
{
	uint32_t keys[NAME_WINDOW];
	const uint32_t *vk;
	size_t ends[NAME_WINDOW];
	size_t nk = window_keys(s, n, name, keys, ends);
	double best = 0;
	size_t bestm = 0;
	int canon = 0;

	for (int c = 1; c <= 6; c++) {
		size_t m;
		for (size_t k = 0; (m = nb_section_variant(c, k, &vk)) > 0; k++) {
			double sim = 0;
			size_t e = 0;
			if (m > NAME_WINDOW)
				continue;
			/* Whole, after at most NAME_LEAD Han characters. */
			for (size_t off = 0; off <= NAME_LEAD && off + m <= nk; off++) {
				if (off && !nb_is_han(keys[off - 1]))
					break;
				if (!memcmp(keys + off, vk, m * sizeof *vk)) {
					sim = 1;
					e = off + m;
					break;
				}
			}
			/* With a typo, from the start. */
			if (sim < 1 && m > 4) {
				size_t win = m + 2 < nk ? m + 2 : nk, fe = 0;
				double f = nb_fuzzy_find(vk, m, keys, win, &fe);
				if (f >= FUZZY_MIN && fe > 0) {
					sim = f;
					e = fe;
				}
			}
			if (e && (sim > best || (sim == best && m > bestm))) {
				best = sim;
				bestm = m;
				canon = c;
				*end = ends[e - 1];
				*exact = sim == 1;
			}
		}
	}
	return canon;
}

/*
 * A heading of its own wording (older reports: 三、 政府信息依申请公开工作情况
 * 2017年…): it follows a sentence's end or a block boundary and its name ends
 * at a space or at a digit, short and with no sentence punctuation.
 */
static bool free_at(const char *s, size_t n, size_t at, size_t name, size_t *end)
{
	uint32_t before = cp_before(s, at);
	size_t i = name, count = 0;

	if (before && before != 0x3002 && !nb_is_space(before))
		return false;
	while (i < n) {
		size_t a = i;
		uint32_t cp = nb_utf8_next(s, n, &i);
		if (nb_is_space(cp) || nb_is_digit(cp)) {
			*end = a;
			return count >= 2;
		}
		if (cp == 0x3002 || cp == 0xFF0C || cp == 0xFF1B || cp == 0xFF1A ||
		    ++count > FREE_NAME_MAX)
			return false;
	}
	return false;
}

/* After a heading's number: its mark (、 ． . or a space) and any spaces;
 * the offset of the name, or 0 when no mark follows. */
static size_t after_mark(const char *s, size_t n, size_t i, bool space_ok)
{
	if (i >= n)
		return 0;
	uint32_t mark = nb_halfwidth(nb_utf8_next(s, n, &i));
	if (mark != 0x3001 && mark != '.' && !(space_ok && nb_is_space(mark)))
		return 0;
	if (mark == '.' && i < n && nb_is_digit(nb_utf8_next(s, n, &(size_t){ i })))
		return 0;	/* 1.5 is a number */
	while (i < n) {
		size_t k = i;
		if (!nb_is_space(nb_utf8_next(s, n, &k)))
			break;
		i = k;
	}
	return i;
}

/*
 * A heading's number at s[at]: 二、 三． 四. 五 (space), 第二部分, or 2. 2、;
 * *name gets the offset of the name after it, *chinese whether the number
 * was a Chinese numeral, *glued whether a digit runs into it from before
 * (…收费49.13.收到和处理…: the table's last number, then heading 3).
 */
static int numeral_at(const char *s, size_t n, size_t at, size_t *name, bool *chinese,
		      bool *glued)
{
	size_t i = at;
	uint32_t cp = nb_utf8_next(s, n, &i), before = cp_before(s, at);
	int v = numeral_value(cp);

	*chinese = v != 0;
	*glued = false;
	if (v) {
		if (before == 0xFF08 || before == '(' || before == 0x7B2C || numeral_value(before))
			return 0;	/* （一）, 第二, 二十 */
		*name = after_mark(s, n, i, true);
		return *name ? v : 0;
	}
	if (cp == 0x7B2C && i < n) {	/* 第二部分 */
		size_t k = i;
		v = numeral_value(nb_utf8_next(s, n, &k));
		if (v && n - k >= strlen("部分") && !memcmp(s + k, "部分", strlen("部分"))) {
			k += strlen("部分");
			size_t m = after_mark(s, n, k, true);
			*name = m ? m : k;
			return v;
		}
		return 0;
	}
	if (cp >= '1' && cp <= '9' && before != '.' &&
	    (nb_is_digit(before) || !nb_is_ascii_alnum(before))) {
		*glued = nb_is_digit(before);
		*name = after_mark(s, n, i, false);
		return *name ? (int)(cp - '0') : 0;
	}
	return 0;
}

/* The headings of one line, in order: canonical ones with rising numerals,
 * free-form ones only as the next numeral. */
static size_t find_heads(const char *s, size_t n, fhead *out, size_t cap, size_t *ncanon)
{
	size_t count = 0, i = 0;
	int last = 0;

	*ncanon = 0;
	while (i < n && count < cap) {
		size_t at = i, name, end = 0;
		nb_utf8_next(s, n, &i);
		bool chinese, glued, exact = false;
		int v = numeral_at(s, n, at, &name, &chinese, &glued);
		if (!v || v <= last)
			continue;
		/* A free-form heading only with a Chinese numeral: 1. 2. open
		 * sub-items inside sections as often as sections.  A number
		 * glued to the digits before it is a heading's only as the next
		 * number, with a canonical wording to the letter. */
		int canon = canon_at(s, n, name, &end, &exact);
		if (glued && (!canon || !exact || v != last + 1))
			continue;
		if (!canon && (!chinese || v != last + 1 || !free_at(s, n, at, name, &end)))
			continue;
		out[count++] = (fhead){ .at = at, .end = end, .numeral = v, .canon = canon };
		*ncanon += canon != 0;
		last = v;
		i = end;
	}
	return count;
}

static int push(nb_lines *out, const char *s, size_t n)
{
	size_t a, b;

	nb_trim(s, n, &a, &b);
	if (a == b)
		return 0;
	return nb_lines_push(out, s + a, b - a) ? 0 : -ENOMEM;
}

/* Prose: cut at the crawler's block boundaries (a space with no ASCII
 * letter or digit beside it: 成立 70 周年 is one phrase) and before a （一）
 * sub-heading that follows a full stop. */
static int push_prose(nb_lines *out, const char *s, size_t n)
{
	size_t start = 0, i = 0;
	uint32_t prev = 0;

	while (i < n) {
		size_t at = i;
		uint32_t cp = nb_utf8_next(s, n, &i);
		if (nb_is_space(cp)) {
			size_t k = i;
			while (k < n) {
				size_t j = k;
				if (!nb_is_space(nb_utf8_next(s, n, &j)))
					break;
				k = j;
			}
			size_t j = k;
			uint32_t next = k < n ? nb_utf8_next(s, n, &j) : 0;
			if (!nb_is_ascii_alnum(prev) && !nb_is_ascii_alnum(next)) {
				if (push(out, s + start, at - start) < 0)
					return -ENOMEM;
				start = k;
			}
			i = k;
			continue;
		}
		if (cp == 0xFF08 && prev == 0x3002 && i < n) {
			size_t j = i;
			if (numeral_value(nb_utf8_next(s, n, &j))) {
				if (push(out, s + start, at - start) < 0)
					return -ENOMEM;
				start = at;
			}
		}
		prev = cp;
	}
	return push(out, s + start, n - start);
}

bool nb_flat_run_char(uint32_t cp)
{
	if (cp == ',')
		return true;	/* thousands: 12,810 (a fullwidth ， is prose) */
	cp = nb_halfwidth(cp);
	return nb_is_digit(cp) || cp == '.' || cp == '+' || cp == '-' || cp == 0x3001 ||
	       nb_is_space(cp);
}

static nb_line *push_row(nb_lines *out, const char *s, size_t n)
{
	nb_line *l = nb_lines_push(out, s, n);

	if (l)
		l->flags |= NB_LF_FLATROW;
	return l;
}

/*
 * A table's text: a line per row, cut after each run of numbers — or, when
 * the run ends with the next label's enumeration (…0000000 2.其他…), before
 * that enumeration's number.  No character is added or dropped.
 */
static int push_table(nb_lines *out, const char *s, size_t n)
{
	size_t start = 0, i = 0;

	while (i < n) {
		size_t at = i;
		uint32_t cp = nb_utf8_next(s, n, &i);
		if (!nb_is_digit(cp))
			continue;
		size_t e = i, lastdigit = at;
		bool digit_end = true;
		while (e < n) {
			size_t j = e;
			uint32_t c = nb_utf8_next(s, n, &j);
			if (!nb_flat_run_char(c))
				break;
			if (nb_is_digit(c))
				lastdigit = e;
			digit_end = nb_is_digit(c);
			e = j;
		}
		/* A unit printed after the number stays with it. */
		if (digit_end)
			e += nb_split_unit(s + e, n - e);
		size_t cut = e;
		if (!digit_end && e < n) {
			size_t j = lastdigit;
			nb_utf8_next(s, n, &j);
			uint32_t mark = j < n ? nb_halfwidth(nb_utf8_next(s, n, &j)) : 0;
			if (mark == '.' || mark == 0x3001)
				cut = lastdigit;
		}
		if (e < n && cut > start) {
			if (!push_row(out, s + start, cut - start))
				return -ENOMEM;
			start = cut;
		}
		i = e;
	}
	if (n > start && !push_row(out, s + start, n - start))
		return -ENOMEM;
	return 0;
}

/* Where a table section's table begins: the first of its anchors. */
static size_t table_start(const char *s, size_t n, int canon)
{
	static const char *const anchors[7][5] = {
		[2] = { "第二十条", "信息内容", NULL },
		[3] = { "本列数据", "申请人情况", "自然人", "本年新收", NULL },
		[4] = { "行政复议", "结果维持", NULL },
	};
	size_t best = n;

	for (size_t k = 0; canon >= 2 && canon <= 4 && anchors[canon][k]; k++) {
		const char *hit = nb_find(s, n, anchors[canon][k]);
		if (hit && (size_t)(hit - s) < best)
			best = (size_t)(hit - s);
	}
	/* The table's first words keep their bracket or numbering:
	 * （本列数据…）, 一、本年新收… */
	if (best < n && cp_before(s, best) == 0xFF08)
		best -= strlen("（");
	else if (best < n && cp_before(s, best) == 0x3001) {
		size_t mark = best - strlen("、");
		if (numeral_value(cp_before(s, mark)))
			best = mark - strlen("一");
	}
	/* A table has numbers. */
	for (size_t i = best; i < n; i++)
		if (s[i] >= '0' && s[i] <= '9')
			return best;
	return n;
}

static int cut_line(const nb_line *l, const fhead *h, size_t nh, nb_lines *out)
{
	const char *s = l->text;
	/* What comes before the first heading stays one line: the page's
	 * breadcrumbs, title and metadata run into the intro there, and
	 * facts.c reads them as a crawler leaves them. */
	size_t before = out->n;
	int rc = push(out, s, h[0].at);

	if (rc == 0 && out->n > before)
		out->v[out->n - 1].flags |= NB_LF_FLATHEAD;

	for (size_t k = 0; k < nh && rc == 0; k++) {
		size_t body = h[k].end, stop = k + 1 < nh ? h[k + 1].at : l->len;
		if ((rc = push(out, s + h[k].at, h[k].end - h[k].at)) < 0)
			break;
		size_t t = body + table_start(s + body, stop - body, h[k].canon);
		if ((rc = push_prose(out, s + body, t - body)) == 0 && t < stop)
			rc = push_table(out, s + t, stop - t);
	}
	return rc;
}

static int split_article(nb_lines *ls, bool *flat)
{
	nb_lines out = { 0 };
	fhead h[16];
	int rc = 0;

	size_t total = 0, first = ls->n, first_nh = 0;
	*flat = false;
	for (size_t k = 0; k < ls->n; k++)
		total += ls->v[k].len;
	/* Most texts hold no article: known before copying every line.  The
	 * first line that holds one keeps its headings in h for the copy
	 * (find_heads is most of the stage for a flattened page). */
	for (size_t k = 0; k < ls->n && first == ls->n; k++) {
		size_t ncanon = 0;
		if (ls->v[k].len * 2 >= total) {
			size_t nh = find_heads(ls->v[k].text, ls->v[k].len, h, 16, &ncanon);
			if (ncanon >= MIN_HEADINGS) {
				first = k;
				first_nh = nh;
			}
		}
	}
	if (first == ls->n)
		return 0;
	for (size_t k = 0; k < ls->n && rc == 0; k++) {
		const nb_line *l = &ls->v[k];
		size_t ncanon = 0, nh = 0;
		/* The article is most of the page; a sentence that lists the
		 * headings (本报告包括一、总体情况；二、…) is not.  The lines
		 * before the first article were found to hold none. */
		if (k == first) {
			nh = first_nh;
			ncanon = MIN_HEADINGS;
		} else if (k > first && l->len * 2 >= total) {
			nh = find_heads(l->text, l->len, h, 16, &ncanon);
		}
		if (ncanon >= MIN_HEADINGS) {
			*flat = true;
			rc = cut_line(l, h, nh, &out);
		} else if (!nb_lines_push(&out, l->text, l->len)) {
			rc = -ENOMEM;
		} else {
			out.v[out.n - 1].flags = l->flags;
		}
	}
	if (rc < 0 || !*flat) {
		nb_lines_free(&out);
		*flat = false;
		return rc;
	}
	nb_lines_free(ls);
	*ls = out;
	return 0;
}

int nb_flat_split(nb_lines *ls, bool *flat)
{
	nb_lines joined;
	bool any;
	int rc = split_article(ls, flat);

	if (rc < 0 || *flat)
		return rc;
	/* the article may have been hard-wrapped after the crawler saved it */
	if ((rc = nb_flat_unwrap(ls, &joined, &any)) < 0)
		return rc;
	if (any && (rc = split_article(&joined, flat)) == 0 && *flat) {
		nb_lines_free(ls);
		*ls = joined;
		return 0;
	}
	nb_lines_free(&joined);
	return rc;
}
