/*
 * tables.c — finding the official tables of sections 2, 3 and 4: each
 * section's reader (table_active.c, table_requests.c, table_appeals.c)
 * maps what was printed onto the templates, and every table is made
 * through the certainty stage (certainty.c), so a cell is written only
 * where its place is certain: a missing number is acceptable, a wrong one
 * is not.
 */
#include "tables.h"

static const nb_span *span_of(const nb_doc *d, int canonical)
{
	for (size_t i = 0; i < d->nspans; i++)
		if (d->spans[i].canonical == canonical)
			return &d->spans[i];
	return NULL;
}

int nb_find_tables(nb_doc *d)
{
	const nb_span *s2 = span_of(d, 2), *s3 = span_of(d, 3), *s4 = span_of(d, 4);
	nb_format fallback = d->r->year >= 2021 ? NB_FMT_2021 : NB_FMT_2019;
	int rc = 0;

	if (s2)
		rc = nb_find_active(d, s2, fallback);
	if (rc == 0 && s3)
		rc = nb_find_requests(d, s3);
	if (rc < 0)
		return rc;
	/* Table 4 is the same in both formats; it takes the report's. */
	nb_format f4 = fallback;
	for (size_t i = 0; i < d->r->ntables; i++)
		if (d->r->tables[i].kind == NB_TABLE_REQUESTS)
			f4 = d->r->tables[i].format;
	if (s4)
		rc = nb_find_appeals(d, s4, f4);
	return rc;
}
