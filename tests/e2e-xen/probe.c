/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-e2e-probe: the real-Xen harness's independent witness. Runs in
 * dom0 next to the arbiter and records, every INTERVAL_MS, what the
 * hypervisor and xenstored say, without any of the arbiter's code:
 *
 *   P <boottime_ms> free=<kb> claimed=<kb> <domid>:<tot_kb>:<max_kb>:<target_kb|->:<flags> ...
 *
 * tot_kb is tot_pages (what the domain holds), max_kb Xen's maxmem,
 * target_kb the domain's memory/target; flags: d dying, s shut down, p
 * paused, - none. The scenario scripts read windows of this log (their
 * clock is /proc/uptime, which is CLOCK_BOOTTIME) to check that targets
 * were obeyed and that the host never went below the reserve.
 *
 * usage: membal-e2e-probe INTERVAL_MS [COUNT]   (COUNT 0 or absent: forever)
 *        membal-e2e-probe ctl SOCKET REQUEST...
 *        membal-e2e-probe pod DOMID        (xc_domain_get_pod_target, KiB)
 *        membal-e2e-probe maxmem DOMID KB  (xc_domain_setmaxmem: Xen's
 *                                           maxmem alone, as xl mem-max
 *                                           of Xen 4.2 to 4.16 sets it)
 *
 * The second form sends one request line to the arbiter's control socket
 * (src/arbiter/control.h) and prints the answer; exit 0 on "OK ...". It
 * exists because busybox nc cannot open a unix socket, and it lets the
 * scenarios reserve memory whatever membalctl's command line looks like.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <xenctrl.h>
#include <xenstore.h>

#include "common/parse.h"

#define MAX_DOMS 64

static unsigned long long boot_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (unsigned long long)ts.tv_sec * 1000u + (unsigned long long)ts.tv_nsec / 1000000u;
}

static int control(const char *sock, int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char line[256] = "", answer[256];
	size_t used = 0;
	ssize_t got;
	int fd;

	for (int i = 0; i < argc; i++) {
		int w = snprintf(line + used, sizeof(line) - used, "%s%s", i ? " " : "", argv[i]);

		if (w < 0 || (size_t)w >= sizeof(line) - used - 1) {
			fprintf(stderr, "membal-e2e-probe: request too long\n");
			return 2;
		}
		used += (size_t)w;
	}
	line[used++] = '\n';
	if (strlen(sock) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "membal-e2e-probe: socket path too long\n");
		return 2;
	}
	strcpy(sa.sun_path, sock);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror(sock);
		return 1;
	}
	if (write(fd, line, used) != (ssize_t)used) {
		perror("write");
		return 1;
	}
	got = read(fd, answer, sizeof(answer) - 1);
	close(fd);
	if (got <= 0) {
		fprintf(stderr, "membal-e2e-probe: no answer from %s\n", sock);
		return 1;
	}
	answer[got] = '\0';
	fputs(answer, stdout);
	return strncmp(answer, "OK", 2) == 0 ? 0 : 1;
}

/* What Xen says of a domain's populate-on-demand state, in KiB: the pages
 * it holds, its PoD cache and its outstanding PoD entries. */
static int pod(const char *arg)
{
	uint64_t domid, tot = 0, cache = 0, entries = 0;
	xc_interface *xch;
	int rc;

	if (parse_u64(arg, 1, 0x7FEF, &domid) != PARSE_OK) {
		fprintf(stderr, "membal-e2e-probe pod: bad domid '%s'\n", arg);
		return 2;
	}
	xch = xc_interface_open(NULL, NULL, 0);
	if (!xch) {
		perror("xc_interface_open");
		return 1;
	}
	rc = xc_domain_get_pod_target(xch, (uint32_t)domid, &tot, &cache, &entries);
	if (rc < 0)
		perror("xc_domain_get_pod_target");
	else
		printf("tot=%llu pod_cache=%llu pod_entries=%llu KiB\n",
		       (unsigned long long)tot * 4, (unsigned long long)cache * 4,
		       (unsigned long long)entries * 4);
	xc_interface_close(xch);
	return rc < 0;
}

