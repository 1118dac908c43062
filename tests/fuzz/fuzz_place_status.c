/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-place's reader of a host's status file (src/placetool/
 * status_json.c, through json-c) and, when it accepts one, the placement
 * core on the snapshot it built, every algorithm. The status comes over
 * ssh from a host: damaged or hostile text must give an error, never a
 * crash. Besides memory safety:
 *  - a refused status has an error naming the host;
 *  - an accepted one gives figures that add up (capacity >= reserve);
 *  - every plan places each guest once or says why, and no placement
 *    puts more on a host than its capacity.
 */
#include <json-c/json.h>

#include "fuzz.h"
#include "placetool/cache.h"
#include "placetool/placetool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[1 << 16], why[200], err[600] = "";
	struct json_object *st;
	struct snap s;

	if (size >= sizeof(text))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	st = parse_json(text, strlen(text), why, sizeof(why));
	if (!st)
		return 0;
	snap_init(&s);
	if (snap_add_status(&s, "A", st, "4.17", "v3", 3, err, sizeof(err)) < 0) {
		FUZZ_CHECK(!strncmp(err, "host A: ", 8), "error without the host: '%s'", err);
		goto out;
	}
	FUZZ_CHECK(s.nh == 1 && s.hosts[0].reserve_kb <= s.hosts[0].mem_kb,
		   "reserve above capacity");
	for (int a = 0; a < PLACE_ALG_COUNT; a++) {
		struct place_params p;
		struct place_plan pl;

		place_params_default(&p);
		if (place_plan(&p, s.hosts, s.nh, s.doms, s.nd, a, &pl) < 0) {
			place_plan_free(&pl);
			continue;
		}
		uint64_t held = 0;

		for (size_t j = 0; j < s.nd; j++) {
			FUZZ_CHECK((pl.host[j] >= 0) == (pl.why[j] == PLACE_WHY_NONE),
				   "guest %zu neither placed nor explained", j);
			if (pl.host[j] >= 0)
				held += pl.size_kb[j];
		}
		FUZZ_CHECK(a == PLACE_REBALANCE ||
			   held <= s.hosts[0].mem_kb - s.hosts[0].reserve_kb,
			   "%s: host over its capacity", place_algorithm_names[a]);
		place_plan_free(&pl);
	}
out:
	snap_free(&s);
	json_object_put(st);
	return 0;
}
