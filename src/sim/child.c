/* SPDX-License-Identifier: GPL-2.0-only */
#include "sim/child.h"

#include <stdio.h>
#include <sys/wait.h>

bool child_exited_ok(pid_t pid, const char *what)
{
	int status;

	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (what)
			fprintf(stderr, "membal-sim: %s failed\n", what);
		return false;
	}
	return true;
}
