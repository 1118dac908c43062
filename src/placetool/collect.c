/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-place collect: each host's `membalctl status --json` and
 * `xl info`, gathered over ssh, checked, and written as one snapshot
 * cache (atomically: a temporary file renamed over the old one). Nothing
 * is written unless every host answered with figures that add up.
 *
 * scarce_cycles: a host whose status says scarce or infeasible counts one
 * more than in the previous cache (0 otherwise), so `hold` is counted in
 * consecutive collections.
 */
#include "placetool/placetool.h"

#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "placetool/cache.h"

#define DEFAULT_SSH "ssh -o BatchMode=yes"
#define DEFAULT_STATUS_CMD "membalctl status --json"
#define DEFAULT_INFO_CMD "xl info"
#define DEFAULT_CACHE "/var/lib/membal/place-cache.json"
#define MAX_CMD 1024

static void usage(FILE *out)
{
	fputs("usage: membal-place collect --host HOST [--host HOST ...] [options]\n"
	      "Gather each host's membal status over ssh into the snapshot cache.\n"
	      "  --host HOST        a Xen host running membal-arbiter (repeat)\n"
	      "  --ssh CMD          how to reach a host, HOST appended\n"
	      "                     (default '" DEFAULT_SSH "')\n"
	      "  --status-cmd CMD   run on the host (default '" DEFAULT_STATUS_CMD "')\n"
	      "  --info-cmd CMD     Xen version and CPU features (default '" DEFAULT_INFO_CMD "';\n"
	      "                     '' to skip: both then unknown)\n"
	      "  --cache PATH       where to write (default " DEFAULT_CACHE ")\n", out);
}

/* A host name goes to the shell as is: letters, digits and . - _ : @ [ ]
 * only (DNS names, IPv4 and bracketed IPv6, user@), not starting with -. */
static bool host_ok(const char *h)
{
	if (!snap_name_ok(h) || h[0] == '-')
		return false;
	for (; *h; h++)
		if (!((*h >= 'a' && *h <= 'z') || (*h >= 'A' && *h <= 'Z') ||
		      (*h >= '0' && *h <= '9') || strchr(".-_:@[]", *h)))
			return false;
	return true;
}

/* The output of `ssh HOST cmd`, bounded; NULL and err on failure. */
static char *remote(const char *ssh, const char *host, const char *cmd,
		    size_t max, size_t *len, char *err, size_t errlen)
{
	char line[MAX_CMD];
	FILE *p;
	char *out;
	int st;

	if (snprintf(line, sizeof(line), "%s %s %s", ssh, host, cmd) >= (int)sizeof(line)) {
		snprintf(err, errlen, "host %s: command longer than %d bytes", host, MAX_CMD);
		return NULL;
	}
	fflush(NULL);
	p = popen(line, "re");
	if (!p) {
		snprintf(err, errlen, "host %s: cannot run '%.200s': %s", host, line, strerror(errno));
		return NULL;
	}
	out = read_bounded(p, max, len);
	int saved = errno;

	st = pclose(p);
	if (!out) {
		snprintf(err, errlen, "host %s: '%.200s': %s", host, line,
			 saved == EFBIG ? "output larger than the limit" : strerror(saved));
		return NULL;
	}
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		snprintf(err, errlen, "host %s: '%.200s' failed (exit %d)", host, line,
			 st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		free(out);
		return NULL;
	}
	return out;
}

/* From `xl info`: "xen_major : 4", "xen_minor : 17", "hw_caps : ...". */
static void parse_info(char *text, char *version, size_t vlen, char *caps,
		       size_t clen)
{
	char major[16] = "", minor[16] = "";

	version[0] = caps[0] = '\0';
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *colon = strchr(line, ':'), *k = line, *v, *e;

		if (!colon)
			continue;
		*colon = '\0';
		v = colon + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		for (e = colon; e > k && (e[-1] == ' ' || e[-1] == '\t'); e--)
			e[-1] = '\0';
		for (e = v + strlen(v); e > v && (e[-1] == ' ' || e[-1] == '\r'); e--)
			e[-1] = '\0';
		/* Keep what is usable as a name (snap_name_ok): a version is
		 * digits, hw_caps hex words joined by ':'. */
		for (char *c = v; *c; c++)
			if (*c <= ' ' || *c >= 0x7f || *c == ',' || *c == '"' ||
			    *c == '\\' || *c == '\'')
				*c = '_';
		if (strcmp(k, "xen_major") == 0)
			snprintf(major, sizeof(major), "%s", v);
		else if (strcmp(k, "xen_minor") == 0)
			snprintf(minor, sizeof(minor), "%s", v);
		else if (strcmp(k, "hw_caps") == 0)
			snprintf(caps, clen, "%.*s", SNAP_MAX_TOKEN, v);
	}
	if (major[0] && minor[0])
		snprintf(version, vlen, "%s.%s", major, minor);
}

/* scarce_cycles by host from the previous cache, if there is one. */
static uint32_t previous_cycles(struct json_object *prev, const char *host)
{
	struct json_object *hosts, *v;

	if (!prev || !json_object_object_get_ex(prev, "hosts", &hosts) ||
	    !json_object_is_type(hosts, json_type_array))
		return 0;
	for (size_t i = 0; i < json_object_array_length(hosts); i++) {
		struct json_object *h = json_object_array_get_idx(hosts, i);

		if (json_object_object_get_ex(h, "name", &v) &&
		    json_object_is_type(v, json_type_string) &&
		    strcmp(json_object_get_string(v), host) == 0 &&
		    json_object_object_get_ex(h, "scarce_cycles", &v) &&
		    json_object_is_type(v, json_type_int)) {
			int64_t n = json_object_get_int64(v);

			return n < 0 || n >= UINT32_MAX - 1 ? 0 : (uint32_t)n;
		}
	}
	return 0;
}

