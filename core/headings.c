/*
 * headings.c — what a section heading looks like: its number (一、 二、 …,
 * 第一部分, or 1. before a standard section's name), a short name, and the
 * standard section that name reads as, whatever its wording.
 */
#include <string.h>
#include <uchar.h>

#include "headings.h"

/* Longest heading name, in code points; a longer line is prose. */
#define NAME_MAX_CP 40
/* How well a name must match a canonical heading to count as it. */
#define CANON_MIN 0.8
/* How well a heading numbered in digits (1. 总体情况) must match one: these
 * numbers open list items and table rows too, so only a near-exact name
 * makes one a heading. */
#define ARABIC_MIN 0.9

static const char *const canonical_names[7] = {
	NULL,
	"总体情况",
	"主动公开政府信息情况",
	"收到和处理政府信息公开申请情况",
	"政府信息公开行政复议、行政诉讼情况",
	"存在的主要问题及改进情况",
	"其他需要报告的事项",
};

/*
 * The wordings seen for each canonical heading (report-format.md), as the
 * matching keys nb_key makes of them.  They are Han characters only, so
 * each is its own key, written as UTF-32 to be matched as it is: making
 * their keys anew for every candidate heading was most of classifying it.
 */
#define V(w) { w, sizeof w / sizeof w[0] - 1 }	/* a wording and its length */
static const struct {
	const char32_t *key;
	size_t n;
} variants[7][NB_HEAD_VARIANTS] = {
	{ { NULL, 0 } },
	{ V(U"总体情况"), V(U"基本情况"), V(U"概述") },
	{ V(U"主动公开政府信息情况"), V(U"主动公开政府信息的情况"), V(U"主动公开情况") },
	{ V(U"收到和处理政府信息公开申请情况"), V(U"收到和处理政府信息公开申请的情况"),
	  V(U"依申请公开政府信息情况"), V(U"依申请公开情况"), V(U"政府信息公开申请情况") },
	{ V(U"政府信息公开行政复议行政诉讼情况"),
	  V(U"因政府信息公开工作被申请行政复议和提起行政诉讼情况"),
	  V(U"行政复议行政诉讼情况"), V(U"行政复议和行政诉讼情况") },
	{ V(U"存在的主要问题及改进情况"), V(U"存在的主要问题及整改措施"),
	  V(U"存在的主要问题和改进情况"), V(U"存在的主要问题及改进措施"),
	  V(U"存在的问题及改进措施"), V(U"主要问题及改进情况") },
	{ V(U"其他需要报告的事项"), V(U"其他需要报告事项") },
};
#undef V

/* char32_t is the uint32_t of the keys (glibc: both unsigned int). */
_Static_assert(_Generic((const char32_t *)0, const uint32_t *: 1, default: 0),
	       "char32_t is not uint32_t");

size_t nb_section_variant(int canonical, size_t k, const uint32_t **key)
{
	if (canonical < 1 || canonical > 6 || k >= NB_HEAD_VARIANTS ||
	    !variants[canonical][k].key)
		return 0;
	*key = variants[canonical][k].key;
	return variants[canonical][k].n;
}

/* Labels of table 3's rows that start with a section's numeral. */
static const char *const table_labels[] = {
	"本年新收", "上年结转", "本年度办理结果", "结转下年度",
};

static const uint32_t numerals[] = {
	0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94, 0x516D, 0x4E03, 0x516B, 0x4E5D,
};
#define TEN 0x5341

static int digit_of(uint32_t cp)
{
	/* the numerals lie in 一 (U+4E00) … 四 (U+56DB): most characters
	 * asked, a line's first, are turned away without the search */
	if (cp < 0x4E00 || cp > 0x56DB)
		return 0;
	for (int k = 0; k < 9; k++)
		if (numerals[k] == cp)
			return k + 1;
	return cp == TEN ? 10 : 0;
}

/*
 * A Chinese number 一 … 二十 at s[*i]; advances *i past it.  0 when none.
 */
static int numeral_at(const char *s, size_t n, size_t *i)
{
	size_t k = *i, save;
	int v = k < n ? digit_of(nb_utf8_next(s, n, &k)) : 0;

	if (!v)
		return 0;
	/* 二十, 二十三: tens, then units; 十一: ten, then units. */
	if (v < 10) {
		save = k;
		if (k < n && digit_of(nb_utf8_next(s, n, &k)) == 10)
			v *= 10;
		else
			k = save;
	}
	if (v >= 10) {
		save = k;
		int u = k < n ? digit_of(nb_utf8_next(s, n, &k)) : 0;
		if (u && u < 10)
			v += u;
		else
			k = save;
	}
	*i = k;
	return v <= 20 ? v : 0;
}

/*
 * 第一部分, 第二部分 … at s[*i] (an optional separator after it is the
 * caller's); advances *i past it.  0 when none.
 */
