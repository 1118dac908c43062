/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reservations (membalctl reserve): memory the arbiter frees and keeps
 * free for a domain that is about to arrive (xl create, xl migrate, xl
 * restore). Several at once, each with an id.
 *
 * A reservation made --for NAME is consumed by the first domain that
 * appears after it under NAME or NAME--incoming (xl's name for a domain
 * being received): what that domain holds or was promised (max of tot
 * and memory/target) comes out of the reservation, not out of the other
 * guests. Without this the host would count the arriving domain twice,
 * once in free memory and once in the reservation, and squeeze everybody
 * else a second time by its size. At the domain's first agent report the
 * arbiter manages it and the rest of the reservation is released.
 *
 * A lease ends a reservation that nobody renews (a migration tool that
 * died must not keep the host squeezed for ever).
 */
#ifndef MEMBAL_ARBITER_RESERVE_H
#define MEMBAL_ARBITER_RESERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arbiter/arbiter_config.h"

#define RESV_MAX 16
#define RESV_STATE_MAX 256
#define RESV_INCOMING "--incoming"

struct arbiter;

struct reservation {
	uint32_t id;                 /* 0: free slot */
	uint64_t kb;
	uint64_t made_ms;
	uint64_t lease_ms;           /* 0: until released */
	uint64_t until_ms;           /* made or renewed + lease */
	char for_name[ARB_NAME_MAX]; /* "" : for nobody in particular */
	uint32_t consumer;           /* domid + 1 of the domain it is for; 0 none */
	uint64_t consumed_kb;        /* of kb, held by the consumer (last cycle) */
	uint64_t need_kb;            /* --need: what the newcomer will hold
				      * once it runs; 0 not said (then kb) */
	bool need_lent;              /* resv_need_wait_s took guests' needs for it */
	char state[RESV_STATE_MAX];  /* membalctl state import before the
				      * domain arrived: applied to it then */
};

/* A reservation resv_need_wait_s paid for, released by `xl create`'s
 * toolstack before the domain was listed: the name and size its domain
 * is kept at (resv_born.c). */
struct resv_born {
	char for_name[ARB_NAME_MAX]; /* "": free slot */
	uint64_t kb;
	uint64_t made_ms;            /* the reservation's: its domain is younger */
	uint64_t until_ms;           /* forgotten then if no domain claimed it */
};

/* A new reservation; its id in *id. 0, or -1 with errno ENOSPC (RESV_MAX
 * in force) or EINVAL (name too long). */
int arbiter_reserve(struct arbiter *a, uint64_t kb, uint64_t lease_ms,
		    const char *for_name, uint32_t *id);
/* The newcomer's need (membalctl reserve --for NAME --need SIZE): what
 * the domain it is for will hold once it runs, above or below the size
 * it is created with. 0, or -1 with errno ENOENT (no such reservation)
 * or EINVAL (a reservation for nobody in particular has no newcomer;
 * need_kb 0 or above POLICY_KB_MAX). */
int arbiter_reserve_need(struct arbiter *a, uint32_t id, uint64_t need_kb);
/* Release one (id > 0) or every reservation (id 0); how many were
 * released, or -1 with errno ENOENT. */
int arbiter_release(struct arbiter *a, uint32_t id);
/* Start the lease again. 0, or -1 with errno ENOENT. */
int arbiter_renew(struct arbiter *a, uint32_t id);
struct reservation *arbiter_reservation(struct arbiter *a, uint32_t id);

/* Once per cycle, after the names are read: leases, consumers, the rest
 * released at adoption. Sets a->reserve_kb, the memory kept free. */
void arbiter_reservations_account(struct arbiter *a, uint64_t now);
/* How long the oldest --for reservation whose domain has not appeared has
 * been in force at now (0: none); the policy's resv_need_wait_s. */
uint64_t arbiter_reservations_waited_ms(const struct arbiter *a, uint64_t now);
/* True when some --for reservation waits for a consumer (the arbiter then
 * reads the names of domains still being built). */
bool arbiter_reservations_pending(const struct arbiter *a);

/* Is reservation id's memory free above the reserve and the others (as of
 * the last cycle)? 1 yes, 0 no (*missing_kb and why filled), -1 ENOENT. */
int arbiter_reservation_ready(struct arbiter *a, uint32_t id,
			      uint64_t *missing_kb, char *why, size_t size);

#endif
