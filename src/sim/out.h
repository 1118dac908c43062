/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-sim's output files (CSVs, plot data, gnuplot scripts): opened
 * and closed with one message each way, so that a full disk or a bad
 * --out reads the same whatever file it hit.
 */
#ifndef MEMBAL_SIM_OUT_H
#define MEMBAL_SIM_OUT_H

#include <stdio.h>

/* path opened for writing (close-on-exec), or NULL after
 * "membal-sim: <path>: <why>" on stderr. */
FILE *sim_out_open(const char *path);
/* Close f; 0, or -1 after "membal-sim: writing <path> failed" when a
 * write or the close failed. */
int sim_out_close(FILE *f, const char *path);

#endif
