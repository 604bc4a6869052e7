/*
 * fs.h — declarations private to the filesystem and its command line.
 *
 * The filesystem is served through libfuse's low-level API: an inode number
 * is an index node's row id, so no path table is kept in memory.  All state
 * lives in one nb_fs context, passed to libfuse as userdata.
 *
 * One return convention, as in core and index: a function that can fail
 * returns 0 (or a count, where it says so) or a negative errno or nb_status
 * (nianbao.h), and says whether it has printed or logged what was wrong.
 * Two other kinds of number exist only at the edges: a positive errno in a
 * reply to the kernel (ops.c), and an exit status (NB_EXIT_*), returned
 * only by the commands (nb_cmd_*, main).  A callback answers as its caller
 * defines (fuse_opt's proc, a fopencookie write, an nb_dirent_fn).
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
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "index.h"

/* Exit statuses of both commands. */
enum {
	NB_EXIT_OK = 0,
	NB_EXIT_FAIL = 1,	/* a file could not be read, an index or a mount failed */
	NB_EXIT_USAGE = 2,	/* bad command line */
	NB_EXIT_CANCELLED = 3,	/* the indexer, stopped by SIGTERM or SIGINT */
};

/* What starts our messages (log.c), and the indexer's (refresh.c reads
 * them). */
#define NB_PREFIX "nianbaofs: "

typedef struct nb_snaps nb_snaps;

/* The mounted filesystem: what every low-level operation needs.  The
 * served index is this one pointer, so that it can be replaced whole
 * (snapshot.c switches the versions behind it). */
typedef struct {
	nb_snaps *snaps;	/* the index served, in its versions (snapshot.c) */
	uid_t uid;		/* owner shown for every node: the mounting user */
	gid_t gid;
	double timeout;		/* entry and attribute cache lifetime, seconds */
	/* The kernel opens files / directories without asking us once we
	 * answer ENOSYS (set in init from its capabilities). */
	bool no_open, no_opendir;
	/* The index failed and the failure was logged: later failures are
	 * not logged again until an operation succeeds (atomic). */
	int failing;
	/* Operations answered so far (atomic): the start-up refresh waits
	 * until it stops moving (watch.c). */
	unsigned long answered;
} nb_fs;

extern const struct fuse_lowlevel_ops nb_fs_ops;

/* ---- the commands (cmd_mount.c, cmd_index.c): an exit status ------------ */

int nb_cmd_mount(int argc, char **argv);
/* cancel: the build stops once it is non-zero (a signal's handler). */
int nb_cmd_index(int argc, char **argv, const atomic_int *cancel);

/* ---- the command line (cli.c) ----------------------------------------------- */

typedef enum {
	NB_CMD_MOUNT,
	NB_CMD_INDEX,
} nb_cmd;

/* What the command line says.  The int fields are set by fuse_opt through
 * their offsets (cli.c), hence int, not bool. */
typedef struct {
	nb_cmd cmd;
	char *db;		/* --db FILE (malloc'd), or NULL: the default place */
	const char *rawdir;
	int csv_unix;		/* -o csv=unix (1) or csv=excel (0) */
	int nowatch;		/* -o nowatch: do not follow RAWDIR */
	int help;
	int version;
	int quiet;		/* -q: no progress on the terminal */
	int mounting;		/* --mounting: the indexer run by the mount */
	bool want_db;		/* "--db" seen, its FILE is the next argument */
	unsigned positional;	/* positional arguments seen */
} nb_cli;

/*
 * Parses our own options out of args (--db, -o csv=, -o nowatch, -q, -h,
 * -V and RAWDIR); what is left is for libfuse (FUSE options and, when
 * mounting, the mountpoint).  cli->cmd must be set, the rest zero.  0, or
 * -EINVAL once what was wrong is printed.  nb_cli_free frees what it kept.
 */
int nb_cli_parse(struct fuse_args *args, nb_cli *cli);
void nb_cli_free(nb_cli *cli);
/* NB_OPEN_* for nb_index_open, from -o csv=. */
unsigned nb_cli_open_flags(const nb_cli *cli);
/* Whether the command line asked for --help (the usage and our options,
 * then libfuse's when mounting) or --version, now printed on stdout. */
