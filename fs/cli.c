/*
 * cli.c — the command line of both commands: the options, declared once
 * (each with its spellings, the field of nb_cli it sets and its help), the
 * usage and --help built from that declaration, the version, and the
 * messages for a command line that is wrong.
 *
 * Parsing is libfuse's option parser, so that our options mix freely with
 * FUSE options in any order, as in sshfs.  As there, an option that only
 * sets a field is a fuse_opt entry with offsetof; the few that need a check
 * (a value, or a command that does not take them) are keys seen by
 * opt_proc.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"

enum {
	KEY_SEEN,	/* any option of ours: refused in --db's place */
	KEY_DB,		/* "--db FILE": the FILE is the next argument */
	KEY_DB_EQ,	/* "--db=FILE": FILE may not be empty */
	KEY_CSV,	/* "-o csv=DIALECT": mounting only, a known dialect */
	KEY_MOUNT_ONLY,	/* an option that only applies when mounting */
	KEY_INTERNAL,	/* the mount's own option to the indexer */
};

/* An option as --help shows it, and its spellings for fuse_opt. */
typedef struct {
	const char *shown;	/* NULL: a check, not listed */
	const char *help;	/* a "\n" starts another line */
	struct fuse_opt spell[4];	/* ended by FUSE_OPT_END */
} option;

#define SET(templ, field, value) { templ, offsetof(nb_cli, field), value }

static const option options[] = {
	{ "--db FILE, --db=FILE",
	  "the index file (default: one per RAWDIR under\n"
	  "$XDG_CACHE_HOME/nianbaofs/, or ~/.cache/nianbaofs/)",
	  { FUSE_OPT_KEY("--db", KEY_DB), SET("--db=%s", db, 0),
	    FUSE_OPT_KEY("--db=", KEY_DB_EQ), FUSE_OPT_END } },
	{ "-o csv=unix", "serve CSV files as UTF-8 without BOM, LF line ends",
	  { SET("csv=unix", csv_unix, 1), FUSE_OPT_END } },
	{ "-o csv=excel", "UTF-8 with BOM, CRLF line ends (the default)",
	  { SET("csv=excel", csv_unix, 0), FUSE_OPT_END } },
	{ NULL, NULL, { FUSE_OPT_KEY("csv=", KEY_CSV), FUSE_OPT_END } },
	{ "-o nowatch", "do not follow changes to RAWDIR while mounted\n"
	  "(kill -HUP refreshes the mount at once)",
	  { SET("nowatch", nowatch, 1), FUSE_OPT_KEY("nowatch", KEY_MOUNT_ONLY),
	    FUSE_OPT_END } },
	{ "-q, --quiet", "no progress while indexing (shown on a terminal:\n"
	  "files done of total, rate, time left)",
	  { SET("-q", quiet, 1), SET("--quiet", quiet, 1), FUSE_OPT_END } },
	/* the mount running the indexer (indexer.c): not for users */
	{ NULL, NULL, { SET("--mounting", mounting, 1),
			FUSE_OPT_KEY("--mounting", KEY_INTERNAL), FUSE_OPT_END } },
	{ "-h, --help", "print this help and exit",
	  { SET("-h", help, 1), SET("--help", help, 1), FUSE_OPT_END } },
	{ "-V, --version", "print the version and exit",
	  { SET("-V", version, 1), SET("--version", version, 1), FUSE_OPT_END } },
};

#define NOPTIONS (sizeof options / sizeof options[0])
#define NSPELL (sizeof options[0].spell / sizeof options[0].spell[0])

/* The first column of the option list, as wide as its longest entry. */
#define HELP_INDENT 4
#define HELP_COLUMN 23

static const struct {
	const char *synopsis;
	const char *hint;	/* after the synopsis in a usage error */
} commands[] = {
	[NB_CMD_MOUNT] = { "nianbaofs [--db FILE] [FUSE options] RAWDIR MOUNTPOINT",
			   " (see nianbaofs --help)" },
	[NB_CMD_INDEX] = { "nianbaofs index [--db FILE] RAWDIR", "" },
};

/* Every spelling of every option, as one fuse_opt table.  A spelling that
 * sets a field is followed by a key of the same template, so that opt_proc
 * sees it too and can refuse it in the place of --db's FILE. */
static void flatten(struct fuse_opt *out)
{
	size_t n = 0;

	for (size_t i = 0; i < NOPTIONS; i++) {
		for (const struct fuse_opt *o = options[i].spell; o->templ; o++) {
			out[n++] = *o;
			if (o->offset != -1U)
				out[n++] = (struct fuse_opt)
					FUSE_OPT_KEY(o->templ, KEY_SEEN);
		}
	}
	out[n] = (struct fuse_opt)FUSE_OPT_END;
}