static int write_cache(const char *path, struct json_object *cache, char *err,
		       size_t errlen)
{
	char tmp[4096];
	const char *text = json_object_to_json_string_ext(cache, JSON_C_TO_STRING_PLAIN);
	int fd;
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp) ||
	    (fd = mkstemp(tmp)) < 0) {
		snprintf(err, errlen, "%s: cannot create a temporary file: %s", path,
			 strerror(errno));
		return -1;
	}
	fchmod(fd, 0644);
	f = fdopen(fd, "w");
	if (!f || fputs(text, f) < 0 || fputc('\n', f) < 0 || fclose(f) != 0 ||
	    rename(tmp, path) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (!f)
			close(fd);
		unlink(tmp);
		return -1;
	}
	return 0;
}

int collect_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "ssh", required_argument, NULL, 's' },
		{ "status-cmd", required_argument, NULL, 'S' },
		{ "info-cmd", required_argument, NULL, 'I' },
		{ "cache", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *ssh = DEFAULT_SSH, *status_cmd = DEFAULT_STATUS_CMD;
	const char *info_cmd = DEFAULT_INFO_CMD, *path = DEFAULT_CACHE;
	const char **hosts = calloc((size_t)argc, sizeof(*hosts));
	size_t nhosts = 0;
	char err[600];
	int ch, rc = 1;

	if (!hosts)
		return 1;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "H:s:S:I:c:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'H':
			if (!host_ok(optarg)) {
				fprintf(stderr, "membal-place collect: --host '%.80s': not a host name\n",
					optarg);
				free(hosts);
				return 2;
			}
			hosts[nhosts++] = optarg;
			break;
		case 's': ssh = optarg; break;
		case 'S': status_cmd = optarg; break;
		case 'I': info_cmd = optarg; break;
		case 'c': path = optarg; break;
		case 'h': usage(stdout); free(hosts); return 0;
		default: usage(stderr); free(hosts); return 2;
		}
	}
	if (optind != argc || nhosts == 0 || !*ssh || !*status_cmd) {
		usage(stderr);
		free(hosts);
		return 2;
	}
	struct json_object *prev = NULL, *cache = json_object_new_object();
	struct json_object *list = json_object_new_array();
	struct snap check;

	snap_init(&check);
	if (access(path, F_OK) == 0) {
		prev = read_json_file(path, SNAP_MAX_CACHE, err, sizeof(err));
		if (!prev || cache_check_header(prev, path, err, sizeof(err)) < 0) {
			fprintf(stderr, "membal-place collect: warning: %s; scarce_cycles start again\n",
				err);
			json_object_put(prev);
			prev = NULL;
		}
	}
	json_object_object_add(cache, "format", json_object_new_string(CACHE_FORMAT));
	json_object_object_add(cache, "version", json_object_new_int(CACHE_VERSION));
	json_object_object_add(cache, "collected_at", json_object_new_int64((int64_t)time(NULL)));
	json_object_object_add(cache, "hosts", list);
	for (size_t i = 0; i < nhosts; i++) {
		char why[200], version[SNAP_MAX_TOKEN + 1] = "", caps[SNAP_MAX_TOKEN + 1] = "";
		size_t len;
		char *text = remote(ssh, hosts[i], status_cmd, SNAP_MAX_STATUS, &len,
				    err, sizeof(err));
		struct json_object *st;

		if (!text)
			goto out;
		st = parse_json(text, len, why, sizeof(why));
		free(text);
		if (!st) {
			snprintf(err, sizeof(err), "host %s: status: %s", hosts[i], why);
			goto out;
		}
		if (*info_cmd) {
			text = remote(ssh, hosts[i], info_cmd, SNAP_MAX_XL_INFO, &len,
				      err, sizeof(err));
			if (!text) {
				json_object_put(st);
				goto out;
			}
			parse_info(text, version, sizeof(version), caps, sizeof(caps));
			free(text);
		}
		const char *mode = status_mode(st);
		bool scarce = !strcmp(mode, "scarce") || !strcmp(mode, "infeasible");
		uint32_t cycles = scarce ? previous_cycles(prev, hosts[i]) + 1 : 0;

		size_t before = check.nd;

		if (snap_add_status(&check, hosts[i], st, version, caps, cycles, err,
				    sizeof(err)) < 0) {
			json_object_put(st);
			goto out;
		}
		struct json_object *h = json_object_new_object();

		json_object_object_add(h, "name", json_object_new_string(hosts[i]));
		json_object_object_add(h, "xen_version", json_object_new_string(version));
		json_object_object_add(h, "cpu_features", json_object_new_string(caps));
		json_object_object_add(h, "scarce_cycles", json_object_new_int64(cycles));
		json_object_object_add(h, "status", st);
		json_object_array_add(list, h);
		printf("%s: %zu domains, mode %s, scarce for %u collection%s, Xen %s\n",
		       hosts[i], check.nd - before, *mode ? mode : "?", cycles,
		       cycles == 1 ? "" : "s", *version ? version : "unknown");
	}
	if (write_cache(path, cache, err, sizeof(err)) < 0)
		goto out;
	printf("wrote %s (%zu hosts)\n", path, nhosts);
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "membal-place collect: %s\n", err);
	snap_free(&check);
	json_object_put(prev);
	json_object_put(cache);
	free(hosts);
	return rc;
}
