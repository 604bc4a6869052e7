/*
 * update.c — bringing the index of RAWDIR up to date, in the indexer
 * (indexer_main.c): the build with its progress line, and what could not
 * be read.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fs.h"

/* A stream that puts "nianbaofs: " before every line written to it, so
 * that the index's messages read like ours. */
typedef struct {
	FILE *to;
	bool line_start;
} prefixer;

static ssize_t prefix_write(void *cookie, const char *buf, size_t size)
{
	prefixer *p = cookie;
	size_t done = 0;

	while (done < size) {
		const char *nl = memchr(buf + done, '\n', size - done);
		size_t n = nl ? (size_t)(nl - (buf + done)) + 1 : size - done;

		if (p->line_start && fputs("nianbaofs: ", p->to) == EOF)
			return -1;
		if (fwrite(buf + done, 1, n, p->to) != n)
			return -1;
		p->line_start = nl != NULL;
		done += n;
	}
	return (ssize_t)size;
}

/* A message about a file ends the progress line first, so that the two
 * do not share a line; the progress line is drawn again after it. */
typedef struct {
	prefixer pre;
	nb_progress *progress;
} build_err;

static ssize_t build_err_write(void *cookie, const char *buf, size_t size)
{
	build_err *e = cookie;

	nb_progress_end(e->progress);
	return prefix_write(&e->pre, buf, size);
}

static int build(const char *dbpath, const char *rawdir, bool quiet,
		 nb_build_stats *stats, const atomic_int *cancel)
{
	nb_progress progress;
	build_err e = { .pre = { .to = stderr, .line_start = true },
			.progress = &progress };
	cookie_io_functions_t io = { .write = build_err_write };
	FILE *err = fopencookie(&e, "w", io);
	int rc;

	if (err)
		setvbuf(err, NULL, _IOLBF, 0);
	nb_progress_start(&progress, quiet);
	rc = nb_index_build_cancellable(dbpath, rawdir, err ? err : stderr,
					stats, nb_progress_show, &progress,
					cancel);
	nb_progress_end(&progress);
	if (err)
		fclose(err);
	return rc;
}

int nb_update_index(const nb_cli *cli, char *dbpath, size_t len,
		    nb_build_stats *stats, const atomic_int *cancel)
{
	int rc = nb_index_path(cli, dbpath, len);

	if (rc < 0)
		return rc;
	memset(stats, 0, sizeof *stats);
	rc = build(dbpath, cli->rawdir, cli->quiet, stats, cancel);
	if (rc == NB_CANCELLED)
		return rc;	/* asked for: nothing to say */
	if (rc < 0) {
		nb_err("%s: cannot write the index of %s: %s", dbpath,
		       cli->rawdir, nb_strstatus(rc));
		return rc;
	}
	if (stats->unreadable)
		nb_err("%s: %u file%s could not be read; the others are indexed",
		       cli->rawdir, stats->unreadable,
		       stats->unreadable == 1 ? "" : "s");
	if (stats->unreadable_dirs)
		nb_err("%s: %u director%s could not be read; the others are indexed",
		       cli->rawdir, stats->unreadable_dirs,
		       stats->unreadable_dirs == 1 ? "y" : "ies");
	return 0;
}
