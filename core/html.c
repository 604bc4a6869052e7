/*
 * html.c — HTML to lines with libxml2's HTML parser.
 *
 * Block elements break lines and inline content is joined with its
 * whitespace folded, as a browser lays it out.  Each row of a data table
 * becomes one line carrying its cells (text, colspan, rowspan) and the
 * table's ordinal, so the table reader sees the real structure instead of
 * guessing it from text.  Tables used for page layout (a whole article in
 * one cell) are walked like any other block content.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>

#include "html_tree.h"
#include "internal.h"

/* A cell holding more than this many code points is prose, not a cell of
 * a report's tables (their longest label is under 40). */
#define NB_CELL_MAX 150
/* An article has paragraphs: a long cell with fewer breaks is a note. */
#define NB_ARTICLE_BREAKS 3
/* A table that wraps nested tables in this few rows of its own is layout. */
#define NB_LAYOUT_ROWS 3
/* Spans beyond this are typos in the page, not real spans. */
#define NB_SPAN_MAX 1000

typedef struct {
	nb_lines *out;
	nb_buf line;		/* the line being assembled */
	/* A cell's text and a table row's, each buffer reused from one to
	 * the next: a cell is read twice (measured, then taken), and each
	 * read was a buffer grown from nothing and freed. */
	nb_buf cell, row;
	bool space;		/* a folded space is pending before the next text */
	bool blank;		/* the last line pushed is blank (or none yet) */
	int pre;		/* depth inside <pre> */
	int ntables;		/* data tables so far: the next ordinal - 1 */
	bool oom;
} walker;

static bool is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	       strcmp((const char *)n->name, name) == 0;
}

/* The first bytes compared before the call: most names differ there
 * (blocks is asked for every element of the page). */
static bool in_list(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (name[0] == (*list)[0] && strcmp(name, *list) == 0)
			return true;
	return false;
}

/* Elements whose content is not page text (<nav>: the site's menus). */
static const char *const skipped[] = {
	"script", "style", "head", "noscript", "template", "select",
	"textarea", "option", "iframe", "object", "svg", "math", "nav", NULL
};

static const char *const blocks[] = {
	"address", "article", "aside", "blockquote", "body", "caption",
	"center", "dd", "details", "dialog", "dir", "div", "dl", "dt",
	"fieldset", "figcaption", "figure", "footer", "form", "h1", "h2",
	"h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "li",
	"main", "menu", "nav", "ol", "p", "pre", "section", "summary",
	"table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", NULL
};

static bool hidden(const xmlNode *n)
{
	const char *s = nb_html_attr(n, "style");

	return s && (strstr(s, "display:none") || strstr(s, "display: none"));
}

static bool navigation(const xmlNode *n)
{
	const char *role = nb_html_attr(n, "role");

	return role && strcmp(role, "navigation") == 0;
}

static bool skip(const xmlNode *n)
{
	return in_list((const char *)n->name, skipped) || hidden(n) ||
	       navigation(n);
}

/* ---- lines --------------------------------------------------------------- */

static nb_line *push(walker *w, const char *s, size_t n)
{
	nb_line *l = nb_lines_push(w->out, s, n);

	if (!l)
		w->oom = true;
	return l;
}

/* Ends the line being assembled; pushes it when it holds any text. */
static void flush(walker *w)
{
	size_t s, e;

	if (w->line.oom)
		w->oom = true;
	nb_trim(w->line.s ? w->line.s : "", w->line.len, &s, &e);
	/* Leading U+3000 stays: reports indent paragraphs with it. */
	if (s < e && push(w, w->line.s, e))
		w->blank = false;
	w->line.len = 0;
	if (w->line.s)
		w->line.s[0] = '\0';
	w->space = false;
}

/* A paragraph boundary with nothing in it: one blank line, never two. */
static void blank_line(walker *w)
{
	flush(w);
	if (!w->blank && push(w, "", 0))
		w->blank = true;
}

/* The folded white space: a byte of its own, or U+00A0 (C2 A0; neither
 * byte is ever inside another character's UTF-8, so it is found where
 * decoding would find it). */
static size_t fold_space_at(const char *s, size_t n, size_t i)
{
	unsigned char c = (unsigned char)s[i];

	if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f')
		return 1;
	return c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0 ? 2 : 0;
}

