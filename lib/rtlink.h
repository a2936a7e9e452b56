/* SPDX-License-Identifier: MIT */
/* rtlink.h - the few rtnetlink requests of the setuid helper and the runner, through libmnl alone */
#ifndef REDOX_NET_RTLINK_H
#define REDOX_NET_RTLINK_H

#include <stddef.h>
#include <stdint.h>

#include "lib/link_state.h"

struct rtlink;

struct rtlink *rtlink_open(void);
void rtlink_close(struct rtlink *rt);
int rtlink_parse(const void *buf, size_t len, struct link_state *out);
int rtlink_get(struct rtlink *rt, const char *name, struct link_state *out);
int rtlink_dump(struct rtlink *rt, int (*each)(const struct link_state *l, void *arg), void *arg);
int rtlink_set_alias(struct rtlink *rt, int ifindex, const char *alias);
int rtlink_port_attach(struct rtlink *rt, int ifindex, uint32_t group, int master,
		       const uint8_t guest_mac[6]);

#endif
