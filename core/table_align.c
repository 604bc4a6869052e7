/*
 * table_align.c — which printed row is which template row.
 *
 * Rows are matched by their labels: a monotonic alignment of the printed
 * rows against the template rows, scored by approximate substring match, so
 * typos, OCR slips, wrapped labels and stray header text still land on the
 * right row, and no row can be matched out of order.  Rows without a usable
 * label are placed by the template's order only where the gap between two
 * matched rows holds exactly as many printed rows as template rows; such
 * rows are marked, and certainty.c writes them only where the template's
 * arithmetic confirms them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tables.h"

double nb_key_threshold(size_t nkey)
{
	return nkey <= 3 ? 0.999 : nkey <= 5 ? 0.74 : 0.6;
}

/* nb_tkey's key_absent: the largest count for which 1 - absent / nkey,
 * the bound nb_fuzzy_absent gives, is not under the threshold (it
 * falls as absent grows). */
static size_t max_absent(size_t nkey)
{
	double thr = nb_key_threshold(nkey);
	size_t a = 0;

	while (a < nkey && !(1.0 - (double)(a + 1) / (double)nkey < thr))
		a++;
	return a;
}

void nb_tkey_make(const nb_trow *t, nb_tkey *k)
{
	k->nkey = nb_key(t->key, strlen(t->key), k->key, NB_MAXKEY);
	k->nalt = t->alt ? nb_key(t->alt, strlen(t->alt), k->alt, NB_MAXKEY) : 0;
	if (k->nkey > NB_MAXKEY)
		k->nkey = NB_MAXKEY;
	if (k->nalt > NB_MAXKEY)
		k->nalt = NB_MAXKEY;
	k->key_bits = nb_key_bits(k->key, k->nkey);
	k->alt_bits = nb_key_bits(k->alt, k->nalt);
	k->key_absent = max_absent(k->nkey);
	k->alt_absent = max_absent(k->nalt);
	nb_fuzzy_prepare(&k->fkey, k->key, k->nkey);
	nb_fuzzy_prepare(&k->falt, k->alt, k->nalt);
}

/*
 * Every printed row is tried against every template row, and most pairs
 * fail: a pair whose bound (nb_fuzzy_absent) is already under the key's
 * threshold is known to fail without the search.  The bound is compared as
 * its count of absent characters, against the most the key allows
 * (nb_tkey.key_absent): no division a pair.
 */
static double match_key(const uint32_t *text, size_t ntext, uint64_t tbits,
			const uint32_t *key, size_t nkey, uint64_t kbits,
			size_t max_absent, const nb_fuzzy_key *f)
{
	if (!nkey || !ntext)
		return -1;
	/* First a cheaper bound, the key's distinct absent bits (each stands
	 * for at least one absent character), no more than nb_fuzzy_absent;
	 * counted in the word (without -mpopcnt the builtin is a call into
	 * libgcc). */
	uint64_t x = kbits & ~tbits;
	x -= x >> 1 & 0x5555555555555555u;
	x = (x & 0x3333333333333333u) + (x >> 2 & 0x3333333333333333u);
	x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Fu;
	size_t absent = (size_t)(x * 0x0101010101010101u >> 56);
	if (absent > max_absent || nb_fuzzy_absent(f, tbits) > max_absent)
		return -1;
	double thr = nb_key_threshold(nkey);
	/* a key of three characters or fewer must be found whole (its
	 * threshold): a plain search, similarity 1 or none */
	double sim = nkey <= 3 ? (nb_key_in(key, nkey, text, ntext) ? 1.0 : 0.0) :
				 nb_fuzzy_prepared(f, text, ntext, NULL);
	if (sim < thr)
		return -1;
	/* Label text the key does not explain lowers the score a little, so
	 * that of two keys found whole the longer one wins. */
	double extra = ntext > nkey ? (double)(ntext - nkey) : 0;
	double pen = extra * 0.002;
	return sim - (pen > 0.1 ? 0.1 : pen);
}

