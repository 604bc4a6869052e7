/*
 * table_active.c — table 2, 主动公开政府信息情况: one small table per clause
 * of Art. 20, each clause's format told from its header words and its rows'
 * widths (reports mix the formats), rows the template lacks kept as extra
 * rows, and the money column's unit taken from its header.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tables.h"

static nb_unit text_unit(const char *s, size_t n)
{
	if (nb_contains(s, n, "万元"))
		return NB_UNIT_WANYUAN;
	if (nb_contains(s, n, "元"))
		return NB_UNIT_YUAN;
	return NB_UNIT_NONE;
}

/* The clause a label names: 第二十条第（五）项 -> 五; 0 when none. */
static uint32_t clause_of(const nb_orow *r)
{
	static const uint32_t digits[] = { 0, 0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94,
					   0x516D, 0x4E03, 0x516B, 0x4E5D };
	uint32_t found = 0;

	for (size_t i = 0; i + 3 < r->nkey; i++) {
		if (r->key[i] != 0x4E8C || r->key[i + 1] != 0x5341 || r->key[i + 2] != 0x6761)
			continue;	/* 二十条 */
		size_t k = i + 3;
		if (k < r->nkey && r->key[k] == 0x7B2C)	/* 第 */
			k++;
		if (k >= r->nkey)
			continue;
		uint32_t c = r->key[k];
		if (c >= '1' && c <= '9')
			c = digits[c - '0'];
		found = c;
	}
	return found;
}

static const char *const words19[] = { "新制作", "新公开", "对外公开总数量", "上一年项目数量",
				       "本年增", "采购", "其他对外管理服务事项", NULL };
static const char *const words21[] = { "制发", "废止", "现行有效", "本年处理决定数量",
				       "收费金额", "行政规范性文件", NULL };

static int count_words(const nb_rows *rs, const size_t *rows, size_t n,
		       const char *const *words)
{
	int count = 0;

	/* each word's key made once, not once a row */
	for (size_t w = 0; words[w]; w++) {
		uint32_t key[32];
		size_t nk = nb_key(words[w], strlen(words[w]), key, 32);
		for (size_t k = 0; k < n; k++) {
			const nb_orow *r = &rs->rows[rows[k]];
			if (nb_key_in(key, nk, r->key, r->nkey))
				count++;
		}
	}
	return count;
}

static const nb_template *clause_template(nb_format f, uint32_t clause)
{
	const nb_template *const *tl;
	size_t n = nb_templates(NB_TABLE_ACTIVE, f, &tl);
	char name[5] = { 0 };

	nb_utf8_put(clause, name);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(tl[i]->clause, name))
			return tl[i];
	return NULL;
}

/* How well the clause's rows fit a template: rows of the right width. */
static size_t fit(const nb_rows *rs, const size_t *rows, size_t n, const nb_template *t)
{
	size_t fits = 0;

	for (size_t k = 0; t && k < n; k++)
		fits += rs->rows[rows[k]].nval == t->ncols;
	return fits;
}

/* Decides one clause's format from its header words and its rows' widths;
 * fallback when they do not tell. */
static nb_format clause_format(const nb_rows *rs, const size_t *rows, size_t n,
			       uint32_t clause, nb_format fallback)
{
	const nb_template *t19 = clause_template(NB_FMT_2019, clause);
	const nb_template *t21 = clause_template(NB_FMT_2021, clause);

	if (!t21)
		return NB_FMT_2019;
	size_t f19 = fit(rs, rows, n, t19), f21 = fit(rs, rows, n, t21);
	if (t19->ncols != t21->ncols && f19 != f21)
		return f21 > f19 ? NB_FMT_2021 : NB_FMT_2019;
	int w19 = count_words(rs, rows, n, words19), w21 = count_words(rs, rows, n, words21);
	if (w19 != w21)
		return w21 > w19 ? NB_FMT_2021 : NB_FMT_2019;
	return fallback;
}

