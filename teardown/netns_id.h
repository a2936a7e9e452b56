/* SPDX-License-Identifier: MIT */
/* netns_id.h - which network namespace this is, so each one keeps a journal of its own */
#ifndef REDOX_NET_NETNS_ID_H
#define REDOX_NET_NETNS_ID_H

#include <stdbool.h>
#include <stddef.h>

/**
 * struct netns_id - one network namespace, told apart from a later one that reuses its inode
 * @ino:	inode of its nsfs file (/proc/self/ns/net); freed and reused when it dies
 * @cookie:	its SO_NETNS_COOKIE, never reused until reboot; 0 on kernels before 5.14
 */
struct netns_id {
	unsigned long long ino;
	unsigned long long cookie;
};

int netns_id_self(struct netns_id *id);
bool netns_id_same(const struct netns_id *a, const struct netns_id *b);
bool netns_ino_alive(unsigned long long ino);
int netns_name_self(char *name, size_t size);
int netns_run_dir(char *dir, size_t size, const char *shared, bool create);

#endif
