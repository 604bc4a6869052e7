/*
 * t2s.c — a Traditional text converted by OpenCC run by run, each distinct
 * run converted once.
 *
 * OpenCC's t2s costs some 2,400 instructions a byte (callgrind: 20 M for
 * one 8 KB Traditional report of bench/gen.py, whose whole parse otherwise
 * costs 2 M; 33 such reports were a tenth of a 2,000-report build).
 * Reports say the same things in the same words around other numbers, so
 * the text between its numbers repeats, within a report and across a
 * collection; each parser keeps what it has converted.
 *
 * Why a text converts as its runs do.  Every key of t2s's dictionaries
 * (TSPhrases, TSCharacters) is Han as nb_is_han says, every character of
 * it (checked with opencc_dict -t text on Debian 12's OpenCC 1.1.6: 277
 * and 4,113 keys).  OpenCC segments by longest match of TSPhrases and then
 * converts each segment by longest match of both; a character that is not
 * Han matches no key, so it is passed over alone, unchanged, and no match
 * reaches past it: every match starts and ends inside one run of Han
 * characters, and a run's matches are the same whatever surrounds it.  So
 * the runs are converted on their own (joined by newlines into one call,
 * as learn() in script.c does) and the rest — digits, markup, newlines,
 * punctuation — is copied.  Runs end at punctuation too, not only at
 * ASCII: the clauses of a report's sentences repeat across reports more
 * than its sentences do, so fewer runs are new to OpenCC.  When the answer
 * does not come back one line a run, the text is converted whole: slower,
 * the same.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "t2s.h"

/*
 * What a parser keeps: past this many bytes of runs and their conversions
 * it starts again once a text is done.  A Traditional page of
 * bench/gen.py holds 149 distinct runs, 3.2 KB, of which all but 50 bytes
 * are in every other such page (with runs ended at ASCII only: 99 runs,
 * 3.8 KB, all but 0.3 KB): this is the words of over a hundred reports
 * written apart.  With each run's entry and slot (~50 bytes) a worker
 * keeps a few MiB more at most, and only when its collection has
 * Traditional reports.  One text's conversion needs memory in proportion
 * to it (as OpenCC's own does, for a text converted whole); what a large
 * text grew is given back when it is done.
 */
#define RUN_CACHE_BYTES (1u << 20)

typedef struct {
	uint64_t hash;
	size_t key, nkey;	/* the run's bytes in mem */
	size_t val, nval;	/* its conversion's; val PENDING until known */
} run;

#define PENDING SIZE_MAX

struct nb_t2s {
	run *v;			/* every run kept, in the order first met */
	size_t n, cap;
	uint32_t *slot;		/* open addressing: 1 + index in v, 0 empty */
	size_t nslot;		/* a power of two, above twice n */
	char *mem;		/* the runs' bytes and their conversions' */
	size_t nmem, capmem;
	uint32_t *order;	/* one text's runs: their indices in v */
	size_t caporder;
	nb_buf batch;		/* one text's new runs, a line each */
};

int nb_t2s_new(nb_t2s **out)
{
	*out = calloc(1, sizeof **out);
	return *out ? 0 : -ENOMEM;
}

void nb_t2s_free(nb_t2s *t)
{
	if (!t)
		return;
	free(t->v);
	free(t->slot);
	free(t->mem);
	free(t->order);
	nb_buf_free(&t->batch);
	free(t);
}

/* Forgets every run, and gives their memory back. */
static void forget(nb_t2s *t)
{
	free(t->v);
	free(t->slot);
	free(t->mem);
	t->v = NULL;
	t->slot = NULL;
	t->mem = NULL;
	t->n = t->cap = t->nslot = t->nmem = t->capmem = 0;
}

/* After a text: what it needed beyond the runs kept goes back. */
static void settle(nb_t2s *t)
{
	if (t->nmem > RUN_CACHE_BYTES)
		forget(t);
	if (t->caporder * sizeof *t->order > RUN_CACHE_BYTES) {
		free(t->order);
		t->order = NULL;
		t->caporder = 0;
	}
	if (t->batch.cap > RUN_CACHE_BYTES)
		nb_buf_free(&t->batch);
}

static size_t slot_of(const nb_t2s *t, uint64_t h, const char *s, size_t n)
{
	size_t mask = t->nslot - 1;
	size_t i = (size_t)h & mask;

	for (uint32_t e; (e = t->slot[i]); i = (i + 1) & mask) {
		const run *r = &t->v[e - 1];
		if (r->hash == h && r->nkey == n && !memcmp(t->mem + r->key, s, n))
			break;
	}
	return i;
}

/* Twice the slots, every run placed again. */
static int grow_slots(nb_t2s *t)
{
	size_t nslot = t->nslot ? 2 * t->nslot : 1024;
	uint32_t *slot = calloc(nslot, sizeof *slot);

	if (!slot)
		return -ENOMEM;
	free(t->slot);
	t->slot = slot;
	t->nslot = nslot;
	for (size_t k = 0; k < t->n; k++) {
		size_t i = (size_t)t->v[k].hash & (nslot - 1);
		while (slot[i])
			i = (i + 1) & (nslot - 1);
		slot[i] = (uint32_t)(k + 1);
	}
	return 0;
}

/* n bytes at the end of mem, copied from s; their offset in *at. */
static int keep_bytes(nb_t2s *t, const char *s, size_t n, size_t *at)
{
	char *m = nb_grow(t->mem, &t->capmem, t->nmem + n + 1, 1, 4096);

	if (!m)
		return -ENOMEM;
	t->mem = m;
	memcpy(m + t->nmem, s, n);
	*at = t->nmem;
	t->nmem += n;
	return 0;
}

