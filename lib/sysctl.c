// SPDX-License-Identifier: MIT
/* sysctl.c - reading and writing the sysctls `up` changes, through /proc/sys */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/sysctl.h"

/*
 * net.* sysctls belong to the network namespace of the process that opens the
 * file, so these calls act on the namespace redox-netsetup runs in.
 */
static int sysctl_open(const char *key, int flags)
{
	char path[128];

	if (snprintf(path, sizeof(path), "/proc/sys/%s", key) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	return open(path, flags | O_CLOEXEC | O_NOFOLLOW);
}

/**
 * sysctl_read() - read a sysctl's value, without the trailing newline
 * @key:	path below /proc/sys, e.g. "net/ipv4/ip_forward"
 * @value:	destination
 * @size:	size of @value
 *
 * Return: 0 or a negative errno.
 */
int sysctl_read(const char *key, char *value, size_t size)
{
	int fd = sysctl_open(key, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return fd == -ENAMETOOLONG ? fd : -errno;
	n = read(fd, value, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	value[n] = '\0';
	value[strcspn(value, "\n")] = '\0';
	return 0;
}

/**
 * sysctl_write() - set a sysctl
 * @key:	path below /proc/sys
 * @value:	new value
 *
 * Return: 0 or a negative errno.
 */
int sysctl_write(const char *key, const char *value)
{
	int fd = sysctl_open(key, O_WRONLY);
	size_t len = strlen(value);
	ssize_t n;

	if (fd < 0)
		return fd == -ENAMETOOLONG ? fd : -errno;
	n = write(fd, value, len);
	close(fd);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}
