/* SPDX-License-Identifier: MIT */
/* fault.h - the test hook that makes a named step of `up` fail */
#ifndef REDOX_NET_FAULT_H
#define REDOX_NET_FAULT_H

#include <errno.h>

#define FAULT_ENV "REDOX_NET_TEST_FAIL_AT"
/* What an injected failure returns, so callers print no second message. */
#define FAULT_ERR (-ECANCELED)

int fault_injected(const char *step, const char *when);

#endif
