/* cellpack.c — a table row's cells packed into the one text its stored_row
 * holds (cells): a JSON array with an element per column, so that a cell
 * costs its value and a comma rather than a row of its own (1.7 million
 * rows of ~20 bytes at 10,000 reports, mostly key).  SQLite's JSON
 * functions read it back: the views cell and cell_view (schema.c) show
 * every cell as a row, as the table cell did up to schema 6.  A table's
 * column headers are packed the same way into its stored_table row
 * (headers: their str ids), shown by the view table_column.
 *
 * An element is, by what the cell was (README "### Tables"):
 *   a number printed as its value, without a note: the value, a JSON
 *     integer when it is one written plainly (so that it reads back as the
 *     same text), else a JSON string;
 *   absent, nothing printed, no note: null;
 *   anything else: [state, raw, value, note] (IX_CELL_*; strings or null),
 *     its trailing nulls left out.
 *
 * The reader is here too, beside the writer, so that the two cannot drift:
 * the tree phase (rows.c) reads a report's rows back in C, as the views
 * show them, without SQLite's JSON functions (json_each and four
 * json_extract a cell cost ~5 M instructions a report to render). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ix.h"
#include "store.h"
#include "rows.h"

/* Digits of a value written as a JSON integer: it then reads back as an
 * SQLite integer, exact far below int64's 19 digits. */
#define PLAIN_INT_DIGITS 15

/* s as a JSON string: quotes, backslashes and control characters escaped
 * (RFC 8259 §7), a control character always as \u00xx; other bytes,
 * UTF-8 included, as they are. */
static void add_string(nb_buf *b, const char *s)
{
	ix_json_quote(b, s, false);
}

/* An integer as SQLite prints one: "0", or an optional '-' and digits not
 * starting with 0 ("-0" is not one: it would read back as "0"); its
 * length into *len.  The digits counted by a loop: a value has a few, and
 * strspn and then strlen cost 3 times as much (callgrind). */
static bool plain_int(const char *s, size_t *len)
{
	const char *d = *s == '-' ? s + 1 : s;
	size_t n = 0;
	while (d[n] >= '0' && d[n] <= '9')
		n++;
	if (!n || d[n] || n > PLAIN_INT_DIGITS)
		return false;
	*len = (size_t)(d - s) + n;
	return d[0] != '0' || (n == 1 && d == s);
}

static void add_value(nb_buf *b, const char *s)
{
	size_t n;
	if (plain_int(s, &n))
		nb_buf_add(b, s, n);
	else
		add_string(b, s);
}

/* Written by hand, not with printf: the writer thread writes ~50 ids a
 * report into the checks' packing (vsnprintf cost ~360 instructions an id,
 * 14 % of the store step). */
void ix_buf_int(nb_buf *b, int64_t v)
{
	char d[24], *p = d + sizeof d;
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	nb_buf_add(b, p, (size_t)(d + sizeof d - p));
}

void ix_json_id(nb_buf *b, int64_t id)
{
	if (id)
		ix_buf_int(b, id);
	else
		nb_buf_add(b, "null", 4);
}

static void add_cell(nb_buf *b, int state, const char *raw, const char *value,
		     const char *note)
{
	if (state == IX_CELL_NUMBER && !raw && !note) {
		add_value(b, value);
		return;
	}
	if (state == IX_CELL_ABSENT && !raw && !note) {
		nb_buf_adds(b, "null");
		return;
	}
	const char *part[] = {raw, value, note};
	size_t n = 3;
	while (n && !part[n - 1])
		n--;
	nb_buf_addc(b, '[');
	ix_buf_int(b, state);
	for (size_t i = 0; i < n; i++) {
		nb_buf_addc(b, ',');
		if (part[i])
			add_string(b, part[i]);
		else
			nb_buf_adds(b, "null");
	}
	nb_buf_addc(b, ']');
}

static int state_code(nb_cell_state s)
{
	switch (s) {
	case NB_CELL_NUMBER:
		return IX_CELL_NUMBER;
	case NB_CELL_BLANK:
		return IX_CELL_BLANK;
	default:
		return IX_CELL_ABSENT;
	}
}

