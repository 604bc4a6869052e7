/*
 * runs.c — which reports of _all's order stand as they stood in the old
 * index's: runs of places whose reports are unchanged and follow each
 * other in the old order too.  Within a run the old chunks of a file are
 * the new ones, in the same order, so where the old blocks and the new
 * ones end after the same chunk, the old blocks the run fills are copied
 * (blocks.c).
 */
#include <errno.h>
#include <stdlib.h>

#include "ix.h"
#include "dataset.h"

int ix_runs_find(const int64_t *ids, const bool *kept, size_t n,
		 const int64_t *old, size_t nold, size_t *run_end,
		 size_t *tail, bool *head)
{
	*tail = n;
	*head = false;
	for (size_t p = 0; p < n; p++)
		run_end[p] = 0;
	if (!n || !nold)
		return 0;
	/* report ids are file ids, at most one per path ever indexed: a
	 * place by id, in the old order */
	int64_t max = 0;
	for (size_t i = 0; i < nold; i++)
		if (old[i] > max)
			max = old[i];
	for (size_t p = 0; p < n; p++)
		if (ids[p] > max)
			max = ids[p];
	int64_t *pos = malloc(((size_t)max + 1) * sizeof *pos);
	if (!pos)
		return -ENOMEM;
	for (size_t i = 0; i <= (size_t)max; i++)
		pos[i] = -1;
	for (size_t i = 0; i < nold; i++)
		if (old[i] >= 0)
			pos[old[i]] = (int64_t)i;
	for (size_t p = n; p-- > 0;) {
		int64_t at = kept[p] && ids[p] >= 0 ? pos[ids[p]] : -1;
		if (at < 0)
			continue;
		bool joins = p + 1 < n && run_end[p + 1] &&
			pos[ids[p + 1]] == at + 1;
		run_end[p] = joins ? run_end[p + 1] : p + 1;
	}
	*head = run_end[0] && pos[ids[0]] == 0;
	if (run_end[n - 1] == n && pos[ids[n - 1]] == (int64_t)nold - 1)
		for (*tail = n - 1; *tail && run_end[*tail - 1] == n;)
			(*tail)--;
	free(pos);
	return 0;
}
