/*
 * progress.c — files done of total, rate and time left, on one line of
 * the terminal while the index is built.  Only when stderr is a terminal
 * and -q was not given: a log or a pipe gets nothing but the summary.
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "fs.h"

/* Redrawn at most this often, seconds: often enough to look alive,
 * rarely enough to cost nothing. */
#define REDRAW_EVERY 0.2
/* The rate is measured from this long after the first file on, so that
 * files reused without parsing (counted first, at once) do not make the
 * time left look shorter than it is. */
#define RATE_AFTER 0.5

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void nb_progress_start(nb_progress *p, bool quiet)
{
	*p = (nb_progress){ .on = !quiet && isatty(STDERR_FILENO) };
	p->start = now();
}

void nb_progress_show(void *ctx, unsigned done, unsigned total)
{
	nb_progress *p = ctx;
	double t = now();

	if (!p->on || (t - p->drawn < REDRAW_EVERY && done < total))
		return;
	if (p->base_time == 0 && t - p->start >= RATE_AFTER) {
		p->base_time = t;
		p->base_done = done;
	}
	if (done == total) {
		/* What follows the last file (the tree, every file's bytes)
		 * takes minutes at 100,000 reports: "0 s left" would stand
		 * still meanwhile. */
		fprintf(stderr, "\rnianbaofs: indexing: %u of %u files; "
			"writing the tree\033[K", done, total);
		p->drawn = t;
		p->shown = true;
		return;
	}
	fprintf(stderr, "\rnianbaofs: indexing: %u of %u files", done, total);
	if (p->base_time && t > p->base_time && done > p->base_done) {
		double rate = (done - p->base_done) / (t - p->base_time);

		fprintf(stderr, ", %.0f files/s, %.0f s left", rate,
			(total - done) / rate);
	}
	fputs("\033[K", stderr);	/* the rest of a longer line before */
	p->drawn = t;
	p->shown = true;
}

void nb_progress_end(nb_progress *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
	p->shown = false;
}
