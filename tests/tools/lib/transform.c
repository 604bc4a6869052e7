/*
 * transform.c — a fixture's text in the shapes real pipelines give it (see
 * transform.h).  Every transform works line by line on plain text: a line
 * of two or more cells (split on '|', '｜', tabs, or runs of two or more
 * spaces as pdftotext -layout aligns them) is a table row, anything else
 * prose.  Nothing here knows the template: the transforms are blind, as a
 * crawler or pdftotext is.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "transform.h"

const char *tf_name(tf_kind k)
{
	static const char *const names[] = { "flat", "raw", "wrap", "spaces", "title" };

	return k < TF_COUNT ? names[k] : "?";
}

static int ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);

	return n >= k && !strcmp(s + n - k, suf);
}

int tf_text_of(const char *name, const void *buf, size_t len, char **text, size_t *textlen,
	       int *md)
{
	const char *enc;
	char *t;
	size_t n, replaced;
	nb_converters *cv;
	int rc = nb_converters_new(&cv);

	if (rc < 0)
		return rc;
	rc = nb_decode(cv, buf, len, &t, &n, &enc, &replaced);
	nb_converters_free(cv);

	*md = ends_with(name, ".md");
	if (rc < 0)
		return rc;
	if (!ends_with(name, ".html") && !ends_with(name, ".htm")) {
		*text = t;
		*textlen = n;
		return 0;
	}
	nb_lines ls = {0};
	rc = nb_html_lines(t, n, &ls);
	free(t);
	if (rc < 0)
		return rc;
	nb_buf b = {0};
	for (size_t i = 0; i < ls.n; i++) {
		nb_buf_add(&b, ls.v[i].text, ls.v[i].len);
		nb_buf_addc(&b, '\n');
	}
	nb_lines_free(&ls);
	*textlen = b.len;
	*text = nb_buf_take(&b);
	return *text ? 0 : -ENOMEM;
}

/* ---- lines and cells --------------------------------------------------------- */

typedef enum { SEP_NONE, SEP_PIPE, SEP_TAB, SEP_SPACES } sep_kind;

/* More cells than any row of the official tables or a scraped page's
 * layout table has; a longer line keeps its first MAXCELLS cells. */
#define MAXCELLS 256

typedef struct {
	const char *s[MAXCELLS];
	size_t n[MAXCELLS];
	size_t count;		/* cells, empty ones included */
	size_t filled;		/* non-empty cells */
	sep_kind sep;
} cells;

static size_t skip_space(const char *s, size_t n, size_t i)
{
	while (i < n) {
		size_t j = i;
		uint32_t c = nb_utf8_next(s, n, &j);
		if (!nb_is_space(c))
			break;
		i = j;
	}
	return i;
}

static void trim(const char **s, size_t *n)
{
	size_t a, b;

	nb_trim(*s, *n, &a, &b);
	*s += a;
	*n = b - a;
}

static void push(cells *c, const char *s, size_t n)
{
	trim(&s, &n);
	if (c->count == MAXCELLS)
		return;
	c->s[c->count] = s;
	c->n[c->count++] = n;
	c->filled += n > 0;
}

/* The line's cells; a line of fewer than two non-empty cells is prose. */
static void split(const char *s, size_t n, cells *c)
{
	memset(c, 0, sizeof *c);
	if (memchr(s, '|', n) || memmem(s, n, "｜", strlen("｜"))) {
		c->sep = SEP_PIPE;
		for (size_t i = 0, start = 0; i <= n;) {
			size_t adv = 0;
			if (i < n && s[i] == '|')
				adv = 1;
			else if (i + 3 <= n && !memcmp(s + i, "｜", 3))
				adv = 3;
			if (i == n || adv) {
				push(c, s + start, i - start);
				if (i == n)
					break;
				i += adv;
				start = i;
			} else {
				i++;
			}
		}
		/* a leading and a trailing pipe open and close the row */
		if (c->count && !c->n[0]) {
			memmove(c->s, c->s + 1, (c->count - 1) * sizeof *c->s);
			memmove(c->n, c->n + 1, (c->count - 1) * sizeof *c->n);
			c->count--;
		}
		if (c->count && !c->n[c->count - 1])
			c->count--;
		return;
	}
	if (memchr(s, '\t', n)) {
		c->sep = SEP_TAB;
		for (size_t i = 0, start = 0; i <= n; i++)
			if (i == n || s[i] == '\t') {
				push(c, s + start, i - start);
				start = i + 1;
			}
		return;
	}
	c->sep = SEP_SPACES;
	size_t i = skip_space(s, n, 0), start = i;
	while (i < n) {
		if (s[i] == ' ' && i + 1 < n && s[i + 1] == ' ') {
			push(c, s + start, i - start);
			i = skip_space(s, n, i);
			start = i;
			continue;
		}
		i++;
	}
	if (start < n)
		push(c, s + start, n - start);
}

