/*
 * nianbao.h — the parsing core: one raw annual report, held in memory, in;
 * its facts, sections, official tables, warnings and consistency checks out.
 *
 * The core does no I/O of its own beyond the buffers it is given (OpenCC
 * loads its dictionaries once, in nb_parser_new).  Everything it returns is
 * plain data owned by the nb_report and freed with nb_report_free.
 */
#ifndef NIANBAO_H
#define NIANBAO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NB_VERSION "0.1.0"

/*
 * What a function that can fail returns, in core and index alike: 0; a
 * negative errno for a failure of the system (-ENOMEM, what open() or
 * read() said); or one of these named outcomes of the domain.  They are
 * negative, so that `if (rc < 0) return rc;` passes them up as it passes
 * an errno, and below -4095, the lowest errno Linux has, so that none is
 * ever mistaken for one.  They become words (nb_status_name) or an errno
 * only where they leave the program: in the index, in a message, in a
 * reply to the kernel.  The names are stored in the index (source.error).
 */
typedef enum {
	NB_OK = 0,
	NB_NOT_A_REPORT = -4097,	/* no agency, year or section found */
	NB_UNDECODABLE = -4098,		/* the bytes are in no encoding we read */
	NB_NOT_REGULAR_FILE = -4099,	/* a FIFO, device or socket under RAWDIR */
	NB_OUTSIDE_RAWDIR = -4100,	/* a symbolic link leading out of RAWDIR */
	NB_TOO_LARGE = -4101,		/* larger than any report (index's limit) */
	NB_BAD_INDEX_VERSION = -4102,	/* not an index, or one of another version */
	NB_CANCELLED = -4103,		/* a build stopped on its caller's request */
} nb_status;

/* status.c: "not_a_report", "undecodable", "not_regular_file",
 * "outside_rawdir", "too_large", "bad_index_version", "cancelled"; NULL when rc is no
 * status (0 or an errno). */
const char *nb_status_name(int rc);
/* The status with that name; 0 when name (or NULL) names none. */
int nb_status_named(const char *name);
/* rc as words: a status's name, or strerror of a negative errno. */
const char *nb_strstatus(int rc);

/* Which official report format a table (or a whole report) follows. */
typedef enum {
	NB_FMT_NONE = 0,	/* free-form report, or no table found */
	NB_FMT_2019 = 2019,	/* 国办公开办函〔2019〕60号 */
	NB_FMT_2021 = 2021,	/* 国办公开办函〔2021〕30号 */
} nb_format;

/* Which rule decided the year the report is about. */
typedef enum {
	NB_YEAR_UNKNOWN = 0,
	NB_YEAR_TITLE,		/* the title names it */
	NB_YEAR_PERIOD,		/* the statistics period in the intro */
	NB_YEAR_PUBLISHED,	/* publication year minus one */
} nb_year_rule;

typedef enum {
	NB_CELL_ABSENT = 0,	/* not found, or could not be placed with certainty */
	NB_CELL_BLANK,		/* printed empty, "—", "/", "-" or "无" */
	NB_CELL_NUMBER,		/* a number; see nb_cell.value */
} nb_cell_state;

typedef struct {
	nb_cell_state state;
	char *value;		/* NUMBER: written plainly, "414.52", "-3"; else NULL.
				   The very string raw points to when the cell
				   was printed so (read them, free neither:
				   nb_report_free does) */
	char *raw;		/* the cell as printed (NULL when ABSENT) */
	char *note;		/* a note the cell carried, "其中修订16件", or NULL */
	bool uncertain;		/* ABSENT though the report printed a value for it:
				   more than one reading fits, or the one reading
				   breaks the template's arithmetic (a warning
				   says which); false when the row was not found */
} nb_cell;

typedef struct {
	char *label;		/* the official label (path for table 3), or the
				   printed label of an extra row */
	char *printed;		/* the label as printed, when it differed; else NULL */
	bool extra;		/* a row the official template does not have */
	nb_cell *cells;		/* one per column of the table */
} nb_row;

typedef enum {
	NB_TABLE_ACTIVE = 2,	/* section 2: one small table per clause */
	NB_TABLE_REQUESTS = 3,	/* section 3: 收到和处理政府信息公开申请情况 */
	NB_TABLE_APPEALS = 4,	/* section 4: 行政复议、行政诉讼 */
} nb_table_kind;

typedef struct {
	nb_table_kind kind;
	nb_format format;
	char *name;		/* file stem: "第二十条第（一）项", "申请情况", "复议诉讼情况" */
	char *label_header;	/* first CSV column: "信息内容", "项目", "类别" */
	size_t ncols;
	char **cols;		/* the value columns' headers, units included */
	size_t nrows;
	nb_row *rows;
} nb_table;

typedef struct {
	int number;		/* the N of the "N-name" directory */
	int canonical;		/* 1..6 for a section of the standard formats, else 0 */
	char *name;		/* the directory name after "N-" */
	char *heading;		/* the heading line as printed (cleaned) */
	char *text;		/* the prose: UTF-8, LF, one paragraph per line */
} nb_section;

