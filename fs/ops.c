/*
 * ops.c — the FUSE low-level operations: every answer is a lookup in the
 * index (through snapshot.c, which holds its versions), keyed by inode
 * number.  Nothing is allocated per open file, so release and releasedir
 * are left to libfuse's defaults; lookups and forgets are counted, so that
 * a replaced version of the index is closed once the kernel holds nothing
 * of it.
 *
 * An inode number's bytes never change, even when the index is rebuilt
 * while mounted (a new version of a file is a new number; snapshot.c tells
 * the kernel which names and directories changed), so the kernel is told
 * to cache everything for long and to stop asking what it need not ask:
 * opens and opendirs (ENOSYS, where the kernel supports that) and extended
 * attributes (ENOSYS).  A warm `find` or `grep -r` then runs without a
 * single request reaching us.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "fs.h"

#define NB_BLOCK 4096
#define NB_NAME_MAX 255

/* A directory's st_blksize is the buffer glibc's opendir gives getdents
 * (dirent/opendir.c: st_blksize, at least 32 KiB, at most 1 MiB), and the
 * kernel asks us for as many bytes in one READDIR (up to max_pages, 1 MiB
 * with libfuse 3.14).  Sized to hold the whole listing, the root of
 * 100,000 reports (21,560 entries) comes in 4 requests instead of 35.
 * Entries are estimated from nlink (2 + subdirectories: nearly every
 * entry of a big directory here is one) at 64 bytes each (a 24-byte
 * fuse_dirent and a name of ~8 Chinese characters, padded to 8). */
#define NB_DIRENT_GUESS 64
#define NB_DIR_BLOCK_MAX (1u << 20)
/* An entry of READDIRPLUS makes the kernel build an inode: a reply of
 * 1 MiB would build ~5,600 of them for an `ls` that wants none.  Plus
 * replies stay at the 32 KiB glibc asks for by default (~300 entries). */
#define NB_PLUS_MAX 32768

/* readdir offsets: 1 after ".", 2 after "..", then the index's own
 * offsets shifted past those two. */
#define NB_DOT_OFFSETS 2

static nb_fs *fs_of(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

/* Maps an index error (a negative errno or an nb_status) to the errno of
 * the reply; a status means the index cannot be read as one: EIO.  On EIO
 * the first failure is logged with what the index said; the ones after it
 * are not, until the index answers again (served), so that a broken index
 * does not flood the log. */
static int index_errno(nb_fs *fs, const char *op, fuse_ino_t ino, int rc)
{
	int e = rc < 0 && !nb_status_name(rc) ? -rc : EIO;

	if (e == EIO && !__atomic_exchange_n(&fs->failing, 1, __ATOMIC_RELAXED))
		fuse_log(FUSE_LOG_ERR, "nianbaofs: %s of inode %" PRIu64 ": %s; "
			 "every operation fails with EIO until the index can be "
			 "read again\n", op, (uint64_t)ino,
			 nb_snap_error(fs->snaps));
	return e;
}

/* An operation was answered from the index: if it had failed before, say
 * that it is readable again. */
static void served(nb_fs *fs)
{
	/* seen by the refresh waiting for a quiet moment (watch.c) */
	__atomic_add_fetch(&fs->answered, 1, __ATOMIC_RELAXED);
	if (__atomic_load_n(&fs->failing, __ATOMIC_RELAXED) &&
	    __atomic_exchange_n(&fs->failing, 0, __ATOMIC_RELAXED))
		fuse_log(FUSE_LOG_NOTICE, "nianbaofs: the index can be read "
			 "again\n");
}

/* NB_BLOCK for files and small directories; else the power of two that
 * holds the listing, up to NB_DIR_BLOCK_MAX. */
static blksize_t block_size(const nb_node *n)
{
	uint64_t want = (uint64_t)n->nlink * NB_DIRENT_GUESS;
	blksize_t b = NB_BLOCK;

	if (!n->is_dir)
		return b;
	while ((uint64_t)b < want && b < (blksize_t)NB_DIR_BLOCK_MAX)
		b *= 2;
	return b;
}

static void fill_stat(const nb_fs *fs, const nb_node *n, struct stat *st)
{
	memset(st, 0, sizeof *st);
	st->st_ino = n->ino;
	st->st_mode = n->is_dir ? S_IFDIR | 0555 : S_IFREG | 0444;
	st->st_nlink = n->nlink ? n->nlink : 1;
	st->st_uid = fs->uid;
	st->st_gid = fs->gid;
	st->st_size = (off_t)n->size;
	st->st_blksize = block_size(n);
	st->st_blocks = (blkcnt_t)((n->size + 511) / 512);
	st->st_mtim.tv_sec = (time_t)(n->mtime_ns / 1000000000);
	st->st_mtim.tv_nsec = (long)(n->mtime_ns % 1000000000);
	if (st->st_mtim.tv_nsec < 0) {
		st->st_mtim.tv_sec--;
		st->st_mtim.tv_nsec += 1000000000;
	}
	st->st_atim = st->st_mtim;
	st->st_ctim = st->st_mtim;
}

static void fill_entry(const nb_fs *fs, const nb_node *n,
		       struct fuse_entry_param *e)
{
	memset(e, 0, sizeof *e);
	e->ino = n->ino;
	e->generation = 1;
	e->attr_timeout = fs->timeout;
	e->entry_timeout = fs->timeout;
	fill_stat(fs, n, &e->attr);
}

static void nb_init(void *userdata, struct fuse_conn_info *conn)
{
	nb_fs *fs = userdata;

	fs->no_open = conn->capable & FUSE_CAP_NO_OPEN_SUPPORT;
	fs->no_opendir = conn->capable & FUSE_CAP_NO_OPENDIR_SUPPORT;
	/* Nothing is ever written back; many lookups can run at once. */
	conn->want &= ~(unsigned)FUSE_CAP_WRITEBACK_CACHE;
	if (conn->capable & FUSE_CAP_PARALLEL_DIROPS)
		conn->want |= FUSE_CAP_PARALLEL_DIROPS;
	if (conn->capable & FUSE_CAP_READDIRPLUS)
		conn->want |= FUSE_CAP_READDIRPLUS | FUSE_CAP_READDIRPLUS_AUTO;
	if (conn->capable & FUSE_CAP_ASYNC_READ)
		conn->want |= FUSE_CAP_ASYNC_READ;
}

static void nb_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	nb_fs *fs = fs_of(req);
	struct fuse_entry_param e;
	nb_node n;
	int rc;

	if (strlen(name) > NB_NAME_MAX) {
		fuse_reply_err(req, ENAMETOOLONG);
		return;
	}
	rc = nb_snap_lookup(fs->snaps, parent, name, &n);
	if (rc == -ENOENT) {
		/* A name that is absent now stays absent: let the kernel
		 * remember that too (ino 0 is a cacheable negative entry). */
		memset(&e, 0, sizeof e);
		e.entry_timeout = fs->timeout;
		served(fs);
		fuse_reply_entry(req, &e);
		return;
	}
	if (rc < 0) {
		fuse_reply_err(req, index_errno(fs, "lookup", parent, rc));
		return;
	}
	fill_entry(fs, &n, &e);
	served(fs);
	/* the kernel counts the entry only if it got it */
	if (fuse_reply_entry(req, &e) != 0)
		nb_snap_forget(fs->snaps, n.ino, 1);
}

