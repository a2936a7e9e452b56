// SPDX-License-Identifier: MIT
/* link_state.c - what a device's rtnetlink description means, for both netlink readers */
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>

#include "lib/decimal.h"
#include "lib/link_state.h"

#define ALIAS_PREFIX "redox-net uid="

/**
 * link_is_tap() - Return: true if @l is a tun-driver device in TAP mode
 * @l:		device
 */
bool link_is_tap(const struct link_state *l)
{
	return !strcmp(l->kind, "tun") && l->tun.valid && l->tun.type == IFF_TAP;
}

/**
 * link_alias_for() - the alias that records a pool TAP as @uid's
 * @uid:	the user the helper granted the TAP to
 * @out:	the alias
 *
 * Return: 0 (the longest uid fits).
 */
int link_alias_for(uint32_t uid, char out[LINK_ALIAS_MAX])
{
	return snprintf(out, LINK_ALIAS_MAX, ALIAS_PREFIX "%u", uid) >= LINK_ALIAS_MAX ? -1 : 0;
}

/**
 * link_alias_owner() - whose is this pool TAP, by the helper's record?
 * @l:		device
 * @uid:	the user, when there is a record
 *
 * The kernel's owner (IFLA_TUN_OWNER) is no record: whoever holds a queue fd
 * can rewrite it with TUNSETOWNER, no capability needed.  The alias can only
 * be written with CAP_NET_ADMIN, vanishes with the device, and is shown by
 * `ip link`, so it is the record the helper keeps of its grants (helper/pool_claim.c).
 *
 * Return: true with @uid filled if @l carries a well-formed record.
 */
bool link_alias_owner(const struct link_state *l, uint32_t *uid)
{
	unsigned long long v;

	if (strncmp(l->alias, ALIAS_PREFIX, sizeof(ALIAS_PREFIX) - 1) ||
	    decimal_parse(l->alias + sizeof(ALIAS_PREFIX) - 1, UINT32_MAX, &v))
		return false;
	*uid = (uint32_t)v;
	return true;
}
