// SPDX-License-Identifier: MIT
/*
 * pf_bind.c - test tool (root only): port_filter_bind() PORT MAC, as the setuid helper calls it
 *
 * usage: pf_bind PORT MAC      prints "bind=0" or "bind=-ERRNO (text)" and exits 0 or 1
 */
#include <netinet/ether.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "helper/port_filter.h"

int main(int argc, char *argv[])
{
	struct ether_addr *mac;
	int err;

	if (argc != 3 || !(mac = ether_aton(argv[2]))) {
		fprintf(stderr, "usage: pf_bind PORT MAC\n");
		return 2;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "pf_bind: root only (it writes to nf_tables)\n");
		return 2;
	}
	err = port_filter_bind(argv[1], mac->ether_addr_octet);
	printf("bind=%d%s%s%s\n", err, err ? " (" : "", err ? strerror(-err) : "", err ? ")" : "");
	return err ? 1 : 0;
}
