/*
 * pmap.c — an ordered parallel map: work on every core, results consumed
 * in order on the calling thread.
 *
 * The build parses reports on every core, but SQLite has one writer and
 * the index must come out the same whatever the timing: so workers take
 * items in order, and the caller consumes item i only once it is done,
 * in order.  A window bounds how far the workers run ahead, and so the
 * memory held by results not yet consumed.
 *
 * The consumer is the faster side (the writer's part of an item is a
 * fraction of a worker's: 1.9 s of 9.9 s CPU in the parse phase of the
 * 10,000 bench reports), so it often finds the next item not done.  It
 * then sleeps until a run of items is done, not just the next one: each
 * sleep and wake-up is two futex calls and two context switches, and on
 * two cores the consumer woken per item preempted a worker as often.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "ix.h"

/* Items the consumer waits for once it has to wait at all, at most: a
 * build of the 10,000 bench reports made 41,000 futex calls with a wake-up
 * per item, 22,000-28,000 with this (perf stat -e
 * syscalls:sys_enter_futex, two runs each on a loaded machine).  Small
 * beside the windows (64), so that the workers stay busy meanwhile. */
#define WAKE_RUN 8

typedef struct {
	size_t n, window;
	ix_work_fn work;
	ix_consume_fn consume;
	void *ctx;
	pthread_mutex_t mu;
	pthread_cond_t ready;	/* an item was done */
	pthread_cond_t room;	/* an item was consumed, or stop */
	size_t next;		/* the next item to take */
	size_t consumed;	/* items consumed so far */
	bool *done;
	bool stop;
	/* who waits, so that only a wait that can end is woken (a wake-up
	 * per item made ~5 context switches a report) */
	bool consumer_waits;	/* for the items from consumed to want */
	size_t want;
	unsigned workers_wait;	/* for room */
} pmap;

typedef struct {
	pmap *p;
	unsigned no;
} worker;

/* Whether the items the consumer waits for are all done (under mu). */
static bool run_done(const pmap *p)
{
	for (size_t i = p->consumed; i < p->want; i++)
		if (!p->done[i])
			return false;
	return true;
}

static void *run_worker(void *arg)
{
	worker *w = arg;
	pmap *p = w->p;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->stop && p->next < p->n &&
		       p->next >= p->consumed + p->window) {
			p->workers_wait++;
			pthread_cond_wait(&p->room, &p->mu);
			p->workers_wait--;
		}
		if (p->stop || p->next >= p->n)
			break;
		size_t i = p->next++;
		pthread_mutex_unlock(&p->mu);
		p->work(p->ctx, w->no, i);
		pthread_mutex_lock(&p->mu);
		p->done[i] = true;
		if (p->consumer_waits && i < p->want && run_done(p))
			pthread_cond_signal(&p->ready);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Without threads: each item worked then consumed, on this thread. */
static int run_inline(pmap *p)
{
	int rc = 0;
	for (size_t i = 0; i < p->n && !rc; i++) {
		p->work(p->ctx, 0, i);
		rc = p->consume(p->ctx, i);
	}
	return rc;
}

int ix_pmap(size_t n, unsigned threads, size_t window, ix_work_fn work,
	    ix_consume_fn consume, void *ctx)
{
	pmap p = {.n = n, .window = window ? window : 1, .work = work,
		  .consume = consume, .ctx = ctx};
	if (n == 0)
		return 0;
	if (threads <= 1)
		return run_inline(&p);
	p.done = calloc(n, sizeof *p.done);
	pthread_t *tid = calloc(threads, sizeof *tid);
	worker *ws = calloc(threads, sizeof *ws);
	if (!p.done || !tid || !ws) {
		free(p.done);
		free(tid);
		free(ws);
		return -ENOMEM;
	}
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.ready, NULL);
	pthread_cond_init(&p.room, NULL);
	unsigned started = 0;
	for (unsigned t = 0; t < threads; t++) {
		ws[t] = (worker){.p = &p, .no = t};
		if (pthread_create(&tid[started], NULL, run_worker, &ws[t]))
			break;	/* fewer workers: slower, not wrong */
		started++;
	}
	int rc = 0;
	if (started == 0) {
		rc = run_inline(&p);
	} else {
		size_t run = p.window / 2 < WAKE_RUN ? p.window / 2 : WAKE_RUN;
		if (run < 1)
			run = 1;
		for (size_t i = 0; i < n && !rc; i++) {
			pthread_mutex_lock(&p.mu);
			if (!p.done[i]) {
				/* a run's last items may wait for room */
				if (p.workers_wait)
					pthread_cond_broadcast(&p.room);
				p.want = n - i < run ? n : i + run;
				p.consumer_waits = true;
				while (!run_done(&p))
					pthread_cond_wait(&p.ready, &p.mu);
				p.consumer_waits = false;
			}
			pthread_mutex_unlock(&p.mu);
			rc = consume(ctx, i);
			pthread_mutex_lock(&p.mu);
			p.consumed = i + 1;
			/* room for a run again (or the consumer is about to
			 * wait, above) */
			if (p.workers_wait && p.consumed + p.window >= p.next + run)
				pthread_cond_broadcast(&p.room);
			pthread_mutex_unlock(&p.mu);
		}
		pthread_mutex_lock(&p.mu);
		p.stop = true;
		pthread_cond_broadcast(&p.room);
		pthread_mutex_unlock(&p.mu);
		for (unsigned t = 0; t < started; t++)
			pthread_join(tid[t], NULL);
	}
	pthread_cond_destroy(&p.room);
	pthread_cond_destroy(&p.ready);
	pthread_mutex_destroy(&p.mu);
	free(p.done);
	free(tid);
	free(ws);
	return rc;
}
