/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The agent's sampling layer (src/agent/sample.c) over files with any
 * content: /proc/meminfo, /proc/vmstat, /proc/pressure/memory and the two
 * balloon attributes in sysfs, each present or absent. The files live in
 * a private directory (tmpfs when there is one) and sample_read() reads
 * them by path, as the agent does. Besides memory safety:
 *  - sample_read() returns 0 exactly when meminfo is usable, and then
 *    the figures are the ones meminfo_parse() gives for the same text;
 *  - when it refuses, *out is untouched (the agent keeps its last sample);
 *  - PSI is at most 100.00 %, the balloon figures come as a pair;
 *  - the status line for the log is bounded and printable.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/sample.h"
#include "fuzz.h"

static char root[128];
static char meminfo_path[192], vmstat_path[192], psi_path[192], sysfs[192];
static char balloon_dir[256], target_path[256], current_path[256];

static void rm_root(void)
{
	unlink(meminfo_path);
	unlink(vmstat_path);
	unlink(psi_path);
	unlink(target_path);
	unlink(current_path);
	char info[300];

	snprintf(info, sizeof(info), "%s/info", balloon_dir);
	rmdir(info);
	rmdir(balloon_dir);
	snprintf(info, sizeof(info), "%s/devices/system/xen_memory", sysfs);
	rmdir(info);
	snprintf(info, sizeof(info), "%s/devices/system", sysfs);
	rmdir(info);
	snprintf(info, sizeof(info), "%s/devices", sysfs);
	rmdir(info);
	rmdir(sysfs);
	rmdir(root);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char info[300];

	snprintf(root, sizeof(root), "%s/membal-fuzz-sample.XXXXXX",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (!mkdtemp(root))
		abort();
	snprintf(meminfo_path, sizeof(meminfo_path), "%s/meminfo", root);
	snprintf(vmstat_path, sizeof(vmstat_path), "%s/vmstat", root);
	snprintf(psi_path, sizeof(psi_path), "%s/psi", root);
	snprintf(sysfs, sizeof(sysfs), "%s/sys", root);
	snprintf(balloon_dir, sizeof(balloon_dir), "%s%s", sysfs, SAMPLE_BALLOON_DIR);
	snprintf(target_path, sizeof(target_path), "%s/target_kb", balloon_dir);
	snprintf(current_path, sizeof(current_path), "%s/info/current_kb", balloon_dir);
	snprintf(info, sizeof(info), "mkdir -p %s/info", balloon_dir);
	if (system(info) != 0)
		abort();
	atexit(rm_root);
	return 0;
}

/* Present with these bytes, or absent. */
static void put(const char *path, bool present, const char *buf, size_t len)
{
	if (!present) {
		unlink(path);
		return;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
		abort();
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz z = { data, size };
	uint8_t present = fz_u8(&z);
	const char *const paths[] = { meminfo_path, vmstat_path, psi_path,
				      target_path, current_path };
	const size_t max[] = { 8192, 4096, 512, 64, 64 };
	const char *text[5];
	size_t len[5];
	struct sample_paths p = { meminfo_path, vmstat_path, psi_path, sysfs,
				  "/nonexistent/swaps" };
	struct agent_sample s, canary;
	struct sample_status st;

	for (int i = 0; i < 5; i++) {
		text[i] = fz_bytes(&z, max[i], &len[i]);
		put(paths[i], (present >> i) & 1, text[i], len[i]);
	}
	memset(&canary, 0x5a, sizeof(canary));
	s = canary;
	int rc = sample_read(&p, &s, &st);
	const char *line = sample_status_str(&st);

	FUZZ_CHECK(line == st.text && memchr(st.text, '\0', sizeof(st.text)),
		   "status line not terminated");
	for (const char *c = line; *c; c++)
		FUZZ_CHECK((unsigned char)*c >= 0x20 && *c != 0x7f, "control byte in status");

	struct meminfo mi;
	bool usable = (present & 1) && (meminfo_parse(text[0], len[0], &mi, NULL), meminfo_usable(&mi));

	if (!(present & 1))
		FUZZ_CHECK(rc == -ENOENT, "meminfo absent, rc %d", rc);
	/* A file over MEMINFO_BUF_SIZE is cut at a line: not this target's
	 * sizes. */
	FUZZ_CHECK((rc == 0) == usable, "rc %d but usable %d", rc, usable);
	if (rc != 0) {
		FUZZ_CHECK(memcmp(&s, &canary, sizeof(s)) == 0, "refused but *out written");
		return 0;
	}
	FUZZ_CHECK(memcmp(&s.mi, &mi, sizeof(mi)) == 0, "figures differ from meminfo_parse");
	FUZZ_CHECK(!s.have_psi || s.psi_some <= 10000, "psi %u", s.psi_some);
	FUZZ_CHECK(s.have_psi || (!s.have_psi_full && !s.psi_some_total && !s.psi_full_total),
		   "PSI totals without the some line");
	FUZZ_CHECK(s.have_psi_full || !s.psi_full_total, "full total without its line");
	/* A counter that was not read is 0, never a half-parsed number. */
	FUZZ_CHECK(s.have_refault_anon || !s.refault_anon, "refault_anon without its line");
	FUZZ_CHECK(s.have_refault_file || !s.refault_file, "refault_file without its line");
	FUZZ_CHECK(s.have_pgmajfault || !s.pgmajfault, "pgmajfault without its line");
	FUZZ_CHECK(s.have_pswpin || !s.pswpin, "pswpin without its line");
	FUZZ_CHECK(s.have_balloon == (((present >> 3) & 3) == 3 && s.have_balloon),
		   "balloon without both files");
	if (!s.have_balloon)
		FUZZ_CHECK(s.balloon_target_kb == 0 && s.balloon_current_kb == 0,
			   "balloon figures without the balloon");
	return 0;
}
