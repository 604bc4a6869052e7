/* render.c — the bytes of text files and CSV records. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ix.h"

void ix_render_text(nb_buf *b, const char *text)
{
	if (!text)
		return;
	size_t n = strlen(text);
	if (n >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) {
		text += 3;
		n -= 3;
	}
	while (n && (text[n - 1] == '\n' || text[n - 1] == '\r'))
		n--;
	if (!n)
		return;
	/* LF line ends only: drop CR of CRLF, turn a lone CR into LF (found
	 * by memchr: a byte loop was 0.8 % of a build, reports' texts) */
	size_t start = 0;
	for (const char *cr; (cr = memchr(text + start, '\r', n - start));) {
		size_t i = (size_t)(cr - text);
		nb_buf_add(b, text + start, i - start);
		if (i + 1 < n && text[i + 1] != '\n')
			nb_buf_add(b, "\n", 1);
		start = i + 1;
	}
	nb_buf_add(b, text + start, n - start);
	nb_buf_add(b, "\n", 1);
}

void ix_csv_field(nb_buf *b, const char *field, bool first)
{
	if (!first)
		nb_buf_add(b, ",", 1);
	if (!field)
		return;
	size_t n = strcspn(field, ",\"\r\n");
	if (!field[n]) {
		nb_buf_add(b, field, n);
		return;
	}
	nb_buf_add(b, "\"", 1);
	for (const char *p = field; *p; p++) {
		if (*p == '"')
			nb_buf_add(b, "\"", 1);
		nb_buf_add(b, p, 1);
	}
	nb_buf_add(b, "\"", 1);
}

void ix_csv_end(nb_buf *b)
{
	nb_buf_add(b, "\n", 1);
}

/* Copies the part of src[0..n), at *pos in the output form, that falls in
 * [skip, skip + want) to out + *got. */
static void put(const char *src, size_t n, size_t *pos, size_t skip,
		char *out, size_t want, size_t *got)
{
	if (out && *pos + n > skip && *got < want) {
		size_t from = *pos < skip ? skip - *pos : 0;
		size_t len = n - from;
		if (len > want - *got)
			len = want - *got;
		memcpy(out + *got, src + from, len);
		*got += len;
	}
	*pos += n;
}

/* The bytes a run of the LF form stops at: a quote, a line end. */
static const bool excel_stops[256] = {['"'] = true, ['\n'] = true};

size_t ix_csv_excel(const char *lf, size_t n, size_t skip, char *out,
		    size_t want)
{
	size_t pos = 0, got = 0;	/* in the excel form; copied */
	bool quoted = false;
	for (size_t i = 0; i < n && !(out && got == want);) {
		size_t j = i;
		/* one table look a byte (also on read, chunks.c) */
		while (j < n && !excel_stops[(unsigned char)lf[j]])
			j++;
		put(lf + i, j - i, &pos, skip, out, want, &got);
		if (j == n)
			break;
		/* a field with a quote is quoted and its quotes doubled, so
		 * every quote toggles, and a record's end is an LF outside */
		if (lf[j] == '"')
			quoted = !quoted;
		else if (!quoted)
			put("\r", 1, &pos, skip, out, want, &got);
		put(lf + j, 1, &pos, skip, out, want, &got);
		i = j + 1;
	}
	return out ? got : pos;
}

int ix_csv_crlf(nb_buf *b, const char *lf, size_t n)
{
	/* A quote: a quoted field may hold an LF of its own, so the records
	 * are followed field by field (ix_csv_excel, a byte at a time). */
	if (memchr(lf, '"', n)) {
		size_t m = ix_csv_excel(lf, n, 0, NULL, 0);
		char *out = malloc(m ? m : 1);
		if (!out)
			return -ENOMEM;
		nb_buf_add(b, out, ix_csv_excel(lf, n, 0, out, m));
		free(out);
		return b->oom ? -ENOMEM : 0;
	}
	/* None (most tables): every LF ends a record, found by memchr. */
	for (const char *p = lf, *end = lf + n; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;	/* a record without its end stays so */
		nb_buf_add(b, p, (size_t)(nl - p));
		if (nl < end)
			nb_buf_add(b, "\r\n", 2);
		p = nl + 1;
	}
	return b->oom ? -ENOMEM : 0;
}