/* Whether arg is spelt exactly as an option that sets a field. */
static bool declared(const char *arg)
{
	for (size_t i = 0; i < NOPTIONS; i++)
		for (const struct fuse_opt *o = options[i].spell; o->templ; o++)
			if (o->offset != -1U && strcmp(o->templ, arg) == 0)
				return true;
	return false;
}

static int take_db(nb_cli *cli, const char *file)
{
	char *copy;

	if (!*file) {
		nb_err("--db needs a file name");
		return -1;
	}
	copy = strdup(file);
	if (!copy) {
		nb_err("out of memory");
		return -1;
	}
	free(cli->db);
	cli->db = copy;
	return 0;
}

static int mount_only(const nb_cli *cli, const char *arg)
{
	if (cli->cmd == NB_CMD_MOUNT)
		return 0;
	nb_err("-o %s only applies when mounting", arg);
	return -1;
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

/* fuse_opt's callback: -1 stops the parse (the message is printed), 0
 * drops arg, 1 keeps it for libfuse. */
static int opt_proc(void *data, const char *arg, int key,
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
	case KEY_SEEN:
		return 0;
	case KEY_DB:
		cli->want_db = true;
		return 0;
	case KEY_DB_EQ:
		return take_db(cli, arg + strlen("--db="));
	case KEY_CSV:
		if (mount_only(cli, arg) != 0)
			return -1;
		if (!declared(arg)) {
			nb_err("-o %s: unknown CSV dialect (use csv=unix or "
			       "csv=excel)", arg);
			return -1;
		}
		return 0;
	case KEY_MOUNT_ONLY:
		return mount_only(cli, arg) != 0 ? -1 : 0;
	case KEY_INTERNAL:
		if (cli->cmd == NB_CMD_INDEX)
			return 0;
		nb_err("unknown option '%s' (see nianbaofs --help)", arg);
		return -1;
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
	/* each spelling, and a key after each that sets a field */
	struct fuse_opt table[NOPTIONS * NSPELL * 2 + 1];

	flatten(table);
	/* On failure the message is printed already: ours, or libfuse's
	 * ("missing argument after `-o'"). */
	if (fuse_opt_parse(args, cli, table, opt_proc) != 0)
		return -EINVAL;
	if (cli->want_db) {
		nb_err("--db needs a file name");
		return -EINVAL;
	}
	return 0;
}

unsigned nb_cli_open_flags(const nb_cli *cli)
{
	return cli->csv_unix ? NB_OPEN_CSV_UNIX : 0;
}

void nb_cli_free(nb_cli *cli)
{
	free(cli->db);
	cli->db = NULL;
}

static void print_options(FILE *out)
{
	for (size_t i = 0; i < NOPTIONS; i++) {
		const char *h = options[i].help;

		if (!options[i].shown)
			continue;
		fprintf(out, "%*s%-*s", HELP_INDENT, "", HELP_COLUMN,
			options[i].shown);
		while (h) {
			const char *nl = strchr(h, '\n');
			int len = nl ? (int)(nl - h) : (int)strlen(h);

			fprintf(out, "%.*s\n", len, h);
			h = nl ? nl + 1 : NULL;
			if (h)
				fprintf(out, "%*s", HELP_INDENT + HELP_COLUMN, "");
		}
	}
}

static void print_usage(FILE *out)
{
	fprintf(out, "usage: %s\n       %s\n", commands[NB_CMD_MOUNT].synopsis,
		commands[NB_CMD_INDEX].synopsis);
	fputs("\n"
	      "The first form brings the index of RAWDIR up to date, then mounts it\n"
	      "read-only at MOUNTPOINT and goes to the background (unless -f).\n"
	      "Unmount with: fusermount3 -u MOUNTPOINT\n"
	      "The second form only brings the index up to date and prints a summary;\n"
	      "it exits with 1 when a file or directory could not be read.\n"
	      "\n"
	      "options:\n", out);
	print_options(out);
}

static void print_help(const nb_cli *cli)
{
	print_usage(stdout);
	if (cli->cmd != NB_CMD_MOUNT)
		return;
	printf("\nFUSE options:\n");
	fuse_cmdline_help();
	fuse_lowlevel_help();
}

static void print_version(void)
{
	printf("nianbaofs version %s\n", NB_VERSION);
	printf("FUSE library version %s\n", fuse_pkgversion());
	/* What follows comes partly from fusermount3, run as a child. */
	fflush(stdout);
	fuse_lowlevel_version();
}

bool nb_cli_answered(const nb_cli *cli)
{
	if (cli->help)
		print_help(cli);
	else if (cli->version)
		print_version();
	return cli->help || cli->version;
}

void nb_cli_missing(const nb_cli *cli, const char *what)
{
	nb_err("missing %s\nusage: %s%s", what, commands[cli->cmd].synopsis,
	       commands[cli->cmd].hint);
}
