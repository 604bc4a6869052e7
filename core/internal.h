/*
 * internal.h — what the core's files share with each other.  Nothing outside
 * core/ includes this; the other modules see only nianbao.h.
 *
 * The pipeline (report.c drives it):
 *   decode.c    bytes -> UTF-8, line ends -> LF, encoding named
 *   script.c    Traditional -> Simplified (OpenCC), when the text is Traditional
 *   html.c      HTML -> lines, each table row one line carrying its cells
 *   lines.c     text -> lines; chrome.c, pageno.c, markdown.c, wrap.c mark them
 *   facts.c     title, agency, year, publication date (facts.h: ctext.c,
 *               dates.c, meta.c, title.c, candidates.c)
 *   sections.c  section headings (headings.c) -> spans of lines; prose
 *               assembled per section (paragraphs.c)
 *   tables*.c   the official tables found in the lines, mapped to the templates
 *   certainty.c every table is made through one stage that writes a cell only
 *               when its place is certain (rules.c: the templates' arithmetic)
 *   checks.c    the consistency rules (crossyear.c: those across years,
 *               over nb_dec, decimal.c; labels.h: the labels they name)
 * The strings of a report's tables and checks live in its arena (arena.c),
 * freed at once with the report.
 * Every stage reports through diag.c (nb_warn, nb_note) and builds on the
 * utility layer, util.h (buffers, arrays, UTF-8, character classes), which
 * index/ uses too.
 */
#ifndef NB_INTERNAL_H
#define NB_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nianbao.h"
#include "util.h"

/* ---- strings freed at once (arena.c) ------------------------------------ */

/* Strings that live as long as a report, and a stage's scratch arrays, with
 * no free of their own. */
typedef struct nb_arena nb_arena;
int nb_arena_new(nb_arena **out);
void nb_arena_free(nb_arena *a);	/* every string taken from it */
/* A copy of s[0..n) and a NUL; NULL when memory is out. */
char *nb_arena_strndup(nb_arena *a, const char *s, size_t n);
char *nb_arena_strdup(nb_arena *a, const char *s);	/* NULL: NULL */
/* n bytes aligned for size_t, pointers and uint32_t; NULL when memory is out. */
void *nb_arena_alloc(nb_arena *a, size_t n);
void *nb_arena_calloc(nb_arena *a, size_t n, size_t size);	/* n of size, zeroed */
/* Moves every string of *from into *into (which may be NULL: it becomes
 * *from); *from is NULL after. */
void nb_arena_adopt(nb_arena **into, nb_arena **from);

/* ---- label matching (ustr.c) ------------------------------------------ */

/*
 * A label's matching key: its code points with spaces, punctuation, brackets
 * and quotes of both widths removed and fullwidth ASCII folded.  Returns the
 * number of code points (which may exceed cap; only cap are stored).
 */
size_t nb_key(const char *s, size_t n, uint32_t *out, size_t cap);

/*
 * Approximate substring search: the best alignment of the whole key inside
 * text, as 1 - edits/nkey (0 when nkey is 0).  *end, when given, receives
 * the index in text just past the best match.  O(ntext) for keys of up to
 * 64 characters, O(nkey * ntext) beyond.
 */
double nb_fuzzy_find(const uint32_t *key, size_t nkey,
		     const uint32_t *text, size_t ntext, size_t *end);
/*
 * A key of 1 to 64 code points prepared for nb_fuzzy_prepared, which
 * returns what nb_fuzzy_find returns for it: for keys searched many times
 * (a template row's), the table made of the key is made once.
 */
typedef struct {
	uint32_t ch[128];	/* 2 * 64 slots: a key's code points */
	uint64_t eq[128];	/* the key positions holding ch[] */
	uint32_t mask, nkey;	/* nkey 0: not prepared */
	uint8_t bit[64];	/* each key character's bit (nb_key_bits) */
	uint64_t bits;		/* the key's nb_key_bits: all of bit[] */
} nb_fuzzy_key;

/* False (and f->nkey 0) for an empty key or one over 64 code points;
 * nb_fuzzy_prepared of such a key is 0. */
bool nb_fuzzy_prepare(nb_fuzzy_key *f, const uint32_t *key, size_t nkey);
double nb_fuzzy_prepared(const nb_fuzzy_key *f, const uint32_t *text, size_t ntext,
			 size_t *end);