static inline double text_score(const uint32_t *text, size_t ntext, uint64_t tbits,
				const nb_tkey *k, bool *alt)
{
	double a = match_key(text, ntext, tbits, k->key, k->nkey, k->key_bits, k->key_absent,
			     &k->fkey);
	double b = match_key(text, ntext, tbits, k->alt, k->nalt, k->alt_bits, k->alt_absent,
			     &k->falt);

	if (alt)
		*alt = b > a;
	return a > b ? a : b;
}

/* Whether the key (or its other wording, as alt says) is found whole. */
static bool found_whole(const uint32_t *text, size_t ntext, const nb_tkey *k, bool alt)
{
	const uint32_t *key = alt ? k->alt : k->key;
	size_t nkey = alt ? k->nalt : k->nkey;

	return nkey && ntext && nb_key_in(key, nkey, text, ntext);
}

double nb_row_score(const nb_orow *r, const nb_tkey *k, bool *alt)
{
	return text_score(r->key, r->nkey, r->key_bits, k, alt);
}

/* The scores of label[0..n) (its set, bits) against each of t's rows
 * (keys), as the parser kept them or made now; NULL when out of memory. */
static const double *label_scores(nb_tkeys *tk, const nb_template *t,
				  const nb_tkey *keys, const uint32_t *label,
				  size_t n, uint64_t bits)
{
	bool fresh;
	double *sc = nb_tkeys_scores(tk, t, label, n, bits, &fresh);

	for (size_t j = 0; sc && fresh && j < t->nrows; j++)
		sc[j] = text_score(label, n, bits, &keys[j], NULL);
	return sc;
}

/*
 * Whether a row is known by the label on its own line (*names; 0, or
 * -ENOMEM).  In a grid a row is one line: label text on lines before it is
 * a header, a group's label, or a row whose cells all vanished, and joined
 * to the row's own label it can name another row.  When the row's own line
 * names a template row, that is its label; else (PDF text, a label wrapped
 * around its numbers) the label is all the text since the previous row.
 */
static int own_label_names(nb_tkeys *tk, const nb_template *t,
			   const nb_tkey *keys, const nb_orow *r, bool *names)
{
	*names = false;
	if (!r->nown || r->nown == r->nkey)
		return 0;
	const double *sc = label_scores(tk, t, keys, r->own, r->nown, r->own_bits);
	if (!sc)
		return -ENOMEM;
	for (size_t j = 0; j < t->nrows && !*names; j++)
		*names = sc[j] > 0;
	return 0;
}

/* The row's label (its own line's, or all of it) and that label's set. */
static const uint32_t *label_of(const nb_orow *r, bool own, size_t *n, uint64_t *bits)
{
	*n = own ? r->nown : r->nkey;
	*bits = own ? r->own_bits : r->key_bits;
	return own ? r->own : r->key;
}

/* ---- alignment ------------------------------------------------------------- */

void nb_align_free(nb_align *a)
{
	free(a->assign);	/* and the flags, in its block (nb_align_alloc) */
	memset(a, 0, sizeof *a);
}

/*
 * Aligns as nb_align_rows says.  Scoring the pairs of printed and template
 * rows is most of it: each printed label's scores against t come from the
 * parser's (label_scores), made once a label.
 */
