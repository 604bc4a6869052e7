/*
 * args.c — our own options, parsed with libfuse's option parser so that
 * they mix freely with FUSE options in any order, as in sshfs.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"

enum {
	KEY_HELP,
	KEY_VERSION,
	KEY_DB,		/* "--db FILE": the FILE is the next argument */
	KEY_DB_EQ,	/* "--db=FILE" */
	KEY_CSV,	/* "-o csv=unix" or "-o csv=excel" */
	KEY_NOWATCH,	/* "-o nowatch": do not follow RAWDIR while mounted */
	KEY_QUIET,	/* "-q": no progress while indexing */
};

static const struct fuse_opt nb_opts[] = {
	FUSE_OPT_KEY("-h", KEY_HELP),
	FUSE_OPT_KEY("--help", KEY_HELP),
	FUSE_OPT_KEY("-V", KEY_VERSION),
	FUSE_OPT_KEY("--version", KEY_VERSION),
	FUSE_OPT_KEY("--db", KEY_DB),
	FUSE_OPT_KEY("--db=", KEY_DB_EQ),
	FUSE_OPT_KEY("csv=", KEY_CSV),
	FUSE_OPT_KEY("nowatch", KEY_NOWATCH),
	FUSE_OPT_KEY("-q", KEY_QUIET),
	FUSE_OPT_KEY("--quiet", KEY_QUIET),
	FUSE_OPT_END
};

void nb_err(const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL, *shown = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	/* names in messages may hold terminal escapes: shown escaped */
	if (n >= 0)
		shown = nb_printable(msg, true);
	fprintf(stderr, "nianbaofs: %s\n", shown ? shown : "out of memory");
	free(shown);
	free(msg);
}

static int take_db(nb_cli *cli, const char *file)
{
	if (!*file) {
		nb_err("--db needs a file name");
		return -1;
	}
	cli->db = file;
	return 0;
}

static int take_csv(nb_cli *cli, const char *value)
{
	if (cli->cmd != NB_CMD_MOUNT) {
		nb_err("-o csv=%s only applies when mounting", value);
		return -1;
	}
	if (strcmp(value, "unix") == 0) {
		cli->open_flags |= NB_OPEN_CSV_UNIX;
	} else if (strcmp(value, "excel") == 0) {
		cli->open_flags &= ~(unsigned)NB_OPEN_CSV_UNIX;
	} else {
		nb_err("-o csv=%s: unknown CSV dialect (use csv=unix or csv=excel)",
		       value);
		return -1;
	}
	return 0;
}

/* A positional argument: RAWDIR first; when mounting, the MOUNTPOINT is
 * kept for fuse_parse_cmdline. */
static int take_positional(nb_cli *cli, const char *arg)
{
	unsigned n = cli->positional++;

	if (n == 0) {
		cli->rawdir = arg;
		return 0;
	}
	if (cli->cmd == NB_CMD_MOUNT && n == 1)
		return 1;
	nb_err("unexpected argument '%s'", arg);
	return -1;
}

static int nb_opt_proc(void *data, const char *arg, int key,
		       struct fuse_args *outargs)
{
	nb_cli *cli = data;

	(void)outargs;
	if (cli->want_db) {
		cli->want_db = false;
		if (key != FUSE_OPT_KEY_NONOPT) {
			nb_err("--db needs a file name, not '%s'", arg);
			return -1;
		}
		return take_db(cli, arg);
	}
	switch (key) {
	case KEY_HELP:
		cli->help = true;
		return 0;
	case KEY_VERSION:
		cli->version = true;
		return 0;
	case KEY_DB:
		cli->want_db = true;
		return 0;
	case KEY_DB_EQ:
		return take_db(cli, arg + strlen("--db="));
	case KEY_CSV:
		return take_csv(cli, arg + strlen("csv="));
	case KEY_NOWATCH:
		if (cli->cmd != NB_CMD_MOUNT) {
			nb_err("-o nowatch only applies when mounting");
			return -1;
		}
		cli->nowatch = true;
		return 0;
	case KEY_QUIET:
		cli->quiet = true;
		return 0;
	case FUSE_OPT_KEY_NONOPT:
		return take_positional(cli, arg);
	default:
		/* Another option: libfuse's when mounting; none when indexing. */
		if (cli->cmd == NB_CMD_MOUNT)
			return 1;
		nb_err("unknown option '%s' (see nianbaofs --help)", arg);
		return -1;
	}
}

int nb_cli_parse(struct fuse_args *args, nb_cli *cli)
{
	/* On failure the message is printed already: ours, or libfuse's
	 * ("missing argument after `-o'"). */
	if (fuse_opt_parse(args, cli, nb_opts, nb_opt_proc) != 0)
		return -1;
	if (cli->want_db) {
		nb_err("--db needs a file name");
		return -1;
	}
	return 0;
}
