/*
 * sort.c — ix_sort_stable: a stable sort of an array of fixed-size items.
 * qsort promises no stability, and the tree's order of two reports of one
 * agency and year must stay their source paths' order (tree.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "ix.h"

/* Bottom-up merge sort through one scratch array of n items: runs of
 * width 1, 2, 4 ... merged in turn, the left run's item first on a tie. */
int ix_sort_stable(void *base, size_t n, size_t size,
		   int (*cmp)(const void *, const void *))
{
	if (n < 2)
		return 0;
	char *v = base, *tmp = malloc(n * size);
	if (!tmp)
		return -ENOMEM;
	for (size_t width = 1; width < n; width *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n;
			size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi) {
				size_t from = cmp(v + j * size, v + i * size) < 0
					      ? j++ : i++;
				memcpy(tmp + k++ * size, v + from * size, size);
			}
			memcpy(tmp + k * size, v + i * size, (mid - i) * size);
			k += mid - i;
			memcpy(tmp + k * size, v + j * size, (hi - j) * size);
		}
		memcpy(v, tmp, n * size);
	}
	free(tmp);
	return 0;
}
