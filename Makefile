# SPDX-License-Identifier: GPL-2.0
#
# flexvpn: the targets a person types. Kbuild holds the kbuild lines.
#
#   make            the module for every kernel (build/KVER/flexvpn.ko), the
#                   tool (build/bin/flexvpn) and the C selftests
#   make check      tools/check.sh: dependencies, build, host unit tests, the
#                   selftests in a guest per kernel; ends "N passed, N failed"
#   make demo       tools/demo.sh in a guest booting the 6.1 kernel
#   make install    the module (for the running kernel), the tool and the
#                   charon plugin with its flexvpn.conf; DESTDIR honoured
#   make uninstall  removes what make install put there
#   make bench      the benchmarks (tools/bench/run.sh, docs/benchmarks.md)
#   make deb        the Debian packages in build/deb/ (tools/deb.sh)
#   make clean
#
# KVERS="KVER..." chooses the kernels (default: build/kernels, written by
# tools/deps.sh: Debian's newest installed 6.1 and 6.12). TESTS="NAME..."
# limits `make check` to some selftests.

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD := $(TOP)/build

SHELL := /bin/bash

ifndef KVERS
KVERS := $(shell cat $(BUILD)/kernels 2>/dev/null || $(TOP)/tools/deps.sh --kernels)
endif

.PHONY: all module userspace plugin selftests check bench demo install uninstall deb clean FORCE
all: module userspace plugin selftests

module: $(foreach k,$(KVERS),$(BUILD)/$(k)/flexvpn.ko)
ifeq ($(strip $(KVERS)),)
	@echo "no kernel to build for: run tools/deps.sh" >&2; exit 1
endif

# Kbuild decides what to rebuild; one object tree per kernel.
$(BUILD)/%/flexvpn.ko: FORCE
	+@$(TOP)/tools/build-module.sh $*

userspace:
	@$(MAKE) -C $(TOP)/userspace

# the strongSwan charon plugin (userspace/plugin/Makefile)
plugin:
	@$(MAKE) -C $(TOP)/userspace/plugin

# The module goes where modprobe finds it for the running kernel (KVER=
# another one), the tool into /usr/sbin, the plugin into charon's folder.
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
	rm -f $(DESTDIR)/usr/sbin/flexvpn $(DESTDIR)/usr/share/man/man8/flexvpn.8
	@$(MAKE) -C $(TOP)/userspace/plugin uninstall

# vachurn creates thousands of access devices from one netlink socket: the
# churn selftest and benchmark B1 use it.
selftests: $(BUILD)/bench/vachurn
	@$(MAKE) -C $(TOP)/selftests

$(BUILD)/bench/vachurn: $(TOP)/tools/bench/vachurn.c $(TOP)/uapi/linux/flexvpn.h
	@mkdir -p $(@D)
	$(CC) -O2 -g -Wall -Werror -I$(TOP)/uapi -o $@ $< $$(pkg-config --cflags --libs libmnl)

check:
	@$(TOP)/tools/check.sh

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
