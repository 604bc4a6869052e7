/*
 * fs.h — declarations private to the filesystem and its command line.
 *
 * The filesystem is served through libfuse's low-level API: an inode number
 * is an index node's row id, so no path table is kept in memory.  All state
 * lives in one nb_fs context, passed to libfuse as userdata.
 */
#ifndef NB_FS_H
#define NB_FS_H

/* 3.12: fuse_session_loop_mt takes the fuse_loop_config of
 * fuse_loop_cfg_create().  Under an older FUSE_USE_VERSION the same call
 * reads that struct as the 3.2 one: max_idle_threads 0 (a thread made and
 * destroyed per request) and clone_fd on. */
#define FUSE_USE_VERSION FUSE_MAKE_VERSION(3, 12)

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

/* The mounted filesystem: what every low-level operation needs.  The
 * served index is this one pointer, so that it can be replaced whole. */
typedef struct {
	nb_index *ix;
	uid_t uid;		/* owner shown for every node: the mounting user */
	gid_t gid;
	double timeout;		/* entry and attribute cache lifetime, seconds */
	/* The kernel opens files / directories without asking us once we
	 * answer ENOSYS (set in init from its capabilities). */
	bool no_open, no_opendir;
	/* The index failed and the failure was logged: later failures are
	 * not logged again until an operation succeeds (atomic). */
	int failing;
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
	bool quiet;		/* -q: no progress on the terminal */
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
 * stderr.  NB_EXIT_OK, or NB_EXIT_FAIL when no index could be written.
 */
int nb_update_index(const nb_cli *cli, char *dbpath, size_t len,
		    nb_build_stats *stats);

int nb_cmd_index(int argc, char **argv);

/* ---- progress while indexing (progress.c) ---------------------------------- */

typedef struct {
	bool on;		/* stderr is a terminal and no -q */
	bool shown;		/* a line is on the terminal */
	double start, drawn;	/* monotonic seconds */
	double base_time;	/* the rate is measured from here */
	unsigned base_done;
} nb_progress;

void nb_progress_start(nb_progress *p, bool quiet);
/* An nb_progress_fn; ctx is an nb_progress. */
void nb_progress_show(void *ctx, unsigned done, unsigned total);
/* Clears the line, if one was shown. */
void nb_progress_end(nb_progress *p);

/* ---- mounting (mount.c) ----------------------------------------------------- */

int nb_cmd_mount(int argc, char **argv);

/* ---- logging (log.c): libfuse's messages and the operations' errors ------ */

/* Messages of ours passed to fuse_log start with "nianbaofs: ". */
void nb_log_to_stderr(void);
void nb_log_to_syslog(void);	/* once in the background */

/* ---- help (main.c) ------------------------------------------------------------ */

void nb_print_usage(FILE *out);
void nb_print_version(void);

#endif
