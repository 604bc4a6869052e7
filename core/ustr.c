/*
 * ustr.c — UTF-8, and the fuzzy label matching every part of the core leans
 * on (byte buffers: buf.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- UTF-8 ----------------------------------------------------------------- */

/* The sequences nb_utf8_next does not decode inline: two and four bytes,
 * and invalid ones. */
uint32_t nb_utf8_next_rest(const char *str, size_t n, size_t *i)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t p = *i;
	unsigned char c = s[p];
	uint32_t cp;
	size_t len;

	if ((c & 0xE0) == 0xC0) {
		cp = c & 0x1F;
		len = 2;
	} else if ((c & 0xF0) == 0xE0) {
		cp = c & 0x0F;
		len = 3;
	} else if ((c & 0xF8) == 0xF0) {
		cp = c & 0x07;
		len = 4;
	} else {
		*i = p + 1;
		return 0xFFFD;
	}
	if (p + len > n) {
		*i = p + 1;
		return 0xFFFD;
	}
	for (size_t k = 1; k < len; k++) {
		if ((s[p + k] & 0xC0) != 0x80) {
			*i = p + 1;
			return 0xFFFD;
		}
		cp = (cp << 6) | (s[p + k] & 0x3F);
	}
	*i = p + len;
	return cp;
}

size_t nb_utf8_count(const char *s, size_t n)
{
	size_t i = 0, count = 0;

	while (i < n) {
		nb_utf8_next(s, n, &i);
		count++;
	}
	return count;
}

/* Where the character that ends at e (a character boundary, e > 0) begins,
 * and what it is, as nb_utf8_next reads it going forward: a byte that is not
 * a continuation byte always starts a character there, so the nearest such
 * byte before e starts this one, unless it does not reach exactly e, and
 * then the last byte is a character of its own (U+FFFD). */
static uint32_t utf8_prev(const char *s, size_t n, size_t e, size_t *start)
{
	size_t q = e - 1;

	while (q > 0 && e - q < 4 && ((unsigned char)s[q] & 0xC0) == 0x80)
		q--;
	size_t i = q;
	uint32_t cp = nb_utf8_next(s, n, &i);
	if (i == e) {
		*start = q;
		return cp;
	}
	*start = e - 1;
	return 0xFFFD;
}

/* Spaces are looked for only at both ends: a line is read once, not twice. */
void nb_trim_rest(const char *s, size_t n, size_t *start, size_t *end)
{
	size_t i = 0, a = n, b = 0;

	if (n > 0 && !nb_may_begin_space(s, n)) {
		a = 0;
		nb_utf8_next(s, n, &i);
	}
	while (a == n && i < n) {
		size_t at = i;
		unsigned char c = (unsigned char)s[i];
		/* ASCII, its own code point: most of an indentation */
		if (c < 0x80) {
			i++;
			if (c == ' ' || (c >= '\t' && c <= '\r'))
				continue;
			a = at;
			break;
		}
		if (!nb_is_space(nb_utf8_next(s, n, &i))) {
			a = at;
			break;
		}
	}
	if (a == n) {
		*start = *end = 0;
		return;
	}
	b = n;
	if (!nb_may_end_space(s, n)) {
		*start = a;
		*end = b;
		return;
	}
	while (b > i) {
		size_t from;
		unsigned char c = (unsigned char)s[b - 1];
		if (c < 0x80) {		/* ASCII, as utf8_prev reads it */
			if (c != ' ' && (c < '\t' || c > '\r'))
				break;
			b--;
			continue;
		}
		if (!nb_is_space(utf8_prev(s, n, b, &from)))
			break;
		b = from;
	}
	*start = a;
	*end = b;
}

/* ---- matching keys ----------------------------------------------------------- */

/* Punctuation that never distinguishes two labels: brackets, quotes, list
 * punctuation and dashes of both widths. */
static bool is_key_noise(uint32_t cp)
{
	if (cp >= 0x4E00 && cp <= 0x9FFF)	/* Han, most of every key */
		return false;
	if (nb_is_space(cp))
		return true;
	if (cp < 0x80)
		return cp < '0' || (cp > '9' && cp < 'A') || (cp > 'Z' && cp < 'a') ||
		       (cp > 'z');
	switch (cp) {
	case 0x3001: case 0x3002: case 0x300A: case 0x300B: case 0x300C:
	case 0x300D: case 0x300E: case 0x300F: case 0x3010: case 0x3011:
	case 0x3014: case 0x3015: case 0x2018: case 0x2019: case 0x201C:
	case 0x201D: case 0x2014: case 0x2013: case 0x2015: case 0x2026:
	case 0x00B7: case 0x30FB: case 0x2022: case 0xFF5C:
		return true;
	default:
		return false;
	}
}

