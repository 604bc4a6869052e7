/*
 * test_jsonout.c — JSON written as it goes (index/jsonout.c) is byte for
 * byte what cJSON_Print prints for the same tree (meta.json's bytes were
 * cJSON's): empty and nested objects and arrays, objects in an array,
 * strings with every kind of escape and UTF-8, null, booleans, integers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "ix.h"

static const char *const strings[] = {
	"", "plain", "中文 “引号”", "q\"b\\s/", "\b\f\n\r\t", "\x01\x1f\x7f",
	"\xE2\x80\xAE bidi", "\xFF not UTF-8",
};
#define NSTRINGS (sizeof strings / sizeof *strings)

static void test_as_cjson_prints(void **state)
{
	(void)state;
	cJSON *root = cJSON_CreateObject();
	nb_buf b = {0};
	ix_json j = {.b = &b};
	ix_json_object(&j);

	for (size_t i = 0; i < NSTRINGS; i++) {
		cJSON_AddStringToObject(root, strings[i], strings[NSTRINGS - 1 - i]);
		ix_json_key(&j, strings[i]);
		ix_json_string(&j, strings[NSTRINGS - 1 - i]);
	}
	cJSON_AddNullToObject(root, "null");
	ix_json_key(&j, "null");
	ix_json_string(&j, NULL);
	cJSON_AddNumberToObject(root, "year", 2021);
	ix_json_key(&j, "year");
	ix_json_int(&j, 2021);
	cJSON_AddNumberToObject(root, "negative", -7);
	ix_json_key(&j, "negative");
	ix_json_int(&j, -7);
	cJSON_AddBoolToObject(root, "yes", 1);
	ix_json_key(&j, "yes");
	ix_json_bool(&j, true);
	cJSON_AddBoolToObject(root, "no", 0);
	ix_json_key(&j, "no");
	ix_json_bool(&j, false);
	cJSON_AddObjectToObject(root, "empty object");
	ix_json_key(&j, "empty object");
	ix_json_object(&j);
	ix_json_close(&j);
	cJSON_AddArrayToObject(root, "empty array");
	ix_json_key(&j, "empty array");
	ix_json_array(&j);
	ix_json_close(&j);

	cJSON *arr = cJSON_AddArrayToObject(root, "array");
	ix_json_key(&j, "array");
	ix_json_array(&j);
	for (size_t i = 0; i < NSTRINGS; i++) {
		cJSON_AddItemToArray(arr, cJSON_CreateString(strings[i]));
		ix_json_string(&j, strings[i]);
	}
	cJSON_AddItemToArray(arr, cJSON_CreateNull());
	ix_json_null(&j);
	ix_json_close(&j);

	cJSON *objs = cJSON_AddArrayToObject(root, "objects");
	ix_json_key(&j, "objects");
	ix_json_array(&j);
	for (int i = 0; i < 3; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToArray(objs, o);
		ix_json_object(&j);
		if (i == 1) {	/* one empty, between two full */
			ix_json_close(&j);
			continue;
		}
		cJSON_AddStringToObject(o, "rule", "t3.balance");
		cJSON_AddNullToObject(o, "subject");
		cJSON_AddBoolToObject(o, "ok", i);
		cJSON *inner = cJSON_AddObjectToObject(o, "inner");
		cJSON_AddStringToObject(inner, "k", "v");
		ix_json_key(&j, "rule");
		ix_json_string(&j, "t3.balance");
		ix_json_key(&j, "subject");
		ix_json_null(&j);
		ix_json_key(&j, "ok");
		ix_json_bool(&j, i);
		ix_json_key(&j, "inner");
		ix_json_object(&j);
		ix_json_key(&j, "k");
		ix_json_string(&j, "v");
		ix_json_close(&j);
		ix_json_close(&j);
	}
	ix_json_close(&j);
	ix_json_close(&j);

	char *want = cJSON_Print(root);
	assert_false(b.oom);
	assert_string_equal(b.s, want);
	free(want);
	cJSON_Delete(root);
	nb_buf_free(&b);

	/* an empty object alone */
	root = cJSON_CreateObject();
	ix_json e = {.b = &b};
	ix_json_object(&e);
	ix_json_close(&e);
	want = cJSON_Print(root);
	assert_string_equal(b.s, want);
	free(want);
	cJSON_Delete(root);
	nb_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_as_cjson_prints),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
