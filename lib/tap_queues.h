/* SPDX-License-Identifier: MIT */
/* tap_queues.h - attach to the queues of an existing TAP and prove what the fds are */
#ifndef REDOX_NET_TAP_QUEUES_H
#define REDOX_NET_TAP_QUEUES_H

#include <stdbool.h>

struct link_state;

const char *tap_link_problem(const struct link_state *l, unsigned int queues);
int tap_queues_attach(const char *name, unsigned int queues, bool multi_queue, int *fds);
int tap_fd_verify(int fd, const char *name, bool multi_queue);
void fds_close(int *fds, unsigned int n);

#endif
