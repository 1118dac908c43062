/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where membalctl finds the arbiter: the [daemon] status_file and
 * control_socket of arbiter.ini, so that a host that moved them needs no
 * option on every call. Only those two keys are read; the arbiter checks
 * the rest of the file when it loads it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/config.h"
#include "ctl/ctl.h"

struct paths {
	char *status, *socket;
	size_t status_size, socket_size;
};

static bool pick(struct cfg_file *f, const char *section, const char *key,
		 const char *value, void *user)
{
	struct paths *p = user;

	if (strcmp(section, "daemon") != 0)
		return true;
	if (!strcmp(key, "status_file"))
		cfg_get_string(f, section, key, value, p->status, p->status_size);
	else if (!strcmp(key, "control_socket"))
		cfg_get_string(f, section, key, value, p->socket, p->socket_size);
	return true;
}

int ctl_paths(const char *config, char *status, size_t status_size,
	      char *socket, size_t socket_size)
{
	struct paths p = { status, socket, status_size, socket_size };
	struct cfg_file f;

	snprintf(status, status_size, "%s", CTL_STATUS_FILE);
	snprintf(socket, socket_size, "%s", CTL_CONTROL_SOCKET);
	if (!config) {
		/* The default file is optional (the defaults match it), and
		 * may be readable by root only: then the defaults too. */
		if (access(CTL_ARBITER_CONFIG, R_OK) != 0)
			return 0;
		config = CTL_ARBITER_CONFIG;
	}
	if (cfg_load(config, pick, &p, &f) < 0) {
		fprintf(stderr, "membalctl: %s: %s\n", config,
			f.first_error[0] ? f.first_error : strerror(errno));
		return -1;
	}
	return 0;
}
