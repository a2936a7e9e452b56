// SPDX-License-Identifier: MIT
/* test_policy_load.c - unit tests for loading policy files: ownership, modes, file types, includes */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "policy/policy.h"
#include "tests/unit/policy_fixture.h"

/* Where the tests write: a fresh directory below $BUILD (or the working directory). */
static char base[PATH_MAX];

/**
 * at() - Return: "<base>/<name>" in one of a few rotating static buffers
 * @name:	path below the test directory
 */
static const char *at(const char *name)
{
	static char bufs[4][PATH_MAX];
	static unsigned int next;
	char *buf = bufs[next++ % 4];

	if (snprintf(buf, PATH_MAX, "%s/%s", base, name) >= PATH_MAX)
		abort();	/* the test directory path is absurdly long */
	return buf;
}

/**
 * put() - write a file below the test directory and give it a mode
 * @name:	path below the test directory
 * @text:	contents
 * @mode:	permission bits, set with chmod so the umask does not matter
 */
static void put(const char *name, const char *text, mode_t mode)
{
	FILE *f = fopen(at(name), "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(at(name), mode), 0);
}

/**
 * try_load() - policy_load() with the fake resolver and a given trusted owner
 * @path:	policy path
 * @trusted:	trusted uid
 * @err:	error
 *
 * Return: 0 or -1, as policy_load().
 */
static int try_load(const char *path, uid_t trusted, struct policy_error *err)
{
	const struct policy_load_opts opts = { .trusted_uid = trusted, .resolver = &fake_resolver };
	struct policy *p = (struct policy *)&opts;	/* must be reset by policy_load */
	int rc;

	memset(err, 0, sizeof(*err));
	rc = policy_load(path, &opts, &p, err);
	assert_true(rc ? p == NULL : p != NULL);
	policy_free(p);
	return rc;
}

/**
 * check_loads() - the file must load when trusting our own uid
 * @path:	policy path
 */
static void check_loads(const char *path)
{
	struct policy_error err;

	if (try_load(path, getuid(), &err))
		fail_msg("refused: %s:%lu: %s", err.file, err.line, err.message);
}

/**
 * check_refused() - loading must fail at @file:@line with a message containing @needle
 * @path:	policy path
 * @trusted:	trusted uid
 * @file:	expected err.file
 * @line:	expected err.line
 * @needle:	expected part of the message
 */
static void check_refused(const char *path, uid_t trusted, const char *file,
			  unsigned long line, const char *needle)
{
	struct policy_error err;

	if (!try_load(path, trusted, &err))
		fail_msg("%s was accepted", path);
	if (strcmp(err.file, file) || err.line != line || !strstr(err.message, needle))
		fail_msg("wanted %s:%lu /%s/, got %s:%lu: %s", file, line, needle,
			 err.file, err.line, err.message);
}

/**
 * remove_one() - nftw callback that removes what it is given
 * @path:	file or directory
 * @st:		unused
 * @type:	unused
 * @ftw:	unused
 *
 * Return: 0, so the walk goes on.
 */
static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	remove(path);
	return 0;
}

/**
 * make_base() - group setup: a fresh test directory whose whole path is safe
 * @state:	unused
 *
 * /tmp is world-writable, so a policy there is rightly refused.  The first
 * of /run (when root), the build directory and the working directory whose
 * whole path passes the policy loader's checks is used.
 *
 * Return: 0, or -1 if no safe directory could be made.
 */
static int make_base(void **state)
{
	char cwd[PATH_MAX];
	const char *candidates[] = {
		getuid() == 0 ? "/run" : NULL,	/* root-owned all the way up, wherever the checkout is */
		getenv("BUILD"),
		getcwd(cwd, sizeof(cwd)),
	};
	struct policy_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(candidates) / sizeof(*candidates); i++) {
		if (!candidates[i] || candidates[i][0] != '/')
			continue;
		snprintf(base, sizeof(base), "%s/policy-load-XXXXXX", candidates[i]);
		if (!mkdtemp(base))
			continue;
		put("probe.policy", "", 0644);
		if (chmod(base, 0755) == 0 && try_load(at("probe.policy"), getuid(), &err) == 0)
			return 0;
		fprintf(stderr, "# %s is not a safe place for these tests: %s: %s\n",
			base, err.file, err.message);
		unlink(at("probe.policy"));
		rmdir(base);
	}
	return -1;
}

/**
 * drop_base() - group teardown: remove the test directory
 * @state:	unused
 *
 * Return: 0.
 */
