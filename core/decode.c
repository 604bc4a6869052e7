/*
 * decode.c — raw bytes to UTF-8 text with LF line ends.
 *
 * The order matters (issue 3): a byte-order mark decides first; then
 * UTF-16 without one, when its zero bytes say so (ASCII in UTF-16 is half
 * zero bytes, all at one parity); the bytes are taken as UTF-8 only when
 * they are strictly valid UTF-8 (older government sites serve GBK, whose
 * byte pairs are rarely valid UTF-8); then UTF-16 without a BOM or zero
 * bytes (Han only), when its code units read as text (GBK and UTF-8 Han
 * never do: their bytes are all >= 0x80); then GB18030, a superset of
 * GB2312 and GBK.  Last (issue 8), a text that is one of these but for
 * a few stray bytes (a cut download, a bad paste) is decoded with U+FFFD
 * in their place and the count returned, for a warning.
 */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Length of the strictly valid UTF-8 sequence at s[0..n), or 0 when it is
 * malformed, overlong, a surrogate or beyond U+10FFFF. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if (c == 0xE0 && s[1] < 0xA0)
			return 0;	/* overlong */
		if (c == 0xED && s[1] >= 0xA0)
			return 0;	/* UTF-16 surrogate */
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
		    (s[3] & 0xC0) != 0x80)
			return 0;
		if (c == 0xF0 && s[1] < 0x90)
			return 0;	/* overlong */
		if (c == 0xF4 && s[1] >= 0x90)
			return 0;	/* beyond U+10FFFF */
		return 4;
	}
	return 0;
}

/* Whether p[0..3) is E1..EC, EE or EF and two continuation bytes: three
 * bytes with no further rule (all of Han).  A continuation byte b is
 * b ^ 0x80 < 0x40. */
static inline bool plain_three(const unsigned char *p)
{
	return (unsigned)(p[0] - 0xE1) <= 0xEF - 0xE1 && p[0] != 0xED &&
	       ((p[1] ^ 0x80) | (p[2] ^ 0x80)) < 0x40;
}

static bool valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;
	size_t end3 = n > 2 ? n - 2 : 0;	/* three bytes fit before it */

	while (i < n) {
		if (s[i] < 0x80) {	/* ASCII, without the call */
			i = nb_skip_ascii8((const char *)s, n, i + 1);
			continue;
		}
		/* Han, without the call either, and in runs: one is passed
		 * over in this inner loop */
		if (i < end3 && plain_three(s + i)) {
			do
				i += 3;
			while (i < end3 && plain_three(s + i));
			continue;
		}
		size_t k = utf8_seq_len(s + i, n - i);

		if (k == 0)
			return false;
		i += k;
	}
	return true;
}

/*
 * At most one byte in this many may be replaced for a text to count as
 * "otherwise readable": one stray byte in a report of a few KiB passes,
 * while bytes in no encoding (each pair invalid) stay unreadable.  1 %
 * leaves the encoding itself beyond doubt.
 */
#define NB_MAX_REPLACED_SHARE 100

/* U+FFFD REPLACEMENT CHARACTER in UTF-8. */
static const char replacement[] = "\xEF\xBF\xBD";

/* The charsets read through iconv, by the names nb_decode reports. */
static const char *const charsets[] = {"GB18030", "UTF-16LE", "UTF-16BE"};
#define NCHARSETS (sizeof charsets / sizeof *charsets)

/* A descriptor per charset, opened on first use and kept.  glibc loads a
 * charset's module when a descriptor is opened and may unload it once
 * none is left: opened and closed per text, UTF-16.so was loaded 117
 * times and GB18030.so 22 times for the 1,181 such texts of the 10,000
 * bench reports (strace), 700 page faults more (perf stat). */
struct nb_converters {
	iconv_t cd[NCHARSETS];
};

int nb_converters_new(nb_converters **out)
{
	nb_converters *cv = malloc(sizeof *cv);

	if (!cv)
		return -ENOMEM;
	for (size_t i = 0; i < NCHARSETS; i++)
		cv->cd[i] = (iconv_t)-1;
	*out = cv;
	return 0;
}

