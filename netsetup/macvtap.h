/* SPDX-License-Identifier: MIT */
/* macvtap.h - macvtap devices on top of a host interface */
#ifndef REDOX_NET_MACVTAP_H
#define REDOX_NET_MACVTAP_H

#include <stdint.h>

struct nl_sock;

int macvtap_mode_parse(const char *text, uint32_t *mode);
int macvtap_create(struct nl_sock *sk, const char *name, int lower_ifindex,
		   const uint8_t mac[6], uint32_t mode);

#endif