size_t nb_key(const char *s, size_t n, uint32_t *out, size_t cap)
{
	size_t i = 0, k = 0;

	while (i < n) {
		/* U+4000..U+9FFF (most of a label): no noise, nothing to
		 * fold, kept without the tests below */
		uint32_t han = nb_utf8_han(s, n, i);
		if (han) {
			if (k < cap)
				out[k] = han;
			k++;
			i += 3;
			continue;
		}
		uint32_t cp = nb_halfwidth(nb_utf8_next(s, n, &i));
		if (is_key_noise(cp))
			continue;
		if (k < cap)
			out[k] = cp;
		k++;
	}
	return k;
}

/*
 * Sellers' algorithm: edit distance of key against the best-matching
 * substring of text, one row of the DP kept.  Only keys longer than a
 * machine word come here (see nb_fuzzy_find), so the row is on the heap.
 */
static double fuzzy_rows(const uint32_t *key, size_t nkey,
			 const uint32_t *text, size_t ntext, size_t *end)
{
	size_t *col = malloc((nkey + 1) * sizeof *col);
	size_t best = nkey, best_end = 0;

	if (!col)
		return 0.0;
	for (size_t i = 0; i <= nkey; i++)
		col[i] = i;
	for (size_t j = 0; j < ntext; j++) {
		size_t diag = col[0];	/* col[0] stays 0: a match may start anywhere */
		for (size_t i = 1; i <= nkey; i++) {
			size_t up = col[i];
			size_t v = diag + (key[i - 1] == text[j] ? 0 : 1);
			if (up + 1 < v)
				v = up + 1;
			if (col[i - 1] + 1 < v)
				v = col[i - 1] + 1;
			diag = up;
			col[i] = v;
		}
		if (col[nkey] < best) {
			best = col[nkey];
			best_end = j + 1;
		}
	}
	free(col);
	if (end)
		*end = best_end;
	return 1.0 - (double)best / (double)nkey;
}

/* A code point's bit in nb_key_bits' set. */
static unsigned key_slot(uint32_t cp)
{
	return (cp * 2654435761u) >> 26;
}

static uint64_t key_bit(uint32_t cp)
{
	return (uint64_t)1 << key_slot(cp);
}

/*
 * The same distances as fuzzy_rows, a whole DP column per text character
 * in a few word operations (Myers 1999, in Hyyrö's formulation for
 * searching): the parser matches every printed row against every template
 * row, and this was a quarter of its time.  The key's eq table maps a
 * character to the key positions holding it: open addressing, twice the
 * key's size.  Template keys are prepared once (nb_tkey), not per search.
 */
/* Where c's slot is in a prepared key's table: its own, or the empty one
 * it would take. */
static inline size_t slot_of(const uint32_t *ch, const uint64_t *eq,
			     size_t mask, uint32_t c)
{
	size_t h = (c * 2654435761u) & mask;
	while (eq[h] && ch[h] != c)
		h = (h + 1) & mask;
	return h;
}

static inline bool prepare(nb_fuzzy_key *f, const uint32_t *key, size_t nkey)
{
	size_t slots = 8;

	f->nkey = 0;
	if (nkey == 0 || nkey > 64)
		return false;
	while (slots < 2 * nkey)
		slots *= 2;

	size_t mask = slots - 1;	/* a local: f->ch[] is written below */
	uint32_t *ch = f->ch;
	uint64_t *eq = f->eq;

	memset(eq, 0, slots * sizeof eq[0]);
	for (size_t i = 0; i < nkey; i++) {
		uint32_t c = key[i];
		size_t h = slot_of(ch, eq, mask, c);
		ch[h] = c;
		eq[h] |= (uint64_t)1 << i;
	}
	f->mask = (uint32_t)mask;
	f->nkey = (uint32_t)nkey;
	return true;
}

