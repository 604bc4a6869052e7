/*
 * ctext.c — text as the facts stage matches it: a line's code points with
 * spaces dropped and fullwidth ASCII folded, each remembering where it was
 * printed, and the small literal-matching helpers over such code points.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"

/* The bytes of a ctext of len bytes of text: cp and at share them (at
 * first, for its alignment); 0 when that overflows. */
static size_t ct_bytes(size_t len)
{
	if (len + 1 > SIZE_MAX / (sizeof(size_t) + sizeof(uint32_t)))
		return 0;
	return (len + 1) * (sizeof(size_t) + sizeof(uint32_t));
}

/* Decodes s[0..len) into mem, ct_bytes(len) bytes. */
static void ct_fill(ctext *c, const char *s, size_t len, void *mem)
{
	c->n = 0;
	c->borrowed = false;
	c->at = mem;
	c->cp = (uint32_t *)(c->at + len + 1);
	size_t i = 0, k = 0;
	while (i < len) {
		/* U+4000..U+9FFF, most of a report: no space, nothing to fold */
		uint32_t han = nb_utf8_han(s, len, i);
		if (han) {
			c->cp[c->n] = han;
			c->at[c->n++] = k++;
			i += 3;
			continue;
		}
		uint32_t cp = nb_utf8_next(s, len, &i);
		if (!nb_is_space(cp)) {
			c->cp[c->n] = nb_halfwidth(cp);
			c->at[c->n++] = k;
		}
		k++;
	}
	c->ncp = k;
}

int ct_make(ctext *c, const char *s, size_t len)
{
	size_t bytes = ct_bytes(len);
	void *mem = bytes ? malloc(bytes) : NULL;

	if (!mem) {
		*c = (ctext){ 0 };
		return -ENOMEM;
	}
	ct_fill(c, s, len, mem);
	return 0;
}

void ct_free(ctext *c)
{
	if (!c->borrowed)
		free(c->at);
	*c = (ctext){ 0 };
}

int ct_line(ctext *c, const nb_line *l)
{
	return ct_make(c, l->text, l->len);
}

/* A line's ctext is decoded once into the stage's arena, and lent: most
 * lines the stage reads are read more than once, and a copy of each (or a
 * block of each line's own) was a malloc and a free.  f->ct is not zeroed
 * (f->ct_made says which are made): the stage asks for few of a report's
 * lines, and clearing a ctext for each line was most of a call's cost. */
int fx_ct_line(facts *f, size_t i, ctext *c)
{
	const nb_lines *ls = &f->d->lines;
	size_t n = ls->n ? ls->n : 1;

	*c = (ctext){ 0 };
	if (!f->ct && !(f->ct = malloc(n * sizeof *f->ct)))
		return -ENOMEM;
	if (!f->ct_made && !(f->ct_made = calloc(n, sizeof *f->ct_made)))
		return -ENOMEM;
	if (!f->ct_mem && nb_arena_new(&f->ct_mem) < 0)
		return -ENOMEM;

	ctext *k = &f->ct[i];

	if (!f->ct_made[i]) {
		size_t bytes = ct_bytes(ls->v[i].len);
		void *mem = bytes ? nb_arena_alloc(f->ct_mem, bytes) : NULL;
		if (!mem)
			return -ENOMEM;
		ct_fill(k, ls->v[i].text, ls->v[i].len, mem);
		f->ct_made[i] = true;
	}
	*c = *k;
	c->borrowed = true;
	return 0;
}

void fx_ct_free(facts *f)
{
	free(f->ct);
	f->ct = NULL;
	free(f->ct_made);
	f->ct_made = NULL;
	nb_arena_free(f->ct_mem);
	f->ct_mem = NULL;
}

/*
 * Whether decoding s[0..n) ends with a whole character, so that decoding
 * s joined to more text reads the same characters from s: no sequence
 * opened in its last three bytes runs past its end.  (Only a byte that is
 * no continuation byte starts a character where nb_utf8_next reads.)
 */
