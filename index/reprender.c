/*
 * reprender.c — every file of one report's year directory, rendered from
 * the report's data (repsrc.h): report.txt, meta.json, each section's
 * text.txt and each table's CSV in both dialects.
 *
 * The build renders each report it parses from the parsed report itself
 * (memsrc.c), and tree.c stores only each file's sizes, a digest and its
 * place; a file read is rendered again from the index's rows (reptree.c),
 * by this same code, so that what is served is byte for byte what was
 * measured.  A file is found again by its place: its rank among the
 * report's files, depth first with every directory's children in name
 * order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "dataset.h"
#include "repsrc.h"
#include "store.h"
#include "tnode.h"

void ix_renderer_free(ix_renderer *r)
{
	free(r->cells);
	nb_buf_free(&r->scratch);
	*r = (ix_renderer){0};
}

/* Moves the file rendered in r->scratch into b, which gets it in one
 * allocation: a file rendered into its own buffer grew it by doubling, a
 * realloc and a copy each time (meta.json's alone were 1.2 % of a
 * 10,000-report build's CPU, perf). */
static int take_scratch(ix_renderer *r, nb_buf *b)
{
	nb_buf *sc = &r->scratch;
	bool oom = sc->oom;
	if (!oom && sc->len)
		nb_buf_add(b, sc->s, sc->len);
	nb_buf_reset(sc);
	return oom || b->oom ? -ENOMEM : 0;
}

/* A table's kind is the number of its section. */
static const char *canonical_name(int kind)
{
	const char *name = kind >= NB_TABLE_ACTIVE && kind <= NB_TABLE_APPEALS ?
		nb_canonical_name(kind) : NULL;
	return name ? name : "表格";
}

typedef struct {
	int canonical;
	size_t kid;		/* an index in the year directory's kids, which
				   move when the array grows */
} section_dir;

typedef struct {
	ix_renderer *r;
	const ix_repsrc *src;
	ix_tnode year;		/* the year directory being built */
	section_dir *secs;
	size_t nsecs, cap;
	/* what meta.json shows besides the report's own fields: */
	ix_strv tables;		/* template_tables: name, format, ... */
	ix_strv printed;	/* labels_as_printed: key, label, ... */
	ix_strv sections;	/* the sections' directories */
	ix_secdirs *dirs;	/* the build's: each section's directory */
} report_build;

/* Adds key and value to pairs (key, value, ...) unless key is there: of
 * a table printed twice, the first. */
static int add_pair(ix_strv *pairs, const char *key, const char *value)
{
	for (size_t i = 0; i + 1 < pairs->n; i += 2)
		if (!strcmp(pairs->v[i], key))
			return 0;
	int rc = ix_strv_push(pairs, key);
	return rc ? rc : ix_strv_push(pairs, value);
}

static int add_section_dir(report_build *rb, char *name, int canonical,
			   const char *text, size_t *kid)
{
	ix_tnode *dir = ix_tnode_add(&rb->year, name, "", true);
	if (!dir)
		return -ENOMEM;
	ix_tnode *f = ix_tnode_add(dir, strdup("text.txt"), "", false);
	if (!f)
		return -ENOMEM;
	ix_render_text(&f->data, text);
	if (ix_strv_push(&rb->sections, dir->name))
		return -ENOMEM;
	section_dir *v = nb_grow(rb->secs, &rb->cap, rb->nsecs + 1, sizeof *v, 8);
	if (!v)
		return -ENOMEM;
	rb->secs = v;
	*kid = rb->year.nkids - 1;
	rb->secs[rb->nsecs++] = (section_dir){.canonical = canonical,
					      .kid = *kid};
	return 0;
}

static int add_dir(ix_secdirs *d, int64_t seq, const char *dir)
{
	ix_secdir *v = nb_grow(d->v, &d->cap, d->n + 1, sizeof *v, 8);
	if (!v)
		return -ENOMEM;
	d->v = v;
	v[d->n] = (ix_secdir){.seq = seq, .dir = dir ? strdup(dir) : NULL};
	if (dir && !v[d->n].dir)
		return -ENOMEM;
	d->n++;
	return 0;
}

void ix_secdirs_free(ix_secdirs *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].dir);
	free(d->v);
	*d = (ix_secdirs){0};
}