static inline double search(const nb_fuzzy_key *f, const uint32_t *text, size_t ntext,
			    size_t *end)
{
	const uint32_t *ch = f->ch;
	const uint64_t *eq = f->eq;
	size_t mask = f->mask, nkey = f->nkey;
	uint64_t high = (uint64_t)1 << (nkey - 1);
	uint64_t pv = ~(uint64_t)0, mv = 0;
	size_t score = nkey, best = nkey, best_end = 0;

	for (size_t j = 0; j < ntext; j++) {
		uint64_t e = eq[slot_of(ch, eq, mask, text[j])];
		uint64_t xv = e | mv;
		uint64_t xh = (((e & pv) + pv) ^ pv) | e;
		uint64_t ph = mv | ~(xh | pv);
		uint64_t mh = pv & xh;
		if (ph & high)
			score++;
		else if (mh & high)
			score--;
		ph <<= 1;	/* row 0 stays 0: a match may start anywhere */
		mh <<= 1;
		pv = mh | ~(xv | ph);
		mv = ph & xv;
		if (score < best) {
			best = score;
			best_end = j + 1;
		}
	}
	if (end)
		*end = best_end;
	return 1.0 - (double)best / (double)nkey;
}

/* The bits are made here, not in prepare: nb_fuzzy_find has no use for
 * them. */
bool nb_fuzzy_prepare(nb_fuzzy_key *f, const uint32_t *key, size_t nkey)
{
	if (!prepare(f, key, nkey))
		return false;
	f->bits = 0;
	for (size_t i = 0; i < nkey; i++) {
		f->bit[i] = (uint8_t)key_slot(key[i]);
		f->bits |= (uint64_t)1 << f->bit[i];
	}
	return true;
}

double nb_fuzzy_prepared(const nb_fuzzy_key *f, const uint32_t *text, size_t ntext,
			 size_t *end)
{
	if (!f->nkey)	/* not prepared: search's top bit would be bit -1 */
		return 0.0;
	return search(f, text, ntext, end);
}

double nb_fuzzy_find(const uint32_t *key, size_t nkey,
		     const uint32_t *text, size_t ntext, size_t *end)
{
	nb_fuzzy_key f;

	if (nkey == 0)
		return 0.0;
	if (prepare(&f, key, nkey))
		return search(&f, text, ntext, end);
	return fuzzy_rows(key, nkey, text, ntext, end);
}

uint64_t nb_key_bits(const uint32_t *text, size_t ntext)
{
	uint64_t bits = 0;

	for (size_t i = 0; i < ntext; i++)
		bits |= key_bit(text[i]);
	return bits;
}

bool nb_key_in(const uint32_t *key, size_t nkey, const uint32_t *text, size_t ntext)
{
	if (nkey >= 1000)
		return nb_fuzzy_find(key, nkey, text, ntext, NULL) >= 0.999;
	if (nkey == 0 || nkey > ntext)
		return false;
	for (size_t i = 0; i + nkey <= ntext; i++)
		if (text[i] == key[0] && !memcmp(text + i, key, nkey * sizeof *key))
			return true;
	return false;
}

size_t nb_fuzzy_absent(const nb_fuzzy_key *f, uint64_t text_bits)
{
	size_t absent = 0;

	/* every bit in the text (a wording printed whole): none to count */
	if (!(f->bits & ~text_bits))
		return 0;
	for (size_t i = 0; i < f->nkey; i++)
		absent += !(text_bits >> f->bit[i] & 1);
	return absent;
}

/* ---- lines ------------------------------------------------------------------- */

/*
 * A report's lines were a tenth of the parser's allocations, one each;
 * their texts (and an HTML row's cells) are taken from the list's arena
 * (arena.c), freed with the list.
 */
static nb_arena *lines_mem(nb_lines *ls)
{
	if (!ls->texts && nb_arena_new(&ls->texts))
		return NULL;
	return ls->texts;
}

char *nb_lines_strndup(nb_lines *ls, const char *s, size_t n)
{
	nb_arena *a = lines_mem(ls);

	return a ? nb_arena_strndup(a, s, n) : NULL;
}

void *nb_lines_calloc(nb_lines *ls, size_t n, size_t size)
{
	nb_arena *a = lines_mem(ls);

	return a ? nb_arena_calloc(a, n, size) : NULL;
}

nb_line *nb_lines_push(nb_lines *ls, const char *text, size_t len)
{
	nb_line *v = nb_grow(ls->v, &ls->cap, ls->n + 1, sizeof *v, 256);
	if (!v)
		return NULL;
	ls->v = v;
	char *t = nb_lines_strndup(ls, text, len);
	if (!t)
		return NULL;
	nb_line *l = &ls->v[ls->n++];
	memset(l, 0, sizeof *l);
	l->text = t;
	l->len = len;
	return l;
}

void nb_lines_free(nb_lines *ls)
{
	/* an HTML row's cells and their texts are in the arena too */
	free(ls->v);
	nb_arena_free(ls->texts);
	ls->texts = NULL;
	ls->v = NULL;
	ls->n = ls->cap = 0;
}
