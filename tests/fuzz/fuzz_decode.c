/* fuzz_decode.c — bytes to UTF-8 (decode.c): whatever comes in, what comes
 * out is valid UTF-8 without NUL or CR, of the length said.  One set of
 * converters for every input, as a parser keeps them. */
#include <string.h>

#include "fuzz.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = NULL;
	size_t len = 0, replaced = 0;
	const char *enc = NULL;
	static nb_converters *cv;

	if (!cv && nb_converters_new(&cv) != 0)
		abort();
	if (nb_decode(cv, data, size, &text, &len, &enc, &replaced) != 0)
		return 0;
	FUZZ_CHECK(enc != NULL && text[len] == '\0' && strlen(text) == len);
	FUZZ_CHECK(!memchr(text, '\r', len));
	FUZZ_CHECK(fuzz_valid_utf8(text, len));
	free(text);
	return 0;
}
