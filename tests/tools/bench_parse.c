/*
 * bench_parse — is parsing linear in the input?  Takes one report, makes it
 * 1, 4, 16 and 64 times longer by repeating its prose (the part of a
 * report that grows), parses each, and prints the time per KiB and its
 * ratio to the 1x baseline measured in the same run.  A benchmark, not a
 * test: it prints figures and fails only when it cannot run.
 *
 *   bench_parse REPORT
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "corpus.h"
#include "nianbao.h"

/* The report with its first section's prose (from "一、" up to "二、")
 * repeated times times. */
static char *grow(const char *text, size_t len, unsigned times, size_t *outlen)
{
	const char *a = strstr(text, "一、");
	const char *b = a ? strstr(a, "二、") : NULL;
	if (!a || !b)
		return NULL;
	size_t head = (size_t)(b - text), body = (size_t)(b - a), tail = len - head;
	size_t total = head + body * (times - 1) + tail;
	char *out = malloc(total + 1);
	if (!out)
		return NULL;
	memcpy(out, text, head);
	for (unsigned i = 1; i < times; i++)
		memcpy(out + head + body * (i - 1), a, body);
	memcpy(out + head + body * (times - 1), b, tail);
	out[total] = '\0';
	*outlen = total;
	return out;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static const unsigned sizes[] = { 1, 4, 16, 64 };
	char *text = NULL;
	size_t len = 0;
	nb_parser *p;
	const char *err = NULL;
	double base = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: bench_parse REPORT\n");
		return 2;
	}
	int rc = read_file(argv[1], &text, &len);
	if (rc < 0) {
		fprintf(stderr, "bench_parse: %s: %s\n", argv[1], strerror(-rc));
		return 1;
	}
	if ((rc = nb_parser_new(&p, &err)) < 0) {
		fprintf(stderr, "bench_parse: %s\n", err ? err : strerror(-rc));
		free(text);
		return 1;
	}
	printf("%-6s %10s %12s %10s\n", "size", "KiB", "us/KiB", "vs 1x");
	for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
		size_t n;
		char *big = grow(text, len, sizes[s], &n);
		if (!big) {
			fprintf(stderr, "bench_parse: %s: no section 一 to repeat\n", argv[1]);
			rc = 1;
			break;
		}
		/* Enough rounds for a stable figure: about 4 MiB parsed per size. */
		unsigned rounds = (unsigned)(4u * 1024 * 1024 / n) + 1;
		double t0 = now();
		for (unsigned r = 0; r < rounds && rc == 0; r++) {
			nb_report *rep;
			rc = nb_parse(p, argv[1], big, n, &rep);
			nb_report_free(rep);
		}
		double per_kib = (now() - t0) / rounds / ((double)n / 1024) * 1e6;
		free(big);
		if (rc < 0) {
			fprintf(stderr, "bench_parse: %s: %s\n", argv[1], nb_strstatus(rc));
			rc = 1;
			break;
		}
		if (s == 0)
			base = per_kib;
		printf("%-6u %10.1f %12.1f %9.2fx\n", sizes[s], (double)n / 1024, per_kib,
		       per_kib / base);
	}
	nb_parser_free(p);
	free(text);
	return rc;
}