void nb_converters_free(nb_converters *cv)
{
	if (!cv)
		return;
	for (size_t i = 0; i < NCHARSETS; i++)
		if (cv->cd[i] != (iconv_t)-1)
			iconv_close(cv->cd[i]);
	free(cv);
}

/* cv's descriptor from the charset `from` (one of charsets) to UTF-8, in
 * its initial state; (iconv_t)-1 with errno set when it cannot be had. */
static iconv_t converter(nb_converters *cv, const char *from)
{
	size_t i = 0;

	while (i < NCHARSETS && strcmp(charsets[i], from))
		i++;
	if (i == NCHARSETS) {
		errno = EINVAL;
		return (iconv_t)-1;
	}
	if (cv->cd[i] == (iconv_t)-1)
		cv->cd[i] = iconv_open("UTF-8", from);
	else	/* the initial state, whatever the last text left */
		iconv(cv->cd[i], NULL, NULL, NULL, NULL);
	return cv->cd[i];
}

/*
 * Converts s[0..n) from the charset `from` to UTF-8 in a new buffer.  With
 * replaced NULL, invalid input fails; otherwise each byte that cannot be
 * converted becomes U+FFFD and is counted there.
 * 0, NB_UNDECODABLE (invalid or truncated input) or -ENOMEM.
 */
static int convert(nb_converters *cv, const char *from, const char *s,
		   size_t n, char **out, size_t *outlen, size_t *replaced)
{
	iconv_t cd = converter(cv, from);

	if (cd == (iconv_t)-1)
		return errno == ENOMEM ? -ENOMEM : NB_UNDECODABLE;

	/* GB18030 and UTF-16 grow by at most 2x into UTF-8 (2-byte Han ->
	 * 3 bytes; 2-byte UTF-16 unit -> at most 3 bytes); start there. */
	size_t cap = n / 2 * 3 + 16;
	char *buf = malloc(cap);
	int rc = 0;

	if (!buf)
		return -ENOMEM;

	char *in = (char *)s;
	size_t inleft = n;
	char *o = buf;
	size_t oleft = cap - 1;

	while (inleft > 0) {
		if (iconv(cd, &in, &inleft, &o, &oleft) != (size_t)-1)
			continue;
		if (errno != E2BIG && !replaced) {
			rc = NB_UNDECODABLE;	/* EILSEQ, or EINVAL: truncated */
			break;
		}
		if (errno != E2BIG && oleft >= sizeof replacement - 1) {
			memcpy(o, replacement, sizeof replacement - 1);
			o += sizeof replacement - 1;
			oleft -= sizeof replacement - 1;
			in++;
			inleft--;
			(*replaced)++;
			continue;
		}
		size_t used = (size_t)(o - buf);
		size_t ncap = cap * 2;
		char *nb = realloc(buf, ncap);

		if (!nb) {
			rc = -ENOMEM;
			break;
		}
		buf = nb;
		cap = ncap;
		o = buf + used;
		oleft = cap - 1 - used;
	}
	if (rc < 0) {
		free(buf);
		return rc;
	}
	*o = '\0';
	*out = buf;
	*outlen = (size_t)(o - buf);
	return 0;
}

/* Whether the 16-bit unit u is a character a report's text holds: ASCII
 * text, Latin and general punctuation, enclosed numbers, box drawing, CJK
 * punctuation and ideographs, full-width forms, and surrogates (whose
 * pairing iconv checks). */
static bool plausible_unit(unsigned u)
{
	return u == '\t' || u == '\n' || u == '\r' ||
	       (u >= 0x20 && u <= 0x7E) || (u >= 0xA0 && u <= 0x24F) ||
	       (u >= 0x2000 && u <= 0x206F) || (u >= 0x2460 && u <= 0x257F) ||
	       (u >= 0x3000 && u <= 0x303F) || (u >= 0x3400 && u <= 0x4DBF) ||
	       (u >= 0x4E00 && u <= 0x9FFF) || (u >= 0xD800 && u <= 0xDFFF) ||
	       (u >= 0xFF00 && u <= 0xFFEF);
}

