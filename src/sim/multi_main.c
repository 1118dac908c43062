/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-sim on a cluster scenario: every [run] from the same start, up
 * to `jobs` at once, each in a process of its own (a run drives the
 * process-wide clock and log), its result sent back through a pipe; then
 * the table, CSVs and plots (multi_report.c). Results do not depend on
 * how many run at once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "sim/child.h"
#include "sim/fdio.h"
#include "sim/multi.h"
#include "sim/pin.h"

/* The child is a fork of this program: the struct as its bytes, then
 * the arrays (each with its spare last slot). */
static bool send_result(int fd, const struct multi_result *r)
{
	return fd_write_all(fd, r, sizeof(*r)) &&
	       fd_write_all(fd, r->tick, (r->n_ticks + 1) * sizeof(*r->tick)) &&
	       fd_write_all(fd, r->host_used, (r->n_ticks + 1) * r->n_hosts * sizeof(float)) &&
	       fd_write_all(fd, r->point, r->n_points * sizeof(*r->point));
}

static bool recv_result(int fd, struct multi_result *r)
{
	if (!fd_read_all(fd, r, sizeof(*r)))
		return false;
	r->tick = calloc(r->n_ticks + 1, sizeof(*r->tick));
	r->host_used = calloc((r->n_ticks + 1) * (r->n_hosts ? r->n_hosts : 1), sizeof(float));
	r->point = calloc(r->n_points + 1, sizeof(*r->point));
	if (!r->tick || !r->host_used || !r->point ||
	    !fd_read_all(fd, r->tick, (r->n_ticks + 1) * sizeof(*r->tick)) ||
	    !fd_read_all(fd, r->host_used, (r->n_ticks + 1) * r->n_hosts * sizeof(float)) ||
	    !fd_read_all(fd, r->point, r->n_points * sizeof(*r->point))) {
		multi_result_free(r);
		return false;
	}
	return true;
}

struct child {
	pid_t pid;
	int fd;
	char log[1400];
};

static int start(const struct multi_scenario *m, size_t i, const struct sim_policy *pol,
		 const char *name, const struct multi_cli *o, struct child *c)
{
	int p[2];

	snprintf(c->log, sizeof(c->log), "%s/%s.%s.log", o->out, name, m->run[i].name);
	if (pipe(p) < 0) {
		fprintf(stderr, "membal-sim: pipe: %s\n", strerror(errno));
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	c->pid = fork();
	if (c->pid < 0) {
		fprintf(stderr, "membal-sim: fork: %s\n", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (c->pid == 0) {
		struct sim_run_options ro = {
			.duration_ms = o->duration_s ? o->duration_s * 1000 : m->sc.duration_ms,
			.tick_ms = o->tick_ms,
			.log_level = o->log_level,
			.log_path = c->log,
		};
		struct multi_result r;

		close(p[0]);
		/* Runs finish in the order they started: slot i % jobs is
		 * the one the run before it left. */
		if (!o->no_pin)
			sim_pin_slot(i % (o->jobs ? o->jobs : 1));
		if (multi_run(m, &m->run[i], pol, &ro, &r) < 0)
			_exit(1);
		fprintf(stderr, "membal-sim: %s: %s done in %.1f s\n", name, m->run[i].name,
			r.wall_s);
		_exit(send_result(p[1], &r) ? 0 : 1);
	}
	close(p[1]);
	c->fd = p[0];
	return 0;
}

static int finish(struct child *c, struct multi_result *r)
{
	bool ok = recv_result(c->fd, r);

	close(c->fd);
	if (!child_exited_ok(c->pid, NULL)) {
		if (ok)
			multi_result_free(r);
		return -1;
	}
	return ok ? 0 : -1;
}

int multi_main(const char *path, const char *name, const struct sim_policy *pols,
	       size_t n_pol, const struct multi_cli *o)
{
	const struct sim_policy *pol = &pols[0];
	static struct multi_result res[MULTI_MAX_RUNS];
	static struct child ch[MULTI_MAX_RUNS];
	struct multi_scenario m;
	struct cfg_file f;
	size_t started = 0, done = 0;
	int rc = 0;

	for (size_t i = 0; i < n_pol; i++)
		if (!strcmp(pols[i].label, "membal"))
			pol = &pols[i];
	printf("(arbiter policy on every host: %s)\n", pol->label);
	if (multi_scenario_load(path, &m, &f) < 0) {
		fprintf(stderr, "membal-sim: scenario rejected: %s\n", f.first_error);
		return -1;
	}
	while (done < m.n_runs) {
		while (rc == 0 && started < m.n_runs && started - done < (o->jobs ? o->jobs : 1)) {
			if (start(&m, started, pol, name, o, &ch[started]) < 0) {
				rc = -1;
				break;
			}
			started++;
		}
		if (done == started)
			break;
		if (finish(&ch[done], &res[done]) < 0) {
			fprintf(stderr, "membal-sim: %s: run %s failed (see %s)\n", name,
				m.run[done].name, ch[done].log);
			memset(&res[done], 0, sizeof(res[done]));
			rc = -1;
		}
		done++;
	}
	if (rc == 0) {
		multi_report_print(name, &m, res, done);
		if (multi_report_csv(name, res, done, o->out) < 0)
			rc = -1;
		else if (o->plot && multi_plot(name, &m, res, done, o->out) < 0)
			rc = -1;
		else if (o->plot)
			printf("   plots: %s/%s.png, %s/%s.vms.png\n", o->out, name, o->out, name);
	}
	for (size_t i = 0; i < done; i++)
		multi_result_free(&res[i]);
	multi_scenario_free(&m);
	return rc;
}
