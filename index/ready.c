/*
 * ready.c — a parsed report made ready to store, on the worker that parsed
 * it: whatever needs no str id (the cells packed, where each section is in
 * the text, the report's directories, the key of its checks), so that the
 * one writer thread (store.c) does little more than intern, bind and step.
 * On the writer this took 340,000 of its 735,000 instructions a report
 * (callgrind, 400 of the 10,000 bench reports), the report's freeing
 * included: the workers free it too (build.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ready.h"
#include "store.h"

/* A part is mostly a little after where the last one ended (a section's
 * text right after its heading): tried first at the next places its
 * first byte is found, this many at most — memmem's two-way search
 * prepares itself over the whole needle, a section's text, first (73,000
 * instructions a report).  Past them it is memmem's, so a pathological
 * text costs at most this many comparisons more. */
#define NEAR_TRIES 64

/* part (slen bytes) in report[from, rlen), or NULL. */
static const char *find_near(const char *report, size_t rlen, size_t from,
			     const char *part, size_t slen)
{
	const char *p = report + from, *end = report + rlen;
	for (int i = 0; i < NEAR_TRIES && slen && (size_t)(end - p) >= slen; i++) {
		p = memchr(p, part[0], (size_t)(end - p) - slen + 1);
		if (!p)
			return NULL;
		if (!memcmp(p, part, slen))
			return p;
		p++;
	}
	return memmem(p, (size_t)(end - p), part, slen);
}

/* part as where it is in report, looked for from *from on (sections come
 * in order) and else from the start. */
static ix_place find_place(const char *report, size_t rlen, const char *part,
			   size_t *from)
{
	if (!part)
		return (ix_place){-1, 0};
	size_t slen = strlen(part);
	const char *at = NULL;
	if (report && *from <= rlen)
		at = find_near(report, rlen, *from, part, slen);
	if (report && !at)
		at = memmem(report, rlen, part, slen);
	if (!at)
		return (ix_place){-1, 0};
	*from = (size_t)(at - report) + slen;
	return (ix_place){at - report, (int64_t)slen};
}

/* Every row's cells, one after another in p->cells. */
static int pack_rows(ix_ready *p)
{
	const nb_report *r = p->r;
	for (size_t t = 0; t < r->ntables; t++)
		p->nrows += r->tables[t].nrows;
	if (p->nrows &&
	    !(p->row_cells = calloc(p->nrows, sizeof *p->row_cells)))
		return -ENOMEM;
	nb_buf row = {0};
	ix_span *sp = p->row_cells;
	for (size_t t = 0; t < r->ntables; t++) {
		const nb_table *tb = &r->tables[t];
		for (size_t i = 0; i < tb->nrows; i++, sp++) {
			*sp = (ix_span){SIZE_MAX, 0};
			if (!tb->rows[i].cells ||
			    ix_cells_pack(&tb->rows[i], tb->ncols, &row))
				continue;	/* none, or out of memory */
			*sp = (ix_span){p->cells.len, row.len};
			nb_buf_add(&p->cells, row.s, row.len);
		}
	}
	int rc = row.oom || p->cells.oom ? -ENOMEM : 0;
	nb_buf_free(&row);
	return rc;
}

int ix_ready_make(nb_report *r, ix_ready **out)
{
	ix_ready *p = calloc(1, sizeof *p);
	if (!p) {
		nb_report_free(r);
		return -ENOMEM;
	}
	p->r = r;
	size_t rlen = r->text ? strlen(r->text) : 0;
	size_t start = 0, from = 0, heading_from = 0;
	p->preamble = find_place(r->text, rlen, r->preamble, &start);
	int rc = 0;
	if (r->nsections &&
	    (!(p->heading = calloc(r->nsections, sizeof *p->heading)) ||
	     !(p->text = calloc(r->nsections, sizeof *p->text))))
		rc = -ENOMEM;
	for (size_t i = 0; i < r->nsections && !rc; i++) {
		const nb_section *sec = &r->sections[i];
		p->heading[i] = find_place(r->text, rlen, sec->heading,
					   &heading_from);
		p->text[i] = find_place(r->text, rlen, sec->text, &from);
	}
	if (!rc)
		rc = ix_report_dirs(r->agency, r->year, &p->agency_dir,
				    &p->year_dir);
	if (!rc)
		rc = pack_rows(p);
	if (!rc)
		rc = ix_checks_key(r, &p->checks_key);
	if (rc) {
		ix_ready_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

const nb_report *ix_ready_report(const ix_ready *p)
{
	return p->r;
}

void ix_ready_free(ix_ready *p)
{
	if (!p)
		return;
	nb_report_free(p->r);
	free(p->agency_dir);
	free(p->year_dir);
	free(p->heading);
	free(p->text);
	nb_buf_free(&p->cells);
	free(p->row_cells);
	nb_buf_free(&p->checks_key);
	free(p);
}
