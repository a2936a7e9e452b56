// SPDX-License-Identifier: MIT
/* vm_port.c - the names and guest MACs of per-VM bridge TAPs: pure functions of (uid, slot) */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/decimal.h"
#include "lib/ifname.h"
#include "lib/vm_port.h"

/**
 * bridge_tap_name() - the TAP name of a (user, slot): "rn" + uid in base 36 + "s" + slot
 * @uid:	the caller
 * @slot:	0..255
 * @out:	the name
 *
 * Stable, so a VM gets the same device name every time it starts in the same
 * slot, and unique per (uid, slot), so one user can never take another's.
 * The longest, uid 4294967295 ("1z141z3") with slot 255, is "rn1z141z3s255":
 * 13 characters, inside the kernel's 15.  The result is validated anyway,
 * never truncated.
 *
 * Return: 0, or -ENAMETOOLONG (cannot happen for a 32-bit uid and slot < 1000).
 */
int bridge_tap_name(uid_t uid, unsigned int slot, char out[IFNAMSIZ])
{
	char digits[16];
	size_t n = 0;
	uint32_t v = (uint32_t)uid;
	int len;

	do {
		digits[n++] = "0123456789abcdefghijklmnopqrstuvwxyz"[v % 36];
		v /= 36;
	} while (v);
	len = snprintf(out, IFNAMSIZ, "rn");
	while (n && len < IFNAMSIZ)
		out[len++] = digits[--n];
	if (len >= IFNAMSIZ)
		return -ENAMETOOLONG;
	out[len] = '\0';
	if (snprintf(out + len, IFNAMSIZ - (size_t)len, "s%u", slot) >= IFNAMSIZ - len)
		return -ENAMETOOLONG;
	return ifname_is_valid(out) ? 0 : -ENAMETOOLONG;
}

/**
 * bridge_tap_mac() - the guest MAC of a (user, slot): 02:UU:UU:UU:UU:SS
 * @uid:	the caller, big-endian in bytes 1-4
 * @slot:	0..255, byte 5
 * @mac:	the address
 *
 * 0x02 in the first byte makes it a locally administered unicast address,
 * which no vendor's card carries.  It is stable, so the DHCP responder gives
 * the VM the same lease each time it starts in the same slot, and distinct
 * for every (uid, slot), so two VMs on one bridge never collide.
 */
void bridge_tap_mac(uid_t uid, unsigned int slot, uint8_t mac[6])
{
	uint32_t v = (uint32_t)uid;

	mac[0] = 0x02;
	mac[1] = (uint8_t)(v >> 24);
	mac[2] = (uint8_t)(v >> 16);
	mac[3] = (uint8_t)(v >> 8);
	mac[4] = (uint8_t)v;
	mac[5] = (uint8_t)slot;
}

/**
 * bridge_tap_parse() - the (uid, slot) a per-VM TAP's name was made from
 * @name:	device name
 * @uid:	the user
 * @slot:	the slot
 *
 * The slot is the decimal after the last 's' (base 36 digits may contain
 * an 's' too); the name must be exactly what bridge_tap_name() makes of the
 * result, so nothing but the helper's own names is taken for one.
 *
 * Return: true if @name is a per-VM TAP name.
 */
bool bridge_tap_parse(const char *name, uint32_t *uid, unsigned int *slot)
{
	const char *s = strrchr(name, 's');
	unsigned long long v, sl;
	char again[IFNAMSIZ];

	if (strncmp(name, "rn", 2) || !s || s <= name + 2 ||
	    decimal_parse(s + 1, BRIDGE_TAP_SLOTS - 1, &sl))
		return false;
	v = 0;
	for (const char *p = name + 2; p < s; p++) {
		const char *d = strchr("0123456789abcdefghijklmnopqrstuvwxyz", *p);

		if (!*p || !d || v > UINT32_MAX / 36)
			return false;
		v = v * 36 + (unsigned long long)(d - "0123456789abcdefghijklmnopqrstuvwxyz");
		if (v > UINT32_MAX)
			return false;
	}
	if (bridge_tap_name((uid_t)v, (unsigned int)sl, again) || strcmp(again, name))
		return false;
	*uid = (uint32_t)v;
	*slot = (unsigned int)sl;
	return true;
}

