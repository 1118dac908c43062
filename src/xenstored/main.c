/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-test-xenstored: the test xenstored as a program, for scripts and
 * `make demo`. TEST INFRASTRUCTURE, never installed: production uses the
 * host's xenstored.
 *
 *   membal-test-xenstored --socket PATH [--domain-sockets DIR]
 *       [--control PATH] [--quota-nodes N] [--quota-node-bytes N]
 *       [--pidfile F] [--verbose]          serve until SIGTERM/SIGINT/quit
 *   membal-test-xenstored --control PATH --cmd "introduce 5 guest1 262144 524288"
 *                                          send one command, print the answer
 *
 * Clients reach it with XENSTORED_PATH=PATH (dom0) or <DIR>/dom<ID>.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "common/log.h"
#include "common/parse.h"
#include "xenstored/control.h"
#include "xenstored/xsd.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: membal-test-xenstored --socket PATH [--domain-sockets DIR]\n"
		"           [--control PATH] [--quota-nodes N] [--quota-node-bytes N]\n"
		"           [--pidfile FILE] [--verbose] [--log-level LEVEL]\n"
		"       membal-test-xenstored --control PATH --cmd COMMAND\n"
		"       membal-test-xenstored --version\n"
		"--log-level debug is --verbose (every request); the others are quiet.\n"
		"Exit status: 0 done, 1 error, 2 usage.\n"
		"A xenstore server for tests (not for production). Commands on the\n"
		"control socket: send \"help\".\n");
}

static bool get_quota(const char *opt, const char *s, unsigned *out)
{
	uint64_t v;
	enum parse_err e = parse_u64(s, 1, 1000000, &v);

	if (e != PARSE_OK) {
		fprintf(stderr, "membal-test-xenstored: %s %s: %s (1..1000000)\n",
			opt, s, parse_strerror(e));
		return false;
	}
	*out = (unsigned)v;
	return true;
}

static int write_pidfile(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f)) {
		fprintf(stderr, "membal-test-xenstored: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "domain-sockets", required_argument, NULL, 'd' },
		{ "control", required_argument, NULL, 'c' },
		{ "quota-nodes", required_argument, NULL, 'n' },
		{ "quota-node-bytes", required_argument, NULL, 'b' },
		{ "pidfile", required_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "cmd", required_argument, NULL, 'C' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct xsd_options opt = { 0 };
	int level;
	const char *control = NULL, *cmd = NULL, *pidfile = NULL;
	struct xsd *x;
	sigset_t mask;
	int c, sfd, rc = 0;

	while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		switch (c) {
		case 's': opt.socket_path = optarg; break;
		case 'd': opt.domain_socket_dir = optarg; break;
		case 'c': control = optarg; break;
		case 'n': if (!get_quota("--quota-nodes", optarg, &opt.quota_nodes)) return 2; break;
		case 'b': if (!get_quota("--quota-node-bytes", optarg, &opt.quota_node_bytes)) return 2; break;
		case 'p': pidfile = optarg; break;
		case 'v': opt.verbose = true; break;
		case 'C': cmd = optarg; break;
		case 'l':
			level = log_level_from_name(optarg);
			if (level < 0) {
				fprintf(stderr, "membal-test-xenstored: --log-level '%s': expected err, warning, notice, info or debug\n",
					optarg);
				return 2;
			}
			opt.verbose = level >= LOG_DEBUG;
			break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("membal-test-xenstored %s\n", MEMBAL_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (cmd) {
		if (!control) {
			fprintf(stderr, "membal-test-xenstored: --cmd needs --control PATH\n");
			return 2;
		}
		rc = control_client(control, cmd, stdout);
		return rc == 2 ? 2 : rc;
	}
	if (!opt.socket_path) {
		usage(stderr);
		return 2;
	}

	/* Signals arrive through a signalfd in this thread; the server
	 * thread inherits the blocked mask. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0) {
		perror("membal-test-xenstored: signalfd");
		return 1;
	}

	x = xsd_start(&opt);
	if (!x) {
		fprintf(stderr, "membal-test-xenstored: %s: %s\n", opt.socket_path,
			strerror(errno));
		close(sfd);
		return 1;
	}
	if (pidfile && write_pidfile(pidfile) < 0) {
		xsd_stop(x);
		close(sfd);
		return 1;
	}
	fprintf(stderr, "membal-test-xenstored: serving %s%s%s%s%s (test infrastructure)\n",
		opt.socket_path,
		opt.domain_socket_dir ? ", domains in " : "",
		opt.domain_socket_dir ? opt.domain_socket_dir : "",
		control ? ", control " : "", control ? control : "");

	if (control) {
		if (control_serve(x, control, sfd) < 0) {
			fprintf(stderr, "membal-test-xenstored: %s: %s\n", control,
				strerror(errno));
			rc = 1;
		}
	} else {
		struct pollfd p = { .fd = sfd, .events = POLLIN };

		while (poll(&p, 1, -1) < 0 && errno == EINTR)
			;
	}
	xsd_stop(x);
	close(sfd);
	if (pidfile)
		unlink(pidfile);
	return rc;
}
