/* fuzz_names.c — name sanitising: whatever an agency or table is called,
 * its name in the tree is one valid path component: UTF-8, no '/', NUL,
 * control or bidi control character, not "." or "..", at most 255 bytes
 * with its suffix; and its "~k" twin too. */
#include <string.h>

#include "fuzz.h"
#include "ix.h"
#include "internal.h"

static void check_component(const char *n)
{
	size_t len = strlen(n), i = 0;

	FUZZ_CHECK(len > 0 && len <= IX_NAME_MAX);
	FUZZ_CHECK(strcmp(n, ".") && strcmp(n, ".."));
	FUZZ_CHECK(!strchr(n, '/'));
	FUZZ_CHECK(fuzz_valid_utf8(n, len));
	while (i < len) {
		size_t before = i;
		uint32_t cp = nb_utf8_next(n, len, &i);
		FUZZ_CHECK(i > before);
		FUZZ_CHECK(cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp <= 0x9F));
		FUZZ_CHECK(!(cp >= 0x202A && cp <= 0x202E) &&
			   !(cp >= 0x2066 && cp <= 0x2069) && cp != 0x200E &&
			   cp != 0x200F && cp != 0x061C);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	static const char *const suffixes[] = {"", ".csv", ".txt"};
	const char *suffix = suffixes[size ? data[0] % 3 : 0];
	char *n = ix_name(s, suffix, "_");

	FUZZ_CHECK(n != NULL);
	check_component(n);
	char *d = ix_name_dup(n, suffix, 2 + (size ? data[0] : 0));
	FUZZ_CHECK(d != NULL);
	check_component(d);
	free(d);
	free(n);
	free(s);
	return 0;
}
