/*
 * standalone.c — a driver for the harnesses without libFuzzer: runs
 * LLVMFuzzerTestOneInput once on each file named, so that every crash the
 * fuzzers found stays a regression test under gcc, ASan and valgrind.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (!f) {
			perror(argv[i]);
			return 1;
		}
		size_t cap = 1 << 16, n = 0, k;
		uint8_t *buf = malloc(cap);
		while (buf && (k = fread(buf + n, 1, cap - n, f)) > 0) {
			n += k;
			if (n == cap) {
				uint8_t *b = realloc(buf, cap *= 2);
				if (!b)
					free(buf);
				buf = b;
			}
		}
		fclose(f);
		if (!buf) {
			fprintf(stderr, "%s: out of memory\n", argv[i]);
			return 1;
		}
		LLVMFuzzerTestOneInput(buf, n);
		free(buf);
	}
	return 0;
}
