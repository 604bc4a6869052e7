/*
 * facts.h — what the files of the facts stage share: text as matching sees
 * it (ctext.c), dates (dates.c), page metadata (meta.c), agency candidates
 * (candidates.c), the title (title.c); facts.c drives them.  Only these
 * files include it.
 */
#ifndef NB_FACTS_H
#define NB_FACTS_H

#include "internal.h"

/* How far from the top the title and page metadata may be. */
#define HEAD_MAX 80
/* How many non-blank lines at the end may hold a signature or metadata. */
#define TAIL_LINES 12
/* Longest line taken for a title, a heading or a metadata row. */
#define SHORT_LINE 120
/* A line this long (code points) is a flattened article: a PDF line holds
 * about 40, a web page's paragraph rarely 300. */
#define FLAT_LINE_MIN 320

/* ---- compact text (ctext.c) ------------------------------------------- */

/*
 * A line as matching sees it: code points with the spaces dropped (PDF text
 * spaces out digits: "2024 年") and fullwidth ASCII folded; at[] keeps each
 * one's index among the line's code points, to find the printed spelling.
 */
typedef struct {
	uint32_t *cp;
	size_t *at;
	size_t n;
	size_t ncp;		/* code points read, spaces included */
	bool borrowed;		/* the stage's (fx_ct_line): ct_free leaves it */
} ctext;

int ct_make(ctext *c, const char *s, size_t len);	/* 0 or -ENOMEM */
int ct_line(ctext *c, const nb_line *l);
/* Lines a and b (b may be NULL) as one text: a's code points come first,
 * so indices below a's count are a's.  ca and cb are their ctexts
 * (ct_line), joined without decoding either again where that reads the
 * same as decoding the joined text. */
int ct_join(ctext *c, const nb_line *a, const ctext *ca, const nb_line *b, const ctext *cb);
void ct_free(ctext *c);
/* Decodes a short UTF-8 literal (at most cap code points). */
size_t ct_lit(const char *s, uint32_t *out, size_t cap);
bool ct_at(const uint32_t *t, size_t n, size_t i, const char *s);
/* Index of the first s in t[from, to), or SIZE_MAX. */
size_t ct_find(const uint32_t *t, size_t from, size_t to, const char *s);
/* t[0..n)'s code points as a set (nb_cpset), and whether every code point
 * of s may be among them (false: s occurs nowhere in t), for a text
 * searched for many wordings, most of them absent. */
void ct_set_make(nb_cpset *set, const uint32_t *t, size_t n);
bool ct_set_may_hold(const nb_cpset *set, const char *s);
bool ct_ends(const uint32_t *t, size_t a, size_t b, const char *s);
bool ct_digit(uint32_t cp);
/* cp is one of set's, a literal of whole characters.  The literal is not
 * decoded: cp's UTF-8 is looked for in it (a character's UTF-8 occurs in
 * whole UTF-8 text only as that character), inline, so that the literal's
 * length is a constant — decoding the set on every call was most of the
 * cost of these tests, made for a line's every character. */
static inline bool ct_any(uint32_t cp, const char *set)
{
	char u[4];

	return nb_find_n(set, strlen(set), u, nb_utf8_put(cp, u)) != NULL;
}
char *ct_str(const uint32_t *t, size_t a, size_t b);	/* UTF-8, malloc'd */
/* Up to max ASCII digits at t[i] into *v; how many. */
size_t ct_digits(const uint32_t *t, size_t n, size_t i, size_t max, int *v);

/* ---- dates (dates.c) ----------------------------------------------------- */

typedef struct {
	int y, m, d;
} date;

/* A date at t[i]: 2020-02-17, 2020年2月17日, 2020.2.17, 2020/02/17, and the
 * scraped 20161230日.  *end gets the index past it. */
bool fx_date_at(const uint32_t *t, size_t n, size_t i, date *out, size_t *end);
bool fx_first_date(const uint32_t *t, size_t a, size_t b, date *out);
/* A line that is nothing but a date, perhaps in brackets. */
bool fx_date_line(const ctext *c, date *out);
void fx_date_str(char out[11], date dt);	/* "YYYY-MM-DD" */

/* ---- the facts in progress ------------------------------------------------ */

/* Where an agency's name was found, in the order of trust. */
enum { SRC_TITLE, SRC_INTRO, SRC_SIGNATURE, SRC_HEADER, SRC_SOURCE, NSRC };

/* An agency name found in one line, at code points [a, b) of that line. */
typedef struct {
	bool set;
	size_t line, a, b;
	char *name;		/* as printed, spaces dropped, Simplified */
} cand;

typedef struct {
	nb_doc *d;
	uint64_t meta_firsts;	/* fx_meta_firsts() */
	size_t head;		/* lines [0, head) may hold title and metadata */
	cand ag[NSRC];
	date pub_meta, pub_written, pub_sign, pub_start;
	char *meta_title;	/* from a 标题：/名称 row */
	size_t meta_title_line;	/* the row's line */
	bool titled;		/* a title was read from the lines */
	bool title_cut;		/* ... from the start of a flattened article */
	size_t title_line;	/* first line of the title, or SIZE_MAX */
	size_t title_end;	/* one past its last line */
	ctext *ct;		/* each line's, decoded once (fx_ct_line); NULL
				   until the first is asked for */
	bool *ct_made;		/* which of ct[] are decoded */
	nb_arena *ct_mem;	/* what f->ct's ctexts hold */
} facts;

/* ctext.c: line i's ctext in *c, lent until fx_ct_free (ct_free of it
 * frees nothing).  The stage reads the head's lines several times over
 * (title windows, metadata, the intro): each line is decoded once, into
 * f->ct.  fx_ct_free frees f->ct at the stage's end. */
int fx_ct_line(facts *f, size_t i, ctext *c);
void fx_ct_free(facts *f);

/* ---- candidates (candidates.c) ------------------------------------------- */

/* Records c[a, b) of line as the agency source src names, when it reads as
 * an agency's name and src has none yet.  0 or -ENOMEM. */
int fx_cand_set(facts *f, int src, size_t line, const ctext *c, size_t a, size_t b);
/* Sets r->agency, its printed spelling and source from the candidates. */
int fx_choose_agency(facts *f);

/* ---- page metadata (meta.c) ---------------------------------------------- */

/* The metadata keys' first code points as a set (nb_key_bits), made once
 * a report: every position of a line is tried against them. */
uint64_t fx_meta_firsts(void);
/* Reads a metadata line into f; 1 when line is one, 0 when not, or
 * -ENOMEM.  head: the line is near the top (more keys are trusted). */
int fx_meta_line(facts *f, size_t line, const ctext *c, bool head);
/* Reads the metadata a flattened article carries near its start
 * (…年度报告发布时间：2016-03-02 来源：青石县人民政府 浏览次数：…) without
 * marking the line.  0 or -ENOMEM. */
int fx_meta_inline(facts *f, size_t line, const ctext *c);

/* ---- the title (title.c) -------------------------------------------------- */

/* The words that name the report, after the agency in a title. */
extern const char *const fx_report_words[];
extern const size_t fx_nreport_words;
/* The year a title names: four digits and 年; its index or SIZE_MAX. */
size_t fx_title_year(const uint32_t *t, size_t a, size_t b, int *year);
/* A short line that is only an agency's name. */
bool fx_agency_line(const ctext *c);
/* Title and metadata in the head: lines [0, f->head). */
int fx_scan_head(facts *f);
/* The title from a 标题/名称 row when no line gave one. */
int fx_title_from_meta(facts *f);
/* Marks every head line that repeats the title. */
int fx_mark_title_lines(facts *f);

#endif