/*
 * For skipping the search where it cannot matter: text's code points as a
 * 64-bit set, hashed (nb_key_bits), and how many of a prepared key's
 * characters have no bit in it (nb_fuzzy_absent).  Such a character occurs
 * nowhere in the text, so each costs an edit: nb_fuzzy_prepared's
 * similarity is at most 1 - absent/nkey.
 */
uint64_t nb_key_bits(const uint32_t *text, size_t ntext);
/* Whether key occurs whole in text: nb_fuzzy_find(key, nkey, text, ntext,
 * NULL) >= 0.999 (for keys under 1,000 characters that similarity is no
 * edit at all), by a plain search. */
bool nb_key_in(const uint32_t *key, size_t nkey, const uint32_t *text, size_t ntext);
size_t nb_fuzzy_absent(const nb_fuzzy_key *f, uint64_t text_bits);

/* ---- lines --------------------------------------------------------------- */

/* A cell of a structured (HTML) table row: its own text and spans. */
typedef struct {
	char *text;		/* cleaned, spaces folded, no newline */
	int colspan, rowspan;
} nb_tcell;

enum {
	NB_LF_BLANK = 1 << 0,	/* empty once trimmed */
	NB_LF_CHROME = 1 << 1,	/* site chrome: breadcrumbs, 字号, 上一篇, 备案号 */
	NB_LF_PAGENO = 1 << 2,	/* a page number: -3-, — 4 —, 第3页 */
	NB_LF_META = 1 << 3,	/* page metadata: 发布时间, 来源, 索引号, ... */
	NB_LF_TITLE = 1 << 4,	/* (part of) the report's title */
	NB_LF_HEADING = 1 << 5,	/* a section heading */
	NB_LF_TABLE = 1 << 6,	/* consumed by a parsed table */
	NB_LF_IMAGE = 1 << 7,	/* a lone image file name (年报表格.png) */
	NB_LF_NEWPAGE = 1 << 8,	/* a form feed began the line: a PDF page
				   starts here (the form feed is removed) */
	NB_LF_FLATROW = 1 << 9,	/* a piece of a flattened page's table, cut
				   where its row ends (flatten.c) */
	NB_LF_FLATHEAD = 1 << 10,	/* what a flattened article holds before its
					   first heading, kept one line (flatten.c):
					   title, metadata and intro run together */
};

typedef struct {
	char *text;		/* UTF-8, no newline, spacing as in the source */
	size_t len;
	unsigned flags;		/* NB_LF_* */
	int table;		/* > 0: a row of the table-th HTML table */
	size_t ncells;
	nb_tcell *cells;	/* the row's own <td>/<th>, in order (HTML only);
				   it and their texts live as long as the list
				   (nb_lines_calloc, nb_lines_strndup) */
} nb_line;

typedef struct {
	nb_line *v;
	size_t n, cap;
	/* owns every v[].text, many to an allocation; made at the first
	 * line (a list starts zeroed) */
	nb_arena *texts;
} nb_lines;

/* Appends a copy of text[0..len); returns the new line or NULL (ENOMEM).
 * The copy lives as long as the list: a line's text may be shortened in
 * place, never freed or grown. */
nb_line *nb_lines_push(nb_lines *ls, const char *text, size_t len);
void nb_lines_free(nb_lines *ls);
/* A copy of s[0..n) and a NUL, and n zeroed objects of size (aligned for
 * pointers), that live as long as the list; NULL when memory is out. */
char *nb_lines_strndup(nb_lines *ls, const char *s, size_t n);
void *nb_lines_calloc(nb_lines *ls, size_t n, size_t size);

/* ---- the official tables (template.c, number.c) ------------------------ */

typedef struct {
	const char *label;	/* official label; a path for table 3 */
	const char *key;	/* the text a printed label is matched against */
	const char *alt;	/* another printed wording seen in the wild, or NULL */
	bool result;		/* table 3: a result row summed into （七）总计 */
} nb_trow;

typedef struct {
	nb_table_kind kind;
	nb_format format;
	const char *clause;	/* table 2: "一", "五", ...; else NULL */
	const char *name;	/* file stem */
	const char *label_header;
	size_t ncols;
	const char *cols[7];
	int money_col;		/* index of the money column, or -1 */
	bool money_header_fixed;	/* the template's header names 万元 */
	size_t nrows;
	const nb_trow *rows;
} nb_template;

/* The templates of one table kind and format (table 2: one per clause). */
size_t nb_templates(nb_table_kind kind, nb_format format,
		    const nb_template *const **out);

