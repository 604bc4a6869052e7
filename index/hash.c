/* hash.c — sha256 through OpenSSL's EVP interface: a raw file's, and the
 * digest of a file rendered on read. */
#include <errno.h>

#include <openssl/evp.h>

#include "ix.h"

int ix_sha256_hex(const void *data, size_t len, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) ||
	    mdlen != 32)
		return -EIO;
	static const char digits[] = "0123456789abcdef";
	for (unsigned i = 0; i < 32; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[64] = '\0';
	return 0;
}

int ix_digest(const ix_tnode *f, int64_t *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	/* the dialects' lengths first, so that no two splits of the same
	 * bytes give one digest */
	uint64_t lens[2] = {f->data.len, f->has_unix ? f->data_unix.len : 0};
	bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
		EVP_DigestUpdate(ctx, lens, sizeof lens) &&
		EVP_DigestUpdate(ctx, f->data.s ? f->data.s : "", f->data.len) &&
		(!f->has_unix ||
		 EVP_DigestUpdate(ctx, f->data_unix.s ? f->data_unix.s : "",
				  f->data_unix.len)) &&
		EVP_DigestFinal_ex(ctx, md, &mdlen) && mdlen >= 8;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return -EIO;
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | md[i];
	*out = (int64_t)v;
	return 0;
}
