/* SPDX-License-Identifier: MIT */
/* helper_steps.h - the named steps of one helper request, in the order they run */
#ifndef REDOX_NET_HELPER_STEPS_H
#define REDOX_NET_HELPER_STEPS_H

/*
 * X(ID, NAME, PATHS): a step is named after what is done once it is reached;
 * PATHS are the requests that reach it when they are allowed (tap, bridge,
 * macvtap; the claim steps only when the TAP is not the caller's yet).
 *
 * Only the test build uses the names (RN_TEST_HOOKS, helper_main.c):
 * `redox-net-helper --list-steps` prints this table, and
 * REDOX_NET_TEST_KILL_AT=NAME makes the helper SIGKILL itself right after that
 * step, so tests/security/test_helper_kill.sh covers each step listed here.
 */
#define HELPER_STEPS(X)								\
	X(STEP_STARTED,		"started",		"tap bridge macvtap")	\
	X(STEP_SANITIZED,	"sanitized",		"tap bridge macvtap")	\
	X(STEP_PARSED,		"request-parsed",	"tap bridge macvtap")	\
	X(STEP_SOCKET,		"socket-checked",	"tap bridge macvtap")	\
	X(STEP_FDS_CLOSED,	"fds-closed",		"tap bridge macvtap")	\
	X(STEP_LOCK_OPENED,	"lock-opened",		"tap bridge macvtap")	\
	X(STEP_DROPPED,		"privs-dropped",	"tap bridge macvtap")	\
	X(STEP_FOUND,		"device-found",		"tap bridge macvtap")	\
	X(STEP_CHECKED,		"device-checked",	"tap bridge macvtap")	\
	X(STEP_ALLOWED,		"policy-allowed",	"tap bridge macvtap")	\
	X(STEP_LOCKED,		"quota-locked",		"tap bridge")		\
	X(STEP_DEVICE_LOCKED,	"device-locked",	"tap")			\
	X(STEP_COUNTED,		"quota-counted",	"tap bridge")		\
	X(STEP_QUEUES_OPEN,	"queues-opened",	"tap")			\
	X(STEP_CLAIM_RECORDED,	"claim-recorded",	"tap")			\
	X(STEP_CLAIMED,		"tap-claimed",		"tap")			\
	X(STEP_CLAIM_VERIFIED,	"claim-verified",	"tap")			\
	X(STEP_SLOT,		"slot-picked",		"bridge")		\
	X(STEP_TAP_CREATED,	"tap-created",		"bridge")		\
	X(STEP_FILTER_BOUND,	"filter-bound",		"bridge")		\
	X(STEP_ON_BRIDGE,	"on-bridge",		"bridge")		\
	X(STEP_UNLOCKED,	"unlocked",		"tap bridge")		\
	X(STEP_MACVTAP_OPEN,	"macvtap-opened",	"macvtap")		\
	X(STEP_CAPS_DROPPED,	"caps-dropped",		"tap bridge macvtap")	\
	X(STEP_LOCK_CLOSED,	"lock-closed",		"tap bridge macvtap")	\
	X(STEP_AUDITED,		"audited",		"tap bridge macvtap")	\
	X(STEP_REPLY_SENT,	"reply-sent",		"tap bridge macvtap")

#define HELPER_STEP_ID(id, name, paths) id,
enum helper_step { HELPER_STEPS(HELPER_STEP_ID) };

#endif
