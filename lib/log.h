/* SPDX-License-Identifier: MIT */
/* log.h - messages on stderr, prefixed with the program name */
#ifndef REDOX_NET_LOG_H
#define REDOX_NET_LOG_H

#include <stdbool.h>
#include <stdint.h>

/**
 * struct log_burst - how many events of one kind this second, so a flood logs a few lines
 * @second:	the second @count counts in
 * @count:	events seen in it
 */
struct log_burst {
	int64_t second;
	unsigned int count;
};

bool log_burst_allow(struct log_burst *b, int64_t now, unsigned int max, const char *what);

void log_init(const char *program);
void log_set_quiet(bool quiet);
void log_set_verbose(bool verbose);
bool log_verbose(void);
void log_detect_journal(void);
const char *log_program(void);

__attribute__((format(printf, 1, 2))) void log_err(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void log_warn(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void log_info(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void log_debug(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void log_hint(const char *fmt, ...);

#endif
