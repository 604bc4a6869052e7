/*
 * snapshot.c — the versions of the index being served, and the switch from
 * one to the next while the filesystem is in use.
 *
 * An inode number always names the same bytes (index/inodes.c), so every
 * opened version that has a number answers it alike.  Names are looked up
 * in the newest version only; a number it no longer has (a file removed or
 * replaced, still open somewhere) is answered by an older version, kept
 * open while the kernel holds one of the numbers only it has (lookups.c).
 * A reader thus sees a file's old bytes or its new bytes, whole, never EIO.
 *
 * After a switch the kernel is told what changed: entries removed or
 * replaced are deleted from its caches (so their inodes go once unused, and
 * FORGET lets the old version close), new names drop any cached negative
 * entry, and directories whose listing or attributes changed are
 * invalidated.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fs.h"

/* Old versions kept at most; beyond, the oldest is closed even if the
 * kernel still holds one of its numbers (which then answers ENOENT).  Each
 * costs two SQLite connections; a kernel that never forgets must not make
 * memory grow without bound. */
#define SNAP_MAX_OLD 16

#define SNAP_ERR_LEN 512

typedef struct gen {
	nb_index *ix;
	nb_view *view;
	dev_t dev;		/* the index file it was opened from */
	ino_t ino;
	char *pin;		/* its private name (pin.c), or NULL */
	uint64_t *orphans;	/* numbers the next version no longer has */
	size_t norphans;
	bool retirable;		/* orphans known */
	struct gen *older;
} gen;

struct nb_snaps {
	pthread_rwlock_t lock;	/* the list; held for reading by every op */
	gen *cur;		/* newest first, then ->older */
	unsigned flags;
	char dbpath[PATH_MAX];
	struct fuse_session *se;
	nb_lookups *lookups;
	pthread_key_t errkey;	/* each thread's last EIO message */
	struct stat refused;	/* an index that could not be served: said
				   once, tried again once changed */
	unsigned serial;	/* of the versions opened, for their pins */
};

static void gen_free(gen *g)
{
	if (!g)
		return;
	nb_index_close(g->ix);
	nb_view_close(g->view);
	nb_unpin(g->pin);
	free(g->orphans);
	free(g);
}

static const char *open_error(int rc)
{
	if (rc == NB_BAD_INDEX_VERSION)
		return "not a nianbaofs index, or one of another version";
	return strerror(-rc);
}

/* Opens the index at dbpath, its serving connections and its view on one
 * file, through a private name when it can have one: a rebuild may rename
 * another file over dbpath meanwhile. */
static int gen_open(nb_snaps *s, gen **out)
{
	for (int tries = 0; tries < 3; tries++) {
		struct stat before, after;
		gen *g = calloc(1, sizeof *g);
		if (!g)
			return -ENOMEM;
		g->pin = nb_pin(s->dbpath, s->serial++);
		const char *path = g->pin ? g->pin : s->dbpath;
		if (stat(path, &before) < 0) {
			int e = errno;
			gen_free(g);
			return -e;
		}
		int rc = nb_index_open(path, s->flags, &g->ix);
		if (rc < 0)
			g->ix = NULL;
		if (!rc && (rc = nb_view_open(path, &g->view)) < 0)
			g->view = NULL;
		if (!rc && stat(path, &after) < 0)
			rc = -errno;
		if (rc) {
			gen_free(g);
			return rc;
		}
		if (before.st_dev == after.st_dev && before.st_ino == after.st_ino) {
			g->dev = after.st_dev;
			g->ino = after.st_ino;
			*out = g;
			return 0;
		}
		gen_free(g);
	}
	return -EAGAIN;
}

