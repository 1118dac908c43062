/* SPDX-License-Identifier: GPL-2.0-only */
#include "sim/out.h"

#include <errno.h>
#include <string.h>

FILE *sim_out_open(const char *path)
{
	FILE *f = fopen(path, "we");

	if (!f)
		fprintf(stderr, "membal-sim: %s: %s\n", path, strerror(errno));
	return f;
}

int sim_out_close(FILE *f, const char *path)
{
	/* | not ||: close even when a write failed */
	if (ferror(f) | (fclose(f) != 0)) {
		fprintf(stderr, "membal-sim: writing %s failed\n", path);
		return -1;
	}
	return 0;
}
