// SPDX-License-Identifier: MIT
/* syslog_sink.c - test tool: a datagram socket standing in for /dev/log; prints each message on a line */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	char buf[4096];
	int s;

	if (argc != 2 || strlen(argv[1]) >= sizeof(a.sun_path)) {
		fprintf(stderr, "usage: syslog_sink SOCKET_PATH\n");
		return 2;
	}
	strcpy(a.sun_path, argv[1]);
	unlink(argv[1]);
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("syslog_sink");
		return 1;
	}
	/* The helper writes as an unprivileged uid. */
	chmod(argv[1], 0666);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ready\n");
	for (;;) {
		ssize_t n = recv(s, buf, sizeof(buf) - 1, 0);

		if (n < 0)
			return 1;
		buf[n] = '\0';
		printf("%s\n", buf);
	}
}
