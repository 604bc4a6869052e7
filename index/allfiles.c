/*
 * allfiles.c — the files of _all and their columns.  reports.csv,
 * checks.csv and warnings.csv have fixed headers; each table name of the
 * reports' CSVs gets a file whose value columns are the union of the
 * column sequences its tables have: both formats' columns of table 2 in
 * template order, a money column's unit variants side by side (a number is
 * never put under another unit).  The headers come from the index, as the
 * core wrote them, never from a list here.  And where a table's rows go in
 * them (ix_layouts).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ix.h"
#include "store.h"
#include "dataset.h"
#include "rows.h"

/* Separators of a column sequence's key: format, then the headers. */
#define SEQ_FORMAT "\x1e"
#define SEQ_COL "\x1f"

enum { Q_LAYOUT, Q_ADD_FILE, Q_OLD_HEADER, Q_COUNT };

static const char *const sql[Q_COUNT] = {
	/* every table's columns, to make each file's union: their str ids
	 * (rows.c's texts), the headers packed (through the views, with
	 * json_each, ~0.2 M instructions a report on the writer) */
	[Q_LAYOUT] = "SELECT name, format, label_header, headers"
		" FROM stored_table WHERE name IS NOT NULL"
		" ORDER BY report, tbl_no",
	[Q_ADD_FILE] = "INSERT INTO all_file(name, header) VALUES(?, ?)",
	[Q_OLD_HEADER] = "SELECT header FROM old.all_file WHERE name = ?",
};

/* The lists and their headers (README, "The whole collection"). */
static const char *const lists[IX_ALL_LISTS][2] = {
	[IX_ALL_REPORTS] = {"reports.csv", "机关,年度,目录,标题,发布日期,格式,来源文件,编码,警告数,未通过检查数"},
	[IX_ALL_CHECKS] = {"checks.csv", "机关,年度,目录,规则,对象,说明"},
	[IX_ALL_WARNINGS] = {"warnings.csv", "机关,年度,目录,警告"},
};

typedef struct {
	sqlite3 *db;
	FILE *err;
	sqlite3_stmt *q[Q_COUNT];
	ix_allfiles *fs;
	bool old;
	ix_rows *strs;		/* str's texts */
	size_t *file_of;	/* by a table name's str id: its file + 1 */
	size_t nfile_of;
} maker;

static int db_error(maker *m)
{
	ix_say_db(m->err, m->db);
	return -EIO;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}


char *ix_allfiles_name(const char *table)
{
	char *name = ix_name(table, ".csv", "_.csv");
	for (size_t i = 0; name && i < IX_ALL_LISTS; i++) {
		if (!strcmp(name, lists[i][0])) {
			char *other = ix_name_dup(name, ".csv", 2);
			free(name);
			return other;
		}
	}
	return name;
}

ix_allfile *ix_allfiles_find(ix_allfiles *fs, const char *name)
{
	for (size_t i = IX_ALL_LISTS; i < fs->n; i++)
		if (!strcmp(fs->v[i].name, name))
			return &fs->v[i];
	return NULL;
}

static ix_allfile *add_file(ix_allfiles *fs, char *name,
			    const char *label_header)
{
	if (!name)
		return NULL;
	ix_allfile *v = nb_grow(fs->v, &fs->cap, fs->n + 1, sizeof *v, 16);
	if (!v) {
		free(name);
		return NULL;
	}
	fs->v = v;
	ix_allfile *f = &fs->v[fs->n++];
	*f = (ix_allfile){.name = name};
	if (label_header && !(f->label_header = strdup(label_header)))
		return NULL;
	return f;
}

int ix_allfiles_column_key(ix_strv *seen, const char *header, nb_buf *key)
{
	const char *h = header ? header : "";
	unsigned k = 1;
	for (size_t i = 0; i < seen->n; i++)
		k += !strcmp(seen->v[i], h);
	int rc = ix_strv_push(seen, h);
	if (k > 1)
		nb_buf_printf(key, "%s~%u", h, k);
	else
		nb_buf_adds(key, h);
	return rc ? rc : key->oom ? -ENOMEM : 0;
}

/* Records the column sequence seq (a key) of a table of file f. */
static int add_seq(ix_allfile *f, const nb_buf *seq)
{
	if (!seq->s || ix_strv_find(&f->seqs, seq->s) >= 0)
		return 0;
	return ix_strv_push(&f->seqs, seq->s);
}

/* The file of the tables named by str id name (not 0). */
static int file_of(maker *m, int64_t name, const char *label_header,
		   ix_allfile **out)
{
	if ((size_t)name < m->nfile_of && m->file_of[name]) {
		*out = &m->fs->v[m->file_of[name] - 1];
		return 0;
	}
	const char *table;
	int rc = ix_rows_str(m->strs, name, &table);
	if (rc || !table) {
		*out = NULL;
		return rc;	/* no text: report_table shows no name */
	}
	char *fname = ix_allfiles_name(table);
	if (!fname)
		return -ENOMEM;
	ix_allfile *f = ix_allfiles_find(m->fs, fname);
	if (f)
		free(fname);
	else if (!(f = add_file(m->fs, fname, label_header)))
		return -ENOMEM;
	size_t cap = m->nfile_of;
	size_t *v = nb_grow(m->file_of, &cap, (size_t)name + 1, sizeof *v, 64);
	if (!v)
		return -ENOMEM;
	memset(v + m->nfile_of, 0, (cap - m->nfile_of) * sizeof *v);
	m->file_of = v;
	m->nfile_of = cap;
	v[name] = (size_t)(f - m->fs->v) + 1;
	*out = f;
	return 0;
}