bool nb_cli_answered(const nb_cli *cli);
/* A usage error: "missing WHAT" and the command's synopsis. */
void nb_cli_missing(const nb_cli *cli, const char *what);

/* ---- where things are (paths.c) -------------------------------------------- */

/* 0 when rawdir is a directory; else a negative errno, printed. */
int nb_check_rawdir(const char *rawdir);

/* The index path, in dbpath: cli->db made absolute, or the default place.
 * 0, or a negative errno (printed) and dbpath "". */
int nb_index_path(const nb_cli *cli, char *dbpath, size_t len);

/* ---- bringing the index up to date (update.c, in the indexer only) ------- */

/*
 * nb_index_path, then builds the index, reporting unreadable files on
 * stderr; stops early once *cancel is non-zero.  0, NB_CANCELLED, or a
 * negative errno when no index could be written (printed); dbpath is ""
 * when it could not be resolved.
 */
int nb_update_index(const nb_cli *cli, char *dbpath, size_t len,
		    nb_build_stats *stats, const atomic_int *cancel);

/* ---- running the indexer from the mount (indexer.c) ------------------------ */

/* The path of nianbaofs-index, in buf: 0, or -ENOENT (logged). */
int nb_indexer_path(char *buf, size_t len);
/* `nianbaofs index ARGS`: becomes nianbaofs-index ARGS (argv[0] is
 * replaced); returns an exit status only if that failed (logged). */
int nb_indexer_exec(char **argv);
/* Starts nianbaofs-index with args (NULL-terminated, at most 14), stdin
 * /dev/null, stderr errfd (-1: this process's).  0 or a negative errno
 * (logged). */
int nb_indexer_spawn(const char *const *args, int errfd, pid_t *pid);
/* Waits for it: its exit status (NB_EXIT_*), or a negative errno. */
int nb_indexer_wait(pid_t pid);

/*
 * The index a mount starts with (startup.c): one that may be served as it
 * is (nb_index_current) is, and *later is set: the watch brings it up to
 * date in the background.  Else the indexer builds it, on the terminal:
 * 0, or a negative errno (what was wrong is printed).
 */
int nb_mount_index(const nb_cli *cli, char *dbpath, size_t len, bool *later);

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

/* ---- the versions of the index served (snapshot.c, lookups.c) ---------- */

/*
 * The index at dbpath, opened for serving; later versions renamed over
 * dbpath are switched to by nb_snaps_reload.  Errors are logged.
 */
int nb_snaps_open(nb_snaps **out, const char *dbpath, unsigned flags);
void nb_snaps_close(nb_snaps *s);
/* Where the kernel is told what a switch changed (NULL: nowhere). */
void nb_snaps_set_session(nb_snaps *s, struct fuse_session *se);

/* As nb_index_*: names from the newest version, inode numbers from the
 * newest version that has them.  After -EIO, nb_snap_error (this
 * thread's) says what the index said. */
int nb_snap_getattr(nb_snaps *s, uint64_t ino, nb_node *out);
/* Counts the entry as handed to the kernel (nb_snap_forget undoes it). */
int nb_snap_lookup(nb_snaps *s, uint64_t parent, const char *name,
		   nb_node *out);
int nb_snap_readdir(nb_snaps *s, uint64_t ino, uint64_t off, nb_dirent_fn fn,
		    void *ctx);
ssize_t nb_snap_read(nb_snaps *s, uint64_t ino, char *buf, size_t size,
		     uint64_t off);
int nb_snap_totals(nb_snaps *s, uint64_t *nodes, uint64_t *bytes);
const char *nb_snap_error(nb_snaps *s);
/* The kernel's lookup count: an entry of readdirplus (call it from the
 * nb_dirent_fn, while the version is held), and FORGET. */
void nb_snap_looked_up(nb_snaps *s, uint64_t ino);
void nb_snap_forget(nb_snaps *s, uint64_t ino, uint64_t n);

/* If dbpath is now another file, serves it and tells the kernel what
 * changed: 1; 0 when it is the file served; a negative errno (logged)
 * when it cannot be served, and the old one still is. */
