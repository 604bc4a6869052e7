/*
 * indexer.c — running the indexer, nianbaofs-index, from the mount.
 *
 * Every build runs in that separate program (indexer_main.c): `nianbaofs
 * index` becomes it, the mount's first build and every refresh run it as
 * a child.  So the mounted program links only what serving uses (libfuse,
 * SQLite, zstd, ICU and cJSON for files rendered on read, libcrypto for
 * the default index path), not the parser's OpenCC (with marisa) and
 * libxml2 (with zlib and liblzma): 13 shared objects instead of 18 to load
 * before a mount's first answer (issue 7).  And a build's memory (the list of 100,000 raw files,
 * parsers, SQLite's caches) is the child's, returned whole when it exits:
 * run inside the daemon, a refresh at 100,000 reports raised its peak by
 * 17 MiB and left 10 MiB behind.
 *
 * The indexer runs with glibc's malloc asking for transparent huge pages
 * (child_env_make, below), unless GLIBC_TUNABLES already says otherwise.
 *
 * Errors go to fuse_log: the terminal, or syslog once in the background.
 * The indexer is looked for beside this program (a build tree, or both
 * installed in one directory), in ../libexec/nianbaofs from it (`make
 * install`, any PREFIX), then in NB_LIBEXECDIR (LIBEXECDIR at build time).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fs.h"

#define INDEXER_NAME "nianbaofs-index"

#ifndef NB_LIBEXECDIR
#define NB_LIBEXECDIR "/usr/local/libexec/nianbaofs"
#endif

extern char **environ;

static bool executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       access(path, X_OK) == 0;
}

int nb_indexer_path(char *buf, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	int w;

	if (n > 0) {
		self[n] = '\0';
		const char *dir = dirname(self);
		/* beside it (a build tree), then as `make install` lays them
		 * out, whatever PREFIX was given at install time */
		static const char *const rel[] = {
			"", "../libexec/nianbaofs/",
		};
		for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
			w = snprintf(buf, len, "%s/%s" INDEXER_NAME, dir, rel[i]);
			if (w > 0 && (size_t)w < len && executable(buf))
				return 0;
		}
	}
	w = snprintf(buf, len, "%s/" INDEXER_NAME, NB_LIBEXECDIR);
	if (w > 0 && (size_t)w < len && executable(buf))
		return 0;
	fuse_log(FUSE_LOG_ERR, "nianbaofs: cannot find " INDEXER_NAME
		 " (beside %s or in %s): reinstall nianbaofs\n",
		 n > 0 ? self : "this program", NB_LIBEXECDIR);
	return -ENOENT;
}

#define TUNABLES "GLIBC_TUNABLES="
#define HUGETLB "glibc.malloc.hugetlb="

/* The indexer's environment; mine is the variable made for it, if any. */
typedef struct {
	char **env;
	char *mine;
} child_env;

/*
 * This process's environment, with glibc's malloc told to back the heaps
 * with transparent huge pages where the kernel gives them only when asked
 * (/sys/kernel/mm/transparent_hugepage/enabled "madvise", as on the
 * development machine).  A page fault costs ~10 us on that virtual
 * machine: a build of the 10,000 bench reports took 14,100-16,600 faults,
 * 3,600-4,100 with huge pages, and 4 % less time (the README's
 * Performance).
 * GLIBC_TUNABLES that already names the tunable is left as it is (=0
 * turns it off); other tunables are kept; a glibc older than 2.35 ignores
 * one it does not know.
 */
static int child_env_make(child_env *ce)
{
	size_t n = 0, at = SIZE_MAX;
	for (; environ[n]; n++)
		if (strncmp(environ[n], TUNABLES, sizeof TUNABLES - 1) == 0)
			at = n;
	const char *old = at == SIZE_MAX ? NULL : environ[at];
	*ce = (child_env){.env = environ};
	if (old && strstr(old, HUGETLB))
		return 0;
	const char *val = old ? old + sizeof TUNABLES - 1 : "";
	size_t len = sizeof TUNABLES + strlen(val) + sizeof HUGETLB "1";
	ce->mine = malloc(len);
	ce->env = calloc(n + 2, sizeof *ce->env);
	if (!ce->mine || !ce->env) {
		free(ce->mine);
		free(ce->env);
		return -ENOMEM;
	}
	snprintf(ce->mine, len, TUNABLES "%s%s" HUGETLB "1", val,
		 *val ? ":" : "");
	memcpy(ce->env, environ, n * sizeof *ce->env);
	ce->env[at == SIZE_MAX ? n : at] = ce->mine;
	return 0;
}

static void child_env_free(child_env *ce)
{
	if (ce->mine)
		free(ce->env);
	free(ce->mine);
}

int nb_indexer_exec(char **argv)
{
	char path[PATH_MAX];
	child_env ce;

	if (nb_indexer_path(path, sizeof path) < 0)
		return NB_EXIT_FAIL;
	if (child_env_make(&ce) < 0) {
		fuse_log(FUSE_LOG_ERR, "nianbaofs: the environment of %s: %s\n",
			 path, strerror(ENOMEM));
		return NB_EXIT_FAIL;
	}
	argv[0] = path;
	execve(path, argv, ce.env);
	fuse_log(FUSE_LOG_ERR, "nianbaofs: %s: %s\n", path, strerror(errno));
	child_env_free(&ce);
	return NB_EXIT_FAIL;
}

int nb_indexer_spawn(const char *const *args, int errfd, pid_t *pid)
{
	char path[PATH_MAX];
	const char *argv[16];
	posix_spawn_file_actions_t fa;
	size_t n = 0;
	int rc = nb_indexer_path(path, sizeof path);

	if (rc < 0)
		return rc;
	argv[n++] = path;
	while (*args && n + 1 < sizeof argv / sizeof *argv)
		argv[n++] = *args++;
	argv[n] = NULL;
	if (*args)
		return -E2BIG;
	if ((rc = posix_spawn_file_actions_init(&fa)))
		return -rc;
	/* no terminal to read from; stderr where asked (a log's pipe) */
	rc = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
					      O_RDONLY, 0);
	if (!rc && errfd >= 0)
		rc = posix_spawn_file_actions_adddup2(&fa, errfd, STDERR_FILENO);
	/* posix_spawn's child starts from the calling thread: it keeps that
	 * thread's nice value (background.c), and its signal mask, here
	 * SIGHUP blocked (watch.c) -- which the child must not inherit */
	posix_spawnattr_t at;
	sigset_t none;
	sigemptyset(&none);
	child_env ce;
	if (!rc && child_env_make(&ce) < 0)
		rc = ENOMEM;
	else if (!rc) {
		if (!(rc = posix_spawnattr_init(&at))) {
			posix_spawnattr_setsigmask(&at, &none);
			posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK);
			rc = posix_spawn(pid, path, &fa, &at,
					 (char *const *)argv, ce.env);
			posix_spawnattr_destroy(&at);
		}
		child_env_free(&ce);
	}
	posix_spawn_file_actions_destroy(&fa);
	if (rc) {
		fuse_log(FUSE_LOG_ERR, "nianbaofs: %s: %s\n", path,
			 strerror(rc));
		return -rc;
	}
	return 0;
}

int nb_indexer_wait(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	/* killed: as a build that failed */
	return NB_EXIT_FAIL;
}
