/*
 * arena.c — the strings of a report's tables and checks, in a few blocks
 * freed at once with the report; a line list's texts and HTML cells, freed
 * with the list (nb_lines); and a stage's scratch arrays, freed at once at
 * the stage's end.
 *
 * A report holds some 600 such strings (each cell's printed value, row
 * labels, every check's detail); one malloc and one free each were a tenth
 * of the parser's instructions.  A string is aligned to nothing; an array
 * (nb_arena_alloc) to NB_ARENA_ALIGN.
 *
 * Built with AddressSanitizer, every string is a block of its own, exactly
 * as long as it is, so that reading or writing past one still faults.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#if defined(__SANITIZE_ADDRESS__)
#define NB_ARENA_EXACT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NB_ARENA_EXACT 1
#endif
#endif

/* A block of strings; the report's tables and checks take 10-20 KiB in all
 * (generated and real reports alike), so a few blocks hold them. */
#define NB_ARENA_BLOCK 8192

/* An array's alignment: size_t, pointers and uint32_t, what the core keeps
 * in arrays.  A block's data[] starts so aligned (malloc's alignment, and
 * three words of header). */
#define NB_ARENA_ALIGN 8

typedef struct block {
	struct block *next;
	size_t used, cap;
	char data[];
} block;

_Static_assert(offsetof(block, data) % NB_ARENA_ALIGN == 0, "a block's data is aligned");

struct nb_arena {
	block *head;	/* the block being filled, then the full ones */
};

int nb_arena_new(nb_arena **out)
{
	*out = calloc(1, sizeof **out);
	return *out ? 0 : -ENOMEM;
}

void nb_arena_free(nb_arena *a)
{
	if (!a)
		return;
	for (block *b = a->head, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

static block *block_new(size_t cap)
{
	if (cap > SIZE_MAX - sizeof(block))
		return NULL;
	block *b = malloc(sizeof(block) + cap);

	if (b) {
		b->used = 0;
		b->cap = cap;
		b->next = NULL;
	}
	return b;
}

/* n bytes from a, at an offset in its block that is a multiple of align (a
 * power of two); NULL when memory is out. */
static char *take(nb_arena *a, size_t n, size_t align)
{
	block *h = a->head;

#ifndef NB_ARENA_EXACT
	if (h) {
		size_t at = (h->used + align - 1) & ~(align - 1);
		if (at <= h->cap && h->cap - at >= n) {
			h->used = at + n;
			return h->data + at;
		}
	}
	size_t cap = n > NB_ARENA_BLOCK / 4 ? n : NB_ARENA_BLOCK;
#else
	(void)align;
	size_t cap = n;
#endif
	block *b = block_new(cap);
	if (!b)
		return NULL;
	b->used = n;
	if (h && cap == n) {
		/* a string of a block of its own goes behind the block being
		 * filled, which keeps its room */
		b->next = h->next;
		h->next = b;
	} else {
		b->next = h;
		a->head = b;
	}
	return b->data;
}

char *nb_arena_strndup(nb_arena *a, const char *s, size_t n)
{
	if (n == SIZE_MAX)
		return NULL;
	char *d = take(a, n + 1, 1);

	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *nb_arena_strdup(nb_arena *a, const char *s)
{
	return s ? nb_arena_strndup(a, s, strlen(s)) : NULL;
}

void *nb_arena_alloc(nb_arena *a, size_t n)
{
	return take(a, n ? n : 1, NB_ARENA_ALIGN);
}

void *nb_arena_calloc(nb_arena *a, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	void *p = nb_arena_alloc(a, n * size);

	if (p)
		memset(p, 0, n * size);
	return p;
}

void nb_arena_adopt(nb_arena **into, nb_arena **from)
{
	nb_arena *f = *from;

	*from = NULL;
	if (!f)
		return;
	if (!*into) {
		*into = f;
		return;
	}
	/* f's blocks go behind the one being filled */
	block *last = f->head;
	while (last && last->next)
		last = last->next;
	if (last) {
		block *h = (*into)->head;
		if (h) {
			last->next = h->next;
			h->next = f->head;
		} else {
			(*into)->head = f->head;
		}
	}
	free(f);
}
