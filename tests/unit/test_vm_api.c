// SPDX-License-Identifier: MIT
/* test_vm_api.c - unit tests for the snapshot config reader, the restore plan, HTTP heads and sizes */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "runner/ch_api.h"
#include "runner/mem_size.h"
#include "runner/restore.h"
#include "runner/snapshot_config.h"
#include "lib/log.h"

/* parse() - Return: snap_config_parse() of the NUL-terminated @text; a refusal must say why */
static int parse(const char *text, struct snap_config *cfg)
{
	char why[160] = "";
	int err = snap_config_parse(text, strlen(text), cfg, why, sizeof(why));

	if (err)
		assert_true(why[0] != '\0');
	return err;
}

static void ch_layout_read(void **state)
{
	struct snap_config cfg;
	struct restore_plan plan;

	(void)state;
	assert_int_equal(parse("{\"memory\":{\"size\":1073741824,\"zones\":null},\"net\":[{\"tap\":null,"
			       "\"mac\":\"52:54:00:12:34:56\",\"num_queues\":4,\"vhost_user\":false,"
			       "\"id\":\"_net1\",\"fds\":[-1,-1],\"rate_limiter_config\":null}],"
			       "\"payload\":{\"firmware\":\"/a\\\"b\\u00e9\"}}\n", &cfg), 0);
	assert_int_equal(cfg.nnets, 1);
	assert_string_equal(cfg.nets[0].id, "_net1");
	assert_int_equal(cfg.nets[0].num_queues, 4);
	assert_int_equal(cfg.nets[0].nfds, 2);
	assert_true(cfg.nets[0].has_fds);
	assert_int_equal(restore_plan_pick(&cfg, &plan), 0);
	assert_string_equal(plan.net_id, "_net1");
	assert_int_equal(plan.queues, 2);
}

static void defaults_and_devices_without_fds(void **state)
{
	struct snap_config cfg;
	struct restore_plan plan;

	(void)state;
	assert_int_equal(parse("{\"net\":[{\"id\":\"a\",\"tap\":\"tap1\"},{\"id\":\"v\",\"vhost_user\":true,"
			       "\"fds\":[]},{\"id\":\"f\",\"fds\":[7]}]}", &cfg), 0);
	assert_int_equal(cfg.nnets, 3);
	assert_int_equal(cfg.nets[0].num_queues, 2);	/* Cloud Hypervisor's default */
	assert_false(cfg.nets[0].has_fds);
	assert_int_equal(restore_plan_pick(&cfg, &plan), 0);
	assert_string_equal(plan.net_id, "f");
	assert_int_equal(parse("{\"net\":null}", &cfg), 0);
	assert_int_equal(restore_plan_pick(&cfg, &plan), -1);	/* nothing to give fds to */
	assert_int_equal(parse("{\"net\":[{\"id\":\"a\",\"fds\":[1]},{\"id\":\"b\",\"fds\":[2]}]}", &cfg), 0);
	assert_int_equal(restore_plan_pick(&cfg, &plan), -1);	/* two: we bring one TAP */
	assert_int_equal(parse("{\"net\":[{\"id\":\"a\",\"num_queues\":2,\"fds\":[1,2]}]}", &cfg), 0);
	assert_int_equal(restore_plan_pick(&cfg, &plan), -1);	/* 2 fds need 4 queues */
	assert_int_equal(parse("{\"net\":[{\"id\":\"a]b\",\"fds\":[1]}]}", &cfg), 0);
	assert_int_equal(restore_plan_pick(&cfg, &plan), -1);	/* would break net_fds=[...] */
}

