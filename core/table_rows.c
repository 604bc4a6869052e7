/*
 * table_rows.c — a table's text, in whatever shape it came, as a sequence
 * of rows: label fragments followed by a run of values.
 *
 * Every shape reduces to the same tokens.  An HTML row gives its cells; a
 * scraped row splits on '|', a copied one on tabs, PDF layout text on runs
 * of two or more spaces; one-cell-per-line text gives a token per line.
 * A row is then the label text gathered since the last values, and the
 * values that follow.  PDF layout text wraps a label around its numbers, so
 * there the label text that follows a row's values, up to the next list
 * marker, is the end of that row's label rather than the start of the next.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct {
	nb_tok *v;
	size_t n, cap;
} tokv;

/* s[0..n), trimmed, as a new token, not a value; NULL when out of
 * memory. */
static nb_tok *tok_new(tokv *tv, const char *s, size_t n, size_t line)
{
	size_t a, b;

	nb_trim(s, n, &a, &b);
	nb_tok *v = nb_grow(tv->v, &tv->cap, tv->n + 1, sizeof *v, 256);
	if (!v)
		return NULL;
	tv->v = v;
	nb_tok *t = &tv->v[tv->n++];
	t->s = s + a;
	t->n = b - a;
	t->line = line;
	t->value = false;
	t->marker = false;
	t->cell = false;
	t->grid = false;
	return t;
}

/* A token, a value when it reads as a number. */
static int tok_push(tokv *tv, const char *s, size_t n, size_t line)
{
	nb_num num;
	nb_tok *t = tok_new(tv, s, n, line);

	if (!t)
		return -ENOMEM;
	t->value = nb_read_number(t->s, t->n, &num) != NB_CELL_ABSENT;
	return 0;
}

/* 一、 （一） (1) 1. 1、 第二十条 — the openings of a new label. */
static bool opens_with_marker(const char *s, size_t n)
{
	size_t i = 0;
	uint32_t c = i < n ? nb_halfwidth(nb_utf8_next(s, n, &i)) : 0;

	if (c == '(') {
		uint32_t d = i < n ? nb_halfwidth(nb_utf8_next(s, n, &i)) : 0;
		return nb_is_cjk_numeral(d) || (d >= '0' && d <= '9');
	}
	if (c == 0x7B2C)	/* 第 */
		return true;
	if (nb_is_cjk_numeral(c) || (c >= '0' && c <= '9')) {
		while (i < n) {
			uint32_t d = nb_halfwidth(nb_utf8_next(s, n, &i));
			if (nb_is_cjk_numeral(d) || (d >= '0' && d <= '9'))
				continue;
			return d == 0x3001 || d == '.' || d == ')' || d == 0x3002;
		}
	}
	return false;
}

static bool is_md_separator(const char *s, size_t n)
{
	size_t dashes = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '-')
			dashes++;
		else if (s[i] != ':' && s[i] != ' ')
			return false;
	}
	return dashes >= 3;
}

/* Splits s on the separator byte sequence sep; empty interior fields stay
 * (a blank cell), leading and trailing empty fields are the row's border. */
static int split_fields(tokv *tv, const char *s, size_t n, const char *sep,
			size_t line)
{
	size_t seplen = strlen(sep), start = tv->n, i = 0;

	while (i <= n) {
		/* a byte ('|', a tab) by memchr itself: nb_find's search for a
		 * longer separator costs more on every field */
		const char *hit = i >= n      ? NULL :
				  seplen == 1 ? memchr(s + i, sep[0], n - i) :
						nb_find(s + i, n - i, sep);
		size_t end = hit ? (size_t)(hit - s) : n;
		/* fields are padded with ASCII spaces (| 12 |): skipped here, a
		 * field mostly has no space left at either end, nb_trim's quick
		 * case; spaces alone are an empty field where they start */
		size_t a = i, b = end;
		while (a < b && s[a] == ' ')
			a++;
		while (b > a && s[b - 1] == ' ')
			b--;
		if (a == b)
			a = b = i;
		if (!is_md_separator(s + i, end - i) || end == i)
			if (tok_push(tv, s + a, b - a, line) < 0)
				return -ENOMEM;
		if (!hit)
			break;
		i = end + seplen;
	}
	for (size_t k = start; k < tv->n; k++)
		tv->v[k].grid = true;
	/* Drop empty border fields. */
	while (tv->n > start && tv->v[tv->n - 1].n == 0)
		tv->n--;
	size_t lead = start;
	while (lead < tv->n && tv->v[lead].n == 0)
		lead++;
	if (lead > start) {
		memmove(tv->v + start, tv->v + lead, (tv->n - lead) * sizeof *tv->v);
		tv->n -= lead - start;
	}
	return 0;
}