static void nb_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	nb_snap_forget(fs_of(req)->snaps, ino, nlookup);
	fuse_reply_none(req);
}

static void nb_forget_multi(fuse_req_t req, size_t count,
			    struct fuse_forget_data *forgets)
{
	nb_fs *fs = fs_of(req);

	for (size_t i = 0; i < count; i++)
		nb_snap_forget(fs->snaps, forgets[i].ino, forgets[i].nlookup);
	fuse_reply_none(req);
}

static void nb_getattr(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	nb_fs *fs = fs_of(req);
	struct stat st;
	nb_node n;
	int rc;

	(void)fi;
	rc = nb_snap_getattr(fs->snaps, ino, &n);
	if (rc < 0) {
		fuse_reply_err(req, index_errno(fs, "getattr", ino, rc));
		return;
	}
	fill_stat(fs, &n, &st);
	served(fs);
	fuse_reply_attr(req, &st, fs->timeout);
}

/* ---- directories ---------------------------------------------------------- */

typedef struct {
	fuse_req_t req;
	nb_fs *fs;
	bool plus;		/* readdirplus: entries carry attributes */
	char *buf;
	size_t size;
	size_t used;
} dirbuf;

/* Adds one entry; non-zero when it did not fit (the buffer is full). */
static int dirbuf_add(dirbuf *d, const char *name, const nb_node *n,
		      uint64_t off)
{
	char *at = d->buf + d->used;
	size_t room = d->size - d->used;
	size_t len;

	if (d->plus) {
		struct fuse_entry_param e;

		fill_entry(d->fs, n, &e);
		len = fuse_add_direntry_plus(d->req, at, room, name, &e,
					     (off_t)off);
	} else {
		struct stat st;

		fill_stat(d->fs, n, &st);
		len = fuse_add_direntry(d->req, at, room, name, &st,
					(off_t)off);
	}
	if (len > room)
		return 1;
	d->used += len;
	return 0;
}

static int add_child(void *ctx, const char *name, const nb_node *node,
		     uint64_t next_off)
{
	dirbuf *d = ctx;
	int full = dirbuf_add(d, name, node, next_off + NB_DOT_OFFSETS);

	/* readdirplus hands out entries, counted as lookups ("." and ".."
	 * are not) */
	if (!full && d->plus)
		nb_snap_looked_up(d->fs->snaps, node->ino);
	return full;
}

