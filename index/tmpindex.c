/*
 * tmpindex.c — the temporary file a build writes before renaming it over
 * the index: its lock, the removal of those left by builds that died, and
 * making the rename durable.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ix.h"

/* A build holds an open-file-description lock on this byte of its
 * temporary file for as long as it runs: far beyond the bytes SQLite locks
 * (from 1 GiB on), so that the two never meet, and beyond any real index. */
#define IX_BUILD_LOCK_BYTE ((off_t)1 << 40)

int ix_tmp_lock(int fd)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET,
			   .l_start = IX_BUILD_LOCK_BYTE, .l_len = 1};
	return fcntl(fd, F_OFD_SETLK, &fl) < 0 ? -errno : 0;
}

/* Whether a running build holds the temporary file name in dir locked. */
static bool build_running(int dir, const char *name)
{
	int fd = openat(dir, name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno != ENOENT && errno != ELOOP;
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET,
			   .l_start = IX_BUILD_LOCK_BYTE, .l_len = 1};
	bool held = fcntl(fd, F_OFD_GETLK, &fl) < 0 || fl.l_type != F_UNLCK;
	close(fd);
	return held;
}

/* Removes temporary files of builds that died ("<dbpath>.tmp-<pid>" that
 * no build holds locked, whatever process its PID names now). */
void ix_tmp_remove_stale(const char *dbpath)
{
	char *dcopy = strdup(dbpath), *bcopy = strdup(dbpath);
	if (!dcopy || !bcopy)
		goto out;
	const char *dir = dirname(dcopy), *base = basename(bcopy);
	DIR *d = opendir(dir);
	if (!d)
		goto out;
	size_t blen = strlen(base);
	struct dirent *de;
	while ((de = readdir(d))) {
		const char *n = de->d_name;
		if (strncmp(n, base, blen) || strncmp(n + blen, ".tmp-", 5))
			continue;
		char *end;
		long pid = strtol(n + blen + 5, &end, 10);
		if (*end || pid <= 0 || !build_running(dirfd(d), n))
			unlinkat(dirfd(d), n, 0);
	}
	closedir(d);
out:
	free(dcopy);
	free(bcopy);
}

void ix_remove_log(const char *path)
{
	static const char *const beside[] = {"-wal", "-shm"};
	for (size_t i = 0; i < sizeof beside / sizeof *beside; i++) {
		nb_buf p = {0};
		nb_buf_printf(&p, "%s%s", path, beside[i]);
		if (!p.oom)
			unlink(p.s);
		nb_buf_free(&p);
	}
}

void ix_tmp_discard(const char *path)
{
	unlink(path);
	ix_remove_log(path);
}

void ix_sync_dir_of(const char *path)
{
	char *copy = strdup(path);
	if (!copy)
		return;
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}
