/* fuzz_parse.c — the parser's entry point, nb_parse, as each kind of
 * file: the first byte picks the name (.txt, .md, .html). */
#include <string.h>

#include "fuzz.h"
#include "nianbao.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static nb_parser *p;
	static const char *const names[] = {"r.txt", "r.md", "r.html"};
	const char *why;
	nb_report *r = NULL;

	if (!p && nb_parser_new(&p, &why) != 0)
		abort();
	if (size == 0)
		return 0;
	int rc = nb_parse(p, names[data[0] % 3], data + 1, size - 1, &r);
	FUZZ_CHECK(rc == 0 ? r != NULL : r == NULL);
	nb_report_free(r);
	return 0;
}
