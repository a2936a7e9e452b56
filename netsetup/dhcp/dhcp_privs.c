// SPDX-License-Identifier: MIT
/* dhcp_privs.c - the DHCP responder's whole privileged surface: who to become, and becoming it */
#include <cap-ng.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "lib/log.h"
#include "netsetup/dhcp/dhcp_privs.h"

/**
 * dhcp_resolve_user() - look up the unprivileged identity before anything is opened
 * @user:	user name, e.g. "nobody"
 * @group:	group name, or "" for @user's primary group (nogroup for nobody on Debian)
 * @uid:	set to the user's id
 * @gid:	set to the group's id
 *
 * Done first so a typo fails before port 67 is bound, and so the lease
 * directory can be handed to this user while we still may.
 *
 * Return: 0, or -1 with the reason logged.
 */
int dhcp_resolve_user(const char *user, const char *group, uid_t *uid, gid_t *gid)
{
	const struct passwd *pw = getpwnam(user);
	const struct group *gr;

	if (!pw) {
		log_err("user '%s' does not exist", user);
		log_hint("create it, or choose another with --dhcp-user");
		return -1;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	if (group && *group) {
		gr = getgrnam(group);
		if (!gr) {
			log_err("group '%s' does not exist", group);
			return -1;
		}
		*gid = gr->gr_gid;
	}
	if (*uid == 0 || *gid == 0) {
		log_err("refusing to run the DHCP responder as root (user '%s')", user);
		return -1;
	}
	return 0;
}

/**
 * verify_dropped() - check that the drop took, rather than trusting return codes
 * @uid:	expected real, effective and saved uid
 * @gid:	expected real, effective and saved gid
 *
 * Return: 0 if every id matches, no supplementary group and no capability is
 * left, and uid 0 cannot be regained; -1 otherwise.
 */
static int verify_dropped(uid_t uid, gid_t gid)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (getresuid(&ru, &eu, &su) || getresgid(&rg, &eg, &sg) ||
	    ru != uid || eu != uid || su != uid || rg != gid || eg != gid || sg != gid) {
		log_err("the uid/gid change did not take effect");
		return -1;
	}
	if (getgroups(0, NULL) != 0) {
		log_err("supplementary groups are still set after dropping them");
		return -1;
	}
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_get_caps_process() || capng_have_capabilities(CAPNG_SELECT_CAPS) != CAPNG_NONE) {
		log_err("capabilities are still present after dropping them");
		return -1;
	}
	if (setuid(0) == 0) {
		log_err("uid 0 could be regained after dropping privileges");
		return -1;
	}
	return 0;
}

/**
 * dhcp_drop_privileges() - become @uid/@gid with no capability, for good
 * @uid:	from dhcp_resolve_user()
 * @gid:	from dhcp_resolve_user()
 *
 * Called once port 67 is bound and the lease journal is open: nothing after
 * that needs privilege.  libcap-ng changes the ids, drops the supplementary
 * groups and clears the bounding set in one call; no_new_privs then stops any
 * later exec from gaining anything back.  When not started as root (tests with
 * a pre-bound socket), there is nothing to drop but capabilities.
 *
 * Return: 0, or -1 with the reason logged (the caller must then exit).
 */
int dhcp_drop_privileges(uid_t uid, gid_t gid)
{
	if (geteuid() != 0) {
		/* The bounding set needs CAP_SETPCAP to change; clear what we may. */
		capng_clear(CAPNG_SELECT_CAPS);
		if (capng_apply(CAPNG_SELECT_CAPS)) {
			log_err("cannot clear capabilities");
			return -1;
		}
		log_warn("not started as root: keeping uid %u", (unsigned int)geteuid());
		return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ? -1 : 0;
	}
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_change_id((int)uid, (int)gid, CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_BOUNDING)) {
		log_err("cannot change to uid %u gid %u: %s", (unsigned int)uid,
			(unsigned int)gid, strerror(errno));
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		log_err("cannot set no_new_privs: %s", strerror(errno));
		return -1;
	}
	return verify_dropped(uid, gid);
}
