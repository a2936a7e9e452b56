// SPDX-License-Identifier: MIT
/*
 * status_ports.c - `status`: the VMs' ports, whose they are, their guests and leases
 *
 * A guest port is a TAP in redox-net's netdev group: either a per-VM TAP the
 * helper made on a bridge, named rn<uid in base 36>s<slot> (helper/bridge_tap.c),
 * or a pool TAP made by `up`, which the helper records as granted with the
 * alias "redox-net uid=N" (helper/pool_claim.c).  Whose a port is comes from
 * those records, which only CAP_NET_ADMIN can write; the kernel's owner field
 * is shown beside it, because whoever holds a queue fd can rewrite that one.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/decimal.h"
#include "lib/escape.h"
#include "lib/inet.h"
#include "lib/link_state.h"
#include "lib/netlink.h"
#include "lib/vm_port.h"
#include "netsetup/status_leases.h"
#include "netsetup/status_ports.h"


/*
 * pidfd_open(2) and pidfd_getfd(2) by number: glibc has wrappers only from 2.36 (Ubuntu 22.04
 * has 2.35), and the kernel answers ENOSYS where it predates them (5.3, 5.6), which the
 * caller treats like any other failure: the holder is shown unverified.
 */
/* sys_pidfd_open() - Return: a pidfd for @pid, or -1 with errno set */
static int sys_pidfd_open(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	errno = ENOSYS;
	return -1;
#endif
}

