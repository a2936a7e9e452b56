/* SPDX-License-Identifier: MIT */
/* dhcp_privs.h - the DHCP responder's whole privileged surface: who to become, and becoming it */
#ifndef REDOX_NET_DHCP_PRIVS_H
#define REDOX_NET_DHCP_PRIVS_H

#include <sys/types.h>

int dhcp_resolve_user(const char *user, const char *group, uid_t *uid, gid_t *gid);
int dhcp_drop_privileges(uid_t uid, gid_t gid);

#endif