/*
 * Share of code units that must be plausible for bytes to be UTF-16.
 * Measured over our 51 fixtures and the 12 texts of ../shared converted:
 * in UTF-16 at least 99.8 %; in the wrong byte order at most 85 % (HTML,
 * whose ASCII pairs read as ideographs; the zero bytes' parity rules that
 * order out anyway); the same texts in GB18030 or UTF-8 read as UTF-16 at
 * most 79 %.
 */
#define NB_UTF16_PLAUSIBLE 0.95
/* Without zero bytes, fewer units than this say nothing: 4 random bytes
 * are two CJK ideographs half the time. */
#define NB_UTF16_MIN_UNITS 16

/*
 * "UTF-16LE" or "UTF-16BE" when b[0..n) reads as UTF-16 text in that byte
 * order, else NULL.  With zeros, the zero bytes must also sit at the high
 * byte's parity (ASCII), at most a tenth of them elsewhere (U+4E00 一 and
 * the like have a zero low byte).
 */
static const char *utf16_order(const unsigned char *b, size_t n, bool zeros)
{
	size_t ok[2] = {0, 0}, zero[2] = {0, 0};

	if (n < 2 * (zeros ? 2 : NB_UTF16_MIN_UNITS) || n % 2)
		return NULL;
	for (size_t i = 0; i < n; i += 2) {
		unsigned le = b[i] | (unsigned)b[i + 1] << 8;
		unsigned be = (unsigned)b[i] << 8 | b[i + 1];

		ok[0] += plausible_unit(le);
		ok[1] += plausible_unit(be);
		zero[0] += b[i + 1] == 0;	/* LE: the high byte is second */
		zero[1] += b[i] == 0;
	}
	for (int k = 0; k < 2; k++) {
		if (zeros && (zero[k] == 0 || zero[1 - k] * 10 > zero[k]))
			continue;
		if ((double)ok[k] >= NB_UTF16_PLAUSIBLE * (double)(n / 2) &&
		    ok[k] > ok[1 - k])
			return k == 0 ? "UTF-16LE" : "UTF-16BE";
	}
	return NULL;
}

/* s[0..n) as UTF-8 with each byte that starts no strictly valid sequence
 * replaced by U+FFFD (iconv's UTF-8 reader lets surrogates through). */
static int utf8_replacing(const char *s, size_t n, char **out,
			  size_t *outlen, size_t *replaced)
{
	const unsigned char *u = (const unsigned char *)s;
	/* a replaced byte grows to 3 */
	char *b = n <= (SIZE_MAX - 1) / 3 ? malloc(n * 3 + 1) : NULL;
	size_t w = 0;

	if (!b)
		return -ENOMEM;
	for (size_t i = 0; i < n;) {
		size_t k = utf8_seq_len(u + i, n - i);

		if (k == 0) {
			memcpy(b + w, replacement, sizeof replacement - 1);
			w += sizeof replacement - 1;
			(*replaced)++;
			i++;
		} else {
			memcpy(b + w, u + i, k);
			w += k;
			i += k;
		}
	}
	b[w] = '\0';
	*out = b;
	*outlen = w;
	return 0;
}

/* Whether few enough bytes were replaced for n bytes of text. */
static bool readable(size_t replaced, size_t n)
{
	return replaced * NB_MAX_REPLACED_SHARE <= n;
}

/*
 * Decodes b[0..n), known not to be strictly UTF-8 nor GB18030, as whichever
 * of the two needs fewer replacements, when that is few enough.
 */