typedef enum { NB_UNIT_NONE, NB_UNIT_YUAN, NB_UNIT_WANYUAN } nb_unit;

/* A cell's content as printed, read as a number when it is one. */
typedef struct {
	nb_cell_state state;	/* NUMBER, BLANK, or ABSENT for text */
	char value[64];		/* plain decimal: no sign but '-', no separators */
	nb_unit unit;
	char note[128];		/* a bracketed note after the number, or "" */
} nb_num;

/* Reads s[0..n): a number (fullwidth digits, thousands separators, sign,
 * units 件/个/项/条/元/万元, a trailing （note）), a blank marker ("", "—",
 * "/", "-", "无"), or text (state ABSENT).  Returns the state. */
nb_cell_state nb_read_number(const char *s, size_t n, nb_num *out);

/* Moves the decimal point of a plain decimal by shift places (negative:
 * left) into out; exact, no floating point.  0, or -ERANGE when it does
 * not fit outlen. */
int nb_decimal_shift(const char *in, int shift, char *out, size_t outlen);
/* decimal.c: s, a number as the core writes it, as a whole number: as
 * strtoll reads it, with nothing left over and no overflow (else false). */
bool nb_whole_number(const char *s, long long *v);

/* ---- the template's arithmetic (rules.c) ------------------------------ */

/* A cell of a template: row index into t->rows, column index into t->cols. */
typedef struct {
	size_t row, col;
} nb_cref;

#define NB_RULE_TERMS 24	/* table 3 (2021): 21 result rows + （七）总计 */

/*
 * One rule (勾稽关系) of a template: the sum of lhs equals the sum of rhs,
 * blanks counting as zero.  Table 3: t3.row_total (per row: 总计 = the six
 * applicant columns), t3.balance (per column: 一 + 二 = （七）总计 + 四),
 * t3.results (per column: （七）总计 = the result rows); table 4: t4.total
 * (per group: 总计 = the four results).  Table 2 has none.
 */
typedef struct {
	const char *id;		/* "t3.row_total", "t3.balance", "t3.results", "t4.total" */
	bool column;		/* a rule down one column, else along one row */
	size_t at;		/* that column's or row's index */
	size_t nlhs, nrhs;
	nb_cref lhs[NB_RULE_TERMS], rhs[NB_RULE_TERMS];
} nb_rule;

/* How many rules template t has; rule i (< that count) into *out.  The
 * rules along rows come first, then those down columns. */
size_t nb_rule_count(const nb_template *t);
void nb_rule_get(const nb_template *t, size_t i, nb_rule *out);

/*
 * What a column of a template may hold, the constraint every template
 * gives besides its sums: counts are whole numbers without a sign, a sign
 * opens only a 本年增/减 value (2019 table 2), a decimal point only a money
 * value.  A value of another kind in a row placed by inference shows the
 * row misplaced.
 */
typedef enum { NB_COL_COUNT, NB_COL_SIGNED, NB_COL_MONEY } nb_col_kind;

nb_col_kind nb_rule_col_kind(const nb_template *t, size_t col);
/* Whether a value printed as s[0..n) can be of kind k. */
bool nb_rule_kind_fits(nb_col_kind k, const char *s, size_t n);
/* Whether a row placed by the template's order alone (it has no label of
 * its own) can be confirmed: only by arithmetic, which table 2 has not. */
bool nb_rule_confirms_row_order(const nb_template *t);

/* A cell's value for a rule: true and *v when known (a blank is 0), false
 * when the cell is empty or no whole number. */
typedef bool (*nb_rule_value)(void *ctx, size_t row, size_t col, long long *v);

typedef enum { NB_RULE_UNKNOWN = -1, NB_RULE_FAILS = 0, NB_RULE_HOLDS = 1 } nb_rule_state;

/* Evaluates rule r with get; *lsum and *rsum (when given) receive the sums
 * when every term is known. */
nb_rule_state nb_rule_eval(const nb_rule *r, nb_rule_value get, void *ctx,
			   long long *lsum, long long *rsum);

/* ---- certainty: the one way a table is made (certainty.c) ------------ */

