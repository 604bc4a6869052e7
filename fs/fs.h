/*
 * fs.h — declarations private to the filesystem and its command line.
 *
 * The filesystem is served through libfuse's low-level API: an inode number
 * is an index node's row id, so no path table is kept in memory.  All state
 * lives in one nb_fs context, passed to libfuse as userdata.
 */
#ifndef NB_FS_H
#define NB_FS_H

#define FUSE_USE_VERSION 35

#include <fuse_lowlevel.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "index.h"

/* Exit statuses of both commands. */
enum {
	NB_EXIT_OK = 0,
	NB_EXIT_FAIL = 1,	/* a file could not be read, an index or a mount failed */
	NB_EXIT_USAGE = 2,	/* bad command line */
};

/* The mounted filesystem: what every low-level operation needs. */
typedef struct {
	nb_index *ix;
	uid_t uid;		/* owner shown for every node: the mounting user */
	gid_t gid;
	double timeout;		/* entry and attribute cache lifetime, seconds */
} nb_fs;

extern const struct fuse_lowlevel_ops nb_fs_ops;

/* ---- the command line (args.c) -------------------------------------------- */

typedef enum {
	NB_CMD_MOUNT,
	NB_CMD_INDEX,
} nb_cmd;

typedef struct {
	nb_cmd cmd;
	const char *db;		/* --db FILE, or NULL for the default place */
	const char *rawdir;
	unsigned open_flags;	/* NB_OPEN_*, from -o csv=unix */
	bool help;
	bool version;
	bool want_db;		/* "--db" seen, its FILE is the next argument */
	unsigned positional;	/* positional arguments seen */
} nb_cli;

/*
 * Parses our own options out of args (--db, -o csv=, -h, -V and RAWDIR);
 * what is left is for libfuse (FUSE options and, when mounting, the
 * mountpoint).  Prints what was wrong and returns -1 on a usage error.
 * cli->cmd must be set.
 */
int nb_cli_parse(struct fuse_args *args, nb_cli *cli);

/* Prints "nianbaofs: " and the formatted message to stderr. */
void nb_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- bringing the index up to date (build.c) ------------------------------ */

/*
 * Checks that cli->rawdir is a directory (NB_EXIT_USAGE otherwise),
 * resolves the index path into dbpath (cli->db made absolute, or the
 * default place), and builds the index, reporting unreadable files on
 * stderr.  NB_EXIT_OK, or NB_EXIT_FAIL when no index could be written;
 * dbpath is "" when it could not be resolved.
 */
int nb_update_index(const nb_cli *cli, char *dbpath, size_t len,
		    nb_build_stats *stats);

int nb_cmd_index(int argc, char **argv);

/* ---- mounting (mount.c) ----------------------------------------------------- */

int nb_cmd_mount(int argc, char **argv);

/* ---- before mounting (precheck.c) ------------------------------------------ */

/* Checks that mountpoint is an empty directory with nothing mounted on it
 * and that the FUSE device exists; prints what is wrong and what to do.
 * 0, -1 (the mountpoint: a usage error) or -2 (no FUSE device). */
int nb_precheck_mount(const char *mountpoint);

/* ---- logging (log.c): libfuse's messages and the operations' errors ------ */

/* Messages of ours passed to fuse_log start with "nianbaofs: ". */
void nb_log_to_stderr(void);
void nb_log_to_syslog(void);	/* once in the background */

/* ---- help (main.c) ------------------------------------------------------------ */

void nb_print_usage(FILE *out);
void nb_print_version(void);

#endif