static int one_clause(nb_doc *d, const nb_rows *rs, const size_t *rows, size_t n,
		      uint32_t clause, nb_format fallback)
{
	nb_format f = clause_format(rs, rows, n, clause, fallback);
	const nb_template *t = clause_template(f, clause);
	nb_align a;
	size_t *extra = NULL, nextra = 0;
	nb_unit header = NB_UNIT_NONE;
	int rc;

	if (!t)
		return nb_warn(d->r, "第二十条: a clause the %s format does not have was printed; "
			       "left out", nb_format_name(f));
	if ((rc = nb_align_rows(d->tkeys, rs, rows, n, t, &a)) < 0)
		return rc;
	extra = malloc((n + 1) * sizeof *extra);
	if (!extra) {
		nb_align_free(&a);
		return -ENOMEM;
	}
	for (size_t k = 0; k < n; k++) {
		const nb_orow *o = &rs->rows[rows[k]];
		bool used = false;
		for (size_t j = 0; j < t->nrows && !used; j++)
			used = a.assign[j] == (int)rows[k];
		if (!used && o->nval == t->ncols && o->ntext)
			extra[nextra++] = rows[k];
	}
	/* The header text before the first row names the money column's unit. */
	if (t->money_col >= 0 && n) {
		char *label = nb_rows_label(rs, rows[0]);
		if (!label) {
			rc = -ENOMEM;
			goto out;
		}
		header = text_unit(label, strlen(label));
		free(label);
	}
	rc = nb_table_build(d, t, rs, &a, header, extra, nextra, 0);
out:
	free(extra);
	nb_align_free(&a);
	return rc;
}

/* The clause whose template, in either format, has a row this label
 * names; 0 when none does. */
static int clause_by_label(nb_tkeys *tk, const nb_orow *r, uint32_t *best)
{
	static const nb_format formats[] = { NB_FMT_2021, NB_FMT_2019 };
	double top = 0;

	*best = 0;
	for (size_t f = 0; f < 2; f++) {
		const nb_template *const *tl;
		size_t n = nb_templates(NB_TABLE_ACTIVE, formats[f], &tl);
		for (size_t i = 0; i < n; i++) {
			const nb_tkey *k = nb_tkeys_of(tk, tl[i]);
			if (!k)
				return -ENOMEM;
			for (size_t j = 0; j < tl[i]->nrows; j++) {
				double sc = nb_row_score(r, &k[j], NULL);
				if (sc > top) {
					size_t at = 0;
					top = sc;
					*best = nb_utf8_next(tl[i]->clause, strlen(tl[i]->clause), &at);
				}
			}
		}
	}
	return 0;
}

int nb_find_active(nb_doc *d, const nb_span *sp, nb_format fallback)
{
	static const char *const anchors[] = { "第二十条", "信息内容", NULL };
	size_t body = sp->head + sp->nhead;
	size_t start = nb_table_start(d, body, sp->end, anchors);
	nb_rows rs;
	size_t *rows = NULL;
	int rc;

	if (start == sp->end)
		return nb_table_missing(d, sp, "第二十条");
	if ((rc = nb_rows_read(d, start, sp->end, 0, &rs)) < 0)
		return rc;
	rows = malloc((rs.nrows + 1) * sizeof *rows);
	if (!rows) {
		nb_rows_free(&rs);
		return -ENOMEM;
	}
	/* Rows follow their clause's heading; in a report that prints no
	 * clause headings, each row's label tells its clause. */
	bool headings = false;
	for (size_t i = 0; i < rs.nrows && !headings; i++)
		headings = clause_of(&rs.rows[i]) != 0;
	uint32_t cur = 0;
	size_t n = 0;
	for (size_t i = 0; i <= rs.nrows && rc == 0; i++) {
		uint32_t c = 0;
		if (i < rs.nrows && headings)
			c = clause_of(&rs.rows[i]);
		else if (i < rs.nrows && (rc = clause_by_label(d->tkeys, &rs.rows[i], &c)) < 0)
			break;
		if (i == rs.nrows || (c && c != cur)) {
			if (n && cur)
				rc = one_clause(d, &rs, rows, n, cur, fallback);
			n = 0;
			cur = c;
		}
		if (i < rs.nrows && rs.rows[i].nval)
			rows[n++] = i;
	}
	if (rc == 0 && d->r->ntables == 0)
		rc = nb_warn(d->r, "第二十条: the table's clauses (第二十条第（一）项 ...) were not "
			     "recognised; no cells written");
	if (rc == 0) {
		size_t all = 0;
		for (size_t i = 0; i < rs.nrows; i++)
			if (rs.rows[i].nval)
				rows[all++] = i;
		nb_table_mark(d, start, nb_table_end(d, nb_rows_end(&rs, rows, all, start), sp->end));
	}
	free(rows);
	nb_rows_free(&rs);
	return rc;
}
