/*
 * util.h — the utility layer under core and index: byte buffers, growable
 * arrays, UTF-8 and character classes.  It knows nothing of reports: its
 * files include only this header and the C library (ustr.c, which also
 * holds the label matching, is the exception until that moves), so index/
 * may use it without seeing the parser's internals.
 *
 *   buf.c     nb_buf, nb_strdup, nb_grow
 *   chars.c   character classes (dashes, digits, numerals, sentence ends)
 *   bytes.c   prefixes, suffixes and substrings of byte strings, a hash
 *   utf8.c    UTF-8 encoding
 *   ustr.c    UTF-8 decoding, spaces and trimming (with the label matching
 *             of internal.h, which needs them on its hot path)
 */
#ifndef NB_UTIL_H
#define NB_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ---- growable byte buffer (buf.c) ---------------------------------- */

typedef struct {
	char *s;		/* always NUL-terminated when non-NULL */
	size_t len, cap;
	bool oom;		/* an allocation failed; every later add is a no-op */
} nb_buf;

/* nb_buf_add when b has no room for n more bytes (or is oom). */
void nb_buf_add_grow(nb_buf *b, const void *s, size_t n);

/* Inline: most adds fit, and the parser adds about a thousand times a
 * report; a string literal's strlen is then a constant. */
static inline void nb_buf_add(nb_buf *b, const void *s, size_t n)
{
	if (b->oom || b->cap - b->len <= n) {
		nb_buf_add_grow(b, s, n);
		return;
	}
	if (n)
		memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static inline void nb_buf_adds(nb_buf *b, const char *s)	/* NULL adds nothing */
{
	if (s)
		nb_buf_add(b, s, strlen(s));
}

static inline void nb_buf_addc(nb_buf *b, char c)
{
	nb_buf_add(b, &c, 1);
}

void nb_buf_addcp(nb_buf *b, uint32_t cp);	/* one code point as UTF-8 */
void nb_buf_printf(nb_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Hands the string over (never NULL unless oom: then NULL and freed). */
char *nb_buf_take(nb_buf *b);
/* Empties b to be filled again, keeping its memory; a failed add before is
 * forgotten (every fill that starts here checks its own oom), so that a
 * buffer reused from item to item needs no freeing after one. */
void nb_buf_reset(nb_buf *b);
void nb_buf_free(nb_buf *b);

char *nb_strndup(const char *s, size_t n);
char *nb_strdup(const char *s);		/* NULL in, NULL out */

/* ---- growable array (buf.c) ------------------------------------------ */

/*
 * The array v (NULL, or capacity *cap elements of size bytes) with room for
 * at least need > 0 elements: its capacity doubled (first from min) and
 * reallocated when need exceeds it, *cap updated.  NULL when out of memory
 * (v is then still valid and *cap unchanged).  The idiom:
 *	T *nv = nb_grow(a->v, &a->cap, a->n + 1, sizeof *nv, 64);
 *	if (!nv)
 *		return -ENOMEM;
 *	a->v = nv;
 */
void *nb_grow_to(void *v, size_t *cap, size_t need, size_t size, size_t min);

/* Inline when there is room (nearly every call: a token, a line): the
 * call was most of adding one. */
static inline void *nb_grow(void *v, size_t *cap, size_t need, size_t size, size_t min)
{
	return need <= *cap ? v : nb_grow_to(v, cap, need, size, min);
}

/* ---- UTF-8 (utf8.c, ustr.c) ----------------------------------------- */

/*
 * Decodes the code point at s[*i] (i < n) and advances *i; an invalid byte
 * comes back as U+FFFD and advances by one.  Every scan of the core calls
 * it once a character (12 million times for 300 reports), so ASCII and the
 * three-byte sequences of Han and CJK punctuation are decoded inline: out
 * of line, the call was a sixth of a parse's instructions.  The other
 * sequences: nb_utf8_next_rest (ustr.c).
 */
uint32_t nb_utf8_next_rest(const char *s, size_t n, size_t *i);

static inline uint32_t nb_utf8_next(const char *str, size_t n, size_t *i)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t p = *i;
	unsigned char c = s[p];

	if (c < 0x80) {
		*i = p + 1;
		return c;
	}
	/* a continuation byte b is b ^ 0x80 < 0x40, and that is its six
	 * bits: both bytes tested at once (most of a report is here) */
	if ((c & 0xF0) == 0xE0 && p + 3 <= n) {
		uint32_t b1 = s[p + 1] ^ 0x80u, b2 = s[p + 2] ^ 0x80u;

		if ((b1 | b2) < 0x40) {
			*i = p + 3;
			return (uint32_t)(c & 0x0F) << 12 | b1 << 6 | b2;
		}
	}
	return nb_utf8_next_rest(str, n, i);
}

/* The character at s[i] when it is one of U+4000..U+9FFF (three bytes led
 * by E4..E9: most of a report, Han), as nb_utf8_next reads it; else 0.
 * For loops that have nothing to ask such a character: they step 3. */
static inline uint32_t nb_utf8_han(const char *str, size_t n, size_t i)
{
	const unsigned char *s = (const unsigned char *)str;

	if ((unsigned)(s[i] - 0xE4) > 0xE9 - 0xE4 || i + 3 > n)
		return 0;

	/* continuation bytes as in nb_utf8_next */
	uint32_t b1 = s[i + 1] ^ 0x80u, b2 = s[i + 2] ^ 0x80u;

	if ((b1 | b2) >= 0x40)
		return 0;
	return (uint32_t)(s[i] & 0x0F) << 12 | b1 << 6 | b2;
}

/* i moved past the whole 8-byte words of ASCII from s[i] on (i <= n):
 * texts scanned a byte at a time are mostly markup and numbers where they
 * are not Han. */
static inline size_t nb_skip_ascii8(const char *s, size_t n, size_t i)
{
	uint64_t w;

	while (n - i >= 8 && (memcpy(&w, s + i, 8), !(w & 0x8080808080808080u)))
		i += 8;
	return i;
}

size_t nb_utf8_count(const char *s, size_t n);	/* code points */
size_t nb_utf8_put(uint32_t cp, char out[4]);	/* encodes; returns bytes */

/* Code points hashed into 1,024 bits: one not in the set is certainly
 * absent, one in it most likely present.  For a text searched for many
 * words, most of them absent: a word with a code point the text's set
 * lacks is not in the text, and need not be searched for. */
typedef struct {
	uint64_t w[16];
} nb_cpset;

static inline unsigned nb_cpset_slot(uint32_t cp)
{
	return (cp * 2654435761u) >> 22;	/* multiplicative hash, top 10 bits */
}

static inline void nb_cpset_add(nb_cpset *s, uint32_t cp)
{
	unsigned h = nb_cpset_slot(cp);

	s->w[h >> 6] |= (uint64_t)1 << (h & 63);
}

static inline bool nb_cpset_has(const nb_cpset *s, uint32_t cp)
{
	unsigned h = nb_cpset_slot(cp);

	return s->w[h >> 6] >> (h & 63) & 1;
}

/* ASCII space/tab/CR/LF/VT/FF, U+00A0, U+2000..U+200B, U+3000, U+FEFF.
 * Inline, as nb_utf8_next: called on most characters read. */
static inline bool nb_is_space(uint32_t cp)
{
	if (cp <= ' ')
		return cp == ' ' || (cp >= '\t' && cp <= '\r');
	if (cp < 0xA0)
		return false;
	return cp == 0x00A0 || cp == 0x3000 || cp == 0xFEFF || (cp >= 0x2000 && cp <= 0x200B);
}

static inline bool nb_is_han(uint32_t cp)
{
	return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
	       (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3FFFF);
}

/* Fullwidth ASCII (U+FF01..U+FF5E) to ASCII; others unchanged. */
static inline uint32_t nb_halfwidth(uint32_t cp)
{
	if (cp >= 0xFF01 && cp <= 0xFF5E)
		return cp - 0xFF01 + 0x21;
	return cp;
}
/* Whether s[0..n) (n > 0) may begin (end) with a space of nb_is_space:
 * ASCII spaces, C2 A0 (U+00A0), E2 80 80..8B (U+2000..U+200B), E3 80 80
 * (U+3000), EF BB BF (U+FEFF).  The core's text is valid UTF-8 (decode.c),
 * where a space has that one encoding; any other opening (ending) is no
 * space to trim there, and most lines have one: nb_trim is called on every
 * line by several stages.  The bytes after the lead are looked at too, for
 * 。 （ 【 “ (E3 80 82, EF BC 88...) share leads and last bytes with spaces.
 * Too short for that: maybe. */
static inline bool nb_may_begin_space(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char c = s[0];

	if (c < 0x80)
		return c == ' ' || (c >= '\t' && c <= '\r');
	if (c != 0xC2 && c != 0xE2 && c != 0xE3 && c != 0xEF)
		return false;
	if (n < 3)
		return true;
	return (c == 0xC2 && s[1] == 0xA0) || (c == 0xE2 && s[1] == 0x80 && s[2] <= 0x8B) ||
	       (c == 0xE3 && s[1] == 0x80 && s[2] == 0x80) ||
	       (c == 0xEF && s[1] == 0xBB && s[2] == 0xBF);
}

static inline bool nb_may_end_space(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char c = s[n - 1];

	if (c < 0x80)
		return c == ' ' || (c >= '\t' && c <= '\r');
	if (c != 0xA0 && c != 0xBF && c > 0x8B)
		return false;
	if (n < 3)
		return true;
	if (c == 0xA0)
		return s[n - 2] == 0xC2;
	if (c == 0xBF)
		return s[n - 2] == 0xBB && s[n - 3] == 0xEF;
	return s[n - 2] == 0x80 && (s[n - 3] == 0xE2 || (c == 0x80 && s[n - 3] == 0xE3));
}

/* nb_trim where either end may hold a space (ustr.c). */
void nb_trim_rest(const char *s, size_t n, size_t *start, size_t *end);

/* Byte offsets of s[0..n) with leading and trailing spaces (nb_is_space)
 * removed.  Inline for the line with no space at either end (most). */
static inline void nb_trim(const char *s, size_t n, size_t *start, size_t *end)
{
	if (n > 0 && !nb_may_begin_space(s, n) && !nb_may_end_space(s, n)) {
		*start = 0;
		*end = n;
		return;
	}
	nb_trim_rest(s, n, start, end);
}

/* ---- character classes (chars.c) ------------------------------------ */

/* Any dash or hyphen, of either width (page numbers -3-, rules ——). */
bool nb_is_dash(uint32_t cp);
/* The dashes a table cell prints as a minus sign or a blank marker:
 * - — – ― − － ─ (not the rarer hyphens nb_is_dash also takes). */
bool nb_is_cell_dash(uint32_t cp);
bool nb_is_digit(uint32_t cp);		/* 0-9 of either width */
/* Columns a code point takes in fixed-width text: East Asian wide and
 * fullwidth forms take two. */
unsigned nb_cp_width(uint32_t cp);
bool nb_is_ascii_digit(uint32_t cp);
bool nb_is_ascii_letter(uint32_t cp);
bool nb_is_ascii_alnum(uint32_t cp);
/* Printable ASCII other than space: text that keeps its spaces. */
bool nb_is_ascii_graph(uint32_t cp);
bool nb_is_cjk_numeral(uint32_t cp);	/* 一二三四五六七八九十 */
/* A stop that ends a clause: 。！？；：… and ASCII ! ? ; : (not '.', which
 * also ends list numbers and abbreviations). */
bool nb_is_clause_stop(uint32_t cp);
/* nb_is_clause_stop or an ASCII full stop: a line of a wrapped PDF ending
 * in one is taken to end where the text does. */
bool nb_is_clause_stop_or_dot(uint32_t cp);
/* Whether a paragraph's last code point (or, after a closing quote or
 * bracket, the one before it) is a clause stop. */
bool nb_ends_sentence(uint32_t last, uint32_t before);
/* Whether s[0..n) ends in a fullwidth 。；！？ (a sentence, never site
 * chrome). */
bool nb_ends_with_full_stop(const char *s, size_t n);

/* ---- byte strings (bytes.c) ------------------------------------------- */

/* Inline, so that a literal's length is known where it is compiled: the
 * line markers try dozens of literals on every line. */
static inline bool nb_has_prefix(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && memcmp(s, p, k) == 0;
}
bool nb_has_suffix_ci(const char *s, size_t n, const char *p);	/* ASCII case folded */
/* The first place of p[0..k) in s[0..n) (as memmem, faster on short
 * lines), or NULL. */
const char *nb_find_n(const char *s, size_t n, const char *p, size_t k);
/* The same for the string p.  Inline, as nb_has_prefix: most needles are
 * literals, and strlen was a fifth of the search's cost. */
static inline const char *nb_find(const char *s, size_t n, const char *p)
{
	return nb_find_n(s, n, p, strlen(p));
}
static inline bool nb_contains(const char *s, size_t n, const char *p)
{
	return nb_find(s, n, p) != NULL;
}
/* The first place of p in s[0..n), ASCII case folded, or NULL. */
const char *nb_find_ci(const char *s, size_t n, const char *p);
/* A hash of s[0..n) for the core's tables of strings seen before (FNV-1a,
 * 64 bits): not stored anywhere, so free to change. */
uint64_t nb_hash_bytes(const void *s, size_t n);

#endif
