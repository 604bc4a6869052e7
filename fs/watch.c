/*
 * watch.c — the thread that keeps a mount current.
 *
 * It watches every directory under RAWDIR with inotify (directories made
 * later included; symbolic links are not followed: a link the walker
 * follows points inside RAWDIR, whose directories are watched as they
 * are), and the index's directory for an index renamed into place by
 * `nianbaofs index`.  A change to RAWDIR is indexed once writes have
 * settled.  -o nowatch leaves RAWDIR alone; an index rebuilt on purpose is
 * still served, and SIGHUP refreshes at once either way.  A mount that
 * started with its index as it was (startup.c) is refreshed as soon as it
 * has been quiet for a moment: its first answers come first.  The same thread
 * closes older versions of the index once nothing refers to them.
 */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fs.h"

/* "About a second of quiet" (issue 8): a copy or a scraper writing a file
 * in pieces is indexed once, when done. */
#define WATCH_QUIET_MS 1000
/* A RAWDIR that never stays quiet for a second is still followed. */
#define WATCH_MAX_WAIT_MS 3000
/* How often older versions of the index are looked at, while there are. */
#define WATCH_RETIRE_MS 1000
/* RAWDIR deeper than this is not watched below (the walker stops earlier). */
#define WATCH_MAX_DEPTH 64
/* The start-up refresh waits for the mount to answer nothing for this
 * long: at 100,000 reports it walks every raw file and reads the index
 * for seconds, and on 2 busy cores, even at nice 10, it made the first
 * `ls` after the mount ~0.2 s slower (README, "Performance"). */
#define STARTUP_QUIET_MS 500
/* ... but no longer than this after the mount, however busy it is. */
#define STARTUP_MAX_WAIT_MS 10000

#define RAW_MASK (IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | \
		  IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB | IN_ONLYDIR | \
		  IN_DONT_FOLLOW | IN_EXCL_UNLINK | IN_MASK_ADD)
#define DB_MASK (IN_MOVED_TO | IN_CREATE | IN_CLOSE_WRITE | IN_ONLYDIR | \
		 IN_MASK_ADD)

struct nb_watch {
	char rawdir[PATH_MAX];
	char dbpath[PATH_MAX];
	char dbdir[PATH_MAX];
	char dbbase[NAME_MAX + 1];
	bool nowatch;
	bool stale;		/* the index served is not yet up to date */
	nb_fs *fs;
	nb_refresh *refresh;
	int ifd, sfd, stopfd;
	int dbwd;
	char **paths;		/* the directory of each watch, by descriptor */
	size_t npaths;
	bool limit_said;
	bool started;
	pthread_t thread;
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int nb_watch_new(nb_watch **out, const nb_cli *cli, const char *dbpath)
{
	nb_watch *w = calloc(1, sizeof *w);
	if (!w) {
		nb_err("out of memory");
		return -ENOMEM;
	}
	w->ifd = w->sfd = w->stopfd = w->dbwd = -1;
	w->nowatch = cli->nowatch;
	if (!realpath(cli->rawdir, w->rawdir)) {
		int e = errno;
		nb_err("%s: %s", cli->rawdir, strerror(e));
		free(w);
		return -e;
	}
	snprintf(w->dbpath, sizeof w->dbpath, "%s", dbpath);
	char copy[PATH_MAX];
	snprintf(copy, sizeof copy, "%s", dbpath);
	snprintf(w->dbdir, sizeof w->dbdir, "%s", dirname(copy));
	snprintf(copy, sizeof copy, "%s", dbpath);
	snprintf(w->dbbase, sizeof w->dbbase, "%s", basename(copy));
	*out = w;
	return 0;
}

/* ---- watching RAWDIR ------------------------------------------------------------ */

static void remember(nb_watch *w, int wd, const char *path)
{
	if ((size_t)wd >= w->npaths) {
		size_t n = w->npaths ? w->npaths : 64;
		while (n <= (size_t)wd)
			n *= 2;
		char **v = realloc(w->paths, n * sizeof *v);
		if (!v)
			return;	/* the watch works; only a rescan is lost */
		memset(v + w->npaths, 0, (n - w->npaths) * sizeof *v);
		w->paths = v;
		w->npaths = n;
	}
	char *copy = strdup(path);
	if (copy) {
		free(w->paths[wd]);
		w->paths[wd] = copy;
	}
}

static bool is_watched(const nb_watch *w, int wd)
{
	return wd >= 0 && (size_t)wd < w->npaths && w->paths[wd];
}

/* Watches dir and every directory below it (again: a watch that exists
 * keeps its descriptor, and learns its directory's present path). */
static void watch_tree(nb_watch *w, const char *dir, int depth)
{
	int wd = inotify_add_watch(w->ifd, dir, RAW_MASK);
	if (wd < 0) {
		if (depth == 0 && errno != ENOSPC)
			fuse_log(FUSE_LOG_ERR, "nianbaofs: %s: cannot watch it: "
				 "%s; send SIGHUP to refresh the mount\n", dir,
				 strerror(errno));
		if (errno == ENOSPC && !w->limit_said) {
			w->limit_said = true;
			fuse_log(FUSE_LOG_ERR, "nianbaofs: %s: cannot watch every "
				 "directory: the limit of inotify watches is reached "
				 "(sysctl fs.inotify.max_user_watches); changes there "
				 "are seen at the next refresh (or send SIGHUP)\n", dir);
		}
		return;	/* else gone meanwhile, or not a directory */
	}
	remember(w, wd, dir);
	if (depth >= WATCH_MAX_DEPTH)
		return;
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		bool sub = de->d_type == DT_DIR;
		char path[PATH_MAX];
		int n = snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (n < 0 || (size_t)n >= sizeof path)
			continue;
		if (de->d_type == DT_UNKNOWN) {
			struct stat st;
			sub = lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
		}
		if (sub)
			watch_tree(w, path, depth + 1);
	}
	closedir(d);
}

