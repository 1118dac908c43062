/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Strict number parsing for text that someone else wrote: xenstore values a
 * guest published, INI values, CSV fields.
 *
 * Accepted: an optional sign only where the type allows it, then 1..N decimal
 * digits, nothing else (no spaces, no "0x", no "+", no trailing unit). The
 * caller states the longest text it will look at and the range it accepts;
 * everything else is an error with a reason that can be logged as is.
 * Unlike strtoull(), "-1" is not 2^64-1 and "12abc" is not 12.
 */
#ifndef MEMBAL_PARSE_H
#define MEMBAL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum parse_err {
	PARSE_OK = 0,
	PARSE_EMPTY,      /* no characters at all */
	PARSE_TOO_LONG,   /* more characters than the caller allows */
	PARSE_SYNTAX,     /* not a plain decimal number */
	PARSE_OVERFLOW,   /* does not fit the type */
	PARSE_RANGE,      /* fits, but outside [min, max] */
};

/* Longest decimal we ever accept from a guest: 2^64 has 20 digits. */
#define PARSE_U64_MAXLEN 20

/* Parse exactly len bytes of s (no NUL needed; an embedded NUL is a syntax
 * error). Returns PARSE_OK and sets *out, or an error and leaves *out. */
enum parse_err parse_u64n(const char *s, size_t len, size_t maxlen,
			  uint64_t min, uint64_t max, uint64_t *out);
enum parse_err parse_u64(const char *s, uint64_t min, uint64_t max,
			 uint64_t *out);
enum parse_err parse_i64(const char *s, int64_t min, int64_t max,
			 int64_t *out);

/* Plain decimal fraction: [-]digits[.digits], no exponent, no inf/nan. */
enum parse_err parse_double(const char *s, double min, double max,
			    double *out);

/* yes/no, true/false, on/off, 1/0 (case-insensitive). */
enum parse_err parse_bool(const char *s, bool *out);

const char *parse_strerror(enum parse_err err);

#endif
