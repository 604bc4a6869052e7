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
 * The checks across years come later, through check_result's trigger.
 *
 * The list of kinds is met again and again: a key made of its rules and
 * subjects (ix_checks_key, on a parsing worker) finds its id in a memo of
 * the str table, and the writer then looks up only the details. */
#include <errno.h>
#include <string.h>

#include "ix.h"

/* A length as 4 bytes (a check's strings are far below 4 GiB). */
static void add_len(nb_buf *b, uint32_t n)
{
	nb_buf_add(b, &n, sizeof n);
}

int ix_checks_key(const nb_report *r, nb_buf *key)
{
	nb_buf_reset(key);
	for (size_t i = 0; i < r->nchecks; i++) {
		const nb_check *ck = &r->checks[i];
		const char *rule = ck->rule ? ck->rule : "";
		add_len(key, (uint32_t)strlen(rule));
		nb_buf_adds(key, rule);
		if (!ck->subject) {
			add_len(key, UINT32_MAX);
			continue;
		}
		add_len(key, (uint32_t)strlen(ck->subject));
		nb_buf_adds(key, ck->subject);
	}
	return key->oom ? -ENOMEM : 0;
}

/* The results alone, for a list of kinds met before: its rules and
 * subjects have their ids already, so only the details can be new, and
 * they get theirs in the same order as in pack_all. */
static int pack_results(ix_strtab *strs, const nb_report *r, nb_buf *results)
{
	nb_buf_addc(results, '[');
	for (size_t i = 0; i < r->nchecks; i++) {
		const nb_check *ck = &r->checks[i];
		int64_t detail;
		int rc = ix_strtab_id(strs, ck->detail, &detail);
		if (rc)
			return rc;
		if (i)
			nb_buf_addc(results, ',');
		if (!ck->ok)
			nb_buf_addc(results, '[');
		ix_json_id(results, detail);
		if (!ck->ok)
			nb_buf_addc(results, ']');
	}
	nb_buf_addc(results, ']');
	return results->oom ? -ENOMEM : 0;
}

static int pack_all(ix_strtab *strs, const nb_report *r, int64_t *kinds,
		    nb_buf *results)
{
	nb_buf list = {0};
	int rc = 0;
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
		nb_buf_addc(&list, '[');
		ix_json_id(&list, rule);
		nb_buf_addc(&list, ',');
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

int ix_checks_pack(ix_strtab *strs, const nb_report *r, const nb_buf *key,
		   int64_t *kinds, nb_buf *results)
{
	nb_buf_reset(results);
	if (key && !key->len)
		key = NULL;	/* no checks: nothing to remember */
	if (key && (*kinds = ix_strtab_memo(strs, key)))
		return pack_results(strs, r, results);
	int rc = pack_all(strs, r, kinds, results);
	if (!rc && key)
		rc = ix_strtab_memo_set(strs, key, *kinds);
	return rc;
}
