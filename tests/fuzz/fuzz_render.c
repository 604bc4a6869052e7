/* fuzz_render.c — the CSV and JSON renderers: fields split at '\x1F'
 * written as one CSV record must read back as the same fields (RFC 4180),
 * in the unix dialect and in the excel one made from it (ix_csv_crlf);
 * any string, as meta.json shows a path (nb_printable, then cJSON), must
 * be valid JSON that reads back the same; text renders with one final
 * newline. */
#include <string.h>

#include <cjson/cJSON.h>

#include "fuzz.h"
#include "index.h"
#include "ix.h"

/* Reads the CSV record in s, ended by end, back into fields, checking
 * each against the next expected one; returns the count read. */
static size_t csv_read_check(const char *s, char **want, size_t nwant,
			     const char *end)
{
	size_t k = 0;
	const char *p = s;
	for (;;) {
		nb_buf f = {0};
		nb_buf_adds(&f, "");
		if (*p == '"') {
			for (p++;; p++) {
				FUZZ_CHECK(*p);
				if (*p == '"' && p[1] == '"') {
					nb_buf_add(&f, "\"", 1);
					p++;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					nb_buf_add(&f, p, 1);
				}
			}
		} else {
			while (*p && *p != ',' && *p != '\r' && *p != '\n')
				nb_buf_add(&f, p++, 1);
		}
		FUZZ_CHECK(k < nwant && !strcmp(f.s, want[k]));
		nb_buf_free(&f);
		k++;
		if (*p != ',')
			break;
		p++;
	}
	FUZZ_CHECK(!strcmp(p, end));
	return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	char *fields[64];
	size_t n = 0;
	char *save = s, *sep;

	do {
		sep = strchr(save, '\x1F');
		if (sep)
			*sep = '\0';
		fields[n++] = save;
		save = sep ? sep + 1 : NULL;
	} while (save && n < 64);

	nb_buf b = {0};
	for (size_t i = 0; i < n; i++)
		ix_csv_field(&b, fields[i], i == 0);
	ix_csv_end(&b);
	FUZZ_CHECK(!b.oom);
	FUZZ_CHECK(csv_read_check(b.s, fields, n, "\n") == n);
	nb_buf excel = {0};
	FUZZ_CHECK(ix_csv_crlf(&excel, b.s, b.len) == 0);
	FUZZ_CHECK(csv_read_check(excel.s, fields, n, "\r\n") == n);
	nb_buf_free(&excel);
	nb_buf_free(&b);

	ix_render_text(&b, fields[0]);
	if (b.len)
		FUZZ_CHECK(b.s[b.len - 1] == '\n' &&
			   (b.len == 1 || b.s[b.len - 2] != '\n'));
	nb_buf_free(&b);

	char *shown = nb_printable(fields[0], false);
	FUZZ_CHECK(shown != NULL);
	cJSON *j = cJSON_CreateString(shown);
	char *json = cJSON_PrintUnformatted(j);
	cJSON *back = cJSON_Parse(json);
	FUZZ_CHECK(back && cJSON_IsString(back) &&
		   !strcmp(cJSON_GetStringValue(back), shown));
	cJSON_Delete(back);
	free(json);
	cJSON_Delete(j);
	free(shown);
	free(s);
	return 0;
}
