/*
 * test_fuzzy.c — approximate substring search (nb_fuzzy_find, ustr.c).
 *
 * The search runs as a bit-parallel column for keys of up to 64
 * characters and as a DP row beyond; both must give, score and end, what
 * the textbook full-matrix definition gives.  The reference here is that
 * definition, written out plainly, run against random keys and texts drawn
 * from a small alphabet (so that matches, near matches and characters
 * sharing a hash slot all occur).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "internal.h"

/* D[i][j]: edits of key[0..i) against the best substring ending at j. */
static double reference(const uint32_t *key, size_t nkey, const uint32_t *text,
			size_t ntext, size_t *end)
{
	size_t w = ntext + 1;
	size_t *d = malloc((nkey + 1) * w * sizeof *d);
	size_t best = nkey, best_end = 0;

	assert_non_null(d);
	for (size_t j = 0; j <= ntext; j++)
		d[j] = 0;
	for (size_t i = 1; i <= nkey; i++) {
		d[i * w] = i;
		for (size_t j = 1; j <= ntext; j++) {
			size_t sub = d[(i - 1) * w + j - 1] + (key[i - 1] != text[j - 1]);
			size_t del = d[(i - 1) * w + j] + 1;
			size_t ins = d[i * w + j - 1] + 1;
			size_t v = sub < del ? sub : del;
			d[i * w + j] = v < ins ? v : ins;
		}
	}
	for (size_t j = 1; j <= ntext; j++) {
		if (d[nkey * w + j] < best) {
			best = d[nkey * w + j];
			best_end = j;
		}
	}
	free(d);
	*end = best_end;
	return 1.0 - (double)best / (double)nkey;
}

/* Han characters, Latin letters and two that share a slot of 8 and of 128. */
static const uint32_t alphabet[] = { 0x6536, 0x5230, 0x7533, 0x8BF7, 0x6570,
				     'a', 'b', 0x6536 + 128, 0x6536 + 1024 };

static void fill(uint32_t *v, size_t n, unsigned *seed, size_t letters)
{
	for (size_t i = 0; i < n; i++)
		v[i] = alphabet[(size_t)rand_r(seed) % letters];
}

static void same_as_reference(void **state)
{
	(void)state;
	unsigned seed = 7;
	uint32_t key[80], text[120];

	for (int round = 0; round < 20000; round++) {
		size_t nkey = 1 + (size_t)rand_r(&seed) % 72;
		size_t ntext = (size_t)rand_r(&seed) % 120;
		size_t letters = 2 + (size_t)rand_r(&seed) % 7;
		fill(key, nkey, &seed, letters);
		fill(text, ntext, &seed, letters);
		if (ntext > nkey && round % 3 == 0)	/* the key inside, often */
			memcpy(text + (ntext - nkey) / 2, key, nkey * sizeof key[0]);
		size_t want_end = 99, got_end = 99;
		double want = reference(key, nkey, text, ntext, &want_end);
		double got = nb_fuzzy_find(key, nkey, text, ntext, &got_end);
		if (got != want || got_end != want_end)
			fail_msg("round %d: nkey %zu ntext %zu: %f at %zu, want %f at %zu",
				 round, nkey, ntext, got, got_end, want, want_end);
	}
}

/* The shortcuts the matchers take before (or instead of) the search: a
 * prepared key searches as the key does, the bound its absent characters
 * give (1 - absent/nkey) is never below the similarity, and nb_key_in
 * says exactly when it reaches 0.999. */
static void bound_and_whole_agree(void **state)
{
	(void)state;
	unsigned seed = 11;
	uint32_t key[80], text[120];

	for (int round = 0; round < 20000; round++) {
		size_t nkey = (size_t)rand_r(&seed) % 72;
		size_t ntext = (size_t)rand_r(&seed) % 120;
		size_t letters = 2 + (size_t)rand_r(&seed) % 7;
		fill(key, nkey, &seed, letters);
		fill(text, ntext, &seed, letters);
		if (ntext > nkey && round % 3 == 0)
			memcpy(text + (ntext - nkey) / 2, key, nkey * sizeof key[0]);
		double sim = nb_fuzzy_find(key, nkey, text, ntext, NULL);
		nb_fuzzy_key f;
		if (nb_fuzzy_prepare(&f, key, nkey) != (nkey >= 1 && nkey <= 64))
			fail_msg("round %d: nkey %zu prepared or not, wrongly", round, nkey);
		if (nkey >= 1 && nkey <= 64) {
			double got = nb_fuzzy_prepared(&f, text, ntext, NULL);
			double bound = 1.0 - (double)nb_fuzzy_absent(&f, nb_key_bits(text, ntext)) /
						     (double)nkey;
			if (got != sim)
				fail_msg("round %d: prepared %f, key %f", round, got, sim);
			if (bound < sim)
				fail_msg("round %d: bound %f under similarity %f", round, bound,
					 sim);
		} else if (nb_fuzzy_prepared(&f, text, ntext, NULL) != 0.0) {
			fail_msg("round %d: nkey %zu not prepared, yet found", round, nkey);
		}
		if (nb_key_in(key, nkey, text, ntext) != (sim >= 0.999))
			fail_msg("round %d: nkey %zu ntext %zu: whole %d, similarity %f", round,
				 nkey, ntext, nb_key_in(key, nkey, text, ntext), sim);
	}
}

static void known_cases(void **state)
{
	(void)state;
	uint32_t key[64] = { 0 }, text[200] = { 0 };
	size_t end = 99;

	assert_true(nb_fuzzy_find(key, 0, text, 0, NULL) == 0.0);
	for (size_t i = 0; i < 64; i++)
		key[i] = 0x4E00 + (uint32_t)i;
	for (size_t i = 0; i < 200; i++)
		text[i] = 'x';
	/* A 64-character key whole inside the text, then with one slip. */
	memcpy(text + 100, key, sizeof key);
	assert_true(nb_fuzzy_find(key, 64, text, 200, &end) == 1.0);
	assert_int_equal(end, 164);
	text[130] = 'y';
	assert_true(nb_fuzzy_find(key, 64, text, 200, &end) == 1.0 - 1.0 / 64.0);
	assert_int_equal(end, 164);
	/* No text: every key character is an edit. */
	assert_true(nb_fuzzy_find(key, 5, text, 0, &end) == 0.0);
	assert_int_equal(end, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_as_reference),
		cmocka_unit_test(known_cases),
		cmocka_unit_test(bound_and_whole_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
