// SPDX-License-Identifier: MIT
/* dhcp_flood.c - which served interfaces are one guest's, and one log line per flood on each */
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"
#include "netsetup/dhcp/dhcp_flood.h"

/**
 * dhcp_iface_is_tap() - Return: true if @name is a TUN/TAP device, so one guest's alone
 * @name:	interface name, checked by ifname_is_valid()
 *
 * The driver's name from ETHTOOL_GDRVINFO, which needs no capability, so this
 * works after the privilege drop, and asks the network namespace the
 * responder serves.  sysfs would answer for whichever namespace /sys was
 * mounted in, which under `nsenter --net`, or in a chroot, is another one.
 * A bridge, a veth or a device that is gone is not one guest's: its offers
 * are bounded, its leases are not.
 */
bool dhcp_iface_is_tap(const char *name)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr = { .ifr_data = (char *)&info };
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool tap;

	if (sock < 0)
		return false;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	tap = ioctl(sock, SIOCETHTOOL, &ifr) == 0 && !strcmp(info.driver, "tun");
	close(sock);
	return tap;
}

/**
 * dhcp_flood_note() - count one exchange against the interface's flood episode
 * @f:		the interface's episode
 * @iface:	its name
 * @b:		the bounds, for the limits the first line names
 * @one_guest:	the interface is a guest's TAP
 * @bound:	what the bound did to the exchange
 * @now:	wall clock, seconds
 *
 * A flood is reported once, when a bound is first hit, not per packet: a
 * guest must not be able to fill the log (and the disk under it) with one
 * line per datagram.  Until the episode ends (dhcp_flood_tick()), the
 * interface's exchanges are counted instead of logged.
 *
 * Return: true if the exchange's own log line is to be left out.
 */
bool dhcp_flood_note(struct dhcp_flood *f, const char *iface, const struct dhcp_bounds *b,
		     bool one_guest, enum dhcp_bound bound, int64_t now)
{
	if (bound != DHCP_BOUND_OK) {
		if (!f->on) {
			if (one_guest)
				log_warn("DHCP flood on %s: the guest asks for more than the %u addresses "
					 "its TAP may hold (guest-leases); its oldest are taken back, and "
					 "its exchanges are counted, not logged, until it stops for %d s",
					 iface, b->guest_cap, DHCP_FLOOD_QUIET);
			else
				log_warn("DHCP flood on %s: more than %u open offers (a quarter of the "
					 "pool); the oldest are withdrawn, and its exchanges are counted, "
					 "not logged, until it stops for %d s",
					 iface, b->offer_cap, DHCP_FLOOD_QUIET);
			*f = (struct dhcp_flood){ .on = true };
		}
		f->last = now;
		f->withdrew++;
	}
	if (f->on)
		f->unlogged++;
	return f->on;
}

/**
 * dhcp_flood_tick() - end the interface's episode once no bound was hit for DHCP_FLOOD_QUIET s
 * @f:		the interface's episode
 * @iface:	its name
 * @now:	wall clock, seconds
 */
void dhcp_flood_tick(struct dhcp_flood *f, const char *iface, int64_t now)
{
	if (!f->on || now - f->last < DHCP_FLOOD_QUIET)
		return;
	log_info("the DHCP flood on %s is over: %lu addresses taken back, %lu exchanges not logged",
		 iface, f->withdrew, f->unlogged);
	f->on = false;
}
