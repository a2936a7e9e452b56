/* SPDX-License-Identifier: MIT */
/* macvtap_open.h - open the queues of a macvtap through its /dev/tap<ifindex> node */
#ifndef REDOX_NET_MACVTAP_OPEN_H
#define REDOX_NET_MACVTAP_OPEN_H

struct link_state;

const char *macvtap_link_problem(const struct link_state *l);
int macvtap_open_queues(const struct link_state *l, unsigned int queues, int *fds);

#endif