static int convert_replacing(nb_converters *cv, const char *b, size_t n,
			     const char **enc, char **out, size_t *outlen,
			     size_t *replaced)
{
	static const char *const cands[] = {"UTF-8", "GB18030"};
	char *best = NULL;
	size_t best_len = 0, best_rep = 0;

	for (size_t i = 0; i < sizeof cands / sizeof *cands; i++) {
		char *o;
		size_t len, rep = 0;
		int rc = i == 0 ? utf8_replacing(b, n, &o, &len, &rep) :
			 convert(cv, cands[i], b, n, &o, &len, &rep);

		if (rc < 0) {
			free(best);
			return rc;
		}
		if (!best || rep < best_rep) {
			free(best);
			best = o;
			best_len = len;
			best_rep = rep;
			*enc = cands[i];
		} else {
			free(o);
		}
	}
	if (!readable(best_rep, n)) {
		free(best);
		return NB_UNDECODABLE;
	}
	*out = best;
	*outlen = best_len;
	*replaced = best_rep;
	return 0;
}

/* In place: CRLF and lone CR become LF, NUL bytes go.  Returns the new
 * length (never longer). */
static size_t normalize(char *s, size_t n)
{
	size_t w = 0;

	/* most texts have neither: nothing to move */
	if (!memchr(s, '\0', n) && !memchr(s, '\r', n)) {
		s[n] = '\0';
		return n;
	}

	for (size_t r = 0; r < n; r++) {
		char c = s[r];

		if (c == '\0')
			continue;
		if (c == '\r') {
			if (r + 1 < n && s[r + 1] == '\n')
				continue;	/* the LF follows */
			c = '\n';
		}
		s[w++] = c;
	}
	s[w] = '\0';
	return w;
}

int nb_decode(nb_converters *cv, const void *buf, size_t len, char **text,
	      size_t *textlen, const char **encoding, size_t *replaced)
{
	const unsigned char *b = buf;
	const char *enc = NULL;
	const char *from = NULL;	/* iconv charset, NULL: copy as is */
	size_t skip = 0;
	char *out;
	size_t n;

	*replaced = 0;
	if (len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
		enc = "UTF-8 BOM";
		skip = 3;
		if (!valid_utf8(b + 3, len - 3))
			from = "UTF-8";
	} else if (len >= 2 && b[0] == 0xFF && b[1] == 0xFE) {
		enc = "UTF-16LE";
		from = "UTF-16LE";
		skip = 2;
	} else if (len >= 2 && b[0] == 0xFE && b[1] == 0xFF) {
		enc = "UTF-16BE";
		from = "UTF-16BE";
		skip = 2;
	} else if (memchr(b, 0, len) && (enc = utf16_order(b, len, true))) {
		from = enc;
	} else if (valid_utf8(b, len)) {
		enc = "UTF-8";
	} else if ((enc = utf16_order(b, len, false))) {
		from = enc;
	} else if (convert(cv, "GB18030", buf, len, &out, &n, NULL) == 0) {
		*text = out;
		*textlen = normalize(out, n);
		*encoding = "GB18030";
		return 0;
	} else {
		int rc = convert_replacing(cv, buf, len, &enc, &out, &n,
					   replaced);

		if (rc < 0)
			return rc;
		*text = out;
		*textlen = normalize(out, n);
		*encoding = enc;
		return 0;
	}

	if (from) {
		const char *s = (const char *)b + skip;
		/* UTF-8 comes here only when it is not valid: read by our own
		 * strict reader, since iconv's lets through what no UTF-8
		 * holds (F7 B6 AF B9, beyond U+10FFFF; found by fuzz_decode) */
		bool utf8 = strcmp(from, "UTF-8") == 0;
		int rc = utf8 ? NB_UNDECODABLE :
			 convert(cv, from, s, len - skip, &out, &n, NULL);

		/* a stray byte in a text with a BOM: replaced, if few */
		if (rc == NB_UNDECODABLE &&
		    (rc = utf8 ? utf8_replacing(s, len - skip, &out, &n, replaced) :
		     convert(cv, from, s, len - skip, &out, &n,
			     replaced)) == 0 &&
		    !readable(*replaced, len - skip)) {
			free(out);
			rc = NB_UNDECODABLE;
		}
		if (rc < 0)
			return rc;
	} else {
		n = len - skip;
		out = malloc(n + 1);
		if (!out)
			return -ENOMEM;
		memcpy(out, b + skip, n);
	}
	*text = out;
	*textlen = normalize(out, n);
	*encoding = enc;
	return 0;
}