/* "<number>-<name>", a section directory's name before ix_name; without
 * printf, which cost 3/4 of it (callgrind). */
static void number_name(nb_buf *b, int number, const char *name)
{
	ix_buf_int(b, number);
	nb_buf_addc(b, '-');
	nb_buf_adds(b, name);
}

static int render_sections(report_build *rb)
{
	int rc = 0;
	for (size_t i = 0; i < rb->src->nsections && !rc; i++) {
		const ix_src_section *s = &rb->src->sections[i];
		const char *name = s->name;
		if (!name || !*name)
			name = s->heading;
		nb_buf full = {0};
		number_name(&full, s->number, name);
		size_t kid;
		rc = full.oom ? -ENOMEM :
			add_section_dir(rb, ix_name(full.s, "", "_"),
					s->canonical, s->text, &kid);
		const char *dir = rc ? NULL : rb->year.kids[kid].name;
		bool plain = dir && !strcmp(dir, full.s);
		nb_buf_free(&full);
		if (!rc && rb->dirs)
			rc = add_dir(rb->dirs, s->seq, plain ? NULL : dir);
	}
	return rc;
}

/* The year directory's kid that holds tables of kind: the first section of
 * that canonical number, else a directory named for it. */
static int table_dir(report_build *rb, int kind, size_t *kid)
{
	for (size_t i = 0; i < rb->nsecs; i++) {
		if (rb->secs[i].canonical == kind) {
			*kid = rb->secs[i].kid;
			return 0;
		}
	}
	nb_buf full = {0};
	number_name(&full, kind, canonical_name(kind));
	if (full.oom)
		return -ENOMEM;
	char *name = ix_name(full.s, "", "_");
	nb_buf_free(&full);
	if (!name)
		return -ENOMEM;
	for (size_t i = 0; i < rb->nsecs; i++) {
		if (!strcmp(rb->year.kids[rb->secs[i].kid].name, name)) {
			free(name);
			*kid = rb->secs[i].kid;
			return 0;
		}
	}
	/* a directory of its own, holding the tables the report printed
	 * without a heading of this number */
	int rc = add_section_dir(rb, name, kind, NULL, kid);
	return rc;
}

/* A table's records: the header (label_header, header[ncols]), then each
 * row's label and values (labels[nrows], values[nrows * ncols]). */
static void put_records(nb_buf *b, const char *label_header,
			const char *const *header, const char *const *labels,
			const char *const *values, size_t ncols, size_t nrows)
{
	ix_csv_field(b, label_header, true);
	for (size_t c = 0; c < ncols; c++)
		ix_csv_field(b, header[c], false);
	ix_csv_end(b);
	for (size_t r = 0; r < nrows; r++) {
		ix_csv_field(b, labels[r], true);
		for (size_t c = 0; c < ncols; c++)
			ix_csv_field(b, values[r * ncols + c], false);
		ix_csv_end(b);
	}
}

/* A table's rows as CSV, in both line-end variants; the labels of the
 * rows printed otherwise (label, then as printed) appended to printed. */
static int render_csv(report_build *rb, const ix_table *tb, ix_tnode *f,
		      ix_strv *printed)
{
	ix_renderer *t = rb->r;
	size_t ncols = (size_t)tb->ncols, nrows = (size_t)tb->nrows;
	/* the header, each row's label, then the values row by row */
	size_t n = ncols + nrows + ncols * nrows + 1;
	const char **v = nb_grow(t->cells, &t->cap, n, sizeof *v, 256);
	if (!v)
		return -ENOMEM;
	t->cells = v;
	memset(v, 0, n * sizeof *v);
	const char **header = v, **labels = v + ncols,
		**values = labels + nrows;
	for (size_t c = 0; c < ncols && c < tb->nheaders; c++)
		header[c] = tb->headers[c];
	int rc = 0;
	for (size_t i = 0; i < tb->nrowv && !rc; i++) {
		const ix_row *row = &tb->rows[i];
		if (row->no >= 0 && (size_t)row->no < nrows) {
			size_t r = (size_t)row->no;
			labels[r] = row->label;
			for (size_t c = 0; c < ncols && c < row->ncells; c++)
				if (row->cells[c].state == IX_CELL_NUMBER)
					values[r * ncols + c] =
						row->cells[c].value;
		}
		if (row->printed &&
		    !(rc = ix_strv_push(printed, row->label ? row->label : "")))
			rc = ix_strv_push(printed, row->printed);
	}
	if (rc)
		return rc;

	f->has_unix = true;
	nb_buf *b = &t->scratch;
	/* the unix dialect rendered, the excel one made from it by its line
	 * ends: rendering each was 1.4 % of a build (callgrind, 1,000
	 * reports) */
	put_records(b, tb->label_header, header, labels, values, ncols, nrows);
	rc = take_scratch(t, &f->data_unix);
	if (!rc) {
		nb_buf_add(b, "\xEF\xBB\xBF", 3);	/* Excel reads the BOM */
		rc = ix_csv_crlf(b, f->data_unix.s, f->data_unix.len);
	}
	if (!rc)
		rc = take_scratch(t, &f->data);
	return rc;
}