static bool ends_whole(const char *s, size_t n)
{
	size_t i = n;

	while (i > 0 && n - i < 3 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
		i--;
	if (i == 0)
		return true;
	unsigned char c = (unsigned char)s[i - 1];
	size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
	return (c & 0xC0) == 0x80 || i - 1 + len <= n;
}

int ct_join(ctext *c, const nb_line *a, const ctext *ca, const nb_line *b, const ctext *cb)
{
	size_t nb = b ? cb->n : 0;

	if (b && !ends_whole(a->text, a->len)) {
		/* a character cut at a's end: decode the text joined */
		if (a->len > SIZE_MAX - 1 - b->len)
			return -ENOMEM;
		char *t = malloc(a->len + b->len + 1);
		if (!t)
			return -ENOMEM;
		memcpy(t, a->text, a->len);
		memcpy(t + a->len, b->text, b->len);
		int rc = ct_make(c, t, a->len + b->len);
		free(t);
		return rc;
	}
	size_t n = ca->n + nb;
	size_t bytes = ct_bytes(n);
	c->at = bytes ? malloc(bytes) : NULL;
	if (!c->at) {
		*c = (ctext){ 0 };
		return -ENOMEM;
	}
	c->cp = (uint32_t *)(c->at + n + 1);
	c->n = n;
	c->borrowed = false;
	c->ncp = ca->ncp + (b ? cb->ncp : 0);
	memcpy(c->cp, ca->cp, ca->n * sizeof *c->cp);
	memcpy(c->at, ca->at, ca->n * sizeof *c->at);
	for (size_t k = 0; k < nb; k++) {
		c->cp[ca->n + k] = cb->cp[k];
		c->at[ca->n + k] = cb->at[k] + ca->ncp;
	}
	return 0;
}

/* Decodes a short UTF-8 literal. */
size_t ct_lit(const char *s, uint32_t *out, size_t cap)
{
	size_t i = 0, n = 0, len = strlen(s);

	while (i < len && n < cap)
		out[n++] = nb_utf8_next(s, len, &i);
	return n;
}

/* ct_at compares while it decodes, as ct_lit would (up to 32 code
 * points): most tries fail at the first. */
bool ct_at(const uint32_t *t, size_t n, size_t i, const char *s)
{
	size_t j = 0;

	if (i > n)
		return false;
	if (s[0] == '\0')
		return true;
	/* the first code point before the literal is measured (a literal is
	 * whole UTF-8, and the decoder reads no further than its NUL) */
	if (i == n || t[i] != nb_utf8_next(s, 4, &j))
		return false;

	size_t len = strlen(s);

	for (size_t k = 1; j < len && k < 32; k++) {
		uint32_t u = nb_utf8_next(s, len, &j);
		if (i + k >= n || t[i + k] != u)
			return false;
	}
	return true;
}

/* Index of the first s in t[from, to), or SIZE_MAX. */
size_t ct_find(const uint32_t *t, size_t from, size_t to, const char *s)
{
	uint32_t u[32];
	size_t k = ct_lit(s, u, 32);

	if (k == 0)
		return from + k <= to ? from : SIZE_MAX;
	/* the first code point compared inline: a memcmp call at every
	 * position was most of the facts stage's matching */
	for (size_t i = from; i + k <= to; i++)
		if (t[i] == u[0] && memcmp(t + i, u, k * sizeof *u) == 0)
			return i;
	return SIZE_MAX;
}

void ct_set_make(nb_cpset *set, const uint32_t *t, size_t n)
{
	memset(set, 0, sizeof *set);
	for (size_t i = 0; i < n; i++)
		nb_cpset_add(set, t[i]);
}

bool ct_set_may_hold(const nb_cpset *set, const char *s)
{
	size_t len = strlen(s), j = 0;

	while (j < len)
		if (!nb_cpset_has(set, nb_utf8_next(s, len, &j)))
			return false;
	return true;
}

bool ct_ends(const uint32_t *t, size_t a, size_t b, const char *s)
{
	uint32_t u[32];
	size_t k = ct_lit(s, u, 32);

	return b - a >= k && memcmp(t + b - k, u, k * sizeof *u) == 0;
}

bool ct_digit(uint32_t cp)
{
	return cp >= '0' && cp <= '9';
}

char *ct_str(const uint32_t *t, size_t a, size_t b)
{
	nb_buf buf = { 0 };

	for (size_t i = a; i < b; i++)
		nb_buf_addcp(&buf, t[i]);
	if (!buf.s && !buf.oom)
		nb_buf_adds(&buf, "");
	return nb_buf_take(&buf);
}

size_t ct_digits(const uint32_t *t, size_t n, size_t i, size_t max, int *v)
{
	size_t k = 0;

	*v = 0;
	while (i + k < n && k < max && ct_digit(t[i + k]))
		*v = *v * 10 + (int)(t[i + k++] - '0');
	return k;
}
