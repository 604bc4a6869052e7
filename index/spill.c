/*
 * spill.c — the parsed reports' records (prerender.c) kept in an unlinked
 * file beside the index until the tree phase: in memory they would be
 * ~12 KB a report (its tables most of it; bench/gen.py's 10,000: 117 MB
 * written, strace -e write), ~1.2 GB at 100,000 reports, when the
 * indexer must stay under 300 MB (issue 7).  Written in large appends by
 * the writer thread alone; read back with pread (by the tree phase, then
 * by _all's), from any reader, by an id's place in a sorted array.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spill.h"

/* Records gathered before one write: few write calls, little memory. */
#define WRITE_CHUNK (1 << 20)

typedef struct {
	int64_t id;
	uint64_t off;
	size_t len;
} place;

struct ix_spill {
	int fd;
	FILE *err;
	char *path;		/* for messages */
	nb_buf pending;		/* records not written yet */
	uint64_t written;	/* bytes in the file */
	place *v;
	size_t n, cap;
};

static int fail(ix_spill *s, const char *what)
{
	int e = errno ? errno : EIO;
	ix_say(s->err, "%s: cannot %s its build's scratch file: %s", s->path,
	       what, strerror(e));
	return -e;
}

/* An unlinked file in path's directory: O_TMPFILE where the file system
 * has it, else a named one removed at once. */
static int open_beside(const char *path, int *fd)
{
	nb_buf dir = {0};
	const char *slash = strrchr(path, '/');
	if (slash)
		nb_buf_add(&dir, path, (size_t)(slash - path) + 1);
	else
		nb_buf_adds(&dir, "./");
	nb_buf_addc(&dir, '\0');
	if (dir.oom)
		return -ENOMEM;
	*fd = open(dir.s, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	nb_buf_free(&dir);
	if (*fd >= 0)
		return 0;
	nb_buf name = {0};
	nb_buf_printf(&name, "%s.spill-XXXXXX", path);
	if (name.oom)
		return -ENOMEM;
	*fd = mkostemp(name.s, O_CLOEXEC);
	int rc = *fd < 0 ? -errno : 0;
	if (!rc)
		unlink(name.s);
	nb_buf_free(&name);
	return rc;
}

int ix_spill_new(const char *path, FILE *err, ix_spill **out)
{
	ix_spill *s = calloc(1, sizeof *s);
	if (!s || !(s->path = strdup(path))) {
		free(s);
		return -ENOMEM;
	}
	s->err = err;
	int rc = open_beside(path, &s->fd);
	if (rc) {
		errno = -rc;
		rc = rc == -ENOMEM ? rc : fail(s, "create");
		s->fd = -1;
		ix_spill_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void ix_spill_free(ix_spill *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	nb_buf_free(&s->pending);
	free(s->v);
	free(s->path);
	free(s);
}

static int flush(ix_spill *s)
{
	const char *p = s->pending.s;
	size_t n = s->pending.len;
	while (n) {
		ssize_t k = write(s->fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return fail(s, "write");
		p += k;
		n -= (size_t)k;
		s->written += (uint64_t)k;
	}
	nb_buf_reset(&s->pending);
	return 0;
}

int ix_spill_add(ix_spill *s, int64_t id, const void *rec, size_t len)
{
	place *v = nb_grow(s->v, &s->cap, s->n + 1, sizeof *v, 256);
	if (!v)
		return -ENOMEM;
	s->v = v;
	v[s->n++] = (place){id, s->written + s->pending.len, len};
	nb_buf_add(&s->pending, rec, len);
	if (s->pending.oom)
		return -ENOMEM;
	return s->pending.len >= WRITE_CHUNK ? flush(s) : 0;
}

static int by_id(const void *a, const void *b)
{
	int64_t x = ((const place *)a)->id, y = ((const place *)b)->id;
	return (x > y) - (x < y);
}

int ix_spill_finish(ix_spill *s)
{
	int rc = flush(s);
	nb_buf_free(&s->pending);
	if (s->n)
		qsort(s->v, s->n, sizeof *s->v, by_id);
	return rc;
}

static const place *find(const ix_spill *s, int64_t id)
{
	place key = {.id = id};
	return s->n ? bsearch(&key, s->v, s->n, sizeof *s->v, by_id) : NULL;
}

bool ix_spill_has(const ix_spill *s, int64_t id)
{
	return s && find(s, id);
}

int ix_spill_read(const ix_spill *s, int64_t id, nb_buf *out)
{
	const place *p = find(s, id);
	nb_buf_reset(out);
	if (!p)
		return -ENOENT;
	char *b = nb_grow(out->s, &out->cap, p->len + 1, 1, 4096);
	if (!b)
		return -ENOMEM;
	out->s = b;
	size_t got = 0;
	while (got < p->len) {
		ssize_t k = pread(s->fd, out->s + got, p->len - got,
				  (off_t)(p->off + got));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (!k)
				errno = EIO;	/* shorter than written */
			return fail((ix_spill *)s, "read");
		}
		got += (size_t)k;
	}
	out->len = p->len;
	out->s[out->len] = '\0';
	return 0;
}
