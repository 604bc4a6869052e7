/*
 * test_pmap.c — the ordered parallel map (index/pmap.c): every item worked
 * once and consumed once, in order, only after it was worked, never more
 * than the window ahead of the consumer; for any count, number of threads
 * and window (one, smaller than the run the consumer waits for, larger
 * than the count), with slow and fast workers and a slow consumer; a
 * failing consume stopping the map with its status.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "ix.h"

typedef struct {
	size_t n, window;
	unsigned threads;
	atomic_int *worked;	/* times item i was worked */
	atomic_size_t consumed;	/* items consumed so far */
	atomic_bool ahead;	/* an item worked past the window */
	size_t next;		/* the item the consumer expects */
	bool out_of_order;
	size_t fail_at;		/* consume fails here (SIZE_MAX: never) */
	unsigned slow_work;	/* every slow_work-th item sleeps (0: none) */
	unsigned slow_consume;
} run;

static void pause_us(long us)
{
	struct timespec ts = {0, us * 1000};
	nanosleep(&ts, NULL);
}

static void work(void *ctx, unsigned worker, size_t i)
{
	run *r = ctx;
	assert_true(worker < (r->threads ? r->threads : 1));
	if (i >= atomic_load(&r->consumed) + r->window)
		atomic_store(&r->ahead, true);
	if (r->slow_work && i % r->slow_work == 0)
		pause_us(200);
	atomic_fetch_add(&r->worked[i], 1);
}

static int consume(void *ctx, size_t i)
{
	run *r = ctx;
	if (i != r->next || atomic_load(&r->worked[i]) != 1)
		r->out_of_order = true;
	r->next = i + 1;
	if (r->slow_consume && i % r->slow_consume == 0)
		pause_us(300);
	atomic_store(&r->consumed, i + 1);
	return i == r->fail_at ? -EIO : 0;
}

static void check(size_t n, unsigned threads, size_t window,
		  unsigned slow_work, unsigned slow_consume)
{
	run r = {.n = n, .window = window, .threads = threads,
		 .fail_at = SIZE_MAX, .slow_work = slow_work,
		 .slow_consume = slow_consume};
	r.worked = calloc(n + 1, sizeof *r.worked);
	assert_non_null(r.worked);
	assert_int_equal(ix_pmap(n, threads, window, work, consume, &r), 0);
	assert_false(r.out_of_order);
	assert_false(atomic_load(&r.ahead));
	assert_int_equal(r.next, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(atomic_load(&r.worked[i]), 1);
	free(r.worked);
}

static void test_every_shape(void **state)
{
	(void)state;
	static const size_t counts[] = {0, 1, 2, 7, 8, 9, 63, 64, 65, 500};
	static const size_t windows[] = {1, 2, 3, 16, 64, 1000};
	for (size_t c = 0; c < sizeof counts / sizeof *counts; c++)
		for (size_t w = 0; w < sizeof windows / sizeof *windows; w++)
			for (unsigned t = 0; t <= 3; t++)
				check(counts[c], t, windows[w], 0, 0);
}

/* The consumer waiting for workers, and workers waiting for room. */
static void test_slow_sides(void **state)
{
	(void)state;
	check(300, 2, 64, 5, 0);
	check(300, 3, 4, 3, 0);
	check(300, 2, 64, 0, 4);
	check(300, 2, 3, 0, 2);
	check(300, 4, 16, 7, 5);
}

static void test_consume_fails(void **state)
{
	(void)state;
	for (unsigned t = 0; t <= 2; t++) {
		run r = {.n = 200, .window = 8, .threads = t, .fail_at = 50};
		r.worked = calloc(r.n, sizeof *r.worked);
		assert_non_null(r.worked);
		assert_int_equal(ix_pmap(r.n, t, r.window, work, consume, &r),
				 -EIO);
		assert_false(r.out_of_order);
		assert_int_equal(r.next, 51);
		/* nothing worked past the window of the item that failed */
		for (size_t i = 51 + r.window; i < r.n; i++)
			assert_int_equal(atomic_load(&r.worked[i]), 0);
		free(r.worked);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_shape),
		cmocka_unit_test(test_slow_sides),
		cmocka_unit_test(test_consume_fails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