static bool space_at(const char *s, size_t n, size_t i, size_t *next)
{
	size_t j = i;
	uint32_t c = nb_utf8_next(s, n, &j);

	*next = j;
	return c == ' ' || c == 0x3000 || c == 0xA0;
}

/*
 * One field of layout text: label text, values, or label text followed by
 * values separated by single spaces ("行政许可 447228").
 */
static int push_field(tokv *tv, const char *s, size_t n, size_t line, size_t *nvalues)
{
	size_t a, b, ps[64], pe[64], np = 0;

	nb_trim(s, n, &a, &b);
	if (a == b)
		return 0;
	for (size_t i = a, part = a; i <= b;) {
		size_t next = i;
		/* Han (most of a label) is no space: stepped over undecoded */
		if (i < b && nb_utf8_han(s, b, i)) {
			i += 3;
			continue;
		}
		if (i == b || space_at(s, b, i, &next)) {
			if (i > part) {
				if (np == 64)
					return tok_push(tv, s + a, b - a, line);
				ps[np] = part;
				pe[np++] = i;
			}
			if (i == b)
				break;
			part = next;
		}
		i = next;
	}
	size_t first = np;	/* the first part of the trailing run of values */
	while (first > 0) {
		nb_num num;
		if (nb_read_number(s + ps[first - 1], pe[first - 1] - ps[first - 1], &num) ==
		    NB_CELL_ABSENT)
			break;
		first--;
	}
	if (first > 0 && tok_push(tv, s + a, pe[first - 1] - a, line) < 0)
		return -ENOMEM;
	/* the parts read as numbers above: a number trimmed is still one, so
	 * each is a value without reading it again */
	for (size_t k = first; k < np; k++) {
		nb_tok *t = tok_new(tv, s + ps[k], pe[k] - ps[k], line);
		if (!t)
			return -ENOMEM;
		t->value = true;
		(*nvalues)++;
	}
	return 0;
}

static int tokenize_text(tokv *tv, const nb_line *l, size_t line, bool *layout)
{
	const char *s = l->text;
	size_t n = l->len, before = tv->n;

	if (memchr(s, '|', n))
		return split_fields(tv, s, n, "|", line);
	if (nb_contains(s, n, "\xEF\xBD\x9C"))	/* ｜ */
		return split_fields(tv, s, n, "\xEF\xBD\x9C", line);
	if (memchr(s, '\t', n))
		return split_fields(tv, s, n, "\t", line);

	/* Fields are separated by two or more spaces. */
	size_t i = 0, field = 0, nfields = 0, nvalues = 0;
	while (i < n) {
		size_t next, next2;
		if (space_at(s, n, i, &next) && next < n && space_at(s, n, next, &next2)) {
			if (push_field(tv, s + field, i - field, line, &nvalues) < 0)
				return -ENOMEM;
			nfields++;
			i = next2;
			while (i < n && space_at(s, n, i, &next))
				i = next;
			field = i;
			continue;
		}
		i = next;
	}
	if (push_field(tv, s + field, n - field, line, &nvalues) < 0)
		return -ENOMEM;
	nfields++;
	if (nfields >= 2 && nvalues >= 2)
		*layout = true;
	/* A line of several fields or values is a row of the grid; a lone
	 * value on its line is a cell in reading order. */
	for (size_t k = before; k < tv->n && (nfields >= 2 || nvalues >= 2); k++)
		tv->v[k].grid = true;
	return 0;
}

