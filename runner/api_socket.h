/* SPDX-License-Identifier: MIT */
/* api_socket.h - where a VM's Cloud Hypervisor API socket lives by default */
#ifndef REDOX_NET_API_SOCKET_H
#define REDOX_NET_API_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/un.h>

#define API_SOCKET_PATH_MAX	sizeof(((struct sockaddr_un *)0)->sun_path)

int api_socket_default(const char *vm, char *out, size_t outsz, bool create_dir);
int api_socket_clear_stale(const char *path);

#endif