/* Where the next space of s[0..n) from i is (n: none), *sp its bytes: a
 * folded one, or in <pre> a line end.  The text between is added a run at
 * a time (a call a character was most of reading a page). */
static size_t next_space(const char *s, size_t n, size_t i, bool pre, size_t *sp)
{
	for (*sp = 0; i < n; i++)
		if ((*sp = pre ? s[i] == '\n' : fold_space_at(s, n, i)))
			return i;
	return n;
}

/* Appends a text node's content with whitespace folded (U+00A0 from
 * &nbsp; is a space; U+3000 is kept, it is indentation). */
static void add_text(walker *w, const char *s, size_t n)
{
	for (size_t i = 0, sp; i < n; i += sp) {
		size_t at = next_space(s, n, i, w->pre, &sp);

		if (at > i) {
			if (w->space)
				nb_buf_addc(&w->line, ' ');
			w->space = false;
			nb_buf_add(&w->line, s + i, at - i);
		}
		if (at == n)
			break;
		if (!w->pre)
			w->space = w->line.len > 0;
		else if (w->line.len)
			flush(w);
		else
			blank_line(w);
		i = at;
	}
}

/* ---- cells --------------------------------------------------------------- */

/* A cell's text being assembled. */
typedef struct {
	nb_buf *b;		/* the walker's, emptied for each cell */
	bool space;		/* a folded space is pending */
	bool glued;		/* just past a <br> or block edge: no space */
	bool nested;		/* the cell holds a table */
	size_t breaks;		/* <br> and blocks inside the cell */
} cell_acc;

/* Appends text to a cell with its white space folded: a space between
 * words, none at the start or after a break. */
static void cell_add(cell_acc *a, const char *s, size_t len)
{
	for (size_t i = 0, sp; i < len; i += sp) {
		size_t at = next_space(s, len, i, false, &sp);

		if (at > i) {
			if (a->space)
				nb_buf_addc(a->b, ' ');
			a->space = a->glued = false;
			nb_buf_add(a->b, s + i, at - i);
		}
		if (at == len)
			break;
		a->space = a->b->len > 0 && !a->glued;
		i = at;
	}
}

/* A cell's text: whitespace folded, <br> and block edges joined with
 * nothing, the white space around them too (a header printed
 * 本年新<br/>制作数量 is one label), nested tables left out (their rows
 * follow the row as rows of their own). */
static void cell_text(const xmlNode *n, cell_acc *a)
{
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			const char *s = (const char *)c->content;
			size_t len = s ? strlen(s) : 0;

			cell_add(a, s, len);
		} else if (c->type == XML_ELEMENT_NODE) {
			if (skip(c))
				continue;
			if (is(c, "table")) {
				a->nested = true;
				continue;
			}
			bool edge = is(c, "br") ||
				    in_list((const char *)c->name, blocks);

			if (edge) {
				a->space = false;
				a->glued = true;
				a->breaks++;
			}
			cell_text(c, a);
			if (edge) {
				a->space = false;
				a->glued = true;
			}
		}
	}
}

/* The text of cell n, in buf (emptied first) as a->b, and where it is
 * without the spaces around it, [*s, *e); false when memory ran out. */
static bool cell_trimmed(const xmlNode *n, bool *nested, nb_buf *buf, cell_acc *a,
			 size_t *s, size_t *e)
{
	nb_buf_reset(buf);
	*a = (cell_acc){ .b = buf };
	cell_text(n, a);
	*nested |= a->nested;
	if (buf->oom)
		return false;
	nb_trim(buf->s ? buf->s : "", buf->len, s, e);
	return true;
}

/* The trimmed text of cell n, read in buf, in a string of out's (NULL: out
 * of memory). */
static char *cell_string(const xmlNode *n, bool *nested, nb_buf *buf, nb_lines *out)
{
	cell_acc a;
	size_t s, e;

	if (!cell_trimmed(n, nested, buf, &a, &s, &e))
		return NULL;
	return nb_lines_strndup(out, buf->s ? buf->s + s : "", e - s);
}

static int span(const xmlNode *n, const char *attr)
{
	const char *v = nb_html_attr(n, attr);
	long k = 1;

	if (v) {
		char *end;

		k = strtol(v, &end, 10);
		if (end == v || k < 1)
			k = 1;
		if (k > NB_SPAN_MAX)
			k = NB_SPAN_MAX;
	}
	return (int)k;
}

