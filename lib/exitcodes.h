/* SPDX-License-Identifier: MIT */
/* exitcodes.h - the exit codes every redox-net program documents */
#ifndef REDOX_NET_EXITCODES_H
#define REDOX_NET_EXITCODES_H

enum rn_exit {
	RN_EXIT_OK = 0,
	RN_EXIT_FAILURE = 1,	/* runtime failure: the kernel or a file said no */
	RN_EXIT_USAGE = 2,	/* bad command line or configuration */
	RN_EXIT_PRIVILEGE = 3,	/* not root / missing capability / policy denied */
	RN_EXIT_CONFLICT = 4,	/* something that is not ours is in the way */
};

#endif
