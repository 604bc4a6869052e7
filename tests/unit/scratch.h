/*
 * scratch.h — a unit test's own temporary directory under /tmp (made with
 * mkdtemp, removed whole), the RAWDIR and index paths inside it, and the
 * writing of a file there.  The index tests (test_index, test_blocks,
 * test_cancel) each build into one; one definition here keeps them alike.
 * inline: a test that uses only some of them is not warned of the rest.
 */
#ifndef NB_SCRATCH_H
#define NB_SCRATCH_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	char dir[64];		/* the test's own temporary directory */
	char raw[96];		/* RAWDIR inside it */
	char db[96];		/* the index file */
} scratch_dir;

/* A new /tmp/nb-test-<name>-XXXXXX, with raw and db named (not made)
 * inside it.  0, or -1 when the directory cannot be made. */
static inline int scratch_make(scratch_dir *s, const char *name)
{
	snprintf(s->dir, sizeof s->dir, "/tmp/nb-test-%s-XXXXXX", name);
	if (!mkdtemp(s->dir))
		return -1;
	snprintf(s->raw, sizeof s->raw, "%s/raw", s->dir);
	snprintf(s->db, sizeof s->db, "%s/ix.sqlite", s->dir);
	return 0;
}

/* RAWDIR made as a copy of the directory from (relative to tests/, where
 * the unit tests run).  0, or -1 when the copy fails. */
static inline int scratch_copy(const scratch_dir *s, const char *from)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "cp -R '%s' '%s'", from, s->raw);
	return system(cmd) == 0 ? 0 : -1;
}

/* The directory and all in it gone.  0, or -1 when rm fails. */
static inline int scratch_remove(const scratch_dir *s)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", s->dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Nothing but the index in the directory: no temporary file left. */
static inline void scratch_assert_no_tmp(const scratch_dir *s)
{
	DIR *d = opendir(s->dir);
	assert_non_null(d);
	struct dirent *de;
	while ((de = readdir(d)))
		assert_null(strstr(de->d_name, ".tmp-"));
	closedir(d);
}

static inline void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

#endif
