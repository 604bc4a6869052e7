/*
 * jsonout.c — JSON written as it goes, byte for byte as cJSON_Print
 * formats it: an object's members one a line, indented by tabs, "key":<TAB>
 * value; an array's elements on one line, ", " between them; strings
 * escaped as cJSON escapes them.  meta.json was printed by cJSON until
 * schema 7, and its bytes are what every index measured and digested
 * (node.size, node.digest); building a cJSON tree to print it cost ~0.3 M
 * instructions a report in the tree phase (reptree.c).  Its strings are
 * also those of the packed cells (cellpack.c), less the short escapes.
 */
#include <string.h>

#include "ix.h"

static void tabs(nb_buf *b, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		nb_buf_addc(b, '\t');
}

/* The bytes a JSON string's run of plain bytes stops at: NUL (its end),
 * the control characters, the quote and the backslash. */
static const bool stops[256] = {
	[0 ... 0x1F] = true, ['"'] = true, ['\\'] = true,
};

void ix_json_quote(nb_buf *b, const char *s, bool short_escapes)
{
	nb_buf_addc(b, '"');
	for (s = s ? s : "";;) {
		const char *run = s;
		/* one table look a byte: three tests a byte were 1.4 % of a
		 * build (meta.json's strings, the packed cells) */
		while (!stops[(unsigned char)*s])
			s++;
		nb_buf_add(b, run, (size_t)(s - run));
		unsigned char c = (unsigned char)*s;
		if (!c)
			break;
		static const char forms[][2] = {
			{'"', '"'}, {'\\', '\\'}, {'\b', 'b'}, {'\f', 'f'},
			{'\n', 'n'}, {'\r', 'r'}, {'\t', 't'},
		};
		size_t i = 0, n = short_escapes ? 7 : 2;
		while (i < n && (unsigned char)forms[i][0] != c)
			i++;
		nb_buf_addc(b, '\\');
		if (i < n)
			nb_buf_addc(b, forms[i][1]);
		else
			nb_buf_printf(b, "u%04x", c);
		s++;
	}
	nb_buf_addc(b, '"');
}

static void add_string(nb_buf *b, const char *s)
{
	ix_json_quote(b, s, true);
}

/* Before a value: in an array, the separator from the one before. */
static void before_value(ix_json *j)
{
	if (j->depth && !j->object[j->depth - 1] && j->count[j->depth - 1]++)
		nb_buf_add(j->b, ", ", 2);
}

/* Before a key: the separator from the member before, the indent; in one
 * add, as meta.json has ~160 keys. */
static void key_lead(ix_json *j)
{
	static const char lead[] = ",\n\t\t\t\t\t\t\t\t";
	_Static_assert(sizeof lead == 2 + IX_JSON_DEPTH + 1,
		       "a tab for each level");
	unsigned d = j->depth;
	size_t sep = j->count[d - 1]++ ? 2 : 0;
	nb_buf_add(j->b, lead + 2 - sep, sep + d);
}

void ix_json_key(ix_json *j, const char *key)
{
	key_lead(j);
	add_string(j->b, key);
	nb_buf_add(j->b, ":\t", 2);
}

void ix_json_key_as(ix_json *j, const char *written, size_t n)
{
	key_lead(j);
	nb_buf_add(j->b, written, n);
}

static void begin(ix_json *j, bool object)
{
	before_value(j);
	if (j->depth == IX_JSON_DEPTH) {
		j->b->oom = true;	/* deeper than any meta.json */
		return;
	}
	nb_buf_addc(j->b, object ? '{' : '[');
	if (object)
		nb_buf_addc(j->b, '\n');
	j->object[j->depth] = object;
	j->count[j->depth++] = 0;
}

void ix_json_object(ix_json *j)
{
	begin(j, true);
}

void ix_json_array(ix_json *j)
{
	begin(j, false);
}

void ix_json_close(ix_json *j)
{
	if (!j->depth)
		return;
	unsigned d = --j->depth;
	if (j->object[d]) {
		if (j->count[d])
			nb_buf_addc(j->b, '\n');
		tabs(j->b, d);
		nb_buf_addc(j->b, '}');
	} else {
		nb_buf_addc(j->b, ']');
	}
}

void ix_json_string(ix_json *j, const char *s)
{
	before_value(j);
	if (s)
		add_string(j->b, s);
	else
		nb_buf_add(j->b, "null", 4);
}

void ix_json_int(ix_json *j, int v)
{
	before_value(j);
	nb_buf_printf(j->b, "%d", v);
}

void ix_json_bool(ix_json *j, bool v)
{
	before_value(j);
	nb_buf_adds(j->b, v ? "true" : "false");
}

void ix_json_null(ix_json *j)
{
	before_value(j);
	nb_buf_add(j->b, "null", 4);
}
