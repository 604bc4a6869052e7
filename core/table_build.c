/*
 * table_build.c — a table from an alignment: each placed printed row is
 * offered to the certainty stage with how its values' places are known,
 * and the stage decides what is written (certainty.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tables.h"

/* The row's own label: its last label fragment (NULL when none is
 * printed). */
static const nb_tok *own_tok(const nb_rows *rs, const nb_orow *r)
{
	for (size_t k = r->ntext; k-- > 0;) {
		const nb_tok *t = &rs->toks[r->text[k]];
		if (t->n)
			return t;
	}
	return NULL;
}

static char *own_label(const nb_rows *rs, const nb_orow *r)
{
	const nb_tok *t = own_tok(rs, r);

	return t ? nb_strndup(t->s, t->n) : NULL;
}

/*
 * The label as printed, when it is another wording of the official one: the
 * row's own label cell, when that alone matches the template row but not to
 * the letter.  (A label wrapped over several fragments is the official
 * wording broken up, not another one.)  k: the template row's keys; alt:
 * the row matched the template's other wording, which the cell then is.
 * The cell is copied only when it is the answer, and read up to a NUL, as
 * the copy would be.
 */
static int printed_label(const nb_rows *rs, const nb_orow *o, const nb_tkey *k, bool alt,
			 char **out)
{
	const nb_tok *own = own_tok(rs, o);
	uint32_t ok[256];

	*out = NULL;
	if (!own)
		return o->ntext ? -ENOMEM : 0;
	if (!alt) {
		/* the fragment's key, made by nb_rows_read, unless a NUL
		 * cuts the fragment short */
		size_t len = strnlen(own->s, own->n), no;
		const uint32_t *key = ok;
		if (len == own->n) {
			key = o->key + o->last_at;
			no = o->nkey - o->last_at;
		} else {
			no = nb_key(own->s, len, ok, 256);
		}
		if (no > 256)
			no = 256;
		/* The official key found whole is a similarity of 1 (nb_key_in),
		 * the row named to the letter: most rows, told without the
		 * fuzzy search. */
		if (nb_key_in(k->key, k->nkey, key, no))
			return 0;
		/* 0 for an empty key, which is never prepared */
		double sim = nb_fuzzy_prepared(&k->fkey, key, no, NULL);
		if (sim < nb_key_threshold(k->nkey) || sim >= 0.999)
			return 0;
	}
	*out = nb_strndup(own->s, own->n);
	return *out ? 0 : -ENOMEM;
}

/* How a printed row's values are known to be this row's: its cells are
 * certain only when its label names the row to the letter. */
static nb_place place_of(const nb_orow *o, bool by_order, bool approx)
{
	if (by_order)
		return NB_PLACE_ROW_ORDER;
	if (!o->cells)
		return NB_PLACE_ORDER;
	return approx ? NB_PLACE_FUZZY : NB_PLACE_CELLS;
}

/* Offers printed row o's values to template row j (or as an extra row
 * when j is t->nrows). */
static int offer(nb_stage *s, const nb_template *t, const nb_rows *rs, const nb_orow *o,
		 size_t j, nb_place how, const char *label, const char *printed)
{
	/* a template's rows have at most seven columns: on the stack unless a
	 * printed row has many more values (the stage copies them) */
	nb_text small[16];
	nb_text *v = o->nval <= 16 ? small : malloc(o->nval * sizeof *v);
	int rc;

	if (!v)
		return -ENOMEM;
	for (size_t c = 0; c < o->nval; c++) {
		v[c].s = rs->toks[o->first_val + c].s;
		v[c].n = rs->toks[o->first_val + c].n;
	}
	if (j < t->nrows)
		rc = nb_stage_row(s, j, v, o->nval, how, printed);
	else
		rc = nb_stage_extra(s, label, v, o->nval, how);
	if (v != small)
		free(v);
	return rc;
}

int nb_table_build(nb_doc *d, const nb_template *t, const nb_rows *rs, const nb_align *a,
		   nb_unit header_unit, const size_t *extra, size_t nextra, nb_place how)
{
	nb_stage *s;
	const nb_tkey *keys = nb_tkeys_of(d->tkeys, t);
	int rc = keys ? nb_stage_new(t, &s) : -ENOMEM;

	if (rc < 0)
		return rc;
	nb_stage_unit(s, header_unit);
	for (size_t j = 0; j < t->nrows && rc == 0; j++) {
		if (a->assign[j] < 0)
			continue;
		const nb_orow *o = &rs->rows[a->assign[j]];
		char *printed = NULL;
		if (!a->by_order[j] &&
		    (rc = printed_label(rs, o, &keys[j], a->alt[j], &printed)) < 0)
			break;
		rc = offer(s, t, rs, o, j, how ? how : place_of(o, a->by_order[j], a->approx[j]),
			   NULL, printed);
		free(printed);
	}
	for (size_t e = 0; e < nextra && rc == 0; e++) {
		const nb_orow *o = &rs->rows[extra[e]];
		char *label = own_label(rs, o);
		if (!label)
			rc = -ENOMEM;
		else
			rc = offer(s, t, rs, o, t->nrows, how ? how : place_of(o, false, false), label,
				   NULL);
		free(label);
	}
	if (rc < 0) {
		nb_stage_free(s);
		return rc;
	}
	return nb_stage_commit(s, d->r);
}

int nb_table_empty(nb_doc *d, const nb_template *t)
{
	nb_stage *s;
	int rc = nb_stage_new(t, &s);

	if (rc < 0)
		return rc;
	nb_stage_quiet(s);
	return nb_stage_commit(s, d->r);
}
