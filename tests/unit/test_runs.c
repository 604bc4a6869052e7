/*
 * test_runs.c — the runs of _all's order that a refresh copies the old
 * blocks of (index/runs.c): places of unchanged reports that follow each
 * other in the old order too.  A changed, new or moved report ends a run;
 * so does a report gone from between two; the run that ends both orders
 * is the tail, and the head is whether the order starts as it did.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "ix.h"
#include "dataset.h"

#define MAXN 8

/* An old order, a new one (kept: unchanged), and the runs expected. */
typedef struct {
	const char *what;
	int64_t old[MAXN];
	size_t nold;
	int64_t ids[MAXN];
	bool kept[MAXN];
	size_t n;
	size_t run_end[MAXN], tail;
	bool head;
} runs_case;

static const runs_case cases[] = {
	{"the same order: one run, the tail from place 0",
	 {4, 9, 2, 7}, 4, {4, 9, 2, 7}, {1, 1, 1, 1}, 4,
	 {4, 4, 4, 4}, 0, true},
	{"9 changed: in no run, and the others split",
	 {4, 9, 2, 7}, 4, {4, 9, 2, 7}, {1, 0, 1, 1}, 4,
	 {1, 0, 4, 4}, 2, true},
	{"5 gone from between 9 and 2, 8 new at the end: no tail",
	 {4, 9, 5, 2, 7}, 5, {4, 9, 2, 7, 8}, {1, 1, 1, 1, 0}, 5,
	 {2, 2, 4, 4, 0}, 5, true},
	{"the old first and last gone: no head, no tail",
	 {1, 4, 9, 2, 3}, 5, {4, 9, 2}, {1, 1, 1}, 3,
	 {3, 3, 3}, 3, false},
	{"2 moved before 9, 11 not in the old order",
	 {4, 9, 2, 7}, 4, {4, 2, 9, 7, 11}, {1, 1, 1, 1, 1}, 5,
	 {1, 2, 3, 4, 0}, 5, true},
	{"no old order", {0}, 0, {3}, {1}, 1, {0}, 1, false},
	{"no new order", {3}, 1, {0}, {0}, 0, {0}, 0, false},
};

static void test_runs(void **state)
{
	(void)state;
	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		const runs_case *k = &cases[c];
		size_t run_end[MAXN], tail;
		bool head;
		print_message("%s\n", k->what);
		assert_int_equal(ix_runs_find(k->ids, k->kept, k->n, k->old,
					      k->nold, run_end, &tail, &head), 0);
		for (size_t p = 0; p < k->n; p++)
			assert_int_equal(run_end[p], k->run_end[p]);
		assert_int_equal(tail, k->tail);
		assert_int_equal(head, k->head);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
