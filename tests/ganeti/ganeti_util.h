/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers of the Ganeti side-by-side tests: run a program, read JSON. */
#ifndef MEMBAL_TEST_GANETI_UTIL_H
#define MEMBAL_TEST_GANETI_UTIL_H

#include <stdbool.h>
#include <stddef.h>

struct json_object;

/* argv[0] is the program; its stdout (at most 16 MiB) malloc'd, or NULL
 * when it could not run or exited non-zero. stderr goes to /dev/null. */
char *run_capture(char *const argv[]);
/* An executable path from the environment variable env, else dflt; NULL
 * when that is not executable. */
const char *tool_path(const char *env, const char *dflt);
/* $MEMBAL_FIXTURES/ganeti/name in a static buffer. */
const char *fixture(const char *name);
/* A scratch directory for this test, made once. */
const char *scratch_dir(void);
/* Remove the scratch directory and what is in it. */
void scratch_cleanup(void);

#endif
