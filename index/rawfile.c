/*
 * rawfile.c — reading one raw report file whole, safely: never blocking on
 * a FIFO put in a report's place, never following a link out of RAWDIR,
 * never more than IX_MAX_FILE_BYTES.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ix.h"

/* Whether the file open as fd is inside realroot: the walk checked its
 * links, but the file may have been replaced by a link since.  Without
 * /proc the walk's check stands. */
static bool fd_inside(int fd, const char *realroot)
{
	char proc[64], real[PATH_MAX];
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(proc, real, sizeof real - 1);
	if (n < 0)
		return true;
	real[n] = '\0';
	return ix_inside(realroot, real);
}

/* Opens a raw file without blocking (a FIFO put in a report's place would
 * block open() for good) and keeps it only when it is a regular file
 * inside RAWDIR.  The descriptor, or a negative errno. */
static int open_regular(const char *path, const char *realroot,
			struct stat *st)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int rc = 0;
	if (fstat(fd, st) < 0)
		rc = -errno;
	else if (!S_ISREG(st->st_mode))
		rc = NB_NOT_REGULAR_FILE;
	else if (!fd_inside(fd, realroot))
		rc = NB_OUTSIDE_RAWDIR;
	else if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0)
		rc = -errno;
	if (rc) {
		close(fd);
		return rc;
	}
	return fd;
}

/* The whole file, read through one descriptor so that its size and mtime
 * are those of the bytes read. */
int ix_read_raw(const char *rawdir, const char *realroot,
		     const char *rel, char **data, size_t *len, struct stat *st)
{
	nb_buf path = {0};
	nb_buf_printf(&path, "%s/%s", rawdir, rel);
	if (path.oom)
		return -ENOMEM;
	int fd = open_regular(path.s, realroot, st);
	nb_buf_free(&path);
	if (fd < 0)
		return fd;
	int rc = 0;
	if (st->st_size > (off_t)IX_MAX_FILE_BYTES)
		rc = NB_TOO_LARGE;
	nb_buf b = {0};
	while (!rc) {
		char chunk[65536];
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			rc = -errno;
		else if (n == 0)
			break;
		else
			nb_buf_add(&b, chunk, (size_t)n);
		if (b.oom)
			rc = -ENOMEM;
		else if (b.len > IX_MAX_FILE_BYTES)
			rc = NB_TOO_LARGE;
	}
	close(fd);
	if (rc) {
		nb_buf_free(&b);
		return rc;
	}
	*data = b.s ? b.s : strdup("");
	*len = b.len;
	return *data ? 0 : -ENOMEM;
}
