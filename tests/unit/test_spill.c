/*
 * test_spill.c — the build's scratch file of records (index/spill.c) and a
 * record read back (index/prerender.c): records added in any order, of any
 * size (past the writes' chunk), read back by id byte for byte from any
 * place; an id without one says so; the file leaves nothing in its
 * directory.  A record cut short or not a record is said damaged, never
 * read past its end.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ix.h"
#include "prerender.h"
#include "spill.h"
#include "scratch.h"

/* The files in dir. */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static void test_records_by_id(void **state)
{
	(void)state;
	scratch_dir fx;
	assert_int_equal(scratch_make(&fx, "spill"), 0);
	ix_spill *s;
	assert_int_equal(ix_spill_new(fx.db, NULL, &s), 0);
	enum { BIG = 3 << 19 };	/* 1.5 MiB: past one write's chunk */
	char *big = malloc(BIG);
	assert_non_null(big);
	for (size_t i = 0; i < BIG; i++)
		big[i] = (char)(i * 31 + 7);
	assert_int_equal(ix_spill_add(s, 9, "nine", 4), 0);
	assert_int_equal(ix_spill_add(s, 2, big, BIG), 0);
	assert_int_equal(ix_spill_add(s, 5, "", 0), 0);
	assert_int_equal(ix_spill_add(s, 7, "seven", 5), 0);
	assert_int_equal(ix_spill_finish(s), 0);
	assert_int_equal(entries(fx.dir), 0);

	nb_buf b = {0};
	assert_true(ix_spill_has(s, 2));
	assert_int_equal(ix_spill_read(s, 2, &b), 0);
	assert_int_equal(b.len, BIG);
	assert_memory_equal(b.s, big, BIG);
	assert_int_equal(ix_spill_read(s, 9, &b), 0);
	assert_int_equal(b.len, 4);
	assert_string_equal(b.s, "nine");
	assert_int_equal(ix_spill_read(s, 7, &b), 0);
	assert_string_equal(b.s, "seven");
	assert_int_equal(ix_spill_read(s, 5, &b), 0);
	assert_int_equal(b.len, 0);
	assert_false(ix_spill_has(s, 3));
	assert_int_equal(ix_spill_read(s, 3, &b), -ENOENT);
	assert_false(ix_spill_has(NULL, 2));
	nb_buf_free(&b);
	free(big);
	ix_spill_free(s);
	assert_int_equal(scratch_remove(&fx), 0);
}

static void test_damaged_record(void **state)
{
	(void)state;
	ix_prerendered p;
	ix_recdata d;
	char junk[16] = "not a record";
	assert_int_equal(ix_prerendered_read(junk, 3, &p), -EIO);
	assert_int_equal(ix_record_data(junk, 3, &d), -EIO);
	/* a head promising more than there is */
	char head[512];
	memset(head, 0xFF, sizeof head);
	assert_int_equal(ix_prerendered_read(head, sizeof head, &p), -EIO);
	assert_int_equal(ix_record_data(head, sizeof head, &d), -EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_records_by_id),
		cmocka_unit_test(test_damaged_record),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
