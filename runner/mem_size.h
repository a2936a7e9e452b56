/* SPDX-License-Identifier: MIT */
/* mem_size.h - memory sizes as Cloud Hypervisor writes them: 2048M, 4G, 1073741824 */
#ifndef REDOX_NET_MEM_SIZE_H
#define REDOX_NET_MEM_SIZE_H

int mem_size_parse(const char *what, const char *text, unsigned long long *bytes);

#endif
