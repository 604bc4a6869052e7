/*
 * test_rawfile.c — reading a raw file the walk found (index/rawfile.c),
 * when the file was changed between the walk and the read: the file the
 * walk saw is read, rewritten in place or not; another regular file put in
 * its place inside RAWDIR is read too (its path looked up again); a link
 * put in its place, or in place of its directory, that leads out of RAWDIR
 * is refused, never read.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "ix.h"
#include "scratch.h"

/* RAWDIR with one report, sub/r-2020.txt, walked; a file outside it. */
typedef struct {
	scratch_dir fx;
	char realroot[PATH_MAX];
	char outside[128], sub[128], report[160];
	ix_files files;
} fixture;

static void make(fixture *t, const char *name)
{
	assert_int_equal(scratch_make(&t->fx, name), 0);
	assert_int_equal(mkdir(t->fx.raw, 0755), 0);
	snprintf(t->sub, sizeof t->sub, "%s/sub", t->fx.raw);
	assert_int_equal(mkdir(t->sub, 0755), 0);
	snprintf(t->report, sizeof t->report, "%s/r-2020.txt", t->sub);
	write_file(t->report, "inside", 6);
	snprintf(t->outside, sizeof t->outside, "%s/secret.txt", t->fx.dir);
	write_file(t->outside, "outside", 7);
	assert_non_null(realpath(t->fx.raw, t->realroot));
	assert_int_equal(ix_walk(t->fx.raw, stderr, &t->files, NULL), 0);
	assert_int_equal(t->files.n, 1);
	assert_string_equal(t->files.v[0].rel, "sub/r-2020.txt");
}

static void done(fixture *t)
{
	ix_files_free(&t->files);
	assert_int_equal(scratch_remove(&t->fx), 0);
}

/* Reading the walked file gives status want_rc, and then the bytes want
 * (0) or nothing (any other status). */
static void assert_read(fixture *t, int want_rc, const char *want)
{
	struct stat st;
	char *data = NULL;
	size_t len;
	assert_int_equal(ix_read_raw(t->fx.raw, t->realroot, &t->files.v[0],
				     &data, &len, &st), want_rc);
	if (want_rc) {
		assert_null(data);
		return;
	}
	assert_int_equal(len, strlen(want));
	assert_memory_equal(data, want, len);
	free(data);
}

static void test_the_walked_file(void **state)
{
	(void)state;
	fixture t;
	make(&t, "rawfile-same");
	assert_read(&t, 0, "inside");
	done(&t);
}

static void test_the_walked_file_rewritten(void **state)
{
	(void)state;
	fixture t;
	make(&t, "rawfile-rewritten");
	/* the same inode, a new mtime: looked up again, and inside */
	struct timespec later[2] = {{0, UTIME_OMIT}, {2000000000, 5}};
	write_file(t.report, "rewritten", 9);
	assert_int_equal(utimensat(AT_FDCWD, t.report, later, 0), 0);
	assert_read(&t, 0, "rewritten");
	done(&t);
}

static void test_another_file_inside(void **state)
{
	(void)state;
	fixture t;
	make(&t, "rawfile-other");
	/* a new inode in its place, as an editor's save makes */
	char tmp[176];
	snprintf(tmp, sizeof tmp, "%s.new", t.report);
	write_file(tmp, "edited!", 7);
	assert_int_equal(rename(tmp, t.report), 0);
	assert_read(&t, 0, "edited!");
	done(&t);
}

static void test_file_replaced_by_a_link_out(void **state)
{
	(void)state;
	fixture t;
	make(&t, "rawfile-link");
	assert_int_equal(unlink(t.report), 0);
	assert_int_equal(symlink(t.outside, t.report), 0);
	assert_read(&t, NB_OUTSIDE_RAWDIR, NULL);
	done(&t);
}

static void test_directory_replaced_by_a_link_out(void **state)
{
	(void)state;
	fixture t;
	make(&t, "rawfile-dir");
	/* the same name, outside: a directory holding r-2020.txt */
	char out_dir[200], out_file[220], moved[200];
	snprintf(out_dir, sizeof out_dir, "%s/elsewhere", t.fx.dir);
	assert_int_equal(mkdir(out_dir, 0755), 0);
	snprintf(out_file, sizeof out_file, "%s/r-2020.txt", out_dir);
	write_file(out_file, "outside", 7);
	snprintf(moved, sizeof moved, "%s/sub-old", t.fx.raw);
	assert_int_equal(rename(t.sub, moved), 0);
	assert_int_equal(symlink(out_dir, t.sub), 0);
	assert_read(&t, NB_OUTSIDE_RAWDIR, NULL);
	done(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_walked_file),
		cmocka_unit_test(test_the_walked_file_rewritten),
		cmocka_unit_test(test_another_file_inside),
		cmocka_unit_test(test_file_replaced_by_a_link_out),
		cmocka_unit_test(test_directory_replaced_by_a_link_out),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
