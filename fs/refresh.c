/*
 * refresh.c — one refresh of a mounted filesystem: bring the index up to
 * date with RAWDIR in the background, then serve the new index.  What the
 * build says goes to the log (syslog once in the background), each message
 * once: a file that cannot be read is named again by every build, and the
 * log should not repeat it on every change to RAWDIR.
 */
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

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
	free(r);
}

int nb_refresh_run(nb_refresh *r)
{
	cookie_io_functions_t io = {.write = log_write};
	FILE *err = fopencookie(r, "w", io);
	nb_build_stats stats;

	if (err)
		setvbuf(err, NULL, _IOLBF, 0);
	r->nlen = 0;
	int rc = nb_index_build_cancellable(r->dbpath, r->rawdir, err, &stats,
					    NULL, NULL, &r->cancel);
	if (err)
		fclose(err);
	/* A build allocates and frees megabytes (parsers, their dictionaries,
	 * rendered files) on several threads: hand the freed memory back, so
	 * that a mount following a busy RAWDIR stays the same size. */
	malloc_trim(0);
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
	if (rc == NB_CANCELLED) {	/* asked for: no failure */
		fuse_log(FUSE_LOG_DEBUG, "nianbaofs: %s: refresh cancelled; "
			 "the index is as it was\n", r->dbpath);
		return rc;
	}
	if (rc < 0) {
		fuse_log(FUSE_LOG_ERR, "nianbaofs: %s: cannot bring the index of "
			 "%s up to date: %s; still serving the index as it was\n",
			 r->dbpath, r->rawdir, strerror(-rc));
		return rc;
	}
	return nb_snaps_reload(r->snaps);
}