static int part_at(const char *s, size_t n, size_t *i)
{
	static const char di[] = "\xe7\xac\xac", part[] = "\xe9\x83\xa8\xe5\x88\x86";
	size_t k = *i;

	if (n - k < 3 || memcmp(s + k, di, 3))
		return 0;
	k += 3;
	int v = numeral_at(s, n, &k);
	if (!v || n - k < 6 || memcmp(s + k, part, 6))
		return 0;
	*i = k + 6;
	return v;
}

/* A section number in digits, 1 … 20, either width, at s[*i], followed by
 * . 、 ． or a space; advances *i past the digits.  0 when none. */
static int arabic_at(const char *s, size_t n, size_t *i)
{
	size_t k = *i, at;
	int v = 0, digits = 0;

	for (;;) {
		at = k;
		if (k >= n)
			return 0;
		uint32_t cp = nb_halfwidth(nb_utf8_next(s, n, &k));
		if (cp < '0' || cp > '9') {
			k = at;
			break;
		}
		v = v * 10 + (int)(cp - '0');
		if (++digits > 2)
			return 0;
	}
	if (!digits || v < 1 || v > 20)
		return 0;
	if (k >= n)
		return 0;
	size_t j = k;
	uint32_t sep = nb_halfwidth(nb_utf8_next(s, n, &j));
	if (sep != '.' && sep != 0x3001 && !nb_is_space(sep))
		return 0;
	/* 1.5 is a number, not a heading */
	if (sep == '.' && j < n && s[j] >= '0' && s[j] <= '9')
		return 0;
	*i = k;
	return v;
}

/*
 * The best-matching canonical heading: the first to reach the highest
 * similarity over all wordings.  A wording whose bound (nb_fuzzy_absent)
 * cannot beat the best so far, or cannot reach min, is not searched.  A
 * wording skipped for min is no wording that reaches the highest
 * similarity when that is min or more, so the answer is the same then.
 */
int nb_heading_classify(const nb_fuzzy_key *hk, const char *name, size_t len, double min,
			double *score)
{
	uint32_t nk[128];
	size_t nn = nb_key(name, len, nk, 128);
	int best = 0;

	*score = 0;
	if (nn > 128 || nn == 0)
		return 0;
	/* A wording found whole scores 1 (no edit; any edit scores less), which
	 * nothing beats: the answer is the first such wording, found by a plain
	 * search before any fuzzy one.  Most headings print a wording whole,
	 * and the fuzzy search of the wordings before it was most of their
	 * classifying.  With min above 1 no wording is searched at all. */
	uint64_t bits = nb_key_bits(nk, nn);
	for (int c = 1; c <= 6 && min <= 1.0; c++) {
		const uint32_t *vk;
		size_t nv;
		for (size_t v = 0; (nv = nb_section_variant(c, v, &vk)) > 0; v++)
			if (!(hk[c * NB_HEAD_VARIANTS + v].bits & ~bits) &&
			    nb_key_in(vk, nv, nk, nn)) {
				*score = 1.0;
				return c;
			}
	}
	for (int c = 1; c <= 6; c++) {
		const uint32_t *vk;
		size_t nv;
		for (size_t v = 0; (nv = nb_section_variant(c, v, &vk)) > 0; v++) {
			const nb_fuzzy_key *k = &hk[c * NB_HEAD_VARIANTS + v];
			/* each of the wording's bits the text lacks is a character
			 * absent at least once: a higher bound, made first from the
			 * sets alone */
			double high = 1.0 - (double)__builtin_popcountll(k->bits & ~bits) / (double)nv;
			if (high <= *score || high < min)
				continue;
			double bound = 1.0 - (double)nb_fuzzy_absent(k, bits) / (double)nv;
			if (bound <= *score || bound < min)
				continue;
			double s = nb_fuzzy_prepared(k, nk, nn, NULL);
			if (s > *score) {
				*score = s;
				best = c;
			}
		}
	}
	return *score >= CANON_MIN ? best : 0;
}

/* Whitespace-separated tokens that are plain numbers (a table row's). */
static size_t number_tokens(const char *s, size_t n)
{
	size_t i = 0, count = 0;

	while (i < n) {
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		size_t a = i;
		bool num = true;
		while (i < n && s[i] != ' ' && s[i] != '\t') {
			char c = s[i];
			if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == ','))
				num = false;
			i++;
		}
		if (i > a && num)
			count++;
	}
	return count;
}

/* Whether s[0..n) holds one of the code points of want[0..nwant): one
 * pass for all (a heading is asked for the stops of a sentence). */
static bool has_cp(const char *s, size_t n, const uint32_t *want, size_t nwant)
{
	size_t i = 0;

	while (i < n) {
		uint32_t cp = nb_utf8_next(s, n, &i);
		for (size_t k = 0; k < nwant; k++)
			if (cp == want[k])
				return true;
	}
	return false;
}

