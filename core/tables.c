/*
 * tables.c — finding the official tables in sections 2, 3 and 4 and mapping
 * what was printed onto the templates.
 *
 * Rows are matched by their labels: a monotonic alignment of the printed
 * rows against the template rows, scored by approximate substring match, so
 * typos, OCR slips, wrapped labels and stray header text still land on the
 * right row, and no row can be matched out of order.  Rows without a usable
 * label are placed by the template's order only where the gap between two
 * matched rows holds exactly as many printed rows as template rows.  A cell
 * that cannot be placed with certainty stays empty, with a warning: a
 * missing number is acceptable, a wrong one is not.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAXKEY 64

typedef struct {
	uint32_t key[MAXKEY], alt[MAXKEY];
	size_t nkey, nalt;
} tkey;

static void tkey_make(const nb_trow *t, tkey *k)
{
	k->nkey = nb_key(t->key, strlen(t->key), k->key, MAXKEY);
	k->nalt = t->alt ? nb_key(t->alt, strlen(t->alt), k->alt, MAXKEY) : 0;
	if (k->nkey > MAXKEY)
		k->nkey = MAXKEY;
	if (k->nalt > MAXKEY)
		k->nalt = MAXKEY;
}

/* How much of a match a key of this length needs: short keys must appear
 * whole, longer ones may carry typos. */
static double threshold(size_t nkey)
{
	return nkey <= 3 ? 0.999 : nkey <= 5 ? 0.74 : 0.6;
}

static double match_key(const nb_orow *r, const uint32_t *key, size_t nkey)
{
	if (!nkey || !r->nkey)
		return -1;
	double sim = nb_fuzzy_find(key, nkey, r->key, r->nkey, NULL);
	if (sim < threshold(nkey))
		return -1;
	/* Label text the key does not explain lowers the score a little, so
	 * that of two keys found whole the longer one wins. */
	double extra = r->nkey > nkey ? (double)(r->nkey - nkey) : 0;
	double pen = extra * 0.002;
	return sim - (pen > 0.1 ? 0.1 : pen);
}

/* Score of printed row r as template row t; -1 when it is no match.
 * *alt is set when the template's other wording matched better. */
static double row_score(const nb_orow *r, const tkey *k, bool *alt)
{
	double a = match_key(r, k->key, k->nkey);
	double b = match_key(r, k->alt, k->nalt);

	if (alt)
		*alt = b > a;
	return a > b ? a : b;
}

/* ---- alignment ------------------------------------------------------------- */

typedef struct {
	int *assign;		/* per template row: printed row index or -1 */
	bool *by_order;		/* placed by order, not by label */
	bool *alt;		/* matched the template's other wording */
	size_t placed;		/* template rows given a printed row */
	size_t fitting;		/* of them, rows with the right number of values */
	double score;
} alignment;

static void alignment_free(alignment *a)
{
	free(a->assign);
	free(a->by_order);
	free(a->alt);
	memset(a, 0, sizeof *a);
}

/*
 * Aligns the printed rows obs[0..nobs) with the template's rows: the
 * monotonic matching of greatest total score, then the order-fill of gaps
 * whose sizes agree.
 */
