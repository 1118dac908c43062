/* SPDX-License-Identifier: GPL-2.0-only */
/* membalctl status: the views of a parsed status file (status_view.c). */
#ifndef MEMBAL_CTL_STATUS_VIEW_H
#define MEMBAL_CTL_STATUS_VIEW_H

#include <stdbool.h>
#include <stdio.h>

#include "ctl/status_read.h"

struct st_explain {
	const char *name, *cause, *action;
};

const struct st_explain *st_explain_state(const char *name);
const struct st_explain *st_explain_flag(const char *name);

/* now: wall clock (s) for the ages; verbose adds the price column. */
void st_print_table(FILE *out, const struct st_status *st, double now, bool verbose);
/* One domain, every figure and what its state and flags mean. */
void st_print_domain(FILE *out, const struct st_status *st,
		     const struct st_dom *d, double now);
/* plan's input format (membalctl plan --help), managed domains only. */
void st_print_csv(FILE *out, const struct st_status *st);

#endif
