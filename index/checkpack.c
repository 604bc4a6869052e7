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
 * cross: the checks across years (crossyear.c), each [rule, subject, ok,
 *   detail] (str ids, ok 0 or 1), as check_result's trigger appends them.
 *
 * The list of kinds is met again and again: a key made of its rules and
 * subjects (ix_checks_key, on a parsing worker) finds its id in a memo of
 * the str table, and the writer then looks up only the details. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ix.h"
#include "store.h"
#include "rows.h"

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

void ix_cross_pack(nb_buf *cross, int64_t rule, int64_t subject, bool ok,
		   int64_t detail)
{
	if (cross->len)
		cross->s[cross->len - 1] = ',';	/* its closing bracket */
	else
		nb_buf_addc(cross, '[');
	nb_buf_addc(cross, '[');
	ix_json_id(cross, rule);
	nb_buf_addc(cross, ',');
	ix_json_id(cross, subject);
	nb_buf_add(cross, ok ? ",1," : ",0,", 3);
	ix_json_id(cross, detail);
	nb_buf_add(cross, "]]", 2);
}

/* ---- reading back ------------------------------------------------------- */

/* An element of the packings: an id or null (*nested false), or an array
 * of up to 4 of them (the rest of v 0).  The byte after it, or NULL. */
static const char *take_elem(const char *s, int64_t v[4], bool *nested)
{
	memset(v, 0, 4 * sizeof *v);
	s = ix_json_skip_ws(s);
	*nested = *s == '[';
	if (!*nested)
		return ix_json_take_id(s, v);
	s = ix_json_skip_ws(s + 1);
	if (*s == ']')
		return s + 1;
	for (size_t i = 0; i < 4; i++) {
		if (!(s = ix_json_take_id(s, &v[i])))
			return NULL;
		s = ix_json_skip_ws(s);
		if (*s == ']')
			return s + 1;
		if (*s++ != ',')
			return NULL;
	}
	return NULL;
}

/* The elements of the JSON array s, each handed to add with its index.
 * 0, add's failure, or -EINVAL. */
typedef int (*elem_fn)(void *ctx, size_t i, const int64_t v[4], bool nested);

static int each_elem(const char *s, elem_fn add, void *ctx)
{
	s = ix_json_skip_ws(s);
	if (*s++ != '[')
		return -EINVAL;
	s = ix_json_skip_ws(s);
	if (*s == ']')
		return 0;
	for (size_t i = 0;; i++) {
		int64_t v[4];
		bool nested;
		if (!(s = take_elem(s, v, &nested)))
			return -EINVAL;
		int rc = add(ctx, i, v, nested);
		if (rc)
			return rc;
		s = ix_json_skip_ws(s);
		if (*s == ']')
			return 0;
		if (*s++ != ',')
			return -EINVAL;
	}
}

typedef struct {
	ix_checkv *out;
	size_t first;		/* the report's first check in out */
	ix_idv kinds;		/* [rule, subject] per own check */
} unpacking;

static int add_kind(void *ctx, size_t i, const int64_t v[4], bool nested)
{
	(void)i;
	ix_idv *k = &((unpacking *)ctx)->kinds;
	int64_t *nv = nb_grow(k->v, &k->cap, k->n + 2, sizeof *nv, 64);
	if (!nv)
		return -ENOMEM;
	k->v = nv;
	nv[k->n++] = nested ? v[0] : 0;
	nv[k->n++] = nested ? v[1] : 0;
	return 0;
}

static ix_check_ids *add_one(ix_checkv *out)
{
	ix_check_ids *v = nb_grow(out->v, &out->cap, out->n + 1, sizeof *v, 64);
	if (!v)
		return NULL;
	out->v = v;
	return &v[out->n++];
}

static int add_result(void *ctx, size_t i, const int64_t v[4], bool nested)
{
	unpacking *u = ctx;
	ix_check_ids *c = add_one(u->out);
	if (!c)
		return -ENOMEM;
	bool known = 2 * i + 1 < u->kinds.n;
	*c = (ix_check_ids){
		.rule = known ? u->kinds.v[2 * i] : 0,
		.subject = known ? u->kinds.v[2 * i + 1] : 0,
		.ok = !nested,
		.detail = v[0],
	};
	return 0;
}

static int add_cross(void *ctx, size_t i, const int64_t v[4], bool nested)
{
	(void)i;
	ix_check_ids *c = add_one(((unpacking *)ctx)->out);
	if (!c)
		return -ENOMEM;
	*c = (ix_check_ids){
		.rule = nested ? v[0] : 0,
		.subject = nested ? v[1] : 0,
		.ok = nested && v[2],
		.detail = nested ? v[3] : 0,
	};
	return 0;
}

int ix_checks_unpack(const char *kinds, const char *results,
		     const char *cross, ix_checkv *out)
{
	unpacking u = {.out = out, .first = out->n};
	int rc = each_elem(kinds, add_kind, &u);
	if (!rc)
		rc = each_elem(results, add_result, &u);
	if (!rc && cross)
		rc = each_elem(cross, add_cross, &u);
	free(u.kinds.v);
	if (rc)
		out->n = u.first;
	return rc;
}

/* A failed check of a report's own is the one array nested in results;
 * results holds nothing else with a '[' (ids and nulls).  A check across
 * years is failed by its ok, 0.  Counted so, not through check_result's
 * json_each over every report's checks: the count of the build's summary
 * ran alone at its end (10,000 reports: 0.13 s -> 0.02 s in sqlite3). */
int64_t ix_checks_failed(sqlite3 *db, bool *ok)
{
	return ix_query_int(db, "SELECT (SELECT coalesce(sum(length(results)"
			    " - length(replace(results, '[', '')) - 1), 0)"
			    " FROM check_list) + (SELECT count(*)"
			    " FROM check_list l, json_each(l.cross) d"
			    " WHERE l.cross IS NOT NULL"
			    " AND json_extract(d.value, '$[2]') = 0)", ok);
}
