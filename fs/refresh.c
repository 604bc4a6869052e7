/*
 * refresh.c — one refresh of a mounted filesystem: bring the index up to
 * date with RAWDIR in the background, then serve the new index.  The build
 * runs in the indexer, a child process (indexer.c), so that its memory is
 * never the daemon's.  What it says on stderr, read here through a pipe,
 * goes to the log (syslog once in the background), each message once: a
 * file that cannot be read is named again by every build, and the log
 * should not repeat it on every change to RAWDIR.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs.h"

struct nb_refresh {
	nb_snaps *snaps;
	char *rawdir;
	char *dbpath;
	char *said;		/* the lines the last build logged, each + '\n' */
	char *line;		/* the line being written */
	size_t len, cap;
	char *now;		/* the lines of this build */
	size_t nlen, ncap;
	atomic_int cancel;	/* set by nb_refresh_cancel, on unmount */
	pthread_mutex_t lock;	/* guards child */
	pid_t child;		/* the indexer running, or 0 */
};

/* 0 or -ENOMEM (then *s is unchanged). */
static int append(char **s, size_t *len, size_t *cap, const char *p, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t c = *cap ? *cap : 256;
		while (c < *len + n + 1)
			c *= 2;
		char *ns = realloc(*s, c);
		if (!ns)
			return -ENOMEM;
		*s = ns;
		*cap = c;
	}
	memcpy(*s + *len, p, n);
	*len += n;
	(*s)[*len] = '\0';
	return 0;
}

/* A whole line (with its '\n') from the build: logged unless the last
 * build logged it too.  Out of memory, it is logged without being kept. */
static void take_line(nb_refresh *r, const char *line, size_t n)
{
	/* the indexer's prefix: fuse_log's lines get ours */
	if (n >= strlen(NB_PREFIX) && !memcmp(line, NB_PREFIX, strlen(NB_PREFIX))) {
		line += strlen(NB_PREFIX);
		n -= strlen(NB_PREFIX);
	}
	if (append(&r->now, &r->nlen, &r->ncap, line, n) != 0) {
		fuse_log(FUSE_LOG_ERR, "nianbaofs: %.*s", (int)n, line);
		return;
	}
	/* said holds whole lines: a match that starts a line is that line */
	const char *p = r->said;
	while (p && (p = strstr(p, r->now + r->nlen - n)))
		if (p == r->said || p[-1] == '\n')
			return;
		else
			p++;
	fuse_log(FUSE_LOG_ERR, "nianbaofs: %.*s", (int)n, line);
}

static ssize_t log_write(void *cookie, const char *buf, size_t size)
{
	nb_refresh *r = cookie;
	for (size_t i = 0; i < size; i++) {
		if (append(&r->line, &r->len, &r->cap, buf + i, 1) != 0)
			return -1;
		if (buf[i] == '\n') {
			take_line(r, r->line, r->len);
			r->len = 0;
		}
	}
	return (ssize_t)size;
}

int nb_refresh_new(nb_refresh **out, nb_snaps *snaps, const char *rawdir,
		   const char *dbpath)
{
	nb_refresh *r = calloc(1, sizeof *r);
	if (!r)
		return -ENOMEM;
	r->snaps = snaps;
	pthread_mutex_init(&r->lock, NULL);
	r->rawdir = strdup(rawdir);
	r->dbpath = strdup(dbpath);
	if (!r->rawdir || !r->dbpath) {
		nb_refresh_free(r);
		return -ENOMEM;
	}
	*out = r;
	return 0;
}

void nb_refresh_cancel(nb_refresh *r)
{
	atomic_store(&r->cancel, 1);
	pthread_mutex_lock(&r->lock);
	if (r->child > 0)
		kill(r->child, SIGTERM);	/* it rolls back and exits */
	pthread_mutex_unlock(&r->lock);
}

void nb_refresh_free(nb_refresh *r)
{
	if (!r)
		return;
	free(r->rawdir);
	free(r->dbpath);
	free(r->said);
	free(r->line);
	free(r->now);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

/* Runs the indexer with its stderr into the log: its exit status, or a
 * negative errno (logged) when it could not run. */
static int run_indexer(nb_refresh *r)
{
	const char *args[] = { "--mounting", "-q", "--db", r->dbpath, "--",
			       r->rawdir, NULL };
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) != 0) {
		int e = errno;
		fuse_log(FUSE_LOG_ERR, "nianbaofs: cannot run the indexer: %s\n",
			 strerror(e));
		return -e;
	}
	int rc = nb_indexer_spawn(args, fds[1], &pid);
	close(fds[1]);
	if (rc < 0) {
		close(fds[0]);
		return rc;
	}
	pthread_mutex_lock(&r->lock);
	r->child = pid;
	if (atomic_load(&r->cancel))	/* asked before it was there to kill */
		kill(pid, SIGTERM);
	pthread_mutex_unlock(&r->lock);
	char buf[4096];
	ssize_t n;
	while ((n = read(fds[0], buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		log_write(r, buf, (size_t)n);
	}
	close(fds[0]);
	rc = nb_indexer_wait(pid);
	pthread_mutex_lock(&r->lock);
	r->child = 0;
	pthread_mutex_unlock(&r->lock);
	return rc;
}

int nb_refresh_run(nb_refresh *r)
{
	r->nlen = 0;
	int rc = atomic_load(&r->cancel) ? NB_EXIT_CANCELLED : run_indexer(r);
	/* SIGTERM may reach the indexer before it handles it (it then dies
	 * of it, having written nothing): asked for all the same */
	if (rc != NB_EXIT_OK && atomic_load(&r->cancel))
		rc = NB_EXIT_CANCELLED;
	if (r->len) {	/* a last line without its newline */
		if (append(&r->line, &r->len, &r->cap, "\n", 1) == 0)
			take_line(r, r->line, r->len);
		else
			fuse_log(FUSE_LOG_ERR, "nianbaofs: %.*s\n", (int)r->len,
				 r->line);
		r->len = 0;
	}
	free(r->said);
	r->said = r->now;
	r->now = NULL;
	r->nlen = r->ncap = 0;
	if (rc == NB_EXIT_CANCELLED) {	/* asked for: no failure */
		fuse_log(FUSE_LOG_DEBUG, "nianbaofs: %s: refresh cancelled; "
			 "the index is as it was\n", r->dbpath);
		return NB_CANCELLED;
	}
	if (rc != NB_EXIT_OK) {	/* the indexer said why, logged above */
		fuse_log(FUSE_LOG_ERR, "nianbaofs: %s: cannot bring the index of "
			 "%s up to date; still serving the index as it was\n",
			 r->dbpath, r->rawdir);
		return rc < 0 ? rc : -EIO;
	}
	return nb_snaps_reload(r->snaps);
}
