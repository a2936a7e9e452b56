// SPDX-License-Identifier: MIT
/* caps.c - capability handling for the root-run programs (libcap-ng) */
#include <cap-ng.h>
#include <errno.h>
#include <linux/capability.h>

#include "lib/caps.h"

/**
 * caps_have() - Return: true if @cap is in the effective set
 * @cap:	a CAP_* value
 */
bool caps_have(int cap)
{
	capng_get_caps_process();
	return capng_have_capability(CAPNG_EFFECTIVE, (unsigned int)cap);
}

/**
 * caps_have_net_admin() - Return: true if CAP_NET_ADMIN is in the effective set
 */
bool caps_have_net_admin(void)
{
	return caps_have(CAP_NET_ADMIN);
}

/**
 * caps_keep_only() - drop every capability except the listed ones, for good
 * @caps:	CAP_* values to keep in the effective and permitted sets
 * @ncaps:	number of entries in @caps
 *
 * The bounding set is cleared as well, so nothing this process execs (it
 * execs nothing) could regain more.  The result is read back and checked.
 *
 * Return: 0, or -EPERM if the kernel refused or the result is not as asked.
 */
int caps_keep_only(const int *caps, int ncaps)
{
	capng_clear(CAPNG_SELECT_BOTH);
	for (int i = 0; i < ncaps; i++)
		if (capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, (unsigned int)caps[i]))
			return -EPERM;
	if (capng_apply(CAPNG_SELECT_BOTH))
		return -EPERM;
	capng_get_caps_process();
	for (int i = 0; i < ncaps; i++)
		if (!capng_have_capability(CAPNG_EFFECTIVE, (unsigned int)caps[i]))
			return -EPERM;
	if (capng_have_capabilities(CAPNG_SELECT_CAPS) == CAPNG_FULL ||
	    capng_have_capability(CAPNG_EFFECTIVE, CAP_SYS_ADMIN))
		return -EPERM;
	return 0;
}
