/*
 * cmd_index.c — `nianbaofs index [--db FILE] RAWDIR`: brings the index up
 * to date and prints a summary, without mounting; exits with 1 when a file
 * or directory could not be read.  Run as nianbaofs-index (indexer_main.c),
 * also by the mount (indexer.c) with the hidden --mounting: no summary,
 * and a status that says only whether an index was written.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fs.h"

static void print_summary(const nb_build_stats *s, const char *dbpath)
{
	printf("report files found:        %u\n", s->files);
	printf("reports indexed:           %u\n", s->reports);
	printf("parsed now:                %u\n", s->parsed);
	printf("reused:                    %u\n", s->reused);
	printf("reports with warnings:     %u\n", s->warned);
	printf("failed consistency checks: %u\n", s->failed_checks);
	printf("unreadable files:          %u\n", s->unreadable);
	printf("not reports (skipped):     %u\n", s->not_reports);
	printf("unreadable directories:    %u\n", s->unreadable_dirs);
	printf("index:                     %s%s\n", dbpath,
	       s->unchanged ? " (unchanged)" : "");
}

int nb_cmd_index(int argc, char **argv, const atomic_int *cancel)
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	nb_cli cli = { .cmd = NB_CMD_INDEX };
	char dbpath[PATH_MAX];
	nb_build_stats stats;
	int rc = NB_EXIT_USAGE;

	if (nb_cli_parse(&args, &cli) != 0)
		goto out;
	if (nb_cli_answered(&cli)) {
		rc = NB_EXIT_OK;
		goto out;
	}
	if (!cli.rawdir) {
		nb_cli_missing(&cli, "RAWDIR");
		goto out;
	}
	if (nb_check_rawdir(cli.rawdir) != 0)
		goto out;
	rc = NB_EXIT_FAIL;
	int brc = nb_update_index(&cli, dbpath, sizeof dbpath, &stats, cancel);
	if (brc == NB_CANCELLED)
		rc = NB_EXIT_CANCELLED;
	if (brc != 0)
		goto out;
	if (cli.mounting) {
		rc = NB_EXIT_OK;
		goto out;
	}
	print_summary(&stats, dbpath);
	if (fflush(stdout) != 0)
		nb_err("cannot write the summary: %s", strerror(errno));
	else if (!stats.unreadable && !stats.unreadable_dirs)
		rc = NB_EXIT_OK;
out:
	nb_cli_free(&cli);
	fuse_opt_free_args(&args);
	return rc;
}
