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
 *     its trailing nulls left out. */
#include <errno.h>
#include <string.h>

#include "ix.h"

/* Digits of a value written as a JSON integer: it then reads back as an
 * SQLite integer, exact far below int64's 19 digits. */
#define PLAIN_INT_DIGITS 15

/* s as a JSON string: quotes, backslashes and control characters escaped
 * (RFC 8259 §7); other bytes, UTF-8 included, as they are, copied in runs. */
static void add_string(nb_buf *b, const char *s)
{
	nb_buf_addc(b, '"');
	for (;;) {
		const char *run = s;
		while ((unsigned char)*s >= 0x20 && *s != '"' && *s != '\\')
			s++;
		nb_buf_add(b, run, (size_t)(s - run));
		unsigned char c = (unsigned char)*s;
		if (!c)
			break;
		if (c == '"' || c == '\\') {
			nb_buf_addc(b, '\\');
			nb_buf_addc(b, (char)c);
		} else {
			nb_buf_printf(b, "\\u%04x", c);
		}
		s++;
	}
	nb_buf_addc(b, '"');
}

/* An integer as SQLite prints one: "0", or an optional '-' and digits not
 * starting with 0 ("-0" is not one: it would read back as "0"). */
static bool plain_int(const char *s)
{
	const char *d = *s == '-' ? s + 1 : s;
	size_t n = strspn(d, "0123456789");
	if (!n || d[n] || n > PLAIN_INT_DIGITS)
		return false;
	return d[0] != '0' || (n == 1 && d == s);
}

static void add_value(nb_buf *b, const char *s)
{
	if (plain_int(s))
		nb_buf_adds(b, s);
	else
		add_string(b, s);
}

/* Written by hand, not with printf: the writer thread writes ~50 ids a
 * report into the checks' packing (vsnprintf cost ~360 instructions an id,
 * 14 % of the store step). */
static void add_int(nb_buf *b, int64_t v)
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
		add_int(b, id);
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
	add_int(b, state);
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

int ix_cells_pack(const nb_row *row, size_t ncols, nb_buf *out)
{
	nb_buf_reset(out);
	nb_buf_addc(out, '[');
	for (size_t c = 0; c < ncols; c++) {
		const nb_cell *cell = &row->cells[c];
		/* a NUMBER without a value is not a number we can vouch for */
		int state = cell->state == NB_CELL_NUMBER && !cell->value ?
			IX_CELL_ABSENT : state_code(cell->state);
		const char *value = state == IX_CELL_NUMBER ? cell->value : NULL;
		/* a number printed as its value: the value says it */
		const char *raw = cell->raw;
		if (state == IX_CELL_NUMBER && raw && !strcmp(raw, value))
			raw = NULL;
		if (c)
			nb_buf_addc(out, ',');
		add_cell(out, state, raw, value, cell->note);
	}
	nb_buf_addc(out, ']');
	return out->oom ? -ENOMEM : 0;
}
