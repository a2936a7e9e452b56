/* SPDX-License-Identifier: MIT */
/* runner_fds.h - get TAP or macvtap queue fds for the runner: straight from the kernel, or from the helper */
#ifndef REDOX_NET_RUNNER_FDS_H
#define REDOX_NET_RUNNER_FDS_H

#include <stdbool.h>

#include "lib/proto.h"

int runner_get_fds(const char *helper_path, const struct proto_request *req, int *fds,
		   struct proto_reply *info, bool *via_helper);
int runner_place_fds(int *fds, unsigned int n);

#endif
