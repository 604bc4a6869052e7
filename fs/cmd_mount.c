/*
 * cmd_mount.c — `nianbaofs [--db FILE] [FUSE options] RAWDIR MOUNTPOINT`.
 *
 * The sequence follows sshfs and libfuse's passthrough_hp: parse, check,
 * build the index while still attached to the terminal (so its errors are
 * seen), mount, leave the terminal, serve, and undo in reverse order.  The
 * process forks before it opens the index (daemon.c), its parent waiting
 * on the terminal until it serves.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs.h"

/* The kernel may cache names and attributes for as long as it likes: a
 * switch to a rebuilt index tells it what changed (snapshot.c). */
#define NB_CACHE_TIMEOUT 86400.0

/* Workers serving requests, unless -o max_threads says otherwise.  Each
 * costs ~1.3 MiB (its SQLite connection's page cache, its malloc arena,
 * its stack): libfuse's default of 10 made 13 MiB of the daemon's 25 at
 * 100,000 reports (issue 7: at most 50 MB).  Requests come one or two at
 * a time from a `find`, `grep -r` or `cat` (each waits for its answer;
 * readahead adds one), and this machine has 2 cores: 4 keep both busy
 * with one waiting on the disk.  A warm pass sends the daemon nothing at
 * all (README, "Performance"). */
#define NB_WORKERS "4"

/* Names the user may override come first; what makes the mount read-only
 * comes last, so that it wins. */
#define NB_MOUNT_OPTS_FIRST "-ofsname=nianbaofs,subtype=nianbaofs," \
	"max_threads=" NB_WORKERS
#define NB_MOUNT_OPTS_LAST "-oro,default_permissions"

/* A build that failed (a full disk, say) left the index as it was: that
 * one is served, as the last complete state of RAWDIR. */
static bool keep_old_index(const char *dbpath)
{
	if (!dbpath[0] || access(dbpath, R_OK) != 0)
		return false;
	nb_err("%s: the index could not be brought up to date; serving it as "
	       "it was", dbpath);
	return true;
}

/* 0 when the filesystem was unmounted or asked to stop by a signal. */
static int serve(struct fuse_session *se, const struct fuse_cmdline_opts *opts)
{
	struct fuse_loop_config *cfg;
	int rc;

	if (opts->singlethread) {
		rc = fuse_session_loop(se);
	} else {
		cfg = fuse_loop_cfg_create();
		if (!cfg) {
			fuse_log(FUSE_LOG_ERR, "nianbaofs: out of memory\n");
			return -ENOMEM;
		}
		fuse_loop_cfg_set_clone_fd(cfg, opts->clone_fd);
		/* A fixed pool: as many idle workers kept as there may be
		 * workers, so no thread is made and destroyed per request
		 * (UINT_MAX means -o max_idle_threads was not given). */
		fuse_loop_cfg_set_idle_threads(cfg,
			opts->max_idle_threads != UINT_MAX ?
			opts->max_idle_threads : opts->max_threads);
		fuse_loop_cfg_set_max_threads(cfg, opts->max_threads);
		rc = fuse_session_loop_mt(se, cfg);
		fuse_loop_cfg_destroy(cfg);
	}
	/* A positive value is the signal that ended the loop: a clean stop. */
	return rc < 0 ? rc : 0;
}

int nb_cmd_mount(int argc, char **argv)
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	nb_cli cli = { .cmd = NB_CMD_MOUNT };
	struct fuse_cmdline_opts opts;
	struct fuse_session *se = NULL;
	nb_fs fs = {
		.uid = getuid(),
		.gid = getgid(),
		.timeout = NB_CACHE_TIMEOUT,
	};
	char dbpath[PATH_MAX];
	nb_watch *watch = NULL;
	bool later = false;
	int ready = -1;		/* to tell the waiting parent (daemon.c) */
	int rc = NB_EXIT_USAGE;

	memset(&opts, 0, sizeof opts);
	if (nb_cli_parse(&args, &cli) != 0)
		goto out;
	if (nb_cli_answered(&cli)) {
		rc = NB_EXIT_OK;
		goto out;
	}
	if (fuse_opt_insert_arg(&args, 1, NB_MOUNT_OPTS_FIRST) != 0 ||
	    fuse_opt_add_arg(&args, NB_MOUNT_OPTS_LAST) != 0) {
		nb_err("out of memory");
		rc = NB_EXIT_FAIL;
		goto out;
	}
	/* libfuse says what was wrong: a bad option, a missing mountpoint. */
	if (fuse_parse_cmdline(&args, &opts) != 0)
		goto out;
	if (!cli.rawdir || !opts.mountpoint) {
		nb_cli_missing(&cli, cli.rawdir ? "MOUNTPOINT" :
			       "RAWDIR and MOUNTPOINT");
		goto out;
	}
	if (nb_check_mountpoint(opts.mountpoint) != 0)
		goto out;
	if (nb_check_fuse_device(opts.mountpoint) != 0) {
		rc = NB_EXIT_FAIL;
		goto out;
	}
	/* Made before the long index build so that an unknown FUSE option is
	 * reported at once; nothing is served until the loop runs. */
	se = fuse_session_new(&args, &nb_fs_ops, sizeof nb_fs_ops, &fs);
	if (!se)
		goto out;

	if (nb_check_rawdir(cli.rawdir) != 0)
		goto out;
	/* The index is opened in the process that serves it (daemon.c). */
	if (!opts.foreground) {
		int status;
		int frc = nb_daemon_fork(&ready, &status);
		if (frc != 0) {
			rc = frc > 0 ? status : NB_EXIT_FAIL;
			goto out;
		}
	}
	rc = NB_EXIT_FAIL;
	if (nb_mount_index(&cli, dbpath, sizeof dbpath, &later) != 0 &&
	    !keep_old_index(dbpath))
		goto out;
	if (nb_snaps_open(&fs.snaps, dbpath, nb_cli_open_flags(&cli)) != 0)
		goto out;
	if (fuse_set_signal_handlers(se) != 0)
		goto out;
	if (fuse_session_mount(se, opts.mountpoint) != 0)
		goto out_signals;

	if (nb_watch_new(&watch, &cli, dbpath) != 0)
		goto out_unmount;
	if (later)
		nb_watch_stale(watch);
	if (!opts.foreground)
		nb_log_to_syslog();
	nb_daemon_ready(ready);
	ready = -1;
	nb_snaps_set_session(fs.snaps, se);
	if (nb_watch_start(watch, &fs) != 0)
		goto out_unmount;
	if (serve(se, &opts) == 0)
		rc = NB_EXIT_OK;

out_unmount:
	/* before the session goes: the thread talks to the kernel through it */
	nb_watch_free(watch);
	fuse_session_unmount(se);
out_signals:
	fuse_remove_signal_handlers(se);
out:
	if (se)
		fuse_session_destroy(se);
	nb_snaps_close(fs.snaps);
	free(opts.mountpoint);
	nb_cli_free(&cli);
	fuse_opt_free_args(&args);
	if (ready >= 0)		/* failed before serving: the parent reads EOF */
		close(ready);
	return rc;
}
