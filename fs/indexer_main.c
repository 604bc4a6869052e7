/*
 * indexer_main.c — nianbaofs-index: brings the index of RAWDIR up to date
 * (cmd_index.c).  It is `nianbaofs index`, and what the mount runs for
 * every build (indexer.c): the parser's libraries are loaded only here.
 *
 *   nianbaofs-index [--db FILE] [-q] RAWDIR
 *
 * SIGTERM or SIGINT stops the build within milliseconds, rolled back as a
 * failed one is (nb_index_build_cancellable): an unmount during a
 * refresh, or Ctrl-C.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "fs.h"

/* Set by the signal handler, the one place that cannot be handed a
 * context. */
static atomic_int stop;

static void on_stop(int sig)
{
	(void)sig;
	atomic_store(&stop, 1);
}

int main(int argc, char **argv)
{
	struct sigaction sa;

	nb_log_to_stderr();
	if (nb_index_setup() != 0)
		nb_err("SQLite was in use before its settings were made");
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) != 0 ||
	    sigaction(SIGINT, &sa, NULL) != 0) {
		nb_err("cannot handle SIGTERM: %s", strerror(errno));
		return NB_EXIT_FAIL;
	}
	return nb_cmd_index(argc, argv, &stop);
}
