/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tests that check what was logged: capture membal's log into memory for
 * one test (cmocka setup/teardown) and search it.
 */
#ifndef MEMBAL_TEST_LOGCAP_H
#define MEMBAL_TEST_LOGCAP_H

#include <stdio.h>
#include <stdlib.h>

#include "common/log.h"

static char *logcap_buf;
static size_t logcap_len;
static FILE *logcap_stream;

static int logcap_setup(void **state)
{
	(void)state;
	logcap_stream = open_memstream(&logcap_buf, &logcap_len);
	log_set_stream(logcap_stream);
	return 0;
}

static int logcap_teardown(void **state)
{
	(void)state;
	log_set_stream(NULL);
	fclose(logcap_stream);
	free(logcap_buf);
	logcap_buf = NULL;
	return 0;
}

/* A test run with the log captured. */
#define logcap_test(f) cmocka_unit_test_setup_teardown(f, logcap_setup, logcap_teardown)

/* Everything logged since setup. */
static const char *logged(void)
{
	fflush(logcap_stream);
	return logcap_buf ? logcap_buf : "";
}

#endif
