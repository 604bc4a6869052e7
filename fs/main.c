/*
 * main.c — nianbaofs: mount a directory of raw annual reports as a
 * read-only filesystem of sections, tables and facts.  Picks the command;
 * mounting is in cmd_mount.c, its command line in cli.c; `index` is the
 * indexer's, a program of its own (indexer_main.c, indexer.c).
 *
 *   nianbaofs [--db FILE] [FUSE options] RAWDIR MOUNTPOINT
 *   nianbaofs index [--db FILE] RAWDIR
 */
#include <string.h>

#include "fs.h"

int main(int argc, char **argv)
{
	nb_log_to_stderr();
	if (nb_index_setup() != 0)
		nb_err("SQLite was in use before its settings were made");
	if (argc >= 2 && strcmp(argv[1], "index") == 0)
		return nb_indexer_exec(argv + 1);
	return nb_cmd_mount(argc, argv);
}
