// SPDX-License-Identifier: MIT
/*
 * udp_whoami.c - test tool: the "internet" host.  Answers each UDP datagram with the
 * source address it came from, so a test can see whether masquerade happened.
 *
 * usage: udp_whoami PORT COUNT      (server: answers COUNT datagrams, then exits)
 *        udp_whoami ADDR PORT       (client: prints the answer, 3 s timeout)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	char buf[64];
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (argc != 3 || fd < 0)
		return 2;
	if (!strchr(argv[1], '.')) {
		int count = atoi(argv[2]);

		a.sin_port = htons((uint16_t)atoi(argv[1]));
		if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
			return 1;
		printf("ready\n");
		fflush(stdout);
		while (count-- > 0) {
			struct sockaddr_in from;
			socklen_t flen = sizeof(from);

			if (recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen) < 0)
				return 1;
			inet_ntop(AF_INET, &from.sin_addr, buf, sizeof(buf));
			sendto(fd, buf, strlen(buf), 0, (struct sockaddr *)&from, flen);
		}
		return 0;
	}
	struct timeval tv = { .tv_sec = 3 };
	ssize_t n;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (inet_pton(AF_INET, argv[1], &a.sin_addr) != 1)
		return 2;
	a.sin_port = htons((uint16_t)atoi(argv[2]));
	if (sendto(fd, "?", 1, 0, (struct sockaddr *)&a, sizeof(a)) < 0)
		return 1;
	n = recvfrom(fd, buf, sizeof(buf) - 1, 0, (struct sockaddr *)&a, &alen);
	if (n < 0)
		return 1;
	buf[n] = '\0';
	printf("%s\n", buf);
	return 0;
}
