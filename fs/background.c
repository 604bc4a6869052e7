/*
 * background.c — lowering the priority of the thread that refreshes the
 * index, so that it yields the CPU to the workers answering requests.
 *
 * A mount whose index is served as it was starts by bringing it up to
 * date beside the mount (startup.c, watch.c), which reads the whole index
 * (2.2 GB at 100,000 reports).  On a busy 2-core machine that refresh,
 * at the workers' priority, took a core while the first `ls` was being
 * answered (issue 7).  Only the calling thread is changed: on Linux, nice
 * is per thread.  The I/O priority is left alone: the idle class lets
 * mq-deadline hold a request up to 10 s while others read, which would
 * stretch a refresh of 560,000 pages without bound on a busy disk.
 */
#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fs.h"

/* nice 10: a weight of 110 against the workers' 1024 (the kernel's
 * sched_prio_to_weight), ~10 % of a core while they are busy, all of it
 * when they are idle; not 19, so that a refresh still ends in seconds on
 * a machine loaded by others. */
#define BACKGROUND_NICE 10

int nb_thread_background(void)
{
	pid_t tid = (pid_t)syscall(SYS_gettid);

	if (setpriority(PRIO_PROCESS, (id_t)tid, BACKGROUND_NICE) != 0)
		return -errno;
	return 0;
}
