/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The arbiter's untrusted boundary (src/arbiter/guest.c): what a guest
 * wrote under memory/ into checked figures. The input chooses the
 * domain's static-max and, for every report key, whether it is absent or
 * which bytes it holds (any bytes, up to the 2048 xenstored allows).
 * Besides memory safety, guest_parse() must:
 *  - accept only reports with every required key, each a plain decimal
 *    within its bound (sizes within static-max or POLICY_KB_MAX),
 *    free/avail <= tot and swap_free <= swap_tot, the LRU lists,
 *    AnonPages and Shmem <= tot;
 *  - give back exactly the value a strict decimal reading gives;
 *  - leave *out untouched when it refuses, and count every refusal once;
 *  - write a NUL-terminated reason that names a key.
 */
#include "arbiter/guest.h"
#include "policy/policy.h"
#include "fuzz.h"

static const bool required[MK_COUNT] = {
	[MK_TOT] = true, [MK_FREE] = true, [MK_COMMITTED_AS] = true,
	[MK_SWAP_TOT] = true, [MK_SWAP_FREE] = true, [MK_STAMP] = true,
};

/* An independent reading of "plain decimal, 1..20 digits, fits 64 bits". */
static bool plain_decimal(const char *s, size_t n, uint64_t *v)
{
	unsigned __int128 acc = 0;

	if (n == 0 || n > 20)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		acc = acc * 10 + (unsigned)(s[i] - '0');
	}
	if (acc > UINT64_MAX)
		return false;
	*v = (uint64_t)acc;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz z = { data, size };
	const char *raw[MK_COUNT];
	unsigned len[MK_COUNT];
	struct guest_bounds b;
	struct guest_figures g, canary;
	struct guest_rejects rej = { 0 };
	char why[64];
	uint64_t v[MK_COUNT];
	bool num[MK_COUNT];

	b.mem_max_kb = fz_bool(&z) ? fz_u64(&z) : fz_range(&z, 0, UINT64_C(1) << 34);
	for (int k = 0; k < MK_COUNT; k++) {
		uint8_t how = fz_u8(&z);
		size_t n;

		if (how % 5 == 0) {
			raw[k] = NULL;
			len[k] = 0;
		} else {
			raw[k] = fz_bytes(&z, how % 5 == 4 ? 2048 : 24, &n);
			len[k] = (unsigned)n;
		}
		num[k] = raw[k] && plain_decimal(raw[k], len[k], &v[k]);
	}
	memset(&canary, 0xa5, sizeof(canary));
	g = canary;
	memset(why, 'x', sizeof(why));
	bool ok = guest_parse(raw, len, &b, &g, &rej, why, sizeof(why));

	FUZZ_CHECK(memchr(why, '\0', sizeof(why)) != NULL, "reason not terminated");
	FUZZ_CHECK(rej.reports == (ok ? 0 : 1), "reports %llu for ok=%d",
		   (unsigned long long)rej.reports, ok);
	if (!ok) {
		FUZZ_CHECK(memcmp(&g, &canary, sizeof(g)) == 0, "refused but *out written");
		bool named = false;

		for (int k = 0; k < MK_COUNT; k++)
			named |= required[k] && !strncmp(why, membal_key_name(k),
							 strlen(membal_key_name(k)));
		FUZZ_CHECK(named, "reason '%s' names no required key", why);
		return 0;
	}
	FUZZ_CHECK(why[0] == '\0', "accepted with a reason");
	for (int k = 0; k < MK_COUNT; k++) {
		if (required[k])
			FUZZ_CHECK(guest_has(&g, k), "required key %s missing",
				   membal_key_name(k));
		if (!guest_has(&g, k))
			continue;
		FUZZ_CHECK(num[k] && g.v[k] == v[k], "key %s: %llu is not what was written",
			   membal_key_name(k), (unsigned long long)g.v[k]);
	}
	const uint64_t *x = g.v;

	FUZZ_CHECK(x[MK_TOT] <= b.mem_max_kb && x[MK_FREE] <= x[MK_TOT],
		   "tot/free out of bounds");
	FUZZ_CHECK(!guest_has(&g, MK_AVAIL) || x[MK_AVAIL] <= x[MK_TOT], "avail > tot");
	FUZZ_CHECK(x[MK_COMMITTED_AS] <= POLICY_KB_MAX, "committed_as above POLICY_KB_MAX");
	FUZZ_CHECK(x[MK_SWAP_TOT] <= POLICY_KB_MAX && x[MK_SWAP_FREE] <= x[MK_SWAP_TOT],
		   "swap out of bounds");
	FUZZ_CHECK(!guest_has(&g, MK_BALLOON_CURRENT) || x[MK_BALLOON_CURRENT] <= b.mem_max_kb,
		   "balloon_current above static-max");
	FUZZ_CHECK(!guest_has(&g, MK_BALLOON_TARGET) || x[MK_BALLOON_TARGET] <= b.mem_max_kb,
		   "balloon_target above static-max");
	FUZZ_CHECK(!guest_has(&g, MK_PSI_SOME) || x[MK_PSI_SOME] <= 10000, "psi above 100 %%");
	FUZZ_CHECK(!guest_has(&g, MK_SWAP_ZRAM) || x[MK_SWAP_ZRAM] <= x[MK_SWAP_TOT],
		   "swap_zram above swap_tot");
	/* The layout-2 sizes: within static-max and within MemTotal. */
	static const int sizes[] = { MK_ACTIVE_ANON, MK_INACTIVE_ANON, MK_ACTIVE_FILE,
				     MK_INACTIVE_FILE, MK_ANON_PAGES, MK_SHMEM };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		int k = sizes[i];

		FUZZ_CHECK(!guest_has(&g, k) || (x[k] <= b.mem_max_kb && x[k] <= x[MK_TOT]),
			   "%s above tot or static-max", membal_key_name(k));
	}
	/* Every optional key that was written and not kept was counted. */
	uint64_t dropped = 0;

	for (int k = 0; k < MK_COUNT; k++)
		dropped += !required[k] && raw[k] && len[k] && !guest_has(&g, k);
	FUZZ_CHECK(rej.keys == dropped, "keys dropped %llu counted %llu",
		   (unsigned long long)dropped, (unsigned long long)rej.keys);
	return 0;
}