int nb_snaps_open(nb_snaps **out, const char *dbpath, unsigned flags)
{
	nb_snaps *s = calloc(1, sizeof *s);
	if (!s)
		return -ENOMEM;
	s->flags = flags;
	snprintf(s->dbpath, sizeof s->dbpath, "%s", dbpath);
	nb_pins_clean(dbpath);
	int rc = nb_lookups_new(&s->lookups);
	if (!rc)
		rc = gen_open(s, &s->cur);
	if (rc) {
		fuse_log(FUSE_LOG_ERR, "nianbaofs: %s: cannot open the index: %s\n",
			 dbpath, open_error(rc));
		nb_lookups_free(s->lookups);
		free(s);
		return rc;
	}
	if ((rc = -pthread_key_create(&s->errkey, free))) {
		gen_free(s->cur);
		nb_lookups_free(s->lookups);
		free(s);
		return rc;
	}
	/* Switches wait for readers, readers do not wait for each other;
	 * a stream of readers must not keep a switch out for good. */
	pthread_rwlockattr_t attr;
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr,
				      PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&s->lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	*out = s;
	return 0;
}

void nb_snaps_close(nb_snaps *s)
{
	if (!s)
		return;
	for (gen *g = s->cur, *next; g; g = next) {
		next = g->older;
		gen_free(g);
	}
	pthread_rwlock_destroy(&s->lock);
	/* the other threads' messages went with their threads */
	free(pthread_getspecific(s->errkey));
	pthread_key_delete(s->errkey);
	nb_lookups_free(s->lookups);
	free(s);
}

void nb_snaps_set_session(nb_snaps *s, struct fuse_session *se)
{
	s->se = se;
}

/* ---- answering, newest version first ------------------------------------- */

/* On EIO, keeps what the index said for nb_snap_error: the version may be
 * closed by the time the caller asks. */
static int noted(nb_snaps *s, gen *g, int rc)
{
	if (rc != -EIO)
		return rc;
	char *buf = pthread_getspecific(s->errkey);
	if (!buf && (buf = malloc(SNAP_ERR_LEN)) &&
	    pthread_setspecific(s->errkey, buf) != 0) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		snprintf(buf, SNAP_ERR_LEN, "%s", nb_index_error(g->ix));
	return rc;
}

const char *nb_snap_error(nb_snaps *s)
{
	const char *buf = pthread_getspecific(s->errkey);
	return buf ? buf : "";
}

int nb_snap_getattr(nb_snaps *s, uint64_t ino, nb_node *out)
{
	int rc = -ENOENT;
	pthread_rwlock_rdlock(&s->lock);
	for (gen *g = s->cur; g && rc == -ENOENT; g = g->older)
		rc = noted(s, g, nb_index_getattr(g->ix, ino, out));
	pthread_rwlock_unlock(&s->lock);
	return rc;
}

int nb_snap_lookup(nb_snaps *s, uint64_t parent, const char *name,
		   nb_node *out)
{
	pthread_rwlock_rdlock(&s->lock);
	/* Names are the newest version's only: what it removed is gone. */
	int rc = noted(s, s->cur, nb_index_lookup(s->cur->ix, parent, name, out));
	/* Counted before the reply, while no switch can come between: a
	 * version is never closed under a number just handed out. */
	if (!rc)
		nb_lookups_add(s->lookups, out->ino);
	pthread_rwlock_unlock(&s->lock);
	return rc;
}

int nb_snap_readdir(nb_snaps *s, uint64_t ino, uint64_t off, nb_dirent_fn fn,
		    void *ctx)
{
	int rc = -ENOENT;
	pthread_rwlock_rdlock(&s->lock);
	for (gen *g = s->cur; g && rc == -ENOENT; g = g->older)
		rc = noted(s, g, nb_index_readdir(g->ix, ino, off, fn, ctx));
	pthread_rwlock_unlock(&s->lock);
	return rc;
}

ssize_t nb_snap_read(nb_snaps *s, uint64_t ino, char *buf, size_t size,
		     uint64_t off)
{
	ssize_t n = -ENOENT;
	pthread_rwlock_rdlock(&s->lock);
	for (gen *g = s->cur; g && n == -ENOENT; g = g->older) {
		n = nb_index_read(g->ix, ino, buf, size, off);
		if (n < 0)
			noted(s, g, (int)n);
	}
	pthread_rwlock_unlock(&s->lock);
	return n;
}

