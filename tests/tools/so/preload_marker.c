// SPDX-License-Identifier: MIT
/* preload_marker.c - test library: if it is ever loaded (LD_PRELOAD, LD_AUDIT), it leaves a mark */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((constructor)) static void mark(void)
{
	const char *path = "/tmp/rxn-preload-marker";
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0666);

	if (fd >= 0) {
		(void)!write(fd, "loaded\n", 7);
		close(fd);
	}
}

/* LD_AUDIT asks for this; answering makes the audit library active. */
unsigned int la_version(unsigned int v);
unsigned int la_version(unsigned int v)
{
	return v;
}