static bool is_cell(const xmlNode *n)
{
	return is(n, "td") || is(n, "th");
}

/* The table's own rows: <tr> children of the table or of its row groups.
 * Calls fn for each; stops early when fn returns false. */
static void each_row(const xmlNode *table,
		     bool (*fn)(const xmlNode *tr, void *arg), void *arg)
{
	for (const xmlNode *c = table->children; c; c = c->next) {
		if (is(c, "tr")) {
			if (!fn(c, arg))
				return;
		} else if (is(c, "tbody") || is(c, "thead") || is(c, "tfoot")) {
			for (const xmlNode *r = c->children; r; r = r->next)
				if (is(r, "tr") && !fn(r, arg))
					return;
		}
	}
}

typedef struct {
	size_t rows;
	size_t chars;		/* code points of all cells */
	size_t longest;		/* ... of the longest cell */
	size_t breaks;		/* line breaks inside the longest cell */
	bool nested, oom;
	nb_buf *cell;		/* the walker's */
} table_shape;

static bool measure_row(const xmlNode *tr, void *arg)
{
	table_shape *t = arg;

	t->rows++;
	for (const xmlNode *c = tr->children; c; c = c->next) {
		cell_acc a;
		size_t s, e;

		if (!is_cell(c))
			continue;
		/* measured where it lies, not copied (its text holds no NUL:
		 * libxml2's text is C strings) */
		if (!cell_trimmed(c, &t->nested, t->cell, &a, &s, &e)) {
			t->oom = true;
			return false;
		}
		size_t ncp = nb_utf8_count(t->cell->s ? t->cell->s + s : "", e - s);

		t->chars += ncp;
		if (ncp > t->longest) {
			t->longest = ncp;
			t->breaks = a.breaks;
		}
	}
	return true;
}

/* ---- tables -------------------------------------------------------------- */

typedef struct {
	walker *w;
	int ordinal;
} row_ctx;

static void emit_nested(walker *w, const xmlNode *n, int ordinal);

/* One row: one line, its cells' texts joined by " | ", and the cells. */
static bool emit_row(const xmlNode *tr, void *arg)
{
	row_ctx *rc = arg;
	walker *w = rc->w;
	size_t ncells = 0;

	for (const xmlNode *c = tr->children; c; c = c->next)
		ncells += is_cell(c);
	if (ncells == 0)
		return true;

	nb_tcell *cells = nb_lines_calloc(w->out, ncells, sizeof(*cells));
	nb_buf *text = &w->row;
	size_t k = 0;
	bool nested = false;

	if (!cells) {
		w->oom = true;
		return false;
	}
	nb_buf_reset(text);
	for (const xmlNode *c = tr->children; c; c = c->next) {
		if (!is_cell(c))
			continue;
		cells[k].text = cell_string(c, &nested, &w->cell, w->out);
		if (!cells[k].text) {
			w->oom = true;
			break;
		}
		cells[k].colspan = span(c, "colspan");
		cells[k].rowspan = span(c, "rowspan");
		if (k)
			nb_buf_adds(text, " | ");
		nb_buf_adds(text, cells[k].text);
		k++;
	}

	nb_line *l = NULL;

	if (!w->oom && !text->oom)
		l = push(w, text->s ? text->s : "", text->len);
	if (!l) {
		w->oom = true;	/* cells and their texts are the list's */
		return false;
	}
	l->table = rc->ordinal;
	l->cells = cells;
	l->ncells = ncells;
	w->blank = false;

	if (nested)
		for (const xmlNode *c = tr->children; c; c = c->next)
			if (is_cell(c))
				emit_nested(w, c, rc->ordinal);
	return !w->oom;
}

/* Rows of tables nested in a cell continue the outer table's rows. */
static void emit_nested(walker *w, const xmlNode *n, int ordinal)
{
	for (const xmlNode *c = n->children; c && !w->oom; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || skip(c))
			continue;
		if (is(c, "table")) {
			row_ctx rc = { w, ordinal };

			each_row(c, emit_row, &rc);
		} else {
			emit_nested(w, c, ordinal);
		}
	}
}

