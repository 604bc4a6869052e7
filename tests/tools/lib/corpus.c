/*
 * corpus.c — the fixture corpus as files: walking it for expectations,
 * finding the report beside each, reading files, and telling a malformed
 * expectation (a bug in the corpus) from a well-formed one.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "corpus.h"

/* ---- small helpers ------------------------------------------------------- */

static int strlist_push(strlist *l, char *s)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		char **v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = s;
	return 0;
}

void strlist_free(strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* dir + "/" + name in a new string, or NULL. */
static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *s = malloc(n);

	if (s)
		snprintf(s, n, "%s/%s", dir, name);
	return s;
}

static bool ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);

	return n >= k && strcmp(s + n - k, suf) == 0;
}

/* Reads a whole file.  0 or a negative errno. */
int read_file(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");

	if (!f)
		return -errno;

	size_t cap = 1 << 16, n = 0;
	char *b = malloc(cap + 1);
	int rc = 0;

	while (b) {
		n += fread(b + n, 1, cap - n, f);
		if (n < cap)
			break;
		cap *= 2;
		char *nb = realloc(b, cap + 1);

		if (!nb) {
			free(b);
			b = NULL;
		} else {
			b = nb;
		}
	}
	if (!b)
		rc = -ENOMEM;
	else if (ferror(f))
		rc = -EIO;
	fclose(f);
	if (rc) {
		free(b);
		return rc;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

/* ---- the walk ------------------------------------------------------------ */

/* Appends every *.expect.json under dir (hidden entries skipped). */
int collect(const char *dir, strlist *out)
{
	DIR *d = opendir(dir);

	if (!d) {
		int e = errno;

		fprintf(stderr, "accuracy: %s: %s\n", dir, strerror(e));
		return -e;
	}

	int rc = 0;
	struct dirent *de;

	while (rc == 0 && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;

		char *path = join(dir, de->d_name);
		struct stat st;

		if (!path) {
			rc = -ENOMEM;
			break;
		}
		if (stat(path, &st) != 0) {
			rc = -errno;
			fprintf(stderr, "accuracy: %s: %s\n", path, strerror(-rc));
			free(path);
		} else if (S_ISDIR(st.st_mode)) {
			rc = collect(path, out);
			free(path);
		} else if (S_ISREG(st.st_mode) && ends_with(de->d_name, EXPECT_SUFFIX)) {
			rc = strlist_push(out, path);
			if (rc)
				free(path);
		} else {
			free(path);
		}
	}
	closedir(d);
	return rc;
}

/*
 * The report beside an expectation: the one file in its directory named
 * stem.<ext> other than the expectation itself.  0 and *report, or a
 * negative errno with a message.
 */
int find_report(const char *expect_path, char **report)
{
	const char *slash = strrchr(expect_path, '/');
	size_t dlen = slash ? (size_t)(slash - expect_path) : 1;
	const char *base = slash ? slash + 1 : expect_path;
	size_t slen = strlen(base) - strlen(EXPECT_SUFFIX);
	char *dir = malloc(dlen + 1);

	if (!dir)
		return -ENOMEM;
	memcpy(dir, slash ? expect_path : ".", dlen);
	dir[dlen] = '\0';

	DIR *d = opendir(dir);

	if (!d) {
		int e = errno;

		fprintf(stderr, "accuracy: %s: %s\n", dir, strerror(e));
		free(dir);
		return -e;
	}

	int rc = 0;
	size_t found = 0;
	struct dirent *de;

	*report = NULL;
	while (rc == 0 && (de = readdir(d))) {
		const char *n = de->d_name;

		if (strncmp(n, base, slen) != 0 || n[slen] != '.' ||
		    ends_with(n, EXPECT_SUFFIX) || strchr(n + slen + 1, '.'))
			continue;
		found++;
		if (!*report) {
			*report = join(dir, n);
			if (!*report)
				rc = -ENOMEM;
		}
	}
	closedir(d);
	free(dir);
	if (rc == 0 && found != 1) {
		fprintf(stderr, "accuracy: %s: %s report beside it\n", expect_path,
			found ? "more than one" : "no");
		rc = -ENOENT;
	}
	if (rc) {
		free(*report);
		*report = NULL;
	}
	return rc;
}

/* ---- the expectation ----------------------------------------------------- */

static const char *const known_keys[] = {
	"shape", "agency", "year", "year_rule", "published", "encoding",
	"template", "table_templates", "sections", "warnings_contain",
	"checks_failed", "may_be_absent", "printed_breaks", "uncertain", "cells", NULL
};

static bool is_string_array(const cJSON *a, int n)
{
	const cJSON *e;

	if (!cJSON_IsArray(a) || (n >= 0 && cJSON_GetArraySize(a) != n))
		return false;
	cJSON_ArrayForEach(e, a)
		if (!cJSON_IsString(e))
			return false;
	return true;
}

/* NULL when the expectation is well formed, else what is wrong with it
 * (*key names the offending key when there is one). */
const char *malformed(const cJSON *x, const char **key)
{
	const cJSON *e;

	if (!cJSON_IsObject(x))
		return "not a JSON object";
	cJSON_ArrayForEach(e, x) {
		size_t i = 0;

		while (known_keys[i] && strcmp(known_keys[i], e->string) != 0)
			i++;
		if (!known_keys[i]) {
			*key = e->string;
			return "unknown key";
		}
	}
	if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(x, "shape")))
		return "\"shape\" must be a string";
	if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(x, "agency")))
		return "\"agency\" must be a string";
	if (!cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(x, "year")))
		return "\"year\" must be a number";
	if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(x, "year_rule")))
		return "\"year_rule\" must be a string";
	e = cJSON_GetObjectItemCaseSensitive(x, "published");
	if (!cJSON_IsString(e) && !cJSON_IsNull(e))
		return "\"published\" must be a string or null";
	if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(x, "encoding")))
		return "\"encoding\" must be a string";
	e = cJSON_GetObjectItemCaseSensitive(x, "template");
	if (e && !cJSON_IsString(e))
		return "\"template\" must be a string";
	e = cJSON_GetObjectItemCaseSensitive(x, "table_templates");
	if (e) {
		const cJSON *t;

		if (!cJSON_IsObject(e))
			return "\"table_templates\" must be an object";
		cJSON_ArrayForEach(t, e)
			if (!cJSON_IsString(t))
				return "\"table_templates\" values must be strings";
	}
	if (!is_string_array(cJSON_GetObjectItemCaseSensitive(x, "sections"), -1))
		return "\"sections\" must be an array of strings";
	e = cJSON_GetObjectItemCaseSensitive(x, "warnings_contain");
	if (e && !is_string_array(e, -1))
		return "\"warnings_contain\" must be an array of strings";
	e = cJSON_GetObjectItemCaseSensitive(x, "checks_failed");
	if (e && !is_string_array(e, -1))
		return "\"checks_failed\" must be an array of strings";
	e = cJSON_GetObjectItemCaseSensitive(x, "may_be_absent");
	if (e && !is_string_array(e, -1))
		return "\"may_be_absent\" must be an array of table names";
	e = cJSON_GetObjectItemCaseSensitive(x, "printed_breaks");
	if (e && !is_string_array(e, -1))
		return "\"printed_breaks\" must be an array of rule names";
	e = cJSON_GetObjectItemCaseSensitive(x, "uncertain");
	if (e) {
		const cJSON *u;

		if (!cJSON_IsArray(e))
			return "\"uncertain\" must be an array of [table, row, column]";
		cJSON_ArrayForEach(u, e)
			if (!is_string_array(u, 3))
				return "\"uncertain\" must be an array of [table, row, column]";
	}
	e = cJSON_GetObjectItemCaseSensitive(x, "cells");
	if (!cJSON_IsArray(e))
		return "\"cells\" must be an array";

	const cJSON *c;

	cJSON_ArrayForEach(c, e) {
		const cJSON *v = cJSON_GetArrayItem(c, 3);

		if (!cJSON_IsArray(c) || cJSON_GetArraySize(c) != 4 ||
		    !cJSON_IsString(cJSON_GetArrayItem(c, 0)) ||
		    !cJSON_IsString(cJSON_GetArrayItem(c, 1)) ||
		    !cJSON_IsString(cJSON_GetArrayItem(c, 2)) ||
		    !(cJSON_IsString(v) || cJSON_IsNull(v)))
			return "every cell must be [table, row, column, value or null]";
	}
	return NULL;
}

const char *str_item(const cJSON *x, const char *key)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(x, key);

	return cJSON_IsString(e) ? e->valuestring : NULL;
}
