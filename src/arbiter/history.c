/* SPDX-License-Identifier: GPL-2.0-only */
#include "arbiter/history.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <systemd/sd-journal.h>

#include "common/log.h"

bool history_stderr_is_journal(void)
{
	const char *env = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	int used = 0;

	/* systemd sets it for a service whose stderr is the journal; a
	 * redirection (2>file) keeps the variable but changes the inode */
	if (!env || sscanf(env, "%llu:%llu%n", &dev, &ino, &used) != 2 ||
	    env[used] != '\0')
		return false;
	if (fstat(2, &st) < 0)
		return false;
	return (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}

#define FIELD_MAX 16

struct fields {
	struct iovec iov[FIELD_MAX];
	char text[FIELD_MAX][160];
	int n;
};

static void field(struct fields *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void field(struct fields *f, const char *fmt, ...)
{
	va_list ap;
	int len;

	if (f->n == FIELD_MAX)
		return;
	va_start(ap, fmt);
	len = vsnprintf(f->text[f->n], sizeof(f->text[f->n]), fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	if ((size_t)len >= sizeof(f->text[f->n]))
		len = sizeof(f->text[f->n]) - 1;
	f->iov[f->n].iov_base = f->text[f->n];
	f->iov[f->n].iov_len = (size_t)len;
	f->n++;
}

static int journal_send(void *user, const struct history_change *c, const char *message)
{
	struct fields f = { .n = 0 };
	char *full = NULL;

	(void)user;
	field(&f, "PRIORITY=%d", LOG_INFO);
	field(&f, "SYSLOG_IDENTIFIER=membal-arbiter");
	field(&f, "MEMBAL_DOMID=%u", c->domid);
	field(&f, "MEMBAL_DOMAIN=%s", c->domain);
	field(&f, "MEMBAL_REASON=%s", c->reason);
	field(&f, "MEMBAL_MODE=%s", c->mode);
	field(&f, "MEMBAL_STAGE=%s", c->stage);
	field(&f, "MEMBAL_TARGET_KB=%llu", (unsigned long long)c->target_kb);
	field(&f, "MEMBAL_OLD_TARGET_KB=%llu", (unsigned long long)c->old_kb);
	field(&f, "MEMBAL_DEMAND_KB=%llu", (unsigned long long)c->demand_kb);
	field(&f, "MEMBAL_ACTUAL_KB=%llu", (unsigned long long)c->actual_kb);
	if (c->has_price)
		field(&f, "MEMBAL_PRICE=%.6g", c->price);
	if (c->dry_run)
		field(&f, "MEMBAL_DRY_RUN=1");
	/* the message may be longer than a field buffer */
	if (asprintf(&full, "MESSAGE=%s", message) < 0)
		return -1;
	if (f.n < FIELD_MAX) {
		f.iov[f.n].iov_base = full;
		f.iov[f.n].iov_len = strlen(full);
		f.n++;
	}
	int rc = sd_journal_sendv(f.iov, f.n);

	free(full);
	return rc < 0 ? -1 : 0;
}

static const struct history_sink journal_sink = { journal_send, NULL };
static const struct history_sink *sink;
static bool detected;

void history_set_sink(const struct history_sink *s)
{
	sink = s;
	detected = s != NULL;
}

void history_target_change(const struct history_change *c, const char *message)
{
	if (log_get_level() < LOG_INFO)
		return;
	if (!detected) {
		sink = history_stderr_is_journal() ? &journal_sink : NULL;
		detected = true;
	}
	if (sink && sink->send(sink->user, c, message) == 0)
		return;
	log_info("%s", message);
}
