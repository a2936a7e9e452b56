/* SPDX-License-Identifier: MIT */
/* replay.h - undo journal records, newest first; remove what redox-net left behind */
#ifndef REDOX_NET_REPLAY_H
#define REDOX_NET_REPLAY_H

#include <stdbool.h>
#include <stddef.h>

struct nl_sock;
struct journal;

/**
 * struct teardown_opts - choices the user made for `down`
 * @keep_forwarding: leave net.ipv4.ip_forward as it is
 */
struct teardown_opts {
	bool keep_forwarding;
};

int teardown_replay(struct nl_sock *sk, struct journal *j, size_t from,
		    const struct teardown_opts *opts);
int teardown_leftovers(struct nl_sock *sk, const char *dir);

#endif
