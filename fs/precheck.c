/*
 * precheck.c — what must hold before mounting, checked while the terminal
 * still shows the answer: libfuse's own failures ("fuse: bad mount point",
 * "fuse: device not found") do not say what to do.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs.h"

/* Where the FUSE device is; NIANBAOFS_DEV_FUSE overrides it so that the
 * message for a missing device can be tested on a machine that has one. */
static const char *dev_fuse(void)
{
	const char *p = getenv("NIANBAOFS_DEV_FUSE");

	return p && *p ? p : "/dev/fuse";
}

/* mount.fuse3 may hand over an open /dev/fuse as /dev/fd/N: then neither
 * the mountpoint nor the device is ours to check. */
static bool handed_over(const char *mountpoint)
{
	return strncmp(mountpoint, "/dev/fd/", strlen("/dev/fd/")) == 0;
}

int nb_check_fuse_device(const char *mountpoint)
{
	const char *dev = dev_fuse();
	struct stat st;

	if (handed_over(mountpoint))
		return 0;
	if (stat(dev, &st) != 0) {
		int e = errno;

		nb_err("%s: %s: the FUSE device is missing (load the module: "
		       "modprobe fuse; in a container: --device /dev/fuse "
		       "--cap-add SYS_ADMIN)", dev, strerror(e));
		return -e;
	}
	if (!S_ISCHR(st.st_mode)) {
		nb_err("%s: not a character device, so not the FUSE device", dev);
		return -ENODEV;
	}
	return 0;
}

/* Whether dir holds anything but "." and "..". */
static int is_empty(const char *dir, bool *empty)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return -errno;
	*empty = true;
	errno = 0;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			*empty = false;
			break;
		}
	}
	int rc = errno ? -errno : 0;

	closedir(d);
	return rc;
}

/* Whether something is mounted on dir: its device differs from its
 * parent's (or it is the root of the machine). */
static int is_mount(const char *dir, const struct stat *st, bool *mounted)
{
	size_t n = strlen(dir);
	char *parent = malloc(n + 4);
	struct stat pst;

	if (!parent)
		return -ENOMEM;
	memcpy(parent, dir, n);
	memcpy(parent + n, "/..", 4);
	int rc = stat(parent, &pst) != 0 ? -errno : 0;

	free(parent);
	if (!rc)
		*mounted = pst.st_dev != st->st_dev || pst.st_ino == st->st_ino;
	return rc;
}

int nb_check_mountpoint(const char *mp)
{
	struct stat st;
	bool mounted = false, empty = true;
	int rc;

	if (handed_over(mp))
		return 0;
	if (stat(mp, &st) != 0) {
		int e = errno;

		if (e == ENOTCONN)
			nb_err("%s: a dead FUSE mount is left there (its process "
			       "was killed); clear it with: fusermount3 -uz %s",
			       mp, mp);
		else
			nb_err("%s: cannot use as MOUNTPOINT: %s", mp,
			       strerror(e));
		return -e;
	}
	if (!S_ISDIR(st.st_mode)) {
		nb_err("%s: not a directory (MOUNTPOINT must be one)", mp);
		return -ENOTDIR;
	}
	rc = is_mount(mp, &st, &mounted);
	if (rc == 0 && mounted) {
		nb_err("%s: already a mount point (something is mounted there); "
		       "unmount it first (fusermount3 -u %s) or choose another "
		       "directory", mp, mp);
		return -EBUSY;
	}
	if (rc == 0)
		rc = is_empty(mp, &empty);
	if (rc < 0) {
		nb_err("%s: cannot use as MOUNTPOINT: %s", mp, strerror(-rc));
		return rc;
	}
	if (!empty) {
		nb_err("%s: not empty; a mount would hide its files: empty it or "
		       "choose an empty directory", mp);
		return -ENOTEMPTY;
	}
	return 0;
}