typedef struct {
	bool changed;		/* something under RAWDIR */
	bool rescan;		/* a directory came: watch below it */
	bool db;		/* an index was put in place */
} happened;

static void read_events(nb_watch *w, happened *h)
{
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	for (;;) {
		ssize_t n = read(w->ifd, buf, sizeof buf);
		if (n <= 0)
			return;	/* EAGAIN: all read */
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const void *)p;
			p += sizeof *ev + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) {
				h->changed = h->rescan = h->db = true;
				continue;
			}
			if (ev->wd == w->dbwd && ev->len &&
			    !strcmp(ev->name, w->dbbase))
				h->db = true;
			if (!is_watched(w, ev->wd))
				continue;
			if (ev->mask & IN_IGNORED) {
				free(w->paths[ev->wd]);
				w->paths[ev->wd] = NULL;
				continue;
			}
			/* the index kept inside RAWDIR is no report */
			if (ev->wd == w->dbwd && ev->len &&
			    !strncmp(ev->name, w->dbbase, strlen(w->dbbase)))
				continue;
			h->changed = true;
			if ((ev->mask & IN_ISDIR) &&
			    (ev->mask & (IN_CREATE | IN_MOVED_TO)))
				h->rescan = true;
		}
	}
}

/* ---- the thread ------------------------------------------------------------------ */

/* Waits until the mount has been quiet for STARTUP_QUIET_MS (at most
 * STARTUP_MAX_WAIT_MS); false when the thread is asked to stop meanwhile. */
static bool wait_quiet(nb_watch *w)
{
	int64_t end = now_ms() + STARTUP_MAX_WAIT_MS;
	unsigned long seen = __atomic_load_n(&w->fs->answered, __ATOMIC_RELAXED);

	for (;;) {
		struct pollfd stop = {.fd = w->stopfd, .events = POLLIN};
		int64_t left = end - now_ms();
		if (left <= 0)
			return true;
		if (poll(&stop, 1, left < STARTUP_QUIET_MS ? (int)left :
			 STARTUP_QUIET_MS) > 0)
			return false;
		unsigned long now = __atomic_load_n(&w->fs->answered,
						    __ATOMIC_RELAXED);
		if (now == seen)
			return true;
		seen = now;
	}
}