int ix_headers_pack(ix_strtab *strs, const nb_table *tb, nb_buf *out)
{
	int rc = 0;
	nb_buf_reset(out);
	nb_buf_addc(out, '[');
	for (size_t c = 0; c < tb->ncols && !rc; c++) {
		int64_t id;
		rc = ix_strtab_id(strs, tb->cols ? tb->cols[c] : NULL, &id);
		if (c)
			nb_buf_addc(out, ',');
		ix_json_id(out, id);
	}
	nb_buf_addc(out, ']');
	return rc ? rc : out->oom ? -ENOMEM : 0;
}

ix_cell ix_cell_of(const nb_cell *cell)
{
	/* a NUMBER without a value is not a number we can vouch for */
	int state = cell->state == NB_CELL_NUMBER && !cell->value ?
		IX_CELL_ABSENT : state_code(cell->state);
	const char *value = state == IX_CELL_NUMBER ? cell->value : NULL;
	/* a number printed as its value: the value says it */
	const char *raw = cell->raw;
	if (state == IX_CELL_NUMBER && raw && !strcmp(raw, value))
		raw = NULL;
	return (ix_cell){.state = state, .raw = raw, .value = value,
			 .note = cell->note};
}

int ix_cells_pack(const nb_row *row, size_t ncols, nb_buf *out)
{
	nb_buf_reset(out);
	nb_buf_addc(out, '[');
	for (size_t c = 0; c < ncols; c++) {
		ix_cell k = ix_cell_of(&row->cells[c]);
		if (c)
			nb_buf_addc(out, ',');
		add_cell(out, k.state, k.raw, k.value, k.note);
	}
	nb_buf_addc(out, ']');
	return out->oom ? -ENOMEM : 0;
}

/* ---- reading back ------------------------------------------------------- */

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

const char *ix_json_skip_ws(const char *s)
{
	while (is_ws(*s))
		s++;
	return s;
}

/* The same for a packing decoded in place. */
static char *skip_ws(char *s)
{
	return (char *)ix_json_skip_ws(s);
}

const char *ix_json_take_id(const char *s, int64_t *id)
{
	s = ix_json_skip_ws(s);
	*id = 0;
	if (!strncmp(s, "null", 4))
		return s + 4;
	if (*s < '0' || *s > '9')
		return NULL;
	while (*s >= '0' && *s <= '9' && *id < INT64_MAX / 10)
		*id = *id * 10 + (*s++ - '0');
	return s;
}

static int hex4(const char *s, uint32_t *out)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' :
			c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -EINVAL;
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return 0;
}

/* The JSON string at *p (its opening quote), decoded in place: the text
 * starts where the quote was and ends with a NUL no further than where the
 * closing quote was (every escape is longer than what it stands for).
 * *p moves past the closing quote. */
static int take_string(char **p, char **out)
{
	char *s = *p + 1, *d = *p;
	*out = d;
	for (;;) {
		char *run = s;
		while (*s && *s != '"' && *s != '\\')
			s++;
		memmove(d, run, (size_t)(s - run));
		d += s - run;
		if (*s == '"')
			break;
		if (!*s)
			return -EINVAL;
		s++;	/* the backslash */
		uint32_t cp;
		switch (*s) {
		case '"': case '\\': case '/':
			*d++ = *s++;
			continue;
		case 'b': *d++ = '\b'; s++; continue;
		case 'f': *d++ = '\f'; s++; continue;
		case 'n': *d++ = '\n'; s++; continue;
		case 'r': *d++ = '\r'; s++; continue;
		case 't': *d++ = '\t'; s++; continue;
		case 'u':
			if (hex4(s + 1, &cp))
				return -EINVAL;
			s += 5;
			uint32_t lo;
			if (cp >= 0xD800 && cp < 0xDC00 && s[0] == '\\' &&
			    s[1] == 'u' && !hex4(s + 2, &lo) &&
			    lo >= 0xDC00 && lo < 0xE000) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				s += 6;
			}
			d += nb_utf8_put(cp, d);
			continue;
		default:
			return -EINVAL;
		}
	}
	*d = '\0';
	*p = s + 1;
	return 0;
}

