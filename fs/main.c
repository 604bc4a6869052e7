/*
 * main.c — nianbaofs: mount a directory of raw annual reports as a
 * read-only filesystem of sections, tables and facts.  Picks the command;
 * each is in its own file (cmd_mount.c, cmd_index.c), their command line
 * in cli.c.
 *
 *   nianbaofs [--db FILE] [FUSE options] RAWDIR MOUNTPOINT
 *   nianbaofs index [--db FILE] RAWDIR
 */
#include <string.h>
#include <sqlite3.h>

#include "fs.h"

int main(int argc, char **argv)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	nb_log_to_stderr();
	if (argc >= 2 && strcmp(argv[1], "index") == 0)
		return nb_cmd_index(argc - 1, argv + 1);
	return nb_cmd_mount(argc, argv);
}
