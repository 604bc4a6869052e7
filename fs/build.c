/*
 * build.c — bringing the index of RAWDIR up to date, for both commands, and
 * the `nianbaofs index` command that does only that.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs.h"

/* The index path as given, made absolute: a mounted filesystem runs from
 * "/" once it has gone to the background. */
static int absolute_db(const char *db, char *buf, size_t len)
{
	char cwd[PATH_MAX];
	int n;

	if (db[0] == '/') {
		n = snprintf(buf, len, "%s", db);
	} else {
		if (!getcwd(cwd, sizeof cwd))
			return -errno;
		n = snprintf(buf, len, "%s/%s", cwd, db);
	}
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

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
		 nb_build_stats *stats)
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
	rc = nb_index_build_progress(dbpath, rawdir, err ? err : stderr, stats,
				     nb_progress_show, &progress);
	nb_progress_end(&progress);
	if (err)
		fclose(err);
	return rc;
}

int nb_index_path(const nb_cli *cli, char *dbpath, size_t len)
{
	struct stat st;
	int rc;

	dbpath[0] = '\0';
	if (stat(cli->rawdir, &st) != 0) {
		nb_err("%s: cannot use as RAWDIR: %s", cli->rawdir,
		       strerror(errno));
		return NB_EXIT_USAGE;
	}
	if (!S_ISDIR(st.st_mode)) {
		nb_err("%s: not a directory (RAWDIR is the directory of raw reports)",
		       cli->rawdir);
		return NB_EXIT_USAGE;
	}
	if (cli->db) {
		rc = absolute_db(cli->db, dbpath, len);
		if (rc < 0) {
			nb_err("%s: cannot make the path absolute: %s", cli->db,
			       strerror(-rc));
			return NB_EXIT_FAIL;
		}
	} else {
		rc = nb_index_default_path(cli->rawdir, dbpath, len);
		if (rc < 0) {
			nb_err("%s: cannot place its index in the cache directory: %s",
			       cli->rawdir, strerror(-rc));
			return NB_EXIT_FAIL;
		}
	}
	return NB_EXIT_OK;
}

int nb_update_index(const nb_cli *cli, char *dbpath, size_t len,
		    nb_build_stats *stats)
{
	int rc = nb_index_path(cli, dbpath, len);

	if (rc != NB_EXIT_OK)
		return rc;
	memset(stats, 0, sizeof *stats);
	rc = build(dbpath, cli->rawdir, cli->quiet, stats);
	if (rc < 0) {
		nb_err("%s: cannot write the index of %s: %s", dbpath,
		       cli->rawdir, strerror(-rc));
		return NB_EXIT_FAIL;
	}
	if (stats->unreadable)
		nb_err("%s: %u file%s could not be read; the others are indexed",
		       cli->rawdir, stats->unreadable,
		       stats->unreadable == 1 ? "" : "s");
	if (stats->unreadable_dirs)
		nb_err("%s: %u director%s could not be read; the others are indexed",
		       cli->rawdir, stats->unreadable_dirs,
		       stats->unreadable_dirs == 1 ? "y" : "ies");
	return NB_EXIT_OK;
}

static void print_summary(const nb_build_stats *s, const char *dbpath)
{
	printf("report files found:        %u\n", s->files);
	printf("reports indexed:           %u\n", s->reports);
	printf("parsed now:                %u\n", s->parsed);
	printf("reused:                    %u\n", s->reused);
	printf("reports with warnings:     %u\n", s->warned);
	printf("failed consistency checks: %u\n", s->failed_checks);
	printf("unreadable files:          %u\n", s->unreadable);
	printf("not reports (skipped):     %u\n", s->not_reports);
	printf("unreadable directories:    %u\n", s->unreadable_dirs);
	printf("index:                     %s%s\n", dbpath,
	       s->unchanged ? " (unchanged)" : "");
}

int nb_cmd_index(int argc, char **argv)
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	nb_cli cli = { .cmd = NB_CMD_INDEX };
	char dbpath[PATH_MAX];
	nb_build_stats stats;
	int rc = NB_EXIT_USAGE;

	if (nb_cli_parse(&args, &cli) != 0)
		goto out;
	if (cli.help) {
		nb_print_usage(stdout);
		rc = NB_EXIT_OK;
		goto out;
	}
	if (cli.version) {
		nb_print_version();
		rc = NB_EXIT_OK;
		goto out;
	}
	if (!cli.rawdir) {
		nb_err("missing RAWDIR\nusage: nianbaofs index [--db FILE] RAWDIR");
		goto out;
	}
	rc = nb_update_index(&cli, dbpath, sizeof dbpath, &stats);
	if (rc != NB_EXIT_OK)
		goto out;
	print_summary(&stats, dbpath);
	if (fflush(stdout) != 0) {
		nb_err("cannot write the summary: %s", strerror(errno));
		rc = NB_EXIT_FAIL;
	} else if (stats.unreadable || stats.unreadable_dirs) {
		rc = NB_EXIT_FAIL;
	}
out:
	fuse_opt_free_args(&args);
	return rc;
}
