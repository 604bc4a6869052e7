/*
 * daemon.c — going to the background before the index is opened, so that
 * it is opened once.
 *
 * libfuse's fuse_daemonize forks once everything is set up.  SQLite
 * connections must not cross a fork(), so the mount opened the index to
 * check it, closed it, and opened it again in the child: a second schema
 * read, pin and connection before the first answer (issue 7's mount until
 * the first `ls`).  Here the process forks first: the child does
 * everything, says what went wrong on the terminal it still shares, then
 * tells the parent it is serving and only then leaves the terminal.  The
 * parent, which waited, exits with the child's status, so `nianbaofs ...
 * && ls MOUNTPOINT` still finds the mount there.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fs.h"

int nb_daemon_fork(int *ready, int *status)
{
	int fds[2];
	char byte;

	*ready = -1;
	if (pipe2(fds, O_CLOEXEC) != 0) {
		int e = errno;
		nb_err("cannot go to the background: %s", strerror(e));
		return -e;
	}
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		nb_err("cannot go to the background: %s", strerror(e));
		close(fds[0]);
		close(fds[1]);
		return -e;
	}
	if (pid == 0) {
		close(fds[0]);
		*ready = fds[1];
		return 0;
	}
	close(fds[1]);
	ssize_t n;
	while ((n = read(fds[0], &byte, 1)) < 0 && errno == EINTR)
		;
	close(fds[0]);
	if (n == 1) {		/* serving */
		*status = NB_EXIT_OK;
		return 1;
	}
	/* it ended before serving, having said why (ws stays 0, a failure
	 * below, if it cannot be waited for) */
	int ws = 0;
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	*status = WIFEXITED(ws) && WEXITSTATUS(ws) ? WEXITSTATUS(ws) :
		  NB_EXIT_FAIL;
	return 1;
}

void nb_daemon_ready(int ready)
{
	/* as fuse_daemonize: no directory kept busy, even in the foreground */
	if (chdir("/") != 0)
		nb_err("cannot change to /: %s", strerror(errno));
	if (ready < 0)
		return;
	/* no longer the terminal's: its ^C and hangup are not ours */
	(void)setsid();
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		(void)dup2(null, STDIN_FILENO);
		(void)dup2(null, STDOUT_FILENO);
		(void)dup2(null, STDERR_FILENO);
		if (null > STDERR_FILENO)
			close(null);
	}
	char byte = 1;
	/* the parent reads it or is gone: either way nothing to do */
	(void)!write(ready, &byte, 1);
	close(ready);
}
