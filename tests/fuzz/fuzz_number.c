/* fuzz_number.c — the number reader (nb_read_number), the decimal shift
 * and the exact decimals (nb_dec): a number read is one the rules can sum
 * and print again. */
#include <string.h>

#include "fuzz.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	nb_num num;
	char out[64];
	nb_dec v;

	nb_read_number(s, size, &num);
	if (size > 0)
		nb_decimal_shift(s, (int)(data[0] % 9) - 4, out, sizeof out);
	if (nb_dec_parse(s, &v)) {
		nb_dec_str(v, out, sizeof out);
		nb_dec again;
		FUZZ_CHECK(nb_dec_parse(out, &again) && again == v);
	}
	free(s);
	return 0;
}
