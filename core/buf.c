/*
 * buf.c — the growable byte buffer and the growable array every part of the
 * core and the index builds its strings and lists with: one place where
 * capacity doubles, overflow is refused and a failed allocation is kept.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static bool buf_reserve(nb_buf *b, size_t extra)
{
	if (b->oom)
		return false;
	if (b->len + extra + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1) {
		if (cap > SIZE_MAX / 2)
			goto fail;
		cap *= 2;
	}
	char *s = realloc(b->s, cap);
	if (!s)
		goto fail;
	b->s = s;
	b->cap = cap;
	return true;
fail:
	b->oom = true;
	return false;
}

void nb_buf_add_grow(nb_buf *b, const void *s, size_t n)
{
	if (!buf_reserve(b, n))
		return;
	if (n)
		memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void nb_buf_addcp(nb_buf *b, uint32_t cp)
{
	char u[4];

	nb_buf_add(b, u, nb_utf8_put(cp, u));
}

void nb_buf_printf(nb_buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256];

	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = true;
		return;
	}
	if ((size_t)n < sizeof small) {
		nb_buf_add(b, small, (size_t)n);
		return;
	}
	if (!buf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *nb_buf_take(nb_buf *b)
{
	char *s;

	if (b->oom) {
		free(b->s);
		s = NULL;
	} else if (!b->s) {
		s = calloc(1, 1);
	} else {
		s = b->s;
	}
	b->s = NULL;
	b->len = b->cap = 0;
	b->oom = false;
	return s;
}

void nb_buf_reset(nb_buf *b)
{
	b->len = 0;
	b->oom = false;
	if (b->s)
		b->s[0] = '\0';
}

void nb_buf_free(nb_buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
	b->oom = false;
}

char *nb_strndup(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *nb_strdup(const char *s)
{
	return s ? nb_strndup(s, strlen(s)) : NULL;
}

/* nb_grow's reallocation (util.h) */
void *nb_grow_to(void *v, size_t *cap, size_t need, size_t size, size_t min)
{
	size_t c = *cap ? *cap : (min ? min : 1);

	while (c < need) {
		if (c > SIZE_MAX / 2)
			return NULL;
		c *= 2;
	}
	if (c > SIZE_MAX / size)
		return NULL;
	void *nv = realloc(v, c * size);
	if (nv)
		*cap = c;
	return nv;
}
