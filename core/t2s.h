/*
 * t2s.h — OpenCC's conversion of a Traditional text, made run by run with
 * each distinct run converted once (t2s.c); seen by script.c only.
 */
#ifndef NB_T2S_H
#define NB_T2S_H

#include <stddef.h>

#include <opencc/opencc.h>

typedef struct nb_t2s nb_t2s;

/* 0, or -ENOMEM. */
int nb_t2s_new(nb_t2s **out);
void nb_t2s_free(nb_t2s *t);

/*
 * text[0..len) (valid UTF-8 without NUL bytes, as decode.c leaves a
 * text) as cc converts it whole: *out a malloc'd, NUL-terminated string
 * of *outlen bytes.  NB_UNDECODABLE when OpenCC fails on it, -ENOMEM
 * when memory is out (*out NULL either way).
 */
int nb_t2s_convert(nb_t2s *t, opencc_t cc, const char *text, size_t len,
		   char **out, size_t *outlen);

#endif
