/* say.c — messages for the caller's stream: printable, one line each. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ix.h"

void ix_say(FILE *err, const char *fmt, ...)
{
	if (!err)
		return;
	va_list ap;
	char *msg = NULL;
	va_start(ap, fmt);
	int n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	nb_buf b = {0};
	if (n >= 0)
		ix_printable(&b, msg, false);
	/* out of memory: the message is lost, not printed raw */
	fprintf(err, "%s\n", b.s && !b.oom ? b.s : "(out of memory)");
	nb_buf_free(&b);
	free(msg);
}

void ix_say_db_msg(FILE *err, sqlite3 *db, const char *msg)
{
	/* only a cancelled build interrupts (cancel.c): its status says so */
	if (sqlite3_errcode(db) == SQLITE_INTERRUPT)
		return;
	ix_say(err, "%s: %s", sqlite3_db_filename(db, "main"),
	       msg ? msg : sqlite3_errmsg(db));
}

void ix_say_db(FILE *err, sqlite3 *db)
{
	ix_say_db_msg(err, db, NULL);
}
