/*
 * decode.c — raw bytes to UTF-8 text with LF line ends.
 *
 * The order matters (issue 3): a byte-order mark decides first; then the
 * bytes are taken as UTF-8 only when they are strictly valid UTF-8 (older
 * government sites serve GBK, whose byte pairs are rarely valid UTF-8);
 * then GB18030, a superset of GB2312 and GBK.  Nothing is guessed beyond
 * that: a file none of these fit is reported unreadable.
 */
#include <errno.h>
#include <iconv.h>
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

static bool valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t k = utf8_seq_len(s + i, n - i);

		if (k == 0)
			return false;
		i += k;
	}
	return true;
}

/*
 * Converts s[0..n) from the charset `from` to UTF-8 in a new buffer.
 * 0, -EILSEQ (invalid or truncated input) or -ENOMEM.
 */
static int convert(const char *from, const char *s, size_t n, char **out,
		   size_t *outlen)
{
	iconv_t cd = iconv_open("UTF-8", from);

	if (cd == (iconv_t)-1)
		return errno == ENOMEM ? -ENOMEM : -EILSEQ;

	/* GB18030 and UTF-16 grow by at most 2x into UTF-8 (2-byte Han ->
	 * 3 bytes; 2-byte UTF-16 unit -> at most 3 bytes); start there. */
	size_t cap = n / 2 * 3 + 16;
	char *buf = malloc(cap);
	int rc = 0;

	if (!buf) {
		iconv_close(cd);
		return -ENOMEM;
	}

	char *in = (char *)s;
	size_t inleft = n;
	char *o = buf;
	size_t oleft = cap - 1;

	while (inleft > 0) {
		if (iconv(cd, &in, &inleft, &o, &oleft) != (size_t)-1)
			continue;
		if (errno != E2BIG) {
			rc = -EILSEQ;	/* EILSEQ, or EINVAL: truncated */
			break;
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
	iconv_close(cd);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	*o = '\0';
	*out = buf;
	*outlen = (size_t)(o - buf);
	return 0;
}

/* In place: CRLF and lone CR become LF, NUL bytes go.  Returns the new
 * length (never longer). */
static size_t normalize(char *s, size_t n)
{
	size_t w = 0;

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

int nb_decode(const void *buf, size_t len, char **text, size_t *textlen,
	      const char **encoding)
{
	const unsigned char *b = buf;
	const char *enc = NULL;
	const char *from = NULL;	/* iconv charset, NULL: copy as is */
	size_t skip = 0;

	if (len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
		if (!valid_utf8(b + 3, len - 3))
			return -EILSEQ;
		enc = "UTF-8 BOM";
		skip = 3;
	} else if (len >= 2 && b[0] == 0xFF && b[1] == 0xFE) {
		enc = "UTF-16LE";
		from = "UTF-16LE";
		skip = 2;
	} else if (len >= 2 && b[0] == 0xFE && b[1] == 0xFF) {
		enc = "UTF-16BE";
		from = "UTF-16BE";
		skip = 2;
	} else if (valid_utf8(b, len)) {
		enc = "UTF-8";
	} else {
		enc = "GB18030";
		from = "GB18030";
	}

	char *out;
	size_t n;

	if (from) {
		int rc = convert(from, (const char *)b + skip, len - skip,
				 &out, &n);

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