static void hostile_json_refused(void **state)
{
	static const char *const bad[] = {
		"", "[]", "{", "{\"net\":[}", "{\"net\":[{\"id\":\"x\"}]} x", "{\"a\":01}", "{\"a\":1.}",
		"{\"a\":-}", "{\"a\":tru}", "{\"a\":\"\x01\"}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12g4\"}",
		"{\"n\\u0065t\":[]}", "{\"net\":[],\"net\":[]}", "{\"net\":{}}", "{\"net\":[1]}",
		"{\"net\":[{\"fds\":[1],\"fds\":[1]}]}", "{\"net\":[{\"fds\":[1.5]}]}",
		"{\"net\":[{\"num_queues\":0}]}", "{\"net\":[{\"num_queues\":99999999999999999999}]}",
		"{\"net\":[{\"id\":\"\"}]}", "{\"net\":[{\"id\":\"\\u0041\"}]}", "{\"net\":[{\"id\":\"a b\"}]}",
		"{\"net\":[{\"vhost_user\":1}]}", "{\"a\":\"unterminated",
	};
	char deep[128];
	struct snap_config cfg;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse(bad[i], &cfg), -1);
	memset(deep, '[', sizeof(deep));
	memcpy(deep, "{\"a\":", 5);
	deep[sizeof(deep) - 1] = '\0';
	assert_int_equal(parse(deep, &cfg), -1);	/* nesting is bounded */
	/* Without a NUL after it, the parser stops at the length it was given. */
	assert_int_equal(snap_config_parse("{\"a\":1}garbage", 7, &cfg, deep, sizeof(deep)), 0);
}

/* Return: ch_http_parse_head() of all of @text. */
static int head(const char *text, struct http_head *h)
{
	return ch_http_parse_head(text, strlen(text), h);
}

static void http_heads(void **state)
{
	struct http_head h;
	const char *ok = "HTTP/1.1 204 No Content\r\nServer: x\r\n\r\n";
	const char *body = "HTTP/1.1 200 OK\r\ncontent-length: 12\r\n\r\n{\"a\":1}";

	(void)state;
	assert_int_equal(ch_http_parse_head(ok, strlen(ok), &h), (int)strlen(ok));
	assert_int_equal(h.status, 204);
	assert_int_equal(h.content_length, -1);
	assert_int_equal(ch_http_parse_head(body, strlen(body), &h), (int)strlen(body) - 7);
	assert_int_equal(h.content_length, 12);
	assert_int_equal(ch_http_parse_head(ok, 10, &h), 0);	/* more to come */
	assert_int_equal(head("SSH-2.0-x\r\n\r\n", &h), -1);
	assert_int_equal(head("HTTP/2 200 OK\r\n\r\n", &h), -1);
	assert_int_equal(head("HTTP/1.1 20x OK\r\n\r\n", &h), -1);
	assert_int_equal(head("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", &h), -1);
	assert_int_equal(head("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", &h), -1);
	assert_int_equal(head("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", &h), -1);
	assert_int_equal(head("HTTP/1.1 200 OK\r\nno colon\r\n\r\n", &h), -1);
}

static void sizes(void **state)
{
	unsigned long long b;

	(void)state;
	assert_int_equal(mem_size_parse("t", "4G", &b), 0);
	assert_true(b == 4ULL << 30);
	assert_int_equal(mem_size_parse("t", "2048M", &b), 0);
	assert_true(b == 2048ULL << 20);
	assert_int_equal(mem_size_parse("t", "512K", &b), 0);
	assert_true(b == 512ULL << 10);
	assert_int_equal(mem_size_parse("t", "1073741824", &b), 0);
	assert_true(b == 1073741824ULL);
	for (const char *const *s = (const char *const[]){ "", "G", "0", "0G", "4GB", "-1G", " 4G", "4g",
							   "0x10M", "17179869184G", NULL }; *s; s++)
		assert_int_equal(mem_size_parse("t", *s, &b), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ch_layout_read),
		cmocka_unit_test(defaults_and_devices_without_fds),
		cmocka_unit_test(hostile_json_refused),
		cmocka_unit_test(http_heads),
		cmocka_unit_test(sizes),
	};

	log_init("test_vm_api");
	log_set_quiet(true);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