int nb_snaps_reload(nb_snaps *s);
/* Closes older versions that nothing refers to any more. */
void nb_snaps_retire(nb_snaps *s);
bool nb_snaps_has_old(nb_snaps *s);

/* A hard link "<dbpath>.gen-<pid>-<serial>" to the index file (pin.c),
 * or NULL when none can be made; nb_unpin removes and frees it.
 * nb_pins_clean removes the links of processes that are gone. */
char *nb_pin(const char *dbpath, unsigned serial);
void nb_unpin(char *pin);
void nb_pins_clean(const char *dbpath);

typedef struct nb_lookups nb_lookups;
int nb_lookups_new(nb_lookups **out);
void nb_lookups_free(nb_lookups *l);
void nb_lookups_add(nb_lookups *l, uint64_t ino);
void nb_lookups_forget(nb_lookups *l, uint64_t ino, uint64_t n);
/* Whether the kernel holds any of inos. */
bool nb_lookups_any(nb_lookups *l, const uint64_t *inos, size_t n);

/* ---- following RAWDIR and the index while mounted (watch.c, refresh.c) -- */

typedef struct nb_refresh nb_refresh;

/* rawdir absolute (the daemon runs from "/"). */
int nb_refresh_new(nb_refresh **out, nb_snaps *snaps, const char *rawdir,
		   const char *dbpath);
void nb_refresh_free(nb_refresh *r);
/* Makes a refresh running on another thread, and every later one, stop as
 * soon as it can (nb_index_build_cancellable): before an unmount. */
void nb_refresh_cancel(nb_refresh *r);
/* Brings the index up to date with RAWDIR, then serves it (as
 * nb_snaps_reload).  Everything is logged. */
int nb_refresh_run(nb_refresh *r);

/* background.c: the calling thread yields the CPU to the others (nice
 * 10); 0 or a negative errno. */
int nb_thread_background(void);

typedef struct nb_watch nb_watch;

/*
 * What keeps the mount current: it rebuilds the index once RAWDIR has been
 * quiet for a moment (unless cli->nowatch), switches to an index rebuilt by
 * someone else, and refreshes at once on SIGHUP.  nb_watch_new resolves
 * the paths (before going to the background changes the directory);
 * nb_watch_start starts the thread (after the fork), blocking SIGHUP in the
 * calling thread and so in the threads it starts later.  Errors are
 * logged; the old index keeps being served.
 */
int nb_watch_new(nb_watch **out, const nb_cli *cli, const char *dbpath);
int nb_watch_start(nb_watch *w, nb_fs *fs);
/* The index served was not brought up to date before the mount: the
 * thread does so first, even under -o nowatch, once the mount has
 * answered nothing for a moment (at most seconds).  Before start. */
void nb_watch_stale(nb_watch *w);
/* Stops the thread, if started, and frees w. */
void nb_watch_free(nb_watch *w);

/* ---- going to the background (daemon.c) ------------------------------------ */

/*
 * Forks.  In the child: 0, *ready the descriptor for nb_daemon_ready.  In
 * the parent, once the child is ready or gone: 1, *status the exit status
 * to end with.  A negative errno (printed) when no child was made.
 */
int nb_daemon_fork(int *ready, int *status);
/* Serving from now on: changes to "/"; with a ready descriptor (not in
 * the foreground, -1), also leaves the terminal and lets the parent go. */
void nb_daemon_ready(int ready);

/* ---- before mounting (precheck.c) ------------------------------------------ */

/* That mountpoint is an empty directory with nothing mounted on it, and
 * that the FUSE device exists: 0, or a negative errno once what is wrong
 * and what to do is printed. */
int nb_check_mountpoint(const char *mountpoint);
int nb_check_fuse_device(const char *mountpoint);

/* ---- logging (log.c): libfuse's messages and the operations' errors ------ */

/* Messages of ours passed to fuse_log start with "nianbaofs: ". */
void nb_log_to_stderr(void);
void nb_log_to_syslog(void);	/* once in the background */

/* Prints "nianbaofs: " and the formatted message to stderr. */
void nb_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
