/* fuzz_number.c — the number reader (nb_read_number), the decimal shift
 * and the index's exact decimals: a number read is one the index can sum
 * and print again. */
#include <string.h>

#include "fuzz.h"
#include "internal.h"
#include "ix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	nb_num num;
	char out[64];
	int64_t v;

	nb_read_number(s, size, &num);
	if (size > 0)
		nb_decimal_shift(s, (int)(data[0] % 9) - 4, out, sizeof out);
	if (ix_decimal(s, &v)) {
		ix_decimal_str(v, out, sizeof out);
		int64_t again;
		FUZZ_CHECK(ix_decimal(out, &again) && again == v);
	}
	free(s);
	return 0;
}
