/* fuzz_tables.c — the table readers through the core's internal API:
 * lines (plain, Markdown or HTML, by the first byte), sections, then
 * nb_find_tables, which hands each region to every reader that claims it
 * (cells, pipes, tabs, aligned columns, raw order, flattened text). */
#include <string.h>

#include "fuzz.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	nb_doc d = {.name = "fuzz", .kind = (nb_src_kind)(data[0] % 3)};
	char *text = NULL;
	size_t len, replaced;
	const char *enc;
	static nb_converters *cv;

	if (!cv && nb_converters_new(&cv) != 0)
		abort();
	d.r = calloc(1, sizeof *d.r);
	if (!d.r || nb_tkeys_new(&d.tkeys) < 0)
		abort();
	if (nb_decode(cv, data + 1, size - 1, &text, &len, &enc,
		      &replaced) == 0) {
		int rc = d.kind == NB_SRC_HTML ? nb_html_lines(text, len, &d.lines)
					       : nb_split_lines(text, len, &d.lines);
		if (rc == 0 && d.kind == NB_SRC_MARKDOWN)
			rc = nb_markdown_clean(&d.lines);
		if (rc == 0) {
			nb_mark_lines(&d);
			if (nb_find_sections(&d) >= 0 && nb_find_tables(&d) >= 0)
				nb_run_checks(d.r);
		}
	}
	nb_doc_release(&d);
	nb_report_free(d.r);
	nb_tkeys_free(d.tkeys);
	free(text);
	return 0;
}
