/*
 * status.c — the names of the domain's outcomes (nb_status, nianbao.h).
 *
 * An outcome travels as a number, up the same `if (rc < 0) return rc;`
 * paths as a negative errno, and becomes words only where it leaves the
 * program: stored in the index (source.error holds the name), printed, or
 * answered to the kernel.  The names are part of the index's documented
 * schema (README, "source"), so they never change once released; a status
 * is a number in memory only and is never stored as one.
 */
#include <stddef.h>
#include <string.h>

#include "nianbao.h"

static const struct {
	nb_status status;
	const char *name;
} names[] = {
	{ NB_NOT_A_REPORT, "not_a_report" },
	{ NB_UNDECODABLE, "undecodable" },
	{ NB_NOT_REGULAR_FILE, "not_regular_file" },
	{ NB_OUTSIDE_RAWDIR, "outside_rawdir" },
	{ NB_TOO_LARGE, "too_large" },
	{ NB_BAD_INDEX_VERSION, "bad_index_version" },
	{ NB_CANCELLED, "cancelled" },
};

const char *nb_status_name(int rc)
{
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].status == rc)
			return names[i].name;
	return NULL;
}

int nb_status_named(const char *name)
{
	if (!name)
		return 0;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(names[i].name, name) == 0)
			return names[i].status;
	return 0;
}

const char *nb_strstatus(int rc)
{
	const char *name = nb_status_name(rc);

	return name ? name : strerror(rc < 0 ? -rc : rc);
}
