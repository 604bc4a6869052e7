/*
 * util.h — the utility layer under core and index: byte buffers, growable
 * arrays, UTF-8 and character classes.  It knows nothing of reports; its
 * files include only this header and the C library, so index/ may use it
 * without seeing the parser's internals.
 *
 *   buf.c     nb_buf, nb_strdup, nb_grow
 *   chars.c   character classes (dashes, numerals, sentence ends, ASCII)
 *   ustr.c    UTF-8 decoding, spaces and trimming (with the label matching
 *             of internal.h, which needs them on its hot path)
 */
#ifndef NB_UTIL_H
#define NB_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- growable byte buffer (buf.c) ---------------------------------- */

typedef struct {
	char *s;		/* always NUL-terminated when non-NULL */
	size_t len, cap;
	bool oom;		/* an allocation failed; every later add is a no-op */
} nb_buf;

void nb_buf_add(nb_buf *b, const void *s, size_t n);
void nb_buf_adds(nb_buf *b, const char *s);	/* NULL adds nothing */
void nb_buf_addc(nb_buf *b, char c);
void nb_buf_addcp(nb_buf *b, uint32_t cp);	/* one code point as UTF-8 */
void nb_buf_printf(nb_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Hands the string over (never NULL unless oom: then NULL and freed). */
char *nb_buf_take(nb_buf *b);
void nb_buf_free(nb_buf *b);

char *nb_strndup(const char *s, size_t n);
char *nb_strdup(const char *s);		/* NULL in, NULL out */

/* ---- growable array (buf.c) ------------------------------------------ */

/*
 * Makes room for at least need elements of size bytes in *v, whose
 * capacity is *cap: doubles it (first from min) and reallocates when need
 * exceeds it.  0, or -ENOMEM with *v and *cap untouched.
 */
int nb_grow(void *v, size_t *cap, size_t need, size_t size, size_t min);

/* ---- UTF-8 (ustr.c) ---------------------------------------------------- */

/* Decodes the code point at s[*i] (i < n) and advances *i; an invalid byte
 * comes back as U+FFFD and advances by one. */
uint32_t nb_utf8_next(const char *s, size_t n, size_t *i);
size_t nb_utf8_count(const char *s, size_t n);	/* code points */
size_t nb_utf8_put(uint32_t cp, char out[4]);	/* encodes; returns bytes */
bool nb_is_space(uint32_t cp);		/* ASCII space/tab, U+3000, U+00A0, ... */
bool nb_is_han(uint32_t cp);
/* Fullwidth ASCII (U+FF01..U+FF5E) to ASCII; others unchanged. */
uint32_t nb_halfwidth(uint32_t cp);
/* Byte offsets of s[0..n) with leading and trailing spaces (nb_is_space)
 * removed. */
void nb_trim(const char *s, size_t n, size_t *start, size_t *end);

#endif