static int tokenize_cells(tokv *tv, const nb_line *l, size_t line)
{
	size_t start = tv->n;
	bool text_seen = false;

	for (size_t c = 0; c < l->ncells; c++) {
		const char *t = l->cells[c].text ? l->cells[c].text : "";
		if (tok_push(tv, t, strlen(t), line) < 0)
			return -ENOMEM;
		tv->v[tv->n - 1].cell = true;
		tv->v[tv->n - 1].grid = true;
		if (!tv->v[tv->n - 1].value)
			text_seen = true;
	}
	/* Empty cells before a row's label are padding, not blank values. */
	if (text_seen) {
		size_t k = start;
		while (k < tv->n && tv->v[k].n == 0)
			k++;
		memmove(tv->v + start, tv->v + k, (tv->n - k) * sizeof *tv->v);
		tv->n -= k - start;
	}
	return 0;
}

static int row_push(nb_rows *rs, size_t *cap, const size_t *text, size_t ntext,
		    size_t first_val, size_t nval, bool cut)
{
	nb_orow *v = nb_grow(rs->rows, cap, rs->nrows + 1, sizeof *v, 32);
	if (!v)
		return -ENOMEM;
	rs->rows = v;
	nb_orow *r = &rs->rows[rs->nrows];
	memset(r, 0, sizeof *r);
	if (ntext) {
		r->text = nb_rows_alloc(rs, ntext * sizeof *r->text);
		if (!r->text)
			return -ENOMEM;
		memcpy(r->text, text, ntext * sizeof *text);
	}
	r->ntext = ntext;
	r->first_tok = ntext ? text[0] : first_val;
	r->first_val = first_val;
	r->nval = nval;
	r->cells = !cut;	/* confirmed by make_keys */
	rs->nrows++;
	return 0;
}

/* The arena has no realloc: the array is copied (a row gains a line of text
 * rarely, in layout tables only). */
static int row_add_text(nb_rows *rs, nb_orow *r, size_t tok)
{
	size_t *v = nb_rows_alloc(rs, (r->ntext + 1) * sizeof *v);

	if (!v)
		return -ENOMEM;
	if (r->ntext)
		memcpy(v, r->text, r->ntext * sizeof *v);
	v[r->ntext++] = tok;
	r->text = v;
	return 0;
}

/* Whether the row's values are the fields of one line: all on one line,
 * and split by the line's structure or beside the row's label. */
static bool row_on_one_line(const nb_rows *rs, const nb_orow *r)
{
	size_t line = rs->toks[r->first_val].line;
	bool grid = true, labelled = false;

	for (size_t k = 0; k < r->nval; k++) {
		const nb_tok *t = &rs->toks[r->first_val + k];
		if (t->line != line)
			return false;
		grid = grid && t->grid;
	}
	for (size_t k = 0; k < r->ntext && !labelled; k++)
		labelled = rs->toks[r->text[k]].line == line;
	return grid || labelled;
}

static int make_keys(nb_rows *rs)
{
	for (size_t i = 0; i < rs->nrows; i++) {
		nb_orow *r = &rs->rows[i];
		size_t total = 0, end = 0;
		for (size_t k = 0; k < r->ntext; k++)
			total += rs->toks[r->text[k]].n;
		/* own shares key's block */
		r->key = nb_rows_alloc(rs, 2 * (total + 1) * sizeof *r->key);
		if (!r->key)
			return -ENOMEM;
		r->own = r->key + total + 1;
		for (size_t k = 0; k < r->ntext; k++) {
			const nb_tok *t = &rs->toks[r->text[k]];
			/* a fragment has no more code points than bytes, so its
			 * key always fits: the own key takes the same ones */
			size_t n = nb_key(t->s, t->n, r->key + r->nkey, total - r->nkey);
			if (t->n)
				r->last_at = r->nkey;
			if (r->nval && t->line == rs->toks[r->first_val].line) {
				memcpy(r->own + r->nown, r->key + r->nkey, n * sizeof *r->own);
				r->nown += n;
			}
			r->nkey += n;
			if (t->line + 1 > end)
				end = t->line + 1;
		}
		if (r->nval) {
			const nb_tok *last = &rs->toks[r->first_val + r->nval - 1];
			if (last->line + 1 > end)
				end = last->line + 1;
		}
		r->line_end = end;
		r->key_bits = nb_key_bits(r->key, r->nkey);
		r->own_bits = nb_key_bits(r->own, r->nown);
		r->cells = r->cells && r->nval && row_on_one_line(rs, r);
	}
	return 0;
}

