// SPDX-License-Identifier: MIT
/*
 * swap_loop.c - test tool: swap two directory entries atomically, over and over, to race a path check
 *
 * usage: swap_loop PATH1 PATH2 SECONDS
 * renameat2(RENAME_EXCHANGE) swaps the two entries (say a directory and a
 * symlink) as fast as it can until SECONDS have passed, an even number of
 * times, so both end as they began.  A checker that looks at one of the
 * paths twice (open, then stat) sees it change between the two looks.  It
 * prints "ready" once it swapped for the first time and "swaps N" at the end.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "lib/decimal.h"

int main(int argc, char *argv[])
{
	unsigned long long secs, n = 0;
	time_t end;

	if (argc != 4 || decimal_parse(argv[3], 3600, &secs)) {
		fprintf(stderr, "usage: swap_loop PATH1 PATH2 SECONDS\n");
		return 2;
	}
	end = time(NULL) + (time_t)secs;
	do {
		for (int i = 0; i < 2000; i++, n++)
			if (renameat2(AT_FDCWD, argv[1], AT_FDCWD, argv[2], RENAME_EXCHANGE)) {
				perror("swap_loop: renameat2");
				return 1;
			}
		if (n == 2000) {
			printf("ready\n");
			fflush(stdout);
		}
	} while (time(NULL) < end);
	printf("swaps %llu\n", n);
	return 0;
}
