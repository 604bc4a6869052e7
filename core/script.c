/*
 * script.c — Traditional -> Simplified with OpenCC's t2s converter.
 *
 * OpenCC changes a handful of characters even in Simplified text (variant
 * forms, phrase entries), so converting everything would alter reports
 * that were never Traditional.  We convert, count the Han code points that
 * changed, and only call the text Traditional when that share is well
 * above what Simplified text shows.
 *
 * Converting costs most of a parse, so it is skipped when it cannot make
 * the text Traditional: we learn which characters t2s changes (by
 * converting each once, one a line), and a text whose changeable
 * characters are too few for the threshold is Simplified without
 * converting it.  The verdict is the same either way: t2s maps characters
 * one to one, so it changes at most the changeable ones.
 *
 * Learning is lazy: a character is converted the first time a text that
 * might be Traditional holds it, and counted as changeable until then.
 * Learning all 28,096 BMP Han characters at open cost 242 M instructions
 * (8,600 a character) in every parser, i.e. every worker of a build, where
 * 300 generated reports hold about 600 of them.  OpenCC converts each line
 * of one character alone (no dictionary entry holds a newline), so a
 * character learnt in any batch gets the verdict it gets in any other.
 * A text that may be Traditional is converted run by run, each distinct
 * run once a parser (t2s.c).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <opencc/opencc.h>

#include "internal.h"
#include "t2s.h"

/*
 * Share of Han code points t2s changes, from which a text is Traditional.
 * Measured: the four Simplified seeds and the Simplified real reports
 * (PDF text, OCR Markdown, HTML) change none of their 1,800-4,800 Han
 * characters; the Traditional seed (004) changes 34% (995 of 2,916), since
 * common characters (的, 一, 在, 人...) are the same in both scripts.  5%
 * keeps a wide margin on both sides.
 */
#define NB_TRAD_SHARE 0.05
/* Below this many Han characters there is too little to judge. */
#define NB_TRAD_MIN_HAN 4

/* The system's t2s.json by absolute path (the Makefile finds it): a bare
 * "t2s.json" would be looked up in the working directory first. */
#ifndef NB_OPENCC_T2S
#define NB_OPENCC_T2S "/usr/share/opencc/t2s.json"
#endif

static size_t line_end(const char *s, size_t n, size_t i);

/* Characters t2s changes only inside a phrase, never alone: from OpenCC
 * 1.1's TSPhrases (every entry's changed characters that TSCharacters
 * keeps); the others are learnt. */
static const char phrase_only[] = "么俱彷沈牴瞭藉衹覆";

/* The BMP's Han blocks (as nb_is_han); Han beyond the BMP is rare and
 * always counted as changeable. */
static const uint32_t bmp_han[][2] = {
	{0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xF900, 0xFAFF},
};

/* What is known of a BMP code point, one byte each: every text is counted,
 * and one load per character tells all the count needs. */
enum {
	CP_OTHER,	/* no Han: never counted */
	CP_FIXED,	/* Han that t2s leaves alone */
	CP_CHANGES,	/* Han that t2s may change */
	CP_UNKNOWN,	/* Han not learnt yet: counted as changeable */
};

struct nb_script {
	opencc_t cc;
	nb_t2s *runs;		/* what this script has converted (t2s.c) */
	uint8_t state[0x10000];	/* CP_* of each BMP code point */
	uint32_t *learning;	/* the characters of one batch */
	size_t cap;
};

/* Converts s->learning[0..n) (BMP characters), one a line, and marks
 * those that change.  When the answer cannot be read line for line, every
 * character is marked: always converting is slower, never wrong. */
