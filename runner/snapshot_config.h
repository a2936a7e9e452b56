/* SPDX-License-Identifier: MIT */
/* snapshot_config.h - read the net devices out of a Cloud Hypervisor snapshot's config.json */
#ifndef REDOX_NET_SNAPSHOT_CONFIG_H
#define REDOX_NET_SNAPSHOT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define SNAP_CONFIG_MAX	1048576		/* bytes of config.json we accept (1 MiB) */
#define SNAP_MAX_NETS	16		/* net devices in one config */
#define SNAP_MAX_FDS	256u		/* fds of one net device (tun's queue limit) */
#define SNAP_ID_MAX	64		/* device id bytes, with the NUL */
#define SNAP_JSON_DEPTH	32		/* nesting of objects and arrays */

/**
 * struct snap_net - one entry of the config's "net" array, as far as a restore needs it
 * @id:		the device id ("_net2"), "" when null or absent; printable ASCII
 * @num_queues:	virtio queues (RX + TX); 2, Cloud Hypervisor's default, when absent
 * @nfds:	length of "fds", the number of TAP fds the device was started with
 * @has_fds:	"fds" is an array (the device is fd-backed), not null or absent
 * @vhost_user:	a vhost-user device, which takes no TAP fds
 */
struct snap_net {
	char id[SNAP_ID_MAX];
	unsigned int num_queues;
	unsigned int nfds;
	bool has_fds;
	bool vhost_user;
};

/**
 * struct snap_config - what snap_config_parse() found
 * @nnets:	entries used in @nets
 * @nets:	the net devices, in the file's order
 */
struct snap_config {
	unsigned int nnets;
	struct snap_net nets[SNAP_MAX_NETS];
};

int snap_config_parse(const char *buf, size_t len, struct snap_config *cfg, char *why,
		      size_t whysz);

#endif
