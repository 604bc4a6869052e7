/*
 * test_status.c — the named outcomes of the domain (status.c): each has a
 * name of its own that leads back to it, none can be taken for an errno,
 * and an errno keeps the system's words.  The names are stored in the
 * index (source.error) and documented, so they are spelt out here.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "nianbao.h"

static const struct {
	int status;
	const char *name;
} documented[] = {
	{ NB_NOT_A_REPORT, "not_a_report" },
	{ NB_UNDECODABLE, "undecodable" },
	{ NB_NOT_REGULAR_FILE, "not_regular_file" },
	{ NB_OUTSIDE_RAWDIR, "outside_rawdir" },
	{ NB_TOO_LARGE, "too_large" },
	{ NB_BAD_INDEX_VERSION, "bad_index_version" },
	{ NB_CANCELLED, "cancelled" },
};
#define NDOC (sizeof documented / sizeof documented[0])

static void each_status_has_its_documented_name(void **state)
{
	(void)state;
	for (size_t i = 0; i < NDOC; i++) {
		assert_string_equal(nb_status_name(documented[i].status),
				    documented[i].name);
		assert_string_equal(nb_strstatus(documented[i].status),
				    documented[i].name);
	}
}

static void each_name_leads_back_to_its_status(void **state)
{
	(void)state;
	for (size_t i = 0; i < NDOC; i++)
		assert_int_equal(nb_status_named(documented[i].name),
				 documented[i].status);
}

static void statuses_are_distinct_and_below_every_errno(void **state)
{
	(void)state;
	for (size_t i = 0; i < NDOC; i++) {
		/* Linux's errnos end at 4095 (MAX_ERRNO) */
		assert_true(documented[i].status < -4095);
		for (size_t j = i + 1; j < NDOC; j++)
			assert_int_not_equal(documented[i].status,
					     documented[j].status);
	}
}

static void success_and_errnos_have_no_status_name(void **state)
{
	(void)state;
	assert_null(nb_status_name(0));
	assert_null(nb_status_name(-ENOMEM));
	assert_null(nb_status_name(-EILSEQ));
	assert_null(nb_status_name(-ENOMSG));
	assert_null(nb_status_name(-EINVAL));
	assert_null(nb_status_name(-4095));
}

static void unknown_names_name_nothing(void **state)
{
	(void)state;
	assert_int_equal(nb_status_named(NULL), 0);
	assert_int_equal(nb_status_named(""), 0);
	assert_int_equal(nb_status_named("Not_A_Report"), 0);
	assert_int_equal(nb_status_named("not_a_report "), 0);
	/* what an index of version 2 stored */
	assert_int_equal(nb_status_named("Permission denied"), 0);
}

static void an_errno_keeps_the_systems_words(void **state)
{
	(void)state;
	assert_string_equal(nb_strstatus(-EACCES), strerror(EACCES));
	assert_string_equal(nb_strstatus(-ENOMEM), strerror(ENOMEM));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_status_has_its_documented_name),
		cmocka_unit_test(each_name_leads_back_to_its_status),
		cmocka_unit_test(statuses_are_distinct_and_below_every_errno),
		cmocka_unit_test(success_and_errnos_have_no_status_name),
		cmocka_unit_test(unknown_names_name_nothing),
		cmocka_unit_test(an_errno_keeps_the_systems_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