static void walk(walker *w, const xmlNode *n);

static void table(walker *w, const xmlNode *t)
{
	table_shape shape = { .cell = &w->cell };

	each_row(t, measure_row, &shape);
	if (shape.oom) {
		w->oom = true;
		return;
	}
	flush(w);
	/* A cell holding most of the table's text in paragraphs is an
	 * article laid out in the table; a long note row (注：...) leaves a
	 * data table a data table. */
	bool prose = shape.longest > NB_CELL_MAX &&
		     shape.breaks >= NB_ARTICLE_BREAKS &&
		     2 * shape.longest >= shape.chars;

	if (shape.rows == 0 || prose ||
	    (shape.nested && shape.rows <= NB_LAYOUT_ROWS)) {
		walk(w, t);	/* layout: its cells are ordinary blocks */
		flush(w);
		return;
	}

	row_ctx rc = { w, ++w->ntables };

	for (const xmlNode *c = t->children; c; c = c->next)
		if (is(c, "caption")) {
			walk(w, c);
			flush(w);
		}
	each_row(t, emit_row, &rc);
}

/* ---- the walk ------------------------------------------------------------ */

/* An <img> of the content is shown by its file name on a line of its own,
 * as scraped text shows it: tables published as images are detected from
 * those names. */
static void image(walker *w, const xmlNode *n)
{
	const char *s = nb_html_attr(n, "src");

	if (!s)
		return;

	size_t end = strcspn(s, "?#");
	size_t start = end;

	while (start > 0 && s[start - 1] != '/')
		start--;
	if (strncmp(s, "data:", 5) != 0 &&
	    (nb_has_suffix_ci(s, end, ".png") || nb_has_suffix_ci(s, end, ".jpg") ||
	     nb_has_suffix_ci(s, end, ".jpeg") || nb_has_suffix_ci(s, end, ".gif") ||
	     nb_has_suffix_ci(s, end, ".bmp"))) {
		flush(w);
		if (push(w, s + start, end - start))
			w->blank = false;
	}
}

static void walk(walker *w, const xmlNode *n)
{
	for (const xmlNode *c = n->children; c && !w->oom; c = c->next) {
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			const char *s = (const char *)c->content;

			add_text(w, s ? s : "", s ? strlen(s) : 0);
			continue;
		}
		if (c->type != XML_ELEMENT_NODE || skip(c))
			continue;

		const char *name = (const char *)c->name;

		if (strcmp(name, "br") == 0) {
			if (w->line.len)
				flush(w);
			else
				blank_line(w);
		} else if (strcmp(name, "table") == 0) {
			table(w, c);
		} else if (strcmp(name, "img") == 0) {
			image(w, c);
		} else if (in_list(name, blocks)) {
			size_t before = w->out->n;
			bool pre = strcmp(name, "pre") == 0;

			flush(w);
			w->pre += pre;
			walk(w, c);
			w->pre -= pre;
			flush(w);
			/* An empty paragraph is the page's blank line. */
			if (strcmp(name, "p") == 0 && w->out->n == before)
				blank_line(w);
		} else {
			walk(w, c);
		}
	}
}

int nb_html_lines(const char *text, size_t len, nb_lines *out)
{
	if (len == 0)
		return 0;
	if (len > INT_MAX)
		return -EFBIG;

	/* The text is UTF-8 already (decode.c): a <meta charset=gb2312> left
	 * in the page must not make libxml2 decode it a second time
	 * (html_tree.c). */
	nb_html_tree *tree;
	int rc = nb_html_parse(text, len, &tree);

	if (rc < 0)
		return rc;

	walker w = { .out = out, .blank = true };
	const xmlNode *root = nb_html_root(tree);

	if (root) {
		const xmlNode top = { .children = (xmlNode *)root };

		walk(&w, &top);
		flush(&w);
	}
	/* No trailing blank line (its text stays in the list's block). */
	if (!w.oom && out->n && out->v[out->n - 1].len == 0 &&
	    out->v[out->n - 1].ncells == 0)
		out->n--;
	nb_buf_free(&w.line);
	nb_buf_free(&w.cell);
	nb_buf_free(&w.row);
	nb_html_tree_free(tree);
	return w.oom ? -ENOMEM : 0;
}
