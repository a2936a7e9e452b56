// SPDX-License-Identifier: MIT
/*
 * ch_api_server.c - test tool: a stand-in for Cloud Hypervisor's API socket
 *
 * It answers the requests of the OpenAPI description the way the VMM does:
 * 200 with a JSON body for GET vm.info and vmm.ping, 204 for the PUT actions,
 * 404 for an unknown path; or, by MODE, every request with 404, 405 or 500,
 * after a delay (slow), by closing without a word (close), or with bytes that
 * are not HTTP (garbage).  Every request it reads is appended to LOG byte for
 * byte, so a test can compare the request line, headers and body exactly.
 *
 * usage: ch_api_server SOCKET LOG MODE     (prints "ready" once listening)
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/decimal.h"

#define REQUEST_MAX 65536

static const char info_body[] =
	"{\"config\":{\"cpus\":{\"boot_vcpus\":2,\"max_vcpus\":2},\"memory\":{\"size\":1073741824,"
	"\"hotplug_method\":\"VirtioMem\",\"hotplug_size\":4294967296},"
	"\"net\":[{\"id\":\"_net1\",\"num_queues\":4,\"fds\":[3,4]}]},"
	"\"state\":\"Running\",\"memory_actual_size\":1073741824}";
static const char ping_body[] = "{\"build_version\":\"test\",\"version\":\"0.0.0-test\",\"pid\":1}";
static const char error_body[] = "\"Error from API: the test server was told to fail\"";

/* Read one request: the head, then as many body bytes as Content-Length says. */
static size_t read_request(int fd, char *buf)
{
	size_t got = 0, want = REQUEST_MAX;
	ssize_t n;

	while (got < want && (n = read(fd, buf + got, REQUEST_MAX - got)) > 0) {
		char *end;

		got += (size_t)n;
		end = memmem(buf, got, "\r\n\r\n", 4);
		if (end && want == REQUEST_MAX) {
			char *cl = memmem(buf, (size_t)(end - buf), "Content-Length: ", 16);
			unsigned long long len = 0;
			char digits[16] = "";

			if (cl)
				sscanf(cl + 16, "%15[0-9]", digits);
			if (cl && decimal_parse(digits, REQUEST_MAX / 2, &len))
				len = 0;
			want = (size_t)(end + 4 - buf) + (size_t)len;
		}
	}
	return got;
}

static void reply(int fd, const char *status, const char *body)
{
	char head[256];
	int n;

	if (body)
		n = snprintf(head, sizeof(head),
			     "HTTP/1.1 %s\r\nServer: Cloud Hypervisor API\r\nConnection: keep-alive\r\n"
			     "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
			     status, strlen(body));
	else
		n = snprintf(head, sizeof(head),
			     "HTTP/1.1 %s\r\nServer: Cloud Hypervisor API\r\nConnection: keep-alive\r\n\r\n",
			     status);
	if (write(fd, head, (size_t)n) < 0 || (body && write(fd, body, strlen(body)) < 0))
		perror("write");
}

/* Return: the status a healthy VMM with a running VM gives @req, and its body in @body. */
static const char *answer_ok(const char *req, const char **body)
{
	static const char *const actions[] = {
		"PUT /api/v1/vm.pause ", "PUT /api/v1/vm.resume ", "PUT /api/v1/vm.snapshot ",
		"PUT /api/v1/vm.resize ",
	};

	*body = NULL;
	if (!strncmp(req, "GET /api/v1/vm.info ", 20)) {
		*body = info_body;
		return "200 OK";
	}
	if (!strncmp(req, "GET /api/v1/vmm.ping ", 21)) {
		*body = ping_body;
		return "200 OK";
	}
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (!strncmp(req, actions[i], strlen(actions[i])))
			return "204 No Content";
	return "404 Not Found";
}

int main(int argc, char *argv[])
{
	static char req[REQUEST_MAX + 1];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *mode, *body, *status;
	FILE *log;
	int lfd;

	if (argc != 4 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: ch_api_server SOCKET LOG ok|404|405|500|slow|close|garbage\n");
		return 2;
	}
	mode = argv[3];
	signal(SIGPIPE, SIG_IGN);
	strcpy(sa.sun_path, argv[1]);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	log = fopen(argv[2], "a");
	if (lfd < 0 || !log || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(lfd, 16) < 0) {
		perror(argv[1]);
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		size_t n;

		if (fd < 0)
			continue;
		n = read_request(fd, req);
		req[n] = '\0';
		fwrite(req, 1, n, log);
		fflush(log);
		if (!strcmp(mode, "slow"))
			sleep(5);
		if (!strcmp(mode, "404"))
			reply(fd, "404 Not Found", NULL);
		else if (!strcmp(mode, "405"))
			reply(fd, "405 Method Not Allowed", NULL);
		else if (!strcmp(mode, "500"))
			reply(fd, "500 Internal Server Error", error_body);
		else if (!strcmp(mode, "garbage"))
			(void)!write(fd, "SSH-2.0-OpenSSH_9.6\r\n\x1b[31m", 26);
		else if (strcmp(mode, "close") && (status = answer_ok(req, &body)))
			reply(fd, status, body);
		close(fd);
	}
}
