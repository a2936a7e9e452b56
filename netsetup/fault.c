// SPDX-License-Identifier: MIT
/* fault.c - the test hook that makes a named step of `up` fail */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "netsetup/fault.h"

/**
 * fault_injected() - decide whether the test suite asked this step to fail
 * @step:	step name, as `up --list-steps` prints it
 * @when:	"before" the step, "journaled" (its record written, its work not
 *		done) or "after" its work
 *
 * REDOX_NET_TEST_FAIL_AT=STEP:after (or just STEP) fails once the step's work
 * is done, so rollback must undo it; STEP:journaled fails between the journal
 * record and the work, so rollback must cope with a record whose object
 * never appeared.  STEP:WHEN:kill instead dies there by SIGKILL, with no
 * chance to roll back, as a crash or an OOM kill would: then `down`, or the
 * next `up`, must clean up from the journal alone.  The hook can only make
 * `up` fail or die; it cannot make it do anything else, so it is safe to
 * leave in release builds, where tests can exercise it too.
 *
 * Return: FAULT_ERR (with a message) when the failure is requested, otherwise 0.
 */
int fault_injected(const char *step, const char *when)
{
	const char *want = getenv(FAULT_ENV);
	char spec[64];

	if (!want)
		return 0;
	snprintf(spec, sizeof(spec), "%s:%s:kill", step, when);
	if (!strcmp(want, spec))
		raise(SIGKILL);
	spec[strlen(spec) - strlen(":kill")] = '\0';
	if (strcmp(want, spec) && !(strcmp(when, "after") == 0 && strcmp(want, step) == 0))
		return 0;
	log_err("injected failure at step '%s' (%s)", step, when);
	return FAULT_ERR;
}
