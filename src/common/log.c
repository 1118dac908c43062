/* SPDX-License-Identifier: GPL-2.0-only */
#include "common/log.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/clock.h"

#define LIMIT_SLOTS 256

struct limit_slot {
	uint64_t hash;
	uint64_t last_ms;
	uint64_t suppressed;
	bool used;
};

static const char *log_ident = "membal";
static struct log_config log_cfg = { .level = LOG_INFO, .sd_prefix = true,
				     .limit_ms = 60000 };
static FILE *log_stream;
/* MEMBAL_LOG_TIME set: each plain line starts with clock_now_ms(), the
 * simulated clock under membal-sim (scripts/eval-writes.sh reads it). */
static bool log_time;
static struct limit_slot limit_table[LIMIT_SLOTS];
static uint64_t suppressed_total;

static const char *const level_names[] = {
	"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
};

void log_setup(const char *ident, const struct log_config *cfg)
{
	if (ident)
		log_ident = ident;
	if (cfg)
		log_cfg = *cfg;
	log_time = getenv("MEMBAL_LOG_TIME") != NULL;
}

void log_set_level(int level)
{
	log_cfg.level = level;
}

int log_get_level(void)
{
	return log_cfg.level;
}

void log_set_stream(FILE *stream)
{
	log_stream = stream;
}

bool log_stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	int used = 0;

	if (!e || sscanf(e, "%llu:%llu%n", &dev, &ino, &used) != 2 || e[used] != '\0')
		return false;
	if (fstat(STDERR_FILENO, &st) < 0)
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

int log_level_from_name(const char *name)
{
	if (name == NULL)
		return -1;
	for (int i = 0; i < 8; i++)
		if (strcasecmp(name, level_names[i]) == 0)
			return i;
	if (strcasecmp(name, "error") == 0)
		return LOG_ERR;
	if (strcasecmp(name, "warn") == 0)
		return LOG_WARNING;
	return -1;
}

const char *log_level_name(int level)
{
	if (level < 0 || level > 7)
		return "?";
	return level_names[level];
}

static void log_vemit(int prio, const char *suffix, const char *fmt,
		      va_list ap) __attribute__((format(printf, 3, 0)));

static void log_vemit(int prio, const char *suffix, const char *fmt,
		      va_list ap)
{
	FILE *out = log_stream ? log_stream : stderr;
	char line[1024];

	/* Format into one buffer and write it with one call, so that lines
	 * from a signal-free single thread never interleave and a guest
	 * string cannot make a line unbounded. */
	vsnprintf(line, sizeof(line), fmt, ap);
	for (char *p = line; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (log_cfg.sd_prefix)
		fprintf(out, "<%d>%s%s\n", prio, line, suffix);
	else if (log_time)
		fprintf(out, "%llu %s: %s: %s%s\n", (unsigned long long)clock_now_ms(),
			log_ident, log_level_name(prio), line, suffix);
	else
		fprintf(out, "%s: %s: %s%s\n", log_ident,
			log_level_name(prio), line, suffix);
	fflush(out);
}

void log_msg(int prio, const char *fmt, ...)
{
	va_list ap;

	if (prio > log_cfg.level)
		return;
	va_start(ap, fmt);
	log_vemit(prio, "", fmt, ap);
	va_end(ap);
}

static uint64_t hash_key(const char *key)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	for (; *key; key++) {
		h ^= (unsigned char)*key;
		h *= 1099511628211ULL;
	}
	return h ? h : 1;
}

void log_limited(int prio, const char *key, const char *fmt, ...)
{
	uint64_t h = hash_key(key), now = clock_now_ms();
	struct limit_slot *slot = &limit_table[h % LIMIT_SLOTS];
	char suffix[64] = "";
	va_list ap;

	if (prio > log_cfg.level)
		return;
	/* A colliding key takes the slot over: at worst a message is printed
	 * more often than the limit, never lost for longer. */
	if (slot->used && slot->hash == h &&
	    now - slot->last_ms < log_cfg.limit_ms) {
		slot->suppressed++;
		suppressed_total++;
		return;
	}
	if (slot->used && slot->hash == h && slot->suppressed)
		snprintf(suffix, sizeof(suffix), " (%llu similar suppressed)",
			 (unsigned long long)slot->suppressed);
	slot->used = true;
	slot->hash = h;
	slot->last_ms = now;
	slot->suppressed = 0;
	va_start(ap, fmt);
	log_vemit(prio, suffix, fmt, ap);
	va_end(ap);
}

uint64_t log_suppressed_total(void)
{
	return suppressed_total;
}
