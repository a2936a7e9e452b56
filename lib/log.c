// SPDX-License-Identifier: MIT
/* log.c - messages on stderr, prefixed with the program name (and a syslog priority for journald) */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/decimal.h"
#include "lib/log.h"

/* syslog(3) priorities, as journald reads them from a "<N>" line prefix. */
enum { PRIO_ERR = 3, PRIO_WARNING = 4, PRIO_INFO = 6, PRIO_DEBUG = 7 };

static const char *program_name = "redox-net";
static bool quiet, verbose, journal_prefix;
static int last_prio = PRIO_INFO;

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
 * log_set_verbose() - also print debug messages (per-packet detail)
 * @v:		true to print them
 */
void log_set_verbose(bool v)
{
	verbose = v;
}

/**
 * log_verbose() - Return: true if debug messages are printed
 *
 * A caller that builds an expensive debug line asks first.
 */
bool log_verbose(void)
{
	return verbose && !quiet;
}

/**
 * log_detect_journal() - prefix each line with "<N>" when stderr is the systemd journal
 *
 * systemd sets JOURNAL_STREAM to "DEV:INODE" of the stream it connected to
 * stderr (systemd.exec(5)); it is trusted only if stderr really is that
 * stream, since a child may inherit the variable with stderr redirected.
 * journald then takes the priority from the prefix and adds its own
 * timestamp, so the lines carry none.  Called by redox-netsetup only: the
 * setuid helper reads no environment.
 */
void log_detect_journal(void)
{
	const char *env = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	char text[64], *colon;
	struct stat st;

	journal_prefix = false;
	if (!env || strlen(env) >= sizeof(text) || fstat(2, &st))
		return;
	strcpy(text, env);
	colon = strchr(text, ':');
	if (!colon)
		return;
	*colon = '\0';
	if (decimal_parse(text, ~0ULL, &dev) || decimal_parse(colon + 1, ~0ULL, &ino))
		return;
	journal_prefix = dev == (unsigned long long)st.st_dev && ino == (unsigned long long)st.st_ino;
}

/**
 * log_program() - Return: the name given to log_init()
 */
const char *log_program(void)
{
	return program_name;
}

__attribute__((format(printf, 3, 0)))
static void vlog(int prio, const char *level, const char *fmt, va_list ap)
{
	last_prio = prio;
	if (journal_prefix)
		fprintf(stderr, "<%d>", prio);
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
	vlog(PRIO_ERR, "error", fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(PRIO_WARNING, "warning", fmt, ap);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vlog(PRIO_INFO, NULL, fmt, ap);
	va_end(ap);
}

/* Debug lines are the per-packet detail: printed only with --verbose. */
void log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_verbose())
		return;
	va_start(ap, fmt);
	vlog(PRIO_DEBUG, NULL, fmt, ap);
	va_end(ap);
}

/* A hint is the "what to do about it" line that follows an error or warning. */
void log_hint(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (journal_prefix)
		fprintf(stderr, "<%d>", last_prio);
	fprintf(stderr, "  hint: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/**
 * log_burst_allow() - count one event: may it be logged, as one of the first @max this second?
 * @b:		the kind's counter
 * @now:	wall clock, seconds
 * @max:	events logged per second; the rest are counted
 * @what:	the events, plural, for the count line ("malformed DHCP datagrams dropped")
 *
 * When a new second begins after one with more than @max, the surplus is logged
 * as one line, "N more WHAT".
 *
 * Return: true if the caller logs this event.
 */
bool log_burst_allow(struct log_burst *b, int64_t now, unsigned int max, const char *what)
{
	if (now != b->second) {
		if (b->count > max)
			log_info("%u more %s", b->count - max, what);
		b->second = now;
		b->count = 0;
	}
	return ++b->count <= max;
}
