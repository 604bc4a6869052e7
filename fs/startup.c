/*
 * startup.c — the index a mount starts with.
 *
 * Bringing an index up to date walks every raw file and checks every page
 * of the index: seconds at 100,000 reports, all before the mount's first
 * answer.  An index this program wrote and would keep is served at once
 * instead; the watch thread then brings it up to date in the background,
 * as it does for any change to RAWDIR, and switches to the new index with
 * the kernel told what changed (snapshot.c).  A first mount, an index of
 * another version or a damaged one is built first, on the terminal.
 */
#include <string.h>

#include "fs.h"

int nb_mount_index(const nb_cli *cli, char *dbpath, size_t len,
		   nb_build_stats *stats, bool *later)
{
	int rc = nb_index_path(cli, dbpath, len);

	*later = false;
	if (rc < 0)
		return rc;
	if (nb_index_current(dbpath)) {
		memset(stats, 0, sizeof *stats);
		*later = true;
		return 0;
	}
	return nb_update_index(cli, dbpath, len, stats);
}
