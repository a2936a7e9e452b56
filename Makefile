# redox-net: one build for the programs, their tests, benchmarks and install.
#
#   make                 build everything into $(BUILD)/ (binaries in $(BUILD)/bin/)
#   make check           every test suite; the last line is "N passed, N failed"
#   make check-sanitize  the same suite against an ASan+UBSan build in build-asan/
#   make bench           benchmarks against the tools people use today
#   make soak            the DHCP responder under SOAK_PACKETS (10^7) valid and malformed datagrams
#   make demo            the whole up / traffic / down flow in throwaway namespaces
#   make fuzz            long fuzz campaigns (FUZZ_SECONDS per target)
#   make install         PREFIX=/usr/local DESTDIR= HELPER_GROUP=redox-net SETUID=yes
#                        (HELPER_PATH= the helper path compiled into redox-run-net)

PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
SBINDIR     ?= $(PREFIX)/sbin
LIBEXECDIR  ?= $(PREFIX)/libexec/redox-net
# The helper path compiled into redox-run-net.  LIBEXECDIR is where `make install` puts the
# helper; they differ where the installed file cannot be setuid (NixOS: /run/wrappers/bin).
HELPER_PATH ?= $(LIBEXECDIR)/redox-net-helper
MANDIR      ?= $(PREFIX)/share/man
UNITDIR     ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR  ?= /etc
DESTDIR     ?=
# The setuid helper runs only for this group (mode 4750).  SETUID=no installs it 0755
# with no chown, for package stores that cannot hold setuid files (Nix: security.wrappers).
HELPER_GROUP ?= redox-net
SETUID      ?= yes
# The helper's policy path is compiled in and never read from the environment.
POLICY_FILE ?= $(SYSCONFDIR)/redox-net/policy
VERSION     := 0.1.0

BUILD    ?= build
SANITIZE ?=
CC       ?= cc
# Cross builds and Nix set these to the target's tools (e.g. aarch64-linux-gnu-pkg-config).
PKG_CONFIG ?= pkg-config
AR       ?= ar
FUZZ_CC  ?= clang
FUZZ_SECONDS ?= 600

PKGS      := libnl-3.0 libnl-route-3.0 libmnl libnftnl libcap-ng
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS))
# The setuid helper links no libnl: libnl's constructors read NLSYSCONFDIR, NLDBG and NLCB
# before main() can wipe the environment (docs/security.md).  Its netlink is lib/rtlink.c.
HELPER_PKGS := libmnl libnftnl libcap-ng
# Those whose archives are installed are linked in statically: each shared library the loader
# maps and relocates costs every setuid start time (bench_bridge.sh part 3), and is one more
# file opened before main().  HELPER_STATIC= links them all dynamically.
HELPER_STATIC ?= $(strip $(foreach p,libnftnl libcap-ng,$(if $(wildcard \
                   $(shell $(PKG_CONFIG) --variable=libdir $(p))/$(p).a),$(p))))
comma := ,
HELPER_LIBS := $(if $(HELPER_STATIC),-Wl$(comma)-Bstatic $(shell $(PKG_CONFIG) --libs-only-l $(HELPER_STATIC)) \
               -Wl$(comma)-Bdynamic) $(shell $(PKG_CONFIG) --libs $(filter-out $(HELPER_STATIC),$(HELPER_PKGS)))
# redox-netsetup links its libraries statically where their archives are installed, for the
# same reason: `up` is meant to cost little more than a process start (bench_netsetup.sh),
# and each shared library costs an open, five mmaps and its relocations at every exec.
# Debian ships no libmnl.a, so libmnl usually stays shared; the link says which ones do.
# NETSETUP_STATIC= links them all dynamically.  Order matters: libnftnl needs libmnl.
NETSETUP_LIBNAMES := nl-route-3 nl-3 nftnl mnl cap-ng
NETSETUP_STATIC ?= $(strip $(foreach l,$(NETSETUP_LIBNAMES),$(if $(filter /%,$(shell \
                     $(CC) -print-file-name=lib$(l).a)),$(l))))
NETSETUP_SHARED := $(filter-out $(NETSETUP_STATIC),$(NETSETUP_LIBNAMES))
NETSETUP_LIBS := $(if $(NETSETUP_STATIC),-Wl$(comma)-Bstatic $(addprefix -l,$(NETSETUP_STATIC)) \
                 -Wl$(comma)-Bdynamic) $(addprefix -l,$(NETSETUP_SHARED))
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka)

