/* SPDX-License-Identifier: MIT */
/* netlink.h - rtnetlink through libnl-route-3: link queries, link changes, deletes */
#ifndef REDOX_NET_NETLINK_H
#define REDOX_NET_NETLINK_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/inet.h"
#include "lib/link_state.h"

struct nl_msg;
struct nl_sock;

struct nl_sock *nl_route_open(void);
void nl_route_close(struct nl_sock *sk);
const char *nl_strerror(int err);

int link_query(struct nl_sock *sk, const char *name, struct link_state *out);
int link_list(struct nl_sock *sk, struct link_state **out, size_t *count);
int link_set_group_up(struct nl_sock *sk, int ifindex, uint32_t group, bool up);
int link_attach_up(struct nl_sock *sk, int ifindex, uint32_t group, int master);
int link_attach_isolated_up(struct nl_sock *sk, int ifindex, uint32_t group, int master);
int link_send_info(struct nl_sock *sk, struct nl_msg *msg, int kind_attr, int data_attr,
		   int attr, uint8_t value);
int link_delete(struct nl_sock *sk, int ifindex);
int link_delete_group(struct nl_sock *sk, uint32_t group);

int addr_present(struct nl_sock *sk, int ifindex, const struct rn_prefix *p);
int addr_add(struct nl_sock *sk, int ifindex, const struct rn_prefix *p);
int addr_delete(struct nl_sock *sk, int ifindex, const struct rn_prefix *p);
int neigh_mac(struct nl_sock *sk, int ifindex, uint8_t mac[6]);

/**
 * struct route_conflict - a route that already claims part of a subnet
 * @ifindex:	its output interface
 * @dst:	its destination prefix
 */
struct route_conflict {
	int ifindex;
	struct rn_prefix dst;
};
int route_find_conflict(struct nl_sock *sk, const struct rn_prefix *subnet, int own_ifindex,
			struct route_conflict *out);

#endif