/* Xen's maxmem alone, as libxl_domain_setmaxmem before Xen 4.17 set it
 * (4.17's also writes memory/static-max, which the arbiter follows on its
 * own): the administrator's maxmem of design.md §Maxmem, PoD and the
 * videoram offset. */
static int maxmem(const char *id, const char *kb)
{
	uint64_t domid, max_kb;
	xc_interface *xch;
	int rc;

	if (parse_u64(id, 1, 0x7FEF, &domid) != PARSE_OK ||
	    parse_u64(kb, 1024, UINT64_C(1) << 40, &max_kb) != PARSE_OK) {
		fprintf(stderr, "membal-e2e-probe maxmem: bad domid '%s' or KiB '%s'\n", id, kb);
		return 2;
	}
	xch = xc_interface_open(NULL, NULL, 0);
	if (!xch) {
		perror("xc_interface_open");
		return 1;
	}
	rc = xc_domain_setmaxmem(xch, (uint32_t)domid, max_kb);
	if (rc < 0)
		perror("xc_domain_setmaxmem");
	xc_interface_close(xch);
	return rc < 0;
}

int main(int argc, char **argv)
{
	uint64_t interval, count = 0;
	xc_domaininfo_t info[MAX_DOMS];
	xc_interface *xch;
	struct xs_handle *xs;

	if (argc >= 4 && !strcmp(argv[1], "ctl"))
		return control(argv[2], argc - 3, argv + 3);
	if (argc == 3 && !strcmp(argv[1], "pod"))
		return pod(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "maxmem"))
		return maxmem(argv[2], argv[3]);
	if (argc < 2 || argc > 3 || parse_u64(argv[1], 10, 60000, &interval) != PARSE_OK ||
	    (argc == 3 && parse_u64(argv[2], 0, UINT32_MAX, &count) != PARSE_OK)) {
		fprintf(stderr, "usage: membal-e2e-probe INTERVAL_MS [COUNT]\n");
		return 2;
	}
	xch = xc_interface_open(NULL, NULL, 0);
	xs = xs_open(0);
	if (!xch || !xs) {
		fprintf(stderr, "membal-e2e-probe: cannot open %s\n", xch ? "xenstore" : "libxenctrl");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (uint64_t i = 0; count == 0 || i < count; i++) {
		xc_physinfo_t pi;
		int n;

		memset(&pi, 0, sizeof(pi));
		if (xc_physinfo(xch, &pi) < 0 ||
		    (n = xc_domain_getinfolist(xch, 0, MAX_DOMS, info)) < 0) {
			perror("membal-e2e-probe: hypercall");
			return 1;
		}
		printf("P %llu free=%llu claimed=%llu", boot_ms(),
		       (unsigned long long)pi.free_pages * 4,
		       (unsigned long long)pi.outstanding_pages * 4);
		for (int k = 0; k < n; k++) {
			char path[64], *t;
			unsigned len = 0;
			uint64_t tgt = 0;
			bool have = false;

			snprintf(path, sizeof(path), "/local/domain/%u/memory/target", info[k].domain);
			t = xs_read(xs, XBT_NULL, path, &len);
			if (t && parse_u64n(t, len, 20, 0, UINT64_MAX, &tgt) == PARSE_OK)
				have = true;
			free(t);
			printf(" %u:%llu:%llu:", info[k].domain,
			       (unsigned long long)info[k].tot_pages * 4,
			       (unsigned long long)info[k].max_pages * 4);
			if (have)
				printf("%llu", (unsigned long long)tgt);
			else
				printf("-");
			printf(":%s%s%s%s", info[k].flags & XEN_DOMINF_dying ? "d" : "",
			       info[k].flags & XEN_DOMINF_shutdown ? "s" : "",
			       info[k].flags & XEN_DOMINF_paused ? "p" : "",
			       info[k].flags & (XEN_DOMINF_dying | XEN_DOMINF_shutdown |
						XEN_DOMINF_paused) ? "" : "-");
		}
		printf("\n");
		struct timespec ts = { .tv_sec = (time_t)(interval / 1000),
				       .tv_nsec = (long)(interval % 1000) * 1000000 };
		nanosleep(&ts, NULL);
	}
	xs_close(xs);
	xc_interface_close(xch);
	return 0;
}
