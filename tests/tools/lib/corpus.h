/*
 * corpus.h — the fixture corpus as files (corpus.c): for the accuracy tool.
 */
#ifndef NB_CORPUS_H
#define NB_CORPUS_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#define EXPECT_SUFFIX ".expect.json"

typedef struct {
	char **v;
	size_t n, cap;
} strlist;

void strlist_free(strlist *l);
int cmp_str(const void *a, const void *b);	/* qsort over char * */

/* Reads a whole file, NUL-terminated.  0 or a negative errno. */
int read_file(const char *path, char **buf, size_t *len);
/* Appends every *.expect.json under dir (hidden entries skipped). */
int collect(const char *dir, strlist *out);
/* The report beside an expectation: the one file in its directory named
 * stem.<ext> other than the expectation itself.  0 and *report, or a
 * negative errno with a message. */
int find_report(const char *expect_path, char **report);
/* NULL when the expectation is well formed, else what is wrong with it
 * (*key names the offending key when there is one). */
const char *malformed(const cJSON *x, const char **key);
/* The string at key, or NULL. */
const char *str_item(const cJSON *x, const char *key);

#endif