/* sys_pidfd_getfd() - Return: a copy of fd @fd of the process behind @pidfd, or -1 with errno set */
static int sys_pidfd_getfd(int pidfd, int fd)
{
#ifdef SYS_pidfd_getfd
	return (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
#else
	(void)pidfd, (void)fd;
	errno = ENOSYS;
	return -1;
#endif
}

/**
 * vm_ports_is_port() - Return: true if @l is a guest port (a TAP of redox-net's group)
 * @l:		device
 */
bool vm_ports_is_port(const struct link_state *l)
{
	return l->group == RN_IFGROUP && link_is_tap(l);
}

/* fill_port() - what the device itself says: kind of port, records, MAC */
static void fill_port(struct nl_sock *sk, const struct link_state *l,
		      const struct link_state *links, size_t nlinks, struct vm_port *p)
{
	unsigned int slot;

	memset(p, 0, sizeof(*p));
	strcpy(p->name, l->name);
	p->ifindex = l->ifindex;
	p->slot = -1;
	p->queues = l->tun.queues;
	p->has_kernel = l->tun.has_owner;
	p->kernel = l->tun.owner;
	for (size_t i = 0; l->master && i < nlinks; i++)
		if (links[i].ifindex == l->master)
			strcpy(p->bridge, links[i].name);
	if (l->master && bridge_tap_parse(l->name, &p->recorded, &slot)) {
		p->slot = (int)slot;
		p->has_recorded = true;
		bridge_tap_mac(p->recorded, slot, p->mac);
		p->mac_source = "name";
		return;
	}
	p->has_recorded = link_alias_owner(l, &p->recorded);
	if (neigh_mac(sk, l->ifindex, p->mac) == 1)
		p->mac_source = "neighbour";
}

/**
 * read_line() - the first line of a small /proc file, without its newline
 * @path:	the file
 * @buf:	result
 * @size:	its size
 *
 * Return: 0 or a negative errno.
 */
static int read_line(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -EIO;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/**
 * fd_tun_name() - the TAP a TUN fd is attached to, from its fdinfo's "iff:" line
 * @pid:	the process
 * @fd:		the fd's number, as in /proc/PID/fd
 * @out:	the device name
 *
 * Return: true if the fd is attached to a device.
 */
static bool fd_tun_name(const char *pid, const char *fd, char out[IFNAMSIZ])
{
	char path[300], buf[1024], *iff;
	int f;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%s/fdinfo/%s", pid, fd);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return false;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	iff = strstr(buf, "\niff:\t");
	if (!iff)
		return false;
	iff += 6;
	iff[strcspn(iff, "\n")] = '\0';
	if (!*iff || strlen(iff) >= IFNAMSIZ)
		return false;
	strcpy(out, iff);
	return true;
}

/**
 * struct holder_scan - one process being looked at, and the namespace to compare with
 * @pid:	its pid
 * @pidtext:	the same, as in /proc
 * @pidfd:	a pidfd for it, opened on its first TUN fd; -1 before, or if it failed
 * @own_ns:	status's own network namespace (st_dev, st_ino of /proc/self/ns/net)
 */
struct holder_scan {
	int pid;
	const char *pidtext;
	int pidfd;
	struct stat own_ns;
};

/**
 * fd_netns() - whether a process's TUN fd is attached to a device of status's namespace
 * @s:		the process
 * @fd:		the fd's number in it
 *
 * fdinfo names the device but not its namespace.  A duplicate of the very
 * file, taken with pidfd_getfd() (ptrace access: root, or the process's own
 * user where ptrace rules allow), answers TUNGETDEVNETNS with the device's
 * namespace (CAP_NET_ADMIN over it).  The duplicate is closed at once: it
 * shares the holder's queue and attaches nothing; reading it changes nothing.
 *
 * Return: 1 if the device is in status's namespace, 0 if it is in another,
 * -1 if that could not be told (no access).
 */
static int fd_netns(struct holder_scan *s, int fd)
{
	struct stat st;
	int dup, ns, rc;

	if (s->pidfd < 0)
		s->pidfd = sys_pidfd_open(s->pid);
	if (s->pidfd < 0)
		return -1;
	dup = sys_pidfd_getfd(s->pidfd, fd);
	if (dup < 0)
		return -1;
	ns = ioctl(dup, TUNGETDEVNETNS);
	close(dup);
	if (ns < 0)
		return -1;
	rc = fstat(ns, &st) ? -1 : st.st_dev == s->own_ns.st_dev && st.st_ino == s->own_ns.st_ino;
	close(ns);
	return rc;
}

/**
 * add_holder() - note that a process holds a queue of @p, once per process
 * @p:		the port
 * @s:		the process
 * @verified:	its fd was shown to be attached to this namespace's @p
 */
static void add_holder(struct vm_port *p, const struct holder_scan *s, bool verified)
{
	char path[300], comm[64];
	unsigned int shown = p->nholders < VM_PORT_HOLDERS ? p->nholders : VM_PORT_HOLDERS;

	for (unsigned int i = 0; i < shown; i++)
		if (p->holders[i].pid == s->pid) {
			p->holders[i].verified |= verified;
			return;
		}
	if (p->nholders++ >= VM_PORT_HOLDERS)
		return;
	snprintf(path, sizeof(path), "/proc/%s/comm", s->pidtext);
	if (read_line(path, comm, sizeof(comm)))
		strcpy(comm, "?");
	p->holders[p->nholders - 1].pid = s->pid;
	p->holders[p->nholders - 1].verified = verified;
	snprintf(p->holders[p->nholders - 1].comm, sizeof(p->holders[0].comm), "%s", comm);
}

/**
 * scan_process() - the TUN fds of one process, matched to the ports
 * @pid:	its pid, as text
 * @ports:	the ports
 *
 * Matched by name from fdinfo, then by namespace through fd_netns(): the
 * process's own namespace says nothing, since a VMM often runs elsewhere
 * than its TAP (the relay test tool sits in the guest's).  A fd shown to be
 * another namespace's device of the same name is not a holder; one that
 * could not be checked is listed, unverified.
 *
 * Return: false if its fds could not be read for lack of permission.
 */
static bool scan_process(const char *pid, const struct stat *own_ns, struct vm_ports *ports)
{
	struct holder_scan s = { .pidtext = pid, .pidfd = -1, .own_ns = *own_ns };
	unsigned long long v;
	char path[300];
	struct dirent *e;
	DIR *d;

	if (decimal_parse(pid, INT32_MAX, &v))
		return true;
	s.pid = (int)v;
	snprintf(path, sizeof(path), "/proc/%s/fd", pid);
	d = opendir(path);
	if (!d)
		return errno != EACCES && errno != EPERM;
	while ((e = readdir(d))) {
		char link[600], target[32], dev[IFNAMSIZ];
		unsigned long long fd;
		int here = -2;
		ssize_t n;

		if (e->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "/proc/%s/fd/%s", pid, e->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (strcmp(target, "/dev/net/tun") || !fd_tun_name(pid, e->d_name, dev) ||
		    decimal_parse(e->d_name, INT32_MAX, &fd))
			continue;
		for (size_t i = 0; i < ports->n; i++) {
			if (strcmp(ports->port[i].name, dev))
				continue;
			if (here == -2)
				here = fd_netns(&s, (int)fd);
			if (here)
				add_holder(&ports->port[i], &s, here == 1);
		}
	}
	closedir(d);
	if (s.pidfd >= 0)
		close(s.pidfd);
	return true;
}

/**
 * scan_holders() - which processes hold the ports' queues, where that can be seen
 * @ports:	the ports
 *
 * A process's fd table is readable only by its own user and by root, so an
 * unprivileged caller sees his own processes alone: @holders_complete says so.
 * Processes come and go during the walk; one that is gone is simply not seen.
 */
static void scan_holders(struct vm_ports *ports)
{
	struct stat own_ns;
	struct dirent *e;
	DIR *d;

	ports->holders_complete = false;
	if (!ports->n || stat("/proc/self/ns/net", &own_ns))
		return;
	d = opendir("/proc");
	if (!d)
		return;
	ports->holders_complete = true;
	while ((e = readdir(d)))
		if (e->d_name[0] >= '1' && e->d_name[0] <= '9' &&
		    !scan_process(e->d_name, &own_ns, ports))
			ports->holders_complete = false;
	closedir(d);
}

/* read_leases() - each port's lease, by its guest's MAC, from the responder's journal */
static void read_leases(const char *lease_dir, struct vm_ports *ports)
{
	struct lease_want *want = calloc(ports->n + 1, sizeof(*want));
	struct lease_read r;
	size_t n = 0;
	int err;

	snprintf(ports->lease_file, sizeof(ports->lease_file), "%s/leases", lease_dir);
	if (!want) {
		ports->leases = "error";
		return;
	}
	for (size_t i = 0; i < ports->n; i++)
		if (ports->port[i].mac_source)
			memcpy(want[n++].mac, ports->port[i].mac, 6);
	err = status_leases_lookup(lease_dir, want, n, &r);
	ports->leases = !err ? "ok" : err == -ENOENT ? "missing" :
			err == -EACCES || err == -EPERM ? "unreadable" : "error";
	ports->lease_damaged = r.damaged;
	ports->lease_torn = r.torn;
	n = 0;
	for (size_t i = 0; !err && i < ports->n; i++) {
		struct vm_port *p = &ports->port[i];

		if (!p->mac_source)
			continue;
		p->has_lease = want[n].found;
		p->ip = want[n].ip;
		p->expires = want[n].expires;
		n++;
	}
	free(want);
}

/**
 * vm_ports_collect() - every guest port in @links, with its guest, lease and holders
 * @sk:		route socket
 * @links:	the namespace's devices, from one dump
 * @nlinks:	how many
 * @lease_dir:	the responder's lease directory
 * @out:	the result, for vm_ports_free()
 *
 * Everything is read, nothing is written or locked: a run while VMs come and
 * go describes the ports of the one dump, and a port gone since has no holder.
 *
 * Return: 0 or -ENOMEM.
 */
int vm_ports_collect(struct nl_sock *sk, const struct link_state *links, size_t nlinks,
		     const char *lease_dir, struct vm_ports *out)
{
	memset(out, 0, sizeof(*out));
	out->port = calloc(nlinks + 1, sizeof(*out->port));
	if (!out->port)
		return -ENOMEM;
	for (size_t i = 0; i < nlinks; i++)
		if (vm_ports_is_port(&links[i]))
			fill_port(sk, &links[i], links, nlinks, &out->port[out->n++]);
	read_leases(lease_dir, out);
	scan_holders(out);
	return 0;
}

/* user_name() - the account name of @uid, or "" if there is none */
static void user_name(bool known, uint32_t uid, char *out, size_t size)
{
	struct passwd *pw = known ? getpwuid((uid_t)uid) : NULL;

	escape_json(out, size, pw ? pw->pw_name : "");
}

/* json_uint() - a number, or null */
static void json_uint(const char *key, bool known, uint32_t v)
{
	if (known)
		printf(", \"%s\": %u", key, v);
	else
		printf(", \"%s\": null", key);
}

/**
 * vm_ports_print_json() - the ports' JSON members, after the others (docs/man/redox-netsetup.8)
 * @p:		the ports
 */
void vm_ports_print_json(const struct vm_ports *p)
{
	char file[2 * sizeof(p->lease_file)];

	escape_json(file, sizeof(file), p->lease_file);
	printf(",\n  \"lease_file\": \"%s\",\n  \"leases\": \"%s\",\n  \"lease_damaged_lines\": %u,"
	       "\n  \"lease_torn\": %s,\n  \"holders_complete\": %s,\n  \"vm_ports\": [", file,
	       p->leases, p->lease_damaged, p->lease_torn ? "true" : "false",
	       p->holders_complete ? "true" : "false");
	for (size_t i = 0; i < p->n; i++) {
		const struct vm_port *v = &p->port[i];
		char user[128], mac[RN_MAC_STRLEN], ip[INET_ADDRSTRLEN], comm[64];

		printf("%s\n    {\"name\": \"%s\", \"ifindex\": %d, \"type\": \"%s\"", i ? "," : "",
		       v->name, v->ifindex, v->bridge[0] ? "bridge_tap" : "pool_tap");
		if (v->bridge[0])
			printf(", \"bridge\": \"%s\"", v->bridge);
		else
			printf(", \"bridge\": null");
		json_uint("slot", v->slot >= 0, (uint32_t)v->slot);
		json_uint("owner", v->has_recorded || v->has_kernel,
			  v->has_recorded ? v->recorded : v->kernel);
		user_name(v->has_recorded || v->has_kernel, v->has_recorded ? v->recorded : v->kernel,
			  user, sizeof(user));
		printf(", \"user\": \"%s\"", user);
		json_uint("recorded_owner", v->has_recorded, v->recorded);
		json_uint("kernel_owner", v->has_kernel, v->kernel);
		printf(", \"owner_mismatch\": %s",
		       v->has_recorded && (!v->has_kernel || v->kernel != v->recorded) ? "true" : "false");
		if (v->mac_source) {
			mac_format(v->mac, mac);
			printf(", \"mac\": \"%s\", \"mac_source\": \"%s\"", mac, v->mac_source);
		} else {
			printf(", \"mac\": null, \"mac_source\": null");
		}
		if (v->has_lease) {
			inet_ntop(AF_INET, &v->ip, ip, sizeof(ip));
			printf(", \"address\": \"%s\", \"expires\": %lld", ip, (long long)v->expires);
		} else {
			printf(", \"address\": null, \"expires\": null");
		}
		printf(", \"queues\": %u, \"holders\": [", v->queues);
		for (unsigned int h = 0; h < v->nholders && h < VM_PORT_HOLDERS; h++) {
			escape_json(comm, sizeof(comm), v->holders[h].comm);
			printf("%s{\"pid\": %d, \"comm\": \"%s\", \"verified\": %s}", h ? ", " : "",
			       v->holders[h].pid, comm, v->holders[h].verified ? "true" : "false");
		}
		printf("], \"holders_total\": %u}", v->nholders);
	}
	printf("%s]", p->n ? "\n  " : "");
}

/**
 * vm_ports_print_table() - one line per port, after the journal's table
 * @p:		the ports
 */
void vm_ports_print_table(const struct vm_ports *p)
{
	time_t now = time(NULL);
	bool unverified = false;

	if (!p->n)
		return;
	printf("\n%-15s %-10s %-4s %-16s %-17s %-15s %-12s %s\n", "PORT", "BRIDGE", "SLOT", "OWNER",
	       "MAC", "ADDRESS", "EXPIRES", "HOLDER");
	for (size_t i = 0; i < p->n; i++) {
		const struct vm_port *v = &p->port[i];
		char owner[160], user[128], mac[RN_MAC_STRLEN] = "-", ip[INET_ADDRSTRLEN] = "-";
		char exp[24] = "-", slot[16] = "-", holder[48] = "-";
		bool known = v->has_recorded || v->has_kernel;
		uint32_t uid = v->has_recorded ? v->recorded : v->kernel;

		user_name(known, uid, user, sizeof(user));
		if (known)
			snprintf(owner, sizeof(owner), "%u(%s)", uid, user[0] ? user : "?");
		else
			snprintf(owner, sizeof(owner), "-");
		if (v->slot >= 0)
			snprintf(slot, sizeof(slot), "%d", v->slot);
		if (v->mac_source)
			mac_format(v->mac, mac);
		if (v->has_lease) {
			inet_ntop(AF_INET, &v->ip, ip, sizeof(ip));
			if (v->expires > (int64_t)now)
				snprintf(exp, sizeof(exp), "in %llds", (long long)(v->expires - now));
			else
				snprintf(exp, sizeof(exp), "expired");
		}
		if (v->nholders)
			snprintf(holder, sizeof(holder), "%d(%s)%s%s", v->holders[0].pid,
				 v->holders[0].comm, v->holders[0].verified ? "" : "?",
				 v->nholders > 1 ? "+" : "");
		for (unsigned int h = 0; h < v->nholders && h < VM_PORT_HOLDERS; h++)
			unverified |= !v->holders[h].verified;
		printf("%-15s %-10s %-4s %-16s %-17s %-15s %-12s %s\n", v->name,
		       v->bridge[0] ? v->bridge : "(pool)", slot, owner, mac, ip, exp, holder);
		if (v->has_recorded && (!v->has_kernel || v->kernel != v->recorded)) {
			if (v->has_kernel)
				snprintf(owner, sizeof(owner), "uid %u", v->kernel);
			else
				snprintf(owner, sizeof(owner), "not set");
			printf("  warning: %s's kernel owner is %s, but the helper's record says uid %u "
			       "(whoever holds its fd can rewrite the kernel's)\n", v->name, owner,
			       v->recorded);
		}
	}
	if (strcmp(p->leases, "ok"))
		printf("leases: %s is %s%s\n", p->lease_file, p->leases,
		       !strcmp(p->leases, "unreadable") ? " (the responder's user and root may read it)" : "");
	if (!p->holders_complete)
		printf("holders: only your own processes could be looked at\n");
	if (unverified)
		printf("holders marked ? are matched by the TAP's name only: root can tell whether "
		       "theirs is this namespace's\n");
}

/**
 * vm_ports_find() - the guest port named @name, if vm_ports_collect() found one
 * @p:		the ports
 * @name:	a device name
 *
 * Return: the port, or NULL.
 */
const struct vm_port *vm_ports_find(const struct vm_ports *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->port[i].name, name))
			return &p->port[i];
	return NULL;
}

/**
 * vm_ports_free() - release what vm_ports_collect() allocated
 * @p:		the ports
 */
void vm_ports_free(struct vm_ports *p)
{
	free(p->port);
	memset(p, 0, sizeof(*p));
}
