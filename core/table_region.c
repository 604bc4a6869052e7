/*
 * table_region.c — where a table's lines are: the first line that can open
 * it, where its rows end, and what to say when a section holds no table
 * (its tables were images, or left out).
 */
#include <string.h>

#include "tables.h"

bool nb_key_has(const char *s, size_t n, const char *what)
{
	uint32_t k[256], w[32];
	size_t nk = nb_key(s, n, k, 256), nw = nb_key(what, strlen(what), w, 32);

	if (nk > 256)
		nk = 256;
	return nw && nb_key_in(w, nw, k, nk);
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
	return trimmed_count(l) <= 40 && !nb_contains(l->text, l->len, "。");
}

size_t nb_table_start(const nb_doc *d, size_t from, size_t to, const char *const *anchors)
{
	for (size_t i = from; i < to; i++) {
		const nb_line *l = &d->lines.v[i];
		if (l->flags & (NB_LF_BLANK | NB_LF_CHROME | NB_LF_PAGENO | NB_LF_META))
			continue;
		if (!table_like(l))
			continue;
		for (size_t a = 0; anchors[a]; a++)
			if (nb_key_has(l->text, l->len, anchors[a]))
				return i;
	}
	return to;
}

size_t nb_table_end(const nb_doc *d, size_t end, size_t limit)
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

void nb_table_mark(nb_doc *d, size_t start, size_t end)
{
	for (size_t i = start; i < end; i++)
		d->lines.v[i].flags |= NB_LF_TABLE;
}

size_t nb_rows_end(const nb_rows *rs, const size_t *used, size_t nused, size_t start)
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

int nb_table_missing(nb_doc *d, const nb_span *sp, const char *what)
{
	const nb_line *img = table_image(d);

	if (img)
		return nb_warn(d->r, "%s: no table text in section %s; the report's tables were "
			       "given as an image (%.*s), and tables given as images (图片) cannot "
			       "be read", what, sp->name ? sp->name : "", (int)img->len, img->text);
	return nb_warn(d->r, "%s: no table found in section %s; the table may have been an "
		       "image or left out", what, sp->name ? sp->name : "");
}