WARNINGS := -Wall -Wextra -Werror -Wformat=2 -Wformat-security -Wshadow \
            -Wstrict-prototypes -Wmissing-prototypes -Wnull-dereference \
            -Wvla -Wimplicit-fallthrough
# Control-flow protection is per architecture: GCC refuses -fcf-protection (CET) anywhere
# but x86, and -mbranch-protection (PAC/BTI) anywhere but arm64.  The target decides, not
# the build machine, so a cross compiler gets its own flags.
TARGET_MACHINE := $(shell $(CC) -dumpmachine 2>/dev/null)
ifneq ($(filter x86_64-% i386-% i486-% i586-% i686-%,$(TARGET_MACHINE)),)
ARCH_HARDENING := -fcf-protection
else ifneq ($(filter aarch64-% arm64-%,$(TARGET_MACHINE)),)
ARCH_HARDENING := -mbranch-protection=standard
endif
HARDENING := -D_FORTIFY_SOURCE=3 -fstack-protector-strong \
             -fstack-clash-protection $(ARCH_HARDENING) -fPIE
LD_HARDENING := -pie -Wl,-z,relro,-z,now,-z,noexecstack -Wl,--as-needed

ifeq ($(SANITIZE),1)
# FORTIFY and ASan each intercept the same calls; ASan's checks are stricter.
HARDENING := -fstack-protector-strong -fPIE
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
             -fno-omit-frame-pointer
endif

CPPFLAGS += -I. -D_GNU_SOURCE -DREDOX_NET_VERSION='"$(VERSION)"' \
            -DREDOX_NET_POLICY_FILE='"$(POLICY_FILE)"' \
            -DREDOX_NET_HELPER_PATH='"$(HELPER_PATH)"'
CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 $(WARNINGS) $(HARDENING) $(SAN_FLAGS) $(PKG_CFLAGS)
LDFLAGS  += $(LD_HARDENING) $(SAN_FLAGS)

