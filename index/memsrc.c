/*
 * memsrc.c — a report just parsed as the data its files are rendered from
 * (repsrc.h), on the worker that parsed it: what reading its rows back
 * from the index gives (reptree.c), without reading them back.  Each part
 * is what store.c stores and the views show again: a table's cells as
 * packing them and reading them back gives (ix_cell_of), the warnings and
 * notes that are stored (NULLs are not), the checks' rules as
 * checkpack.c stores them ("" for none).  The checks across years are
 * not known yet: meta.json is finished in the tree phase (tree.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "memsrc.h"

struct ix_memsrc {
	ix_src_section *secs;
	size_t scap;
	ix_table *tables;
	size_t tcap;
	ix_row *rows;
	size_t rcap;
	ix_cell *cells;
	size_t ccap;
	const char **strs;	/* the headers, then the warnings and notes */
	size_t strcap;
	ix_check *checks;
	size_t kcap;
};

int ix_memsrc_new(ix_memsrc **out)
{
	return (*out = calloc(1, sizeof **out)) ? 0 : -ENOMEM;
}

void ix_memsrc_free(ix_memsrc *m)
{
	if (!m)
		return;
	free(m->secs);
	free(m->tables);
	free(m->rows);
	free(m->cells);
	free(m->strs);
	free(m->checks);
	free(m);
}

/* Room for n of each array.  0 or -ENOMEM. */
static int room(void **v, size_t *cap, size_t n, size_t size)
{
	if (!n)
		return 0;
	void *nv = nb_grow(*v, cap, n, size, 16);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	return 0;
}

/* The sizes of what r's tables need. */
static void count(const nb_report *r, size_t *nrows, size_t *ncells,
		  size_t *nstrs)
{
	*nrows = *ncells = 0;
	*nstrs = r->nwarnings + r->nnotes;
	for (size_t t = 0; t < r->ntables; t++) {
		const nb_table *tb = &r->tables[t];
		*nrows += tb->nrows;
		*ncells += tb->nrows * tb->ncols;
		*nstrs += tb->ncols;
	}
}

/* The strings of v (n) that are stored (NULLs are not) into to; how
 * many. */
static size_t stored(const char **to, char *const *v, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i])
			to[k++] = v[i];
	return k;
}

static void tables_of(ix_memsrc *m, const nb_report *r, const char **strs)
{
	ix_row *row = m->rows;
	ix_cell *cell = m->cells;
	for (size_t t = 0; t < r->ntables; t++) {
		const nb_table *tb = &r->tables[t];
		const char **headers = strs;
		for (size_t c = 0; c < tb->ncols; c++)
			*strs++ = tb->cols ? tb->cols[c] : NULL;
		m->tables[t] = (ix_table){
			.no = (int64_t)t,
			.kind = tb->kind,
			.ncols = (int64_t)tb->ncols,
			.nrows = (int64_t)tb->nrows,
			.format = nb_format_name(tb->format),
			.name = tb->name,
			.label_header = tb->label_header,
			.headers = headers,
			.nheaders = tb->ncols,
			.rows = row,
			.nrowv = tb->nrows,
		};
		for (size_t i = 0; i < tb->nrows; i++, row++) {
			const nb_row *nr = &tb->rows[i];
			*row = (ix_row){.no = (int64_t)i, .label = nr->label,
					.printed = nr->printed,
					.extra = nr->extra, .cells = cell};
			if (!nr->cells)
				continue;	/* stored without cells */
			for (size_t c = 0; c < tb->ncols; c++)
				*cell++ = ix_cell_of(&nr->cells[c]);
			row->ncells = tb->ncols;
		}
	}
}

int ix_memsrc_of(ix_memsrc *m, const nb_report *r, const char *source,
		 const char *sha256, ix_repsrc *out)
{
	size_t nrows, ncells, nstrs;
	count(r, &nrows, &ncells, &nstrs);
	if (room((void **)&m->secs, &m->scap, r->nsections, sizeof *m->secs) ||
	    room((void **)&m->tables, &m->tcap, r->ntables, sizeof *m->tables) ||
	    room((void **)&m->rows, &m->rcap, nrows, sizeof *m->rows) ||
	    room((void **)&m->cells, &m->ccap, ncells, sizeof *m->cells) ||
	    room((void **)&m->strs, &m->strcap, nstrs, sizeof *m->strs) ||
	    room((void **)&m->checks, &m->kcap, r->nchecks, sizeof *m->checks))
		return -ENOMEM;
	for (size_t i = 0; i < r->nsections; i++) {
		const nb_section *s = &r->sections[i];
		m->secs[i] = (ix_src_section){
			.seq = (int64_t)i, .number = s->number,
			.canonical = s->canonical, .name = s->name,
			.heading = s->heading, .text = s->text,
		};
	}
	const char **strs = m->strs;
	tables_of(m, r, strs);
	size_t nheaders = nstrs - r->nwarnings - r->nnotes;
	const char **warnings = strs + nheaders;
	size_t nwarnings = stored(warnings, r->warnings, r->nwarnings);
	const char **notes = warnings + nwarnings;
	size_t nnotes = stored(notes, r->notes, r->nnotes);
	for (size_t i = 0; i < r->nchecks; i++) {
		const nb_check *ck = &r->checks[i];
		m->checks[i] = (ix_check){
			.rule = ck->rule ? ck->rule : "",
			.subject = ck->subject, .detail = ck->detail,
			.ok = ck->ok,
		};
	}
	*out = (ix_repsrc){
		.agency = r->agency,
		.agency_as_printed = r->agency_as_printed,
		.agency_source = r->agency_source,
		.year_rule = nb_year_rule_name(r->year_rule),
		.title = r->title,
		.published = r->published[0] ? r->published : NULL,
		.format = nb_format_name(r->format),
		.encoding = r->encoding,
		.text = r->text,
		.year = r->year,
		.traditional = r->traditional,
		.source = source,
		.sha256 = sha256,
		.sections = m->secs,
		.nsections = r->nsections,
		.tables = m->tables,
		.ntables = r->ntables,
		.warnings = warnings,
		.nwarnings = nwarnings,
		.notes = notes,
		.nnotes = nnotes,
		.checks = m->checks,
		.nchecks = r->nchecks,
	};
	return 0;
}
