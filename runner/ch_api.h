/* SPDX-License-Identifier: MIT */
/* ch_api.h - one HTTP/1.1 request to Cloud Hypervisor's API socket, in plain C */
#ifndef REDOX_NET_CH_API_H
#define REDOX_NET_CH_API_H

#include <stddef.h>

#define CH_API_HEAD_MAX	8192		/* bytes of status line and headers */
#define CH_API_BODY_MAX	262144		/* bytes of body, 256 KiB (vm.info of a large VM) */

/**
 * struct http_head - what ch_http_parse_head() read
 * @status:		the status code, 100..999
 * @content_length:	the body's length, or -1 when no Content-Length was sent
 * @head_len:		bytes up to and including the blank line
 */
struct http_head {
	unsigned int status;
	long long content_length;
	size_t head_len;
};

/**
 * struct ch_api_reply - one answer
 * @status:	HTTP status code
 * @body_len:	bytes in @body
 * @body:	the body, NUL-terminated (it may hold other NULs: use @body_len)
 */
struct ch_api_reply {
	unsigned int status;
	size_t body_len;
	char body[CH_API_BODY_MAX + 1];
};

int ch_http_parse_head(const char *buf, size_t len, struct http_head *h);
int ch_api_call(const char *sock, const char *method, const char *endpoint, const char *body,
		unsigned int timeout_s, struct ch_api_reply *r);

#endif