int nb_snap_totals(nb_snaps *s, uint64_t *nodes, uint64_t *bytes)
{
	pthread_rwlock_rdlock(&s->lock);
	int rc = nb_index_totals(s->cur->ix, nodes, bytes);
	pthread_rwlock_unlock(&s->lock);
	return rc;
}

void nb_snap_looked_up(nb_snaps *s, uint64_t ino)
{
	nb_lookups_add(s->lookups, ino);
}

void nb_snap_forget(nb_snaps *s, uint64_t ino, uint64_t n)
{
	nb_lookups_forget(s->lookups, ino, n);
}

/* ---- switching ------------------------------------------------------------------ */

typedef struct {
	nb_diff_kind kind;
	uint64_t parent, old_ino;
	char *name;
	int rc;			/* of notify_delete */
} change;

typedef struct {
	change *v;
	size_t n, cap;
	uint64_t *orphans;
	size_t norphans, ocap;
	uint64_t *dirs;		/* directories to invalidate */
	size_t ndirs, dcap;
} diff;

static int push_u64(uint64_t **v, size_t *n, size_t *cap, uint64_t x)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		uint64_t *nv = realloc(*v, c * sizeof *nv);
		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = c;
	}
	(*v)[(*n)++] = x;
	return 0;
}

static int on_change(void *ctx, nb_diff_kind kind, uint64_t parent,
		     const char *name, uint64_t old_ino, uint64_t new_ino)
{
	diff *d = ctx;
	(void)new_ino;
	if (kind == NB_DIFF_DIR_CHANGED)
		return push_u64(&d->dirs, &d->ndirs, &d->dcap, old_ino);
	if (kind != NB_DIFF_ADDED &&
	    push_u64(&d->orphans, &d->norphans, &d->ocap, old_ino))
		return -ENOMEM;
	if (parent && push_u64(&d->dirs, &d->ndirs, &d->dcap, parent))
		return -ENOMEM;
	if (d->n == d->cap) {
		size_t c = d->cap ? d->cap * 2 : 64;
		change *nv = realloc(d->v, c * sizeof *nv);
		if (!nv)
			return -ENOMEM;
		d->v = nv;
		d->cap = c;
	}
	char *copy = strdup(name);
	if (!copy)
		return -ENOMEM;
	d->v[d->n++] = (change){.kind = kind, .parent = parent,
				.old_ino = old_ino, .name = copy,
				.rc = 0};
	return 0;
}

static int by_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Tells the kernel what changed.  Errors mean "not in the cache". */
static void notify(struct fuse_session *se, diff *d)
{
	/* The kernel drops the unused entries below a deleted directory
	 * itself; one still in use (an open file) keeps it from deleting. */
	for (size_t i = 0; i < d->n; i++) {
		change *c = &d->v[i];
		if (c->kind != NB_DIFF_ADDED)
			c->rc = fuse_lowlevel_notify_delete(se, c->parent, c->old_ino,
							    c->name, strlen(c->name));
	}
	for (size_t i = 0; i < d->n; i++) {
		change *c = &d->v[i];
		/* a new name may be cached as absent; a deletion that
		 * failed (a directory in use) at least drops the name */
		if (c->kind == NB_DIFF_ADDED || c->rc != 0)
			fuse_lowlevel_notify_inval_entry(se, c->parent, c->name,
							 strlen(c->name));
	}
	qsort(d->dirs, d->ndirs, sizeof *d->dirs, by_u64);
	for (size_t i = 0; i < d->ndirs; i++)
		if (!i || d->dirs[i] != d->dirs[i - 1])
			fuse_lowlevel_notify_inval_inode(se, d->dirs[i], 0, 0);
}