static int is_table(const cells *c)
{
	return c->filled >= 2;
}

/* A Markdown separator row: |---|:--| */
static int is_md_sep(const char *s, size_t n)
{
	size_t dashes = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '-')
			dashes++;
		else if (s[i] != '|' && s[i] != ':' && s[i] != ' ')
			return 0;
	}
	return dashes >= 3;
}

/* The text without Markdown heading marks and surrounding spaces. */
static void prose(const char **s, size_t *n)
{
	trim(s, n);
	while (*n && **s == '#') {
		(*s)++;
		(*n)--;
	}
	trim(s, n);
}

typedef struct {
	const char *s;
	size_t n;
} line;

/* The next line of text[*at..len) (without its '\n'); false at the end. */
static bool next_line(const char *text, size_t len, size_t *at, line *l)
{
	if (*at >= len)
		return false;
	const char *nl = memchr(text + *at, '\n', len - *at);
	size_t end = nl ? (size_t)(nl - text) : len;
	l->s = text + *at;
	l->n = end - *at;
	*at = end + 1;
	return true;
}

/* ---- the title ------------------------------------------------------------ */

/* The title line: the first short line of the opening that names a 报告. */
static int find_title(const char *text, size_t len, line *out)
{
	line l;
	size_t k = 0;

	for (size_t at_ = 0; next_line(text, len, &at_, &l);) {
		const char *s = l.s;
		size_t n = l.n;
		prose(&s, &n);
		if (!n)
			continue;
		if (++k > 20)
			return 0;
		cells c;
		split(l.s, l.n, &c);
		if (!is_table(&c) && memmem(s, n, "报告", strlen("报告")) &&
		    nb_utf8_count(s, n) <= 60) {
			out->s = s;
			out->n = n;
			return 1;
		}
	}
	return 0;
}

/* Where to break a title: before the year when something precedes it
 * (洪泽区人民政府 / 2023年…), else before 工作年度报告 or 政府信息公开. */
static size_t title_break(const char *s, size_t n)
{
	for (size_t i = 1; i + 4 < n; i++) {
		if (s[i - 1] >= '0' && s[i - 1] <= '9')
			continue;
		size_t d = 0;
		while (i + d < n && s[i + d] >= '0' && s[i + d] <= '9')
			d++;
		if (d == 4 && i + 4 < n)
			return i;
	}
	static const char *const at[] = { "工作年度报告", "政府信息公开", "年度报告", NULL };
	for (size_t k = 0; at[k]; k++) {
		const char *p = memmem(s, n, at[k], strlen(at[k]));
		if (p && p > s)
			return (size_t)(p - s);
	}
	return 0;
}

/* ---- the transforms ---------------------------------------------------------- */

static void flat(nb_buf *b, const char *text, size_t len)
{
	line l;
	line title;
	bool sentence_end = false;

	if (find_title(text, len, &title)) {
		nb_buf_adds(b, "标题: ");
		nb_buf_add(b, title.s, title.n);
		nb_buf_addc(b, '\n');
	}
	nb_buf_adds(b, "==================== 正文 ====================\n");
	for (size_t at_ = 0; next_line(text, len, &at_, &l);) {
		cells c;
		if (is_md_sep(l.s, l.n))
			continue;
		split(l.s, l.n, &c);
		const char *s = l.s;
		size_t n = l.n;
		if (is_table(&c)) {
			for (size_t k = 0; k < c.count; k++)
				nb_buf_add(b, c.s[k], c.n[k]);
			sentence_end = false;
			continue;
		}
		prose(&s, &n);
		if (!n)
			continue;
		if (sentence_end)
			nb_buf_addc(b, ' ');
		nb_buf_add(b, s, n);
		sentence_end = n >= 3 && !memcmp(s + n - 3, "。", 3);
	}
	nb_buf_addc(b, '\n');
}

static void raw(nb_buf *b, const char *text, size_t len)
{
	line l;
	for (size_t at_ = 0; next_line(text, len, &at_, &l);) {
		cells c;
		if (is_md_sep(l.s, l.n))
			continue;
		split(l.s, l.n, &c);
		if (is_table(&c)) {
			for (size_t k = 0; k < c.count; k++)
				if (c.n[k]) {
					nb_buf_add(b, c.s[k], c.n[k]);
					nb_buf_addc(b, '\n');
				}
			continue;
		}
		const char *s = l.s;
		size_t n = l.n;
		prose(&s, &n);
		nb_buf_add(b, s, n);
		nb_buf_addc(b, '\n');
	}
}