static int learn(nb_script *s, size_t n)
{
	char *in = malloc(n * 4);	/* 3 bytes and a newline each */

	if (!in)
		return -ENOMEM;
	size_t len = 0;
	for (size_t k = 0; k < n; k++) {
		len += nb_utf8_put(s->learning[k], in + len);
		in[len++] = '\n';
	}
	char *out = opencc_convert_utf8(s->cc, in, len);
	if (!out || out == (char *)-1) {
		free(in);
		return -ENOMEM;
	}
	size_t on = strlen(out), i = 0, j = 0;
	bool in_step = true;
	for (size_t k = 0; k < n && in_step; k++) {
		size_t x = i;
		uint32_t a = nb_utf8_next(in, len, &x);
		size_t ea = line_end(in, len, i), eb = line_end(out, on, j);
		size_t y = j;
		uint32_t c = j < on ? nb_utf8_next(out, eb, &y) : 0;
		if (x != ea || y != eb)
			in_step = false;	/* not one character a line */
		else
			s->state[a] = a != c ? CP_CHANGES : CP_FIXED;
		i = ea + 1;
		j = eb + 1;
	}
	opencc_convert_utf8_free(out);
	free(in);
	if (!in_step)
		for (size_t cp = 0; cp < 0x10000; cp++)
			if (s->state[cp] != CP_OTHER)
				s->state[cp] = CP_CHANGES;
	return 0;
}

int nb_script_open(nb_script **out, const char **err)
{
	nb_script *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s) {
		if (err)
			*err = "out of memory";
		return -ENOMEM;
	}
	if (nb_t2s_new(&s->runs)) {
		if (err)
			*err = "out of memory";
		free(s);
		return -ENOMEM;
	}
	s->cc = opencc_open(NB_OPENCC_T2S);
	if (s->cc == (opencc_t)-1 || s->cc == NULL) {
		if (err)
			*err = opencc_error();
		nb_t2s_free(s->runs);
		free(s);
		return -ENOENT;
	}
	/* Only Han is ever asked about; the BMP's Han is to be learnt. */
	for (size_t b = 0; b < sizeof bmp_han / sizeof *bmp_han; b++)
		for (uint32_t cp = bmp_han[b][0]; cp <= bmp_han[b][1]; cp++)
			s->state[cp] = CP_UNKNOWN;
	for (size_t k = 0; k < sizeof phrase_only - 1;) {
		uint32_t cp = nb_utf8_next(phrase_only, sizeof phrase_only - 1, &k);

		s->state[cp] = CP_CHANGES;
	}
	*out = s;
	return 0;
}

void nb_script_close(nb_script *s)
{
	if (!s)
		return;
	opencc_close(s->cc);
	nb_t2s_free(s->runs);
	free(s->learning);
	free(s);
}

/* End of the line starting at s[i] (index of its '\n', or n). */
static size_t line_end(const char *s, size_t n, size_t i)
{
	const char *nl = memchr(s + i, '\n', n - i);

	return nl ? (size_t)(nl - s) : n;
}

/*
 * Counts the Han code points of a[0..na) and those t2s changed, comparing
 * a with its conversion b line by line.  A line whose code point count
 * changed (a phrase conversion of another length) counts as changed in
 * whole; that is rare and only strengthens a Traditional verdict.
 */
static void count_changes(const char *a, size_t na, const char *b, size_t nb,
			  size_t *han, size_t *changed)
{
	size_t i = 0, j = 0;

	*han = *changed = 0;
	while (i < na || j < nb) {
		size_t ea = line_end(a, na, i), eb = line_end(b, nb, j);
		bool same_len = nb_utf8_count(a + i, ea - i) ==
				nb_utf8_count(b + j, eb - j);
		size_t x = i, y = j;

		while (x < ea) {
			uint32_t ca = nb_utf8_next(a, ea, &x);
			uint32_t cb = same_len && y < eb ?
				      nb_utf8_next(b, eb, &y) : 0;

			if (!nb_is_han(ca))
				continue;
			(*han)++;
			if (!same_len || ca != cb)
				(*changed)++;
		}
		i = ea < na ? ea + 1 : na;
		j = eb < nb ? eb + 1 : nb;
		if (ea == na && eb == nb)
			break;
	}
}

/* May t2s change code point c?  True for Han not learnt yet; only Han is
 * asked about (the state of any other is CP_OTHER). */
static bool changeable(const nb_script *s, uint32_t c)
{
	return c >= 0x10000 ? nb_is_han(c) : s->state[c] >= CP_CHANGES;
}

/* Counts the Han code points of text and those t2s may change.  The
 * characters not learnt yet count as changeable; only when that is enough
 * to reach the threshold are they learnt, and counted again. */
