/* walk.c — finds the report files under RAWDIR.  Symbolic links are
 * followed (like find -L) only while their target stays inside RAWDIR:
 * `ln -s / RAWDIR/root` must not walk the whole machine, nor
 * `x.txt -> /etc/shadow` be read.  A directory that is its own ancestor is
 * a loop and skipped.  The result is sorted so that a build is
 * deterministic. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ix.h"

typedef struct {
	dev_t dev;
	ino_t ino;
} dir_id;

typedef struct {
	const char *rawdir;
	char realroot[PATH_MAX];	/* rawdir with every link resolved */
	FILE *err;
	ix_files *out;
	dir_id stack[256];	/* the directories being walked, root first */
	size_t depth;
	const atomic_int *cancel;	/* may be NULL */
} walker;

static bool is_report_name(const char *name)
{
	static const char *const endings[] = {".txt", ".md", ".html", ".htm"};
	size_t n = strlen(name);
	for (size_t i = 0; i < sizeof endings / sizeof *endings; i++) {
		size_t e = strlen(endings[i]);
		if (n > e && !strcasecmp(name + n - e, endings[i]))
			return true;
	}
	return false;
}

static int push_file(ix_files *f, const char *rel, const struct stat *st)
{
	ix_file *v = nb_grow(f->v, &f->cap, f->n + 1, sizeof *v, 64);
	if (!v)
		return -ENOMEM;
	f->v = v;
	char *copy = strdup(rel);
	if (!copy)
		return -ENOMEM;
	f->v[f->n++] = (ix_file){
		.rel = copy,
		.size = st->st_size,
		.mtime_ns = ix_mtime_ns(st),
		.dev = st->st_dev,
		.ino = st->st_ino,
	};
	return 0;
}

static void problem(walker *w, const char *rel, const char *why)
{
	ix_say(w->err, "%s/%s: %s", w->rawdir, rel, why);
	w->out->problems++;
}

/* A directory is not a file: its reports are lost, but it is counted and
 * named as what it is. */
static void dir_problem(walker *w, const char *rel, const char *why)
{
	ix_say(w->err, "%s%s%s: directory cannot be read (%s); its reports are "
	       "not indexed", w->rawdir, *rel ? "/" : "", rel, why);
	w->out->dir_problems++;
}

bool ix_inside(const char *realroot, const char *real)
{
	size_t n = strlen(realroot);
	if (n == 1 && realroot[0] == '/')
		return true;
	return !strncmp(real, realroot, n) && (real[n] == '/' || !real[n]);
}

/* Whether the symbolic link rel (in the directory being walked) leads to a
 * place inside RAWDIR; says why not when it does not. */
static bool link_inside(walker *w, const char *rel)
{
	nb_buf full = {0};
	nb_buf_printf(&full, "%s/%s", w->rawdir, rel);
	char real[PATH_MAX];
	bool ok = !full.oom && realpath(full.s, real) && ix_inside(w->realroot, real);
	if (!ok && !full.oom)
		ix_say(w->err, "%s: symbolic link leads out of RAWDIR; not "
		       "followed", full.s);
	nb_buf_free(&full);
	return ok;
}

/* Walks the directory open as fd, known as rel ("" for RAWDIR). */
static int walk_dir(walker *w, int fd, const char *rel)
{
	DIR *d = fdopendir(fd);
	if (!d) {
		int e = errno;
		close(fd);
		dir_problem(w, rel, strerror(e));
		return 0;
	}
	int rc = 0;
	struct dirent *de;
	errno = 0;
	while ((de = readdir(d))) {
		/* a cold RAWDIR of 100,000 files is seconds of stat: an
		 * unmount must not wait for them */
		if (ix_cancelled(w->cancel)) {
			rc = NB_CANCELLED;
			break;
		}
		const char *name = de->d_name;
		if (!strcmp(name, ".") || !strcmp(name, ".."))
			continue;
		nb_buf path = {0};
		if (*rel) {
			nb_buf_adds(&path, rel);
			nb_buf_adds(&path, "/");
		}
		nb_buf_adds(&path, name);
		if (path.oom) {
			rc = -ENOMEM;
			break;
		}
		struct stat st;
		int lrc = fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW);
		bool link = lrc == 0 && S_ISLNK(st.st_mode);
		if (link && !link_inside(w, path.s)) {
			nb_buf_free(&path);
			errno = 0;
			continue;
		}
		/* only a link needs a second look, at what it leads to: one
		 * stat a file is what an unchanged RAWDIR costs */
		if ((lrc < 0 || link) && fstatat(dirfd(d), name, &st, 0) < 0) {
			/* a dangling link named like a report is a report
			 * that cannot be read; anything else is not ours */
			if (is_report_name(name))
				problem(w, path.s, strerror(errno));
			nb_buf_free(&path);
			/* a name gone since readdir is no fault of the
			 * directory's: readdir's own errors only below */
			errno = 0;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			rc = 0;
			bool loop = false;
			for (size_t i = 0; i < w->depth; i++)
				loop |= w->stack[i].dev == st.st_dev &&
					w->stack[i].ino == st.st_ino;
			if (loop) {
				ix_say(w->err, "%s/%s: symbolic link loop, skipped",
				       w->rawdir, path.s);
			} else if (w->depth == sizeof w->stack / sizeof *w->stack) {
				problem(w, path.s, "directories nested too deep");
			} else {
				int sub = openat(dirfd(d), name,
						 O_RDONLY | O_DIRECTORY | O_CLOEXEC);
				if (sub < 0) {
					dir_problem(w, path.s, strerror(errno));
				} else {
					w->stack[w->depth++] = (dir_id){st.st_dev, st.st_ino};
					rc = walk_dir(w, sub, path.s);
					w->depth--;
				}
			}
		} else if (S_ISREG(st.st_mode) && is_report_name(name)) {
			rc = push_file(w->out, path.s, &st);
		} else if (is_report_name(name)) {
			problem(w, path.s, "not a regular file (a FIFO, device "
				"or socket); not read");
		}
		nb_buf_free(&path);
		if (rc)
			break;
		errno = 0;
	}
	if (!rc && errno)
		dir_problem(w, rel, strerror(errno));
	closedir(d);
	return rc;
}

static int by_rel(const void *a, const void *b)
{
	return strcmp(((const ix_file *)a)->rel, ((const ix_file *)b)->rel);
}

int ix_walk(const char *rawdir, FILE *err, ix_files *out,
	    const atomic_int *cancel)
{
	*out = (ix_files){0};
	int fd = open(rawdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		ix_say(err, "%s: %s", rawdir, strerror(e));
		return -e;
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		ix_say(err, "%s: %s", rawdir, strerror(e));
		return -e;
	}
	walker w = {.rawdir = rawdir, .err = err, .out = out, .depth = 1,
		    .cancel = cancel};
	if (!realpath(rawdir, w.realroot)) {
		int e = errno;
		close(fd);
		ix_say(err, "%s: %s", rawdir, strerror(e));
		return -e;
	}
	w.stack[0] = (dir_id){st.st_dev, st.st_ino};
	int rc = walk_dir(&w, fd, "");
	if (rc) {
		ix_files_free(out);
		return rc;
	}
	if (out->n)
		qsort(out->v, out->n, sizeof *out->v, by_rel);
	return 0;
}

void ix_files_free(ix_files *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i].rel);
	free(f->v);
	*f = (ix_files){0};
}