static int render_tables(report_build *rb)
{
	const ix_table *v = rb->src->tables;
	size_t n = rb->src->ntables;
	int rc = 0;
	nb_buf fallback = {0};	/* "表格<no + 1>", without printf */
	for (size_t i = 0; i < n && !rc; i++) {
		const ix_table *ti = &v[i];
		size_t kid;
		if (ti->ncols < 0 || ti->nrows < 0 ||
		    (rc = table_dir(rb, (int)ti->kind, &kid)))
			break;
		nb_buf_reset(&fallback);
		nb_buf_adds(&fallback, "表格");
		ix_buf_int(&fallback, ti->no + 1);
		ix_tnode *f = fallback.oom ? NULL :
			ix_tnode_add(&rb->year.kids[kid],
				     ix_name(ti->name, ".csv", fallback.s),
				     ".csv", false);
		if (!f) {
			rc = -ENOMEM;
			break;
		}
		ix_strv as = {0};
		rc = render_csv(rb, ti, f, &as);
		const char *key = ti->name ? ti->name : fallback.s;
		if (!rc)
			rc = add_pair(&rb->tables, key, ti->format);
		for (size_t k = 0; k + 1 < as.n && !rc; k += 2) {
			nb_buf kb = {0};
			nb_buf_printf(&kb, "%s/%s", key, as.v[k]);
			rc = kb.oom ? -ENOMEM :
				add_pair(&rb->printed, kb.s, as.v[k + 1]);
			nb_buf_free(&kb);
		}
		ix_strv_free(&as);
	}
	nb_buf_free(&fallback);
	return rc;
}

/* Strings v (n) as an array. */
static void put_strings(ix_json *j, const char *const *v, size_t n)
{
	ix_json_array(j);
	for (size_t i = 0; i < n; i++)
		ix_json_string(j, v[i]);
	ix_json_close(j);
}

/* Checks v (n) as elements of the array open; their keys as literals
 * (~140 a report: quoting them was a fifth of meta.json's cost). */
static void put_checks(ix_json *j, const ix_check *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		ix_json_object(j);
		ix_json_key_lit(j, "rule");
		ix_json_string(j, v[i].rule);
		ix_json_key_lit(j, "subject");
		ix_json_string(j, v[i].subject);
		ix_json_key_lit(j, "ok");
		ix_json_bool(j, v[i].ok);
		ix_json_key_lit(j, "detail");
		ix_json_string(j, v[i].detail ? v[i].detail : "");
		ix_json_close(j);
	}
}

/* pairs (key, value, ...) as an object. */
static void put_pairs(ix_json *j, const ix_strv *pairs)
{
	ix_json_object(j);
	for (size_t i = 0; i + 1 < pairs->n; i += 2) {
		ix_json_key(j, pairs->v[i]);
		ix_json_string(j, pairs->v[i + 1]);
	}
	ix_json_close(j);
}

static void put_fact(ix_json *j, const char *key, const char *value)
{
	ix_json_key(j, key);
	ix_json_string(j, value);
}

/* What follows the checks: the sections, the end. */
static void put_end(ix_json *j, const ix_strv *sections)
{
	ix_json_close(j);
	ix_json_key(j, "sections");
	ix_json_array(j);
	for (size_t i = 0; i < sections->n; i++)
		ix_json_string(j, sections->v[i]);
	ix_json_close(j);
	ix_json_close(j);
	nb_buf_add(j->b, "\n", 1);
}