static void list_dir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		     bool plus)
{
	nb_fs *fs = fs_of(req);
	dirbuf d = { .req = req, .fs = fs, .plus = plus, .size = size };
	nb_node self, parent = { 0 };
	uint64_t pos = (uint64_t)off;
	int rc;

	rc = nb_snap_getattr(fs->snaps, ino, &self);
	if (rc == 0 && !self.is_dir)
		rc = -ENOTDIR;
	if (rc == 0 && pos < NB_DOT_OFFSETS)
		rc = nb_snap_getattr(fs->snaps, self.parent ? self.parent : ino,
				      &parent);
	if (rc < 0) {
		fuse_reply_err(req, index_errno(fs, "readdir", ino, rc));
		return;
	}
	if (plus && size > NB_PLUS_MAX)
		d.size = NB_PLUS_MAX;
	d.buf = malloc(d.size);
	if (!d.buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	if (pos < 1 && dirbuf_add(&d, ".", &self, 1) != 0)
		goto reply;
	if (pos < 2 && dirbuf_add(&d, "..", &parent, 2) != 0)
		goto reply;
	rc = nb_snap_readdir(fs->snaps, ino,
			      pos > NB_DOT_OFFSETS ? pos - NB_DOT_OFFSETS : 0,
			      add_child, &d);
	if (rc < 0) {
		free(d.buf);
		fuse_reply_err(req, index_errno(fs, "readdir", ino, rc));
		return;
	}
reply:
	served(fs);
	fuse_reply_buf(req, d.buf, d.used);
	free(d.buf);
}

static void nb_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	(void)fi;
	list_dir(req, ino, size, off, false);
}

static void nb_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size,
			   off_t off, struct fuse_file_info *fi)
{
	(void)fi;
	list_dir(req, ino, size, off, true);
}

static void nb_opendir(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	(void)ino;
	/* The kernel then opens every directory by itself, keeping its
	 * listing cached (as below). */
	if (fs_of(req)->no_opendir) {
		fuse_reply_err(req, ENOSYS);
		return;
	}
	/* Let the kernel keep listings: a switch to a rebuilt index
	 * invalidates the directories that changed (snapshot.c). */
	fi->cache_readdir = 1;
	fi->keep_cache = 1;
	fuse_reply_open(req, fi);
}

/* ---- files ------------------------------------------------------------------- */

static void nb_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino;
	if ((fi->flags & O_ACCMODE) != O_RDONLY || (fi->flags & O_TRUNC)) {
		fuse_reply_err(req, EROFS);
		return;
	}
	/* The kernel then opens every file by itself, keeping its page
	 * cache (as below); on a mount made writable, writes to a file so
	 * opened reach ro_write and fail. */
	if (fs_of(req)->no_open) {
		fuse_reply_err(req, ENOSYS);
		return;
	}
	/* An inode number's bytes never change: keep the page cache. */
	fi->keep_cache = 1;
	fi->noflush = 1;
	fuse_reply_open(req, fi);
}

static void nb_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	nb_fs *fs = fs_of(req);
	char *buf;
	ssize_t n;

	(void)fi;
	if (off < 0) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	buf = malloc(size ? size : 1);
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	n = nb_snap_read(fs->snaps, ino, buf, size, (uint64_t)off);
	if (n < 0) {
		fuse_reply_err(req, index_errno(fs, "read", ino, (int)n));
	} else {
		served(fs);
		fuse_reply_buf(req, buf, (size_t)n);
	}
	free(buf);
}

static void nb_statfs(fuse_req_t req, fuse_ino_t ino)
{
	nb_fs *fs = fs_of(req);
	struct statvfs sv;
	uint64_t nodes, bytes;
	int rc;

	(void)ino;
	rc = nb_snap_totals(fs->snaps, &nodes, &bytes);
	if (rc < 0) {
		fuse_reply_err(req, index_errno(fs, "statfs", ino, rc));
		return;
	}
	memset(&sv, 0, sizeof sv);
	sv.f_bsize = NB_BLOCK;
	sv.f_frsize = NB_BLOCK;
	sv.f_blocks = (fsblkcnt_t)((bytes + NB_BLOCK - 1) / NB_BLOCK);
	sv.f_files = (fsfilcnt_t)nodes;
	sv.f_namemax = NB_NAME_MAX;
	sv.f_flag = ST_RDONLY;
	fuse_reply_statfs(req, &sv);
}

/* ---- extended attributes: there are none ------------------------------------ */

/* ENOSYS: the kernel stops asking (`ls -l` asks for every file) and
 * answers "not supported" by itself. */
