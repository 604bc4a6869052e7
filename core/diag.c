/*
 * diag.c — the parse's diagnostics: warnings (a cell or fact that could not
 * be placed, and why) and notes (what was read another way than printed),
 * appended to the report.  Apart from the pipeline driver (report.c) so that
 * every stage can report without calling back into the driver.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

static int vappend(char ***v, size_t *n, const char *fmt, va_list ap)
{
	va_list again;

	va_copy(again, ap);
	int len = vsnprintf(NULL, 0, fmt, ap);
	if (len < 0) {
		va_end(again);
		return -EINVAL;
	}
	char *s = malloc((size_t)len + 1);
	if (!s) {
		va_end(again);
		return -ENOMEM;
	}
	vsnprintf(s, (size_t)len + 1, fmt, again);
	va_end(again);
	char **nv = realloc(*v, (*n + 1) * sizeof *nv);
	if (!nv) {
		free(s);
		return -ENOMEM;
	}
	nv[(*n)++] = s;
	*v = nv;
	return 0;
}

int nb_warn(nb_report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int rc = vappend(&r->warnings, &r->nwarnings, fmt, ap);
	va_end(ap);
	return rc;
}

int nb_note(nb_report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int rc = vappend(&r->notes, &r->nnotes, fmt, ap);
	va_end(ap);
	return rc;
}
