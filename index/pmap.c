/*
 * pmap.c — an ordered parallel map: work on every core, results consumed
 * in order on the calling thread.
 *
 * The build parses reports on every core, but SQLite has one writer and
 * the index must come out the same whatever the timing: so workers take
 * items in order, and the caller consumes item i only once it is done,
 * in order.  A window bounds how far the workers run ahead, and so the
 * memory held by results not yet consumed.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "ix.h"

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
	bool consumer_waits;	/* for item consumed */
	unsigned workers_wait;	/* for room */
} pmap;

typedef struct {
	pmap *p;
	unsigned no;
} worker;

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
		if (p->consumer_waits && i == p->consumed)
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
		for (size_t i = 0; i < n && !rc; i++) {
			pthread_mutex_lock(&p.mu);
			p.consumer_waits = true;
			while (!p.done[i])
				pthread_cond_wait(&p.ready, &p.mu);
			p.consumer_waits = false;
			pthread_mutex_unlock(&p.mu);
			rc = consume(ctx, i);
			pthread_mutex_lock(&p.mu);
			p.consumed = i + 1;
			if (p.workers_wait)
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
