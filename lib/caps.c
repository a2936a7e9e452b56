// SPDX-License-Identifier: MIT
/* caps.c - capability handling for the root-run programs: capget, capset and the bounding set */
#include <errno.h>
#include <linux/capability.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/caps.h"

/*
 * These are plain system calls rather than libcap-ng: libcap-ng reads
 * /proc/PID/status twice on every read of the sets (for the bounding and
 * ambient sets, which nothing here needs to know), and a drop read the sets
 * back four times, about 40 system calls that `up` paid on every run.
 * capget(2) alone says what is effective, and is read once: the sets change
 * only through caps_keep_only(), which reads the kernel's result back.
 */
static bool caps_known;
static uint64_t caps_effective;
/* An earlier caps_keep_only() in this process cleared the bounding set. */
static bool bounds_cleared;

/* read_caps() - Return: 0 or -1; the three sets as 64-bit masks */
static int read_caps(uint64_t *eff, uint64_t *perm, uint64_t *inh)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { 0 };

	if (syscall(SYS_capget, &hdr, d) < 0)
		return -1;
	*eff = (uint64_t)d[1].effective << 32 | d[0].effective;
	*perm = (uint64_t)d[1].permitted << 32 | d[0].permitted;
	*inh = (uint64_t)d[1].inheritable << 32 | d[0].inheritable;
	return 0;
}

static void caps_load(void)
{
	uint64_t perm = 0, inh = 0;

	if (caps_known)
		return;
	if (read_caps(&caps_effective, &perm, &inh))
		caps_effective = 0;	/* cannot tell: act as if unprivileged */
	caps_known = true;
}

/**
 * caps_have() - Return: true if @cap is in the effective set
 * @cap:	a CAP_* value
 */
bool caps_have(int cap)
{
	caps_load();
	return cap >= 0 && cap < 64 && (caps_effective & 1ull << cap);
}

/**
 * caps_have_net_admin() - Return: true if CAP_NET_ADMIN is in the effective set
 */
bool caps_have_net_admin(void)
{
	return caps_have(CAP_NET_ADMIN);
}

/*
 * Empty the bounding set.  The kernel's last capability is wherever
 * PR_CAPBSET_DROP starts to answer EINVAL, so one newer than these headers
 * is dropped too.  Dropping one the set lacks succeeds and changes nothing.
 */
static int clear_bounding_set(void)
{
	for (int cap = 0; cap < 64; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return errno == EINVAL && cap > 0 ? 0 : -EPERM;
	return 0;
}

/**
 * caps_keep_only() - drop every capability except the listed ones, for good
 * @caps:	CAP_* values to keep in the effective and permitted sets
 * @ncaps:	number of entries in @caps
 *
 * The bounding set is cleared as well (while CAP_SETPCAP is still
 * effective), so nothing this process execs (it execs nothing) could regain
 * more.  A bounding set cannot grow back, so a second call in the same
 * process sets only the capability sets.  Nothing stays inheritable, which
 * also empties the ambient set.  The result is read back from the kernel and
 * must be exactly what was asked.
 *
 * Return: 0, or -EPERM if the kernel refused or the result is not as asked.
 */
int caps_keep_only(const int *caps, int ncaps)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { 0 };
	uint64_t want = 0, eff = 0, perm = 0, inh = 0;

	for (int i = 0; i < ncaps; i++) {
		if (caps[i] < 0 || caps[i] >= 64)
			return -EPERM;
		want |= 1ull << caps[i];
	}
	if (!bounds_cleared && clear_bounding_set())
		return -EPERM;
	bounds_cleared = true;
	d[0].effective = d[0].permitted = (uint32_t)want;
	d[1].effective = d[1].permitted = (uint32_t)(want >> 32);
	if (syscall(SYS_capset, &hdr, d) < 0)
		return -EPERM;
	/* From here on the cached set is the kernel's, whatever the check below finds. */
	caps_known = false;
	if (read_caps(&eff, &perm, &inh))
		return -EPERM;
	caps_effective = eff;
	caps_known = true;
	return eff == want && perm == want && !inh ? 0 : -EPERM;
}