/* meta.json: the report's own fields, then what rendering the rest
 * found; with split, cut where the checks across years go. */
static int render_meta(report_build *rb, nb_buf *b, ix_meta_split *split)
{
	const ix_repsrc *s = rb->src;
	ix_json j = {.b = b};
	ix_json_object(&j);
	put_fact(&j, "agency", s->agency);
	put_fact(&j, "agency_as_printed", s->agency_as_printed);
	put_fact(&j, "agency_source", s->agency_source);
	ix_json_key(&j, "year");
	if (s->year > 0)
		ix_json_int(&j, s->year);
	else
		ix_json_null(&j);
	put_fact(&j, "year_rule", s->year_rule);
	put_fact(&j, "title", s->title);
	put_fact(&j, "published", s->published);
	put_fact(&j, "template", s->format);
	ix_json_key(&j, "template_tables");
	put_pairs(&j, &rb->tables);
	/* a raw path need not be UTF-8 (GBK names from zip files), JSON
	 * must be: shown as nb_printable shows it (README, "Names") */
	char *p = s->source ? nb_printable(s->source, false) : NULL;
	if (s->source && !p)
		return -ENOMEM;
	put_fact(&j, "source", p);
	free(p);
	put_fact(&j, "sha256", s->sha256);
	put_fact(&j, "encoding", s->encoding);
	ix_json_key(&j, "traditional");
	ix_json_bool(&j, s->traditional);
	ix_json_key(&j, "warnings");
	put_strings(&j, s->warnings, s->nwarnings);
	ix_json_key(&j, "notes");
	put_strings(&j, s->notes, s->nnotes);
	ix_json_key(&j, "labels_as_printed");
	put_pairs(&j, &rb->printed);
	ix_json_key(&j, "checks");
	ix_json_array(&j);
	put_checks(&j, s->checks, s->nchecks);
	if (split) {
		split->json = j;
		split->json.b = NULL;
		nb_buf_reset(&split->tail);
		j.b = &split->tail;
	}
	put_end(&j, &rb->sections);
	return b->oom || j.b->oom ? -ENOMEM : 0;
}

int ix_meta_finish(const ix_hstream *s, const ix_json *json,
		   const ix_check *v, size_t n, const char *tail,
		   size_t tail_len, int64_t *size, int64_t *digest)
{
	nb_buf b = {0};
	ix_json j = *json;
	j.b = &b;
	put_checks(&j, v, n);
	nb_buf_add(&b, tail, tail_len);
	int rc = b.oom ? -ENOMEM : 0;
	if (!rc) {
		ix_hstream h = *s;
		ix_hstream_add(&h, b.s, b.len);
		*size = (int64_t)h.len;
		*digest = ix_digest_end(&h);
	}
	nb_buf_free(&b);
	return rc;
}

int ix_render_report(ix_renderer *r, const ix_repsrc *src, ix_tnode *year,
		     ix_secdirs *dirs, ix_meta_split *split)
{
	report_build rb = {.r = r, .src = src, .dirs = dirs};
	rb.year.is_dir = true;
	int rc = 0;
	ix_tnode *f = ix_tnode_add(&rb.year, strdup("report.txt"), "", false);
	if (f)
		ix_render_text(&f->data, src->text);
	else
		rc = -ENOMEM;
	if (!rc)
		rc = render_sections(&rb);
	if (!rc)
		rc = render_tables(&rb);
	if (!rc) {
		f = ix_tnode_add(&rb.year, strdup("meta.json"), "", false);
		rc = f ? render_meta(&rb, &r->scratch, split) : -ENOMEM;
		if (!rc)
			rc = take_scratch(r, &f->data);
		else
			nb_buf_reset(&r->scratch);	/* for the next report */
	}
	if (!rc && ix_tnode_oom(&rb.year))
		rc = -ENOMEM;
	ix_strv_free(&rb.tables);
	ix_strv_free(&rb.printed);
	ix_strv_free(&rb.sections);
	free(rb.secs);
	if (rc) {
		ix_tnode_free(&rb.year);
		return rc;
	}
	ix_tnode_sort(&rb.year);
	*year = rb.year;
	return 0;
}