static int align(const nb_rows *rs, const size_t *obs, size_t nobs,
		 const nb_template *t, alignment *out)
{
	size_t m = t->nrows, w = m + 1;
	tkey *keys = calloc(m, sizeof *keys);
	double *best = calloc((nobs + 1) * w, sizeof *best);
	double *sc = malloc((nobs ? nobs : 1) * m * sizeof *sc);
	int rc = -ENOMEM;

	memset(out, 0, sizeof *out);
	out->assign = malloc(m * sizeof *out->assign);
	out->by_order = calloc(m, sizeof *out->by_order);
	out->alt = calloc(m, sizeof *out->alt);
	if (!keys || !best || !sc || !out->assign || !out->by_order || !out->alt)
		goto done;
	for (size_t j = 0; j < m; j++) {
		tkey_make(&t->rows[j], &keys[j]);
		out->assign[j] = -1;
	}
	for (size_t i = 0; i < nobs; i++)
		for (size_t j = 0; j < m; j++)
			sc[i * m + j] = row_score(&rs->rows[obs[i]], &keys[j], NULL);

	for (size_t i = 1; i <= nobs; i++) {
		for (size_t j = 1; j <= m; j++) {
			double v = best[(i - 1) * w + j];
			if (best[i * w + j - 1] > v)
				v = best[i * w + j - 1];
			double s = sc[(i - 1) * m + j - 1];
			if (s > 0 && best[(i - 1) * w + j - 1] + s > v)
				v = best[(i - 1) * w + j - 1] + s;
			best[i * w + j] = v;
		}
	}
	out->score = best[nobs * w + m];
	for (size_t i = nobs, j = m; i > 0 && j > 0;) {
		double s = sc[(i - 1) * m + j - 1];
		if (s > 0 && best[i * w + j] == best[(i - 1) * w + j - 1] + s) {
			out->assign[j - 1] = (int)(i - 1);
			row_score(&rs->rows[obs[i - 1]], &keys[j - 1], &out->alt[j - 1]);
			i--;
			j--;
		} else if (best[i * w + j] == best[(i - 1) * w + j]) {
			i--;
		} else {
			j--;
		}
	}

	/* Order-fill the gaps between matched rows whose sizes agree. */
	long pi = -1, pj = -1;
	for (size_t j = 0; j <= m; j++) {
		if (j < m && out->assign[j] < 0)
			continue;
		long ci = j < m ? out->assign[j] : (long)nobs, cj = (long)j;
		if (ci - pi - 1 == cj - pj - 1 && ci - pi > 1) {
			for (long k = 1; k < ci - pi; k++) {
				out->assign[pj + k] = (int)(pi + k);
				out->by_order[pj + k] = true;
			}
		}
		pi = ci;
		pj = cj;
	}
	for (size_t j = 0; j < m; j++) {
		if (out->assign[j] < 0)
			continue;
		out->assign[j] = (int)obs[out->assign[j]];
		out->placed++;
		if (rs->rows[out->assign[j]].nval == t->ncols)
			out->fitting++;
	}
	rc = 0;
done:
	free(keys);
	free(best);
	free(sc);
	if (rc < 0)
		alignment_free(out);
	return rc;
}

int nb_align_rows(const nb_rows *rs, const size_t *obs, size_t nobs,
		  const nb_template *t, int *assign, double *score)
{
	alignment a;
	int rc = align(rs, obs, nobs, t, &a);

	if (rc < 0)
		return rc;
	memcpy(assign, a.assign, t->nrows * sizeof *assign);
	*score = a.score;
	alignment_free(&a);
	return 0;
}

/* ---- building the nb_table ------------------------------------------------ */

static char *tok_dup(const nb_tok *t)
{
	return nb_strndup(t->s, t->n);
}

/* The row's own label: its last label fragment. */
static char *own_label(const nb_rows *rs, const nb_orow *r)
{
	for (size_t k = r->ntext; k-- > 0;) {
		const nb_tok *t = &rs->toks[r->text[k]];
		if (t->n)
			return tok_dup(t);
	}
	return NULL;
}

/*
 * The label as printed, when it is another wording of the official one: the
 * row's own label cell, when that alone matches the template row but not to
 * the letter.  (A label wrapped over several fragments is the official
 * wording broken up, not another one.)
 */
static int printed_label(const nb_rows *rs, const nb_orow *o, const nb_trow *t, bool alt,
			 char **out)
{
	char *own = own_label(rs, o);
	uint32_t k[MAXKEY], ok[256];

	*out = NULL;
	if (!own)
		return o->ntext ? -ENOMEM : 0;
	const char *key = alt && t->alt ? t->alt : t->key;
	size_t nk = nb_key(key, strlen(key), k, MAXKEY), no = nb_key(own, strlen(own), ok, 256);
	if (nk > MAXKEY)
		nk = MAXKEY;
	if (no > 256)
		no = 256;
	double sim = nb_fuzzy_find(k, nk, ok, no, NULL);
	if (alt || (sim >= threshold(nk) && sim < 0.999))
		*out = own;
	else
		free(own);
	return 0;
}

