/*
 * markdown.c — Markdown markup removed from lines (heading marks, emphasis,
 * links, images, table delimiter rows), and HTML tables embedded in the
 * Markdown handed to html.c so their rows keep real cells and spans.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lines.h"

/* |---|:---:|, ---, with spaces: a table's delimiter row or a rule.
 * 0 when it is not one, else the longest run of dashes; *pipes counts
 * the pipes. */
static size_t delimiter_row(const char *s, size_t n, size_t *pipes)
{
	size_t longest = 0, run = 0;

	*pipes = 0;
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '-':
			if (++run > longest)
				longest = run;
			break;
		case '|':
			(*pipes)++;
			run = 0;
			break;
		case ':': case ' ': case '\t':
			break;
		default:
			return 0;
		}
	}
	return longest;
}

/* Length of a <br>, <br/> or <br /> tag at s, else 0. */
static size_t html_br(const char *s, size_t n)
{
	size_t i = 3;

	/* '<' first: this is tried at every byte of every line */
	if (n < 4 || s[0] != '<' || strncasecmp(s, "<br", 3) != 0)
		return 0;
	while (i < n && s[i] == ' ')
		i++;
	if (i < n && s[i] == '/')
		i++;
	return i < n && s[i] == '>' ? i + 1 : 0;
}

/* Whether byte c may open a form md_inline rewrites: * _ < & ! [, all in
 * 0x21..0x60, so that one 64-bit mask holds them. */
static bool opens_form(unsigned char c)
{
	static const uint64_t forms =
		1ull << ('*' - 0x21) | 1ull << ('_' - 0x21) | 1ull << ('<' - 0x21) |
		1ull << ('&' - 0x21) | 1ull << ('!' - 0x21) | 1ull << ('[' - 0x21);

	return c - 0x21u < 64 && (forms >> (c - 0x21) & 1);
}

/*
 * Rewrites l->text in place (every edit shortens it): ![alt](dir/a.png)
 * becomes a.png, [text](url) becomes text, ** and __ go.
 */
static void md_inline(nb_line *l)
{
	char *s = l->text;
	size_t n = l->len, w = 0, r = 0;

	while (r < n) {
		/* the bytes that open none of the forms below (most of them)
		 * pass as one run, moved only once an edit has made room */
		size_t e = r;

		while (e < n && !opens_form((unsigned char)s[e]))
			e++;
		if (w != r)
			memmove(s + w, s + r, e - r);
		w += e - r;
		r = e;
		if (r == n)
			break;
		if ((s[r] == '*' || s[r] == '_') && r + 1 < n &&
		    s[r + 1] == s[r]) {
			r += 2;
			continue;
		}
		/* a line break inside a table cell joins the cell's words */
		size_t br = html_br(s + r, n - r);

		if (br) {
			r += br;
			continue;
		}
		if (s[r] == '&' && n - r >= 6 && strncasecmp(s + r, "&nbsp;", 6) == 0) {
			s[w++] = ' ';
			r += 6;
			continue;
		}
		bool img = s[r] == '!' && r + 1 < n && s[r + 1] == '[';

		if (img || s[r] == '[') {
			size_t open = r + img;
			char *close = memchr(s + open, ']', n - open);
			size_t c = close ? (size_t)(close - s) : n;
			char *paren = c + 1 < n && s[c + 1] == '(' ?
				      memchr(s + c + 2, ')', n - c - 2) : NULL;

			if (paren) {
				size_t u = c + 2, ue = (size_t)(paren - s);
				const char *from = s + open + 1;
				size_t len = c - open - 1;

				if (img) {
					/* the link target's file name */
					size_t e = u;

					while (e < ue && s[e] != ' ' &&
					       s[e] != '?' && s[e] != '#')
						e++;
					size_t b = e;

					while (b > u && s[b - 1] != '/')
						b--;
					if (e > b) {
						from = s + b;
						len = e - b;
					}
					l->flags |= NB_LF_IMAGE;
				}
				memmove(s + w, from, len);
				w += len;
				r = ue + 1;
				continue;
			}
		}
		s[w++] = s[r++];
	}
	s[w] = '\0';
	l->len = w;
}

/* Net <table> nesting a line opens (negative: closes). */
static int table_depth(const char *s, size_t n)
{
	int d = 0;
	const char *p;
	size_t i = 0;

	while ((p = nb_find_ci(s + i, n - i, "<table")) != NULL) {
		d++;
		i = (size_t)(p - s) + 6;
	}
	i = 0;
	while ((p = nb_find_ci(s + i, n - i, "</table")) != NULL) {
		d--;
		i = (size_t)(p - s) + 7;
	}
	return d;
}

