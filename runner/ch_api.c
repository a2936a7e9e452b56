// SPDX-License-Identifier: MIT
/*
 * ch_api.c - one HTTP/1.1 request to Cloud Hypervisor's API socket, in plain C
 *
 * The API is HTTP/1.1 over a UNIX stream socket, paths under /api/v1/, JSON
 * bodies (vmm/src/api/openapi/cloud-hypervisor.yaml).  One connection per
 * request, the whole exchange under one deadline, the answer bounded in size.
 * Every way it can fail ends in a message that names the socket and says what
 * to do, because the person reading it has a VM in an unknown state.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "runner/ch_api.h"
#include "lib/decimal.h"
#include "lib/escape.h"
#include "lib/log.h"

/**
 * struct exchange - one request on its way
 * @sock:	the socket path, for messages
 * @what:	"PUT /api/v1/vm.pause", for messages
 * @fd:		the connection
 * @deadline:	CLOCK_MONOTONIC milliseconds when it gives up
 * @timeout_s:	the timeout, for messages
 */
struct exchange {
	const char *sock;
	char what[96];
	int fd;
	long long deadline;
	unsigned int timeout_s;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Return: true if @n bytes at @s are all digits. */
static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Content-Length: strict digits, one value; a second that differs is refused (RFC 9112 6.3). */
static int read_content_length(const char *v, size_t n, struct http_head *h)
{
	char text[24];
	unsigned long long len;

	while (n && (*v == ' ' || *v == '\t'))
		v++, n--;
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (n == 0 || n >= sizeof(text))
		return -1;
	memcpy(text, v, n);
	text[n] = '\0';
	if (decimal_parse(text, CH_API_BODY_MAX, &len))
		return -1;
	if (h->content_length >= 0 && (unsigned long long)h->content_length != len)
		return -1;
	h->content_length = (long long)len;
	return 0;
}

/**
 * ch_http_parse_head() - read the status line and the headers that matter
 * @buf:	bytes received so far (need not be NUL-terminated)
 * @len:	how many
 * @h:		filled when the head is complete
 *
 * Cloud Hypervisor's server sends Content-Length and never chunked bodies,
 * so Transfer-Encoding is refused rather than half understood.
 *
 * Return: the head's length (> 0), 0 when more bytes are needed, -1 when it is not HTTP/1.x.
 */
int ch_http_parse_head(const char *buf, size_t len, struct http_head *h)
{
	const char *end = memmem(buf, len, "\r\n\r\n", 4), *line, *eol;

	if (len >= 5 && memcmp(buf, "HTTP/", 5))
		return -1;
	if (!end)
		return len > CH_API_HEAD_MAX ? -1 : 0;
	if ((size_t)(end - buf) + 4 > CH_API_HEAD_MAX || end - buf < 12 ||
	    memcmp(buf, "HTTP/1.", 7) || (buf[7] != '0' && buf[7] != '1') || buf[8] != ' ' ||
	    !all_digits(buf + 9, 3) || buf[9] == '0' || (buf[12] != ' ' && buf[12] != '\r'))
		return -1;
	h->status = (unsigned int)((buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0'));
	h->content_length = -1;
	line = memmem(buf, (size_t)(end + 2 - buf), "\r\n", 2);
	for (line = line ? line + 2 : end + 2; line < end + 2; line = eol + 2) {
		const char *colon;

		eol = memmem(line, (size_t)(end + 2 - line), "\r\n", 2);
		if (!eol)
			return -1;
		colon = memchr(line, ':', (size_t)(eol - line));
		if (!colon || colon == line)
			return -1;
		if ((size_t)(colon - line) == 14 && !strncasecmp(line, "Content-Length", 14) &&
		    read_content_length(colon + 1, (size_t)(eol - colon - 1), h))
			return -1;
		if ((size_t)(colon - line) == 17 && !strncasecmp(line, "Transfer-Encoding", 17))
			return -1;
	}
	h->head_len = (size_t)(end + 4 - buf);
	return (int)h->head_len;
}

/* Wait for @events on the connection; return 0, or -1 after saying it timed out. */
static int wait_for(struct exchange *x, short events)
{
	struct pollfd p = { .fd = x->fd, .events = events };
	long long left;
	int n;

	do {
		left = x->deadline - now_ms();
		n = left > 0 ? poll(&p, 1, (int)left) : 0;
	} while (n < 0 && errno == EINTR);
	if (n > 0)
		return 0;
	log_err("%s: the VMM did not answer %s within %u s", x->sock, x->what, x->timeout_s);
	log_hint("it may be busy (a snapshot writes all guest memory) or hung: give a longer "
		 "--timeout, or look at the VMM's output");
	return -1;
}

/* Say why connect() failed, in terms of what the user should do. */
static void explain_connect(const char *sock, int err)
{
	struct stat st;

	if (err == ENOENT) {
		log_err("no VM API socket at %s: that VM is not running, or it runs without one",
			sock);
		log_hint("start it with --profile dev or --api-socket PATH, and name it here with "
			 "the same --tap or --api-socket");
	} else if (err == ECONNREFUSED && stat(sock, &st) == 0 && !S_ISSOCK(st.st_mode)) {
		log_err("%s is not a socket", sock);
		log_hint("give the VM's --api-socket PATH");
	} else if (err == ECONNREFUSED) {
		log_err("%s refuses connections: the VMM that made it has exited", sock);
		log_hint("remove the stale socket and start the VM again");
	} else if (err == EACCES || err == EPERM) {
		log_err("%s: permission denied: the VM belongs to another user", sock);
	} else if (err == EAGAIN) {
		log_err("%s: the VMM is not accepting connections (its backlog is full)", sock);
		log_hint("try again in a moment");
	} else {
		log_err("cannot connect to %s: %s", sock, strerror(err));
	}
}

static int connect_api(struct exchange *x)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n = strlen(x->sock);

	if (n >= sizeof(sa.sun_path)) {
		log_err("%s: longer than a UNIX socket path can be (%zu bytes)", x->sock,
			sizeof(sa.sun_path) - 1);
		return -1;
	}
	memcpy(sa.sun_path, x->sock, n + 1);
	x->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (x->fd < 0) {
		log_err("cannot make a socket: %s", strerror(errno));
		return -1;
	}
	/* A UNIX stream connect completes at once or fails; it never goes EINPROGRESS. */
	if (connect(x->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		explain_connect(x->sock, errno);
		return -1;
	}
	return 0;
}

static int send_all(struct exchange *x, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(x->fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			if (wait_for(x, POLLOUT))
				return -1;
			continue;
		}
		if (n <= 0) {
			log_err("%s: the VMM stopped reading %s: %s", x->sock, x->what,
				n < 0 ? strerror(errno) : "closed");
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Say that the answer is not HTTP, showing its first bytes escaped. */
static int garbage(struct exchange *x, const char *buf, size_t len)
{
	char shown[128];

	escape_text(shown, sizeof(shown), buf, len < 40 ? len : 40);
	log_err("%s: the answer to %s is not an HTTP/1.x response: '%s'", x->sock, x->what, shown);
	log_hint("is %s the API socket of a Cloud Hypervisor VM?", x->sock);
	return -1;
}

/**
 * receive() - read one answer: its head, then exactly the body it announced
 * @x:		the exchange
 * @buf:	CH_API_HEAD_MAX + CH_API_BODY_MAX bytes
 * @r:		the status and body
 *
 * Without Content-Length the body runs to the end of the connection.  A 1xx,
 * 204 or 304 answer has no body whatever its headers say (RFC 9112 6.3).
 *
 * Return: 0, or -1 after saying what went wrong.
 */
static int receive(struct exchange *x, char *buf, struct ch_api_reply *r)
{
	const size_t cap = CH_API_HEAD_MAX + CH_API_BODY_MAX;
	struct http_head h = { 0 };
	size_t got = 0, want = cap;
	int head = 0;

	while (got < want) {
		ssize_t n = recv(x->fd, buf + got, cap - got, 0);

		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			if (wait_for(x, POLLIN))
				return -1;
			continue;
		}
		if (n < 0) {
			log_err("%s: reading the answer to %s: %s", x->sock, x->what, strerror(errno));
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (!head && (head = ch_http_parse_head(buf, got, &h)) < 0)
			return garbage(x, buf, got);
		if (head > 0 && (h.status < 200 || h.status == 204 || h.status == 304))
			want = (size_t)head;
		else if (head > 0 && h.content_length >= 0)
			want = (size_t)head + (size_t)h.content_length;
	}
	if (got == 0) {
		log_err("%s: the VMM closed the connection without answering %s", x->sock, x->what);
		log_hint("it may have crashed or be shutting down: look at its output");
		return -1;
	}
	if (head <= 0)
		return garbage(x, buf, got);
	if (got < want && want != cap) {
		log_err("%s: the answer to %s ended %zu bytes short of its Content-Length", x->sock,
			x->what, want - got);
		return -1;
	}
	r->status = h.status;
	r->body_len = (got < want ? got : want) - (size_t)head;
	if (r->body_len > CH_API_BODY_MAX)
		return garbage(x, buf, got);
	memcpy(r->body, buf + head, r->body_len);
	r->body[r->body_len] = '\0';
	return 0;
}

/**
 * ch_api_call() - send one request and read its answer
 * @sock:	the API socket's path
 * @method:	"GET" or "PUT"
 * @endpoint:	"vm.pause", "vm.info", ... (under /api/v1/)
 * @body:	a JSON body, or NULL for none
 * @timeout_s:	seconds for the whole exchange
 * @r:		the answer
 *
 * Return: 0 when an HTTP answer came (whatever its status), -1 after a
 * message saying why none did.
 */
int ch_api_call(const char *sock, const char *method, const char *endpoint, const char *body,
		unsigned int timeout_s, struct ch_api_reply *r)
{
	static char buf[CH_API_HEAD_MAX + CH_API_BODY_MAX];
	struct exchange x = { .sock = sock, .fd = -1, .timeout_s = timeout_s };
	char head[512];
	int n, err = -1;

	snprintf(x.what, sizeof(x.what), "%s /api/v1/%s", method, endpoint);
	if (body)
		n = snprintf(head, sizeof(head),
			     "%s HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n"
			     "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
			     x.what, strlen(body));
	else
		n = snprintf(head, sizeof(head),
			     "%s HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n\r\n",
			     x.what);
	if (n < 0 || (size_t)n >= sizeof(head))
		return -1;
	x.deadline = now_ms() + (long long)timeout_s * 1000;
	if (connect_api(&x) == 0 && send_all(&x, head, (size_t)n) == 0 &&
	    (!body || send_all(&x, body, strlen(body)) == 0))
		err = receive(&x, buf, r);
	if (x.fd >= 0)
		close(x.fd);
	return err;
}
