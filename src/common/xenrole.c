/* SPDX-License-Identifier: GPL-2.0-only */
#include "common/xenrole.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define XENFEAT_dom0 11 /* xen/include/public/features.h */

static int read_line(const char *root, const char *rel, char *buf, size_t size)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (!fgets(buf, (int)size, f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

enum xen_role xen_role_detect(const char *root, char *why, size_t size)
{
	char line[256], path[512];
	unsigned long features;
	int used = 0;

	snprintf(path, sizeof(path), "%s/proc/xen", root);
	if (read_line(root, "/sys/hypervisor/type", line, sizeof(line)) == 0) {
		if (strcmp(line, "xen") != 0) {
			snprintf(why, size, "hypervisor '%.64s', not Xen", line);
			return XEN_ROLE_NONE;
		}
	} else if (access(path, F_OK) != 0) {
		snprintf(why, size, "not a Xen domain (no /sys/hypervisor/type, no /proc/xen)");
		return XEN_ROLE_NONE;
	}
	if (read_line(root, "/sys/hypervisor/properties/features", line, sizeof(line)) == 0 &&
	    sscanf(line, "%lx%n", &features, &used) == 1 && line[used] == '\0') {
		if (features & (1UL << XENFEAT_dom0)) {
			snprintf(why, size, "Xen dom0 (XENFEAT_dom0 in /sys/hypervisor/properties/features)");
			return XEN_ROLE_DOM0;
		}
		snprintf(why, size, "Xen guest (no XENFEAT_dom0 in /sys/hypervisor/properties/features)");
		return XEN_ROLE_DOMU;
	}
	if (read_line(root, "/proc/xen/capabilities", line, sizeof(line)) == 0 &&
	    strstr(line, "control_d")) {
		snprintf(why, size, "Xen dom0 (control_d in /proc/xen/capabilities)");
		return XEN_ROLE_DOM0;
	}
	snprintf(why, size, "Xen guest (no dom0 feature or capability)");
	return XEN_ROLE_DOMU;
}

int xen_role_check_host(const char *prog, enum xen_role want, const char *elsewhere)
{
	char why[256];
	enum xen_role r = xen_role_detect("", why, sizeof(why));

	printf("%s: %s%s%s\n", prog, why, r == want ? "" : ": ", r == want ? "" : elsewhere);
	return r == want ? 0 : 1;
}