static int count_changeable(nb_script *s, const char *text, size_t len,
			    size_t *han, size_t *may_change)
{
	/* how many code points of each CP_* state: one add a character */
	size_t count[CP_UNKNOWN + 1] = {0}, n = 0;

	for (size_t i = 0; i < len;) {
		const unsigned char *u = (const unsigned char *)text + i;

		/* A byte below E3 starts no Han character (U+3400 is E3 90 80),
		 * and stepping over it one byte at a time reaches every place
		 * nb_utf8_next would: what it reads from there has, past its
		 * first byte, only continuation bytes, below E3 too.  Every
		 * text is counted, and many of its bytes are such. */
		if (u[0] < 0xE3) {
			i = nb_skip_ascii8(text, len, i + 1);
			continue;
		}
		/* Three bytes led by E3..EF (Han, and the CJK and fullwidth
		 * punctuation between it) read as nb_utf8_next's own fast
		 * path reads them, here without a call's stores. */
		if (u[0] < 0xF0 && len - i >= 3) {
			uint32_t b1 = u[1] ^ 0x80u, b2 = u[2] ^ 0x80u;

			if ((b1 | b2) < 0x40) {
				count[s->state[(uint32_t)(u[0] & 0x0F) << 12 | b1 << 6 | b2]]++;
				i += 3;
				continue;
			}
		}
		uint32_t c = nb_utf8_next(text, len, &i);

		if (c >= 0x10000)
			count[nb_is_han(c) ? CP_CHANGES : CP_OTHER]++;
		else
			count[s->state[c]]++;
	}
	size_t unknown = count[CP_UNKNOWN];

	*may_change = count[CP_CHANGES] + unknown;
	*han = count[CP_FIXED] + *may_change;
	if (unknown == 0 || *han < NB_TRAD_MIN_HAN ||
	    (double)*may_change < NB_TRAD_SHARE * *han)
		return 0;

	/* The distinct characters not known, each taken once (marked fixed
	 * as it is taken, until learnt; unknown again if learning fails). */
	for (size_t i = 0; i < len;) {
		uint32_t c = nb_utf8_next(text, len, &i);

		if (c >= 0x10000 || s->state[c] != CP_UNKNOWN)
			continue;
		if (n == s->cap) {
			size_t cap = s->cap ? 2 * s->cap : 1024;
			uint32_t *v = realloc(s->learning, cap * sizeof *v);

			if (!v) {
				for (size_t k = 0; k < n; k++)
					s->state[s->learning[k]] = CP_UNKNOWN;
				return -ENOMEM;
			}
			s->learning = v;
			s->cap = cap;
		}
		s->learning[n++] = c;
		s->state[c] = CP_FIXED;
	}
	int rc = learn(s, n);
	if (rc < 0) {
		for (size_t k = 0; k < n; k++)
			s->state[s->learning[k]] = CP_UNKNOWN;
		return rc;
	}
	*may_change = 0;
	for (size_t i = 0; i < len;) {
		uint32_t c = nb_utf8_next(text, len, &i);

		*may_change += changeable(s, c);
	}
	return 0;
}

int nb_script_t2s(nb_script *s, const char *text, size_t len,
		  char **simplified, size_t *outlen)
{
	int rc;

	*simplified = NULL;
	*outlen = 0;
	if (len == 0)
		return 0;

	/* As many changes as changeable characters, at most: too few to
	 * reach the threshold means Simplified, without converting. */
	size_t han = 0, may_change = 0;
	if ((rc = count_changeable(s, text, len, &han, &may_change)) < 0)
		return rc;
	if (han < NB_TRAD_MIN_HAN || (double)may_change < NB_TRAD_SHARE * han)
		return 0;

	char *conv;
	size_t clen, changed;
	if ((rc = nb_t2s_convert(s->runs, s->cc, text, len, &conv, &clen)))
		return rc;
	count_changes(text, len, conv, clen, &han, &changed);
	if (han < NB_TRAD_MIN_HAN || (double)changed < NB_TRAD_SHARE * han) {
		free(conv);
		return 0;
	}
	*simplified = conv;
	*outlen = clen;
	return 0;
}
