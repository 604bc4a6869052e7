/*
 * figures.c — a report's key figures for 趋势.csv (trend.c), in order,
 * each as a key <table>/<row>/<column> and its value:
 *
 *   申请情况/<each row>/总计          table 3, in its 总计 column
 *   复议诉讼情况/<each row>/总计      table 4's three totals
 *   第二十条第（…）项/<row>/<column>  every cell of table 2
 *
 * Read from the report's tables as rows.c loads them: loaded here, or
 * handed over by the tree phase, which loaded them to render the report.
 * A column's keys and its values each go into one block, not a malloc a
 * string: 73 of them a report were a third of its 趋势.csv (callgrind).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "ix.h"
#include "tnode.h"
#include "dataset.h"
#include "rows.h"
#include "trend.h"

/* The total column of tables 3 and 4 (the templates' last column). */
#define TOTAL_COLUMN "总计"

struct ix_figures {
	ix_rows *rows;
	size_t *cols;		/* a table's figure columns, reused */
	size_t cap;
	nb_buf key;		/* a figure's, reused */
	/* the report's figures so far, reused: their keys and values, each
	 * NUL-terminated, the i-th of one the i-th of the other */
	nb_buf keys, values;
	struct figure {
		uint64_t hash;	/* of the key (ix_hash64) */
		size_t key;	/* its offset in keys */
	} *v;
	size_t n, vcap;
};

/* Whether key (of hash h) is among the n keys so far: their hashes
 * compared first, the strings only when one matches.  A figure is new
 * nearly always, and its key shares a long prefix (the table's name, the
 * row's label) with the others: a search by strcmp compared it with every
 * key before it. */
static bool seen(const ix_figures *t, uint64_t h, const char *key)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].hash == h && !strcmp(t->keys.s + t->v[i].key, key))
			return true;
	return false;
}

/* A figure: the first of a key (of a table printed twice, the first). */
static int add_figure(ix_figures *t, const char *table, const char *label,
		      const char *header, const char *value)
{
	nb_buf *key = &t->key;
	nb_buf_reset(key);
	nb_buf_adds(key, table);
	nb_buf_addc(key, '/');
	nb_buf_adds(key, label);
	nb_buf_addc(key, '/');
	nb_buf_adds(key, header);
	if (key->oom)
		return -ENOMEM;
	uint64_t h = ix_hash64(key->s, key->len, 0);
	if (seen(t, h, key->s))
		return 0;
	struct figure *v = nb_grow(t->v, &t->vcap, t->n + 1, sizeof *v, 64);
	if (!v)
		return -ENOMEM;
	t->v = v;
	v[t->n++] = (struct figure){.hash = h, .key = t->keys.len};
	nb_buf_add(&t->keys, key->s, key->len + 1);
	nb_buf_add(&t->values, value, strlen(value) + 1);
	return t->keys.oom || t->values.oom ? -ENOMEM : 0;
}

/* The value in column c of a row: every cell's, whatever its state (what
 * the view cell showed), "" when there is none. */
static const char *value_at(const ix_row *row, size_t c)
{
	const char *v = c < row->ncells ? row->cells[c].value : NULL;
	return v ? v : "";
}

/* Table tb's figures, row by row (extra rows left out): each row's value
 * in each of the columns a figure is read from: every one (all), else
 * those headed TOTAL_COLUMN. */
static int add_table(ix_figures *t, const ix_table *tb, bool all)
{
	size_t n = 0;
	for (size_t c = 0; c < tb->nheaders; c++) {
		const char *h = tb->headers[c] ? tb->headers[c] : "";
		if (!all && strcmp(h, TOTAL_COLUMN))
			continue;
		size_t *v = nb_grow(t->cols, &t->cap, n + 1, sizeof *v, 8);
		if (!v)
			return -ENOMEM;
		t->cols = v;
		v[n++] = c;
	}
	int rc = 0;
	for (size_t i = 0; i < tb->nrowv && !rc; i++) {
		const ix_row *row = &tb->rows[i];
		if (row->extra)
			continue;
		for (size_t k = 0; k < n && !rc; k++) {
			const char *h = tb->headers[t->cols[k]];
			rc = add_figure(t, tb->name,
					row->label ? row->label : "",
					h ? h : "", value_at(row, t->cols[k]));
		}
	}
	return rc;
}

int ix_figures_read(ix_figures *t, int64_t report, ix_trend_column *c)
{
	const ix_table *v;
	size_t n;
	int rc = ix_rows_load(t->rows, report, &v, &n);
	return rc ? rc : ix_figures_of(t, v, n, c);
}

/* The n NUL-terminated strings of text, one after the other, as *l (its
 * array just long enough) and *block, which holds them.  0 or -ENOMEM. */
static int strings_of(const nb_buf *text, size_t n, ix_strv *l, char **block)
{
	if (!n)
		return 0;
	*block = nb_strndup(text->s, text->len);
	l->v = malloc(n * sizeof *l->v);
	if (!*block || !l->v)
		return -ENOMEM;
	for (size_t i = 0, off = 0; i < n; i++) {
		l->v[i] = *block + off;
		off += strlen(l->v[i]) + 1;
	}
	l->n = l->cap = n;
	return 0;
}

int ix_figures_of(ix_figures *t, const ix_table *v, size_t n,
		  ix_trend_column *c)
{
	/* tables 3, 4, then 2; of a kind, in tbl_no order */
	static const int kinds[] = {
		NB_TABLE_REQUESTS, NB_TABLE_APPEALS, NB_TABLE_ACTIVE
	};
	t->n = 0;
	nb_buf_reset(&t->keys);
	nb_buf_reset(&t->values);
	int rc = 0;
	for (size_t k = 0; k < sizeof kinds / sizeof *kinds && !rc; k++)
		for (size_t i = 0; i < n && !rc; i++)
			if (v[i].kind == kinds[k] && v[i].name)
				rc = add_table(t, &v[i],
					       kinds[k] == NB_TABLE_ACTIVE);
	if (!rc)
		rc = strings_of(&t->keys, t->n, &c->keys, &c->keys_block);
	if (!rc)
		rc = strings_of(&t->values, t->n, &c->values,
				&c->values_block);
	return rc;
}

int ix_figures_new(sqlite3 *db, FILE *err, ix_figures **out)
{
	ix_figures *t = calloc(1, sizeof *t);
	if (!t)
		return -ENOMEM;
	int rc = ix_rows_new(db, err, &t->rows);
	if (rc) {
		free(t);
		return rc;
	}
	*out = t;
	return 0;
}

void ix_figures_free(ix_figures *t)
{
	if (!t)
		return;
	ix_rows_free(t->rows);
	free(t->cols);
	nb_buf_free(&t->key);
	free(t->v);
	nb_buf_free(&t->keys);
	nb_buf_free(&t->values);
	free(t);
}