static void put_cells(nb_buf *b, const cells *c, size_t from, size_t to)
{
	static const char *const seps[] = { "", " | ", "\t", "    " };

	if (c->sep == SEP_PIPE)
		nb_buf_adds(b, "| ");
	for (size_t k = from; k < to; k++) {
		if (k > from)
			nb_buf_adds(b, seps[c->sep]);
		nb_buf_add(b, c->s[k], c->n[k]);
	}
	if (c->sep == SEP_PIPE)
		nb_buf_adds(b, " |");
	nb_buf_addc(b, '\n');
}

/* Appends s[0..n) cut into lines of at most width code points. */
static void cut(nb_buf *b, const char *s, size_t n, size_t width)
{
	size_t i = 0, k = 0, start = 0;

	while (i < n) {
		nb_utf8_next(s, n, &i);
		if (++k == width) {
			nb_buf_add(b, s + start, i - start);
			nb_buf_addc(b, '\n');
			start = i;
			k = 0;
		}
	}
	if (i > start) {
		nb_buf_add(b, s + start, i - start);
		nb_buf_addc(b, '\n');
	}
}

static void wrap(nb_buf *b, const char *text, size_t len, size_t width)
{
	line l;
	for (size_t at_ = 0; next_line(text, len, &at_, &l);) {
		cells c;
		const char *s = l.s;
		size_t n = l.n;
		trim(&s, &n);
		split(l.s, l.n, &c);
		if (!n || is_md_sep(l.s, l.n) || *s == '#') {
			nb_buf_add(b, l.s, l.n);
			nb_buf_addc(b, '\n');
		} else if (is_table(&c)) {
			/* A row too long for the page breaks between cells. */
			size_t from = 0, w = 0;
			for (size_t k = 0; k < c.count; k++) {
				size_t cw = nb_utf8_count(c.s[k], c.n[k]) + 3;
				if (k > from && w + cw > width) {
					put_cells(b, &c, from, k);
					from = k;
					w = 0;
				}
				w += cw;
			}
			put_cells(b, &c, from, c.count);
		} else {
			nb_buf b2 = {0};
			nb_buf_adds(&b2, "　　");
			nb_buf_add(&b2, s, n);
			if (b2.oom) {
				b->oom = true;
				continue;
			}
			cut(b, b2.s, b2.len, width);
			nb_buf_free(&b2);
		}
	}
}

static int is_digit_cp(uint32_t c)
{
	return c >= '0' && c <= '9';
}

static void spaces(nb_buf *b, const char *text, size_t len)
{
	uint32_t prev = 0;

	for (size_t i = 0; i < len;) {
		size_t at = i;
		uint32_t c = nb_utf8_next(text, len, &i);
		if ((is_digit_cp(prev) && nb_is_han(c)) || (nb_is_han(prev) && is_digit_cp(c)))
			nb_buf_addc(b, ' ');
		nb_buf_add(b, text + at, i - at);
		prev = c;
	}
}

static void title(nb_buf *b, const char *text, size_t len)
{
	line t;
	size_t at;

	if (!find_title(text, len, &t) || !(at = title_break(t.s, t.n))) {
		nb_buf_add(b, text, len);
		return;
	}
	size_t before = (size_t)(t.s - text);
	nb_buf_add(b, text, before + at);
	nb_buf_addc(b, '\n');
	nb_buf_add(b, t.s + at, len - before - at);
}

char *tf_apply(tf_kind k, const char *text, size_t len, unsigned seed, int md,
	       size_t *outlen, const char **ext)
{
	nb_buf b = {0};

	*ext = md && k != TF_FLAT && k != TF_RAW ? "md" : "txt";
	switch (k) {
	case TF_FLAT:
		flat(&b, text, len);
		break;
	case TF_RAW:
		raw(&b, text, len);
		break;
	case TF_WRAP:
		/* 30-40 characters: the widths of A4 PDF text at the sizes
		 * reports use, in the corpus issue 6 describes. */
		wrap(&b, text, len, 30 + seed % 11);
		break;
	case TF_SPACES:
		spaces(&b, text, len);
		break;
	case TF_TITLE:
		title(&b, text, len);
		break;
	case TF_COUNT:
		break;
	}
	if (!b.s && !b.oom)
		nb_buf_adds(&b, "");
	*outlen = b.len;
	return nb_buf_take(&b);
}
