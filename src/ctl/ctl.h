/* SPDX-License-Identifier: GPL-2.0-only */
/* membalctl subcommands other than plan (plan.h). */
#ifndef MEMBAL_CTL_CTL_H
#define MEMBAL_CTL_CTL_H

#define CTL_STATUS_FILE "/run/membal/status.json"
#define CTL_CONTROL_SOCKET "/run/membal/control.sock"
#define CTL_ARBITER_CONFIG "/etc/membal/arbiter.ini"

#include <stddef.h>

/* The status file and control socket of arbiter.ini's [daemon] section
 * (config NULL: CTL_ARBITER_CONFIG when it exists), else the defaults
 * above. 0, or -1 with the problem on stderr. */
int ctl_paths(const char *config, char *status, size_t status_size,
	      char *socket, size_t socket_size);

int status_main(int argc, char **argv);
/* pause, resume, reserve, release: argv[0] says which. */
int control_main(int argc, char **argv);

/* "512M", "2G", "262144K", "1024" (MiB) -> KiB. 0, or -1 if malformed. */
int ctl_parse_size_kb(const char *s, unsigned long long *kb);

#endif
