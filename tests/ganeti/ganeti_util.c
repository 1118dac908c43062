/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers of the Ganeti side-by-side tests (ganeti_util.h). */
#include "ganeti_util.h"

#include <fcntl.h>
#include <ftw.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

char *run_capture(char *const argv[])
{
	posix_spawn_file_actions_t fa;
	int pipefd[2];
	pid_t pid;
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap + 1);
	int status;

	if (!buf || pipe(pipefd) < 0) {
		free(buf);
		return NULL;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	posix_spawn_file_actions_addclose(&fa, pipefd[0]);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		close(pipefd[0]);
		close(pipefd[1]);
		free(buf);
		return NULL;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	for (;;) {
		if (len == cap) {
			if (cap >= (16u << 20))
				break;
			char *nb = realloc(buf, 2 * cap + 1);

			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		ssize_t r = read(pipefd[0], buf + len, cap - len);

		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(pipefd[0]);
	buf[len] = '\0';
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

const char *tool_path(const char *env, const char *dflt)
{
	const char *p = getenv(env);

	if (!p || !*p)
		p = dflt;
	return access(p, X_OK) == 0 ? p : NULL;
}

const char *fixture(const char *name)
{
	static char path[4096];
	const char *dir = getenv("MEMBAL_FIXTURES");

	snprintf(path, sizeof(path), "%s/ganeti/%s", dir ? dir : "tests/fixtures", name);
	return path;
}

const char *scratch_dir(void)
{
	static char dir[] = "/tmp/membal-ganeti-XXXXXX";
	static bool made;

	if (!made) {
		if (!mkdtemp(dir))
			return "/tmp";
		made = true;
	}
	return dir;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(path);
}

void scratch_cleanup(void)
{
	const char *d = scratch_dir();

	if (getenv("MEMBAL_GANETI_KEEP")) {
		fprintf(stderr, "kept %s\n", d);
		return;
	}
	if (strcmp(d, "/tmp") != 0)
		nftw(d, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}
