# SPDX-License-Identifier: GPL-2.0
#
# flexvpn: the targets a person types. Kbuild holds the kbuild lines.
#
#   make            the module for every kernel (build/KVER/flexvpn.ko), the
#                   tool (build/bin/flexvpn) and the C selftests
#   make check      tools/check.sh: dependencies, build, host unit tests, the
#                   selftests in a guest per kernel; ends "N passed, N failed"
#   make check-debug  tools/debug/check.sh: every selftest, plus a fault-
#                   injection pass, on a debug kernel (KASAN, kmemleak,
#                   lockdep, ...) built once from Debian's linux-source-6.12
#                   (docs/debug-kernel.md); takes hours, not part of CI
#   make demo       tools/demo.sh in a guest booting the 6.1 kernel
#   make install    the module (for the running kernel), the tool (with its
#                   man page, bash completion and flexvpn.service), the
#                   iproute2 link plugins (`ip -d link show`) and the
#                   charon plugin with its flexvpn.conf; DESTDIR honoured
#   make uninstall  removes what make install put there
#   make bench      the benchmarks (tools/bench/run.sh, docs/benchmarks.md)
#   make regen      regenerate from uapi/flexvpn.yaml (the netlink family):
#                   kmod/netlink-gen.[ch] and uapi/linux/flexvpn.h
#   make deb        the Debian packages in build/deb/ (tools/deb.sh)
#   make clean
#
# KVERS="KVER..." chooses the kernels (default: build/kernels, written by
# tools/deps.sh: Debian's newest installed 6.1 and 6.12). TESTS="NAME..."
# limits `make check` to some selftests. FLEXVPN_VERSION=V sets the version
# the module, the tool and the plugin carry (default: VERSION, plus git's
# commit when built from a clone; tools/version.sh).

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD := $(TOP)/build

SHELL := /bin/bash

ifndef KVERS
KVERS := $(shell cat $(BUILD)/kernels 2>/dev/null || $(TOP)/tools/deps.sh --kernels)
endif

.PHONY: all module lib userspace plugin selftests ynl regen check check-debug bench demo install uninstall deb clean FORCE
all: module userspace plugin selftests

module: $(foreach k,$(KVERS),$(BUILD)/$(k)/flexvpn.ko)
ifeq ($(strip $(KVERS)),)
	@echo "no kernel to build for: run tools/deps.sh" >&2; exit 1
endif

# Kbuild decides what to rebuild; one object tree per kernel.
$(BUILD)/%/flexvpn.ko: FORCE
	+@$(TOP)/tools/build-module.sh $*

# The library that speaks the flexvpn family (userspace/lib), which the
# tool, the plugin and the benchmarks link: built once before them, so that
# their makes, run in parallel, never build it at the same time.
LIBFVNL := $(BUILD)/userspace/lib/libfvnl.a
lib:
	@$(MAKE) -C $(TOP)/userspace lib
$(LIBFVNL): lib

userspace: lib
	@$(MAKE) -C $(TOP)/userspace

# the strongSwan charon plugin (userspace/plugin/Makefile)
plugin: lib
	@$(MAKE) -C $(TOP)/userspace/plugin

# The module goes where modprobe finds it for the running kernel (KVER=
# another one), the tool into /usr/sbin (flexvpn.service into systemd's
# folder), the plugin into charon's folder.
KVER ?= $(shell uname -r)
MODDIR := $(DESTDIR)/lib/modules/$(KVER)/extra
install: plugin userspace
	install -D -m 0644 $(BUILD)/$(KVER)/flexvpn.ko $(MODDIR)/flexvpn.ko
	[ -n "$(DESTDIR)" ] || depmod -a $(KVER)
	@$(MAKE) -C $(TOP)/userspace install PREFIX=/usr
	@$(MAKE) -C $(TOP)/userspace/plugin install

uninstall:
	rm -f $(MODDIR)/flexvpn.ko
	[ -n "$(DESTDIR)" ] || depmod -a $(KVER)
	@$(MAKE) -C $(TOP)/userspace uninstall PREFIX=/usr
	@$(MAKE) -C $(TOP)/userspace/plugin uninstall

# vachurn creates thousands of access devices from one netlink socket: the
# churn selftest and benchmark B1 use it. selftests/ynl.sh drives the family
# with the kernel's YNL CLI.
selftests: $(BUILD)/bench/vachurn ynl lib
	@$(MAKE) -C $(TOP)/selftests

# The kernel's YNL tools (generator, CLI, schemas), extracted from Debian's
# linux-source-6.12 into build/ynl once.
ynl:
	@$(TOP)/tools/ynl/extract.sh >/dev/null

# What uapi/flexvpn.yaml generates is committed (a DKMS build has neither
# python nor linux-source); tools/ynl/check.sh, a host test, fails when it
# is stale.
regen:
	@$(TOP)/tools/ynl/regen.sh

$(BUILD)/bench/vachurn: $(TOP)/tools/bench/vachurn.c $(TOP)/uapi/linux/flexvpn.h \
			$(LIBFVNL)
	@mkdir -p $(@D)
	$(CC) -O2 -g -Wall -Werror -I$(TOP)/uapi -I$(TOP)/userspace/lib -o $@ \
		$< $(LIBFVNL) $$(pkg-config --cflags --libs libmnl)

check:
	@$(TOP)/tools/check.sh

check-debug:
	@$(TOP)/tools/debug/check.sh

# tools/debug/faults.sh arms one allocation failure per run with it
$(BUILD)/debug/failnth: $(TOP)/tools/debug/failnth.c
	@mkdir -p $(@D)
	$(CC) -O2 -g -Wall -Werror -o $@ $<

# flexvpn-dkms, flexvpn and strongswan-flexvpn, built by dpkg-buildpackage
# from debian/ in a copy of the tree
deb:
	@$(TOP)/tools/deb.sh

# Benchmarks print tables (docs/benchmarks.md); they never fail the build.
bench: all
	@$(TOP)/tools/bench/run.sh

demo:
	@$(TOP)/tools/deps.sh
	@$(MAKE) -C $(TOP) all
	@$(TOP)/tools/vm/run --kernel 6.1 -- tools/demo.sh

clean:
	@$(MAKE) -C $(TOP)/userspace clean
	@$(MAKE) -C $(TOP)/userspace/plugin clean
	rm -rf $(BUILD)
