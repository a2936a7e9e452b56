/* SPDX-License-Identifier: MIT */
/* pool_claim.h - whose a pool TAP is, by a record its fd's holder cannot rewrite */
#ifndef REDOX_NET_POOL_CLAIM_H
#define REDOX_NET_POOL_CLAIM_H

#include <stdbool.h>
#include <sys/types.h>

struct link_state;
struct rtlink;

/**
 * enum pool_verdict - may this caller claim this pool TAP now?
 * @POOL_FREE:		nobody's: the caller may claim it
 * @POOL_MINE:		the helper granted it to the caller before
 * @POOL_THEIRS:	another user's, by the helper's record or the kernel's owner
 * @POOL_IN_USE:	somebody holds one of its queues, attached or detached
 */
enum pool_verdict { POOL_FREE, POOL_MINE, POOL_THEIRS, POOL_IN_USE };

enum pool_verdict pool_claim_verdict(const struct link_state *l, uid_t uid);
int pool_claim_count(struct rtlink *rt, uid_t uid, int exclude_ifindex, unsigned int *count);
int pool_claim_record(struct rtlink *rt, int ifindex, uid_t uid);
bool pool_claim_holds(const struct link_state *l, int ifindex, uid_t uid, unsigned int queues);

#endif
