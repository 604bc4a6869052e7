/*
 * table_appeals.c — table 4, 行政复议、行政诉讼: fifteen numbers printed
 * without row labels, as one run or as three groups of five.
 */

#include "tables.h"

/* Whether values toks[first..first+n) are the fields of one line: the
 * row of fifteen cells under the table's three-level header. */
static bool one_line(const nb_rows *rs, size_t first, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (!rs->toks[first + k].grid || rs->toks[first + k].line != rs->toks[first].line)
			return false;
	return true;
}

/*
 * Table 4 prints its fifteen numbers without row labels.  One unbroken run
 * of fifteen is the template's order; groups printed apart are placed by
 * their labels (or by order when there are exactly three groups of five).
 * Anything else — PDF reading order that interleaves header text with the
 * numbers — cannot be placed with certainty.
 */
int nb_find_appeals(nb_doc *d, const nb_span *sp, nb_format fmt)
{
	static const char *const anchors[] = { "行政复议", "结果维持", "行政诉讼", NULL };
	size_t body = sp->head + sp->nhead;
	size_t start = nb_table_start(d, body, sp->end, anchors);
	const nb_template *const *tl;
	nb_rows rs;
	nb_align a = {0};
	size_t obs[64], nobs = 0, total = 0;
	int rc;

	if (start == sp->end)
		return nb_table_missing(d, sp, "复议诉讼情况");
	nb_templates(NB_TABLE_APPEALS, fmt == NB_FMT_2021 ? NB_FMT_2021 : NB_FMT_2019, &tl);
	const nb_template *t = tl[0];
	if ((rc = nb_rows_read(d, start, sp->end, 5, &rs)) < 0)
		return rc;
	for (size_t i = 0; i < rs.nrows; i++) {
		if (!rs.rows[i].nval)
			continue;
		total += rs.rows[i].nval;
		if (nobs < 64)
			obs[nobs++] = i;
	}
	/* A run of fifteen was split into three rows of five by nb_rows_read;
	 * they share one label, which belongs to none of them. */
	bool one_run = nobs == 3 && total == 15 && rs.rows[obs[1]].ntext == 0 &&
		       rs.rows[obs[2]].ntext == 0 && rs.rows[obs[0]].first_val + 5 ==
		       rs.rows[obs[1]].first_val;
	bool fives = nobs > 0;
	for (size_t k = 0; k < nobs; k++)
		fives = fives && rs.rows[obs[k]].nval == 5;
	nb_place how = 0;
	if (one_run) {
		if ((rc = nb_align_alloc(&a, 3)) < 0)
			goto out;
		for (size_t j = 0; j < 3; j++) {
			a.assign[j] = (int)obs[j];
			a.by_order[j] = true;
		}
		a.placed = a.fitting = 3;
		how = one_line(&rs, rs.rows[obs[0]].first_val, 15) ? NB_PLACE_CELLS : NB_PLACE_ORDER;
	} else if (fives) {
		rc = nb_align_rows(d->tkeys, &rs, obs, nobs, t, &a);
		if (rc < 0)
			goto out;
	}
	bool done = false;
	if (a.fitting == 0 && total == 15 && !one_run &&
	    (rc = nb_appeals_reorder(d, t, &rs, obs, nobs, &done)) < 0)
		goto out;
	if (done) {
		rc = 0;
	} else if (a.fitting == 0) {
		rc = nb_warn(d->r, "复议诉讼情况: %zu values found in %zu groups, neither one row of "
			     "15 nor groups of 5 that can be told apart: their places are uncertain, "
			     "all 15 cells are left empty", total, nobs);
		if (rc == 0)
			rc = nb_table_empty(d, t);
	} else {
		rc = nb_table_build(d, t, &rs, &a, NB_UNIT_NONE, NULL, 0, how);
	}
	if (rc == 0)
		nb_table_mark(d, start, nb_table_end(d, nb_rows_end(&rs, obs, nobs, start), sp->end));
out:
	nb_align_free(&a);
	nb_rows_free(&rs);
	return rc;
}