# The code is layered, and each program links only the layers beneath it (docs/design.md,
# "Layout"): lib/ and policy/ are shared by every program, nft/ is the nf_tables layer, helper/
# runs setuid, runner/ is the unprivileged runner, netsetup/ and teardown/ run as root.  Each
# layer is an archive of its own, so runner/ objects are not on the helper's link line at all
# (`make lint` also checks the include graph, scripts/layout.sh, and the helper's symbols).
MAINS     := netsetup/main.c helper/helper_main.c runner/runner_main.c
layer_srcs = $(filter-out $(MAINS),$(wildcard $(addsuffix /*.c,$(1))))
CORE_SRCS     := $(call layer_srcs,lib policy)
NFT_SRCS      := $(call layer_srcs,nft)
HELPER_SRCS   := $(call layer_srcs,helper)
RUNNER_SRCS   := $(call layer_srcs,runner)
NETSETUP_SRCS := $(call layer_srcs,netsetup netsetup/* teardown)
LIB_SRCS  := $(CORE_SRCS) $(NFT_SRCS) $(HELPER_SRCS) $(RUNNER_SRCS) $(NETSETUP_SRCS)
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
layer_a    = $(BUILD)/lib$(1).a
CORE_A     := $(call layer_a,core)
NFT_A      := $(call layer_a,nft)
HELPER_A   := $(call layer_a,helper)
RUNNER_A   := $(call layer_a,runner)
NETSETUP_A := $(call layer_a,netsetup)
# Tests and benchmarks reach into every layer: they link the archive of all of them.
ARCHIVE   := $(BUILD)/libredoxnet.a

# helper/helper_main.c -> redox-net-helper, runner/runner_main.c -> redox-run-net
PROGRAMS  := $(BUILD)/bin/redox-netsetup $(BUILD)/bin/redox-net-helper $(BUILD)/bin/redox-run-net
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(wildcard tests/unit/test_*.c))
TEST_TOOLS := $(patsubst tests/tools/%.c,$(BUILD)/tests/tools/%,$(wildcard tests/tools/*.c)) \
              $(patsubst tests/tools/so/%.c,$(BUILD)/tests/tools/%.so,$(wildcard tests/tools/so/*.c))
# The security suite runs a real setuid helper; its policy and lock paths are
# compiled in, so it gets its own build of helper_main.c with test paths.  They
# carry a checksum of the build directory (tests/security/seclib.sh computes the
# same), so two checkouts can run their suites at once.
TREE_ID := $(shell printf '%s' '$(abspath $(BUILD))' | cksum | cut -d' ' -f1)
TEST_POLICY_FILE := /run/redox-net-test-$(TREE_ID)/policy
TEST_HELPER_LOCK := /run/redox-net-test-$(TREE_ID)-lock/helper.lock
TEST_PROGRAMS := $(BUILD)/tests/bin/redox-net-helper
# The benchmarks' setuid helper has paths of its own, so `make bench` and `make check`
# never share a policy file.
BENCH_POLICY_FILE := /run/redox-net-bench/policy
BENCH_HELPER_LOCK := /run/redox-net-bench-lock/helper.lock
BENCH_TOOLS := $(patsubst bench/%.c,$(BUILD)/bench/%,$(wildcard bench/*.c)) \
               $(BUILD)/bench/bin/redox-net-helper
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

.PHONY: lint all programs check check-valgrind check-sanitize bench soak demo fuzz fuzz-build install uninstall clean tests
all: programs tests
programs: $(PROGRAMS)

tests: $(UNIT_TESTS) $(TEST_TOOLS) $(TEST_PROGRAMS) $(BENCH_TOOLS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(ARCHIVE): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^
$(CORE_A): $(CORE_SRCS:%.c=$(BUILD)/obj/%.o)
	rm -f $@ && $(AR) rcs $@ $^
$(NFT_A): $(NFT_SRCS:%.c=$(BUILD)/obj/%.o)
	rm -f $@ && $(AR) rcs $@ $^
$(HELPER_A): $(HELPER_SRCS:%.c=$(BUILD)/obj/%.o)
	rm -f $@ && $(AR) rcs $@ $^
$(RUNNER_A): $(RUNNER_SRCS:%.c=$(BUILD)/obj/%.o)
	rm -f $@ && $(AR) rcs $@ $^
$(NETSETUP_A): $(NETSETUP_SRCS:%.c=$(BUILD)/obj/%.o)
	rm -f $@ && $(AR) rcs $@ $^

# Each program's layers, highest first (the linker resolves archives left to right).
NETSETUP_LAYERS := $(NETSETUP_A) $(NFT_A) $(CORE_A)
HELPER_LAYERS   := $(HELPER_A) $(NFT_A) $(CORE_A)
RUNNER_LAYERS   := $(RUNNER_A) $(CORE_A)

$(BUILD)/bin/redox-netsetup: $(BUILD)/obj/netsetup/main.o $(NETSETUP_LAYERS)
	@mkdir -p $(@D)
	$(if $(NETSETUP_SHARED),@echo "redox-netsetup: no static archive for $(addprefix lib,$(NETSETUP_SHARED)):" \
		"linked dynamically")
	$(CC) $(LDFLAGS) -o $@ $^ $(NETSETUP_LIBS)

$(BUILD)/bin/redox-net-helper: $(BUILD)/obj/helper/helper_main.o $(HELPER_LAYERS)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(HELPER_LIBS)

$(BUILD)/bin/redox-run-net: $(BUILD)/obj/runner/runner_main.o $(RUNNER_LAYERS)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/unit/%: tests/unit/%.c $(ARCHIVE)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(ARCHIVE) $(PKG_LIBS) $(CMOCKA_LIBS)

$(BUILD)/tests/tools/%: tests/tools/%.c $(ARCHIVE)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(ARCHIVE) $(PKG_LIBS)

$(BUILD)/tests/tools/%.so: tests/tools/so/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -fPIC -shared -o $@ $<

# helper_build DIR,POLICY,LOCK[,FLAGS]: a helper with its own compiled-in policy and lock
# paths (and extra flags).  The paths file changes only when they do, and then rebuilds it.
define helper_build
$(shell mkdir -p $(BUILD)/obj-$(1) && echo '$(2) $(3) $(4)' | cmp -s - $(BUILD)/obj-$(1)/paths || \
	echo '$(2) $(3) $(4)' >$(BUILD)/obj-$(1)/paths)
$(BUILD)/obj-$(1)/helper/helper_main.o: helper/helper_main.c $(BUILD)/obj-$(1)/paths
	@mkdir -p $$(@D)
	$$(CC) $$(CPPFLAGS) -UREDOX_NET_POLICY_FILE -DREDOX_NET_POLICY_FILE='"$(2)"' \
		-DREDOX_NET_HELPER_LOCK='"$(3)"' $(4) $$(CFLAGS) -MMD -MP -c $$< -o $$@
$(BUILD)/$(1)/bin/redox-net-helper: $(BUILD)/obj-$(1)/helper/helper_main.o $(HELPER_LAYERS)
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(HELPER_LIBS)
endef
# Only the test build can kill itself at a named step (helper/helper_steps.h).
$(eval $(call helper_build,tests,$(TEST_POLICY_FILE),$(TEST_HELPER_LOCK),-DRN_TEST_HOOKS))
$(eval $(call helper_build,bench,$(BENCH_POLICY_FILE),$(BENCH_HELPER_LOCK)))

$(BUILD)/bench/%: bench/%.c $(ARCHIVE)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(ARCHIVE) $(PKG_LIBS)

# Fuzz targets: clang + libFuzzer over the same sources, in their own object tree.
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
FUZZ_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/fuzz-obj/%.o)
$(BUILD)/fuzz-obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) -std=gnu11 $(FUZZ_FLAGS) $(PKG_CFLAGS) -c $< -o $@
$(BUILD)/libredoxnet-fuzz.a: $(FUZZ_OBJS)
	rm -f $@ && $(AR) rcs $@ $^
$(BUILD)/fuzz/%: tests/fuzz/%.c $(BUILD)/libredoxnet-fuzz.a
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) -std=gnu11 $(FUZZ_FLAGS) -fsanitize=fuzzer $(PKG_CFLAGS) \
		-o $@ $< $(BUILD)/libredoxnet-fuzz.a $(PKG_LIBS)
fuzz-build: $(FUZZ_TARGETS)

# Static analysis: cppcheck and clang-tidy (.clang-tidy) over everything, and gcc's
# -fanalyzer over the code that runs with privilege.  Any finding fails.
PRIVILEGED_SRCS := $(CORE_SRCS) $(NFT_SRCS) $(wildcard helper/*.c netsetup/*.c teardown/*.c)
lint: $(BUILD)/bin/redox-net-helper
	scripts/layout.sh
	BUILD=$(BUILD) scripts/layout.sh --symbols $(BUILD)/bin/redox-net-helper
	cppcheck --quiet --enable=warning,portability,performance --std=c11 --error-exitcode=1 \
		--inline-suppr --suppress=missingIncludeSystem -I. -D_GNU_SOURCE \
		$(LIB_SRCS) $(MAINS)
	clang-tidy --quiet $(LIB_SRCS) $(MAINS) -- $(CPPFLAGS) -std=gnu11 $(PKG_CFLAGS)
	clang-tidy --quiet helper/helper_main.c -- $(CPPFLAGS) -DRN_TEST_HOOKS -std=gnu11 $(PKG_CFLAGS)
	for f in $(PRIVILEGED_SRCS); do \
		$(CC) -fanalyzer -Werror -O1 -std=gnu11 $(CPPFLAGS) $(PKG_CFLAGS) -c -o /dev/null $$f || exit 1; \
	done
	$(CC) -fanalyzer -Werror -O1 -std=gnu11 $(CPPFLAGS) -DRN_TEST_HOOKS $(PKG_CFLAGS) \
		-c -o /dev/null helper/helper_main.c

check: all fuzz-build
	@BUILD=$(abspath $(BUILD)) tests/run-all.sh

# Every unit test under valgrind memcheck: any error or definite/indirect leak fails.
check-valgrind: tests
	@fail=0; for t in $(UNIT_TESTS); do \
		if valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
			--errors-for-leak-kinds=definite,indirect --error-exitcode=99 $$t >$$t.valgrind 2>&1; \
		then echo "ok - $${t##*/} under valgrind"; \
		else echo "not ok - $${t##*/} under valgrind:"; cat $$t.valgrind; fail=1; fi; \
	done; exit $$fail

check-sanitize:
	$(MAKE) BUILD=build-asan SANITIZE=1 check

bench: all
	@BUILD=$(abspath $(BUILD)) bench/run-all.sh

# The soak test of `make check`, at full length and low priority: 10^7 datagrams, 12,000 clients,
# the whole of a /16.  It prints the responder's memory along the way (docs/dhcp.md).
SOAK_PACKETS ?= 10000000
soak: all
	@BUILD=$(abspath $(BUILD)) SOAK_PACKETS=$(SOAK_PACKETS) SOAK_PREFIX=16 SOAK_POOL=65536 \
		SOAK_CLIENTS=12000 SOAK_SAMPLES=40 SOAK_WARMUP=10 \
		nice -n 10 bash tests/integration/test_dhcp_soak.sh

demo: all
	@BUILD=$(abspath $(BUILD)) tests/e2e/demo.sh

fuzz: fuzz-build
	@BUILD=$(abspath $(BUILD)) FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh long

# Files that have @SBINDIR@ and @SYSCONFDIR@ filled in at install time.
define fill_in
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' $(1) > $(2)
endef

UNITS    := redox-net.service redox-net-dhcp.service redox-net-dhcp.socket
MANPAGES := man1/redox-run-net.1 man5/redox-net-policy.5 man8/redox-netsetup.8 man8/redox-net-helper.8
HELPER_DEST := $(DESTDIR)$(LIBEXECDIR)/redox-net-helper
# install_helper: the setuid helper, root:HELPER_GROUP 4750.  Installed for this machine
# (no DESTDIR), the group is created when missing, as a system group.  Staged for a package
# (DESTDIR), the host's user database is never touched and the gid of this machine means
# nothing on the target, so the helper stays 4750 with the builder's group (root under
# fakeroot): nobody but root can run it until the package's postinst creates the group and
# hands the file to it, as Debian packages do with dpkg-statoverride.
ifeq ($(SETUID),no)
define install_helper
	install -m 0755 $(BUILD)/bin/redox-net-helper $(HELPER_DEST)
endef
else ifneq ($(DESTDIR),)
define install_helper
	install -m 4750 $(BUILD)/bin/redox-net-helper $(HELPER_DEST)
	@echo "note: DESTDIR install: $(LIBEXECDIR)/redox-net-helper is mode 4750 with no group of its own, so"
	@echo "      only root can run it.  The package's postinst must run:"
	@echo "        getent group $(HELPER_GROUP) >/dev/null || groupadd --system $(HELPER_GROUP)"
	@echo "        chgrp $(HELPER_GROUP) $(LIBEXECDIR)/redox-net-helper && chmod 4750 $(LIBEXECDIR)/redox-net-helper"
	@echo "      (chmod after chgrp: changing the group clears the setuid bit)"
endef
else
define install_helper
	@[ "$$(id -u)" -eq 0 ] || { echo "make install: the setuid helper needs root: run 'sudo make install'," \
		"or 'make install SETUID=no' for a helper without privilege" >&2; exit 1; }
	@getent group $(HELPER_GROUP) >/dev/null || { groupadd --system $(HELPER_GROUP) && \
		echo "created the system group $(HELPER_GROUP): add VM users with 'usermod -aG $(HELPER_GROUP) USER'"; }
	install -o root -g $(HELPER_GROUP) -m 4750 $(BUILD)/bin/redox-net-helper $(HELPER_DEST)
endef
endif

install: $(PROGRAMS)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/redox-net \
		$(addprefix $(DESTDIR)$(MANDIR)/,man1 man5 man8)
	install -m 0755 $(BUILD)/bin/redox-netsetup $(DESTDIR)$(SBINDIR)/redox-netsetup
	install -m 0755 $(BUILD)/bin/redox-run-net $(DESTDIR)$(BINDIR)/redox-run-net
	$(install_helper)
	for m in $(MANPAGES); do install -m 0644 docs/man/$${m#*/} $(DESTDIR)$(MANDIR)/$$m || exit 1; done
	for u in $(UNITS); do \
		$(call fill_in,netsetup/systemd/$$u.in,$(DESTDIR)$(UNITDIR)/$$u) && \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done
	install -m 0644 netsetup/redox-net.conf.example $(DESTDIR)$(SYSCONFDIR)/redox-net/redox-net.conf.example
	install -m 0644 policy/examples/single-user.policy $(DESTDIR)$(SYSCONFDIR)/redox-net/policy.example

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/redox-netsetup $(DESTDIR)$(BINDIR)/redox-run-net \
		$(DESTDIR)$(LIBEXECDIR)/redox-net-helper \
		$(addprefix $(DESTDIR)$(MANDIR)/,$(MANPAGES)) $(addprefix $(DESTDIR)$(UNITDIR)/,$(UNITS)) \
		$(DESTDIR)$(SYSCONFDIR)/redox-net/redox-net.conf.example \
		$(DESTDIR)$(SYSCONFDIR)/redox-net/policy.example
	-rmdir $(DESTDIR)$(LIBEXECDIR) 2>/dev/null

clean:
	rm -rf $(BUILD) build-asan

-include $(LIB_OBJS:.o=.d) $(MAINS:%.c=$(BUILD)/obj/%.d) $(BUILD)/obj-tests/helper/helper_main.d \
         $(BUILD)/obj-bench/helper/helper_main.d
