/*
 * paths.c — the two paths both commands start from: RAWDIR, checked, and
 * where its index goes.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs.h"

/* The index path as given, made absolute: a mounted filesystem runs from
 * "/" once it has gone to the background. */
static int absolute_db(const char *db, char *buf, size_t len)
{
	char cwd[PATH_MAX];
	int n;

	if (db[0] == '/') {
		n = snprintf(buf, len, "%s", db);
	} else {
		if (!getcwd(cwd, sizeof cwd))
			return -errno;
		n = snprintf(buf, len, "%s/%s", cwd, db);
	}
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

int nb_check_rawdir(const char *rawdir)
{
	struct stat st;

	if (stat(rawdir, &st) != 0) {
		int e = errno;

		nb_err("%s: cannot use as RAWDIR: %s", rawdir, strerror(e));
		return -e;
	}
	if (!S_ISDIR(st.st_mode)) {
		nb_err("%s: not a directory (RAWDIR is the directory of raw reports)",
		       rawdir);
		return -ENOTDIR;
	}
	return 0;
}

int nb_index_path(const nb_cli *cli, char *dbpath, size_t len)
{
	int rc;

	dbpath[0] = '\0';
	if (cli->db) {
		rc = absolute_db(cli->db, dbpath, len);
		if (rc < 0) {
			nb_err("%s: cannot make the path absolute: %s", cli->db,
			       strerror(-rc));
			return rc;
		}
	} else {
		rc = nb_index_default_path(cli->rawdir, dbpath, len);
		if (rc < 0) {
			nb_err("%s: cannot place its index in the cache directory: %s",
			       cli->rawdir, strerror(-rc));
			return rc;
		}
	}
	return 0;
}
