/*
 * renamed.c — files of the last index whose path is gone, found again by
 * their content's hash: a renamed or moved report costs a hash, not a
 * parse.
 *
 * The parser sees a file's name only for its kind (the extension) and in
 * the warnings that name the file, so a report is reused under a new name
 * only with the same extension and when none of its warnings names its old
 * path.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "ix.h"

struct ix_renames {
	ix_gone *v;		/* sorted by hash */
	size_t n, cap;
	sqlite3_stmt *names_path;	/* does a report's warning name a path */
};

static int add(ix_renames *g, int64_t id, const char *path,
	       const char *sha256)
{
	ix_gone *v = nb_grow(g->v, &g->cap, g->n + 1, sizeof *v, 64);
	if (!v)
		return -ENOMEM;
	g->v = v;
	g->v[g->n++] = (ix_gone){.id = id, .path = path, .sha256 = sha256};
	return 0;
}

static int by_hash(const void *a, const void *b)
{
	return strcmp(((const ix_gone *)a)->sha256, ((const ix_gone *)b)->sha256);
}

static const char *extension(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash : path, '.');
	return dot ? dot : "";
}

/* A report not taken yet with this content and rel's extension, or NULL. */
static ix_gone *find(ix_renames *g, const char *sha256, const char *rel)
{
	size_t lo = 0, hi = g->n;
	while (lo < hi) {	/* the first entry of this hash */
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(g->v[mid].sha256, sha256) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < g->n && !strcmp(g->v[i].sha256, sha256); i++)
		if (!g->v[i].taken &&
		    !strcasecmp(extension(g->v[i].path), extension(rel)))
			return &g->v[i];
	return NULL;
}

int ix_renames_new(const ix_old_index *o, const ix_files *files,
		   ix_renames **out)
{
	ix_renames *g = calloc(1, sizeof *g);
	if (!g)
		return -ENOMEM;
	size_t j = 0;
	for (size_t i = 0; i < o->n; i++) {
		const ix_old_source *s = &o->v[i];
		while (j < files->n && strcmp(files->v[j].rel, s->path) < 0)
			j++;
		if (j < files->n && !strcmp(files->v[j].rel, s->path))
			continue;
		if (!s->error && s->sha256 &&
		    add(g, s->id, s->path, s->sha256)) {
			ix_renames_free(g);
			return -ENOMEM;
		}
	}
	if (g->n)
		qsort(g->v, g->n, sizeof *g->v, by_hash);
	*out = g;
	return 0;
}

const ix_gone *ix_renamed_from(ix_renames *g, sqlite3 *db,
			       const char *rawdir, const char *realroot,
			       const ix_file *f, FILE *err, int *rc)
{
	char *data = NULL, hex[65];
	size_t len = 0;
	struct stat st;

	*rc = 0;
	if (!g->n || ix_read_raw(rawdir, realroot, f, &data, &len, &st))
		return NULL;
	ix_gone *found = NULL;
	if (!ix_sha256_hex(data, len, hex))
		found = find(g, hex, f->rel);
	free(data);
	if (!found)
		return NULL;
	if (!g->names_path &&
	    sqlite3_prepare_v2(db, "SELECT count(*) FROM old.warning"
			       " WHERE report = ? AND instr(text, ?) > 0",
			       -1, &g->names_path, NULL) != SQLITE_OK) {
		ix_say_db(err, db);
		*rc = -EIO;
		return NULL;
	}
	sqlite3_bind_int64(g->names_path, 1, found->id);
	sqlite3_bind_text(g->names_path, 2, found->path, -1, SQLITE_STATIC);
	int64_t named = sqlite3_step(g->names_path) == SQLITE_ROW ?
		sqlite3_column_int64(g->names_path, 0) : 1;
	sqlite3_reset(g->names_path);
	if (named)
		return NULL;
	found->taken = true;
	return found;
}

void ix_renames_free(ix_renames *g)
{
	if (!g)
		return;
	sqlite3_finalize(g->names_path);
	free(g->v);
	free(g);
}
