// SPDX-License-Identifier: MIT
/* caps.c - capability handling for the root-run programs (libcap-ng) */
#include <cap-ng.h>
#include <errno.h>
#include <linux/capability.h>

#include "lib/caps.h"

/*
 * libcap-ng keeps the sets it last read or applied in memory, and
 * capng_get_caps_process() costs a capget(2) and two reads of /proc/PID/status.
 * So the sets are read once, on the first question, and after that libcap-ng's
 * copy answers: it changes only through caps_keep_only(), which reads the
 * kernel's sets back after applying them.
 */
static bool caps_known;
/* An earlier caps_keep_only() in this process cleared the bounding set. */
static bool bounds_cleared;

static void caps_load(void)
{
	if (caps_known)
		return;
	capng_get_caps_process();
	caps_known = true;
}

/**
 * caps_have() - Return: true if @cap is in the effective set
 * @cap:	a CAP_* value
 */
bool caps_have(int cap)
{
	caps_load();
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
 * execs nothing) could regain more.  A bounding set cannot grow back, so a
 * second call in the same process applies only the capability sets (the
 * first one's 41 prctl(PR_CAPBSET_DROP) calls would all be no-ops).  The
 * result is read back from the kernel and checked.
 *
 * Return: 0, or -EPERM if the kernel refused or the result is not as asked.
 */
int caps_keep_only(const int *caps, int ncaps)
{
	capng_select_t what = bounds_cleared ? CAPNG_SELECT_CAPS : CAPNG_SELECT_BOTH;
	int refused = 0;

	capng_clear(what);
	for (int i = 0; i < ncaps && !refused; i++)
		refused = capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, (unsigned int)caps[i]);
	refused = refused || capng_apply(what);
	/*
	 * From here on libcap-ng's copy is the kernel's, whatever the checks below
	 * find: after a refusal its copy holds what was asked, not what is.
	 */
	capng_get_caps_process();
	caps_known = true;
	if (refused)
		return -EPERM;
	for (int i = 0; i < ncaps; i++)
		if (!capng_have_capability(CAPNG_EFFECTIVE, (unsigned int)caps[i]))
			return -EPERM;
	if (capng_have_capabilities(CAPNG_SELECT_CAPS) == CAPNG_FULL ||
	    capng_have_capability(CAPNG_EFFECTIVE, CAP_SYS_ADMIN))
		return -EPERM;
	bounds_cleared = true;
	return 0;
}
