// SPDX-License-Identifier: MIT
/* cmd_down.c - `redox-netsetup down`: undo exactly what `up` did */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/exitcodes.h"
#include "lib/log.h"
#include "lib/netlink.h"
#include "netsetup/commands.h"
#include "netsetup/config.h"
#include "nft/nft_sock.h"
#include "teardown/journal.h"
#include "teardown/replay.h"

/**
 * down_main() - `redox-netsetup down [--all] [--keep-forwarding]`
 * @argc:	argument count, argv[0] = "down"
 * @argv:	arguments
 *
 * Replays the journal newest first.  When the journal is missing or damaged,
 * or with --all, it first removes every device in redox-net's netdev group
 * and the ip redox_net table, found by looking rather than by record.
 * Running it again finds nothing to do and exits 0.
 *
 * Return: RN_EXIT_* code.
 */
int down_main(int argc, char *argv[])
{
	struct netsetup_config cfg;
	struct teardown_opts opts;
	struct journal j;
	struct nl_sock *sk;
	int rc, err, failed = 0;

	rc = config_parse(&cfg, argc, argv, FOR_DOWN, "Usage: redox-netsetup down [OPTION]...");
	if (rc >= 0)
		return rc;
	if (cfg.check)
		return RN_EXIT_OK;
	opts.keep_forwarding = cfg.keep_forwarding;
	err = netns_run_dir(cfg.run_dir, sizeof(cfg.run_dir), RN_DEFAULT_RUN_DIR, true);
	if (!err)
		err = journal_open(&j, cfg.run_dir, true);
	if (err == -EXDEV)	/* another namespace's journal; journal_open() said which */
		return RN_EXIT_CONFLICT;
	if (err) {
		log_err("cannot open the journal in %s: %s", cfg.run_dir, strerror(-err));
		log_hint("'redox-netsetup down --all --run-dir DIR' with a writable DIR removes what it finds");
		return RN_EXIT_FAILURE;
	}
	sk = nl_route_open();
	if (!sk) {
		log_err("cannot open a netlink socket: %s", strerror(errno));
		journal_close(&j);
		return RN_EXIT_FAILURE;
	}
	if (j.bad_lines && !cfg.all) {
		log_warn("the journal in %s has %u damaged lines; removing everything redox-net manages, as with --all",
			 cfg.run_dir, j.bad_lines);
		cfg.all = true;
	}
	if (j.missing && !cfg.all) {
		log_info("no journal in %s: looking for what redox-net manages, as with --all", cfg.run_dir);
		cfg.all = true;
	}
	/*
	 * Leftovers first: then the devices the journal names (a bridge) and those it
	 * does not (the TAPs on it that users made persistent) go in one grouped
	 * delete, and by the time the journal's sysctl record is undone no managed
	 * device is left, so forwarding is restored.  The journal's records for what
	 * is gone already undo to nothing.
	 */
	if (cfg.all)
		failed += teardown_leftovers(sk, cfg.run_dir);
	failed += teardown_replay(sk, &j, 0, &opts);
	nl_route_close(sk);
	journal_close(&j);
	nft_close();	/* last: it may wait out the grace period of the table delete */
	if (failed) {
		log_err("%d object%s could not be removed", failed, failed == 1 ? "" : "s");
		log_hint("fix the cause above and run 'redox-netsetup down' again; it retries what is left");
		return RN_EXIT_FAILURE;
	}
	return RN_EXIT_OK;
}