/* Table's column sequence into seq: its format, then its columns' keys
 * (a column without a header left out). */
static int table_seq(maker *m, const char *format, const char *headers,
		     ix_idv *ids, nb_buf *seq)
{
	ix_strv seen = {0};
	ids->n = 0;
	nb_buf_reset(seq);
	nb_buf_adds(seq, format);
	nb_buf_adds(seq, SEQ_FORMAT);
	int rc = headers ? ix_ids_unpack(headers, ids) : 0;
	if (rc == -EINVAL) {
		ix_say(m->err, "%s: a table's headers are malformed JSON, or"
		       " not as cellpack.c packs them: %s",
		       sqlite3_db_filename(m->db, "main"), headers);
		rc = -EIO;
	}
	for (size_t c = 0; c < ids->n && !rc; c++) {
		const char *h;
		if ((rc = ix_rows_str(m->strs, ids->v[c], &h)) || !h)
			continue;
		nb_buf key = {0};
		rc = ix_allfiles_column_key(&seen, h, &key);
		if (!rc && seen.n > 1)
			nb_buf_adds(seq, SEQ_COL);
		nb_buf_add(seq, key.s, key.len);
		nb_buf_free(&key);
	}
	ix_strv_free(&seen);
	return rc ? rc : seq->oom ? -ENOMEM : 0;
}

