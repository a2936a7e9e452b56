// SPDX-License-Identifier: MIT
/*
 * restore.c - what `redox-run-net --restore DIR` hands Cloud Hypervisor, read from the snapshot
 *
 * A TAP fd cannot be saved in a snapshot: Cloud Hypervisor writes -1 for each
 * and, on restore, wants net_fds=[ID@[fd,...]] with exactly as many fresh fds
 * as the device had, under the id it had (RestoreConfig::validate).  Both are
 * read from the snapshot's config.json, never guessed from the command line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/proto.h"
#include "runner/restore.h"
#include "lib/escape.h"
#include "lib/log.h"

/* Return: true if @id can stand in net_fds=[ID@[...]] without changing its meaning. */
static bool id_fits_syntax(const char *id)
{
	return *id && strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				 "0123456789_.-") == strlen(id);
}

/**
 * restore_plan_pick() - choose the fd-backed net device and check it is consistent
 * @cfg:	the snapshot's net devices
 * @plan:	@net_id and @queues are filled
 *
 * redox-run-net brings one TAP, so the snapshot must have exactly one device
 * that ran on fds.  Devices on a TAP name or vhost-user are Cloud Hypervisor's
 * own business on restore.  Its fd count and num_queues must agree (one fd
 * per RX/TX pair), or the file was edited and nobody knows which is right.
 *
 * Return: 0, or -1 after saying what is wrong.
 */
int restore_plan_pick(const struct snap_config *cfg, struct restore_plan *plan)
{
	const struct snap_net *net = NULL;
	char shown[4 * SNAP_ID_MAX];
	unsigned int found = 0;

	for (unsigned int i = 0; i < cfg->nnets; i++)
		if (cfg->nets[i].has_fds && !cfg->nets[i].vhost_user) {
			net = &cfg->nets[i];
			found++;
		}
	if (found != 1 || !net) {
		log_err("the snapshot has %u net devices backed by fds; redox-run-net restores "
			"exactly one", found);
		log_hint("%s", found ? "restore it with cloud-hypervisor --restore and your own fds"
				     : "restore it with cloud-hypervisor --restore directly");
		return -1;
	}
	escape_text(shown, sizeof(shown), net->id, strlen(net->id));
	if (!id_fits_syntax(net->id)) {
		log_err("the snapshot's net device id '%s' is %s", shown,
			*net->id ? "not made of letters, digits, '_', '.' and '-'" : "missing");
		return -1;
	}
	if (net->nfds == 0 || net->nfds > PROTO_MAX_QUEUES || net->num_queues != 2 * net->nfds) {
		log_err("the snapshot's net device %s has %u fds but num_queues %u: it needs one fd "
			"per queue pair, 1 to %u fds", shown, net->nfds, net->num_queues,
			PROTO_MAX_QUEUES);
		return -1;
	}
	memcpy(plan->net_id, net->id, strlen(net->id) + 1);
	plan->queues = net->nfds;
	return 0;
}

/* Read @path (at most SNAP_CONFIG_MAX bytes) into @buf; return its length or -1. */
static ssize_t read_config(const char *path, char *buf)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	size_t got = 0;
	ssize_t n = 0;

	if (fd < 0) {
		log_err("%s: %s", path, strerror(errno));
		log_hint("give --restore the directory Cloud Hypervisor's vm.snapshot wrote");
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > SNAP_CONFIG_MAX) {
		log_err("%s: not a regular file of at most %d bytes", path, SNAP_CONFIG_MAX);
		close(fd);
		return -1;
	}
	while (got < SNAP_CONFIG_MAX && (n = read(fd, buf + got, SNAP_CONFIG_MAX - got)) > 0)
		got += (size_t)n;
	close(fd);
	if (n < 0) {
		log_err("%s: %s", path, strerror(errno));
		return -1;
	}
	return (ssize_t)got;
}

/**
 * restore_plan_read() - the restore's source URL and net device, from a snapshot directory
 * @dir:	the directory vm.snapshot wrote (config.json, state.json, memory-ranges)
 * @plan:	filled
 *
 * Cloud Hypervisor splits its option values at ',' outside brackets, so a
 * path holding ',', '[' or ']' would change what --restore says; it is
 * refused rather than quoted.
 *
 * Return: 0, or -1 after saying what is wrong and what to do.
 */
int restore_plan_read(const char *dir, struct restore_plan *plan)
{
	static char buf[SNAP_CONFIG_MAX];
	static struct snap_config cfg;
	char abs[PATH_MAX], path[PATH_MAX + 16], why[160];
	ssize_t len;

	if (!realpath(dir, abs)) {
		log_err("snapshot directory %s: %s", dir, strerror(errno));
		return -1;
	}
	if (strpbrk(abs, ",[]") || strlen(abs) + 8 > sizeof(plan->source_url)) {
		log_err("%s: Cloud Hypervisor cannot take a path with ',', '[' or ']' in --restore",
			abs);
		log_hint("move or link the snapshot to a plain path");
		return -1;
	}
	for (const char *c = abs; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f) {
			log_err("the snapshot path holds a control character");
			return -1;
		}
	snprintf(path, sizeof(path), "%s/state.json", abs);
	if (access(path, R_OK) < 0) {
		log_err("%s is not a Cloud Hypervisor snapshot: %s: %s", abs, path, strerror(errno));
		log_hint("take one with `redox-run-net snapshot DIR` on a paused VM");
		return -1;
	}
	snprintf(path, sizeof(path), "%s/config.json", abs);
	len = read_config(path, buf);
	if (len < 0)
		return -1;
	if (snap_config_parse(buf, (size_t)len, &cfg, why, sizeof(why))) {
		log_err("%s: %s", path, why);
		return -1;
	}
	snprintf(plan->source_url, sizeof(plan->source_url), "file://%s", abs);
	return restore_plan_pick(&cfg, plan);
}