int nb_align_rows(nb_tkeys *tk, const nb_rows *rs, const size_t *obs, size_t nobs,
		  const nb_template *t, nb_align *out)
{
	size_t m = t->nrows, w = m + 1;
	const nb_tkey *keys = nb_tkeys_of(tk, t);
	size_t n1 = nobs ? nobs : 1;
	/* not zeroed: the recurrence writes every cell but row and column 0
	 * before reading it; own shares sc's block */
	double *best = NULL, *sc = NULL;
	bool *own = NULL;
	int rc = -ENOMEM;

	memset(out, 0, sizeof *out);
	/* both blocks hold less than (nobs + 1) * (w + 1) doubles */
	if (nobs + 1 > SIZE_MAX / sizeof(double) / (w + 1))
		return -ENOMEM;
	best = malloc((nobs + 1) * w * sizeof *best);
	sc = malloc((n1 * m + n1) * sizeof *sc);
	if (!keys || !best || !sc || nb_align_alloc(out, m) < 0)
		goto done;
	own = (bool *)(sc + n1 * m);
	for (size_t j = 0; j < w; j++)
		best[j] = 0;
	for (size_t i = 1; i <= nobs; i++)
		best[i * w] = 0;
	for (size_t i = 0; i < nobs; i++) {
		const nb_orow *r = &rs->rows[obs[i]];
		size_t n;
		uint64_t bits;
		if (own_label_names(tk, t, keys, r, &own[i]))
			goto done;
		const uint32_t *label = label_of(r, own[i], &n, &bits);
		const double *known = label_scores(tk, t, keys, label, n, bits);
		if (!known)
			goto done;
		memcpy(sc + i * m, known, m * sizeof *sc);
	}

	for (size_t i = 1; i <= nobs; i++) {
		for (size_t j = 1; j <= m; j++) {
			double v = best[(i - 1) * w + j];
			if (best[i * w + j - 1] > v)
				v = best[i * w + j - 1];
			double s = sc[(i - 1) * m + j - 1];
			if (s > 0 && best[(i - 1) * w + j - 1] + s > v)
				v = best[(i - 1) * w + j - 1] + s;
			best[i * w + j] = v;
		}
	}
	out->score = best[nobs * w + m];
	for (size_t i = nobs, j = m; i > 0 && j > 0;) {
		double s = sc[(i - 1) * m + j - 1];
		if (s > 0 && best[i * w + j] == best[(i - 1) * w + j - 1] + s) {
			out->assign[j - 1] = (int)(i - 1);
			const nb_orow *r = &rs->rows[obs[i - 1]];
			size_t n;
			uint64_t bits;
			const uint32_t *label = label_of(r, own[i - 1], &n, &bits);
			/* which wording matched: a row without another can only
			 * have matched its key (alt is zeroed), known without the
			 * search (most rows) */
			if (keys[j - 1].nalt)
				text_score(label, n, bits, &keys[j - 1], &out->alt[j - 1]);
			out->approx[j - 1] = !found_whole(label, n, &keys[j - 1],
							  out->alt[j - 1]);
			i--;
			j--;
		} else if (best[i * w + j] == best[(i - 1) * w + j]) {
			i--;
		} else {
			j--;
		}
	}

	/* Order-fill the gaps between matched rows whose sizes agree. */
	long pi = -1, pj = -1;
	for (size_t j = 0; j <= m; j++) {
		if (j < m && out->assign[j] < 0)
			continue;
		long ci = j < m ? out->assign[j] : (long)nobs, cj = (long)j;
		if (ci - pi - 1 == cj - pj - 1 && ci - pi > 1) {
			for (long k = 1; k < ci - pi; k++) {
				out->assign[pj + k] = (int)(pi + k);
				out->by_order[pj + k] = true;
			}
		}
		pi = ci;
		pj = cj;
	}
	for (size_t j = 0; j < m; j++) {
		if (out->assign[j] < 0)
			continue;
		out->assign[j] = (int)obs[out->assign[j]];
		out->placed++;
		if (rs->rows[out->assign[j]].nval == t->ncols)
			out->fitting++;
	}
	rc = 0;
done:
	free(best);
	free(sc);
	if (rc < 0)
		nb_align_free(out);
	return rc;
}

/* assign and the three flags in one block, assign first for its alignment */
int nb_align_alloc(nb_align *a, size_t m)
{
	size_t n = m ? m : 1;

	memset(a, 0, sizeof *a);
	if (n > SIZE_MAX / (sizeof *a->assign + 3 * sizeof(bool)))
		return -ENOMEM;
	char *p = calloc(n, sizeof *a->assign + 3 * sizeof(bool));
	if (!p)
		return -ENOMEM;
	a->assign = (int *)p;
	a->by_order = (bool *)(p + n * sizeof *a->assign);
	a->alt = a->by_order + n;
	a->approx = a->alt + n;
	for (size_t j = 0; j < m; j++)
		a->assign[j] = -1;
	return 0;
}
