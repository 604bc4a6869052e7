/*
 * seal.c — "<dbpath>.seal": the identity of an index found whole, so that
 * the next build need not read every page of it again to know.
 *
 * A damaged index must never be reused (oldindex.c), and SQLite's check of
 * every page costs 0.4 s for 220 MB — most of a refresh that finds nothing
 * changed.  An index is whole when a build has just renamed it into place
 * (it was fsynced first) or when that check has just passed.  The seal
 * then records the file's device, inode, size and mtime; any later write
 * to it, through any program, moves its mtime, and a copy is another
 * inode, so either is checked in full again (and sealed anew if sound).
 *
 * mtime, not ctime: a mount links the index under names of its own
 * (fs/pin.c), which moves ctime without touching a byte.  What a seal
 * cannot see: bytes changed below the filesystem (a failing disk, a write
 * to the block device) and a write whose mtime was then set back to the
 * sealed value (utimensat, `touch -d`); SQLite still reports those pages
 * as damaged when it reads them.
 *
 * A write in the same tick of the filesystem's clock as the last one
 * before the seal would keep the same mtime.  So a seal is trusted only
 * when the seal file itself is younger than the mtime it records: every
 * write after the seal was taken then shows as a later mtime.  Writing
 * the seal waits for that, up to a coarse filesystem's granularity.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ix.h"

/* Bumped if the line's fields change: a seal of another form is none. */
#define SEAL_MAGIC "nianbaofs-seal 1"

/* How long writing a seal waits for the clock to pass the index's mtime:
 * FAT's mtime has a granularity of 2 s, ext4's and tmpfs's a kernel tick
 * (a few ms). An index whose mtime lies further ahead (a clock set back,
 * a copy from a machine whose clock ran ahead) stays unsealed. */
#define SEAL_WAIT_MS 2100

typedef struct {
	uint64_t dev, ino;
	int64_t size, sec, nsec;
} seal;

static seal seal_of(const struct stat *st)
{
	return (seal){(uint64_t)st->st_dev, (uint64_t)st->st_ino,
		      (int64_t)st->st_size, (int64_t)st->st_mtim.tv_sec,
		      (int64_t)st->st_mtim.tv_nsec};
}

static bool same_seal(seal a, seal b)
{
	return a.dev == b.dev && a.ino == b.ino && a.size == b.size &&
	       a.sec == b.sec && a.nsec == b.nsec;
}

/* Whether the seal file, as st describes it, was written after s's mtime. */
static bool younger(const struct stat *st, seal s)
{
	return st->st_mtim.tv_sec > s.sec ||
	       (st->st_mtim.tv_sec == s.sec && st->st_mtim.tv_nsec > s.nsec);
}

static int seal_path(const char *dbpath, nb_buf *to)
{
	*to = (nb_buf){0};
	nb_buf_printf(to, "%s.seal", dbpath);
	return to->oom ? -ENOMEM : 0;
}

void ix_seal_remove(const char *dbpath)
{
	nb_buf p;
	if (seal_path(dbpath, &p) == 0)
		unlink(p.s);
	nb_buf_free(&p);
}

bool ix_seal_holds(const char *dbpath, const struct stat *st)
{
	nb_buf p;
	bool holds = false;
	if (seal_path(dbpath, &p) < 0)
		return false;
	int fd = open(p.s, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	nb_buf_free(&p);
	if (fd < 0)
		return false;
	char line[160];
	struct stat own;
	ssize_t n = fstat(fd, &own) == 0 ? read(fd, line, sizeof line - 1) : -1;
	close(fd);
	if (n <= 0)
		return false;
	line[n] = '\0';
	seal s;
	int end = 0;
	if (sscanf(line, SEAL_MAGIC " %" SCNu64 " %" SCNu64 " %" SCNd64
		   " %" SCNd64 " %" SCNd64 "\n%n", &s.dev, &s.ino, &s.size,
		   &s.sec, &s.nsec, &end) == 5 && end == n)
		holds = same_seal(s, seal_of(st)) && younger(&own, s);
	return holds;
}

/* Writes s into the open seal file fd and waits, touching it, until its
 * mtime is past s's.  0, or -EAGAIN when the clock did not get there. */
static int write_seal(int fd, seal s)
{
	char line[160];
	int len = snprintf(line, sizeof line, SEAL_MAGIC " %" PRIu64 " %"
			   PRIu64 " %" PRId64 " %" PRId64 " %" PRId64 "\n",
			   s.dev, s.ino, s.size, s.sec, s.nsec);
	if (len < 0 || (size_t)len >= sizeof line)
		return -EOVERFLOW;
	if (write(fd, line, (size_t)len) != len)
		return errno ? -errno : -EIO;
	struct timespec nap = {0, 1000000};
	long waited_ms = 0;
	struct stat own;
	while (fstat(fd, &own) == 0 && !younger(&own, s)) {
		/* an mtime further ahead is not waited for at all */
		if (waited_ms >= SEAL_WAIT_MS ||
		    (s.sec - own.st_mtim.tv_sec) * 1000 > SEAL_WAIT_MS)
			return -EAGAIN;
		nanosleep(&nap, NULL);
		waited_ms += nap.tv_nsec / 1000000;
		if (nap.tv_nsec < 100000000)
			nap.tv_nsec *= 2;
		if (futimens(fd, NULL) < 0)
			return -errno;
	}
	return 0;
}

void ix_seal_stat(const char *dbpath, const struct stat *st)
{
	struct stat now;
	/* changed since st was taken: whole or not, it was not seen so */
	if (stat(dbpath, &now) < 0 || !S_ISREG(now.st_mode) ||
	    !same_seal(seal_of(&now), seal_of(st)))
		return;
	nb_buf p;
	if (seal_path(dbpath, &p) < 0)
		return;
	int fd = open(p.s, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
		      O_CLOEXEC, 0644);
	if (fd >= 0) {
		errno = 0;
		/* no seal, or a torn one, only costs the next build a check */
		if (write_seal(fd, seal_of(st)) < 0)
			unlink(p.s);
		close(fd);
	}
	nb_buf_free(&p);
}

void ix_seal_fd(const char *dbpath, int fd)
{
	struct stat st;
	if (fstat(fd, &st) == 0)
		ix_seal_stat(dbpath, &st);
}