/*
 * A number is right or it is empty.  Every reader builds its tables through
 * a stage: it offers, for each template row it found, the printed values
 * and how their places are known; nb_stage_commit decides which cells are
 * written, and it is the only code that appends to r->tables.
 *
 * Cells placed by the table's own structure (NB_PLACE_CELLS) are written
 * even when they break a rule: the checks report it.  Cells placed by
 * inference (every other nb_place) are written only when the row's values
 * fit the template's columns exactly and every rule of the template over
 * those cells holds: a table-3 row's 总计 and a table-4 group's 总计 (these
 * must hold: an inferred row whose total cannot be evaluated is not
 * written), and table 3's column sums (which must not fail; they are not
 * applied where a row they need was not found).  A row read in reading
 * order (NB_PLACE_ORDER) with an empty value is not written either: an
 * empty field off a grid line may be a blank or a merged cell's filler;
 * nor an inferred row with a value not of its column's kind, nor, in a
 * template with no arithmetic (table 2), a row placed by the template's
 * order alone (rules.c says why).
 * A cell not written stays ABSENT, its `uncertain` set, and a warning
 * names it and why.
 */
typedef enum {
	NB_PLACE_CELLS = 1,	/* structure: the cells of one printed row (HTML
				   cells, pipes, tabs, Markdown, aligned layout
				   columns), the row known by a label that names
				   it to the letter, or by its place in the grid */
	NB_PLACE_ORDER,		/* inferred: values in reading order, a line
				   each (raw PDF text, one cell per line) */
	NB_PLACE_ROW_ORDER,	/* inferred: a row printed without a label of its
				   own, placed by the template's order */
	NB_PLACE_SPLIT,		/* inferred: a run of digits split into columns
				   (flattened text) */
	NB_PLACE_FUZZY,		/* inferred: the cells of one printed row whose
				   label names the row only approximately (a
				   typo, an OCR slip) */
} nb_place;

/* A piece of printed text, not owned. */
typedef struct {
	const char *s;
	size_t n;
} nb_text;

typedef struct nb_stage nb_stage;

/* A table of template t in the making: every row present, every cell
 * empty.  0 or -ENOMEM. */
int nb_stage_new(const nb_template *t, nb_stage **out);
/* Frees a stage that will not be committed (NULL is fine). */
void nb_stage_free(nb_stage *s);

/*
 * Offers template row `row` its printed values v[0..n) (each the text of
 * one cell: a number, a blank marker, or "" for a blank cell; copied).
 * When n is not the template's number of columns the row's place is not
 * certain: its cells stay empty and commit says so.  printed is the row's
 * label as printed when it is another wording of the official one, else
 * NULL (copied).  0, -ENOMEM, or -EINVAL (no such row, or offered twice).
 */
int nb_stage_row(nb_stage *s, size_t row, const nb_text *v, size_t n, nb_place how,
		 const char *printed);

/* A printed row the template does not have, kept under its printed label
 * (table 2); the same rules of place apply. */
int nb_stage_extra(nb_stage *s, const char *label, const nb_text *v, size_t n,
		   nb_place how);

/* Why template row `row` has no values, for the warning (copied), e.g.
 * "the digits 77132470 split into 3 columns in 2 ways"; without it commit
 * says the row was not found.  0, -ENOMEM or -EINVAL. */
int nb_stage_why(nb_stage *s, size_t row, const char *why);

/* The unit the money column's header names (NB_UNIT_NONE: none; the column
 * then takes the unit its values carry, 万元 when they carry both).  A
 * value printed in the other unit is converted exactly, with a note. */
void nb_stage_unit(nb_stage *s, nb_unit unit);

/* No warning for rows that were not offered (the caller has said why the
 * whole table is empty: its numbers were found but have no certain place,
 * so every cell not offered is marked uncertain). */
void nb_stage_quiet(nb_stage *s);

/*
 * Certifies every offered cell as described above, appends the table to
 * r->tables with its warnings and notes, and frees s, on failure too.
 * 0 or -ENOMEM.
 */
int nb_stage_commit(nb_stage *s, nb_report *r);

/* ---- the parse in progress ------------------------------------------- */

typedef enum { NB_SRC_TEXT, NB_SRC_MARKDOWN, NB_SRC_HTML } nb_src_kind;

typedef struct {
	size_t head;		/* index of the heading's first line */
	size_t nhead;		/* lines the heading spans (1, or 2 when split) */
	size_t name_end;	/* nhead 1: one past the name in the line's text */
	size_t end;		/* one past the section's last line */
	int canonical;		/* 1..6, or 0 */
	char *heading;		/* as printed, cleaned, joined */
	char *name;		/* directory name after "N-" */
} nb_span;

