/*
 * warned.h — whether a parsed report has a warning that says what: the
 * question the table tests ask of nearly every report they parse.
 */
#ifndef NB_WARNED_H
#define NB_WARNED_H

#include <stdbool.h>
#include <string.h>

#include "nianbao.h"

static bool warned(const nb_report *r, const char *what)
{
	for (size_t i = 0; i < r->nwarnings; i++)
		if (strstr(r->warnings[i], what))
			return true;
	return false;
}

#endif
