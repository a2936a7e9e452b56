// SPDX-License-Identifier: MIT
/* log.c - messages on stderr, prefixed with the program name */
#include <stdarg.h>
#include <stdio.h>

#include "lib/log.h"

static const char *program_name = "redox-net";
static bool quiet;

/**
 * log_init() - set the name every message starts with
 * @program:	program name, normally a string literal
 */
void log_init(const char *program)
{
	program_name = program;
}

/**
 * log_set_quiet() - suppress informational messages (errors and warnings still print)
 * @q:		true to suppress
 */
void log_set_quiet(bool q)
{
	quiet = q;
}

/**
 * log_program() - Return: the name given to log_init()
 */
const char *log_program(void)
{
	return program_name;
}

__attribute__((format(printf, 2, 0)))
static void vlog(const char *level, const char *fmt, va_list ap)
{
	if (level)
		fprintf(stderr, "%s: %s: ", program_name, level);
	else
		fprintf(stderr, "%s: ", program_name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void log_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("error", fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("warning", fmt, ap);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vlog(NULL, fmt, ap);
	va_end(ap);
}

/* A hint is the "what to do about it" line that follows an error or warning. */
void log_hint(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "  hint: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}
