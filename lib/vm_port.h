/* SPDX-License-Identifier: MIT */
/* vm_port.h - the names and guest MACs of per-VM bridge TAPs: pure functions of (uid, slot) */
#ifndef REDOX_NET_VM_PORT_H
#define REDOX_NET_VM_PORT_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Slots 0..255 per user: the last byte of the guest MAC. */
#define BRIDGE_TAP_SLOTS	256

int bridge_tap_name(uid_t uid, unsigned int slot, char out[IFNAMSIZ]);
void bridge_tap_mac(uid_t uid, unsigned int slot, uint8_t mac[6]);
bool bridge_tap_parse(const char *name, uint32_t *uid, unsigned int *slot);

#endif
