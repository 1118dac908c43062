/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `await ID MS`: `membalctl reserve --wait` answered the moment a cycle
 * makes its reservation ready, not at its next ask. The answer of a
 * reservation changes at the arbiter's cycles (regular, or the early one
 * `follow_up_ms` after a cycle that cut guests for the room); asked every
 * 100 ms, the new guest waited up to 100 ms past the cycle that found its
 * room with its whole need short (docs/evaluation.md, "Session 19: the
 * lag (lag19)"). A request that is not ready is parked here, its
 * connection kept open, and answered by control_wake(): after each cycle
 * if ready (or gone), else at its deadline with the `reserved` answer.
 * One control socket per process, so the table is the module's.
 */
#include "arbiter/control.h"

#include "arbiter/reserve.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "common/parse.h"

struct parked {
	int fd;
	uint32_t id;
	uint64_t until_ms;
};

static struct parked parked[CONTROL_AWAIT_MAX];
static size_t n_parked;

int control_reserved_answer(struct arbiter *a, uint32_t id, char *answer, size_t size)
{
	uint64_t missing;
	char why[CONTROL_ANSWER_MAX - 64];
	int r = arbiter_reservation_ready(a, id, &missing, why, sizeof(why));

	if (r < 0)
		snprintf(answer, size, "ERR no reservation %u (expired or released?)", id);
	else if (r)
		snprintf(answer, size, "OK ready %u", id);
	else
		snprintf(answer, size, "OK missing %llu %s", (unsigned long long)missing, why);
	return r;
}

/* One answer line; a client that went away costs nothing (no SIGPIPE). */
static void send_line(int fd, const char *answer)
{
	char line[CONTROL_ANSWER_MAX + 1];
	int n = snprintf(line, sizeof(line), "%s\n", answer);

	if (n >= (int)sizeof(line))
		n = (int)sizeof(line) - 1;   /* never: answers are shorter */
	if (send(fd, line, (size_t)n, MSG_NOSIGNAL) != n)
		log_debug("control: an awaited answer was not delivered: %s", strerror(errno));
}

bool control_await(struct arbiter *a, int fd, const char *args, uint64_t now_ms)
{
	char buf[CONTROL_LINE_MAX], answer[CONTROL_ANSWER_MAX], *save = NULL;
	char *s_id, *s_ms;
	uint64_t id, ms;

	snprintf(buf, sizeof(buf), "%s", args);
	s_id = strtok_r(buf, " ", &save);
	s_ms = strtok_r(NULL, " ", &save);
	if (!s_id || !s_ms || strtok_r(NULL, " ", &save) ||
	    parse_u64(s_id, 1, UINT32_MAX, &id) != PARSE_OK ||
	    parse_u64(s_ms, 0, CONTROL_AWAIT_MS_MAX, &ms) != PARSE_OK) {
		snprintf(answer, sizeof(answer), "ERR usage: await ID MS (MS 0..%u)",
			 CONTROL_AWAIT_MS_MAX);
		send_line(fd, answer);
		return false;
	}
	if (control_reserved_answer(a, (uint32_t)id, answer, sizeof(answer)) != 0 ||
	    ms == 0 || n_parked == CONTROL_AWAIT_MAX) {
		/* ready, gone, no wait asked, or no room to park: as `reserved` */
		send_line(fd, answer);
		return false;
	}
	parked[n_parked++] = (struct parked){ .fd = fd, .id = (uint32_t)id,
					      .until_ms = now_ms + ms };
	return true;
}

void control_wake(struct arbiter *a, uint64_t now_ms)
{
	char answer[CONTROL_ANSWER_MAX];

	for (size_t i = 0; i < n_parked;) {
		int r = control_reserved_answer(a, parked[i].id, answer, sizeof(answer));

		if (r == 0 && now_ms < parked[i].until_ms) {
			i++;
			continue;
		}
		send_line(parked[i].fd, answer);
		close(parked[i].fd);
		parked[i] = parked[--n_parked];
	}
}

uint64_t control_wake_due(uint64_t until_ms)
{
	for (size_t i = 0; i < n_parked; i++)
		if (parked[i].until_ms < until_ms)
			until_ms = parked[i].until_ms;
	return until_ms;
}

size_t control_awaiting(void)
{
	return n_parked;
}

void control_await_close(void)
{
	while (n_parked) {
		send_line(parked[--n_parked].fd, "ERR membal-arbiter stopping");
		close(parked[n_parked].fd);
	}
}
