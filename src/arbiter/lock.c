/* SPDX-License-Identifier: GPL-2.0-only */
#include "arbiter/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Classic POSIX record locks rather than OFD locks or flock(): F_GETLK
 * reports the holder's pid only for them. Their one trap, that closing
 * any descriptor of the file drops the lock, cannot bite: nothing else
 * in the arbiter opens this file. */
static pid_t holder_of(int fd)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

	if (fcntl(fd, F_GETLK, &fl) < 0)
		return -1;
	return fl.l_type == F_UNLCK ? 0 : fl.l_pid;
}

int arbiter_lock_take(const char *path, pid_t *holder)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	char dir[PATH_MAX];
	int fd, err;

	*holder = 0;
	snprintf(dir, sizeof(dir), "%s", path);
	if (mkdir(dirname(dir), 0755) < 0 && errno != EEXIST)
		return -1;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -1;
	if (fcntl(fd, F_SETLK, &fl) < 0) {
		err = errno;
		if (err == EACCES || err == EAGAIN) {
			*holder = holder_of(fd);
			err = EWOULDBLOCK;
		}
		close(fd);
		errno = err;
		return -1;
	}
	/* The pid in the file is for people (cat); the lock is the truth. */
	if (ftruncate(fd, 0) == 0)
		dprintf(fd, "%ld\n", (long)getpid());
	return fd;
}

pid_t arbiter_lock_holder(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	pid_t pid;

	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	pid = holder_of(fd);
	close(fd);
	return pid;
}

void arbiter_lock_release(int fd)
{
	if (fd >= 0)
		close(fd);
}