static nb_unit text_unit(const char *s, size_t n)
{
	if (memmem(s, n, "万元", strlen("万元")))
		return NB_UNIT_WANYUAN;
	if (memmem(s, n, "元", strlen("元")))
		return NB_UNIT_YUAN;
	return NB_UNIT_NONE;
}

static const char *unit_name(nb_unit u)
{
	return u == NB_UNIT_WANYUAN ? "万元" : u == NB_UNIT_YUAN ? "元" : "";
}

/*
 * Fills one cell from a printed value.  In the money column, values are
 * written in the column's unit: a value printed in the other unit is
 * converted exactly and the conversion noted.
 */
static int fill_cell(nb_report *r, const nb_template *t, const char *rowlabel,
		     size_t col, const nb_tok *tok, nb_unit colunit, nb_cell *c)
{
	nb_num num;

	c->raw = tok_dup(tok);
	if (!c->raw)
		return -ENOMEM;
	c->state = nb_read_number(tok->s, tok->n, &num);
	if (c->state != NB_CELL_NUMBER)
		return 0;
	char value[80];
	memcpy(value, num.value, sizeof num.value);
	if ((int)col == t->money_col && num.unit != NB_UNIT_NONE && colunit != NB_UNIT_NONE &&
	    num.unit != colunit) {
		int shift = colunit == NB_UNIT_WANYUAN ? -4 : 4;
		if (nb_decimal_shift(num.value, shift, value, sizeof value) < 0) {
			c->state = NB_CELL_ABSENT;
			return nb_warn(r, "%s: %s/%s: %s could not be converted to %s; left empty",
				       t->name, rowlabel, t->cols[col], c->raw, unit_name(colunit));
		}
		if (nb_note(r, "%s: %s/%s: printed %s, converted to %s %s", t->name, rowlabel,
			    t->cols[col], c->raw, value, unit_name(colunit)) < 0)
			return -ENOMEM;
	}
	c->value = nb_strdup(value);
	if (!c->value)
		return -ENOMEM;
	if (num.note[0]) {
		c->note = nb_strdup(num.note);
		if (!c->note ||
		    nb_note(r, "%s: %s/%s: printed %s; the number is %s, the note \"%s\"", t->name,
			    rowlabel, t->cols[col], c->raw, value, num.note) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* The money column's unit: what the header names, else what the value
 * carries.  The column's header says it. */
static nb_unit money_unit(const nb_template *t, const nb_rows *rs, const alignment *a,
			  nb_unit header)
{
	if (t->money_header_fixed)
		return NB_UNIT_WANYUAN;
	if (header != NB_UNIT_NONE)
		return header;
	nb_unit seen = NB_UNIT_NONE;
	for (size_t j = 0; j < t->nrows; j++) {
		if (a->assign[j] < 0)
			continue;
		const nb_orow *o = &rs->rows[a->assign[j]];
		if (o->nval != t->ncols)
			continue;
		const nb_tok *tok = &rs->toks[o->first_val + t->money_col];
		nb_num num;
		if (nb_read_number(tok->s, tok->n, &num) == NB_CELL_NUMBER && num.unit != NB_UNIT_NONE) {
			if (seen != NB_UNIT_NONE && seen != num.unit)
				return NB_UNIT_WANYUAN;
			seen = num.unit;
		}
	}
	return seen;
}

/*
 * Whether a table-3 row's numbers add up across (总计 = the six applicant
 * columns, blanks counting as zero).  A row placed by order alone has no
 * label to vouch for it; if its numbers do not add up, a stray value (an
 * unmarked page number in PDF reading order) may have shifted it.
 */
static bool adds_up(const nb_rows *rs, const nb_orow *o)
{
	long long sum = 0, total = 0;

	for (size_t c = 0; c < 7; c++) {
		const nb_tok *t = &rs->toks[o->first_val + c];
		nb_num num;
		long long v = 0;
		if (nb_read_number(t->s, t->n, &num) == NB_CELL_NUMBER) {
			char *end;
			v = strtoll(num.value, &end, 10);
			if (*end)
				return false;
		}
		if (c < 6)
			sum += v;
		else
			total = v;
	}
	return sum == total;
}

static int set_row(nb_report *r, const nb_template *t, const nb_rows *rs,
		   const nb_orow *o, nb_unit colunit, bool quiet, bool by_order, nb_row *row)
{
	row->cells = calloc(t->ncols, sizeof *row->cells);
	if (!row->cells)
		return -ENOMEM;
	if (!o)
		return quiet ? 0 : nb_warn(r, "%s: row %s not found; its cells are empty", t->name, row->label);
	if (o->nval != t->ncols)
		return nb_warn(r, "%s: row %s: %zu values printed where %zu were expected; "
			       "its cells are left empty", t->name, row->label, o->nval, t->ncols);
	if (by_order && t->kind == NB_TABLE_REQUESTS && !adds_up(rs, o))
		return nb_warn(r, "%s: row %s: printed without its label, and its numbers do not "
			       "add up to its 总计, so its place is uncertain; its cells are left "
			       "empty", t->name, row->label);
	for (size_t c = 0; c < t->ncols; c++) {
		int rc = fill_cell(r, t, row->label, c, &rs->toks[o->first_val + c], colunit,
				   &row->cells[c]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int table_push(nb_report *r, nb_table **out)
{
	nb_table *v = realloc(r->tables, (r->ntables + 1) * sizeof *v);

	if (!v)
		return -ENOMEM;
	r->tables = v;
	*out = &v[r->ntables++];
	memset(*out, 0, sizeof **out);
	return 0;
}

/*
 * Builds the table of template t from the alignment; rows of extra (when
 * given) are printed rows of the right width that matched nothing: kept as
 * extra rows under their printed label.
 */
static int build(nb_doc *d, const nb_template *t, const nb_rows *rs, const alignment *a,
		 nb_unit header_unit, const size_t *extra, size_t nextra, bool quiet)
{
	nb_report *r = d->r;
	nb_table *tb;
	nb_unit colunit = t->money_col >= 0 ? money_unit(t, rs, a, header_unit) : NB_UNIT_NONE;
	int rc = table_push(r, &tb);

	if (rc < 0)
		return rc;
	tb->kind = t->kind;
	tb->format = t->format;
	tb->name = nb_strdup(t->name);
	tb->label_header = nb_strdup(t->label_header);
	tb->cols = calloc(t->ncols, sizeof *tb->cols);
	tb->rows = calloc(t->nrows + nextra, sizeof *tb->rows);
	if (!tb->name || !tb->label_header || !tb->cols || !tb->rows)
		return -ENOMEM;
	tb->ncols = t->ncols;
	for (size_t c = 0; c < t->ncols; c++) {
		nb_buf b = {0};
		nb_buf_adds(&b, t->cols[c]);
		if ((int)c == t->money_col && !t->money_header_fixed && colunit != NB_UNIT_NONE)
			nb_buf_printf(&b, "（%s）", unit_name(colunit));
		if (!(tb->cols[c] = nb_buf_take(&b)))
			return -ENOMEM;
	}
	for (size_t j = 0; j < t->nrows; j++) {
		nb_row *row = &tb->rows[tb->nrows++];
		const nb_orow *o = a->assign[j] >= 0 ? &rs->rows[a->assign[j]] : NULL;
		row->label = nb_strdup(t->rows[j].label);
		if (!row->label)
			return -ENOMEM;
		if (o && !a->by_order[j] && (rc = printed_label(rs, o, &t->rows[j], a->alt[j],
								 &row->printed)) < 0)
			return rc;
		if ((rc = set_row(r, t, rs, o, colunit, quiet, a->by_order[j], row)) < 0)
			return rc;
	}
	for (size_t e = 0; e < nextra; e++) {
		const nb_orow *o = &rs->rows[extra[e]];
		nb_row *row = &tb->rows[tb->nrows++];
		row->extra = true;
		row->label = own_label(rs, o);
		if (!row->label)
			return -ENOMEM;
		if ((rc = set_row(r, t, rs, o, colunit, quiet, false, row)) < 0)
			return rc;
	}
	return 0;
}

/* ---- regions ---------------------------------------------------------------- */

static const nb_span *span_of(const nb_doc *d, int canonical)
{
	for (size_t i = 0; i < d->nspans; i++)
		if (d->spans[i].canonical == canonical)
			return &d->spans[i];
	return NULL;
}

static bool key_has(const char *s, size_t n, const char *what)
{
	uint32_t k[256], w[32];
	size_t nk = nb_key(s, n, k, 256), nw = nb_key(what, strlen(what), w, 32);

	if (nk > 256)
		nk = 256;
	return nw && nb_fuzzy_find(w, nw, k, nk, NULL) >= 0.999;
}

/* A line that can open a table: cells, or short text that is no sentence. */
static size_t trimmed_count(const nb_line *l)
{
	size_t a, b;

	nb_trim(l->text, l->len, &a, &b);
	return nb_utf8_count(l->text + a, b - a);
}

static bool table_like(const nb_line *l)
{
	if (l->ncells || memchr(l->text, '|', l->len) || memchr(l->text, '\t', l->len))
		return true;
	return trimmed_count(l) <= 40 && !memmem(l->text, l->len, "。", 3);
}

static size_t find_start(const nb_doc *d, size_t from, size_t to, const char *const *anchors)
{
	for (size_t i = from; i < to; i++) {
		const nb_line *l = &d->lines.v[i];
		if (l->flags & (NB_LF_BLANK | NB_LF_CHROME | NB_LF_PAGENO | NB_LF_META))
			continue;
		if (!table_like(l))
			continue;
		for (size_t a = 0; anchors[a]; a++)
			if (key_has(l->text, l->len, anchors[a]))
				return i;
	}
	return to;
}

/* After the last row: label fragments a PDF left behind still belong to the
 * table; the first sentence does not. */
static size_t extend_end(const nb_doc *d, size_t end, size_t limit)
{
	while (end < limit) {
		const nb_line *l = &d->lines.v[end];
		if (!(l->flags & (NB_LF_BLANK | NB_LF_PAGENO | NB_LF_CHROME)) && !table_like(l))
			break;
		if (!(l->flags & (NB_LF_BLANK | NB_LF_PAGENO | NB_LF_CHROME)) &&
		    trimmed_count(l) > 30 && !l->ncells)
			break;
		end++;
	}
	/* Leave trailing blank lines to the prose. */
	return end;
}

static void mark(nb_doc *d, size_t start, size_t end)
{
	for (size_t i = start; i < end; i++)
		d->lines.v[i].flags |= NB_LF_TABLE;
}

static size_t rows_end(const nb_rows *rs, const size_t *used, size_t nused, size_t start)
{
	size_t end = start;

	for (size_t k = 0; k < nused; k++)
		if (rs->rows[used[k]].line_end > end)
			end = rs->rows[used[k]].line_end;
	return end;
}

/* Notes the first image named in lines [from, to), for the warning. */
static const nb_line *image_in(const nb_doc *d, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (d->lines.v[i].flags & NB_LF_IMAGE)
			return &d->lines.v[i];
	return NULL;
}

/* The first image named in any of the table sections. */
static const nb_line *table_image(const nb_doc *d)
{
	for (size_t i = 0; i < d->nspans; i++) {
		const nb_span *sp = &d->spans[i];
		const nb_line *img = sp->canonical >= 2 && sp->canonical <= 4
					     ? image_in(d, sp->head + sp->nhead, sp->end)
					     : NULL;
		if (img)
			return img;
	}
	return NULL;
}

static int warn_missing(nb_doc *d, const nb_span *sp, const char *what)
{
	const nb_line *img = table_image(d);

	if (img)
		return nb_warn(d->r, "%s: no table text in section %s; the report's tables were "
			       "given as an image (%.*s), and tables given as images (图片) cannot "
			       "be read", what, sp->name ? sp->name : "", (int)img->len, img->text);
	return nb_warn(d->r, "%s: no table found in section %s; the table may have been an "
		       "image or left out", what, sp->name ? sp->name : "");
}

/* ---- table 3 ---------------------------------------------------------------- */

static int find_requests(nb_doc *d, const nb_span *sp)
{
	static const char *const anchors[] = { "本列数据", "申请人情况", "自然人",
					       "本年新收政府信息公开申请数量", NULL };
	size_t body = sp->head + sp->nhead;
	size_t start = find_start(d, body, sp->end, anchors);
	nb_rows rs;
	alignment a19, a21;
	size_t *obs = NULL, nobs = 0;
	int rc;

	if (start == sp->end)
		return warn_missing(d, sp, "申请情况");
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
	for (size_t i = 0; i < rs.nrows; i++) {
		bool any = rs.rows[i].nval == 7;
		for (size_t j = 0; !any && j < t21[0]->nrows; j++) {
			tkey k;
			tkey_make(&t21[0]->rows[j], &k);
			any = row_score(&rs.rows[i], &k, NULL) > 0;
		}
		if (any)
			obs[nobs++] = i;
	}
	rc = align(&rs, obs, nobs, t19[0], &a19);
	if (rc == 0)
		rc = align(&rs, obs, nobs, t21[0], &a21);
	if (rc < 0)
		goto out;

	/* The format whose template the printed rows fill best. */
	bool use21 = a21.fitting > a19.fitting ||
		     (a21.fitting == a19.fitting &&
		      (a21.fitting * t19[0]->nrows > a19.fitting * t21[0]->nrows ||
		       (a21.fitting * t19[0]->nrows == a19.fitting * t21[0]->nrows &&
			a21.score > a19.score)));
	alignment *a = use21 ? &a21 : &a19;
	const nb_template *t = use21 ? t21[0] : t19[0];
	if (a->placed == 0) {
		rc = nb_warn(d->r, "申请情况: the table's rows could not be recognised; no cells "
			     "written");
		goto out;
	}
	rc = build(d, t, &rs, a, NB_UNIT_NONE, NULL, 0, false);
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
	size_t end = extend_end(d, rows_end(&rs, obs, nobs, start), sp->end);
	mark(d, start, end);
out:
	alignment_free(&a19);
	alignment_free(&a21);
	free(obs);
	nb_rows_free(&rs);
	return rc;
}

/* ---- table 4 ---------------------------------------------------------------- */

/* The table of t with every row present and every cell empty, for a table
 * whose numbers were found but could not be placed. */
static int table_empty(nb_doc *d, const nb_template *t)
{
	alignment a = {0};
	nb_rows none = {0};
	int rc = -ENOMEM;

	a.assign = malloc(t->nrows * sizeof *a.assign);
	a.by_order = calloc(t->nrows, sizeof *a.by_order);
	a.alt = calloc(t->nrows, sizeof *a.alt);
	if (a.assign && a.by_order && a.alt) {
		for (size_t j = 0; j < t->nrows; j++)
			a.assign[j] = -1;
		rc = build(d, t, &none, &a, NB_UNIT_NONE, NULL, 0, true);
	}
	alignment_free(&a);
	return rc;
}

/*
 * Table 4 prints its fifteen numbers without row labels.  One unbroken run
 * of fifteen is the template's order; groups printed apart are placed by
 * their labels (or by order when there are exactly three groups of five).
 * Anything else — PDF reading order that interleaves header text with the
 * numbers — cannot be placed with certainty.
 */
static int find_appeals(nb_doc *d, const nb_span *sp, nb_format fmt)
{
	static const char *const anchors[] = { "行政复议", "结果维持", "行政诉讼", NULL };
	size_t body = sp->head + sp->nhead;
	size_t start = find_start(d, body, sp->end, anchors);
	const nb_template *const *tl;
	nb_rows rs;
	alignment a = {0};
	size_t obs[64], nobs = 0, total = 0;
	int rc;

	if (start == sp->end)
		return warn_missing(d, sp, "复议诉讼情况");
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
	if (one_run) {
		a.assign = malloc(3 * sizeof *a.assign);
		a.by_order = calloc(3, sizeof *a.by_order);
		a.alt = calloc(3, sizeof *a.alt);
		if (!a.assign || !a.by_order || !a.alt) {
			rc = -ENOMEM;
			goto out;
		}
		for (size_t j = 0; j < 3; j++) {
			a.assign[j] = (int)obs[j];
			a.by_order[j] = true;
		}
		a.placed = a.fitting = 3;
	} else if (fives) {
		rc = align(&rs, obs, nobs, t, &a);
		if (rc < 0)
			goto out;
	}
	if (a.fitting == 0) {
		rc = nb_warn(d->r, "复议诉讼情况: %zu values found in %zu groups, neither one row of "
			     "15 nor groups of 5 that can be told apart: their places are uncertain, "
			     "all 15 cells are left empty", total, nobs);
		if (rc == 0)
			rc = table_empty(d, t);
	} else {
		rc = build(d, t, &rs, &a, NB_UNIT_NONE, NULL, 0, false);
	}
	if (rc == 0)
		mark(d, start, extend_end(d, rows_end(&rs, obs, nobs, start), sp->end));
out:
	alignment_free(&a);
	nb_rows_free(&rs);
	return rc;
}

/* ---- table 2 ---------------------------------------------------------------- */

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

	for (size_t k = 0; k < n; k++) {
		const nb_orow *r = &rs->rows[rows[k]];
		for (size_t w = 0; words[w]; w++) {
			uint32_t key[32];
			size_t nk = nb_key(words[w], strlen(words[w]), key, 32);
			if (nb_fuzzy_find(key, nk, r->key, r->nkey, NULL) >= 0.999)
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
	alignment a;
	size_t *extra = NULL, nextra = 0;
	nb_unit header = NB_UNIT_NONE;
	int rc;

	if (!t)
		return nb_warn(d->r, "第二十条: a clause the %s format does not have was printed; "
			       "left out", nb_format_name(f));
	if ((rc = align(rs, rows, n, t, &a)) < 0)
		return rc;
	extra = malloc((n + 1) * sizeof *extra);
	if (!extra) {
		alignment_free(&a);
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
	rc = build(d, t, rs, &a, header, extra, nextra, false);
out:
	free(extra);
	alignment_free(&a);
	return rc;
}

/* The clause whose template, in either format, has a row this label
 * names; 0 when none does. */
static uint32_t clause_by_label(const nb_orow *r)
{
	static const nb_format formats[] = { NB_FMT_2021, NB_FMT_2019 };
	uint32_t best = 0;
	double top = 0;

	for (size_t f = 0; f < 2; f++) {
		const nb_template *const *tl;
		size_t n = nb_templates(NB_TABLE_ACTIVE, formats[f], &tl);
		for (size_t i = 0; i < n; i++) {
			for (size_t j = 0; j < tl[i]->nrows; j++) {
				tkey k;
				tkey_make(&tl[i]->rows[j], &k);
				double sc = row_score(r, &k, NULL);
				if (sc > top) {
					size_t at = 0;
					top = sc;
					best = nb_utf8_next(tl[i]->clause, strlen(tl[i]->clause), &at);
				}
			}
		}
	}
	return best;
}

static int find_active(nb_doc *d, const nb_span *sp, nb_format fallback)
{
	static const char *const anchors[] = { "第二十条", "信息内容", NULL };
	size_t body = sp->head + sp->nhead;
	size_t start = find_start(d, body, sp->end, anchors);
	nb_rows rs;
	size_t *rows = NULL;
	int rc;

	if (start == sp->end)
		return warn_missing(d, sp, "第二十条");
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
		if (i < rs.nrows)
			c = headings ? clause_of(&rs.rows[i]) : clause_by_label(&rs.rows[i]);
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
		mark(d, start, extend_end(d, rows_end(&rs, rows, all, start), sp->end));
	}
	free(rows);
	nb_rows_free(&rs);
	return rc;
}

/* ---- all three -------------------------------------------------------------- */

int nb_find_tables(nb_doc *d)
{
	const nb_span *s2 = span_of(d, 2), *s3 = span_of(d, 3), *s4 = span_of(d, 4);
	nb_format fallback = d->r->year >= 2021 ? NB_FMT_2021 : NB_FMT_2019;
	int rc = 0;

	if (s2)
		rc = find_active(d, s2, fallback);
	if (rc == 0 && s3)
		rc = find_requests(d, s3);
	if (rc < 0)
		return rc;
	/* Table 4 is the same in both formats; it takes the report's. */
	nb_format f4 = fallback;
	for (size_t i = 0; i < d->r->ntables; i++)
		if (d->r->tables[i].kind == NB_TABLE_REQUESTS)
			f4 = d->r->tables[i].format;
	if (s4)
		rc = find_appeals(d, s4, f4);
	return rc;
}
