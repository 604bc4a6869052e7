/*
 * cancel.c — a build's cancel request: a flag its caller sets from another
 * thread (an unmount), read where the build can stop cheaply.  Between
 * files the builder reads it itself; inside SQLite, where the long phases
 * spend their time (copying, the tree, _all), a progress handler reads it
 * and interrupts the statement, which then fails like any other, and the
 * build is rolled back as a failed one is.
 */
#include "ix.h"

/* SQLite virtual machine steps between two looks at the flag: a step is
 * well under a microsecond, so a look every 1,000 costs nothing measurable
 * and a statement stops within a millisecond. */
#define CANCEL_STEPS 1000

bool ix_cancelled(const atomic_int *cancel)
{
	return cancel && atomic_load_explicit(cancel, memory_order_relaxed);
}

static int interrupt_if_cancelled(void *cancel)
{
	return ix_cancelled(cancel);
}

void ix_cancel_watch(sqlite3 *db, const atomic_int *cancel)
{
	if (cancel)
		sqlite3_progress_handler(db, CANCEL_STEPS,
					 interrupt_if_cancelled, (void *)cancel);
}