static int drop_base(void **state)
{
	(void)state;
	nftw(base, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

static void loads_file_and_include(void **state)
{
	char text[PATH_MAX + 64];
	const struct policy_load_opts opts = { .trusted_uid = getuid(), .resolver = &fake_resolver };
	struct policy *p = NULL;
	struct policy_error err;
	struct policy_decision d;
	gid_t gid = GID_USERS;

	(void)state;
	put("sub.policy", "# sub\n\nallow user alice tap tap0 queues 2\n", 0644);
	snprintf(text, sizeof(text), "allow group kvm tap redox-*\ninclude %s\n",
		 at("sub.policy"));
	put("main.policy", text, 0600);
	assert_int_equal(policy_load(at("main.policy"), &opts, &p, &err), 0);
	assert_int_equal(policy_entry_count(p), 2);
	assert_int_equal(policy_check(p, UID_ALICE, &gid, 1, POLICY_KIND_TAP, "tap0", 2, &d),
			 POLICY_ALLOW);
	assert_string_equal(d.file, at("sub.policy"));
	assert_int_equal(d.line, 3);
	policy_free(p);
}

static void refuses_symlinks(void **state)
{
	(void)state;
	put("real.policy", "", 0644);
	assert_int_equal(symlink(at("real.policy"), at("link.policy")), 0);
	check_refused(at("link.policy"), getuid(), at("link.policy"), 0, "is a symlink");
	assert_int_equal(mkdir(at("realdir"), 0755), 0);
	put("realdir/p.policy", "", 0644);
	check_loads(at("realdir/p.policy"));
	assert_int_equal(symlink("realdir", at("linkdir")), 0);
	check_refused(at("linkdir/p.policy"), getuid(), at("linkdir/p.policy"), 0,
		      "linkdir is a symlink, not a directory");
}

static void refuses_fifo_without_blocking(void **state)
{
	(void)state;
	assert_int_equal(mkfifo(at("fifo.policy"), 0644), 0);
	alarm(10);	/* a blocking open would hang here: fail loudly instead */
	check_refused(at("fifo.policy"), getuid(), at("fifo.policy"), 0, "is a FIFO");
	alarm(0);
}

static void refuses_other_file_types(void **state)
{
	(void)state;
	assert_int_equal(mkdir(at("dir.policy"), 0755), 0);
	check_refused(at("dir.policy"), getuid(), at("dir.policy"), 0, "is a directory");
	check_refused("/dev/null", getuid(), "/dev/null", 0, "is a device node");
	check_refused(at("missing.policy"), getuid(), at("missing.policy"), 0,
		      "No such file or directory");
}

static void refuses_writable_files(void **state)
{
	(void)state;
	put("gw.policy", "", 0664);
	check_refused(at("gw.policy"), getuid(), at("gw.policy"), 0,
		      "group- or world-writable (mode 0664)");
	put("ww.policy", "", 0646);
	check_refused(at("ww.policy"), getuid(), at("ww.policy"), 0, "group- or world-writable");
	put("ro.policy", "", 0400);
	check_loads(at("ro.policy"));
}

static void refuses_writable_directories(void **state)
{
	(void)state;
	assert_int_equal(mkdir(at("gwdir"), 0755), 0);
	assert_int_equal(mkdir(at("gwdir/inner"), 0755), 0);
	put("gwdir/inner/p.policy", "", 0644);
	check_loads(at("gwdir/inner/p.policy"));
	assert_int_equal(chmod(at("gwdir"), 0775), 0);
	check_refused(at("gwdir/inner/p.policy"), getuid(), at("gwdir/inner/p.policy"), 0,
		      "gwdir is group- or world-writable (mode 0775)");
	/* The sticky bit does not make a world-writable directory acceptable. */
	assert_int_equal(chmod(at("gwdir"), 01777), 0);
	check_refused(at("gwdir/inner/p.policy"), getuid(), at("gwdir/inner/p.policy"), 0,
		      "(mode 1777)");
	assert_int_equal(chmod(at("gwdir"), 0755), 0);
}

static void refuses_untrusted_owner(void **state)
{
	uid_t other = getuid() == 0 ? 4242 : getuid() + 1;

	(void)state;
	put("owned.policy", "", 0644);
	check_loads(at("owned.policy"));
	/* Trusting someone else: the file (or, unprivileged, its directory) is not theirs. */
	check_refused(at("owned.policy"), other, at("owned.policy"), 0, "is owned by uid");
	if (getuid() == 0) {
		/* As root, a real foreign owner, with the helper's trusted uid 0. */
		assert_int_equal(chown(at("owned.policy"), 65534, 65534), 0);
		check_refused(at("owned.policy"), 0, at("owned.policy"), 0,
			      "is owned by uid 65534, not 0");
		assert_int_equal(mkdir(at("foreign"), 0755), 0);
		put("foreign/p.policy", "", 0644);
		assert_int_equal(chown(at("foreign"), 65534, 65534), 0);
		check_refused(at("foreign/p.policy"), 0, at("foreign/p.policy"), 0,
			      "foreign is owned by uid 65534, not 0");
	}
}

static void refuses_bad_paths(void **state)
{
	static const char *bad[] = {
		"", "policy", "./policy", "/etc/../etc/redox-net/policy", "/etc/redox-net/",
		"/etc//redox-net/policy", "/etc/redox net/policy", "/",
	};
	struct policy_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(try_load(bad[i], getuid(), &err), -1);
}

static void refuses_big_files(void **state)
{
	char *text = malloc(POLICY_FILE_MAX + 2);

	(void)state;
	assert_non_null(text);
	for (size_t i = 0; i < POLICY_FILE_MAX; i += 1024) {
		memset(text + i, ' ', 1023);
		text[i] = '#';
		text[i + 1023] = '\n';
	}
	text[POLICY_FILE_MAX] = '\0';
	put("big.policy", text, 0644);
	check_loads(at("big.policy"));
	strcpy(text + POLICY_FILE_MAX, "\n");
	put("big.policy", text, 0644);
	check_refused(at("big.policy"), getuid(), at("big.policy"), 0, "larger than");
	free(text);
}

/**
 * put_include() - write a file holding @before and then one include line
 * @name:	file below the test directory
 * @before:	lines before the include
 * @target:	file below the test directory to include
 */
static void put_include(const char *name, const char *before, const char *target)
{
	char text[2 * PATH_MAX];

	snprintf(text, sizeof(text), "%sinclude %s\n", before, at(target));
	put(name, text, 0644);
}

static void refuses_include_loops(void **state)
{
	(void)state;
	put_include("self.policy", "# me\n", "self.policy");
	check_refused(at("self.policy"), getuid(), at("self.policy"), 2, "include loop");
	put_include("a.policy", "", "b.policy");
	put_include("b.policy", "# b\n# b\n", "a.policy");
	check_refused(at("a.policy"), getuid(), at("b.policy"), 3, "include loop");
	/* The same file twice is refused too, though it is no loop. */
	put("leaf.policy", "", 0644);
	put_include("twice.policy", "", "leaf.policy");
	put_include("twice3.policy", "", "leaf.policy");
	check_loads(at("twice.policy"));
	{
		char text[3 * PATH_MAX];

		snprintf(text, sizeof(text), "include %s\ninclude %s\n", at("twice.policy"),
			 at("twice3.policy"));
		put("diamond.policy", text, 0644);
	}
	check_refused(at("diamond.policy"), getuid(), at("twice3.policy"), 1,
		      "already included");
}

static void limits_include_depth(void **state)
{
	char name[32], next[32];

	(void)state;
	/* chain0 includes chain1 ... includes chain9: nine levels below chain0. */
	put("chain9.policy", "", 0644);
	for (int i = 8; i >= 0; i--) {
		snprintf(name, sizeof(name), "chain%d.policy", i);
		snprintf(next, sizeof(next), "chain%d.policy", i + 1);
		put_include(name, "", next);
	}
	check_loads(at("chain1.policy"));	/* eight levels */
	check_refused(at("chain0.policy"), getuid(), at("chain8.policy"), 1,
		      "nested more than 8 deep");
}

static void include_gets_the_same_checks(void **state)
{
	(void)state;
	put("gw-inc.policy", "", 0664);
	put_include("inc-gw.policy", "", "gw-inc.policy");
	check_refused(at("inc-gw.policy"), getuid(), at("inc-gw.policy"), 1,
		      "group- or world-writable");
	put_include("inc-missing.policy", "\n", "nothing-here.policy");
	check_refused(at("inc-missing.policy"), getuid(), at("inc-missing.policy"), 2,
		      "No such file or directory");
	put("bad-inc.policy", "\n\nallow user alice tap tap0 queues -1\n", 0644);
	put_include("inc-bad.policy", "", "bad-inc.policy");
	check_refused(at("inc-bad.policy"), getuid(), at("bad-inc.policy"), 3,
		      "not a decimal number");
	assert_int_equal(mkfifo(at("fifo-inc.policy"), 0644), 0);
	put_include("inc-fifo.policy", "", "fifo-inc.policy");
	alarm(10);
	check_refused(at("inc-fifo.policy"), getuid(), at("inc-fifo.policy"), 1, "is a FIFO");
	alarm(0);
}

/**
 * load_as_nobody() - in a child that became uid/gid 65534, try to load a policy
 * @path:	policy path
 * @line:	line the error must be on
 * @needle:	expected part of the message
 *
 * Root reads any file whatever its mode, so an unreadable include can only be
 * shown without privilege.
 *
 * Return: the child's wait status; 0 means the load failed as expected.
 */
static int load_as_nobody(const char *path, unsigned long line, const char *needle)
{
	pid_t pid = fork();
	int status = -1;

	assert_true(pid >= 0);
	if (pid == 0) {
		struct policy_error err;

		if (setgroups(0, NULL) || setgid(65534) || setuid(65534) || getuid() != 65534)
			_exit(2);
		if (!try_load(path, 0, &err) || err.line != line || !strstr(err.message, needle)) {
			fprintf(stderr, "# got %s:%lu: %s\n", err.file, err.line, err.message);
			_exit(1);
		}
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void unreadable_include_fails_closed(void **state)
{
	(void)state;
	put("secret.policy", "allow user alice tap tap0\n", 0000);
	put_include("inc-secret.policy", "# x\n", "secret.policy");
	if (getuid() == 0)
		assert_int_equal(load_as_nobody(at("inc-secret.policy"), 2, "Permission denied"), 0);
	else
		check_refused(at("inc-secret.policy"), getuid(), at("inc-secret.policy"), 2,
			      "Permission denied");}

static void refuses_bad_content_with_file_and_line(void **state)
{
	static const struct {
		const char *text;
		size_t len;
		unsigned long line;
		const char *needle;
	} bad[] = {
#define TEXT(s) s, sizeof(s) - 1
		{ TEXT("# ok\n\0allow\n"), 2, "NUL byte" },
		{ TEXT("# ok\r\n"), 1, "CRLF" },
		{ TEXT("allow user alice tap tap0\n\nallow user alice tap tap0\n"), 3, "duplicates" },
		{ TEXT("allow user alice tap tap0\ndeny user alice tap tap0\n"), 2, "conflicts" },
		{ TEXT("allow user alice tap tap0 queues -1\n"), 1, "not a decimal" },
		{ TEXT("quota user alice devices 18446744073709551616\n"), 1, "larger than" },
		{ TEXT("allow user alice tap abcdefghijklmnop\n"), 1, "longer than 15" },
#undef TEXT
	};
	char longline[POLICY_LINE_MAX + 8];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int fd = open(at("content.policy"), O_WRONLY | O_CREAT | O_TRUNC, 0644);

		assert_true(fd >= 0);
		assert_int_equal(write(fd, bad[i].text, bad[i].len), (ssize_t)bad[i].len);
		close(fd);
		check_refused(at("content.policy"), getuid(), at("content.policy"), bad[i].line,
			      bad[i].needle);
	}
	memset(longline, '#', sizeof(longline) - 2);
	longline[sizeof(longline) - 2] = '\n';
	longline[sizeof(longline) - 1] = '\0';
	put("long.policy", longline, 0644);
	check_refused(at("long.policy"), getuid(), at("long.policy"), 1, "longer than 1024");
}

static void system_resolver_by_default(void **state)
{
	const struct policy_load_opts opts = { .trusted_uid = getuid() };
	struct policy_error err;
	struct policy *p = NULL;

	(void)state;
	put("root.policy", "allow user root tap tap0\nallow group root tap tap1\n", 0644);
	assert_int_equal(policy_load(at("root.policy"), &opts, &p, &err), 0);
	policy_free(p);
	put("nouser.policy", "allow user no-such-user-rxn tap tap0\n", 0644);
	assert_int_equal(policy_load(at("nouser.policy"), &opts, &p, &err), -1);
	assert_null(p);
	assert_int_equal(err.line, 1);
	assert_non_null(strstr(err.message, "no such user"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loads_file_and_include),
		cmocka_unit_test(refuses_symlinks),
		cmocka_unit_test(refuses_fifo_without_blocking),
		cmocka_unit_test(refuses_other_file_types),
		cmocka_unit_test(refuses_writable_files),
		cmocka_unit_test(refuses_writable_directories),
		cmocka_unit_test(refuses_untrusted_owner),
		cmocka_unit_test(refuses_bad_paths),
		cmocka_unit_test(refuses_big_files),
		cmocka_unit_test(refuses_include_loops),
		cmocka_unit_test(limits_include_depth),
		cmocka_unit_test(include_gets_the_same_checks),
		cmocka_unit_test(unreadable_include_fails_closed),
		cmocka_unit_test(refuses_bad_content_with_file_and_line),
		cmocka_unit_test(system_resolver_by_default),
	};

	return cmocka_run_group_tests(tests, make_base, drop_base);
}
