/* SPDX-License-Identifier: MIT */
/* vm_api_cmd.h - redox-run-net ping|info|pause|resume|snapshot|resize through the VM's API socket */
#ifndef REDOX_NET_VM_API_CMD_H
#define REDOX_NET_VM_API_CMD_H

#include <stdbool.h>

bool vm_api_cmd_lookup(const char *name);
int vm_api_cmd_main(int argc, char *argv[]);

#endif
