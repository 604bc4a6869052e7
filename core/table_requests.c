/*
 * table_requests.c — table 3, 收到和处理政府信息公开申请情况: its rows found
 * by their labels under the 2019 or the 2021 template, whichever the
 * printed rows fill best; printed rows that fit no template row are named
 * in a warning rather than dropped silently.
 */
#include <errno.h>
#include <stdlib.h>

#include "tables.h"

int nb_find_requests(nb_doc *d, const nb_span *sp)
{
	static const char *const anchors[] = { "本列数据", "申请人情况", "自然人",
					       "本年新收政府信息公开申请数量", NULL };
	size_t body = sp->head + sp->nhead;
	size_t start = nb_table_start(d, body, sp->end, anchors);
	nb_rows rs;
	nb_align a19 = {0}, a21 = {0};
	size_t *obs = NULL, nobs = 0;
	int rc;

	if (start == sp->end)
		return nb_table_missing(d, sp, "申请情况");
	if ((rc = nb_rows_read(d, start, sp->end, 7, &rs)) < 0)
		return rc;
	obs = malloc((rs.nrows + 1) * sizeof *obs);
	if (!obs) {
		nb_rows_free(&rs);
		return -ENOMEM;
	}
	/* Rows of the wrong width whose label matches nothing are stray text
	 * (a broken header's cells), not rows of the table. */
	const nb_template *const *t19, *const *t21;
	nb_templates(NB_TABLE_REQUESTS, NB_FMT_2019, &t19);
	nb_templates(NB_TABLE_REQUESTS, NB_FMT_2021, &t21);
	const nb_tkey *keys = nb_tkeys_of(d->tkeys, t21[0]);
	if (!keys) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < rs.nrows; i++) {
		bool any = rs.rows[i].nval == 7;
		for (size_t j = 0; !any && j < t21[0]->nrows; j++)
			any = nb_row_score(&rs.rows[i], &keys[j], NULL) > 0;
		if (any)
			obs[nobs++] = i;
	}
	rc = nb_align_rows(d->tkeys, &rs, obs, nobs, t19[0], &a19);
	if (rc == 0)
		rc = nb_align_rows(d->tkeys, &rs, obs, nobs, t21[0], &a21);
	if (rc < 0)
		goto out;

	/* The format whose template the printed rows fill best. */
	bool use21 = a21.fitting > a19.fitting ||
		     (a21.fitting == a19.fitting &&
		      (a21.fitting * t19[0]->nrows > a19.fitting * t21[0]->nrows ||
		       (a21.fitting * t19[0]->nrows == a19.fitting * t21[0]->nrows &&
			a21.score > a19.score)));
	nb_align *a = use21 ? &a21 : &a19;
	const nb_template *t = use21 ? t21[0] : t19[0];
	if (a->placed == 0) {
		rc = nb_warn(d->r, "申请情况: the table's rows could not be recognised; no cells "
			     "written");
		goto out;
	}
	rc = nb_table_build(d, t, &rs, a, NB_UNIT_NONE, NULL, 0, 0);
	if (rc < 0)
		goto out;
	/* Printed rows that found no place are reported, not dropped silently. */
	for (size_t k = 0; k < nobs; k++) {
		bool used = false;
		for (size_t j = 0; j < t->nrows && !used; j++)
			used = a->assign[j] == (int)obs[k];
		if (!used && rs.rows[obs[k]].nval) {
			char *label = nb_rows_label(&rs, obs[k]);
			rc = nb_warn(d->r, "申请情况: a printed row (%s, %zu values) matched no row of "
				     "the template and was left out", label && *label ? label : "no label",
				     rs.rows[obs[k]].nval);
			free(label);
			if (rc < 0)
				goto out;
		}
	}
	size_t end = nb_table_end(d, nb_rows_end(&rs, obs, nobs, start), sp->end);
	nb_table_mark(d, start, end);
out:
	nb_align_free(&a19);
	nb_align_free(&a21);
	free(obs);
	nb_rows_free(&rs);
	return rc;
}
