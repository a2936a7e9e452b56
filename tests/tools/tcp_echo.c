// SPDX-License-Identifier: MIT
/* tcp_echo.c - test tool: a TCP server that answers each line with "echo LINE", and its client
 *
 *   tcp_echo serve ADDR PORT COUNT   serve COUNT connections, print "ready" once listening
 *   tcp_echo send ADDR PORT TEXT     connect, send TEXT, print the answer
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int address(const char *ip, const char *port, struct sockaddr_in *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)atoi(port));
	return inet_pton(AF_INET, ip, &sa->sin_addr) == 1 ? 0 : -1;
}

static int serve(const struct sockaddr_in *sa, int count)
{
	int one = 1, s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(s, (const struct sockaddr *)sa, sizeof(*sa)) || listen(s, 8)) {
		perror("tcp_echo: listen");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	for (int i = 0; i < count; i++) {
		char buf[256], out[300];
		int c = accept(s, NULL, NULL);
		ssize_t n;

		if (c < 0) {
			perror("tcp_echo: accept");
			return 1;
		}
		n = read(c, buf, sizeof(buf) - 1);
		if (n > 0) {
			buf[n] = '\0';
			n = snprintf(out, sizeof(out), "echo %s", buf);
			if (write(c, out, (size_t)n) != n)
				perror("tcp_echo: write");
		}
		close(c);
	}
	close(s);
	return 0;
}

static int send_text(const struct sockaddr_in *sa, const char *text)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct timeval tv = { .tv_sec = 5 };
	char buf[512];
	ssize_t n;

	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) ||
	    connect(s, (const struct sockaddr *)sa, sizeof(*sa))) {
		perror("tcp_echo: connect");
		return 1;
	}
	if (write(s, text, strlen(text)) != (ssize_t)strlen(text)) {
		perror("tcp_echo: write");
		return 1;
	}
	n = read(s, buf, sizeof(buf) - 1);
	if (n <= 0) {
		perror("tcp_echo: read");
		return 1;
	}
	buf[n] = '\0';
	printf("%s\n", buf);
	close(s);
	return 0;
}

int main(int argc, char *argv[])
{
	struct sockaddr_in sa;

	if (argc != 5 || address(argv[2], argv[3], &sa)) {
		fprintf(stderr, "usage: tcp_echo serve ADDR PORT COUNT | send ADDR PORT TEXT\n");
		return 2;
	}
	if (!strcmp(argv[1], "serve"))
		return serve(&sa, atoi(argv[4]));
	return send_text(&sa, argv[4]);
}