/* The template rows' matching keys, made once a parser (tkeys.c). */
typedef struct nb_tkeys nb_tkeys;
int nb_tkeys_new(nb_tkeys **out);	/* 0 or -ENOMEM */
void nb_tkeys_free(nb_tkeys *c);

typedef struct {
	const char *name;	/* file name, for messages */
	nb_src_kind kind;
	nb_tkeys *tkeys;	/* the parser's */
	nb_lines lines;		/* Simplified text */
	nb_lines orig;		/* the same lines before Traditional -> Simplified
				   (n == 0 when the source was Simplified) */
	bool pdf;		/* looks hard-wrapped (text extracted from a PDF) */
	size_t nspans;
	nb_span *spans;		/* sections, in order */
	size_t body;		/* first line after the title block */
	nb_report *r;		/* the result being filled */
} nb_doc;

/* ---- a table's text as rows of label and values (table_rows.c) -------- */

/* One piece of a table's text: a label fragment, or a value cell. */
typedef struct {
	bool value;		/* a number or a blank marker; else label text */
	bool marker;		/* label text that opens with a list marker */
	bool cell;		/* an HTML cell: an empty one is a blank value */
	bool grid;		/* one of several fields of its line, split by the
				   line's own structure (cells, pipes, tabs,
				   aligned columns) */
	const char *s;		/* into the line's text or cell, not owned */
	size_t n;
	size_t line;
} nb_tok;

/* A row as printed: the label fragments before (and, in PDF layout text,
 * after) a run of values. */
typedef struct {
	size_t first_tok, ntext;	/* its label fragments (may be 0) */
	size_t *text;			/* indices of the label tokens */
	size_t first_val, nval;		/* its values: toks[first_val..+nval) */
	size_t line_end;		/* one past the last line it uses */
	bool cells;			/* its values are the fields of one printed
					   line (not a cut of a longer run): their
					   places are the line's structure */
	uint32_t *key;			/* nb_key of the joined label */
	size_t nkey;
	size_t last_at;			/* key[last_at..nkey): the key of its
					   last label fragment not empty */
	uint32_t *own;			/* nb_key of the label text on the line
					   of its first value (a grid row's own
					   label cells); in key's block, or NULL */
	size_t nown;
	/* key's and own's code points as sets (nb_key_bits): a row is
	 * matched against every template row, twice */
	uint64_t key_bits, own_bits;
} nb_orow;

typedef struct {
	nb_tok *toks;
	size_t ntoks;
	nb_orow *rows;
	size_t nrows;
	bool layout;		/* columns aligned with spaces (PDF layout) */
	nb_arena *mem;		/* the rows' text and key arrays (nb_rows_alloc) */
} nb_rows;

/*
 * Reads lines [start, end) of d as table text.  A run of values longer than
 * width (when width > 0) and a multiple of it is split into rows of width.
 * 0 or -ENOMEM.
 */
int nb_rows_read(const nb_doc *d, size_t start, size_t end, size_t width,
		 nb_rows *out);
void nb_rows_free(nb_rows *rs);
/* n bytes in rs->mem (made on first use), freed by nb_rows_free; NULL when
 * memory is out.  A table's rows each had a label and a key array of their
 * own. */
void *nb_rows_alloc(nb_rows *rs, size_t n);
/* The label of row i as UTF-8 (fragments joined by nothing); malloc'd. */
char *nb_rows_label(const nb_rows *rs, size_t i);

/* report.c: frees what the parse held (lines, spans), not d->r. */
void nb_doc_release(nb_doc *d);

/* decode.c: bytes -> UTF-8 with LF line ends; replaced counts the stray
 * bytes decoded as U+FFFD (a text otherwise readable).  0, NB_UNDECODABLE
 * or -ENOMEM.  The converters are iconv's descriptors, kept from text to
 * text: one set per thread. */
typedef struct nb_converters nb_converters;
int nb_converters_new(nb_converters **out);
void nb_converters_free(nb_converters *cv);
int nb_decode(nb_converters *cv, const void *buf, size_t len, char **text,
	      size_t *textlen, const char **encoding, size_t *replaced);

/* script.c */
typedef struct nb_script nb_script;
int nb_script_open(nb_script **out, const char **err);
void nb_script_close(nb_script *s);
/* *simplified is NULL when text is not Traditional (nothing to convert). */
int nb_script_t2s(nb_script *s, const char *text, size_t len,
		  char **simplified, size_t *outlen);

