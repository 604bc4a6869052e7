/*
 * flat_rows.c — a flattened table's text as printed rows: the pieces
 * flatten.c cut out of the section joined back (no character was added or
 * dropped), then read as label text followed by a run of numbers, and the
 * same rows as nb_rows so that the alignment of table_align.c matches their
 * labels with the template's as it does for any printed table.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flat.h"

void nb_flat_region_free(nb_flat_region *g)
{
	nb_buf_free(&g->text);
	free(g->v);
	nb_rows_free(&g->rs);
}

static int frow_push(nb_flat_region *g, size_t *cap, const nb_flat_row *r)
{
	nb_flat_row *v = nb_grow(g->v, cap, g->n + 1, sizeof *v, 64);
	if (!v)
		return -ENOMEM;
	g->v = v;
	g->v[g->n++] = *r;
	return 0;
}

/* Label text, then a run that starts at a digit (or a sign before one). */
static int tokenize(nb_flat_region *g)
{
	const char *s = g->text.s;
	size_t n = g->text.len, i = 0, label = 0, cap = 0;

	while (i < n) {
		size_t at = i;
		uint32_t cp = nb_halfwidth(nb_utf8_next(s, n, &i));
		if (cp == '+' || cp == '-') {
			size_t j = i;
			if (j >= n || !nb_is_digit(nb_utf8_next(s, n, &j)))
				continue;
		} else if (!nb_is_digit(cp)) {
			continue;
		}
		size_t e = i;
		while (e < n) {
			size_t j = e, unit = nb_split_unit(s + e, n - e), after = e + unit;
			/* A unit with a number after it parts two cells. */
			if (unit && after < n && nb_is_digit(nb_utf8_next(s, n, &after))) {
				e += unit;
				continue;
			}
			if (!nb_flat_run_char(nb_utf8_next(s, n, &j)))
				break;
			e = j;
		}
		size_t a, b;
		nb_trim(s + at, e - at, &a, &b);
		nb_flat_row r = { .label = label, .nlabel = at - label, .run = at, .nrun = b };
		if (nb_has_prefix(s + e, n - e, "万元")) {
			r.unit = NB_UNIT_WANYUAN;
			e += strlen("万元");
		} else if (nb_has_prefix(s + e, n - e, "元")) {
			r.unit = NB_UNIT_YUAN;
			e += strlen("元");
		}
		if (frow_push(g, &cap, &r) < 0)
			return -ENOMEM;
		label = i = e;
	}
	return 0;
}

/* The rows as nb_rows (a label token and one value token each), so that
 * tables.c's alignment reads them as it reads any printed table. */
static int as_rows(nb_flat_region *g)
{
	nb_rows *rs = &g->rs;

	rs->toks = calloc(2 * g->n + 1, sizeof *rs->toks);
	rs->rows = calloc(g->n + 1, sizeof *rs->rows);
	if (!rs->toks || !rs->rows)
		return -ENOMEM;
	for (size_t k = 0; k < g->n; k++) {
		const nb_flat_row *f = &g->v[k];
		nb_tok *lt = &rs->toks[2 * k], *vt = &rs->toks[2 * k + 1];
		nb_orow *o = &rs->rows[k];
		*lt = (nb_tok){ .s = g->text.s + f->label, .n = f->nlabel };
		*vt = (nb_tok){ .value = true, .s = g->text.s + f->run, .n = f->nrun };
		o->text = nb_rows_alloc(rs, sizeof *o->text);
		o->key = nb_rows_alloc(rs, (f->nlabel + 1) * sizeof *o->key);
		rs->ntoks = 2 * k + 2;
		rs->nrows = k + 1;
		if (!o->text || !o->key)
			return -ENOMEM;
		o->text[0] = 2 * k;
		o->ntext = 1;
		o->first_tok = 2 * k;
		o->first_val = 2 * k + 1;
		o->nval = 1;
		o->nkey = nb_key(lt->s, lt->n, o->key, f->nlabel + 1);
		o->key_bits = nb_key_bits(o->key, o->nkey);
	}
	return 0;
}

int nb_flat_region_read(nb_doc *d, int canonical, nb_flat_region *g)
{
	memset(g, 0, sizeof *g);
	for (size_t i = 0; i < d->nspans; i++) {
		const nb_span *sp = &d->spans[i];
		if (sp->canonical != canonical)
			continue;
		for (size_t k = sp->head + sp->nhead; k < sp->end; k++) {
			nb_line *l = &d->lines.v[k];
			if (!(l->flags & NB_LF_FLATROW))
				continue;
			nb_buf_add(&g->text, l->text, l->len);
			l->flags |= NB_LF_TABLE;
		}
		break;
	}
	if (g->text.oom)
		return -ENOMEM;
	if (!g->text.len)
		return 0;
	int rc = tokenize(g);
	return rc < 0 ? rc : as_rows(g);
}

