/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-arbiter's command line. Conventions shared by every membal
 * program: exit 2 for a usage error, -V/--version, --log-level; the
 * daemons exit EX_CONFIG (78) for a configuration error at start, so
 * that the unit's RestartPreventExitStatus=78 stops a restart loop on a
 * file that will not get better by itself.
 */
#ifndef MEMBAL_ARBITER_OPTIONS_H
#define MEMBAL_ARBITER_OPTIONS_H

#include <stdbool.h>

#define EXIT_USAGE 2
#define EXIT_CONFIG 78   /* sysexits.h EX_CONFIG */

struct arbiter_options {
	const char *config;
	bool config_given;
	int backend;           /* -1: from the config */
	const char *scenario;
	int sim_agents;
	const char *sim_guest_dir;
	const char *sim_xsd_control;
	const char *status_file;   /* override; a dry run writes only these */
	const char *metrics_file;
	int log_level;             /* -1: the config's */
	bool dry_run, once, check_config, check_host, quiet;
};

/* 0, or EXIT_USAGE after a message on stderr; exits 0 itself for --help
 * and --version. */
int arbiter_options_parse(int argc, char **argv, struct arbiter_options *o);

#endif
