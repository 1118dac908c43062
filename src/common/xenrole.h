/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which kind of Xen domain this kernel runs in, for the units'
 * ExecCondition= (`membal-arbiter --check-host`, `membal-agent
 * --check-host`): the arbiter belongs in dom0 and the agent in guests.
 *
 * The sysfs files (the kernel's built-in Xen hypervisor driver) exist
 * from early boot, before xenfs is mounted on /proc/xen, which is why a
 * unit condition on /proc/xen/capabilities alone can be checked too
 * early. The XENFEAT_dom0 bit of /sys/hypervisor/properties/features
 * says dom0 (as systemd's virt.c reads it); /proc/xen/capabilities
 * ("control_d") is the fallback for kernels without it.
 */
#ifndef MEMBAL_XENROLE_H
#define MEMBAL_XENROLE_H

#include <stddef.h>

enum xen_role { XEN_ROLE_NONE, XEN_ROLE_DOM0, XEN_ROLE_DOMU };

/* root: "" for the running system, a directory in tests. why receives
 * one line saying what was found. */
enum xen_role xen_role_detect(const char *root, char *why, size_t size);
/* --check-host for prog: prints "<prog>: <what was found>", then
 * ": <elsewhere>" unless this system is in the want role; 0 when it is,
 * 1 otherwise (the exit status). */
int xen_role_check_host(const char *prog, enum xen_role want, const char *elsewhere);

#endif
