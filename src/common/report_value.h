/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest report as one xenstore value, memory/report (design.md
 * §Report layout: one value or one key a figure):
 *
 *     <layout> <figure> ... <figure> <stamp> [<figure of a later layout> ...]
 *
 * one line, single spaces, each field 1-20 decimal digits or "-" (a
 * figure the guest does not have). The fields come from the guest-key
 * table (keys.c), never from a list of their own: the layout (the row
 * MK_VERSION), then every figure of layouts up to REPORT_VALUE_LAYOUT_MIN
 * in table order, the stamp, then the figures of each later layout in
 * table order, so that a later layout only appends fields and an arbiter
 * finds what it knows at the same places.
 *
 * Both sides: the agent encodes, the arbiter splits (strictly, the value
 * as a whole) and hands the fields to guest_parse(), the bounds of the
 * per-key path. Pure: no xenstore here, so that it is fuzzed alone.
 */
#ifndef MEMBAL_REPORT_VALUE_H
#define MEMBAL_REPORT_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/keys.h"

/* The node, relative to the domain's memory/. */
#define REPORT_VALUE_KEY "report"
/* The first layout that has the value: a value below it is refused. */
#define REPORT_VALUE_LAYOUT_MIN 3
/* A field: 20 digits (2^64 - 1) or "-". */
#define REPORT_VALUE_FIELD_MAX 20
/* Fields of our layout: the layout, the figures, the stamp (the row
 * MK_VERSION is the layout field). */
#define REPORT_VALUE_FIELDS (MK_COUNT)
/* Our layout's longest value, without a NUL. */
#define REPORT_VALUE_MAX (REPORT_VALUE_FIELDS * (REPORT_VALUE_FIELD_MAX + 1) - 1)

_Static_assert(MEMBAL_KEY_LAYOUT_VERSION >= REPORT_VALUE_LAYOUT_MIN,
	       "the value exists from layout 3 on");
_Static_assert(REPORT_VALUE_MAX < 2048, "within xenstored's node size");

enum report_value_err {
	RV_OK = 0,
	RV_EMPTY,          /* no bytes: the hand-over's empty node, nothing published */
	RV_LEADING_SPACE,
	RV_TRAILING_SPACE,
	RV_DOUBLE_SPACE,
	RV_FIELD_TOO_LONG,
	RV_NOT_A_NUMBER,   /* a field neither digits nor "-" (NUL, sign, newline...) */
	RV_LAYOUT,         /* the layout field is "-", or below REPORT_VALUE_LAYOUT_MIN */
	RV_TOO_FEW,        /* fewer fields than the layout has */
	RV_TOO_MANY,       /* more fields than a layout we know has */
	RV_COUNT
};

const char *report_value_strerror(enum report_value_err e);

/* The keys of fields 1.. of a value of `layout` (field 0 is the layout),
 * as far as this build knows them: for a layout above ours, ours.
 * keys[] has room for MK_COUNT; returns how many. */
int report_value_keys(uint64_t layout, int keys[MK_COUNT]);

/* The agent's side: v[k]/have[k] of every key (the layout and stamp rows
 * included: have[MK_STAMP] must be set, MK_VERSION is written as our
 * layout whatever have[] says). Returns the length written into buf (not
 * NUL-terminated; buf of at least REPORT_VALUE_MAX bytes). */
size_t report_value_encode(char *buf, const uint64_t v[MK_COUNT],
			   const bool have[MK_COUNT]);

/* The arbiter's side: split s[0..len) (any bytes, not NUL-terminated)
 * into the raw[]/lens[] guest_parse() takes (raw[k] NULL for a "-" or a
 * key the value does not carry; the fields point into s). On an error
 * raw[]/lens[] are unspecified and *layout is set only if the layout
 * field was read. */
enum report_value_err report_value_split(const char *s, size_t len,
					 const char *raw[MK_COUNT],
					 unsigned lens[MK_COUNT], uint64_t *layout);

#endif