/* A stop that may end a heading's name: 。 ： : */
static size_t name_stop(const char *s, size_t a, size_t e)
{
	size_t i = a;

	while (i < e) {
		size_t at = i;
		uint32_t cp = nb_utf8_next(s, e, &i);
		if (cp == 0x3002 || cp == 0xFF1A || cp == ':')
			return at;
	}
	return e;
}

/*
 * Whether line l opens with a section heading: a numeral 一 … 二十 (or
 * 第一部分, or 1 … 20 before a standard section's name) and 、 ． . ， or a
 * space, then a short name, in l->text[*na, *ne).  A
 * canonical heading may go on with the section's first sentence
 * ("一、总体情况。2019年，…"): the name ends at the stop.  The name's
 * classification goes to *canon and *score: made once, where the checks
 * below made it already.
 */
int nb_heading_at(const nb_fuzzy_key *hk, const nb_line *l, size_t *na, size_t *ne,
		  int *canon, double *score)
{
	const char *s = l->text;
	size_t a, e, i;
	int c = 0;		/* the name's classification, once made */
	double cs = 0;
	bool classified = false;

	nb_trim(s, l->len, &a, &e);
	while (a < e && (s[a] == '#' || s[a] == '*' || s[a] == ' '))
		a++;
	while (e > a && s[e - 1] == '*')
		e--;
	if (a >= e)
		return 0;
	i = a;
	bool arabic = false, part = false;
	int num = numeral_at(s, e, &i);
	if (!num && (num = part_at(s, e, &i)) > 0)
		part = true;
	if (!num && (num = arabic_at(s, e, &i)) > 0)
		arabic = true;
	/* cells are no heading; asked after the numeral, which most lines
	 * lack, so that only those lines are searched */
	if (!num || memchr(s + a, '|', e - a) || memchr(s + a, '\t', e - a))
		return 0;
	if (i < e) {
		size_t k = i;
		uint32_t p = nb_halfwidth(nb_utf8_next(s, e, &k));
		if (p == 0x3001 || p == '.' || p == ',' || p == 0xFF64 || (part && p == ':'))
			i = k;
		else if (!nb_is_space(p))
			return 0;	/* 一是, 三安全 … */
	}
	nb_trim(s + i, e - i, na, ne);
	*na += i;
	*ne += i;
	size_t stop = name_stop(s, *na, *ne);
	if (stop > *na && stop + 3 < *ne) {
		c = nb_heading_classify(hk, s + *na, stop - *na, 0.9, &cs);
		if (c && cs >= 0.9) {
			*ne = stop;
			classified = true;
			goto found;
		}
	}
	size_t cps = nb_utf8_count(s + *na, *ne - *na);
	if (cps > NAME_MAX_CP)
		return 0;
	/* 1. opens list items and table 3's rows too: as a heading it must
	 * name a section of the standard formats */
	if (arabic) {
		c = nb_heading_classify(hk, s + *na, *ne - *na, ARABIC_MIN, &cs);
		if (!c || cs < ARABIC_MIN)
			return 0;
		classified = true;
	}
	/* a sentence, not a heading: only a final stop is allowed */
	size_t body = *ne - *na;
	if (body >= 3 && !memcmp(s + *ne - 3, "\xe3\x80\x82", 3))
		body -= 3;
	static const uint32_t stops[] = { 0x3002, 0xFF0C, 0xFF1B };	/* 。，； */
	if (has_cp(s + *na, body, stops, 3))
		return 0;
	if (number_tokens(s + *na, *ne - *na) >= 2)
		return 0;
	for (size_t k = 0; k < sizeof table_labels / sizeof *table_labels; k++)
		if (nb_contains(s + *na, *ne - *na, table_labels[k]))
			return 0;
found:
	/* made above with a min, the classification is exact: it reached it */
	if (!classified)
		c = nb_heading_classify(hk, s + *na, *ne - *na, 0, &cs);
	*canon = c;
	*score = cs;
	return num;
}

/* Whether a short line can be the rest of a heading split over two lines:
 * no list marker of its own, no numbers, no sentence. */
bool nb_heading_continues(const char *s, size_t n)
{
	size_t i = 0;
	uint32_t first = nb_halfwidth(nb_utf8_next(s, n, &i));

	if (first == '(' || first == '[' || first == 0x3010 || (first >= '0' && first <= '9') ||
	    digit_of(first) || (first >= 0x2460 && first <= 0x2473))
		return false;
	static const uint32_t stops[] = { 0x3002, 0xFF0C };	/* 。， */
	return number_tokens(s, n) == 0 && !has_cp(s, n, stops, 2);
}

const char *nb_canonical_name(int canonical)
{
	return canonical >= 1 && canonical <= 6 ? canonical_names[canonical] : NULL;
}
