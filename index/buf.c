/* buf.c — a growable byte buffer, and messages for the caller's stream. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ix.h"

static bool grow(ix_buf *b, size_t extra)
{
	if (b->oom)
		return false;
	if (b->len + extra + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra + 1) {
		if (cap > SIZE_MAX / 2) {
			b->oom = true;
			return false;
		}
		cap *= 2;
	}
	char *s = realloc(b->s, cap);
	if (!s) {
		b->oom = true;
		return false;
	}
	b->s = s;
	b->cap = cap;
	return true;
}

void ix_buf_add(ix_buf *b, const void *s, size_t n)
{
	if (!grow(b, n))
		return;
	if (n)
		memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void ix_buf_adds(ix_buf *b, const char *s)
{
	if (s)
		ix_buf_add(b, s, strlen(s));
}

void ix_buf_printf(ix_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = true;
		return;
	}
	if (!grow(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void ix_buf_free(ix_buf *b)
{
	free(b->s);
	*b = (ix_buf){0};
}

void ix_say(FILE *err, const char *fmt, ...)
{
	if (!err)
		return;
	va_list ap;
	char *msg = NULL;
	va_start(ap, fmt);
	int n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	ix_buf b = {0};
	if (n >= 0)
		ix_printable(&b, msg, false);
	/* out of memory: the message is lost, not printed raw */
	fprintf(err, "%s\n", b.s && !b.oom ? b.s : "(out of memory)");
	ix_buf_free(&b);
	free(msg);
}

void ix_say_db(FILE *err, sqlite3 *db)
{
	ix_say(err, "%s: %s", sqlite3_db_filename(db, "main"),
	       sqlite3_errmsg(db));
}
