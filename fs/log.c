/*
 * log.c — where libfuse's messages and ours go: the terminal until the
 * filesystem goes to the background, syslog after (stderr is /dev/null then);
 * and nb_err, for what the commands say on the terminal.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "fs.h"

/* Our own messages start with NB_PREFIX.  libfuse's start with "fuse: "
 * and may come in several pieces (as may -d output), so only a piece that
 * starts a message gets the prefix.  Ours at FUSE_LOG_DEBUG (a refresh
 * cancelled by the unmount, say) are for syslog's debug level, not the
 * terminal: a clean foreground run says nothing.  libfuse's own debug
 * lines are printed only under -d, and pass. */
static void log_stderr(enum fuse_log_level level, const char *fmt, va_list ap)
{
	if (level == FUSE_LOG_DEBUG &&
	    strncmp(fmt, NB_PREFIX, strlen(NB_PREFIX)) == 0)
		return;
	if (strncmp(fmt, "fuse: ", strlen("fuse: ")) == 0)
		fputs(NB_PREFIX, stderr);
	vfprintf(stderr, fmt, ap);
}

/* fuse_log's levels are syslog's priorities, by design; syslog names the
 * program itself. */
static void log_syslog(enum fuse_log_level level, const char *fmt, va_list ap)
{
	if (strncmp(fmt, NB_PREFIX, strlen(NB_PREFIX)) == 0)
		fmt += strlen(NB_PREFIX);
	vsyslog((int)level, fmt, ap);
}

void nb_log_to_stderr(void)
{
	fuse_set_log_func(log_stderr);
}

void nb_log_to_syslog(void)
{
	openlog("nianbaofs", LOG_PID, LOG_DAEMON);
	fuse_set_log_func(log_syslog);
}

void nb_err(const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL, *shown = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	/* names in messages may hold terminal escapes: shown escaped */
	if (n >= 0)
		shown = nb_printable(msg, true);
	fprintf(stderr, "%s%s\n", NB_PREFIX, shown ? shown : "out of memory");
	free(shown);
	free(msg);
}