/* Every table name's file, with its distinct column sequences. */
static int load_layout(maker *m)
{
	sqlite3_stmt *st = m->q[Q_LAYOUT];
	nb_buf seq = {0};
	ix_idv ids = {0};
	int rc = ix_rows_new(m->db, m->err, &m->strs), step = SQLITE_DONE;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *lh = NULL;
		ix_allfile *f = NULL;
		rc = ix_rows_str(m->strs, sqlite3_column_int64(st, 2), &lh);
		if (!rc)
			rc = file_of(m, sqlite3_column_int64(st, 0), lh, &f);
		if (!rc && f)
			rc = table_seq(m, col_text(st, 1), col_text(st, 3), &ids,
				       &seq);
		if (!rc && f)
			rc = add_seq(f, &seq);
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_error(m);
	sqlite3_reset(st);
	nb_buf_free(&seq);
	free(ids.v);
	return rc;
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The union of f's column sequences, merged in key order: the 2019
 * format's before the 2021 format's, and independent of report order. */
static int make_union(ix_allfile *f)
{
	if (f->seqs.n)
		qsort(f->seqs.v, f->seqs.n, sizeof *f->seqs.v, by_str);
	int rc = 0;
	for (size_t i = 0; i < f->seqs.n && !rc; i++) {
		char *cols = strchr(f->seqs.v[i], SEQ_FORMAT[0]) + 1;
		ix_strv one = {0};
		/* "" is a table without columns; else n separators, n + 1 keys */
		for (char *p = cols; *cols && !rc;) {
			size_t n = strcspn(p, SEQ_COL);
			char save = p[n];
			p[n] = 0;
			rc = ix_strv_push(&one, p);
			p[n] = save;
			if (!save)
				break;
			p += n + 1;
		}
		if (!rc)
			rc = ix_union_merge(&f->cols, (const char *const *)one.v,
					    one.n);
		ix_strv_free(&one);
	}
	return rc;
}

static int file_header(const ix_allfile *f, nb_buf *h, int index)
{
	if (index < IX_ALL_LISTS) {
		nb_buf_adds(h, lists[index][1]);
	} else {
		nb_buf_adds(h, "机关,年度,目录,格式");
		ix_csv_field(h, f->label_header, false);
		for (size_t c = 0; c < f->cols.n; c++)
			ix_csv_field(h, f->cols.v[c], false);
	}
	ix_csv_end(h);
	return h->oom ? -ENOMEM : 0;
}

/* Stores each file with its header; notes which differ from the old. */
static int store_files(maker *m)
{
	int rc = 0;
	for (size_t i = 0; i < m->fs->n && !rc; i++) {
		ix_allfile *f = &m->fs->v[i];
		nb_buf h = {0};
		if ((rc = make_union(f)) || (rc = file_header(f, &h, (int)i))) {
			nb_buf_free(&h);
			break;
		}
		sqlite3_stmt *st = m->q[Q_ADD_FILE];
		sqlite3_bind_text(st, 1, f->name, -1, SQLITE_STATIC);
		sqlite3_bind_blob(st, 2, h.s, (int)h.len, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(m);
		sqlite3_reset(st);
		f->id = sqlite3_last_insert_rowid(m->db);
		f->changed = true;
		if (!rc && m->old) {
			st = m->q[Q_OLD_HEADER];
			sqlite3_bind_text(st, 1, f->name, -1, SQLITE_STATIC);
			if (sqlite3_step(st) == SQLITE_ROW &&
			    (size_t)sqlite3_column_bytes(st, 0) == h.len &&
			    !memcmp(sqlite3_column_blob(st, 0), h.s, h.len))
				f->changed = false;
			sqlite3_reset(st);
		}
		if (i >= IX_ALL_LISTS && f->changed)
			m->fs->tables_changed = true;
		nb_buf_free(&h);
	}
	return rc;
}

int ix_allfiles_make(sqlite3 *db, FILE *err, bool old, ix_allfiles *out)
{
	maker m = {.db = db, .err = err, .fs = out, .old = old};
	*out = (ix_allfiles){0};
	int rc = 0;
	for (int i = 0; i < Q_COUNT && !rc; i++)
		if ((i != Q_OLD_HEADER || old) &&
		    sqlite3_prepare_v2(db, sql[i], -1, &m.q[i], NULL) != SQLITE_OK)
			rc = db_error(&m);
	for (size_t i = 0; i < IX_ALL_LISTS && !rc; i++)
		if (!add_file(out, strdup(lists[i][0]), NULL))
			rc = -ENOMEM;
	if (!rc)
		rc = load_layout(&m);
	if (!rc)
		rc = store_files(&m);
	for (int i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(m.q[i]);
	ix_rows_free(m.strs);
	free(m.file_of);
	return rc;
}

void ix_allfiles_free(ix_allfiles *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		free(fs->v[i].name);
		free(fs->v[i].label_header);
		ix_strv_free(&fs->v[i].seqs);
		ix_strv_free(&fs->v[i].cols);
	}
	free(fs->v);
	*fs = (ix_allfiles){0};
}

/* ---- where a table's rows go ---------------------------------------------- */

struct ix_layouts {
	ix_bytemap *ids;	/* a table's key (ix_layouts_of): index + 1 */
	ix_layout *v;
	size_t n, cap;
	nb_buf key;
};

int ix_layouts_new(ix_layouts **out)
{
	ix_layouts *ls = calloc(1, sizeof *ls);
	int rc = ls ? ix_bytemap_new(&ls->ids) : -ENOMEM;
	if (rc) {
		free(ls);
		return rc;
	}
	*out = ls;
	return 0;
}

void ix_layouts_free(ix_layouts *ls)
{
	if (!ls)
		return;
	ix_bytemap_free(ls->ids);
	for (size_t i = 0; i < ls->n; i++)
		free(ls->v[i].place);
	free(ls->v);
	nb_buf_free(&ls->key);
	free(ls);
}

/* The place in f's union of each of the table's columns (-1: none). */
static int column_places(const ix_allfile *f, const ix_table *tb,
			 long **out)
{
	ix_strv seen = {0};
	long *v = malloc((tb->nheaders + 1) * sizeof *v);
	int rc = v ? 0 : -ENOMEM;
	for (size_t c = 0; c < tb->nheaders && !rc; c++) {
		nb_buf key = {0};
		rc = ix_allfiles_column_key(&seen, tb->headers[c], &key);
		if (!rc)
			v[c] = ix_strv_find(&f->cols, key.s);
		nb_buf_free(&key);
	}
	ix_strv_free(&seen);
	if (rc)
		free(v);
	else
		*out = v;
	return rc;
}

int ix_layouts_of(ix_layouts *ls, const ix_allfiles *fs, const ix_table *tb,
		  const ix_layout **out)
{
	nb_buf *key = &ls->key;	/* the name, then each header ('n': none) */
	nb_buf_reset(key);
	nb_buf_add(key, tb->name, strlen(tb->name) + 1);
	for (size_t c = 0; c < tb->nheaders; c++) {
		const char *h = tb->headers[c];
		nb_buf_addc(key, h ? 's' : 'n');
		if (h)
			nb_buf_add(key, h, strlen(h) + 1);
	}
	if (key->oom)
		return -ENOMEM;
	int64_t id = ix_bytemap_get(ls->ids, key->s, key->len);
	if (id) {
		*out = &ls->v[id - 1];
		return 0;
	}
	ix_layout *v = nb_grow(ls->v, &ls->cap, ls->n + 1, sizeof *v, 16);
	if (!v)
		return -ENOMEM;
	ls->v = v;
	char *name = ix_allfiles_name(tb->name);
	if (!name)
		return -ENOMEM;
	const ix_allfile *f = ix_allfiles_find((ix_allfiles *)fs, name);
	free(name);
	ix_layout *l = &v[ls->n];
	*out = l;
	*l = (ix_layout){.file = f ? f - fs->v : -1};
	int rc = f ? column_places(f, tb, &l->place) : 0;
	if (!rc && !(rc = ix_bytemap_set(ls->ids, key->s, key->len,
					  (int64_t)ls->n + 1)))
		ls->n++;
	else
		free(l->place);
	return rc;
}
