/*
 * pin.c — a private name for one version of the index file.
 *
 * The index is served through connections opened by name, some of them
 * later (one per serving thread, on its first request).  A rebuild renames
 * a new file over the index's name, so a connection opened by that name
 * after a rebuild would read the new version where an old one was meant.
 * Each version served is therefore opened through a hard link of its own,
 * "<index>.gen-<pid>-<n>", beside the index, removed when the version is
 * closed; links left by a process that died are removed by the next mount.
 */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs.h"

#define PIN_INFIX ".gen-"

char *nb_pin(const char *dbpath, unsigned serial)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof path, "%s" PIN_INFIX "%ld-%u", dbpath,
			 (long)getpid(), serial);
	if (n < 0 || (size_t)n >= sizeof path)
		return NULL;
	unlink(path);	/* a leftover of a pid reused */
	/* A directory we may not write (an index only read) has no pins: the
	 * version is then opened by the index's own name. */
	if (link(dbpath, path) < 0)
		return NULL;
	char *copy = strdup(path);
	if (!copy)
		unlink(path);
	return copy;
}

void nb_unpin(char *pin)
{
	if (pin)
		unlink(pin);
	free(pin);
}

void nb_pins_clean(const char *dbpath)
{
	char dcopy[PATH_MAX], bcopy[PATH_MAX];
	snprintf(dcopy, sizeof dcopy, "%s", dbpath);
	snprintf(bcopy, sizeof bcopy, "%s", dbpath);
	const char *base = basename(bcopy);
	DIR *d = opendir(dirname(dcopy));
	if (!d)
		return;
	size_t blen = strlen(base), ilen = strlen(PIN_INFIX);
	struct dirent *de;
	while ((de = readdir(d))) {
		const char *name = de->d_name;
		if (strncmp(name, base, blen) || strncmp(name + blen, PIN_INFIX, ilen))
			continue;
		char *end;
		long pid = strtol(name + blen + ilen, &end, 10);
		if (*end == '-' && pid > 0 && pid != (long)getpid() &&
		    kill((pid_t)pid, 0) < 0 && errno == ESRCH)
			unlinkat(dirfd(d), name, 0);
	}
	closedir(d);
}