static void diff_free(diff *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].name);
	free(d->v);
	free(d->orphans);
	free(d->dirs);
}

/* Closes old versions the kernel holds nothing of (with the list locked). */
static gen *unlink_retired(nb_snaps *s)
{
	gen *dead = NULL;
	size_t kept = 0;
	for (gen **p = &s->cur->older; *p;) {
		gen *g = *p;
		bool held = !g->retirable ||
			nb_lookups_any(s->lookups, g->orphans, g->norphans);
		if (held && ++kept <= SNAP_MAX_OLD) {
			p = &g->older;
			continue;
		}
		if (held)
			fuse_log(FUSE_LOG_WARNING, "nianbaofs: %s: more than %d "
				 "older versions of the index still in use; "
				 "closing the oldest\n", s->dbpath, SNAP_MAX_OLD);
		*p = g->older;
		g->older = dead;
		dead = g;
	}
	return dead;
}

void nb_snaps_retire(nb_snaps *s)
{
	pthread_rwlock_wrlock(&s->lock);
	gen *dead = unlink_retired(s);
	pthread_rwlock_unlock(&s->lock);
	while (dead) {
		gen *next = dead->older;
		gen_free(dead);
		dead = next;
	}
}

bool nb_snaps_has_old(nb_snaps *s)
{
	pthread_rwlock_rdlock(&s->lock);
	bool old = s->cur->older != NULL;
	pthread_rwlock_unlock(&s->lock);
	return old;
}

int nb_snaps_reload(nb_snaps *s)
{
	struct stat st;
	if (stat(s->dbpath, &st) < 0) {
		int e = errno;
		fuse_log(FUSE_LOG_ERR, "nianbaofs: %s: %s; still serving the "
			 "index as it was\n", s->dbpath, strerror(e));
		return -e;
	}
	/* only the switching thread changes cur: no lock to read it */
	gen *old = s->cur;
	if (st.st_dev == old->dev && st.st_ino == old->ino)
		return 0;
	if (st.st_dev == s->refused.st_dev && st.st_ino == s->refused.st_ino &&
	    st.st_size == s->refused.st_size &&
	    st.st_mtim.tv_sec == s->refused.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == s->refused.st_mtim.tv_nsec)
		return -EINVAL;
	gen *g;
	int rc = gen_open(s, &g);
	if (rc) {
		s->refused = st;
		fuse_log(FUSE_LOG_ERR, "nianbaofs: %s: cannot open the new index: "
			 "%s; still serving the index as it was\n", s->dbpath,
			 open_error(rc));
		return rc;
	}
	if (!nb_view_follows(old->view, g->view)) {
		fuse_log(FUSE_LOG_ERR, "nianbaofs: %s: the index was rebuilt from "
			 "scratch, so its inode numbers start over; still serving "
			 "the index as it was (unmount and mount again to see "
			 "the new one)\n", s->dbpath);
		s->refused = st;
		gen_free(g);
		return -EINVAL;
	}
	diff d = {0};
	rc = nb_view_diff(old->view, g->view, on_change, &d);
	if (rc) {
		fuse_log(FUSE_LOG_ERR, "nianbaofs: %s: cannot compare the new index "
			 "with the one served: %s; still serving the index as it "
			 "was\n", s->dbpath, strerror(-rc));
		diff_free(&d);
		gen_free(g);
		return rc;
	}
	pthread_rwlock_wrlock(&s->lock);
	g->older = old;
	s->cur = g;
	old->orphans = d.orphans;
	old->norphans = d.norphans;
	old->retirable = true;
	pthread_rwlock_unlock(&s->lock);
	d.orphans = NULL;
	fuse_log(FUSE_LOG_INFO, "nianbaofs: %s: serving the new index (%zu "
		 "names changed)\n", s->dbpath, d.n);
	if (s->se)
		notify(s->se, &d);
	diff_free(&d);
	nb_snaps_retire(s);
	return 1;
}
