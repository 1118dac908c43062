/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The INI loaders (src/common/config.c on inih, and the three schemas on
 * top of it): the arbiter's arbiter.ini ([policy], [daemon], [domain
 * NAME]), the agent's agent.ini and membal-sim's scenario files. The first
 * byte of the input picks the schema, the rest is the file. Besides
 * memory safety:
 *  - a file that loads is valid: policy_params_check() passes, domain
 *    rules have min <= max, stale_after_ms covers two intervals, the agent
 *    can honour its heartbeat, scenario domids are unique and sorted;
 *  - a file that does not load leaves the caller's copy as it was (SIGHUP
 *    with a bad file keeps the running configuration) and has named at
 *    least one error;
 *  - the exclude patterns and domain rules of a loaded file can be
 *    matched against names without trouble.
 */
#include "agent/agent_config.h"
#include "arbiter/arbiter_config.h"
#include "simhost/scenario.h"
#include "common/config.h"
#include "common/log.h"
#include "fuzz.h"

static char *text_of(const uint8_t *data, size_t size)
{
	char *t = malloc(size + 1);

	if (!t)
		abort();
	memcpy(t, data, size);
	t[size] = '\0';
	return t;
}

static void check_arbiter(const char *text)
{
	static struct arbiter_config c, before;
	static const char *const names[] = { "guest1", "web-dm", "", "a b",
					     "domain-0123456789" };
	char err[160];

	arbiter_config_defaults(&c);
	c.interval_ms = 1234;    /* a marker the loader must not touch on error */
	before = c;
	if (arbiter_config_load_string("fuzz.ini", text, &c) != 0) {
		FUZZ_CHECK(memcmp(&c, &before, sizeof(c)) == 0,
			   "a refused file changed the configuration");
		return;
	}
	FUZZ_CHECK(policy_params_check(&c.policy.params, err, sizeof(err)) == 0,
		   "loaded policy is invalid: %s", err);
	FUZZ_CHECK(c.stale_after_ms >= 2 * c.interval_ms, "stale_after_ms %u, interval %u",
		   c.stale_after_ms, c.interval_ms);
	FUZZ_CHECK(c.nrules <= ARB_MAX_RULES, "nrules %u", c.nrules);
	FUZZ_CHECK(c.max_domains >= 1 && c.max_domains <= 0x7FF0, "max_domains %u",
		   c.max_domains);
	for (unsigned i = 0; i < c.nrules; i++) {
		const struct domain_rule *r = &c.rules[i];

		FUZZ_CHECK(memchr(r->name, '\0', sizeof(r->name)) && r->name[0],
			   "rule name");
		FUZZ_CHECK(!(r->has_min && r->has_max) || r->min_kb <= r->max_kb,
			   "rule %s: min %llu > max %llu", r->name,
			   (unsigned long long)r->min_kb, (unsigned long long)r->max_kb);
		FUZZ_CHECK(!r->has_shares || (r->shares >= POLICY_SHARES_MIN &&
					      r->shares <= POLICY_SHARES_MAX),
			   "rule %s: shares %g", r->name, r->shares);
		FUZZ_CHECK(arbiter_config_rule(&c, r->name) != NULL, "rule lookup");
	}
	FUZZ_CHECK(memchr(c.exclude, '\0', sizeof(c.exclude)) != NULL, "exclude");
	FUZZ_CHECK(memchr(c.status_file, '\0', sizeof(c.status_file)) != NULL, "status_file");
	FUZZ_CHECK(memchr(c.metrics_file, '\0', sizeof(c.metrics_file)) != NULL, "metrics_file");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		(void)arbiter_config_excluded(&c, names[i]);
}

static void check_agent(const char *text)
{
	struct agent_config c, before;

	agent_config_defaults(&c);
	c.sample_ms = 4321;
	before = c;
	if (agent_config_load_string("fuzz.ini", text, &c) != 0) {
		FUZZ_CHECK(memcmp(&c, &before, sizeof(c)) == 0,
			   "a refused file changed the configuration");
		return;
	}
	FUZZ_CHECK(c.sample_ms >= 10 && c.heartbeat_ms >= c.sample_ms,
		   "sample_ms %u heartbeat_ms %u", c.sample_ms, c.heartbeat_ms);
	FUZZ_CHECK(c.fmd_window >= 1 && c.fmd_window <= 64, "fmd_window %u", c.fmd_window);
	FUZZ_CHECK(c.tx_retries >= 1, "tx_retries 0");
	FUZZ_CHECK(c.domid == AGENT_DOMID_AUTO || c.domid < 0x7FF0, "domid %u", c.domid);
	FUZZ_CHECK(memchr(c.meminfo_path, '\0', sizeof(c.meminfo_path)) && c.meminfo_path[0],
		   "meminfo_path");
}

static void check_scenario(const char *text)
{
	struct sim_scenario s;
	struct cfg_file f;

	if (sim_scenario_load_string("fuzz.ini", text, &s, &f) != 0) {
		FUZZ_CHECK(f.errors > 0 && f.first_error[0], "refused without an error");
		FUZZ_CHECK(s.n_guests == 0 && s.guests == NULL, "refused but not empty");
		return;
	}
	FUZZ_CHECK(s.total_kb > 0 && s.dom0_kb > 0, "host sizes");
	FUZZ_CHECK(s.n_guests <= SIM_MAX_GUESTS, "%zu guests", s.n_guests);
	for (size_t i = 0; i < s.n_guests; i++) {
		const struct sim_guest_spec *g = &s.guests[i];

		FUZZ_CHECK(g->domid >= 1 && g->domid < MEMBAL_DOMID_LIMIT, "domid %u", g->domid);
		FUZZ_CHECK(i == 0 || s.guests[i - 1].domid < g->domid,
			   "domids not unique and sorted");
		FUZZ_CHECK(memchr(g->name, '\0', sizeof(g->name)) && g->name[0], "name");
		FUZZ_CHECK(g->memory_kb > 0 && g->memory_kb <= g->static_max_kb,
			   "guest %s: memory %llu static-max %llu", g->name,
			   (unsigned long long)g->memory_kb,
			   (unsigned long long)g->static_max_kb);
		FUZZ_CHECK(g->stop_ms == SIM_NEVER || g->stop_ms > g->start_ms,
			   "guest %s stops before it starts", g->name);
	}
	sim_scenario_free(&s);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	FILE *null = fopen("/dev/null", "w");

	if (!null)
		abort();
	log_set_stream(null);
	log_set_level(LOG_DEBUG);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	char *text = text_of(data + 1, size - 1);

	switch (data[0] % 3) {
	case 0: check_arbiter(text); break;
	case 1: check_agent(text); break;
	case 2: check_scenario(text); break;
	}
	free(text);
	return 0;
}
