// SPDX-License-Identifier: MIT
/* ifname.c - interface name validation: validated, never truncated */
#include <string.h>

#include "lib/ifname.h"

/**
 * ifname_problem() - explain why a string is not an acceptable interface name
 * @name:	candidate name, NUL-terminated, possibly hostile
 *
 * Accepted names match [A-Za-z0-9_.-]{1,15} and are not "." or "..", which the
 * kernel itself refuses and which would name directories under /sys/class/net.
 * A leading '-' is refused too, so no name can ever be read as an option by a
 * tool that logs or passes it on.  Anything longer is refused rather than cut:
 * a truncated name is a different device (qemu-bridge-helper, CVE-2019-13164).
 *
 * Return: NULL if @name is valid, otherwise a short reason.
 */
const char *ifname_problem(const char *name)
{
	size_t len;

	if (!name || !*name)
		return "it is empty";
	len = strnlen(name, RN_IFNAME_MAX + 1);
	if (len > RN_IFNAME_MAX)
		return "it is longer than 15 characters";
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return "'.' and '..' are not interface names";
	if (name[0] == '-')
		return "it starts with '-'";
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return "only letters, digits, '_', '.' and '-' are allowed";
	}
	return NULL;
}

/**
 * ifname_is_valid() - Return: true if ifname_problem() finds nothing wrong
 * @name:	candidate name
 */
bool ifname_is_valid(const char *name)
{
	return ifname_problem(name) == NULL;
}
