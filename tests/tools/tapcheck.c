// SPDX-License-Identifier: MIT
/* tapcheck.c - test tool: open a tap character device and print its TUNGETIFF flags */
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	struct ifreq ifr;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: tapcheck /dev/tapN\n");
		return 2;
	}
	fd = open(argv[1], O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(fd, TUNGETIFF, &ifr) < 0) {
		perror("TUNGETIFF");
		return 1;
	}
	printf("%s flags=0x%x\n", ifr.ifr_name, (unsigned int)ifr.ifr_flags);
	close(fd);
	return 0;
}
