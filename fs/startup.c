/*
 * startup.c — the index a mount starts with.
 *
 * Bringing an index up to date walks every raw file and checks every page
 * of the index: seconds at 100,000 reports, all before the mount's first
 * answer.  An index this program wrote and would keep is served at once
 * instead; the watch thread then brings it up to date in the background,
 * as it does for any change to RAWDIR, and switches to the new index with
 * the kernel told what changed (snapshot.c).  A first mount, an index of
 * another version or a damaged one is built first, on the terminal, by
 * the indexer (indexer.c), which says itself what went wrong.
 */
#include <errno.h>

#include "fs.h"

/* Builds the index at dbpath in the indexer, which shares our terminal
 * (progress, messages): 0, or -EIO when no index was written. */
static int build_first(const nb_cli *cli, const char *dbpath)
{
	const char *args[8];
	size_t n = 0;
	pid_t pid;

	args[n++] = "--mounting";
	if (cli->quiet)
		args[n++] = "-q";
	args[n++] = "--db";
	args[n++] = dbpath;
	args[n++] = "--";	/* RAWDIR as given, even "-x" */
	args[n++] = cli->rawdir;
	args[n] = NULL;
	int rc = nb_indexer_spawn(args, -1, &pid);

	if (rc < 0)
		return rc;
	rc = nb_indexer_wait(pid);
	return rc == NB_EXIT_OK ? 0 : rc < 0 ? rc : -EIO;
}

int nb_mount_index(const nb_cli *cli, char *dbpath, size_t len, bool *later)
{
	int rc = nb_index_path(cli, dbpath, len);

	*later = false;
	if (rc < 0)
		return rc;
	if (nb_index_current(dbpath)) {
		*later = true;
		return 0;
	}
	return build_first(cli, dbpath);
}