/* A JSON integer at *p, made a string in place: the byte after it is
 * returned in *next, as the NUL that ends the string overwrites it. */
static int take_int(char **p, char **out, char *next)
{
	char *s = *p;
	size_t n = (*s == '-') + strspn(s + (*s == '-'), "0123456789");
	if (n == (size_t)(*s == '-'))
		return -EINVAL;
	*out = s;
	*next = s[n];
	s[n] = '\0';
	*p = s + n;
	return 0;
}

static bool take_null(char **p)
{
	if (strncmp(*p, "null", 4))
		return false;
	*p += 4;
	return true;
}

/* After an element: s at the byte that follows it, which was next (a NUL
 * may stand there now).  The delimiter, s moved to it. */
static char delimiter(char **s, char next)
{
	if (is_ws(next))
		next = *(*s = skip_ws(*s + 1));
	return next;
}

/* [state, raw, value, note], its trailing nulls left out; *p past '['. */
static int take_full(char **p, ix_cell *c)
{
	char *s = skip_ws(*p), *state, next;
	int rc = take_int(&s, &state, &next);
	if (rc)
		return rc;
	c->state = atoi(state);
	const char **part[] = {&c->raw, &c->value, &c->note};
	for (size_t i = 0; (next = delimiter(&s, next)) != ']'; i++) {
		if (next != ',' || i == 3)
			return -EINVAL;
		s = skip_ws(s + 1);
		char *str = NULL;
		if (*s == '"')
			rc = take_string(&s, &str);
		else if (!take_null(&s))
			rc = -EINVAL;
		if (rc)
			return rc;
		*part[i] = str;
		next = *s;
	}
	*p = s + 1;
	return 0;
}

/* One element of a row's packing at *p into c; *next the byte after it. */
static int take_cell(char **p, ix_cell *c, char *next)
{
	char *value = NULL;
	int rc = 0;
	*c = (ix_cell){.state = IX_CELL_NUMBER};
	if (**p == '"') {
		rc = take_string(p, &value);
	} else if (**p == '[') {
		(*p)++;
		rc = take_full(p, c);
	} else if (take_null(p)) {
		c->state = IX_CELL_ABSENT;
	} else {
		rc = take_int(p, &value, next);
		c->value = value;
		return rc;
	}
	if (value)
		c->value = value;
	*next = **p;
	return rc;
}

int ix_cells_unpack(char *s, ix_cellv *out)
{
	size_t n0 = out->n;
	s = skip_ws(s);
	if (*s++ != '[')
		return -EINVAL;
	s = skip_ws(s);
	if (*s == ']')
		return 0;
	for (;;) {
		ix_cell *v = nb_grow(out->v, &out->cap, out->n + 1, sizeof *v, 64);
		if (!v) {
			out->n = n0;
			return -ENOMEM;
		}
		out->v = v;
		char next;
		if (take_cell(&s, &v[out->n++], &next))
			break;
		next = delimiter(&s, next);
		if (next == ']')
			return 0;
		if (next != ',')
			break;
		s = skip_ws(s + 1);
	}
	out->n = n0;
	return -EINVAL;
}

int ix_ids_unpack(const char *s, ix_idv *out)
{
	size_t n0 = out->n;
	s = ix_json_skip_ws(s);
	if (*s++ != '[')
		return -EINVAL;
	s = ix_json_skip_ws(s);
	if (*s == ']')
		return 0;
	for (;;) {
		int64_t *v = nb_grow(out->v, &out->cap, out->n + 1, sizeof *v, 16);
		if (!v) {
			out->n = n0;
			return -ENOMEM;
		}
		out->v = v;
		int64_t id;
		if (!(s = ix_json_take_id(s, &id)))
			break;
		v[out->n++] = id;
		s = ix_json_skip_ws(s);
		if (*s == ']')
			return 0;
		if (*s != ',')
			break;
		s = ix_json_skip_ws(s + 1);
	}
	out->n = n0;
	return -EINVAL;
}
