// SPDX-License-Identifier: MIT
/* exec_argc0.c - test tool: execve() a program with an empty argv (argc == 0), as in CVE-2021-4034 */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	char *none[] = { NULL };
	char *env[] = { "GCONV_PATH=.", "CHARSET=PWNKIT", NULL };

	if (argc != 2) {
		fprintf(stderr, "usage: exec_argc0 PROGRAM\n");
		return 2;
	}
	execve(argv[1], none, env);
	perror("execve");
	return 127;
}