static int form_rows(nb_rows *rs, size_t width, const bool *line_has_value,
		     size_t first_line)
{
	size_t cap = 0, nhead = 0;
	size_t *head = nb_rows_alloc(rs, (rs->ntoks + 1) * sizeof *head);
	bool tail = false;
	int rc = 0;

	if (!head)
		return -ENOMEM;
	for (size_t i = 0; i < rs->ntoks && rc == 0;) {
		nb_tok *t = &rs->toks[i];
		if (!t->value) {
			t->marker = opens_with_marker(t->s, t->n);
			if (rs->layout && tail && !t->marker && rs->nrows &&
			    !line_has_value[t->line - first_line]) {
				rc = row_add_text(rs, &rs->rows[rs->nrows - 1], i);
			} else {
				tail = false;
				head[nhead++] = i;
			}
			i++;
			continue;
		}
		size_t j = i;
		while (j < rs->ntoks && rs->toks[j].value)
			j++;
		/* In text grids (pipes, tabs) an empty field is as often the filler
		 * of a merged cell as a blank value: a run of nothing but empty
		 * fields is filler, and so are empty fields that lead a run longer
		 * than a row. */
		size_t blanks = 0;
		while (i + blanks < j && !rs->toks[i + blanks].n && !rs->toks[i + blanks].cell)
			blanks++;
		if (blanks == j - i) {
			i = j;
			continue;
		}
		if (width && j - i > width)
			i += blanks < j - i - width ? blanks : j - i - width;
		size_t len = j - i, per = len;
		if (width && len > width && len % width == 0)
			per = width;
		for (size_t k = i; k < j && rc == 0; k += per) {
			rc = row_push(rs, &cap, head, k == i ? nhead : 0, k, per, per < len);
		}
		nhead = 0;
		tail = true;
		i = j;
	}
	return rc;
}

int nb_rows_read(const nb_doc *d, size_t start, size_t end, size_t width,
		 nb_rows *out)
{
	const unsigned skip = NB_LF_BLANK | NB_LF_CHROME | NB_LF_PAGENO |
			      NB_LF_META | NB_LF_TITLE | NB_LF_IMAGE;
	tokv tv = {0};
	bool *has_value = NULL;
	int rc = 0;

	memset(out, 0, sizeof *out);
	if (end <= start)
		return 0;
	has_value = nb_rows_alloc(out, (end - start) * sizeof *has_value);
	if (!has_value) {
		nb_rows_free(out);
		return -ENOMEM;
	}
	memset(has_value, 0, (end - start) * sizeof *has_value);
	for (size_t li = start; li < end && rc == 0; li++) {
		const nb_line *l = &d->lines.v[li];
		if (l->flags & skip)
			continue;
		size_t before = tv.n;
		if (l->ncells)
			rc = tokenize_cells(&tv, l, li);
		else
			rc = tokenize_text(&tv, l, li, &out->layout);
		for (size_t k = before; k < tv.n; k++)
			if (tv.v[k].value)
				has_value[li - start] = true;
	}
	out->toks = tv.v;
	out->ntoks = tv.n;
	if (rc == 0)
		rc = form_rows(out, width, has_value, start);
	if (rc == 0)
		rc = make_keys(out);
	if (rc < 0)
		nb_rows_free(out);
	return rc;
}

void *nb_rows_alloc(nb_rows *rs, size_t n)
{
	if (!rs->mem && nb_arena_new(&rs->mem) < 0)
		return NULL;
	return nb_arena_alloc(rs->mem, n);
}

void nb_rows_free(nb_rows *rs)
{
	nb_arena_free(rs->mem);	/* the rows' text, key and own */
	free(rs->rows);
	free(rs->toks);
	memset(rs, 0, sizeof *rs);
}

char *nb_rows_label(const nb_rows *rs, size_t i)
{
	nb_buf b = {0};
	const nb_orow *r = &rs->rows[i];

	for (size_t k = 0; k < r->ntext; k++) {
		const nb_tok *t = &rs->toks[r->text[k]];
		nb_buf_add(&b, t->s, t->n);
	}
	return nb_buf_take(&b);
}