static void nb_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
			size_t size)
{
	(void)ino;
	(void)name;
	(void)size;
	fuse_reply_err(req, ENOSYS);
}

/* An empty list, not ENOSYS: listing a file's attributes succeeds, as on
 * a local disk without any. */

static void nb_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	(void)ino;
	if (size == 0)
		fuse_reply_xattr(req, 0);
	else
		fuse_reply_buf(req, NULL, 0);
}

/* ---- everything that would change the tree: EROFS -------------------------- */

/* Mounted with -o ro, the kernel answers EROFS itself and none of these is
 * called.  But root can make the mount writable (`mount -o remount,rw`):
 * the kernel then passes every change on, and these refuse it with EROFS
 * rather than libfuse's ENOSYS ("Function not implemented"), which the
 * kernel would also take as "never ask again" for some of them.  Tested by
 * test_handlers_refuse_every_change_after_remount_rw. */

static void ro_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
		       int to_set, struct fuse_file_info *fi)
{
	(void)ino;
	(void)attr;
	(void)to_set;
	(void)fi;
	fuse_reply_err(req, EROFS);
}

static void ro_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
		     mode_t mode, dev_t rdev)
{
	(void)parent;
	(void)name;
	(void)mode;
	(void)rdev;
	fuse_reply_err(req, EROFS);
}

static void ro_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
		     mode_t mode)
{
	(void)parent;
	(void)name;
	(void)mode;
	fuse_reply_err(req, EROFS);
}

/* unlink and rmdir */
static void ro_remove(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	(void)parent;
	(void)name;
	fuse_reply_err(req, EROFS);
}

static void ro_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
		       const char *name)
{
	(void)link;
	(void)parent;
	(void)name;
	fuse_reply_err(req, EROFS);
}

static void ro_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
		      fuse_ino_t newparent, const char *newname,
		      unsigned int flags)
{
	(void)parent;
	(void)name;
	(void)newparent;
	(void)newname;
	(void)flags;
	fuse_reply_err(req, EROFS);
}

static void ro_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
		    const char *newname)
{
	(void)ino;
	(void)newparent;
	(void)newname;
	fuse_reply_err(req, EROFS);
}

static void ro_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		      mode_t mode, struct fuse_file_info *fi)
{
	(void)parent;
	(void)name;
	(void)mode;
	(void)fi;
	fuse_reply_err(req, EROFS);
}

static void ro_write(fuse_req_t req, fuse_ino_t ino, const char *buf,
		     size_t size, off_t off, struct fuse_file_info *fi)
{
	(void)ino;
	(void)buf;
	(void)size;
	(void)off;
	(void)fi;
	fuse_reply_err(req, EROFS);
}

static void ro_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
			const char *value, size_t size, int flags)
{
	(void)ino;
	(void)name;
	(void)value;
	(void)size;
	(void)flags;
	fuse_reply_err(req, EROFS);
}

static void ro_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
	(void)ino;
	(void)name;
	fuse_reply_err(req, EROFS);
}

static void ro_fallocate(fuse_req_t req, fuse_ino_t ino, int mode,
			 off_t offset, off_t length, struct fuse_file_info *fi)
{
	(void)ino;
	(void)mode;
	(void)offset;
	(void)length;
	(void)fi;
	fuse_reply_err(req, EROFS);
}

static void ro_copy_file_range(fuse_req_t req, fuse_ino_t ino_in, off_t off_in,
			       struct fuse_file_info *fi_in,
			       fuse_ino_t ino_out, off_t off_out,
			       struct fuse_file_info *fi_out, size_t len,
			       int flags)
{
	(void)ino_in;
	(void)off_in;
	(void)fi_in;
	(void)ino_out;
	(void)off_out;
	(void)fi_out;
	(void)len;
	(void)flags;
	fuse_reply_err(req, EROFS);
}

const struct fuse_lowlevel_ops nb_fs_ops = {
	.init = nb_init,
	.lookup = nb_lookup,
	.forget = nb_forget,
	.forget_multi = nb_forget_multi,
	.getattr = nb_getattr,
	.opendir = nb_opendir,
	.readdir = nb_readdir,
	.readdirplus = nb_readdirplus,
	.open = nb_open,
	.read = nb_read,
	.statfs = nb_statfs,
	.getxattr = nb_getxattr,
	.listxattr = nb_listxattr,
	.setattr = ro_setattr,
	.mknod = ro_mknod,
	.mkdir = ro_mkdir,
	.unlink = ro_remove,
	.rmdir = ro_remove,
	.symlink = ro_symlink,
	.rename = ro_rename,
	.link = ro_link,
	.create = ro_create,
	.write = ro_write,
	.setxattr = ro_setxattr,
	.removexattr = ro_removexattr,
	.fallocate = ro_fallocate,
	.copy_file_range = ro_copy_file_range,
};