static int copy_line(nb_lines *out, const nb_line *l)
{
	nb_line *c = nb_lines_push(out, l->text, l->len);

	if (!c)
		return -ENOMEM;
	c->flags = l->flags;
	return 0;
}

/*
 * Converted documents (OCR, Word to Markdown) often carry their tables as
 * HTML inside the Markdown.  Each such block, from the line that opens a
 * <table> to the line that closes it, goes through html.c so its rows get
 * their real cells and spans.  Builds the new lines beside the old ones:
 * on failure nothing has changed.
 */
static int html_blocks(nb_lines *ls)
{
	nb_lines out = { 0 };
	nb_buf block = { 0 };
	int rc = 0, ntables = 0;

	for (size_t k = 0; k < ls->n && rc == 0; k++) {
		nb_line *l = &ls->v[k];

		if (!nb_find_ci(l->text, l->len, "<table")) {
			rc = copy_line(&out, l);
			continue;
		}

		int depth = 0;
		size_t e = k;

		block.len = 0;
		for (; e < ls->n; e++) {
			nb_buf_add(&block, ls->v[e].text, ls->v[e].len);
			nb_buf_addc(&block, '\n');
			depth += table_depth(ls->v[e].text, ls->v[e].len);
			if (depth <= 0)
				break;
		}
		if (block.oom) {
			rc = -ENOMEM;
			break;
		}
		size_t first = out.n;
		int base = ntables;

		rc = nb_html_lines(block.s, block.len, &out);
		/* each block counts its tables from 1: keep them apart */
		for (size_t j = first; j < out.n; j++) {
			if (out.v[j].table > 0) {
				out.v[j].table += base;
				if (out.v[j].table > ntables)
					ntables = out.v[j].table;
			}
		}
		k = e < ls->n ? e : ls->n - 1;
	}
	nb_buf_free(&block);
	if (rc < 0) {
		nb_lines_free(&out);
		return rc;
	}
	nb_lines_free(ls);
	*ls = out;
	return 0;
}

int nb_markdown_clean(nb_lines *ls)
{
	bool html = false;
	int depth = 0;			/* <table> nesting at this line */

	bool prev_pipe = false;		/* the previous line is a table row */
	bool prev_header = false;	/* ... and the first of its table */

	for (size_t k = 0; k < ls->n; k++) {
		nb_line *l = &ls->v[k];
		char *s = l->text;
		size_t n = l->len, i = 0, pipes;

		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		/* HTML table blocks are html.c's, untouched */
		if (depth > 0 || nb_find_ci(s, n, "<table")) {
			html = true;
			depth += table_depth(s, n);
			prev_pipe = prev_header = false;
			continue;
		}

		size_t dashes = delimiter_row(s + i, n - i, &pipes);

		/* | - | - | under a delimiter row is a row of blank cells;
		 * right under the header, or with --- cells, it delimits. */
		if (dashes >= 3 || (dashes > 0 && pipes > 0 && prev_header)) {
			s[0] = '\0';
			l->len = 0;
			l->flags |= NB_LF_BLANK;
			prev_pipe = true;
			prev_header = false;
			continue;
		}

		bool pipe = memchr(s, '|', n) != NULL;

		prev_header = pipe && !prev_pipe;
		prev_pipe = pipe;
		/* > quote marks, then # heading marks and the space after */
		size_t j = i;

		while (j < n && s[j] == '>') {
			j++;
			while (j < n && s[j] == ' ')
				j++;
		}
		size_t h = j;

		while (h < n && s[h] == '#')
			h++;
		if (h > j && h - j <= 6 &&
		    (h == n || s[h] == ' ' || s[h] == '\t' ||
		     (unsigned char)s[h] >= 0x80)) {
			j = h;
			while (j < n && (s[j] == ' ' || s[j] == '\t'))
				j++;
			/* closing marks: ## heading ## */
			while (n > j && s[n - 1] == '#')
				n--;
			while (n > j && s[n - 1] == ' ')
				n--;
		}
		if (j > i || n < l->len) {
			/* keep the indentation, drop the marks */
			memmove(s + i, s + j, n - j);
			l->len = i + (n - j);
			s[l->len] = '\0';
		}
		md_inline(l);
	}
	return html ? html_blocks(ls) : 0;
}
