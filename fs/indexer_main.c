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
#include <malloc.h>
#include <signal.h>
#include <string.h>

#include "fs.h"

/* Set by the signal handler, the one place that cannot be handed a
 * context. */
static atomic_int stop;

/* glibc's heaps, set for a build's churn: each phase frees most of what
 * it allocated (parsed reports, rendered trees), and glibc gave the top
 * of a heap back to the kernel past 128 KiB free (brk, or madvise for a
 * thread's heap), then grew it again, page faults and all.  Trimmed only
 * past 256 MiB, and grown 16 MiB at a time: a build of the 10,000 bench
 * reports made 575 brk and 126-288 madvise calls, 9 and 8 with these,
 * and 35,000-41,000 page faults, 27,000-35,000 (perf stat), for 2-3 MiB
 * more peak RSS (112 -> 115 MiB).  The memory stays the process's until
 * it exits, which a build does when it is done.
 *
 * Blocks of 128 KiB and more (SQLite's sorter, zstd's contexts, the
 * larger buffers) were each a mapping of their own, unmapped when freed
 * and faulted in again page by page when the next came: from the heaps
 * up to glibc's largest threshold, 32 MiB, the same build made 8,600
 * page faults instead of 11,900 (perf stat, 3 runs each), at about 19 us
 * a fault on the machines we measure on (a first touch of 64 MiB). */
#define TRIM_THRESHOLD (256 << 20)
#define TOP_PAD (16 << 20)
#define MMAP_THRESHOLD (32 << 20)

static void on_stop(int sig)
{
	(void)sig;
	atomic_store(&stop, 1);
}

int main(int argc, char **argv)
{
	struct sigaction sa;

	nb_log_to_stderr();
	/* both are hints: a libc that refuses them only costs the calls */
	mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD);
	mallopt(M_TOP_PAD, TOP_PAD);
	mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD);
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
