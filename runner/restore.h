/* SPDX-License-Identifier: MIT */
/* restore.h - what `redox-run-net --restore DIR` hands Cloud Hypervisor, read from the snapshot */
#ifndef REDOX_NET_RESTORE_H
#define REDOX_NET_RESTORE_H

#include <limits.h>

#include "runner/snapshot_config.h"

/**
 * struct restore_plan - the restore's source and the one net device that needs fresh fds
 * @source_url:	"file://" and the snapshot directory's absolute path
 * @net_id:	that device's id in config.json
 * @queues:	how many TAP fds it had, so how many it gets now
 */
struct restore_plan {
	char source_url[PATH_MAX + 8];
	char net_id[SNAP_ID_MAX];
	unsigned int queues;
};

int restore_plan_read(const char *dir, struct restore_plan *plan);
int restore_plan_pick(const struct snap_config *cfg, struct restore_plan *plan);

#endif
