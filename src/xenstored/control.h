/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Control socket of membal-test-xenstored (TEST INFRASTRUCTURE): one-line
 * text commands, each answered by "OK ..." or "ERR reason" (dump answers
 * the tree, one node a line, then "OK"). See docs/testing.md.
 */
#ifndef MEMBAL_TEST_XSD_CONTROL_H
#define MEMBAL_TEST_XSD_CONTROL_H

#include <stdbool.h>
#include <stdio.h>

#include "xenstored/xsd.h"

#define CONTROL_LINE_MAX 4096

/* The answer to one command line (without its newline), malloc'd, every
 * line ending in '\n'; *quit is set by "quit". */
char *control_handle(struct xsd *x, const char *line, bool *quit);

/* Serve the control socket at path until "quit" or until stop_fd becomes
 * readable (a signalfd). 0, or -1 with errno if the socket cannot be made. */
int control_serve(struct xsd *x, const char *path, int stop_fd);

/* Client: send cmd, copy the answer to out. 0 on "OK", 1 on "ERR", 2 if
 * the server cannot be reached or the answer is cut short. */
int control_client(const char *path, const char *cmd, FILE *out);

#endif
