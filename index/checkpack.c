/* checkpack.c — a report's own checks packed into the one row check_list
 * holds for it, instead of a row each (schema 6's stored_check: 345,000
 * rows of ~20 bytes at 10,000 reports).  Which rules a report is checked by, applied
 * to which subjects, follows from its template and tables: the list of
 * them repeats from report to report (9 distinct lists at 10,000), so it
 * is stored once in str and the report holds its id (kinds) and, per
 * check, only its outcome and detail (results).  The view check_result
 * (schema.c) shows every check as a row, with SQLite's JSON functions.
 *
 * kinds: the str id of a JSON array with [rule, subject] per check, each
 *   a str id (subject null when there is none);
 * results: a JSON array with, per check, the str id of its detail (null
 *   when there is none) when it held, that in an array ([id]) when it
 *   failed.
 * The checks across years come later, through check_result's trigger. */
#include <errno.h>

#include "ix.h"

int ix_checks_pack(ix_strtab *strs, const nb_report *r, int64_t *kinds,
		   nb_buf *results)
{
	nb_buf list = {0};
	int rc = 0;
	nb_buf_reset(results);
	nb_buf_addc(&list, '[');
	nb_buf_addc(results, '[');
	for (size_t i = 0; i < r->nchecks; i++) {
		const nb_check *ck = &r->checks[i];
		int64_t rule, subject, detail;
		/* in the order check_result's trigger takes them */
		rc = ix_strtab_id(strs, ck->rule ? ck->rule : "", &rule);
		if (!rc)
			rc = ix_strtab_id(strs, ck->subject, &subject);
		if (!rc)
			rc = ix_strtab_id(strs, ck->detail, &detail);
		if (rc)
			break;	/* the lists are dropped: no id to write */
		if (i) {
			nb_buf_addc(&list, ',');
			nb_buf_addc(results, ',');
		}
		nb_buf_printf(&list, "[%lld,", (long long)rule);
		ix_json_id(&list, subject);
		nb_buf_addc(&list, ']');
		if (!ck->ok)
			nb_buf_addc(results, '[');
		ix_json_id(results, detail);
		if (!ck->ok)
			nb_buf_addc(results, ']');
	}
	nb_buf_addc(&list, ']');
	nb_buf_addc(results, ']');
	if (!rc && (list.oom || results->oom))
		rc = -ENOMEM;
	if (!rc)
		rc = ix_strtab_id(strs, list.s, kinds);
	nb_buf_free(&list);
	return rc;
}
