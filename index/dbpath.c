/* dbpath.c — where an index lives when no --db is given:
 * $XDG_CACHE_HOME/nianbaofs/<key>.sqlite, or ~/.cache/nianbaofs/<key>.sqlite,
 * the key being the first 16 hex digits of sha256(realpath(RAWDIR)). */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index.h"
#include "ix.h"

/* mkdir -p path */
static int make_dirs(char *path)
{
	for (char *p = path + 1;; p++) {
		if (*p != '/' && *p)
			continue;
		char c = *p;
		*p = '\0';
		int rc = mkdir(path, 0700) < 0 && errno != EEXIST ? -errno : 0;
		*p = c;
		if (rc)
			return rc;
		if (!c)
			break;
	}
	struct stat st;
	if (stat(path, &st) < 0)
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

int nb_index_default_path(const char *rawdir, char *buf, size_t len)
{
	char real[PATH_MAX];
	if (!realpath(rawdir, real))
		return -errno;
	char hex[65];
	int rc = ix_sha256_hex(real, strlen(real), hex);
	if (rc)
		return rc;

	/* XDG: a relative $XDG_CACHE_HOME is invalid and to be ignored */
	nb_buf dir = {0};
	const char *xdg = getenv("XDG_CACHE_HOME");
	if (xdg && xdg[0] == '/') {
		nb_buf_adds(&dir, xdg);
	} else {
		const char *home = getenv("HOME");
		if (!home || home[0] != '/') {
			struct passwd *pw = getpwuid(getuid());
			home = pw ? pw->pw_dir : NULL;
		}
		if (!home)
			return -ENOENT;
		nb_buf_adds(&dir, home);
		nb_buf_adds(&dir, "/.cache");
	}
	nb_buf_adds(&dir, "/nianbaofs");
	if (dir.oom)
		return -ENOMEM;
	rc = make_dirs(dir.s);
	if (!rc) {
		int n = snprintf(buf, len, "%s/%.16s.sqlite", dir.s, hex);
		if (n < 0 || (size_t)n >= len)
			rc = -ENAMETOOLONG;
	}
	nb_buf_free(&dir);
	return rc;
}