/* The index in v of the run s[0..n), added (PENDING, and its bytes put in
 * the batch) when not kept yet. */
static int find_or_add(nb_t2s *t, const char *s, size_t n, uint32_t *index)
{
	if (2 * (t->n + 1) > t->nslot && grow_slots(t))
		return -ENOMEM;
	uint64_t h = nb_hash_bytes(s, n);
	size_t i = slot_of(t, h, s, n);

	if (t->slot[i]) {
		*index = t->slot[i] - 1;
		return 0;
	}
	run *v = nb_grow(t->v, &t->cap, t->n + 1, sizeof *v, 256);
	if (!v)
		return -ENOMEM;
	t->v = v;
	size_t key;
	if (keep_bytes(t, s, n, &key))
		return -ENOMEM;
	nb_buf_add(&t->batch, s, n);
	nb_buf_addc(&t->batch, '\n');
	if (t->batch.oom)
		return -ENOMEM;
	v[t->n] = (run){.hash = h, .key = key, .nkey = n, .val = PENDING};
	t->slot[i] = (uint32_t)(t->n + 1);
	*index = (uint32_t)t->n++;
	return 0;
}

/* The runs from first on, converted: conv holds a line for each, in
 * order.  NB_UNDECODABLE when it does not. */
static int take_conversions(nb_t2s *t, size_t first, const char *conv)
{
	size_t nconv = strlen(conv), at = 0;

	for (size_t k = first; k < t->n; k++) {
		const char *nl = memchr(conv + at, '\n', nconv - at);
		if (!nl)
			return NB_UNDECODABLE;
		size_t n = (size_t)(nl - (conv + at));
		if (keep_bytes(t, conv + at, n, &t->v[k].val))
			return -ENOMEM;
		t->v[k].nval = n;
		at += n + 1;
	}
	return at == nconv ? 0 : NB_UNDECODABLE;
}

/* Where the next run of Han characters of text from i starts (len: none
 * is left), and in *end where it ends. */
static size_t next_run(const char *text, size_t len, size_t i, size_t *end)
{
	for (size_t j = i; i < len; i = j)
		if (nb_is_han(nb_utf8_next(text, len, &j)))
			break;
	for (*end = i; *end < len;) {
		size_t j = *end;

		if (!nb_is_han(nb_utf8_next(text, len, &j)))
			break;
		*end = j;
	}
	return i;
}

/* The runs of text, converted; *nruns of them, in t->order. */
static int convert_runs(nb_t2s *t, opencc_t cc, const char *text, size_t len,
			size_t *nruns)
{
	size_t first = t->n, k = 0;
	int rc = 0;

	nb_buf_reset(&t->batch);
	for (size_t i = 0, end; !rc && (i = next_run(text, len, i, &end)) < len; i = end) {
		uint32_t *o = nb_grow(t->order, &t->caporder, k + 1,
				      sizeof *o, 256);
		if (!o)
			return -ENOMEM;
		t->order = o;
		rc = find_or_add(t, text + i, end - i, &o[k++]);
	}
	*nruns = k;
	if (rc || t->n == first)
		return rc;
	char *conv = opencc_convert_utf8(cc, t->batch.s, t->batch.len);
	if (!conv || conv == (char *)-1)
		return NB_UNDECODABLE;
	rc = take_conversions(t, first, conv);
	opencc_convert_utf8_free(conv);
	return rc;
}

/* text with each run replaced by its conversion: t->order's nruns runs. */
static char *assemble(const nb_t2s *t, const char *text, size_t len,
		      size_t nruns, size_t *outlen)
{
	size_t n = len;

	for (size_t k = 0; k < nruns; k++) {
		const run *r = &t->v[t->order[k]];
		n = n - r->nkey + r->nval;
	}
	char *out = malloc(n + 1);
	if (!out)
		return NULL;
	size_t o = 0, k = 0;
	for (size_t i = 0, end; i < len; i = end) {
		size_t at = next_run(text, len, i, &end);

		memcpy(out + o, text + i, at - i);
		o += at - i;
		if (at == len)
			break;
		const run *r = &t->v[t->order[k++]];
		memcpy(out + o, t->mem + r->val, r->nval);
		o += r->nval;
	}
	out[o] = '\0';
	*outlen = o;
	return out;
}

/* The text converted whole, as OpenCC does it. */
static int convert_whole(opencc_t cc, const char *text, size_t len,
			 char **out, size_t *outlen)
{
	char *conv = opencc_convert_utf8(cc, text, len);

	/* NULL: OpenCC threw (malformed UTF-8, which decode.c never lets
	 * through, or no memory). */
	if (!conv || conv == (char *)-1)
		return NB_UNDECODABLE;
	*outlen = strlen(conv);
	*out = nb_strndup(conv, *outlen);
	opencc_convert_utf8_free(conv);
	return *out ? 0 : -ENOMEM;
}

int nb_t2s_convert(nb_t2s *t, opencc_t cc, const char *text, size_t len,
		   char **out, size_t *outlen)
{
	*out = NULL;
	*outlen = 0;
	/* the runs' indices are 32-bit, and a text holds at most one run in
	 * two bytes: one of 2 GiB or more is converted whole */
	if (len >= UINT32_MAX / 2)
		return convert_whole(cc, text, len, out, outlen);
	size_t nruns;
	int rc = convert_runs(t, cc, text, len, &nruns);
	if (rc) {
		forget(t);	/* runs left PENDING */
		settle(t);
		return rc == NB_UNDECODABLE ?
		       convert_whole(cc, text, len, out, outlen) : rc;
	}
	*out = assemble(t, text, len, nruns, outlen);
	settle(t);
	return *out ? 0 : -ENOMEM;
}
