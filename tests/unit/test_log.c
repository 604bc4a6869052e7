/*
 * test_log.c — what reaches the terminal in the foreground (fs/log.c): our
 * messages and libfuse's, the latter given our prefix, libfuse's -d lines
 * as they are, and none of our debug-level lines (a refresh cancelled by
 * the unmount is for syslog's debug level; a clean run says nothing).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fs.h"

/* stderr into a temporary file for the length of fn, then that file's
 * text, which the caller frees. */
static char *stderr_of(void (*fn)(void))
{
	FILE *tmp = tmpfile();
	assert_non_null(tmp);
	fflush(stderr);
	int saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(tmp), STDERR_FILENO) >= 0);
	fn();
	fflush(stderr);
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	assert_int_equal(fseek(tmp, 0, SEEK_END), 0);
	long n = ftell(tmp);
	assert_true(n >= 0);
	char *text = calloc(1, (size_t)n + 1);
	assert_non_null(text);
	rewind(tmp);
	assert_int_equal(fread(text, 1, (size_t)n, tmp), (size_t)n);
	fclose(tmp);
	return text;
}

static void say_all(void)
{
	nb_log_to_stderr();
	fuse_log(FUSE_LOG_DEBUG, "nianbaofs: %s: refresh cancelled\n", "ix");
	fuse_log(FUSE_LOG_ERR, "nianbaofs: %s: cannot read\n", "ix");
	fuse_log(FUSE_LOG_ERR, "fuse: bad mount point `%s'\n", "m");
	fuse_log(FUSE_LOG_DEBUG, "unique: %d, opcode: LOOKUP\n", 2);
}

static void terminal_lines(void **state)
{
	(void)state;
	char *text = stderr_of(say_all);
	assert_string_equal(text, "nianbaofs: ix: cannot read\n"
			    "nianbaofs: fuse: bad mount point `m'\n"
			    "unique: 2, opcode: LOOKUP\n");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(terminal_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