typedef struct {
	char *rule;		/* stable identifier, e.g. "t3.balance" */
	char *subject;		/* what it was applied to, e.g. "总计" */
	bool ok;
	char *detail;		/* what was compared, with the numbers */
} nb_check;

typedef struct {
	char *agency;			/* Simplified, completed to the formal name */
	char *agency_as_printed;	/* the spelling the report used */
	char *agency_source;		/* "title", "intro", "signature", "header", "source" */
	int year;			/* 0 when unknown */
	nb_year_rule year_rule;
	char *title;			/* NULL when the report has none */
	char published[11];		/* "YYYY-MM-DD", or "" when unknown */
	nb_format format;		/* the report's format; tables carry their own */
	char *encoding;			/* "UTF-8", "UTF-8 BOM", "GB18030", "UTF-16LE", ... */
	bool traditional;		/* the source was in Traditional script */
	char *text;			/* report.txt: the whole report, cleaned */
	char *preamble;			/* text before the first section heading */

	size_t nsections;
	nb_section *sections;
	size_t ntables;
	nb_table *tables;
	size_t nwarnings;
	char **warnings;		/* what could not be parsed, and why */
	size_t nnotes;
	char **notes;			/* cell notes, unit conversions, printed labels */
	size_t nchecks;
	nb_check *checks;
	/* The core's own: where the strings of tables and checks live, freed
	 * at once by nb_report_free (NULL until a table or check is made). */
	struct nb_arena *arena;
} nb_report;

/* A parser holds what is costly to set up (the OpenCC converter); make one
 * and parse many reports with it.  Not safe for concurrent use. */
typedef struct nb_parser nb_parser;

/* 0, or a negative errno (-ENOMEM; -ENOENT when OpenCC's t2s config is
 * missing).  On failure *err, if given, points at a static message. */
int nb_parser_new(nb_parser **out, const char **err);
void nb_parser_free(nb_parser *p);

/*
 * Parse one raw report.  name is used in messages and its ending picks the
 * reader (.html/.htm as HTML, .md as Markdown, else plain text).  Returns 0
 * and a report — even a report with warnings — NB_UNDECODABLE when the
 * bytes are in no encoding we read, NB_NOT_A_REPORT when the text is no
 * annual report (no agency, year or section found), or a negative errno
 * (-ENOMEM).
 */
int nb_parse(nb_parser *p, const char *name, const void *buf, size_t len,
	     nb_report **out);
void nb_report_free(nb_report *r);

const char *nb_format_name(nb_format f);	/* "2019", "2021", "none" */
const char *nb_year_rule_name(nb_year_rule r);	/* "title", "period", "published", "unknown" */

/* ---- exact decimals (decimal.c) ----------------------------------------- */

/* A decimal value scaled by 10^6: the numbers the core writes ("414.52",
 * "-3") summed exactly.  The one decimal type of the consistency rules. */
typedef int64_t nb_dec;

/* false when s is not such a number (separators, units, more than six
 * decimals that are not zeros, a whole part of 10^12 or more). */
bool nb_dec_parse(const char *s, nb_dec *out);
/* Writes v plainly: "414.52", "-3". */
void nb_dec_str(nb_dec v, char *buf, size_t len);

/* ---- section names (headings.c) ----------------------------------------- */

/* The official name of section 1..6 ("总体情况", ...; a table's kind is the
 * number of its section), NULL for any other number. */
const char *nb_canonical_name(int canonical);

/* ---- the consistency rules across years (crossyear.c) ----------------- */

/*
 * The rules between consecutive years of one agency (report-format.md,
 * "Across years of one agency"), as pure functions over the numbers the
 * two reports printed; the caller fetches the numbers and keeps the
 * results.  A rule is checked only where every number it needs was
 * printed.
 */

/* A printed number of one of a report's tables (not owned). */
typedef struct {
	const char *row;	/* the template's row label */
	const char *col;	/* the column's header */
	nb_dec v;
	const char *text;	/* the number as stored, for the detail */
} nb_xcell;

/* One year's numbers of the table a rule reads. */
typedef struct {
	int year;
	const nb_xcell *v;
	size_t n;
} nb_xyear;

/* Receives one result: subject and detail are valid during the call.  A
 * non-zero return stops the rule and is returned by it. */
typedef int (*nb_xemit)(void *ctx, const char *rule, const char *subject,
			bool ok, const char *detail);

typedef struct {
	const char *id;		/* "cross_year.carry_over", "cross_year.t2_current" */
	nb_table_kind kind;	/* the table both years' numbers come from */
	const char *table;	/* its name (nb_table.name), or NULL for any */
	/* Applies the rule; 0, -ENOMEM, or what emit returned. */
	int (*check)(const nb_xyear *prev, const nb_xyear *cur, nb_xemit emit,
		     void *ctx);
} nb_xrule;

/* The cross-year rules, in the order their results are kept. */
size_t nb_cross_rules(const nb_xrule **out);

#endif