static void *run(void *arg)
{
	nb_watch *w = arg;
	/* What this thread does can wait; the answers owed to the kernel
	 * cannot.  Failing to lower its priority costs only speed. */
	int prc = nb_thread_background();
	if (prc < 0)
		fuse_log(FUSE_LOG_DEBUG, "nianbaofs: refresh thread at normal "
			 "priority: %s\n", strerror(-prc));
	/* An index served as it was is brought up to date once the mount is
	 * quiet; RAWDIR is watched from then on, before that refresh's walk,
	 * so that nothing changed after the walk goes unseen.  Stopped while
	 * waiting, the loop below ends at once. */
	bool go = !w->stale || wait_quiet(w);
	/* Here, not before serving: thousands of directories take a while. */
	if (go && !w->nowatch)
		watch_tree(w, w->rawdir, 0);
	/* changes not yet indexed: those made while the mount was being set
	 * up are looked for once, at the start; at once when the index
	 * served was not brought up to date first */
	int64_t first = now_ms(), last = first;
	bool pending = !w->nowatch;
	if (w->stale && go) {
		nb_refresh_run(w->refresh);
		pending = false;
	}

	for (;;) {
		int64_t now = now_ms();
		int timeout = -1;
		if (pending) {
			int64_t due = last + WATCH_QUIET_MS;
			if (due > first + WATCH_MAX_WAIT_MS)
				due = first + WATCH_MAX_WAIT_MS;
			timeout = due > now ? (int)(due - now) : 0;
		}
		if (nb_snaps_has_old(w->fs->snaps) &&
		    (timeout < 0 || timeout > WATCH_RETIRE_MS))
			timeout = WATCH_RETIRE_MS;
		struct pollfd fds[3] = {
			{.fd = w->stopfd, .events = POLLIN},
			{.fd = w->sfd, .events = POLLIN},
			{.fd = w->ifd, .events = POLLIN},
		};
		if (poll(fds, 3, timeout) < 0 && errno != EINTR) {
			fuse_log(FUSE_LOG_ERR, "nianbaofs: watching %s stopped: %s\n",
				 w->rawdir, strerror(errno));
			break;
		}
		if (fds[0].revents)
			break;
		bool now_please = false;
		if (fds[1].revents) {
			struct signalfd_siginfo si;
			while (read(w->sfd, &si, sizeof si) == (ssize_t)sizeof si)
				now_please = true;
		}
		happened h = {0};
		if (fds[2].revents)
			read_events(w, &h);
		now = now_ms();
		if (h.rescan)
			watch_tree(w, w->rawdir, 0);
		if (h.changed) {
			if (!pending)
				first = now;
			pending = true;
			last = now;
		}
		bool due = pending && (now - last >= WATCH_QUIET_MS ||
				       now - first >= WATCH_MAX_WAIT_MS);
		if (now_please || due) {
			pending = false;
			nb_refresh_run(w->refresh);
		} else if (h.db) {
			nb_snaps_reload(w->fs->snaps);
		}
		nb_snaps_retire(w->fs->snaps);
	}
	return NULL;
}

int nb_watch_start(nb_watch *w, nb_fs *fs)
{
	sigset_t hup;
	int rc;

	w->fs = fs;
	if ((rc = nb_refresh_new(&w->refresh, fs->snaps, w->rawdir, w->dbpath)))
		goto fail;
	/* SIGHUP is read from a signalfd by the thread; blocked here, it is
	 * blocked in every thread libfuse starts from this one. */
	sigemptyset(&hup);
	sigaddset(&hup, SIGHUP);
	if ((rc = -pthread_sigmask(SIG_BLOCK, &hup, NULL)))
		goto fail;
	w->sfd = signalfd(-1, &hup, SFD_NONBLOCK | SFD_CLOEXEC);
	w->stopfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (w->sfd < 0 || w->stopfd < 0) {
		rc = -errno;
		goto fail;
	}
	w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->ifd < 0) {
		rc = -errno;
		goto fail;
	}
	w->dbwd = inotify_add_watch(w->ifd, w->dbdir, DB_MASK);
	if (w->dbwd < 0)
		fuse_log(FUSE_LOG_ERR, "nianbaofs: %s: cannot watch for an index "
			 "rebuilt by `nianbaofs index`: %s\n", w->dbdir,
			 strerror(errno));
	if ((rc = -pthread_create(&w->thread, NULL, run, w)))
		goto fail;
	/* told apart from the workers in top and perf; a name is optional */
	(void)pthread_setname_np(w->thread, "nb-refresh");
	w->started = true;
	return 0;
fail:
	fuse_log(FUSE_LOG_ERR, "nianbaofs: cannot follow %s: %s\n", w->rawdir,
		 strerror(-rc));
	return rc;
}

void nb_watch_stale(nb_watch *w)
{
	w->stale = true;
}

void nb_watch_free(nb_watch *w)
{
	if (!w)
		return;
	if (w->started) {
		uint64_t one = 1;
		/* a refresh under way would keep the unmount waiting for
		 * minutes at 100,000 reports: stopped, rolled back */
		nb_refresh_cancel(w->refresh);
		/* only a counter at its maximum refuses: it is 0 here */
		(void)!write(w->stopfd, &one, sizeof one);
		pthread_join(w->thread, NULL);
	}
	nb_refresh_free(w->refresh);
	for (size_t i = 0; i < w->npaths; i++)
		free(w->paths[i]);
	free(w->paths);
	if (w->ifd >= 0)
		close(w->ifd);
	if (w->sfd >= 0)
		close(w->sfd);
	if (w->stopfd >= 0)
		close(w->stopfd);
	free(w);
}
