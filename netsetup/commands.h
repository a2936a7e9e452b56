/* SPDX-License-Identifier: MIT */
/* commands.h - the redox-netsetup subcommands, one file each */
#ifndef REDOX_NET_COMMANDS_H
#define REDOX_NET_COMMANDS_H

int up_main(int argc, char *argv[]);
int down_main(int argc, char *argv[]);
int status_main(int argc, char *argv[]);
int doctor_main(int argc, char *argv[]);
int dhcp_main(int argc, char *argv[]);

#endif