/* html.c: block elements become lines, each table row one line (cells
 * joined by " | " in text, and kept in cells). 0, NB_UNDECODABLE, -ENOMEM. */
int nb_html_lines(const char *text, size_t len, nb_lines *out);

/* lines.c */
int nb_split_lines(const char *text, size_t len, nb_lines *out);
/* Markdown: strips heading marks, emphasis, separator rows; HTML tables
 * embedded in the Markdown become rows with cells, as html.c makes them.
 * 0, or -ENOMEM with the lines left as they were. */
int nb_markdown_clean(nb_lines *ls);
/* Sets NB_LF_BLANK, NB_LF_CHROME, NB_LF_PAGENO (page numbers, running
 * headers), NB_LF_IMAGE; guesses d->pdf.  0 or -ENOMEM. */
int nb_mark_lines(nb_doc *d);

/* facts.c: title, agency, year, publication date into d->r; marks the
 * title and metadata lines; sets d->body. */
int nb_find_facts(nb_doc *d);

/* sections.c */
int nb_find_sections(nb_doc *d);	/* fills d->spans, marks headings */
/* headings.c: the k-th printed wording of canonical heading 1..6 as a
 * matching key (nb_key) in *key, for finding headings inside a flattened
 * line; its length, 0 past the last wording. */
size_t nb_section_variant(int canonical, size_t k, const uint32_t **key);
/* Wordings a canonical heading has at most (nb_section_variant's k). */
#define NB_HEAD_VARIANTS 7
/* tkeys.c: every wording of nb_section_variant prepared for the fuzzy
 * search, at [canonical * NB_HEAD_VARIANTS + k]: made once a parser, where
 * classifying a heading made each anew for every name tried. */
const nb_fuzzy_key *nb_tkeys_headings(const nb_tkeys *c);
/* After the tables: fills r->sections (prose from the lines no table
 * consumed), r->preamble and r->text. */
int nb_build_sections(nb_doc *d);

/* tables.c: finds the official tables, fills r->tables, marks the lines
 * it consumed with NB_LF_TABLE, warns about what it could not place. */
int nb_find_tables(nb_doc *d);

/* checks.c: the consistency rules over r->tables into r->checks. */
int nb_run_checks(nb_report *r);

/* diag.c: append a formatted warning / note (-ENOMEM on failure). */
int nb_warn(nb_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int nb_note(nb_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* agency.c: agency names. */
/* A name's code points read as an agency's: Han only, 2..40, ending in an
 * institution (…局, …委员会, …政府) or a place (…市, …镇, …街道). */
bool nb_agency_like(const uint32_t *s, size_t n);
/* The formal name: OCR slips in place names fixed (沐阳 -> 沭阳), a bare
 * place completed (…市 -> …市人民政府, …街道 -> …街道办事处).  NULL: ENOMEM. */
char *nb_agency_formal(const char *printed);
/* Whether a is b abbreviated (市发改委, 杭州市发展和改革委员会). */
bool nb_agency_abbrev(const char *a, const char *b);
/* The same of code points (up to 64 each), for names not spelled out. */
bool nb_agency_abbrev_u(const uint32_t *a, size_t na, const uint32_t *b, size_t nb);

/* paragraphs.c: prose from lines. */
/* Appends s[0..n) trimmed, runs of spaces dropped next to CJK text and
 * folded to one between ASCII characters. */
void nb_tidy(nb_buf *b, const char *s, size_t n);
typedef struct {
	bool pdf;		/* join hard-wrapped lines */
	size_t wide;		/* display width of a full line (PDF) */
	size_t indent;		/* the usual indentation of a line */
	bool open;		/* a paragraph is open */
	bool ended;		/* its last line ended a sentence */
	size_t lastw;		/* its last line's width */
	uint32_t last;		/* its last code point */
} nb_prose;
void nb_prose_init(nb_prose *p, const nb_doc *d);
/* Appends a prose line to two proses, p[k] in out[k] (a section's and the
 * report's text), in each joined to the open paragraph or starting one;
 * the line is measured and tidied once for both. */
void nb_prose_line(nb_prose *const p[2], nb_buf *const out[2], const nb_line *l);
/* Ends the open paragraph (each paragraph ends with a newline). */
void nb_prose_break(nb_prose *p, nb_buf *out);
/* Appends a line as it is (a table row), on its own. */
void nb_prose_raw(nb_prose *p, nb_buf *out, const char *s, size_t n);

#endif
