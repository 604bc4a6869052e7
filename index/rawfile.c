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

/* Whether the file open as fd (st) is inside realroot: the walk checked
 * its links, but the file may have been replaced by a link since.  The
 * file the walk found is: the same device, inode and mtime (an inode
 * number freed and given to a new file outside would not keep the mtime
 * to the nanosecond).  Another is looked up by its path in /proc, which
 * cost as much as reading the file (readlink: 1.2 % of a build's CPU at
 * 10,000 reports, perf record).  Without /proc the walk's check stands. */
static bool fd_inside(int fd, const struct stat *st, const ix_file *f,
		      const char *realroot)
{
	if (f->ino && st->st_dev == f->dev && st->st_ino == f->ino &&
	    ix_mtime_ns(st) == f->mtime_ns)
		return true;
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
 * inside RAWDIR.  O_NONBLOCK stays set: reads of a regular file ignore it
 * (clearing it cost two fcntl calls a file), and read_all clears it should
 * a file system answer EAGAIN all the same.  The descriptor, or a
 * negative errno. */
static int open_regular(const char *path, const ix_file *f,
			const char *realroot, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int rc = 0;
	if (fstat(fd, st) < 0)
		rc = -errno;
	else if (!S_ISREG(st->st_mode))
		rc = NB_NOT_REGULAR_FILE;
	else if (!fd_inside(fd, st, f, realroot))
		rc = NB_OUTSIDE_RAWDIR;
	if (rc) {
		close(fd);
		return rc;
	}
	return fd;
}

/* Reads fd to its end into a buffer sized from st (one read and no copy
 * for a file as it was stat'ed; grown if it has grown since), NUL
 * terminated.  A read that stops at st's size ends it: those bytes are
 * the size and mtime recorded for the file, and asking again for the end
 * cost a read call a file. */
static int read_all(int fd, const struct stat *st, char **data, size_t *len)
{
	size_t want = (size_t)st->st_size, cap = want + 1, n = 0;
	char *buf = malloc(cap + 1);
	int rc = buf ? 0 : -ENOMEM;
	while (!rc) {
		if (n == cap) {		/* it has grown: room for more */
			char *more = realloc(buf, 2 * cap + 1);
			if (!more) {
				rc = -ENOMEM;
				break;
			}
			buf = more;
			cap *= 2;
		}
		size_t ask = cap - n;
		ssize_t got = read(fd, buf + n, ask);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && errno == EAGAIN &&
		    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) == 0)
			continue;
		if (got < 0)
			rc = -errno;
		else if ((n += (size_t)got) > IX_MAX_FILE_BYTES)
			rc = NB_TOO_LARGE;
		else if (got == 0 || (n == want && (size_t)got < ask))
			break;
	}
	if (rc) {
		free(buf);
		return rc;
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}

/* The whole file, read through one descriptor so that its size and mtime
 * are those of the bytes read. */
int ix_read_raw(const char *rawdir, const char *realroot, const ix_file *f,
		char **data, size_t *len, struct stat *st)
{
	nb_buf path = {0};
	nb_buf_printf(&path, "%s/%s", rawdir, f->rel);
	if (path.oom)
		return -ENOMEM;
	int fd = open_regular(path.s, f, realroot, st);
	nb_buf_free(&path);
	if (fd < 0)
		return fd;
	int rc = st->st_size > (off_t)IX_MAX_FILE_BYTES ? NB_TOO_LARGE :
		read_all(fd, st, data, len);
	close(fd);
	return rc;
}
