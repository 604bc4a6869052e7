/*
 * main.c — nianbaofs: mount a directory of raw annual reports as a
 * read-only filesystem of sections, tables and facts.
 *
 *   nianbaofs [--db FILE] [FUSE options] RAWDIR MOUNTPOINT
 *   nianbaofs index [--db FILE] RAWDIR
 */
#include <stdio.h>
#include <string.h>

#include "fs.h"
#include "nianbao.h"

void nb_print_usage(FILE *out)
{
	fputs("usage: nianbaofs [--db FILE] [FUSE options] RAWDIR MOUNTPOINT\n"
	      "       nianbaofs index [--db FILE] RAWDIR\n"
	      "\n"
	      "The first form brings the index of RAWDIR up to date, then mounts it\n"
	      "read-only at MOUNTPOINT and goes to the background (unless -f).\n"
	      "Unmount with: fusermount3 -u MOUNTPOINT\n"
	      "The second form only brings the index up to date and prints a summary;\n"
	      "it exits with 1 when a file or directory could not be read.\n"
	      "\n"
	      "options:\n"
	      "    --db FILE, --db=FILE   the index file (default: one per RAWDIR under\n"
	      "                           $XDG_CACHE_HOME/nianbaofs/, or ~/.cache/nianbaofs/)\n"
	      "    -o csv=unix            serve CSV files as UTF-8 without BOM, LF line ends\n"
	      "    -o csv=excel           UTF-8 with BOM, CRLF line ends (the default)\n"
	      "    -o nowatch             do not follow changes to RAWDIR while mounted\n"
	      "                           (kill -HUP refreshes the mount at once)\n"
	      "    -q, --quiet            no progress while indexing (shown on a terminal:\n"
	      "                           files done of total, rate, time left)\n"
	      "    -h, --help             print this help and exit\n"
	      "    -V, --version          print the version and exit\n",
	      out);
}

void nb_print_version(void)
{
	printf("nianbaofs version %s\n", NB_VERSION);
	printf("FUSE library version %s\n", fuse_pkgversion());
	/* What follows comes partly from fusermount3, run as a child. */
	fflush(stdout);
	fuse_lowlevel_version();
}

int main(int argc, char **argv)
{
	nb_log_to_stderr();
	if (argc >= 2 && strcmp(argv[1], "index") == 0)
		return nb_cmd_index(argc - 1, argv + 1);
	return nb_cmd_mount(argc, argv);
}
