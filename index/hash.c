/* hash.c — sha256 through OpenSSL's EVP interface: a raw file's, kept in
 * source.sha256 (meta.json shows it) and what tells a renamed file
 * (build.c).  A rendered file's digest is digest.c's. */
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
